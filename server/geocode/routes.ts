import { Router } from 'express'
import { z } from 'zod'

import { scopeOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { CrsSchema, fromWgs84, toWgs84 } from '../geo/crs.ts'
import { parseInput } from '../http/errors.ts'
import type { Geocoder } from './geocoder.ts'
import { reverseGeocode } from './reverse.ts'
import { GeocodeBatchSchema, GeocodeQuerySchema, type GeocodeResponse, ReverseQuerySchema } from './schema.ts'

export const BatchQuerySchema = z.object({ outCrs: CrsSchema.default('wgs84') })

/** `/api/geocode`, `/api/geocode/batch` and `/api/reverse`. */
export function geocodeRoutes(db: Db, geocoder: Geocoder): Router {
  const router = Router()

  router.get('/api/geocode', async (req, res) => {
    const q = parseInput(GeocodeQuerySchema, req.query, 'query')
    const [m] = await geocoder.geocode([{ address: q.q, lng: q.lng, lat: q.lat, crs: q.crs }], { outCrs: q.outCrs, scope: scopeOf(req) })
    const body: GeocodeResponse = { query: q.q, result: m!.result, candidates: m!.candidates }
    res.json(body)
  })

  router.post('/api/geocode/batch', async (req, res) => {
    const { outCrs } = parseInput(BatchQuerySchema, req.query, 'query')
    const { items } = parseInput(GeocodeBatchSchema, req.body, 'body')
    const out = await geocoder.geocode(items, { outCrs, scope: scopeOf(req), candidates: false })
    res.json({ results: out.map((m) => m.result) })
  })

  router.get('/api/reverse', async (req, res) => {
    const q = parseInput(ReverseQuerySchema, req.query, 'query')
    const [lng, lat] = toWgs84(q.lng, q.lat, q.crs)
    const r = await db.withScope(scopeOf(req), (tx) => reverseGeocode(tx, lng, lat))
    // Answer in the caller's system: the query point as given, the address converted back.
    const address = r.address ? { ...r.address, ...pointIn(r.address.lng, r.address.lat, q.crs) } : null
    res.json({ ...r, lng: q.lng, lat: q.lat, crs: q.crs, address })
  })

  return router
}

function pointIn(lng: number, lat: number, crs: z.infer<typeof CrsSchema>): { lng: number; lat: number } {
  const [x, y] = fromWgs84(lng, lat, crs)
  return { lng: Math.round(x * 1e7) / 1e7, lat: Math.round(y * 1e7) / 1e7 }
}
