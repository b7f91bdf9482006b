/**
 * The task workflow (the closed loop):
 *
 *   issued ──accept──▶ accepted ──start──▶ in_progress ──submit──▶ submitted ──close──▶ closed (销号)
 *                          ▲                    ▲                       │
 *                          └──── returned ◀─────┴───────return──────────┘
 *
 * A reviewer either closes a submitted task out or returns it with a reason; a returned task
 * goes back to its assignee, who re-accepts it (returned → accepted) or resumes the work
 * (returned → in_progress). `closed` is final. Everything else is illegal (a Conflict: HTTP 409).
 */
import { z } from 'zod'

import { assertMove, assertReasonGiven, canMove, needsReason, type TransitionTable } from '../shared/workflow.ts'

export const TaskStatusSchema = z.enum(['issued', 'accepted', 'in_progress', 'submitted', 'closed', 'returned'])
export type TaskStatus = z.infer<typeof TaskStatusSchema>

/** Tasks not yet closed out (销号): every status but `closed`. */
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = TaskStatusSchema.options.filter((s) => s !== 'closed')

/** Chinese labels for the UI. */
export const TASK_STATUS_NAMES: Readonly<Record<TaskStatus, string>> = {
  issued: '已下发',
  accepted: '已签收',
  in_progress: '整改中',
  submitted: '待审核',
  closed: '已销号',
  returned: '已退回',
}

export const TASK_TRANSITIONS: TransitionTable<TaskStatus> = {
  issued: ['accepted'],
  accepted: ['in_progress'],
  in_progress: ['submitted'],
  submitted: ['closed', 'returned'],
  returned: ['in_progress', 'accepted'],
  closed: [],
}

/** Moves that must say why (a return without a reason leaves the assignee guessing). */
export const TASK_COMMENT_REQUIRED: readonly TaskStatus[] = ['returned']

/**
 * Whether a task may move from one status to another.
 * @example canMoveTask('submitted', 'returned') // true
 */
export function canMoveTask(from: TaskStatus, to: TaskStatus): boolean {
  return canMove(TASK_TRANSITIONS, from, to)
}

/**
 * Throws Conflict (HTTP 409) naming both states unless the move is legal.
 * @example assertTaskMove(7, 'issued', 'closed') // throws "task 7: cannot go from issued to closed (from issued it can go to accepted)"
 */
export function assertTaskMove(id: number | string, from: TaskStatus, to: TaskStatus): void {
  assertMove(TASK_TRANSITIONS, `task ${id}`, from, to)
}

/**
 * Whether a move into `to` must say why in its comment.
 * @example taskMoveNeedsComment('returned') // true
 */
export function taskMoveNeedsComment(to: TaskStatus): boolean {
  return needsReason(TASK_COMMENT_REQUIRED, to)
}

/**
 * Throws Invalid naming `body.comment` when a move into `to` must say why and the comment is blank.
 * @example assertTaskComment('returned', null) // throws "invalid body: body.comment: say why the task goes to returned"
 */
export function assertTaskComment(to: TaskStatus, comment: string | null | undefined): void {
  assertReasonGiven(TASK_COMMENT_REQUIRED, to, comment, 'body.comment', `say why the task goes to ${to}`)
}
