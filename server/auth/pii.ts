/**
 * Personal data masked out of every record the read routes send to callers without the `pii`
 * permission (analysts, wall displays): hazards, tasks, warnings and their histories, incidents,
 * and the live stream. One place per record type, so a route cannot mask one field and forget
 * another. Each function masks in place and returns its argument.
 */
import type { HazardDetail, HazardFeature, HistoryEvent } from '../hazards/schema.ts'
import type { Task, TaskAssigned, TaskDetail } from '../tasks/schema.ts'
import type { WarningDetail, WarningEvent } from '../warnings/schema.ts'
import { maskChanges, maskParty, maskPii } from './mask.ts'

/**
 * A hazard's description, premises and responsible party masked.
 * @example maskHazard(feature).properties.responsibleParty // '张** 138****5678'
 */
export function maskHazard<F extends HazardFeature>(f: F): F {
  f.properties.description = maskPii(f.properties.description)
  f.properties.placeName = maskPii(f.properties.placeName)
  f.properties.responsibleParty = maskParty(f.properties.responsibleParty)
  return f
}

/**
 * A hazard detail: the feature, its history and the titles of its tasks.
 * @example maskHazardDetail(detail).history[0].comment
 */
export function maskHazardDetail(d: HazardDetail): HazardDetail {
  maskHazard(d)
  d.history.forEach(maskEvent)
  for (const t of d.tasks) t.title = maskPii(t.title)
  return d
}

/**
 * A task's title and description masked.
 * @example maskTask(task).description
 */
export function maskTask<T extends Task>(t: T): T {
  t.title = maskPii(t.title)
  t.description = maskPii(t.description)
  return t
}

/**
 * A task assignment on the live stream: the task's title masked (staff names are not masked, as
 * actors in histories are not).
 * @example maskTaskAssigned(event).title
 */
export function maskTaskAssigned(a: TaskAssigned): TaskAssigned {
  a.title = maskPii(a.title)
  return a
}

/** A task with its history. @example maskTaskDetail(detail).history[1].comment */
export function maskTaskDetail<T extends TaskDetail>(d: T): T {
  maskTask(d)
  d.history.forEach(maskEvent)
  return d
}

/** A warning with its history (comments, reasons) and tasks. @example maskWarningDetail(detail).tasks */
export function maskWarningDetail(d: WarningDetail): WarningDetail {
  d.history.forEach(maskEvent)
  for (const t of d.tasks as Task[]) maskTask(t)
  return d
}

/**
 * One history event: its comment and the old and new values of edited fields.
 * @example maskEvent({ comment: '联系人王五', changes: {} }).comment // '联系人王*'
 */
export function maskEvent<E extends HistoryEvent | WarningEvent>(e: E): E {
  e.comment = maskPii(e.comment)
  if ('changes' in e) e.changes = maskChanges(e.changes)
  if ('details' in e) e.details = maskChanges(e.details)
  return e
}
