import { readFileSync } from 'node:fs'

import { describe, expect, it } from 'vitest'

import { resolveRoles, RoleMappingSchema } from '../categories/roles.ts'
import { areaValues, compareValue, EMPTY_COUNTS, per10k, round, sharePct } from './compute.ts'
import { DEFAULT_RANKING_CONFIG, defaultDirection, indicatorDefinitions } from './definitions.ts'
import { DOUBLE_TEN } from './double-ten.ts'
import { addMonths, currentMonth, lastTwelveMonths, monthPeriod, monthWindow, previousWindowPeriod } from './month.ts'
import { configuredOnly, rankingIndicators } from './rankings.ts'
import { type IndicatorId, RankingConfigSchema } from './schema.ts'
import { bandSize, colourOf, competitionRanks, percentileScores, scoreAreas } from './scoring.ts'
import { requiredWeeks } from './view-queries.ts'

describe('months', () => {
  it('does month arithmetic and windows in Asia/Shanghai', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12')
    expect(addMonths('2025-12', 1)).toBe('2026-01')
    expect(monthPeriod('2024-02')).toEqual({ from: '2024-02-01', to: '2024-03-01' })
    expect(currentMonth(new Date('2026-10-31T16:30:00Z'))).toBe('2026-11')
    expect(lastTwelveMonths('2026-03')).toHaveLength(12)
    expect(lastTwelveMonths('2026-03')[0]).toBe('2025-04')
    const now = new Date('2026-11-10T04:00:00Z')
    const past = monthWindow('2026-10', now)
    expect(past).toMatchObject({
      complete: true,
      period: { from: '2026-10-01', to: '2026-11-01' },
      yearEarlier: { from: '2025-10-01', to: '2025-11-01' },
    })
    expect(past.asOf.toISOString()).toBe('2026-10-31T16:00:00.000Z')
    const live = monthWindow('2026-11', now)
    expect(live).toMatchObject({
      complete: false,
      period: { from: '2026-11-01', to: '2026-11-11' },
      yearEarlier: { from: '2025-11-01', to: '2025-11-11' },
    })
    expect(live.asOf).toBe(now)
    expect(previousWindowPeriod(live)).toEqual({ from: '2026-10-01', to: '2026-10-11' })
    expect(previousWindowPeriod(past)).toEqual({ from: '2026-09-01', to: '2026-10-01' })
    // 31 March to date compares with at most the whole of February.
    expect(previousWindowPeriod(monthWindow('2026-03', new Date('2026-03-31T04:00:00Z')))).toEqual({ from: '2026-02-01', to: '2026-03-01' })
  })
})

