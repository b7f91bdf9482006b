import { Router } from 'express'

import { auditRequest } from '../audit/request.ts'
import { allowed, scopeOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { FullViewParamsSchema } from '../shared/full-view.ts'
import { maskFullView, readFullView } from './full-view.ts'

export interface AddressRouteOptions {
  /** The clock of overdue days, alerting devices and current residents (tests fix it). */
  now?: () => Date
}

/**
 * Routes of the address base:
 * - `GET /api/addresses/{id}/full-view`: everything tied to one address (full-view.ts), read in
 *   the caller's scope (an address outside it is the same 404 as a missing one); residents are
 *   masked always, and listing any writes one `people.read` audit row.
 * @example app.use(addressRoutes(db))
 */
export function addressRoutes(db: Db, opts: AddressRouteOptions = {}): Router {
  const router = Router()
  const now = opts.now ?? (() => new Date())

  router.get('/api/addresses/:id/full-view', async (req, res) => {
    const { id } = parseInput(FullViewParamsSchema, req.params, 'params')
    const pii = allowed(req, 'pii')
    const view = await db.withScope(scopeOf(req), (tx) => readFullView(tx, id, now(), pii))
    if (!view) throw new HttpError(404, `no address ${id}`)
    if (view.counts.residents > 0)
      await auditRequest(db, req, res, 'people.read', `address:${id}`, { view: 'full-view', residents: view.counts.residents })
    res.json(maskFullView(view, pii))
  })

  return router
}
