/**
 * Indicator values from counts: pure functions, so the numbers can be checked by hand.
 */
import { percentChange } from '../stats/period.ts'
import type { IndicatorDefinition, IndicatorId, IndicatorValue } from './schema.ts'

/** The counts one area's indicators are made from, over one window. */
export interface AreaCounts {
  /** Incidents per category item in the window. */
  items: ReadonlyMap<string, number>
  /** All incidents over the same days a year earlier. */
  yearEarlierTotal: number
  /** Tasks due in the window (due date passed, or closed early), closed by the as-of instant, closed on time. */
  tasks: { due: number; closed: number; onTime: number }
  /** Warnings raised in the window, answered by a person, and their mean response time. */
  warnings: { raised: number; answered: number; meanHours: number | null }
  /** The full information view's counts (server/indicators/view-queries.ts); absent: none. */
  view?: ViewCounts
  /** Entered indicators: the mean of the months' latest entries, and how many months had one. */
  entered?: ReadonlyMap<IndicatorId, { value: number; months: number }>
}

/** What the computed 双十条 indicators are made of, for one area and window. */
export interface ViewCounts {
  /** Disputes with an outcome in the window: mediated successfully, failed (withdrawn ones are out). */
  disputes: { resolved: number; failed: number }
  /** The area's grids, and those a patrol passed through in every week required (`weeks`). */
  patrols: { grids: number; covered: number; weeks: number }
  /** Migrant residents living there at the window's last day, and those with a valid registration then. */
  migrants: { current: number; registered: number }
  /** Hazards due in the window (deadline over, or closed early) and closed by the as-of instant. */
  hazards: { due: number; closed: number }
  /** Active organisations with a self-check duty, and those not overdue at the window's last day. */
  selfChecks: { duty: number; onTime: number }
}

export const EMPTY_VIEW: ViewCounts = {
  disputes: { resolved: 0, failed: 0 },
  patrols: { grids: 0, covered: 0, weeks: 0 },
  migrants: { current: 0, registered: 0 },
  hazards: { due: 0, closed: 0 },
  selfChecks: { duty: 0, onTime: 0 },
}

export const EMPTY_COUNTS: AreaCounts = {
  items: new Map(),
  yearEarlierTotal: 0,
  tasks: { due: 0, closed: 0, onTime: 0 },
  warnings: { raised: 0, answered: 0, meanHours: null },
}

/** A value with the counts behind it (before the comparison is added). */
export type BareValue = Pick<IndicatorValue, 'value' | 'n' | 'base'>

/**
 * Rounds to a number of decimals (half away from zero, as people round).
 * @example round(2.345, 2) // 2.35
 */
export function round(x: number, decimals: number): number {
  const f = 10 ** decimals
  return (Math.sign(x) * Math.round(Math.abs(x) * f + Number.EPSILON)) / f
}

/**
 * Count per 10,000 residents, two decimals; null without a population.
 * @example per10k(3, 12_000) // 2.5
 */
export function per10k(n: number, population: number | null): number | null {
  return population ? round((n * 10_000) / population, 2) : null
}

/**
 * A share in percent, one decimal; null when the base is 0 (nothing was due: no rate, not 100 %).
 * @example sharePct(2, 3) // 66.7
 */
export function sharePct(part: number, whole: number): number | null {
  return whole === 0 ? null : round((part * 100) / whole, 1)
}

/**
 * Sum of the counts of some items.
 * @example sumItems(new Map([['0301', 2], ['0302', 5]]), ['0301', '0303']) // 2
 */
export function sumItems(items: ReadonlyMap<string, number>, codes: readonly string[]): number {
  return codes.reduce((s, c) => s + (items.get(c) ?? 0), 0)
}

/**
 * One area's indicator values over one window.
 * @example areaValues(defs, 10_000, counts).fires_per_10k // { value: 2, n: 2, base: null }
 */
export function areaValues(defs: readonly IndicatorDefinition[], population: number | null, c: AreaCounts): Record<IndicatorId, BareValue> {
  const total = [...c.items.values()].reduce((s, n) => s + n, 0)
  const out = {} as Record<IndicatorId, BareValue>
  const v = c.view ?? EMPTY_VIEW
  for (const d of defs) {
    // Not configured (its role is unbound, no data, nothing entered): no value, never a zero made from nothing.
    if (!d.configured) {
      out[d.id] = { value: null, n: null, base: null }
      continue
    }
    if (d.source === 'entered') {
      // Without an entry the value is unknown, never zero.
      const e = c.entered?.get(d.id)
      out[d.id] = e ? { value: round(e.value, 2), n: e.months, base: null } : { value: null, n: null, base: null }
      continue
    }
    switch (d.id) {
      case 'dispute_resolution_rate': {
        const { resolved, failed } = v.disputes
        out[d.id] = { value: sharePct(resolved, resolved + failed), n: resolved, base: resolved + failed }
        break
      }
      case 'patrol_coverage_rate':
        // No week over yet (the first days of a month): no value.
        out[d.id] =
          v.patrols.weeks === 0
            ? { value: null, n: null, base: v.patrols.grids }
            : { value: sharePct(v.patrols.covered, v.patrols.grids), n: v.patrols.covered, base: v.patrols.grids }
        break
      case 'migrant_registration_rate':
        out[d.id] = { value: sharePct(v.migrants.registered, v.migrants.current), n: v.migrants.registered, base: v.migrants.current }
        break
      case 'hazard_rectification_rate':
        out[d.id] = { value: sharePct(v.hazards.closed, v.hazards.due), n: v.hazards.closed, base: v.hazards.due }
        break
      case 'self_check_ontime_rate':
        out[d.id] = { value: sharePct(v.selfChecks.onTime, v.selfChecks.duty), n: v.selfChecks.onTime, base: v.selfChecks.duty }
        break
      case 'incidents_yoy_pct':
        out[d.id] = { value: percentChange(total, c.yearEarlierTotal), n: total, base: c.yearEarlierTotal }
        break
      case 'task_closeout_rate':
        out[d.id] = { value: sharePct(c.tasks.closed, c.tasks.due), n: c.tasks.closed, base: c.tasks.due }
        break
      case 'task_ontime_rate':
        out[d.id] = { value: sharePct(c.tasks.onTime, c.tasks.due), n: c.tasks.onTime, base: c.tasks.due }
        break
      case 'warning_response_hours':
        out[d.id] = {
          value: c.warnings.meanHours === null ? null : round(c.warnings.meanHours, 1),
          n: c.warnings.answered,
          base: c.warnings.raised,
        }
        break
      default: {
        const n = sumItems(c.items, d.items)
        out[d.id] = { value: per10k(n, population), n, base: null }
      }
    }
  }
  return out
}

/**
 * Adds the comparison window's value and the change.
 * @example compareValue({ value: 3, n: 3, base: null }, { value: 1, n: 1, base: null }) // { value: 3, n: 3, base: null, previous: 1, change: 2 }
 */
export function compareValue(cur: BareValue, prev: BareValue | undefined): IndicatorValue {
  const previous = prev?.value ?? null
  const change = cur.value === null || previous === null ? null : round(cur.value - previous, 2)
  return { ...cur, previous, change }
}
