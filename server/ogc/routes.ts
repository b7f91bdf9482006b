import { type Request, type Response, Router } from 'express'
import { z } from 'zod'

import { allowed, scopeOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { type CollectionDef, COLLECTIONS, findCollection, KEY_SCHEMAS, type PropertyDef } from './collections.ts'
import { collectionDoc, CONFORMANCE, featureSchema, landingPage, MEDIA, openApi, queryables } from './documents.ts'
import { collectionExtent, countItems, getItem, maskPersonal, pageItems, resolveFilters } from './features.ts'
import {
  CRS84_URI,
  CrsSchema,
  type CrsUri,
  CursorSchema,
  DatetimeSchema,
  encodeKey,
  FormatSchema,
  latFirst,
  LimitSchema,
  nextLimit,
  OgcBboxSchema,
  splitList,
  swapAxes,
} from './params.ts'

/** Query of the documents other than items: only `f`. */
const DocQuerySchema = z.object({ f: FormatSchema }).strict()

/**
 * Every collection's filter parameter names. QGIS before 3.28 pushes an equality filter to the
 * server only by the data source URL (`url='…/ogc?category=0201'`), and then sends those
 * parameters with every request it makes: the landing page, the API, the collection and the
 * items. The documents ignore them, so that recipe works; anything else is still a 400.
 */
const FILTER_NAMES = new Set(COLLECTIONS.flatMap((c) => c.filters.map((f) => f.name)))

/**
 * The query without the filter parameters a client carries in its base URL (see FILTER_NAMES).
 * @example withoutBaseFilters({ f: 'json', category: '0201' }) // { f: 'json' }
 */
function withoutBaseFilters(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([k]) => !FILTER_NAMES.has(k)))
}

/** Parses the query of a document other than items (`f` only, base-URL filters ignored). */
function docQuery(req: Request) {
  return parseInput(DocQuerySchema, withoutBaseFilters(req.query), 'query')
}

/** `/collections/{id}/items` query, besides the collection's own filters (checked separately). */
const ItemsQuerySchema = z.object({
  limit: LimitSchema,
  bbox: OgcBboxSchema.optional(),
  datetime: DatetimeSchema.optional(),
  properties: z.string().optional(),
  cursor: CursorSchema.optional(),
  crs: CrsSchema.optional(),
  'bbox-crs': CrsSchema.optional(),
  f: FormatSchema,
})
const ITEMS_KEYS = Object.keys(ItemsQuerySchema.shape)

/** `/collections/{id}/items/{fid}` query. */
const ItemQuerySchema = z.object({ properties: z.string().optional(), crs: CrsSchema.optional(), f: FormatSchema }).strict()

/**
 * The query with `bbox` put in CRS84 order when `bbox-crs` is latitude first (its numbers are
 * minLat,minLon,maxLat,maxLon there).
 * @example lonLatBbox({ bbox: '30,120,31,121', 'bbox-crs': CGCS2000_URI }).bbox // '120,30,121,31'
 */
function lonLatBbox(query: Record<string, unknown>): Record<string, unknown> {
  const crs = typeof query['bbox-crs'] === 'string' ? CrsSchema.safeParse(query['bbox-crs']) : null
  if (!crs?.success || !latFirst(crs.data) || typeof query.bbox !== 'string') return query
  const n = query.bbox.split(',')
  const order = n.length === 6 ? [1, 0, 2, 4, 3, 5] : n.length === 4 ? [1, 0, 3, 2] : null
  return order ? { ...query, bbox: order.map((i) => n[i]).join(',') } : query
}

/**
 * Features in the asked CRS: lat/lon order swapped for a latitude-first CRS (in place).
 * @example inCrs([feature], CGCS2000_URI)[0].geometry.coordinates // [lat, lon]
 */
function inCrs<F extends { geometry: { type: string } | null }>(features: F[], crs: CrsUri): F[] {
  if (latFirst(crs)) for (const f of features) if (f.geometry) swapAxes(f.geometry)
  return features
}

/** A collection's extra filter values: each a single string. */
const FilterValuesSchema = z.record(z.string(), z.string({ error: 'one value' }))

