import { randomUUID } from 'node:crypto'

import { Router } from 'express'

import { auditRequest } from '../audit/request.ts'
import { scopeOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import type { Geocoder } from '../geocode/geocoder.ts'
import { actorOf } from '../http/actor.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { countIngested } from '../ops/metrics.ts'
import { incidentsChanged } from './events.ts'
import { areasAt } from './field-report.ts'
import { ingestIncidents, loadCategoryIndex } from './ingest.ts'
import { placementCounts } from './placement.ts'
import { FieldReportSchema, incidentBodySchema, PlacementQuerySchema, UnplacedQuerySchema } from './schema.ts'

/**
 * Incident ingest over HTTP, and what became of the reports' places.
 * - `POST /api/incidents`: one incident or an array (≤ 10,000). All or nothing: any invalid item
 *   rejects the whole request with 400 naming every bad field (`body.3.reported_at`), so a client
 *   never has to work out which half of its batch went in. 201 if any incident was created, else 200.
 *   A `reported_at` more than 10 minutes ahead of the server's clock, or before 2000, is invalid.
 * - `POST /api/incidents/reports`: one event reported from the field (a grid worker's phone): its
 *   point must lie in the caller's areas (403 otherwise); source 网格上报 and the reporter.
 * - `GET /api/incidents/unplaced?limit=&cursor=&outside=`: incidents without a point, by id (keyset
 *   pages), with the coordinates they came with and whether those lie outside the district.
 * - `GET /api/incidents/placement?from=&to=`: how many incidents are placed, approximate,
 *   unplaced and outside the district.
 * Reads run in the caller's scope: unplaced incidents belong to the district only (migrations/019).
 * @example app.use(incidentIngestRoutes(db, geocoder))
 */
export function incidentIngestRoutes(db: Db, geocoder: Geocoder): Router {
  const router = Router()
  router.post('/api/incidents', async (req, res) => {
    // Read per request: the catalogue is tiny, and a migration may have added items.
    const categories = await loadCategoryIndex(db.sql)
    const items = parseInput(incidentBodySchema(categories), req.body, 'body')
    const results = await ingestIncidents(db, geocoder, items)
    countIngested('api', results)
    // Tile caches of this process look for the change before their next tile (./events.ts).
    incidentsChanged()
    res.status(results.some((r) => r.status === 'created') ? 201 : 200).json({ results })
  })
  router.post('/api/incidents/reports', async (req, res) => {
    const body = parseInput(FieldReportSchema, req.body, 'body')
    const scope = scopeOf(req)
    // A grid worker reports in their grids, a town officer in their town: the point says where.
    const areas = await db.withScope(scope, (tx) => areasAt(tx, body.lng, body.lat))
    if (scope.areaCodes !== null && !areas.some((code) => scope.areaCodes!.includes(code)))
      throw new HttpError(403, 'outside your area: the point lies in none of your areas', [
        { where: 'body.lng', message: 'the point lies outside your areas' },
      ])
    const categories = await loadCategoryIndex(db.sql)
    const category = categories.get(body.category)
    if (!category)
      throw new HttpError(400, `invalid body: body.category: unknown category "${body.category}"`, [
        { where: 'body.category', message: 'give an item code like 0101 or its Chinese name' },
      ])
    const item = {
      incident_id: `FR-${randomUUID()}`,
      reported_at: body.reported_at ?? new Date(),
      category: body.category,
      category_code: category,
      address: body.address,
      lng: body.lng,
      lat: body.lat,
      crs: 'wgs84' as const,
      description: body.description,
      source: `网格上报·${actorOf(req)}`,
      status: 'open' as const,
    }
    const [result] = await ingestIncidents(db, geocoder, [item])
    countIngested('api', [result!])
    incidentsChanged()
    await auditRequest(db, req, res, 'incident.report', `incident:${result!.id}`, { category, areas })
    res.status(201).json(result)
  })
  router.get('/api/incidents/unplaced', async (req, res) => {
    const q = parseInput(UnplacedQuerySchema, req.query, 'query')
    const rows = await db.withScope(
      scopeOf(req),
      (tx) => tx<
        {
          id: string
          incidentId: string
          reportedAt: Date
          categoryCode: string
          address: string | null
          geocodeLevel: string | null
          geocodeScore: number | null
          inputLng: number | null
          inputLat: number | null
          inputCrs: string | null
          outsideDistrict: boolean
        }[]
      >`
      SELECT id::text AS id, incident_id AS "incidentId", reported_at AS "reportedAt", category_code AS "categoryCode",
             address, geocode_level AS "geocodeLevel", geocode_score AS "geocodeScore",
             input_lng AS "inputLng", input_lat AS "inputLat", input_crs AS "inputCrs", outside_district AS "outsideDistrict"
      FROM incidents
      WHERE geom IS NULL AND id > ${q.cursor ?? 0}
        ${q.outside === undefined ? tx`` : tx`AND outside_district = ${q.outside}`}
      ORDER BY id
      LIMIT ${q.limit + 1}`,
    )
    const items = rows.slice(0, q.limit)
    res.json({ items, nextCursor: rows.length > q.limit ? items[items.length - 1]!.id : null })
  })
  router.get('/api/incidents/placement', async (req, res) => {
    const q = parseInput(PlacementQuerySchema, req.query, 'query')
    res.json(await db.withScope(scopeOf(req), (tx) => placementCounts(tx, q)))
  })
  return router
}
