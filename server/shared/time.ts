/**
 * Asia/Shanghai days and periods, for the server and the web page alike. The command center counts
 * in China Standard Time: UTC+8 all year, no daylight saving since 1991, so a fixed offset is exact
 * (the district profile only takes zones at +08:00 all year). Days are `YYYY-MM-DD` strings and all
 * day arithmetic stays on those strings (UTC midnights, no time zones involved).
 */

/** China Standard Time's offset from UTC. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000

/** One calendar day (no DST: every Shanghai day is this long). */
export const DAY_MS = 86_400_000

/** A period of whole Shanghai days. */
export interface Period {
  /** First day, inclusive. */
  from: string
  /** Day after the last, exclusive. */
  to: string
}

/** An instant moved by the offset, so its UTC fields read as Shanghai wall time. */
const local = (at: Date): string => new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString()

/**
 * The Shanghai calendar day of an instant.
 * @example shanghaiDay(new Date('2026-10-31T16:30:00Z')) // '2026-11-01'
 */
export function shanghaiDay(at: Date): string {
  return local(at).slice(0, 10)
}

/**
 * Shanghai local date and time to the minute, as people read it.
 * @example shanghaiMinute(new Date('2026-12-06T03:25:40Z')) // '2026-12-06 11:25'
 */
export function shanghaiMinute(at: Date): string {
  return local(at).slice(0, 16).replace('T', ' ')
}

/**
 * ISO 8601 with the +08:00 offset (files people open and programs read back); milliseconds only
 * when there are some.
 * @example shanghaiIso(new Date('2026-10-01T00:30:00Z')) // '2026-10-01T08:30:00+08:00'
 */
export function shanghaiIso(at: Date): string {
  return `${local(at).slice(0, at.getUTCMilliseconds() === 0 ? 19 : 23)}+08:00`
}

/**
 * Midnight (Shanghai) starting a day, as epoch milliseconds.
 * @example dayStartMs('2026-10-01') === Date.parse('2026-09-30T16:00:00Z') // true
 */
export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00+08:00`)
}

/**
 * Midnight (Shanghai) starting a day, as an instant.
 * @example dayStart('2026-11-01').toISOString() // '2026-10-31T16:00:00.000Z'
 */
export function dayStart(day: string): Date {
  return new Date(dayStartMs(day))
}

/**
 * A day `n` days after `day` (negative: before).
 * @example addDays('2026-03-01', -1) // '2026-02-28'
 */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)
}

/**
 * Whole days from `a` to `b` (b − a; with b exclusive, the length of the period [a, b)).
 * @example daysBetween('2026-10-01', '2026-11-01') // 31
 */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS)
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
 * A day n calendar months later (or earlier), the day of the month clamped to the month's length.
 * @example addMonthsToDay('2026-03-31', -1) // '2026-02-28'
 */
export function addMonthsToDay(day: string, n: number): string {
  const y = Number(day.slice(0, 4))
  const m = Number(day.slice(5, 7)) - 1 + n
  const year = y + Math.floor(m / 12)
  const month = ((m % 12) + 12) % 12
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const d = Math.min(Number(day.slice(8, 10)), last)
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}
