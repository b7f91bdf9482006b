/** Warning titles in words a police officer reads: a place, never an H3 index. */
import { latLngToCell } from 'h3-js'
import { describe, expect, it } from 'vitest'

import type { Finding } from '../types.ts'
import { placeWords, searchArea, titledByPlace } from './places.ts'

const H3_INDEX = /8[0-9a-f]{14}/
const at = { lng: 120.27, lat: 30.17 }

describe('place words', () => {
  it('names the town, the village and the nearest road (with its door number) and compound', () => {
    expect(placeWords({ town: '城厢街道', village: '陈公桥社区', road: '体育路', door: '73', compound: '盛世悦府', group: null }, at)).toBe(
      '城厢街道陈公桥社区（体育路73号盛世悦府附近）',
    )
    expect(placeWords({ town: '城厢街道', village: '陈公桥社区', road: null, door: null, compound: '盛世悦府', group: null }, at)).toBe(
      '城厢街道陈公桥社区（盛世悦府附近）',
    )
    expect(placeWords({ town: '义桥镇', village: '西山村', road: '民丰路', door: null, compound: null, group: '3' }, at)).toBe(
      '义桥镇西山村（民丰路附近）',
    )
    expect(placeWords({ town: '义桥镇', village: '西山村', road: '民丰路', door: '12-1', compound: null, group: null }, at)).toBe(
      '义桥镇西山村（民丰路12-1号附近）',
    )
  })

  it('falls back to the 组, then the village alone, then coordinates — never an index', () => {
    expect(placeWords({ town: '义桥镇', village: '西山村', road: null, door: null, compound: null, group: '3' }, at)).toBe(
      '义桥镇西山村（3组附近）',
    )
    expect(placeWords({ town: '义桥镇', village: '西山村', road: null, door: null, compound: null, group: null }, at)).toBe('义桥镇西山村')
    expect(placeWords(undefined, at)).toBe('北纬30.1700° 东经120.2700°附近')
  })

  it('titles findings on cells and points by place and leaves area findings alone', () => {
    const cell = latLngToCell(30.17, 120.27, 9)
    const base = { level: 'red', explanation: '', metrics: {} } as const
    const findings: Finding[] = [
      { ...base, subject: `h3:${cell}`, title: '热点区域', place: { kind: 'h3', cell } },
      { ...base, subject: 'zone:x', title: '近重复盗窃', place: { kind: 'point', lng: 120.3, lat: 30.2 } },
      { ...base, subject: 'grid:1', title: '警情激增：某网格', place: { kind: 'area', code: '1' } },
    ]
    const names = new Map([
      [`h3:${cell}`, { town: '城厢街道', village: '陈公桥社区', road: '体育路', door: null, compound: null, group: null }],
    ])
    const titled = titledByPlace(findings, names, (f) => f.title)
    expect(titled.map((f) => f.title)).toEqual([
      '热点区域：城厢街道陈公桥社区（体育路附近）',
      '近重复盗窃：北纬30.2000° 东经120.3000°附近',
      '警情激增：某网格',
    ])
    for (const f of titled) expect(f.title).not.toMatch(H3_INDEX)
  })

  it('searches a cell in its hexagon and a point within the radius', () => {
    const cell = latLngToCell(30.17, 120.27, 9)
    expect(searchArea({ kind: 'h3', cell }, 200)).toMatch(/^POLYGON\(\((\d+\.\d+ \d+\.\d+, ){6}\d+\.\d+ \d+\.\d+\)\)$/)
    const box = searchArea({ kind: 'point', lng: 120.27, lat: 30.17 }, 200)!
    const xs = [...box.matchAll(/(\d+\.\d+) (\d+\.\d+)/g)].map((m) => Number(m[1]))
    expect((Math.max(...xs) - Math.min(...xs)) * 96_388).toBeCloseTo(400, 0)
    expect(searchArea({ kind: 'area', code: '1' }, 200)).toBeNull()
  })
})
