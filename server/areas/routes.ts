import { Router } from 'express'
import { z } from 'zod'

import { scopeOf } from '../auth/context.ts'
import type { Config } from '../config.ts'
import type { Db } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { readProfile } from '../profile/store.ts'
import { areaDetail, boundariesGeoJson, districtSummary, scopeSummary } from './queries.ts'
import { AreaCodeSchema, BoundaryParamsSchema, BoundaryQuerySchema, type WebConfig } from './schema.ts'

const GEOJSON = 'application/geo+json; charset=utf-8'

export function areaRoutes(db: Db, config: Config): Router {
  const router = Router()

  router.get('/api/boundaries/:level.geojson', async (req, res) => {
    const { level } = parseInput(BoundaryParamsSchema, req.params, 'params')
    const { within } = parseInput(BoundaryQuerySchema, req.query, 'query')
    const body = await db.withScope(scopeOf(req), (tx) => boundariesGeoJson(tx, level, 'polygon', within))
    res.type(GEOJSON).send(body)
  })

  router.get('/api/boundaries/:level/labels.geojson', async (req, res) => {
    const { level } = parseInput(BoundaryParamsSchema, req.params, 'params')
    const { within } = parseInput(BoundaryQuerySchema, req.query, 'query')
    const body = await db.withScope(scopeOf(req), (tx) => boundariesGeoJson(tx, level, 'label', within))
    res.type(GEOJSON).send(body)
  })

  router.get('/api/areas/:code', async (req, res) => {
    const { code } = parseInput(z.object({ code: AreaCodeSchema }), req.params, 'params')
    const area = await db.withScope(scopeOf(req), (tx) => areaDetail(tx, code))
    if (!area) throw new HttpError(404, `no area with code ${code}`)
    res.json(area)
  })

  router.get('/api/config', async (req, res) => {
    const scope = scopeOf(req)
    const [district, profile, mine] = await db.withScope(scope, (tx) =>
      Promise.all([districtSummary(tx), readProfile(tx), scope.areaCodes === null ? null : scopeSummary(tx, scope.areaCodes)]),
    )
    const body: WebConfig = {
      basemapTileUrl: config.BASEMAP_TILE_URL ?? null,
      // The profile's name and code when set by hand, the district area's otherwise.
      district: district ? { ...district, code: profile.code ?? district.code, name: profile.name ?? district.name } : null,
      home: profile.setByHand.includes('home') ? profile.home : null,
      timeZone: profile.timeZone,
      scope: mine,
    }
    res.json(body)
  })

  return router
}
