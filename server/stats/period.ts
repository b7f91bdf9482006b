import { z } from 'zod'

/**
 * Calendar days as `YYYY-MM-DD` strings, Asia/Shanghai. Rollups are kept per Shanghai day, so the
 * stats API counts whole days and all day arithmetic stays on plain date strings (no time zones).
 */
export const DayStringSchema = z.iso.date()

export interface Period {
  /** First day, inclusive. */
  from: string
  /** Day after the last, exclusive. */
  to: string
}

const DAY_MS = 86_400_000

/**
 * Today in Asia/Shanghai.
 * @example shanghaiToday(new Date('2026-11-01T17:00:00Z')) // '2026-11-02'
 */
export function shanghaiToday(now: Date = new Date()): string {
  // China has no daylight saving time: a fixed +8 h offset is exact.
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}

/**
 * Adds whole days to a date string.
 * @example addDays('2026-03-01', -1) // '2026-02-28'
 */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}

/**
 * Days from `from` to `to` (exclusive end).
 * @example daysBetween('2026-10-01', '2026-11-01') // 31
 */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS)
}

/**
 * The same day a year earlier; 29 February becomes 28 February (as PostgreSQL's `- interval '1 year'`).
 * @example yearEarlier('2024-02-29') // '2023-02-28'
 */
export function yearEarlier(day: string): string {
  const year = Number(day.slice(0, 4)) - 1
  const md = day.slice(5)
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  return `${String(year).padStart(4, '0')}-${md === '02-29' && !leap ? '02-28' : md}`
}

/**
 * The requested period, defaulting to the last 30 days up to and including today (Shanghai).
 * @example resolvePeriod(undefined, undefined, new Date('2026-11-01T04:00:00Z')) // { from: '2026-10-03', to: '2026-11-02' }
 */
export function resolvePeriod(from: string | undefined, to: string | undefined, now: Date = new Date()): Period {
  const end = to ?? addDays(shanghaiToday(now), 1)
  return { from: from ?? addDays(end, -30), to: end }
}

/**
 * The comparison periods: 同比 (the same days a year earlier) and 环比 (the period of equal length just before).
 * @example comparisonPeriods({ from: '2026-10-01', to: '2026-11-01' }).previous // { from: '2026-08-31', to: '2026-10-01' }
 */
export function comparisonPeriods(p: Period): { yearEarlier: Period; previous: Period } {
  return {
    yearEarlier: { from: yearEarlier(p.from), to: yearEarlier(p.to) },
    previous: { from: addDays(p.from, -daysBetween(p.from, p.to)), to: p.from },
  }
}

/**
 * Percentage change from `base` to `n`, one decimal; null when the base is 0 (no meaningful ratio).
 * @example percentChange(15, 10) // 50
 */
export function percentChange(n: number, base: number): number | null {
  return base === 0 ? null : Math.round(((n - base) / base) * 1000) / 10
}
