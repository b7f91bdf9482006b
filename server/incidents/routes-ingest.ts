import { Router } from 'express'
import type { Db } from '../db/index.ts'
import type { Geocoder } from '../geocode/geocoder.ts'
import { parseInput } from '../http/errors.ts'
import { incidentsChanged } from '../tiles/events.ts'
import { countIngested } from '../ops/metrics.ts'
import { ingestIncidents, loadCategoryIndex } from './ingest.ts'
import { incidentBodySchema, UnplacedQuerySchema } from './schema.ts'

/**
 * Incident ingest over HTTP.
 * - `POST /api/incidents`: one incident or an array (≤ 10,000). All or nothing: any invalid item
 *   rejects the whole request with 400 naming every bad field (`body.3.reported_at`), so a client
 *   never has to work out which half of its batch went in. 201 if any incident was created, else 200.
 * - `GET /api/incidents/unplaced?limit=&cursor=`: incidents without a point, by id (keyset pages).
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
    // Tile caches of this process look for the change before their next tile (server/tiles/events.ts).
    incidentsChanged()
    res.status(results.some((r) => r.status === 'created') ? 201 : 200).json({ results })
  })
  router.get('/api/incidents/unplaced', async (req, res) => {
    const q = parseInput(UnplacedQuerySchema, req.query, 'query')
    const rows = await db.sql<{ id: string; incidentId: string; reportedAt: Date; categoryCode: string; address: string | null; geocodeLevel: string | null; geocodeScore: number | null }[]>`
      SELECT id::text AS id, incident_id AS "incidentId", reported_at AS "reportedAt", category_code AS "categoryCode",
             address, geocode_level AS "geocodeLevel", geocode_score AS "geocodeScore"
      FROM incidents
      WHERE geom IS NULL AND id > ${q.cursor ?? 0}
      ORDER BY id
      LIMIT ${q.limit + 1}`
    const items = rows.slice(0, q.limit)
    res.json({ items, nextCursor: rows.length > q.limit ? items[items.length - 1]!.id : null })
  })
  return router
}
