import type { ErrorRequestHandler, RequestHandler } from 'express'
import { z } from 'zod'
import { logFor } from '../ops/logger.ts'

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
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ where: [where, ...i.path].join('.'), message: i.message }))
    throw new HttpError(400, `invalid ${where}: ${issues.map((i) => `${i.where}: ${i.message}`).join('; ')}`, issues)
  }
  return parsed.data
}

/** JSON 404 for unknown API routes (the web app's own fallback serves everything else). */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `no such endpoint: ${req.method} ${req.path}`))
}

/** The one place errors become responses: client errors say what is wrong; server errors are logged. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (err instanceof HttpError) {
    res.status(err.status).json({ error: err.message, ...(err.details ? { details: err.details } : {}) })
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