/**
 * The absolute URL of /ogc for links, from the request (behind a proxy, the Host it was sent to).
 * @example baseUrl(req) // 'http://127.0.0.1:8080/ogc'
 */
function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/ogc`
}

/**
 * The registered collection named in the path, or 404.
 * @example collectionOr404('incidents').id // 'incidents'
 */
function collectionOr404(id: unknown): CollectionDef {
  const def = typeof id === 'string' ? findCollection(id) : undefined
  if (!def) throw new HttpError(404, `no collection ${String(id)}; see /ogc/collections`)
  return def
}

/**
 * The properties chosen with `properties=` (all when absent, none when empty); unknown names are a 400.
 * @example chosenProperties(incidents, 'category,reportedAt').map((p) => p.name) // ['reportedAt', 'category']
 */
function chosenProperties(def: CollectionDef, list: string | undefined): PropertyDef[] {
  if (list === undefined) return def.properties
  const names = splitList(list)
  const unknown = names.filter((n) => !def.properties.some((p) => p.name === n))
  if (unknown.length > 0) {
    throw new HttpError(
      400,
      `invalid query: query.properties: unknown ${unknown.join(', ')} (known: ${def.properties.map((p) => p.name).join(', ')})`,
    )
  }
  return def.properties.filter((p) => names.includes(p.name))
}

/**
 * Refuses query parameters the API does not define (Part 1 /req/core/query-param-unknown).
 * @example rejectUnknown({ limit: '5', foo: '1' }, ['limit']) // throws HttpError 400
 */
function rejectUnknown(query: object, allowed: readonly string[]): void {
  const unknown = Object.keys(query).filter((k) => !allowed.includes(k))
  if (unknown.length > 0)
    throw new HttpError(400, `invalid query: unknown parameter ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`)
}

/**
 * This request's URL with `cursor` set and `limit` at least the default (nextLimit): the `next`
 * link keeps every other parameter as given.
 * @example nextUrl(req, 'NDI', 1000) // 'http://…/ogc/collections/incidents/items?limit=1000&cursor=NDI'
 */
function nextUrl(req: Request, cursor: string, limit: number): string {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host') ?? 'localhost'}`)
  url.searchParams.set('cursor', cursor)
  url.searchParams.set('limit', String(nextLimit(limit)))
  return url.toString()
}

/**
 * Sends a JSON document with its media type.
 * @example send(res, MEDIA.geojson, feature)
 */
function send(res: Response, type: string, body: unknown): void {
  res.type(type).send(JSON.stringify(body))
}

