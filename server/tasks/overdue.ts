/**
 * Overdue, one rule for hazards and tasks: a due date is the last Asia/Shanghai day to act, so an
 * item is overdue from the next day on until it is closed. `now` is always passed in (never
 * read from the clock here), so tests and models use fixed clocks.
 */
import { daysBetween, shanghaiDay } from '../shared/time.ts'

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
  return Math.max(0, daysBetween(dueDate, shanghaiDay(now)))
}
