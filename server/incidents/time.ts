/**
 * Report times: which ones are believable, and how people read them. The command center works in
 * Asia/Shanghai (UTC+8 all year, no DST: a fixed offset is exact), so every time shown to a
 * person is Shanghai local time; API instants stay ISO 8601 as documented.
 */
import { shanghaiDay, shanghaiMinute } from '../shared/time.ts'

/**
 * How far after the server's clock a report may be dated: a field terminal's or a source system's
 * clock runs a few minutes fast, but an incident cannot happen later than it is reported to us.
 */
export const FUTURE_TOLERANCE_MS = 10 * 60_000

/**
 * The earliest report time taken. Older dates in a feed are placeholders (1900-01-01 from Excel,
 * 1970-01-01 from a zero timestamp) or typos (0206 for 2026), not reports: the district's digital
 * records (110 接处警, the grid system) start well after 2000, and nothing this old belongs in a
 * year-on-year comparison.
 */
export const EARLIEST_REPORT = new Date('2000-01-01T00:00:00+08:00')

/**
 * Why a report time cannot be right at `now`, or null when it can: more than
 * FUTURE_TOLERANCE_MS after `now`, or before EARLIEST_REPORT.
 * @example reportTimeProblem(new Date('2030-01-01T00:00:00+08:00'), new Date('2026-12-06T11:25:00+08:00')) // 'is in the future: 2030-01-01 00:00 …'
 * @example reportTimeProblem(new Date('2026-12-06T11:30:00+08:00'), new Date('2026-12-06T11:25:00+08:00')) // null (5 minutes ahead)
 */
export function reportTimeProblem(at: Date, now: Date): string | null {
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    return `is in the future: ${shanghaiMinute(at)} is more than ${FUTURE_TOLERANCE_MS / 60_000} minutes after the server's time ${shanghaiMinute(now)} (Asia/Shanghai)`
  }
  if (at.getTime() < EARLIEST_REPORT.getTime()) {
    return `${shanghaiMinute(at)} is before ${shanghaiDay(EARLIEST_REPORT)}: not a believable report time (a placeholder date?)`
  }
  return null
}
