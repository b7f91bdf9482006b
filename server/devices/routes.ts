import { type Request, Router } from 'express'

import { scopeOf } from '../auth/context.ts'
import type { Db, Queryable } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { resolveRecordId } from '../shared/placed.ts'
import { findArea } from '../stats/queries.ts'
import { DeviceEventQuerySchema, DeviceListQuerySchema, DeviceParamsSchema } from './schema.ts'
import { deviceEvents, getDevice, listDevices } from './store.ts'

const GEOJSON = 'application/geo+json; charset=utf-8'

export interface DeviceRouteOptions {
  /** The clock `alerting` and the latest event are judged by (tests fix it). */
  now?: () => Date
}

/**
 * IoT devices over HTTP, in the caller's scope (`{id}` is the numeric id or the source's device_id;
 * outside the scope, 404 as for none):
 * - `GET /api/devices?area=&kind=&alerting=true&limit=&cursor=`: GeoJSON with each device's latest event, newest first;
 * - `GET /api/devices/{id}`: one device;
 * - `GET /api/devices/{id}/events?from=&to=&kind=&limit=&cursor=`: its events, newest first, keyset `next`.
 * @example app.use(deviceRoutes(db))
 */
export function deviceRoutes(db: Db, opts: DeviceRouteOptions = {}): Router {
  const router = Router()
  const now = opts.now ?? (() => new Date())
  const idOf = async (tx: Queryable, req: Request): Promise<string> => {
    const { id } = parseInput(DeviceParamsSchema, req.params, 'params')
    const found = await resolveRecordId(tx, 'devices', id)
    if (!found) throw new HttpError(404, `no device ${id}`)
    return found
  }

  router.get('/api/devices', async (req, res) => {
    const q = parseInput(DeviceListQuerySchema, req.query, 'query')
    const page = await db.withScope(scopeOf(req), async (tx) => {
      const area = q.area ? await findArea(tx, q.area) : null
      return listDevices(tx, { ...q, area }, now(), q.limit, q.cursor ?? null)
    })
    res.type(GEOJSON).send(JSON.stringify(page))
  })

  router.get('/api/devices/:id', async (req, res) => {
    const feature = await db.withScope(scopeOf(req), async (tx) => getDevice(tx, await idOf(tx, req), now()))
    if (!feature) throw new HttpError(404, `no device ${req.params.id}`)
    res.type(GEOJSON).send(JSON.stringify(feature))
  })

  router.get('/api/devices/:id/events', async (req, res) => {
    const q = parseInput(DeviceEventQuerySchema, req.query, 'query')
    const page = await db.withScope(scopeOf(req), async (tx) => {
      const id = await idOf(tx, req)
      const [d] = await tx<{ device_id: string }[]>`SELECT device_id FROM devices WHERE id = ${id}::bigint`
      return deviceEvents(tx, id, d!.device_id, q, q.limit, q.cursor ?? null)
    })
    res.json(page)
  })

  return router
}
