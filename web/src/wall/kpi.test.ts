import { describe, expect, it } from 'vitest'

import type {
  AreaStatsResponse,
  ComparedCount,
  RankingResponse,
  SummaryResponse,
  Task,
  WarningFeature,
} from '../../../server/shared/api.ts'
import { computeKpis, daySpan, formatPct, sortedRanking, totalsByArea, townFocus, trend, wallPeriods } from './kpi.ts'

const count = (n: number, yearEarlier: number, yoyPct: number | null, previous = 0, popPct: number | null = null): ComparedCount => ({
  n,
  yearEarlier,
  yoyPct,
  previous,
  popPct,
})
const summary = (total: ComparedCount, until: string | null = null): SummaryResponse => ({
  area: { code: '330109', name: '萧山区', level: 'district' },
  areas: [{ code: '330109', name: '萧山区', level: 'district' }],
  period: { from: '2026-11-23', to: '2026-11-24' },
  counted: { from: '2026-11-23', to: '2026-11-24', until },
  yearEarlierPeriod: { from: '2025-11-23', to: '2025-11-24', until: null },
  previousPeriod: { from: '2026-11-22', to: '2026-11-23', until: null, kind: 'previous_span' },
  total,
  categories: [],
})
const warning = (
  id: number,
  level: 'red' | 'orange' | 'yellow',
  status: WarningFeature['properties']['status'],
  townCode: string | null,
): WarningFeature =>
  ({
    type: 'Feature',
    id,
    geometry: { type: 'Point', coordinates: [120.3, 30.2] },
    properties: { id, level, status, townCode },
  }) as unknown as WarningFeature
const task = (id: number, status: Task['status'], overdue: boolean, townCode: string | null): Task =>
  ({ id, status, overdue, townCode }) as unknown as Task

const warnings = [
  warning(1, 'red', 'new', 'A'),
  warning(2, 'red', 'resolved', 'A'),
  warning(3, 'red', 'tasked', 'B'),
  warning(4, 'orange', 'new', 'A'),
  warning(5, 'red', 'expired', 'B'),
]
const tasks = [
  task(1, 'issued', false, 'A'),
  task(2, 'in_progress', true, 'A'),
  task(3, 'closed', true, 'A'),
  task(4, 'returned', true, 'B'),
]

describe('computeKpis', () => {
  it('counts open red warnings and open / overdue tasks, and takes 同比 from the summary', () => {
    const k = computeKpis({
      today: summary(count(12, 10, 20), '2026-11-23T00:23:00+08:00'),
      month: summary(count(300, 0, null, 250, 20)),
      warnings,
      tasks,
    })
    expect(k).toEqual({
      today: 12,
      yearEarlier: 10,
      yoyPct: 20,
      span: '00:00–00:23',
      month: 300,
      monthPrevious: 250,
      monthPopPct: 20,
      redWarnings: 2,
      openTasks: 3,
      overdueTasks: 2,
    })
  })
})

describe('townFocus', () => {
  it('picks one town out of the district-wide answers, ranked out of every ranked town', () => {
    const stats = (totals: Record<string, number>): AreaStatsResponse => ({
      area: { code: '330109', name: '萧山区', level: 'district' },
      period: { from: '2026-11-23', to: '2026-11-24' },
      total: 0,
      categories: [],
      children: Object.entries(totals).map(([code, total]) => ({ code, name: code, level: 'town', total, categories: {} })),
    })
    const ranking = {
      counts: { red: 1, yellow: 1, black: 0, total: 22 },
      areas: [
        { code: 'A', rank: 3, score: 55.5, colour: 'yellow', rankChange: -1 },
        { code: 'B', rank: 1, score: 90, colour: 'red', rankChange: 2 },
      ],
    } as unknown as RankingResponse
    const f = townFocus('A', '城厢街道', {
      today: totalsByArea(stats({ A: 4, B: 1 })),
      month: totalsByArea(stats({ A: 40 })),
      warnings,
      tasks,
      ranking,
    })
    expect(f).toEqual({
      code: 'A',
      name: '城厢街道',
      today: 4,
      month: 40,
      warnings: 2,
      redWarnings: 1,
      openTasks: 2,
      overdueTasks: 1,
      rank: 3,
      rankOf: 22,
      score: 55.5,
      colour: 'yellow',
      rankChange: -1,
    })
    // A town officer is sent their own row only: still "3/22", never "3/1".
    expect(
      townFocus('A', '城厢街道', { today: null, month: null, warnings, tasks, ranking: { ...ranking, areas: ranking.areas.slice(0, 1) } })
        .rankOf,
    ).toBe(22)
    const none = townFocus('Z', '无', { today: null, month: null, warnings: [], tasks: [], ranking: null })
    expect(none.today).toBe(0)
    expect(none.rank).toBeNull()
    expect(sortedRanking(ranking).map((a) => a.code)).toEqual(['B', 'A'])
  })
})

describe('formatting', () => {
  it('formats 同比 with a sign and a dash without a base', () => {
    expect(formatPct(12.34)).toBe('+12.3%')
    expect(formatPct(-5)).toBe('−5.0%')
    expect(formatPct(0)).toBe('±0.0%')
    expect(formatPct(null)).toBe('—')
    expect(trend(3)).toBe('up')
    expect(trend(-3)).toBe('down')
    expect(trend(null)).toBe('flat')
  })

  it('asks for today and this calendar month in Shanghai days (the server cuts both at now)', () => {
    expect(wallPeriods(new Date('2026-11-22T16:30:00Z'))).toEqual({
      today: { from: '2026-11-23', to: '2026-11-24' },
      month: { from: '2026-11-01', to: '2026-12-01' },
    })
    expect(wallPeriods(new Date('2026-12-31T16:30:00Z')).month).toEqual({ from: '2027-01-01', to: '2027-02-01' })
    expect(daySpan('2026-12-06T00:23:00+08:00')).toBe('00:00–00:23')
    expect(daySpan(null)).toBeNull()
  })
})
