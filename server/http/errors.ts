import type { ErrorRequestHandler, RequestHandler } from 'express'
import type { z } from 'zod'

import { logFor } from '../ops/logger.ts'
import { DomainError, type DomainErrorKind } from '../shared/errors.ts'

/** An error that becomes an HTTP answer with this status and message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

/**
 * Parses request input with a zod schema, turning failures into HTTP 400 that say what and where.
 * @example const q = parseInput(QuerySchema, req.query, 'query')
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where: 'query' | 'params' | 'body'): z.infer<T> {
  const nul = findNul(input)
  if (nul) {
    const at = [where, ...nul].join('.')
    throw new HttpError(400, `invalid ${where}: ${at}: must not contain NUL characters (U+0000)`, [
      { where: at, message: 'must not contain NUL characters (U+0000)' },
    ])
  }
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ where: [where, ...i.path].join('.'), message: i.message }))
    throw new HttpError(400, `invalid ${where}: ${issues.map((i) => `${i.where}: ${i.message}`).join('; ')}`, issues)
  }
  return parsed.data
}

/**
 * The path to the first string (or key) holding U+0000, or null. PostgreSQL text cannot store
 * that character (error 22021), so no valid input carries it; without this check such input got
 * past every schema and failed in the database as a 500. Iterative: bodies may nest deeply.
 */
function findNul(input: unknown): (string | number)[] | null {
  // Each entry keeps a link to its parent, so the path is built only on a hit (deep bodies stay linear).
  interface Node {
    v: unknown
    key: string | number | null
    up: Node | null
  }
  const pathOf = (n: Node | null, last?: string) => {
    const out: (string | number)[] = last === undefined ? [] : [last]
    for (let x = n; x && x.key !== null; x = x.up) out.unshift(x.key)
    return out
  }
  const stack: Node[] = [{ v: input, key: null, up: null }]
  while (stack.length > 0) {
    const n = stack.pop()!
    if (typeof n.v === 'string') {
      if (n.v.includes('\u0000')) return pathOf(n)
    } else if (Array.isArray(n.v)) {
      for (let i = 0; i < n.v.length; i++) stack.push({ v: n.v[i], key: i, up: n })
    } else if (typeof n.v === 'object' && n.v !== null) {
      for (const [k, x] of Object.entries(n.v)) {
        if (k.includes('\u0000')) return pathOf(n, k)
        stack.push({ v: x, key: k, up: n })
      }
    }
  }
  return null
}

/** The status each kind of domain error answers with: the one place that decides it. */
const DOMAIN_STATUS: Readonly<Record<DomainErrorKind, number>> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409 }

/**
 * The HTTP status of a domain error raised by a store or workflow.
 * @example httpStatusOf(new NotFound('no hazard 42')) // 404
 */
export function httpStatusOf(err: DomainError): number {
  return DOMAIN_STATUS[err.kind]
}

/** JSON 404 for unknown API routes (the web app's own fallback serves everything else). */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `no such endpoint: ${req.method} ${req.path}`))
}

/** The one place errors become responses: client errors say what is wrong; server errors are logged. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (err instanceof HttpError || err instanceof DomainError) {
    const status = err instanceof HttpError ? err.status : httpStatusOf(err)
    res.status(status).json({ error: err.message, ...(err.details ? { details: err.details } : {}) })
    return
  }
  // Row-level security refused a write: the row would be outside the caller's areas.
  if (typeof err === 'object' && err && 'code' in err && err.code === '42501') {
    res.status(403).json({ error: 'outside your area: the database refused this row for your account' })
    return
  }
  // body-parser and friends mark client errors with a status.
  const status = typeof err === 'object' && err && 'status' in err && typeof err.status === 'number' ? err.status : 500
  if (status < 500) {
    res.status(status).json({ error: err instanceof Error ? err.message : 'bad request' })
    return
  }
  logFor(req).error({ err, method: req.method, path: req.path }, 'request failed')
  res.status(500).json({ error: 'internal server error' })
}
