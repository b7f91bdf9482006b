import { describe, expect, it } from 'vitest'

import type { IncidentFeature } from '../api/map-api.ts'
import { codeLabel } from '../i18n/codes.ts'
import { formatBbox } from '../state/query.ts'
import { atPoint, dailyCounts, formatMetric, membersBox, metricRows, pointBox, storedCell, topCategories } from './inspector.ts'

describe('inspector helpers', () => {
  it('counts days into a series over the period, dropping days outside', () => {
    expect(dailyCounts(['2026-10-01', '2026-10-03', '2026-10-03', '2026-09-30', '2026-10-04'], '2026-10-01', '2026-10-04')).toEqual([
      1, 0, 2,
    ])
  })
  it('formats model numbers', () => {
    expect(formatMetric(4.55718e-19)).toBe('4.56e-19')
    expect(formatMetric(0.125)).toBe('0.125')
    expect(formatMetric(16)).toBe('16')
    expect(formatMetric(0)).toBe('0')
  })

  it("shows a warning's numbers in Chinese: names, patterns, statuses, severities and times, never the codes", () => {
    // An emerging hot spot, an overdue hazard and an overdue task, as the models write them.
    expect(metricRows({ pattern: 'intensifying_hot', hotWeeks: 5, trendP: 0.00002 })).toEqual([
      ['时空模式', '加剧热点'],
      ['热点周数', '5'],
      ['趋势 P 值', '2.00e-5'],
    ])
    expect(metricRows({ hazardId: 12, daysOverdue: 9, dueDate: '2026-10-20', severity: 'major', status: 'rectifying' })).toEqual([
      ['隐患编号', '12'],
      ['逾期天数', '9'],
      ['期限', '2026-10-20'],
      ['严重程度', '重大'],
      ['状态', '整改中'],
    ])
    expect(metricRows({ taskId: 3, status: 'in_progress' })).toEqual([
      ['任务编号', '3'],
      ['状态', '整改中'],
    ])
    expect(metricRows({ first: '2026-10-30T16:05:00.000Z', categories: '{"0101":3,"0203":1}' })).toEqual([
      ['首起时间', '2026-10-31 00:05'],
      ['类别构成', '0101 × 3，0203 × 1'],
    ])
    // A metric the page does not know yet keeps its name rather than vanishing.
    expect(metricRows({ novel: 1 })).toEqual([['novel', '1']])
  })

  it('finds the incidents exactly at a spot, through a box the API (5 decimals) still holds it in', () => {
    const at = [120.2612345678, 30.1645678901] as const
    const box = formatBbox(pointBox(at[0], at[1])).split(',').map(Number)
    expect(box[0]! <= at[0] && box[2]! >= at[0] && box[1]! <= at[1] && box[3]! >= at[1]).toBe(true)
    expect(box[2]! - box[0]!).toBeLessThan(1e-4) // about 4 m: one spot, not a street
    const f = (id: number, c: [number, number] | null) =>
      ({ id, geometry: c && { type: 'Point', coordinates: c }, properties: {} }) as unknown as IncidentFeature
    const list = [f(1, [at[0], at[1]]), f(2, [at[0] + 1e-9, at[1]]), f(3, null), f(4, [at[0], at[1]])]
    expect(atPoint(list, at).map((x) => x.id)).toEqual([1, 4])
  })

  it('ranks categories by count', () => {
    expect(topCategories([{ name: '盗窃' }, { name: '纠纷' }, { name: '盗窃' }, { name: '诈骗' }], 2)).toEqual([
      ['盗窃', 2],
      ['纠纷', 1],
    ])
  })
})

describe("a cell's incidents", () => {
  it('are the points whose res-10 cell is in it, as the server counts them, all inside the box it reads', async () => {
    const h3 = await import('h3-js')
    const cell = h3.latLngToCell(30.164, 120.262, 7)
    const box = membersBox(h3, cell)
    const [w, s, e, n] = box
    // Points on a fine lattice over the cell and around it.
    let members = 0
    let differ = 0
    for (let i = 0; i <= 120; i++) {
      for (let j = 0; j <= 120; j++) {
        const lng = w - 0.01 + ((e - w + 0.02) * i) / 120
        const lat = s - 0.01 + ((n - s + 0.02) * j) / 120
        if (storedCell(h3, lng, lat, 7) !== cell) continue
        members++
        if (h3.latLngToCell(lat, lng, 7) !== cell) differ++
        expect(lng >= w && lng <= e && lat >= s && lat <= n, `${lng},${lat}`).toBe(true)
      }
    }
    expect(members).toBeGreaterThan(100)
    expect(differ).toBeGreaterThan(0) // why the parent of the res-10 cell, not the cell the point is in
    expect(storedCell(h3, 120.262, 30.164, 10)).toBe(h3.latLngToCell(30.164, 120.262, 10))
  })
})

describe("the full-view models' metrics", () => {
  it('are named and their codes put in words', () => {
    const rows = Object.fromEntries(
      metricRows({
        use: 'rented',
        keyCategories: 'drug,community_correction',
        checklist: 'fire',
        by: 'parties',
        types: '{"family":1,"neighbour":3}',
        perRoom: 4.33,
      }),
    )
    expect(rows).toEqual({
      房屋用途: '出租',
      重点人员类别: '涉毒、社区矫正',
      自查清单: codeLabel('hazardCategory', 'fire'),
      串联依据: '同一当事人',
      纠纷类型: '家庭纠纷 × 1，邻里纠纷 × 3',
      每间人数: '4.33',
    })
    expect(Object.values(rows).join()).not.toMatch(/rented|drug|parties|neighbour/)
  })
})
