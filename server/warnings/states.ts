/**
 * The warning lifecycle: new → acknowledged → tasked → resolved, and expired for warnings no
 * model re-triggered in time. 'tasked' is reached only by issuing a task (POST …/tasks) and
 * 'expired' only by the model runner, so a person's transition can be to acknowledged or resolved.
 */
import { z } from 'zod'

import { assertByHand, assertMove, type TransitionTable } from '../shared/workflow.ts'

export const WarningStatusSchema = z.enum(['new', 'acknowledged', 'tasked', 'resolved', 'expired'])
export type WarningStatus = z.infer<typeof WarningStatusSchema>

export const WARNING_STATUS_NAMES: Readonly<Record<WarningStatus, string>> = {
  new: '新预警',
  acknowledged: '已签收',
  tasked: '已派单',
  resolved: '已处置',
  expired: '已失效',
}

/** Open warnings (still being worked on): at most one per (model, subject). */
export const OPEN_STATUSES: readonly WarningStatus[] = ['new', 'acknowledged', 'tasked']

export const WARNING_TRANSITIONS: TransitionTable<WarningStatus> = {
  new: ['acknowledged', 'tasked', 'resolved', 'expired'],
  acknowledged: ['tasked', 'resolved', 'expired'],
  tasked: ['resolved'],
  resolved: [],
  expired: [],
}

/** Statuses only the system reaches (by a task, by expiry). */
const SYSTEM_ONLY: Readonly<Partial<Record<WarningStatus, string>>> = {
  tasked: 'a warning is tasked by issuing a task: POST /api/warnings/{id}/tasks',
  expired: 'warnings expire by themselves when their model stops re-triggering them',
}

/**
 * Throws Conflict (HTTP 409) unless a person (or, with `byPerson` false, the system) may move a
 * warning from `from` to `to`.
 * @example assertWarningMove('7', 'resolved', 'acknowledged') // throws Conflict (resolved is final)
 */
export function assertWarningMove(id: string, from: WarningStatus, to: WarningStatus, byPerson = true): void {
  if (byPerson) assertByHand(SYSTEM_ONLY, `warning ${id}`, from, to)
  assertMove(WARNING_TRANSITIONS, `warning ${id}`, from, to)
}