/** OGC API – Features (Part 1 core + GeoJSON + OpenAPI 3.0, Part 3 queryables) under /ogc. */
export function ogcRoutes(db: Db): Router {
  const router = Router()

  router.get('/ogc', (req, res) => {
    docQuery(req)
    send(res, MEDIA.json, landingPage(baseUrl(req)))
  })

  router.get('/ogc/conformance', (req, res) => {
    docQuery(req)
    send(res, MEDIA.json, { conformsTo: CONFORMANCE })
  })

  router.get('/ogc/api', (req, res) => {
    docQuery(req)
    send(res, MEDIA.openapi, openApi(baseUrl(req), COLLECTIONS))
  })

  router.get('/ogc/collections', async (req, res) => {
    docQuery(req)
    const base = baseUrl(req)
    const collections = await db.withScope(scopeOf(req), async (tx) => {
      const docs = []
      for (const def of COLLECTIONS) docs.push(collectionDoc(base, def, await collectionExtent(tx, def)))
      return docs
    })
    send(res, MEDIA.json, {
      links: [{ href: `${base}/collections`, rel: 'self', type: MEDIA.json, title: 'This document' }],
      collections,
    })
  })

  router.get('/ogc/collections/:id', async (req, res) => {
    const def = collectionOr404(req.params.id)
    docQuery(req)
    const extent = await db.withScope(scopeOf(req), (tx) => collectionExtent(tx, def))
    send(res, MEDIA.json, collectionDoc(baseUrl(req), def, extent))
  })

  router.get('/ogc/collections/:id/queryables', (req, res) => {
    const def = collectionOr404(req.params.id)
    docQuery(req)
    send(res, MEDIA.schema, queryables(baseUrl(req), def))
  })

  router.get('/ogc/collections/:id/schema', (req, res) => {
    const def = collectionOr404(req.params.id)
    docQuery(req)
    send(res, MEDIA.schema, featureSchema(baseUrl(req), def))
  })

  router.get('/ogc/collections/:id/items', async (req, res) => {
    const def = collectionOr404(req.params.id)
    const filterNames = def.filters.map((f) => f.name)
    rejectUnknown(req.query, [...ITEMS_KEYS, ...filterNames])
    const q = parseInput(ItemsQuerySchema, lonLatBbox(req.query), 'query')
    const crs = q.crs ?? CRS84_URI
    const raw = parseInput(
      FilterValuesSchema,
      Object.fromEntries(filterNames.filter((n) => n in req.query).map((n) => [n, req.query[n]])),
      'query',
    )
    const props = chosenProperties(def, q.properties)
    const after = q.cursor ?? null
    if (after !== null && !KEY_SCHEMAS[def.key.type].safeParse(after).success)
      throw new HttpError(400, 'invalid query: query.cursor: not a cursor of this collection')
    const body = await db.withScope(scopeOf(req), async (tx) => {
      const filter = { bbox: q.bbox ?? null, time: q.datetime ?? null, filters: await resolveFilters(tx, def, raw) }
      // Both in one transaction: numberMatched counts the same snapshot the page comes from. Only
      // the first page counts: a client walking `next` links has the count already, and counting
      // every page of the demo incidents again was a third of a full download's time.
      const page = await pageItems(tx, def, filter, q.limit, after, props)
      const numberMatched = after === null ? await countItems(tx, def, filter) : undefined
      return { page, numberMatched }
    })
    const base = baseUrl(req)
    const links = [
      { href: new URL(req.originalUrl, base).toString(), rel: 'self', type: MEDIA.geojson, title: 'This page' },
      { href: `${base}/collections/${def.id}`, rel: 'collection', type: MEDIA.json, title: def.title },
      ...(body.page.nextKey !== null
        ? [{ href: nextUrl(req, encodeKey(body.page.nextKey), q.limit), rel: 'next', type: MEDIA.geojson, title: 'Next page' }]
        : []),
    ]
    res.set('Content-Crs', `<${crs}>`)
    send(res, MEDIA.geojson, {
      type: 'FeatureCollection',
      ...(body.numberMatched !== undefined ? { numberMatched: body.numberMatched } : {}),
      numberReturned: body.page.features.length,
      timeStamp: new Date().toISOString(),
      links,
      features: inCrs(allowed(req, 'pii') ? body.page.features : maskPersonal(def, body.page.features), crs),
    })
  })

  router.get('/ogc/collections/:id/items/:fid', async (req, res) => {
    const def = collectionOr404(req.params.id)
    const q = parseInput(ItemQuerySchema, withoutBaseFilters(req.query), 'query')
    const props = chosenProperties(def, q.properties)
    const fid = KEY_SCHEMAS[def.key.type].safeParse(req.params.fid)
    const feature = fid.success ? await db.withScope(scopeOf(req), (tx) => getItem(tx, def, fid.data, props)) : null
    if (!feature) throw new HttpError(404, `no feature ${String(req.params.fid)} in ${def.id}`)
    if (!allowed(req, 'pii')) maskPersonal(def, [feature])
    const crs = q.crs ?? CRS84_URI
    inCrs([feature], crs)
    res.set('Content-Crs', `<${crs}>`)
    const base = baseUrl(req)
    send(res, MEDIA.geojson, {
      ...feature,
      links: [
        {
          href: `${base}/collections/${def.id}/items/${encodeURIComponent(String(feature.id))}`,
          rel: 'self',
          type: MEDIA.geojson,
          title: 'This feature',
        },
        { href: `${base}/collections/${def.id}`, rel: 'collection', type: MEDIA.json, title: def.title },
      ],
    })
  })

  return router
}
