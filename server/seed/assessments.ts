/**
 * The demo's entered 双十条 assessments (server/indicators/double-ten.ts, table
 * indicator_assessments): for every town and village, each indicator people enter, for the three
 * whole months before the demo's end and the month it ends in (when any of it has passed), so the
 * demo's indicators and rankings have them configured. Deterministic from the seed and the end.
 *
 * Result indicators are counts the district's departments enter: mostly 0, sometimes 1–3 (人员非访
 * a little more often). Process indicators are the towns' self-assessments: rates 85–100 %, scores
 * 60–100. A few weak villages sit at the low end every month (more counts, lower rates and scores),
 * so the rankings' lists have something to show.
 */
import { addMonths, currentMonth, type Month } from '../indicators/month.ts'
import type { EnteredId } from '../indicators/schema.ts'
import { chance, deriveRng, randInt, type Rng, shuffle, uniform, weightedPick } from './rng.ts'
import type { AreaRow } from './types.ts'

const DAY = 86_400_000

/** One entered assessment as the seed stores it. */
export interface AssessmentSeedRow {
  indicator: EnteredId
  /** A town or village code. */
  area: string
  month: Month
  value: number
  comment: string | null
  /** `demo:<department>` for a result indicator, `demo:<town name>` for a town's own assessment. */
  enteredBy: string
  enteredAt: Date
}

type Scale = 'count' | 'rate' | 'score'
/** Each entered indicator: its scale, who enters it (a department, or null: the town), and how often a count is not 0. */
export const DEMO_ASSESSED: readonly { id: EnteredId; scale: Scale; department: string | null; p: number }[] = [
  { id: 'irregular_petitions', scale: 'count', department: '区信访局', p: 0.14 },
  { id: 'villager_offences', scale: 'count', department: '区公安分局', p: 0.07 },
  { id: 'mass_incidents', scale: 'count', department: '区委政法委', p: 0.03 },
  { id: 'drug_cases', scale: 'count', department: '区禁毒办', p: 0.04 },
  { id: 'major_disputes', scale: 'count', department: '区矛调中心', p: 0.06 },
  { id: 'offender_support_rate', scale: 'rate', department: null, p: 0 },
  { id: 'village_rules_score', scale: 'score', department: null, p: 0 },
  { id: 'key_person_control_rate', scale: 'rate', department: null, p: 0 },
  { id: 'publicity_score', scale: 'score', department: null, p: 0 },
]

/** The ranges the demo's values lie in, by scale. */
export const DEMO_RANGES: Record<Scale, readonly [number, number]> = { count: [0, 3], rate: [85, 100], score: [60, 100] }

/** The first instant of a month (Asia/Shanghai). */
const monthStartMs = (m: Month) => Date.parse(`${m}-01T00:00:00+08:00`)

/**
 * The months assessed as of `end`: the three whole months before the month `end` falls in, and
 * that month too once any of it has passed.
 * @example assessmentMonths(new Date('2026-11-01T00:00:00+08:00')) // ['2026-08', '2026-09', '2026-10']
 * @example assessmentMonths(new Date('2026-12-07T09:00:00+08:00')) // ['2026-09', '2026-10', '2026-11', '2026-12']
 */
export function assessmentMonths(end: Date): Month[] {
  const current = currentMonth(end)
  const months = [addMonths(current, -3), addMonths(current, -2), addMonths(current, -1)]
  if (end.getTime() > monthStartMs(current)) months.push(current)
  return months
}

/**
 * How many weak villages the demo has: about 2 % of them, at least 3 (fewer if there are fewer).
 * @example weakVillageCount(585) // 12
 */
export function weakVillageCount(villages: number): number {
  return Math.min(villages, Math.max(3, Math.round(villages * 0.02)))
}

/** A value on the scale: weak areas at the low end. */
function valueOf(rng: Rng, scale: Scale, p: number, weak: boolean): number {
  if (scale === 'count') return chance(rng, weak ? Math.max(0.35, p * 3) : p) ? weightedPick(rng, [1, 2, 3], [6, 3, 1]) : 0
  if (scale === 'rate') return Math.round((weak ? uniform(rng, 85, 89.5) : 100 - 8 * rng() ** 2) * 10) / 10
  return weak ? randInt(rng, 60, 72) : randInt(rng, 76, 100)
}

/**
 * When a month's assessment was entered: within the first 10 days of the month after (before
 * `end`); for the month `end` falls in, or when `end` leaves no time after the month, in its last
 * days before `end`.
 */
function enteredAt(rng: Rng, month: Month, endMs: number): Date {
  const after = monthStartMs(addMonths(month, 1))
  let lo = after
  let hi = Math.min(after + 10 * DAY, endMs)
  if (hi - lo < 3_600_000) {
    hi = Math.min(after, endMs)
    lo = Math.max(monthStartMs(month), hi - 2 * DAY)
  }
  return new Date(Math.floor(lo + (hi - lo) * rng()))
}

/**
 * The demo's entered assessments: every entered indicator for every town and village and every
 * month of assessmentMonths(end). Pure and deterministic from `seed` and `end`.
 * @example generateAssessments(generateBoundaries('xiaoshan'), { seed: 'xiaoshan', end }).length // 9 × (towns + villages) × 3 or 4
 */
export function generateAssessments(areas: readonly AreaRow[], opts: { seed: string; end: Date }): AssessmentSeedRow[] {
  const endMs = opts.end.getTime()
  const towns = new Map(areas.filter((a) => a.level === 'town').map((a) => [a.code, a]))
  const villages = areas.filter((a) => a.level === 'village')
  const weakRng = deriveRng(opts.seed, 'assessments', 'weak')
  const weak = new Set(
    shuffle(
      weakRng,
      villages.map((v) => v.code),
    ).slice(0, weakVillageCount(villages.length)),
  )
  const assessed = [...towns.values(), ...villages]
  const rows: AssessmentSeedRow[] = []
  for (const month of assessmentMonths(opts.end)) {
    for (const area of assessed) {
      const town = area.level === 'town' ? area : towns.get(area.parentCode ?? '')
      const isWeak = weak.has(area.code)
      for (const ind of DEMO_ASSESSED) {
        const rng = deriveRng(opts.seed, 'assessment', ind.id, area.code, month)
        // A town's own count covers all its villages: twice as often not 0.
        const p = area.level === 'town' ? ind.p * 2 : ind.p
        const value = valueOf(rng, ind.scale, p, isWeak)
        rows.push({
          indicator: ind.id,
          area: area.code,
          month,
          value,
          comment: isWeak && ind.scale !== 'count' ? '自评偏低，已列入整改' : null,
          enteredBy: `demo:${ind.department ?? town?.name ?? area.name}`,
          enteredAt: enteredAt(rng, month, endMs),
        })
      }
    }
  }
  return rows
}
