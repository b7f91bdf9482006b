/**
 * Village rankings that do not swing on noise. A village's month holds a handful of incidents:
 * 3 incidents among 800 residents is a rate of 37.5 per 10,000 and, taken raw, the bottom of 549
 * villages; next month's 0 is the top. So, at the village level:
 * - the indicators count the last three months (the month ranked and the two before), so a month
 *   moves a village's values by a third of what it would alone;
 * - per-10,000 rates are empirical-Bayes shrunk towards the villages' overall rate
 *   (server/analytics/shrinkage.ts): small populations move most of the way to the mean;
 * - two villages whose shrunk rates differ by less than half a typical village's chance variation
 *   (½·√(rate ÷ median population)) tie on that indicator: most villages' months are within it;
 * - shares and averages need a minimum base: a close-out rate needs 5 tasks due, the year-on-year
 *   change 10 incidents a year earlier, the response time 3 answered warnings; below it there is
 *   no value (the area is scored on its other indicators);
 * - a rank change is shown only when it is meaningful: at least 3 places and 10 % of the list
 *   (on the demo data the median village moves 76 places of 585 from one month to the next even so).
 * Towns have populations in the tens of thousands: their rates are used as they are and every
 * change of rank is shown.
 */
import { shrunkRates } from '../analytics/shrinkage.ts'
import { yearEarlier } from '../shared/time.ts'
import type { BareValue } from './compute.ts'
import { round } from './compute.ts'
import { addMonths, type IndicatorWindow, type Month, monthPeriod, monthWindow } from './month.ts'
import type { IndicatorDefinition, IndicatorId, RankLevel } from './schema.ts'

/** Minimum bases at the village level (see the module note). */
export const MIN_BASE = {
  shareDue: 5,
  yoyBase: 10,
  answeredWarnings: 3,
  /** 矛盾化解: disputes with an outcome. */
  disputeOutcomes: 3,
  /** 流动人口纳管: migrants living there. */
  migrants: 10,
  /** 企业自查: organisations with a duty. */
  selfCheckDuties: 3,
} as const

/**
 * Whether a village's value rests on enough cases to rank it (see MIN_BASE); entered values and
 * patrol coverage (a village has a few grids, each patrolled or not) always do.
 * @example enoughBase('task_closeout_rate', { value: 50, n: 2, base: 4 }) // false
 */
export function enoughBase(id: IndicatorId, x: BareValue): boolean {
  switch (id) {
    case 'incidents_yoy_pct':
      return (x.base ?? 0) >= MIN_BASE.yoyBase
    case 'task_closeout_rate':
    case 'task_ontime_rate':
    case 'hazard_rectification_rate':
      return (x.base ?? 0) >= MIN_BASE.shareDue
    case 'warning_response_hours':
      return (x.n ?? 0) >= MIN_BASE.answeredWarnings
    case 'dispute_resolution_rate':
      return (x.base ?? 0) >= MIN_BASE.disputeOutcomes
    case 'migrant_registration_rate':
      return (x.base ?? 0) >= MIN_BASE.migrants
    case 'self_check_ontime_rate':
      return (x.base ?? 0) >= MIN_BASE.selfCheckDuties
    default:
      return true
  }
}

/** The rule as the rankings answer states it. */
export const STEADY_RULE = {
  village:
    '按近三个月累计计算；万人指标按经验贝叶斯收缩到全部村社的平均水平（人口越少，收缩越多），相差不足典型村社随机波动一半的视为持平；比率指标需最小基数：任务或隐患到期≥5件、去年同期≥10起、已响应预警≥3条、有结果的纠纷≥3件、流动人口≥10人、有自查义务的单位≥3家；录入指标取三个月已录入值的平均；名次变化≥3位且≥10%才显示',
  town: '按原始指标计算；每个名次变化都显示',
} as const

/**
 * The values as measured, one record per area.
 * @example measuredValues([{ incidents_per_10k: { value: 37.5, n: 3, base: null } }], defs)[0].incidents_per_10k // 37.5
 */
export function measuredValues(
  values: readonly Record<IndicatorId, BareValue>[],
  defs: readonly IndicatorDefinition[],
): Record<IndicatorId, number | null>[] {
  return values.map((v) => Object.fromEntries(defs.map((d) => [d.id, v[d.id].value])) as Record<IndicatorId, number | null>)
}

/**
 * The values a level is scored on: raw for towns; for villages, shrunk rates and no value below a minimum base.
 * @example steadyValues('village', villages, values, defs).values[0].incidents_per_10k // ≈ the villages' mean rate for a village of 800 with 3
 */
export function steadyValues(
  level: RankLevel,
  areas: readonly { population: number | null }[],
  values: readonly Record<IndicatorId, BareValue>[],
  defs: readonly IndicatorDefinition[],
): { values: Record<IndicatorId, number | null>[]; tolerance: Partial<Record<IndicatorId, number>> } {
  const out = measuredValues(values, defs)
  const tolerance: Partial<Record<IndicatorId, number>> = {}
  if (level !== 'village') return { values: out, tolerance }
  const pops = areas
    .map((a) => a.population ?? 0)
    .filter((p) => p > 0)
    .sort((a, b) => a - b)
  const medianPop = pops[Math.floor(pops.length / 2)] ?? 0
  for (const d of defs) {
    if (!d.configured) continue
    if (d.id.endsWith('_per_10k')) {
      const inputs = areas.map((a, i) => ({ count: values[i]![d.id].n ?? 0, population: a.population ?? 0 }))
      shrunkRates(inputs).forEach((r, i) => {
        out[i]![d.id] = r === null ? null : round(r * 10_000, 2)
      })
      const totalPop = inputs.reduce((s, a) => s + a.population, 0)
      const mean = totalPop > 0 ? inputs.reduce((s, a) => s + a.count, 0) / totalPop : 0
      if (medianPop > 0) tolerance[d.id] = 0.5 * Math.sqrt(mean / medianPop) * 10_000
      continue
    }
    values.forEach((v, i) => {
      if (!enoughBase(d.id, v[d.id])) out[i]![d.id] = null
    })
  }
  return { values: out, tolerance }
}

/** Months a village's ranking counts (the month and the ones before it). */
export const VILLAGE_MONTHS = 3

/**
 * The window a ranking counts: the month for towns; for villages the last three months up to the
 * month's end (or up to now, for the current month).
 * @example rankingWindow('village', '2026-10', now).period // { from: '2026-08-01', to: '2026-11-01' }
 */
export function rankingWindow(level: RankLevel, month: Month, now: Date): IndicatorWindow {
  const w = monthWindow(month, now)
  if (level !== 'village') return w
  const from = monthPeriod(addMonths(month, 1 - VILLAGE_MONTHS)).from
  return { ...w, period: { from, to: w.period.to }, yearEarlier: { from: yearEarlier(from), to: w.yearEarlier.to } }
}

/**
 * The smallest rank change worth showing among `n` ranked areas of a level.
 * @example meaningfulMove('village', 549) // 55
 * @example meaningfulMove('town', 22) // 1
 */
export function meaningfulMove(level: RankLevel, n: number): number {
  return level === 'village' ? Math.max(3, Math.ceil(0.1 * n)) : 1
}