describe('indicator values', () => {
  it('rounds rates and shares, null without a base', () => {
    expect(round(2.345, 2)).toBe(2.35)
    expect(round(-2.345, 2)).toBe(-2.35)
    expect(per10k(3, 12_000)).toBe(2.5)
    expect(per10k(3, 0)).toBeNull()
    expect(per10k(3, null)).toBeNull()
    expect(sharePct(2, 3)).toBe(66.7)
    expect(sharePct(0, 0)).toBeNull()
    expect(compareValue({ value: 3, n: 3, base: null }, { value: 1, n: 1, base: null })).toEqual({
      value: 3,
      n: 3,
      base: null,
      previous: 1,
      change: 2,
    })
    expect(compareValue({ value: 3, n: 3, base: null }, { value: null, n: 0, base: 0 }).change).toBeNull()
  })
  it('maps the catalogue to fires, frauds and traffic casualties', () => {
    const catalogue = [
      {
        code: '03',
        nameZh: '消防',
        nameEn: 'Fire',
        items: ['0301', '0302', '0303', '0304'].map((code) => ({ code, nameZh: code, nameEn: code, properties: {} })),
      },
      {
        code: '05',
        nameZh: '电诈',
        nameEn: 'Fraud',
        items: ['0501', '0502'].map((code) => ({ code, nameZh: code, nameEn: code, properties: {} })),
      },
    ]
    // Xiaoshan's binding (data/xiaoshan/mapping.json): fires are 0301 and 0303, frauds all of 05.
    const xiaoshan = RoleMappingSchema.parse(
      JSON.parse(readFileSync(new URL('../../data/xiaoshan/mapping.json', import.meta.url), 'utf8')),
    ).roles
    const defs = indicatorDefinitions(catalogue, resolveRoles(xiaoshan, catalogue))
    const v = areaValues(defs, 20_000, {
      items: new Map([
        ['0301', 1],
        ['0302', 4],
        ['0502', 2],
      ]),
      yearEarlierTotal: 14,
      tasks: { due: 4, closed: 3, onTime: 1 },
      warnings: { raised: 2, answered: 1, meanHours: 10.04 },
    })
    expect(defs.find((d) => d.id === 'fires_per_10k')?.items).toEqual(['0301', '0303'])
    expect(v.fires_per_10k).toEqual({ value: 0.5, n: 1, base: null })
    expect(v.fire_per_10k).toEqual({ value: 2.5, n: 5, base: null })
    expect(v.frauds_per_10k).toEqual({ value: 1, n: 2, base: null })
    expect(v.incidents_per_10k).toEqual({ value: 3.5, n: 7, base: null })
    expect(v.incidents_yoy_pct).toEqual({ value: -50, n: 7, base: 14 })
    expect(v.task_closeout_rate).toEqual({ value: 75, n: 3, base: 4 })
    expect(v.task_ontime_rate).toEqual({ value: 25, n: 1, base: 4 })
    expect(v.warning_response_hours).toEqual({ value: 10, n: 1, base: 2 })
  })
  it('shows an indicator whose role is unbound as not configured: no value, no weight, never zero', () => {
    // Another district: fire-service items ZC01 (火灾) and ZC02 (火警), only the whole category bound.
    const catalogue = [
      {
        code: 'ZC',
        nameZh: '消防',
        nameEn: 'Fire',
        items: ['ZC01', 'ZC02'].map((code) => ({ code, nameZh: code, nameEn: code, properties: {} })),
      },
    ]
    const defs = indicatorDefinitions(catalogue, resolveRoles({ fire_incident: ['ZC'] }, catalogue))
    expect(defs.find((d) => d.id === 'fires_per_10k')).toMatchObject({
      role: 'fire',
      configured: false,
      items: [],
      reason: 'role fire (火灾) is not bound to any category',
    })
    expect(defs.find((d) => d.id === 'fire_per_10k')).toMatchObject({
      role: 'fire_incident',
      configured: true,
      reason: null,
      items: ['ZC01', 'ZC02'],
    })
    expect(defs.find((d) => d.id === 'task_closeout_rate')).toMatchObject({ role: null, configured: true })
    const v = areaValues(defs, 10_000, {
      items: new Map([['ZC01', 3]]),
      yearEarlierTotal: 0,
      tasks: { due: 0, closed: 0, onTime: 0 },
      warnings: { raised: 0, answered: 0, meanHours: null },
    })
    expect(v.fires_per_10k).toEqual({ value: null, n: null, base: null })
    expect(v.frauds_per_10k).toEqual({ value: null, n: null, base: null })
    expect(v.fire_per_10k).toEqual({ value: 3, n: 3, base: null })
    expect(v.incidents_per_10k).toEqual({ value: 3, n: 3, base: null })
    // Rankings weigh the configured indicators only, and say which are left out and why.
    expect(configuredOnly(DEFAULT_RANKING_CONFIG, defs).indicators.map((w) => w.id)).toEqual([
      'incidents_per_10k',
      'incidents_yoy_pct',
      'task_closeout_rate',
      'task_ontime_rate',
      'warning_response_hours',
    ])
    expect(rankingIndicators(DEFAULT_RANKING_CONFIG, defs).find((i) => i.id === 'frauds_per_10k')).toEqual({
      id: 'frauds_per_10k',
      weight: 10,
      configured: false,
      reason: 'role fraud (电信网络诈骗) is not bound to any category',
      items: [],
    })
  })
})

