/**
 * Overdue, one rule for hazards and tasks: a due date is the last Asia/Shanghai day to act, so an
 * item is overdue from the next day on until it is closed. `now` is always passed in (never
 * read from the clock here), so tests and models use fixed clocks.
 */

const SHANGHAI_MS = 8 * 3600_000

/**
 * The Asia/Shanghai calendar day of an instant (UTC+8, no DST).
 * @example shanghaiDay(new Date('2026-10-31T16:30:00Z')) // '2026-11-01'
 */
export function shanghaiDay(now: Date): string {
  return new Date(now.getTime() + SHANGHAI_MS).toISOString().slice(0, 10)
}

/**
 * Whether an item due on `dueDate` (YYYY-MM-DD) and not closed is overdue at `now`.
 * @example isOverdue('2026-10-31', false, new Date('2026-10-31T15:59:59Z')) // false (still the 31st in Shanghai)
 */
export function isOverdue(dueDate: string | null, closed: boolean, now: Date): boolean {
  return !closed && dueDate !== null && dueDate < shanghaiDay(now)
}

/**
 * Whole days past the due date at `now` (0 when not overdue).
 * @example daysOverdue('2026-10-01', new Date('2026-10-04T01:00:00Z')) // 3
 */
export function daysOverdue(dueDate: string, now: Date): number {
  const days = (Date.parse(`${shanghaiDay(now)}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / 86_400_000
  return Math.max(0, Math.round(days))
}
