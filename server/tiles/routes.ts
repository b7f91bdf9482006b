import { type Request, type Response, Router } from 'express'

import { scopeOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { fieldType, findLayer, type LayerDef, LAYERS } from './layers.ts'
import {
  H3QuerySchema,
  type H3Response,
  type LayerListResponse,
  type TileJson,
  TileJsonParamsSchema,
  TileParamsSchema,
  TileQuerySchema,
} from './schema.ts'
import { createTileService, type TileServiceOptions } from './service.ts'
import type { WarmupStatus } from './warmup.ts'

const MVT = 'application/vnd.mapbox-vector-tile'

/**
 * Registry layers for a list of names; an unknown name is a 404 naming the known ones.
 * @example resolveLayers(['towns', 'incidents']).map((l) => l.name) // ['towns', 'incidents']
 */
export function resolveLayers(names: readonly string[]): LayerDef[] {
  return names.map((n) => {
    const layer = findLayer(n)
    if (!layer) throw new HttpError(404, `unknown tile layer "${n}" (layers: ${LAYERS.map((l) => l.name).join(', ')})`)
    return layer
  })
}

/**
 * Whether an If-None-Match header names this ETag (weak or strong, or `*`).
 * @example etagMatches('W/"abc", "def"', '"def"') // true
 */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((t) => {
    const tag = t.trim()
    return tag === '*' || tag === etag || tag === `W/${etag}`
  })
}

/**
 * The filter part of a tile URL, kept from the request (only the known, validated parameters).
 * @example filterQueryString({ from: '2026-10-01', x: '1' }) // '?from=2026-10-01'
 */
function filterQueryString(query: Request['query']): string {
  const out = new URLSearchParams()
  for (const k of ['from', 'to', 'category', 'area']) {
    const v = query[k]
    if (typeof v === 'string') out.set(k, v)
  }
  const s = out.toString()
  return s ? `?${s}` : ''
}

