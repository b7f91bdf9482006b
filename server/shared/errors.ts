/**
 * Domain errors: what stores and workflows raise when a request cannot be done, in the domain's
 * terms. They carry no HTTP status: the edge (server/http/errors.ts) maps each kind to one, so
 * these modules stay free of Express and can run in the browser (the web app imports workflows).
 * The message is the one the caller reads (it becomes the answer's `error`); `details` its data.
 */

/** The kinds of failure, each mapped to one HTTP status at the edge. */
export type DomainErrorKind = 'not_found' | 'conflict' | 'forbidden' | 'invalid'

/** A field that failed a check: where (`body.area_code`) and what is wrong, as schema failures say it. */
export interface FieldIssue {
  where: string
  message: string
}

/** The base of every domain error; `kind` says which (NotFound, Conflict, Forbidden, Invalid). */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = new.target.name
  }
}

/**
 * The thing asked for does not exist (or is outside the caller's sight, which must read the same).
 * @example throw new NotFound('no hazard 42') // HTTP 404 at the edge
 */
export class NotFound extends DomainError {
  readonly kind = 'not_found'
}

/**
 * The request clashes with the current state: an illegal workflow move, a taken id, a closed record.
 * @example throw new Conflict('hazard 3 is closed: it can no longer be edited', { status: 'closed' }) // HTTP 409
 */
export class Conflict extends DomainError {
  readonly kind = 'conflict'
}

/**
 * The caller may not do this, whoever they are logged in as.
 * @example throw new Forbidden('outside your area') // HTTP 403
 */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden'
}

/**
 * Input that passed its schema but fails a check only the domain can make (an unknown area or
 * category code). `details` lists the fields, as a schema failure does.
 * @example throw new Invalid('invalid query: query.area: unknown area 330109999', [{ where: 'query.area', message: 'unknown area 330109999' }]) // HTTP 400
 */
export class Invalid extends DomainError {
  readonly kind = 'invalid'
  declare readonly details: FieldIssue[] | undefined
}

/**
 * An Invalid for one field, worded as a schema failure of that field (`where` starts with
 * `body`, `query` or `params`).
 * @example invalidField('body.area_code', 'no area 33').message // 'invalid body: body.area_code: no area 33'
 */
export function invalidField(where: string, message: string): Invalid {
  const part = where.split('.')[0] ?? where
  return new Invalid(`invalid ${part}: ${where}: ${message}`, [{ where, message }])
}
