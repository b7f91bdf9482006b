import { type Request, Router } from 'express'
import { z } from 'zod'

import { audit } from '../audit/log.ts'
import { allowed, authOf, roleOf, scopeOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { findCollection } from '../ogc/collections.ts'
import { type ItemFilter, resolveFilters } from '../ogc/features.ts'
import { closeStaleRuns, startHeartbeat } from '../ops/heartbeat.ts'
import { exportFileName } from './format.ts'
import { getHeld, heldKey, HOLD_BYTES, keepHeld, sendHeld, setFileHeaders } from './ranged.ts'
import { beatExport, finishExport, listExports, startExport } from './records.ts'
import { EXPORT_QUERY_KEYS, ExportListQuerySchema, ExportParamsSchema, ExportQuerySchema } from './schema.ts'
import { CONTENT_TYPE, type ExportOutcome, streamExport } from './stream.ts'

/** Query values as given, one string each (arrays from repeated parameters are refused). */
const RawValuesSchema = z.record(z.string(), z.string({ error: 'one value' }))

/**
 * The entries of `query` whose names are in `names`.
 * @example pick({ a: '1', b: '2' }, ['a']) // { a: '1' }
 */
function pick(query: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((n) => query[n] !== undefined).map((n) => [n, query[n]]))
}

/**
 * Data exports: GET /api/export/{layer}.geojson|csv (recorded; up to HOLD_BYTES sent as a file with
 * Content-Length and byte ranges, larger ones streamed), HEAD of the same (headers only, not
 * recorded) and GET /api/exports.
 */
export function exportRoutes(db: Db): Router {
  const router = Router()

  /** Everything a request for an export says, checked (400/403/404 before anything is recorded or sent). */
  async function prepare(req: Request) {
    const { layer, format } = parseInput(ExportParamsSchema, req.params, 'params')
    const def = findCollection(layer)
    if (!def) throw new HttpError(404, `no layer ${layer}; see /ogc/collections`)
    const filterNames = def.filters.map((f) => f.name)
    // from/to only where there is a time to filter; the rest of the map's filters as the layer has them.
    const allowedKeys = [...EXPORT_QUERY_KEYS.filter((k) => def.time || (k !== 'from' && k !== 'to')), ...filterNames]
    const unknown = Object.keys(req.query).filter((k) => !allowedKeys.includes(k))
    if (unknown.length > 0)
      throw new HttpError(400, `invalid query: ${layer} cannot be filtered by ${unknown.join(', ')} (allowed: ${allowedKeys.join(', ')})`)
    const q = parseInput(ExportQuerySchema, req.query, 'query')
    const given = parseInput(RawValuesSchema, pick(req.query, allowedKeys), 'query')
    const raw = pick(given, filterNames) as Record<string, string>
    // Resolved before anything is recorded or sent: an unknown category or area is a plain 400/404.
    const filters = await db.withScope(scopeOf(req), (tx) => resolveFilters(tx, def, raw))
    const filter: ItemFilter = {
      bbox: q.bbox ?? null,
      time: q.from || q.to ? { gte: q.from?.toISOString() ?? null, lt: q.to?.toISOString() ?? null, lte: null } : null,
      filters,
    }
    const fileName = exportFileName({ layer, format, area: raw.area, from: given.from, to: given.to, crs: q.crs })
    if (q.unmask && !allowed(req, 'pii')) throw new HttpError(403, 'invalid query: unmask: your role may not see personal data unmasked')
    // Town and grid staff export their own areas, always masked: their right to personal data is for
    // working cases in OneMap, not for files that leave it.
    if (q.unmask && scopeOf(req).areaCodes !== null)
      throw new HttpError(403, 'invalid query: unmask: exports of town and grid staff are always masked')
    const auth = authOf(req)!
    return { layer, format, def, filter, fileName, given, q, key: heldKey(auth.user, req.path, req.query as Record<string, unknown>) }
  }

  // HEAD: the headers a download would get, without running or recording one. The length is
  // known only for a file this caller fetched lately (held, see ./ranged.ts).
  router.head('/api/export/:file', async (req, res) => {
    const { format, fileName, key } = await prepare(req)
    const held = getHeld(key)
    if (held) setFileHeaders(res, held)
    else {
      res.setHeader('Content-Type', CONTENT_TYPE[format])
      res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`)
      res.setHeader('Cache-Control', 'no-store')
      res.setHeader('Accept-Ranges', 'none')
      res.setHeader('X-Export-Mode', 'streaming')
    }
    res.status(200).end()
  })

  router.get('/api/export/:file', async (req, res) => {
    const { layer, format, def, filter, fileName, given, q, key } = await prepare(req)
    const range = req.get('range')
    // A byte range of a file this caller fetched lately (GDAL's /vsicurl/ reads that way): part of
    // the download already recorded, served from what was sent then.
    const held = range ? getHeld(key) : undefined
    if (held) return sendHeld(res, held, range)
    const requestedBy = actorOf(req)
    const id = await db.withScope(scopeOf(req), (tx) =>
      startExport(tx, { requestedBy, layer, format, filters: given, crs: q.crs, fileName }),
    )
    let outcome: ExportOutcome
    // A download of the whole base takes minutes: marked alive meanwhile, so a server that dies mid-way leaves no 'running' row behind.
    const stopHeartbeat = startHeartbeat(() => db.withScope(scopeOf(req), (tx) => beatExport(tx, id)))
    try {
      outcome = await streamExport(
        db,
        scopeOf(req),
        { def, filter, format, crs: q.crs, fileName, unmasked: q.unmask, holdBytes: HOLD_BYTES, range },
        res,
      )
    } catch (err) {
      await db.withScope(scopeOf(req), (tx) =>
        finishExport(tx, id, { status: 'failed', rows: 0, bytes: 0, message: err instanceof Error ? err.message : String(err) }),
      )
      throw err
    } finally {
      stopHeartbeat()
    }
    if (outcome.body) keepHeld(key, { body: outcome.body, contentType: CONTENT_TYPE[format], fileName, rows: outcome.rows })
    const { body: _body, ...record } = outcome
    await db.withScope(scopeOf(req), (tx) => finishExport(tx, id, record))
    const areas = scopeOf(req).areaCodes
    await audit(db.sql, {
      actor: requestedBy,
      role: roleOf(req),
      action: 'export',
      target: `export:${id}`,
      ip: req.ip ?? null,
      details: {
        layer,
        format,
        fileName,
        filters: given,
        rows: outcome.rows,
        status: outcome.status,
        unmasked: q.unmask,
        ...(areas ? { areas } : {}),
      },
    })
  })

  router.get('/api/exports', async (req, res) => {
    const q = parseInput(ExportListQuerySchema, req.query, 'query')
    await closeStaleRuns(db.sql, 'exports')
    res.json(await db.withScope(scopeOf(req), (tx) => listExports(tx, q.limit, q.layer)))
  })

  return router
}
