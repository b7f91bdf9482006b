import { type Request, Router } from 'express'

import { scopeOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { resolveRecordId } from '../shared/placed.ts'
import { findArea, statsTarget } from '../stats/queries.ts'
import { PatrolCoverageQuerySchema, PatrolListQuerySchema, PatrolParamsSchema } from './schema.ts'
import { getPatrol, listPatrols, patrolCoverage } from './store.ts'

const GEOJSON = 'application/geo+json; charset=utf-8'

export interface PatrolRouteOptions {
  /** The clock of the coverage's default `asOf` (tests fix it). */
  now?: () => Date
}

/**
 * Patrols over HTTP, in the caller's scope (a patrol is in scope where its track went):
 * - `GET /api/patrols?area=&team=&from=&to=&limit=&cursor=`: GeoJSON LineStrings, latest start first, keyset `next`;
 * - `GET /api/patrols/coverage?area=&asOf=&days=7&limit=&cursor=`: every grid of the scope (or the area) with its last patrol, by code in pages;
 * - `GET /api/patrols/{id}`: one patrol (the number or the source's patrol_id); outside the scope, 404 as for none.
 * @example app.use(patrolRoutes(db))
 */
export function patrolRoutes(db: Db, opts: PatrolRouteOptions = {}): Router {
  const router = Router()
  const now = opts.now ?? (() => new Date())

  router.get('/api/patrols', async (req, res) => {
    const q = parseInput(PatrolListQuerySchema, req.query, 'query')
    const page = await db.withScope(scopeOf(req), async (tx) => {
      const area = q.area ? await findArea(tx, q.area) : null
      return listPatrols(tx, { ...q, area }, q.limit, q.cursor ?? null)
    })
    res.type(GEOJSON).send(JSON.stringify(page))
  })

  // Before /:id, which would take "coverage" for a patrol_id.
  router.get('/api/patrols/coverage', async (req, res) => {
    const q = parseInput(PatrolCoverageQuerySchema, req.query, 'query')
    const scope = scopeOf(req)
    const answer = await db.withScope(scope, async (tx) => {
      // An area must be one of the caller's (404 otherwise, as for none); without one, the scope.
      const area = q.area ? (await statsTarget(tx, scope, q.area)).area : null
      return patrolCoverage(tx, area, q.asOf ?? now(), q.days, { limit: q.limit, after: q.cursor ?? null })
    })
    res.json(answer)
  })

  router.get('/api/patrols/:id', async (req: Request, res) => {
    const { id } = parseInput(PatrolParamsSchema, req.params, 'params')
    const feature = await db.withScope(scopeOf(req), async (tx) => {
      const found = await resolveRecordId(tx, 'patrols', id)
      return found ? getPatrol(tx, found) : null
    })
    if (!feature) throw new HttpError(404, `no patrol ${id}`)
    res.type(GEOJSON).send(JSON.stringify(feature))
  })

  return router
}
