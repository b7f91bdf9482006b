import { z } from 'zod'

import { addDays, addMonthsToDay, daysBetween, dayStartMs, type Period, shanghaiDay, yearEarlier } from '../shared/time.ts'

/**
 * Calendar days as `YYYY-MM-DD` strings, Asia/Shanghai. Rollups are kept per Shanghai day, so the
 * stats API counts whole days and all day arithmetic stays on plain date strings (no time zones).
 */
export const DayStringSchema = z.iso.date()

/**
 * The requested period, defaulting to the last 30 days up to and including today (Shanghai).
 * @example resolvePeriod(undefined, undefined, new Date('2026-11-01T04:00:00Z')) // { from: '2026-10-03', to: '2026-11-02' }
 */
export function resolvePeriod(from: string | undefined, to: string | undefined, now: Date = new Date()): Period {
  const end = to ?? addDays(shanghaiDay(now), 1)
  return { from: from ?? addDays(end, -30), to: end }
}

/**
 * The comparison periods of whole days: 同比 (the same days a year earlier) and 环比 (the period of
 * equal length just before). For periods still running, see `comparisonWindows`.
 * @example comparisonPeriods({ from: '2026-10-01', to: '2026-11-01' }).previous // { from: '2026-08-31', to: '2026-10-01' }
 */
export function comparisonPeriods(p: Period): { yearEarlier: Period; previous: Period } {
  return {
    yearEarlier: { from: yearEarlier(p.from), to: yearEarlier(p.to) },
    previous: { from: addDays(p.from, -daysBetween(p.from, p.to)), to: p.from },
  }
}

/**
 * A counting window: whole days [from, to), or, when `untilMs` is set, the days before the last
 * one and the last day (to − 1) only up to that instant.
 */
export interface CountWindow extends Period {
  /** The cut on the last day (epoch ms), or null when every day counts whole. */
  untilMs: number | null
}

/** How 环比 is compared: the previous calendar month(s), or the span of equal length just before. */
export type PreviousKind = 'previous_month' | 'previous_span'

/**
 * The period as far as it has happened: a period running at `now` ends at `now` (its last day is
 * today, cut at the present time); a finished one is whole; one not yet begun is empty.
 * @example elapsedWindow({ from: '2026-12-06', to: '2026-12-07' }, Date.parse('2026-12-06T00:23:00+08:00')) // { from: '2026-12-06', to: '2026-12-07', untilMs: <00:23> }
 */
export function elapsedWindow(p: Period, nowMs: number): CountWindow {
  if (nowMs >= dayStartMs(p.to)) return { ...p, untilMs: null }
  if (nowMs <= dayStartMs(p.from)) return { from: p.from, to: addDays(p.from, 1), untilMs: dayStartMs(p.from) }
  const today = shanghaiDay(new Date(nowMs))
  return { from: p.from, to: addDays(today, 1), untilMs: nowMs }
}

/**
 * Whether a period is made of whole calendar months (it starts on the 1st and ends on a 1st, or
 * is still running inside its first month): 环比 then compares with the months before.
 * @example monthsOf({ from: '2026-12-01', to: '2027-01-01' }) // 1
 * @example monthsOf({ from: '2026-11-07', to: '2026-12-07' }) // 0
 */
export function monthsOf(p: Period): number {
  if (!p.from.endsWith('-01') || !p.to.endsWith('-01')) return 0
  const months = (Number(p.to.slice(0, 4)) - Number(p.from.slice(0, 4))) * 12 + Number(p.to.slice(5, 7)) - Number(p.from.slice(5, 7))
  return months > 0 && addMonthsToDay(p.from, months) === p.to ? months : 0
}

/**
 * A window's cut moved with its last day: the same time of day on the shifted day.
 * @example shiftedCut(w, '2026-12-06', '2025-12-06') // 2025-12-06 00:23 when w is cut at 2026-12-06 00:23
 */
function shiftedCut(w: CountWindow, lastDay: string, shiftedLast: string): CountWindow['untilMs'] {
  return w.untilMs === null ? null : dayStartMs(shiftedLast) + (w.untilMs - dayStartMs(lastDay))
}

/**
 * The comparison windows of a counting window, cut at the same elapsed time: 同比 is the same days
 * a year earlier up to the same time of day; 环比 is the previous calendar month(s) for a month
 * period (up to the same day and time), else the span of equal length just before, same time of day.
 * @example comparisonWindows({ from: '2026-12-06', to: '2026-12-07', untilMs: <00:23> }, { from: '2026-12-06', to: '2026-12-07' }).yearEarlier // { from: '2025-12-06', to: '2025-12-07', untilMs: <2025-12-06 00:23> }
 */
export function comparisonWindows(
  w: CountWindow,
  asked: Period,
): { yearEarlier: CountWindow; previous: CountWindow; previousKind: PreviousKind } {
  const last = addDays(w.to, -1)
  const ye: CountWindow = { from: yearEarlier(w.from), to: addDays(yearEarlier(last), 1), untilMs: shiftedCut(w, last, yearEarlier(last)) }
  const months = monthsOf(asked)
  if (months > 0) {
    const from = addMonthsToDay(w.from, -months)
    if (w.untilMs === null) return { yearEarlier: ye, previous: { from, to: asked.from, untilMs: null }, previousKind: 'previous_month' }
    // The same day of the earlier month when it has one; else that month whole (31 March → all of February).
    const sameDay = addMonthsToDay(last, -months)
    const exists = sameDay.slice(8) === last.slice(8)
    const previous: CountWindow = exists
      ? { from, to: addDays(sameDay, 1), untilMs: shiftedCut(w, last, sameDay) }
      : { from, to: asked.from, untilMs: null }
    return { yearEarlier: ye, previous, previousKind: 'previous_month' }
  }
  const span = daysBetween(w.from, w.to)
  const previous: CountWindow = { from: addDays(w.from, -span), to: w.from, untilMs: shiftedCut(w, last, addDays(last, -span)) }
  return { yearEarlier: ye, previous, previousKind: 'previous_span' }
}

/**
 * Percentage change from `base` to `n`, one decimal; null when the base is 0 (no meaningful ratio).
 * @example percentChange(15, 10) // 50
 */
export function percentChange(n: number, base: number): number | null {
  return base === 0 ? null : Math.round(((n - base) / base) * 1000) / 10
}