describe('scoring', () => {
  it('scores percentiles with ties and nulls', () => {
    expect(percentileScores([1, 2, 3, null], 'lower_better')).toEqual([100, 50, 0, null])
    expect(percentileScores([1, 2, 3], 'higher_better')).toEqual([0, 50, 100])
    expect(percentileScores([0, 0, 5], 'lower_better')).toEqual([75, 75, 0])
    expect(percentileScores([7, null], 'lower_better')).toEqual([50, null])
  })
  it('ranks competition-style and sizes bands without float surprises', () => {
    expect(competitionRanks([80, 95, 80, null, 10])).toEqual([2, 1, 2, null, 4])
    expect(bandSize(0.1, 30)).toBe(3)
    expect(bandSize(0.1, 27)).toBe(3)
    expect(bandSize(0, 27)).toBe(0)
    expect(bandSize(0.25, 3)).toBe(1)
  })
  it('colours black, then yellow, then red', () => {
    const c = DEFAULT_RANKING_CONFIG.colours // red top 10 % ≥ 70, yellow worst 25 % or < 30, black worst 10 % or < 20
    expect(colourOf(1, 90, 20, c)).toBe('red')
    expect(colourOf(2, 90, 20, c)).toBe('red')
    expect(colourOf(3, 90, 20, c)).toBeNull()
    expect(colourOf(1, 65, 20, c)).toBeNull() // top, but under 70
    expect(colourOf(5, 25, 20, c)).toBe('yellow') // score under 30
    expect(colourOf(16, 50, 20, c)).toBe('yellow') // worst 5 of 20
    expect(colourOf(19, 50, 20, c)).toBe('black') // worst 2 of 20
    expect(colourOf(4, 15, 20, c)).toBe('black') // score under 20
    expect(colourOf(null, null, 20, c)).toBeNull()
  })
  it('scores areas by weighted percentiles, renormalising missing values', () => {
    const config = RankingConfigSchema.parse({
      indicators: [
        { id: 'incidents_per_10k', weight: 3 },
        { id: 'task_closeout_rate', weight: 1 },
      ],
      colours: { red: { topShare: 0.3, minScore: 60 }, yellow: { bottomShare: 0.3, maxScore: 10 }, black: { bottomShare: 0, maxScore: 0 } },
    })
    const s = scoreAreas(
      [
        { incidents_per_10k: 1, task_closeout_rate: 50 },
        { incidents_per_10k: 2, task_closeout_rate: 100 },
        { incidents_per_10k: 3, task_closeout_rate: null },
      ],
      config,
    )
    // incidents 100, 50, 0; close-out (two values) 0, 100 → (300 + 0)/4 = 75, (150 + 100)/4 = 62.5, 0/3 = 0
    expect(s.map((x) => [x.score, x.rank, x.colour])).toEqual([
      [75, 1, 'red'],
      [62.5, 2, null],
      [0, 3, 'yellow'],
    ])
    expect(s[2]!.parts).toEqual({ incidents_per_10k: 0, task_closeout_rate: null })
  })
  it('fills directions from the catalogue and accepts the default', () => {
    expect(RankingConfigSchema.parse(DEFAULT_RANKING_CONFIG)).toEqual(DEFAULT_RANKING_CONFIG)
    const flipped = RankingConfigSchema.parse({
      ...DEFAULT_RANKING_CONFIG,
      indicators: [{ id: 'incidents_per_10k', weight: 1, direction: 'higher_better' }],
    })
    expect(scoreAreas([{ incidents_per_10k: 1 }, { incidents_per_10k: 2 }], flipped).map((x) => x.score)).toEqual([0, 100])
  })
})