/** The origin the client used (for absolute URLs in TileJSON). */
function origin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`
}

/**
 * Vector tiles.
 * - `GET /tiles`: the layers.
 * - `GET /tiles/{layer[,layer…]}.json`: TileJSON 3.0.0.
 * - `GET /tiles/{layer[,layer…]}/{z}/{x}/{y}.mvt[?from=&to=&category=&area=]`: an MVT tile (one MVT
 *   layer per registry layer part), with a strong ETag (answers 304 to If-None-Match), gzip when
 *   accepted, `X-Tile-Cache: hit|miss` and `X-Tile-Truncated` naming layers that hit the feature cap.
 * - `GET /api/tiles/warmup`: how far the start-up warm-up (TILE_WARMUP) is.
 * - `GET /api/h3?res=7..10[&bbox=&from=&to=&category=&area=]`: incident counts per H3 cell as
 *   JSON (the map's deck.gl hexagon, heatmap and cluster layers draw from it; one request for the
 *   view instead of a tile set).
 * @example const tiles = tileRoutes(db); app.use(tiles.router); onClose.push(tiles.close)
 */
export function tileRoutes(db: Db, opts: TileServiceOptions & { warmup?: boolean } = {}): { router: Router; close(): void } {
  const router = Router()
  const tiles = createTileService(db, opts)
  if (opts.warmup) void tiles.warmup()

  router.get('/tiles', (req, res) => {
    const body: LayerListResponse = {
      layers: LAYERS.map((l) => ({
        name: l.name,
        description: l.description,
        minzoom: l.minzoom,
        maxzoom: l.maxzoom,
        filters: l.filtered,
        vectorLayers: l.parts.map((p) => p.name),
        tilejson: `${origin(req)}/tiles/${l.name}.json`,
        tiles: `${origin(req)}/tiles/${l.name}/{z}/{x}/{y}.mvt`,
      })),
    }
    res.json(body)
  })

  router.get('/tiles/:layers.json', async (req, res) => {
    const { layers: names } = parseInput(TileJsonParamsSchema, req.params, 'params')
    const layers = resolveLayers(names)
    parseInput(TileQuerySchema, req.query, 'query')
    const box = await tiles.extent()
    const body: TileJson = {
      tilejson: '3.0.0',
      name: names.join(','),
      description: layers.map((l) => l.description).join('; '),
      tiles: [`${origin(req)}/tiles/${names.join(',')}/{z}/{x}/{y}.mvt${filterQueryString(req.query)}`],
      minzoom: Math.min(...layers.map((l) => l.minzoom)),
      maxzoom: Math.max(...layers.map((l) => l.maxzoom)),
      ...(box
        ? {
            bounds: [box[0], box[1], box[2], box[3]] as [number, number, number, number],
            center: [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2, 11] as [number, number, number],
          }
        : {}),
      vector_layers: layers.flatMap((l) =>
        l.parts.map((p) => ({ id: p.name, description: l.description, minzoom: l.minzoom, maxzoom: l.maxzoom, fields: p.fields })),
      ),
    }
    res.json(body)
  })

  // MBTiles metadata, which GDAL's MVT driver asks for first (`MVT:http://…/tiles/incidents`):
  // numbers as numbers, the zoom range and bounds as strings, the layers in `json`.
  router.get('/tiles/:layers/metadata.json', async (req, res) => {
    const { layers: names } = parseInput(TileJsonParamsSchema, req.params, 'params')
    const layers = resolveLayers(names)
    parseInput(TileQuerySchema, req.query, 'query')
    const box = await tiles.extent()
    const minzoom = Math.min(...layers.map((l) => l.minzoom))
    const maxzoom = Math.max(...layers.map((l) => l.maxzoom))
    const parts = layers.flatMap((l) => l.parts.map((p) => ({ l, p })))
    const json = {
      vector_layers: parts.map(({ l, p }) => ({
        id: p.name,
        description: l.description,
        minzoom: l.minzoom,
        maxzoom: l.maxzoom,
        fields: Object.fromEntries(Object.keys(p.fields).map((f) => [f, fieldType(f)])),
      })),
      tilestats: {
        layerCount: parts.length,
        layers: parts.map(({ p }) => ({
          layer: p.name,
          geometry: p.geometry === 'polygon' ? 'Polygon' : 'Point',
          attributeCount: Object.keys(p.fields).length,
          attributes: Object.keys(p.fields).map((f) => ({ attribute: f, type: fieldType(f).toLowerCase() })),
        })),
      },
    }
    res.json({
      name: names.join(','),
      description: layers.map((l) => l.description).join('; '),
      format: 'pbf',
      type: 'overlay',
      version: '2',
      minzoom: String(minzoom),
      maxzoom: String(maxzoom),
      ...(box
        ? { bounds: box.join(','), center: `${(box[0] + box[2]) / 2},${(box[1] + box[3]) / 2},${Math.max(minzoom, Math.min(11, maxzoom))}` }
        : {}),
      json: JSON.stringify(json),
    })
  })

  router.get('/api/tiles/warmup', (_req, res) => {
    const body: WarmupStatus = tiles.warmupStatus()
    res.set('Cache-Control', 'no-store').json(body)
  })

  router.get('/api/h3', async (req, res) => {
    const q = parseInput(H3QuerySchema, req.query, 'query')
    const body: H3Response = await tiles.cells(q, scopeOf(req))
    res.json(body)
  })

  // `.pbf` too: the extension GDAL's MVT driver asks for unless told otherwise.
  const sendTile = async (req: Request, res: Response) => {
    const p = parseInput(TileParamsSchema, req.params, 'params')
    const layers = resolveLayers(p.layers)
    const q = parseInput(TileQuerySchema, req.query, 'query')
    const started = performance.now()
    const tile = await tiles.getTile(layers, { z: p.z, x: p.x, y: p.y }, q, scopeOf(req))
    res.set({
      // What the tile took here (cache lookup, or rendering): browsers' network panels show it,
      // and bench:tiles tells the server's share from the connection's.
      'Server-Timing': `tile;desc=${tile.cache};dur=${(performance.now() - started).toFixed(2)}`,
      'Content-Type': MVT,
      ETag: tile.etag,
      // Revalidate every time: the data changes, and a 304 costs only a cache lookup.
      'Cache-Control': 'no-cache',
      Vary: 'Accept-Encoding',
      'X-Tile-Cache': tile.cache,
    })
    if (tile.truncated.length > 0) res.set('X-Tile-Truncated', tile.truncated.join(','))
    if (etagMatches(req.get('If-None-Match'), tile.etag)) {
      res.status(304).end()
      return
    }
    if (tile.gzip && req.acceptsEncodings('gzip') === 'gzip') {
      res.set('Content-Encoding', 'gzip')
      res.send(Buffer.from(tile.gzip.buffer, tile.gzip.byteOffset, tile.gzip.byteLength))
      return
    }
    res.send(Buffer.from(tile.bytes.buffer, tile.bytes.byteOffset, tile.bytes.byteLength))
  }
  router.get('/tiles/:layers/:z/:x/:y.mvt', sendTile)
  router.get('/tiles/:layers/:z/:x/:y.pbf', sendTile)

  return { router, close: () => tiles.close() }
}
