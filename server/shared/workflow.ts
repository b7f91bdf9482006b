/**
 * A workflow as a transition table: which states each state may move to. Pure and shared by the
 * task, hazard and warning workflows (server/{tasks,hazards,warnings}/states.ts, each keeping its
 * own table), so all of them refuse an illegal move the same way: a Conflict naming the item,
 * both states and the way out. The web app reads the same tables to offer only legal moves.
 */
import { Conflict, invalidField } from './errors.ts'

/** Each state's allowed next states. A state absent from every list can only be a start state. */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>

/**
 * Whether `from → to` is in the table (staying in the same state never is).
 * @example canMove({ a: ['b'], b: [] }, 'a', 'b') // true
 */
export function canMove<S extends string>(table: TransitionTable<S>, from: S, to: S): boolean {
  return table[from].includes(to)
}

/**
 * Throws Conflict (HTTP 409 at the edge) unless `from → to` is legal; the message names the item,
 * both states and where it can go instead; `details` carries `{ from, to, allowed }`.
 * @example assertMove({ a: ['b'], b: [] }, 'task 7', 'b', 'a') // throws Conflict "task 7: cannot go from b to a (b is final)"
 */
export function assertMove<S extends string>(table: TransitionTable<S>, what: string, from: S, to: S): void {
  if (canMove(table, from, to)) return
  const allowed = table[from]
  const way = allowed.length === 0 ? `${from} is final` : `from ${from} it can go to ${allowed.join(', ')}`
  throw new Conflict(`${what}: cannot go from ${from} to ${to} (${way})`, { from, to, allowed })
}

/**
 * Throws Conflict when a person asks for a state only the system reaches (`systemOnly` maps each
 * such state to the way it is reached, which the message tells the person).
 * @example assertByHand({ expired: 'warnings expire by themselves' }, 'warning 7', 'new', 'expired') // throws Conflict "warning 7: cannot go to expired by hand (warnings expire by themselves)"
 */
export function assertByHand<S extends string>(systemOnly: Readonly<Partial<Record<S, string>>>, what: string, from: S, to: S): void {
  const why = systemOnly[to]
  if (why) throw new Conflict(`${what}: cannot go to ${to} by hand (${why})`, { from, to })
}

/**
 * Whether a move into `to` must say why (a comment or reason), as listed by the workflow.
 * @example needsReason(['returned'], 'returned') // true
 */
export function needsReason<S extends string>(required: readonly S[], to: S): boolean {
  return required.includes(to)
}

/**
 * Throws Invalid naming the field (`where`, e.g. `body.comment`) when a move into `to` must say
 * why and `text` is missing or blank.
 * @example assertReasonGiven(['returned'], 'returned', ' ', 'body.comment', 'say why the task goes to returned') // throws Invalid "invalid body: body.comment: say why the task goes to returned"
 */
export function assertReasonGiven<S extends string>(
  required: readonly S[],
  to: S,
  text: string | null | undefined,
  where: string,
  message: string,
): void {
  if (needsReason(required, to) && (text ?? '').trim() === '') throw invalidField(where, message)
}

/** A stored workflow event as its SQL returns it (hazard_events, task_events). */
export interface HistoryEventRow<A extends string = string> {
  id: string
  at: Date
  actor: string
  action: A
  from: string | null
  to: string | null
  comment: string | null
  changes: Record<string, unknown>
}

/**
 * A stored event in the API's form: a numeric id and an ISO time.
 * @example historyEvent({ id: '3', at: new Date(0), actor: 'a', action: 'created', from: null, to: 'new', comment: null, changes: {} }).at // '1970-01-01T00:00:00.000Z'
 */
export function historyEvent<A extends string>(
  row: HistoryEventRow<A>,
): Omit<HistoryEventRow<A>, 'id' | 'at'> & { id: number; at: string } {
  return { ...row, id: Number(row.id), at: row.at.toISOString() }
}