describe('双十条', () => {
  const catalogue = [
    { code: '01', nameZh: '治安', nameEn: 'Order', items: [{ code: '0101', nameZh: '盗窃', nameEn: 'Theft', properties: {} }] },
  ]
  const roles = resolveRoles({ public_order: ['01'] }, catalogue)
  it('names ten result and ten process indicators, each in the catalogue once', () => {
    const defs = indicatorDefinitions(catalogue, roles)
    const ten = defs.filter((d) => d.doubleTen)
    expect(ten.filter((d) => d.doubleTen!.kind === 'result')).toHaveLength(10)
    expect(ten.filter((d) => d.doubleTen!.kind === 'process')).toHaveLength(10)
    expect(new Set(DOUBLE_TEN.map((d) => d.id)).size).toBe(20)
    expect(defs.find((d) => d.id === 'public_order_per_10k')?.doubleTen).toEqual({ kind: 'result', nameZh: '案件控发' })
    expect(defaultDirection('village_rules_score')).toBe('higher_better')
    expect(defaultDirection('irregular_petitions')).toBe('lower_better')
    expect(defaultDirection('migrant_registration_rate')).toBe('higher_better')
  })
  it('computes the view indicators from counts; entered ones have no value without an entry, never zero', () => {
    const present = new Set<IndicatorId>([
      'dispute_resolution_rate',
      'patrol_coverage_rate',
      'migrant_registration_rate',
      'village_rules_score',
    ])
    const defs = indicatorDefinitions(catalogue, roles, present)
    const counts = {
      ...EMPTY_COUNTS,
      view: {
        disputes: { resolved: 3, failed: 1 },
        patrols: { grids: 4, covered: 3, weeks: 5 },
        migrants: { current: 10, registered: 7 },
        hazards: { due: 0, closed: 0 },
        selfChecks: { duty: 0, onTime: 0 },
      },
    }
    const v = areaValues(defs, 10_000, counts)
    expect(v.dispute_resolution_rate).toEqual({ value: 75, n: 3, base: 4 })
    expect(v.patrol_coverage_rate).toEqual({ value: 75, n: 3, base: 4 })
    expect(v.migrant_registration_rate).toEqual({ value: 70, n: 7, base: 10 })
    // Hazards and self-checks have no data in this district: not configured, no value.
    expect(v.hazard_rectification_rate).toEqual({ value: null, n: null, base: null })
    expect(defs.find((d) => d.id === 'hazard_rectification_rate')).toMatchObject({ configured: false, source: 'computed' })
    expect(v.village_rules_score).toEqual({ value: null, n: null, base: null })
    const entered = areaValues(defs, 10_000, { ...counts, entered: new Map([['village_rules_score', { value: 82.5, months: 2 }]]) })
    expect(entered.village_rules_score).toEqual({ value: 82.5, n: 2, base: null })
    // Before the first week of a month is over there is no coverage to speak of.
    expect(
      areaValues(defs, 10_000, { ...counts, view: { ...counts.view, patrols: { grids: 4, covered: 0, weeks: 0 } } }).patrol_coverage_rate
        .value,
    ).toBeNull()
  })
  it('counts the weeks a grid must be patrolled in', () => {
    expect(
      requiredWeeks({
        period: { from: '2026-10-01', to: '2026-11-01' },
        asOf: new Date('2026-10-31T16:00:00Z'),
        yearEarlier: { from: '', to: '' },
      }),
    ).toBe(5)
    expect(
      requiredWeeks({
        period: { from: '2026-02-01', to: '2026-03-01' },
        asOf: new Date('2026-02-28T16:00:00Z'),
        yearEarlier: { from: '', to: '' },
      }),
    ).toBe(4)
    // Running: 10 November, days 1–9 are over → one whole week.
    expect(
      requiredWeeks({
        period: { from: '2026-11-01', to: '2026-11-11' },
        asOf: new Date('2026-11-10T04:00:00Z'),
        yearEarlier: { from: '', to: '' },
      }),
    ).toBe(1)
    expect(
      requiredWeeks({
        period: { from: '2026-11-01', to: '2026-11-04' },
        asOf: new Date('2026-11-03T04:00:00Z'),
        yearEarlier: { from: '', to: '' },
      }),
    ).toBe(0)
  })
})
