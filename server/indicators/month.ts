/**
 * Months as `YYYY-MM` in Asia/Shanghai, and the day windows the indicators read. All arithmetic
 * stays on plain date strings (as server/stats/period.ts): rollups are kept per Shanghai day.
 */
import { z } from 'zod'

import { addDays, daysBetween, dayStart, type Period, shanghaiDay, yearEarlier } from '../shared/time.ts'

export const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month is YYYY-MM')
export type Month = z.infer<typeof MonthSchema>

/**
 * The month containing a day.
 * @example monthOf('2026-10-31') // '2026-10'
 */
export function monthOf(day: string): Month {
  return day.slice(0, 7)
}

/**
 * The current month in Asia/Shanghai.
 * @example currentMonth(new Date('2026-10-31T16:30:00Z')) // '2026-11'
 */
export function currentMonth(now: Date = new Date()): Month {
  return monthOf(shanghaiDay(now))
}

/**
 * Adds whole months.
 * @example addMonths('2026-01', -1) // '2025-12'
 */
export function addMonths(month: Month, n: number): Month {
  const total = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n
  return `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}`
}

/**
 * The whole month as days: first day inclusive, first day of the next month exclusive.
 * @example monthPeriod('2024-02') // { from: '2024-02-01', to: '2024-03-01' }
 */
export function monthPeriod(month: Month): Period {
  return { from: `${month}-01`, to: `${addMonths(month, 1)}-01` }
}

/** The days indicators count and the instant they judge state at. */
export interface IndicatorWindow {
  /** The days counted: the whole month, or for the current month its first day up to today. */
  period: Period
  /** The instant state (task closed? warning answered?) is judged at: the period's end, or now. */
  asOf: Date
  /** 同比: the same days a year earlier. */
  yearEarlier: Period
}

/** A month's window, as of an instant. */
export interface MonthWindow extends IndicatorWindow {
  month: Month
  /** False for the current month (live, month to date). */
  complete: boolean
}

/**
 * The window of a closed run of days: judged at midnight (Shanghai) after its last day.
 * @example closedWindow({ from: '2026-10-01', to: '2026-11-01' }).asOf // 2026-10-31T16:00:00.000Z
 */
export function closedWindow(period: Period): IndicatorWindow {
  return { period, asOf: dayStart(period.to), yearEarlier: { from: yearEarlier(period.from), to: yearEarlier(period.to) } }
}

/**
 * The window of a month as of `now`. The current month counts up to and including today, and its
 * 同比 the same days a year earlier, so a month to date is never compared with a whole month.
 * @example monthWindow('2026-10', new Date('2026-11-22T08:00:00Z')).period // { from: '2026-10-01', to: '2026-11-01' }
 */
export function monthWindow(month: Month, now: Date): MonthWindow {
  const whole = monthPeriod(month)
  const tomorrow = addDays(shanghaiDay(now), 1)
  const complete = tomorrow > whole.to
  const period = complete ? whole : { from: whole.from, to: tomorrow < whole.from ? whole.from : tomorrow }
  // The month's end is midnight Shanghai of its last day (+08:00, no DST).
  const asOf = complete ? dayStart(whole.to) : now
  return { month, period, asOf, complete, yearEarlier: { from: yearEarlier(period.from), to: yearEarlier(period.to) } }
}

/**
 * The same number of days at the start of the previous month (the whole previous month when the
 * month is complete): what a change "since last month" compares with.
 * @example previousWindowPeriod(monthWindow('2026-11', new Date('2026-11-10T04:00:00Z'))) // { from: '2026-10-01', to: '2026-10-11' }
 */
export function previousWindowPeriod(w: MonthWindow): Period {
  const prev = monthPeriod(addMonths(w.month, -1))
  if (w.complete) return prev
  const days = Math.min(daysBetween(w.period.from, w.period.to), daysBetween(prev.from, prev.to))
  return { from: prev.from, to: addDays(prev.from, days) }
}

/**
 * The window a change "since last month" compares with (see previousWindowPeriod).
 * @example previousWindow(monthWindow('2026-10', now)).period // { from: '2026-09-01', to: '2026-10-01' }
 */
export function previousWindow(w: MonthWindow): IndicatorWindow {
  return closedWindow(previousWindowPeriod(w))
}

/**
 * The twelve months ending with `month`, oldest first.
 * @example lastTwelveMonths('2026-03')[0] // '2025-04'
 */
export function lastTwelveMonths(month: Month): Month[] {
  return Array.from({ length: 12 }, (_, i) => addMonths(month, i - 11))
}
