import { describe, expect, it } from 'vitest'

import { DOUBLE_TEN_SPECS, maxValue } from '../indicators/double-ten.ts'
import { ENTERED_IDS } from '../indicators/schema.ts'
import { assessmentMonths, DEMO_ASSESSED, DEMO_RANGES, generateAssessments, weakVillageCount } from './assessments.ts'
import { generateBoundaries } from './index.ts'

const END = new Date('2026-11-01T00:00:00+08:00')
const SEED = 'xiaoshan'
const areas = generateBoundaries(SEED)
const towns = areas.filter((a) => a.level === 'town')
const villages = areas.filter((a) => a.level === 'village')

describe('the demo assessments of the entered 双十条 indicators', () => {
  const rows = generateAssessments(areas, { seed: SEED, end: END })

  it('assess the three whole months before the end, and the running month once any of it has passed', () => {
    expect(assessmentMonths(END)).toEqual(['2026-08', '2026-09', '2026-10'])
    expect(assessmentMonths(new Date('2026-12-07T09:00:00+08:00'))).toEqual(['2026-09', '2026-10', '2026-11', '2026-12'])
    expect(assessmentMonths(new Date('2027-01-15T00:00:00Z'))).toEqual(['2026-10', '2026-11', '2026-12', '2027-01'])
    expect(new Set(rows.map((r) => r.month))).toEqual(new Set(['2026-08', '2026-09', '2026-10']))
    expect(rows).toHaveLength(ENTERED_IDS.length * (towns.length + villages.length) * 3)
  })

  it('cover every entered indicator', () => {
    expect(DEMO_ASSESSED.map((d) => d.id).sort()).toEqual([...ENTERED_IDS].sort())
  })

  it('give every town and every one of its villages every entered indicator for the last whole month, within their ranges', () => {
    const october = rows.filter((r) => r.month === '2026-10')
    const key = (indicator: string, area: string) => `${indicator} ${area}`
    const byKey = new Map(october.map((r) => [key(r.indicator, r.area), r]))
    expect(byKey.size).toBe(october.length) // one entry each
    for (const town of towns) {
      const own = villages.filter((v) => v.parentCode === town.code)
      expect(own.length, town.name).toBeGreaterThan(0)
      for (const area of [town, ...own]) {
        for (const ind of DEMO_ASSESSED) {
          const r = byKey.get(key(ind.id, area.code))
          expect(r, `${ind.id} ${area.code}`).toBeDefined()
          const [lo, hi] = DEMO_RANGES[ind.scale]
          expect(r!.value).toBeGreaterThanOrEqual(lo)
          expect(r!.value).toBeLessThanOrEqual(hi)
          if (ind.scale === 'count') expect(Number.isInteger(r!.value)).toBe(true)
          // Within what the assessments API accepts for the unit.
          const max = maxValue(DOUBLE_TEN_SPECS.find((s) => s.id === ind.id)!.unit)
          if (max !== null) expect(r!.value).toBeLessThanOrEqual(max)
          expect(r!.enteredBy).toBe(`demo:${ind.department ?? town.name}`)
        }
      }
    }
  })

  it('are entered in the month after (before the end), or in the last days of the month the end leaves no time after', () => {
    for (const r of rows) {
      expect(r.enteredAt.getTime()).toBeLessThan(END.getTime())
      const start = Date.parse(`${r.month}-01T00:00:00+08:00`)
      expect(r.enteredAt.getTime()).toBeGreaterThanOrEqual(start)
    }
    const later = new Date('2026-12-07T09:00:00+08:00')
    const live = generateAssessments(areas, { seed: SEED, end: later })
    for (const r of live.filter((x) => x.month === '2026-11')) {
      expect(r.enteredAt.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-12-01T00:00:00+08:00'))
      expect(r.enteredAt.getTime()).toBeLessThan(later.getTime())
    }
    for (const r of live.filter((x) => x.month === '2026-12')) {
      expect(r.enteredAt.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-12-01T00:00:00+08:00'))
      expect(r.enteredAt.getTime()).toBeLessThan(later.getTime())
    }
  })

  it('are mostly 0 for the counts (人员非访 more often not), and show a few weak villages', () => {
    const nonZero = (id: string) => {
      const xs = rows.filter((r) => r.indicator === id)
      return xs.filter((r) => r.value > 0).length / xs.length
    }
    for (const d of DEMO_ASSESSED.filter((x) => x.scale === 'count')) {
      expect(nonZero(d.id), d.id).toBeGreaterThan(0)
      expect(nonZero(d.id), d.id).toBeLessThan(0.25)
    }
    expect(nonZero('irregular_petitions')).toBeGreaterThan(nonZero('villager_offences'))
    // Weak villages: every month's rates under 90 and scores under 73.
    const weak = villages.filter((v) =>
      rows
        .filter((r) => r.area === v.code && (r.indicator === 'offender_support_rate' || r.indicator === 'village_rules_score'))
        .every((r) => r.value < (r.indicator === 'village_rules_score' ? 73 : 90)),
    )
    expect(weak).toHaveLength(weakVillageCount(villages.length))
    expect(weak.length).toBeGreaterThanOrEqual(3)
  })

  it('are deterministic from the seed and the end', () => {
    expect(generateAssessments(areas, { seed: SEED, end: END })).toEqual(rows)
    expect(generateAssessments(areas, { seed: 'other', end: END }).map((r) => r.value)).not.toEqual(rows.map((r) => r.value))
  })
})
