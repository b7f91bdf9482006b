/**
 * A workflow as a transition table: which states each state may move to. Pure, shared by the
 * task and hazard workflows (server/tasks/states.ts, server/hazards/states.ts), so both reject
 * illegal moves the same way: HTTP 409 naming the entity, both states and what is allowed.
 */
import { HttpError } from '../http/errors.ts'

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
 * Throws HTTP 409 unless `from → to` is legal; the message names the states and the way out.
 * @example assertMove({ a: ['b'], b: [] }, 'task 7', 'b', 'a') // throws 409 "task 7: cannot go from b to a (b is final)"
 */
export function assertMove<S extends string>(table: TransitionTable<S>, what: string, from: S, to: S): void {
  if (canMove(table, from, to)) return
  const allowed = table[from]
  const way = allowed.length === 0 ? `${from} is final` : `from ${from} it can go to ${allowed.join(', ')}`
  throw new HttpError(409, `${what}: cannot go from ${from} to ${to} (${way})`, { from, to, allowed })
}
