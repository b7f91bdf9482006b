import { Router } from 'express'

import { allowed, scopeOf } from '../auth/context.ts'
import { maskPii } from '../auth/mask.ts'
import { expandCategoryCodes } from '../categories/queries.ts'
import type { Db } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { findArea } from '../stats/queries.ts'
import { getIncident, listIncidents } from './query.ts'
import { IncidentListQuerySchema, IncidentParamsSchema } from './query-schema.ts'

const GEOJSON = 'application/geo+json; charset=utf-8'

/** The read side of incidents: filtered, keyset-paged lists and single incidents as GeoJSON. */
export function incidentQueryRoutes(db: Db): Router {
  const router = Router()

  router.get('/api/incidents', async (req, res) => {
    const q = parseInput(IncidentListQuerySchema, req.query, 'query')
    const page = await db.withScope(scopeOf(req), async (tx) => {
      const area = q.area ? await findArea(tx, q.area) : null
      const items = q.category ? await expandCategoryCodes(tx, q.category, 'query.category') : null
      return listIncidents(tx, { from: q.from, to: q.to, items, area, bbox: q.bbox }, q.limit, q.cursor ?? null)
    })
    if (!allowed(req, 'pii')) for (const f of page.features) f.properties.description = maskPii(f.properties.description)
    res.type(GEOJSON).send(JSON.stringify(page))
  })

  router.get('/api/incidents/:id', async (req, res) => {
    const { id } = parseInput(IncidentParamsSchema, req.params, 'params')
    const feature = await db.withScope(scopeOf(req), (tx) => getIncident(tx, id))
    if (!feature) throw new HttpError(404, `no incident ${id}`)
    if (!allowed(req, 'pii')) feature.properties.description = maskPii(feature.properties.description)
    res.type(GEOJSON).send(JSON.stringify(feature))
  })

  return router
}
