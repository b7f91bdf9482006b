/**
 * The hazard workflow: reported → confirmed → rectifying → closed (销号), one step at a time.
 * A report is confirmed (checked on site, due date and responsible party fixed), rectification
 * starts (often by issuing a task: server/tasks/store.ts moves a confirmed hazard to rectifying
 * when a task is created from it), and it is closed out after the rectification is verified.
 * `closed` is final; skipping or reversing a step is illegal (a Conflict: HTTP 409).
 */
import { z } from 'zod'

import { assertMove, canMove, type TransitionTable } from '../shared/workflow.ts'

export const HazardStatusSchema = z.enum(['reported', 'confirmed', 'rectifying', 'closed'])
export type HazardStatus = z.infer<typeof HazardStatusSchema>

/** Chinese labels for the UI. */
export const HAZARD_STATUS_NAMES: Readonly<Record<HazardStatus, string>> = {
  reported: '已上报',
  confirmed: '已确认',
  rectifying: '整改中',
  closed: '已销号',
}

export const HAZARD_TRANSITIONS: TransitionTable<HazardStatus> = {
  reported: ['confirmed'],
  confirmed: ['rectifying'],
  rectifying: ['closed'],
  closed: [],
}

/**
 * Whether a hazard may move from one status to another.
 * @example canMoveHazard('confirmed', 'rectifying') // true
 */
export function canMoveHazard(from: HazardStatus, to: HazardStatus): boolean {
  return canMove(HAZARD_TRANSITIONS, from, to)
}

/**
 * Throws Conflict (HTTP 409) naming both states unless the move is legal.
 * @example assertHazardMove(3, 'reported', 'closed') // throws "hazard 3: cannot go from reported to closed (from reported it can go to confirmed)"
 */
export function assertHazardMove(id: number | string, from: HazardStatus, to: HazardStatus): void {
  assertMove(HAZARD_TRANSITIONS, `hazard ${id}`, from, to)
}
