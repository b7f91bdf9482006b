/**
 * The tile service: resolves filters, serves from the cache or renders, and keeps the cache
 * fresh (freshness.ts decides when; this module decides which tiles a change touches).
 */
import { promisify } from 'node:util'
import zlib from 'node:zlib'

import type { ISql } from 'postgres'

import { expandCategoryCodes } from '../categories/queries.ts'
import { type Db, type Scope, SYSTEM_SCOPE } from '../db/index.ts'
import { recordTileCache } from '../ops/metrics.ts'
import { Invalid } from '../shared/errors.ts'
import { addDays, DAY_MS, dayStart, SHANGHAI_OFFSET_MS, shanghaiDay } from '../shared/time.ts'
import { type CachedTile, etagOf, TileCache } from './cache.ts'
import { Freshness } from './freshness.ts'
import { cellCounts, findLayer, type LayerContext, type LayerDef, LAYERS, type TileArea, type TileFilter } from './layers.ts'
import { PAGE_TILE_SETS } from './page-sources.ts'
import { type Encoder, renderPart } from './render.ts'
import { H3_MAX_CELLS, type H3Query, type H3Response, type TileQuery } from './schema.ts'
import { type Box, intersectBoxes, type TileId } from './tile-math.ts'
import { startWarmup, type WarmupStatus } from './warmup.ts'

const gzip = promisify(zlib.gzip)

export interface TileServiceOptions {
  /** Most features per MVT layer of one tile (default 5,000). */
  cap?: number
  /** Cache budget in bytes (default 256 MB). */
  cacheBytes?: number
  /** Longest time a change made by another process may stay unseen (default 200 ms). */
  freshnessMs?: number
  /** Force an encoder (default: ST_AsMVT where the database has it). */
  encoder?: Encoder
}

export interface TileResponse extends CachedTile {
  cache: 'hit' | 'miss'
}

/**
 * The Shanghai day a Shanghai midnight starts, or null for any other instant.
 * @example midnightDay(new Date('2026-10-01T00:00:00+08:00')) // '2026-10-01'
 */
export function midnightDay(d: Date): string | null {
  const local = d.getTime() + SHANGHAI_OFFSET_MS
  return local % DAY_MS === 0 ? new Date(local).toISOString().slice(0, 10) : null
}

/**
 * Splits [from, to) into the whole Shanghai days inside it and the part-day ranges at its ends.
 * @example splitPeriod(new Date('2026-10-01T12:00:00+08:00'), new Date('2026-10-04T00:00:00+08:00')) // { days: { from: '2026-10-02', to: '2026-10-04' }, edges: [[10-01 12:00, 10-02 00:00]] }
 */
export function splitPeriod(from: Date, to: Date): Pick<TileFilter, 'days' | 'edges'> {
  if (from >= to) return { days: null, edges: [] }
  const local = (d: Date) => d.getTime() + SHANGHAI_OFFSET_MS
  const firstMidnight = Math.ceil(local(from) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS
  const lastMidnight = Math.floor(local(to) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS
  if (firstMidnight >= lastMidnight) return { days: null, edges: [[from, to]] }
  const edges: [Date, Date][] = []
  if (from.getTime() < firstMidnight) edges.push([from, new Date(firstMidnight)])
  if (lastMidnight < to.getTime()) edges.push([new Date(lastMidnight), to])
  return { days: { from: midnightDay(new Date(firstMidnight))!, to: midnightDay(new Date(lastMidnight))! }, edges }
}

/**
 * The period of a tile request: as given, else the last 30 days up to and including today
 * (Shanghai), like the stats API. Day-aligned by default, so the cache key changes once a day.
 * @example resolveTilePeriod({}, new Date('2026-11-01T04:00:00Z')) // { from: 2026-10-03T00:00+08:00, to: 2026-11-02T00:00+08:00 }
 */
export function resolveTilePeriod(q: TileQuery, now: Date = new Date()): { from: Date; to: Date } {
  const to = q.to ?? dayStart(addDays(shanghaiDay(now), 1))
  const from = q.from ?? new Date(to.getTime() - 30 * DAY_MS)
  return { from, to }
}

/**
 * The cache key of a response: layers, tile and (for filtered layers) the filter as given
 * (categories sorted; expansion to items happens when rendering; an area code last, when given).
 * @example cacheKey(['towns'], { z: 8, x: 213, y: 107 }, true, period, ['02', '0101']) // 'towns/8/213/107?2026-…|2026-…|0101,02'
 */
export function cacheKey(
  layers: readonly string[],
  t: TileId,
  filtered: boolean,
  period: { from: Date; to: Date },
  category: readonly string[] | undefined,
  area?: string,
): string {
  const base = `${layers.join(',')}/${t.z}/${t.x}/${t.y}`
  if (!filtered) return base
  return `${base}?${period.from.toISOString()}|${period.to.toISOString()}|${category ? [...new Set(category)].sort().join(',') : '*'}${area ? `|${area}` : ''}`
}

export interface TileService {
  encoder: Encoder
  cap: number
  /** In the caller's scope (default: the whole district); scoped tiles are cached apart. */
  getTile(layers: readonly LayerDef[], tile: TileId, q: TileQuery, scope?: Scope): Promise<TileResponse>
  /** Renders without the cache, with a chosen encoder (tests compare encoders; the bench times it). */
  render(
    layers: readonly LayerDef[],
    tile: TileId,
    q: TileQuery,
    encoder: Encoder,
    scope?: Scope,
  ): Promise<{ bytes: Uint8Array; truncated: string[] }>
  /** The WGS84 box of the data (TileJSON bounds). */
  extent(): Promise<Box | null>
  /** Incident counts per H3 cell in a box (default the district), for `GET /api/h3`. */
  cells(q: H3Query, scope?: Scope): Promise<H3Response>
  /** Renders the tiles our pages open with into the cache (warmup.ts); once, in the background. */
  warmup(): Promise<void>
  warmupStatus(): WarmupStatus
  cacheSize(): number
  close(): void
}

/**
 * Creates the tile service of a database.
 * @example const tiles = createTileService(db); await tiles.getTile([findLayer('towns')!], { z: 10, x: 857, y: 418 }, {})
 */
export function createTileService(db: Db, opts: TileServiceOptions = {}): TileService {
  const cap = opts.cap ?? 5_000
  const encoder: Encoder = opts.encoder ?? (db.capabilities.asMvt ? 'postgis' : 'js')
  const cache = new TileCache(opts.cacheBytes ?? 256 * 1024 * 1024)
  let extentMemo: { base: string | null; box: Promise<Box | null> } | null = null
  let areaBoxes: { base: string | null; boxes: Promise<Map<string, Box>> } | null = null

  const freshness = new Freshness(
    db.sql,
    {
      baseChanged: () => {
        extentMemo = null
        areaBoxes = null
        cache.clear()
      },
      incidentsChangedEverywhere: () => {
        cache.dropLayers(new Set(LAYERS.filter((l) => l.footprint).map((l) => l.name)))
      },
      tablesChanged: (tables) => {
        cache.dropLayers(new Set(LAYERS.filter((l) => l.changesWith?.some((t) => tables.includes(t))).map((l) => l.name)))
      },
      incidentsChanged: async (changes) => {
        const boxes = await loadAreaBoxes()
        // Many changes share a cell or an area: drop each (layer, zoom, box) once.
        const done = new Set<string>()
        for (const z of cache.zooms()) {
          for (const c of changes) {
            for (const layer of LAYERS) {
              for (const box of layer.footprint?.(c, z, boxes) ?? []) {
                const k = `${layer.name}/${z}/${box.join(',')}`
                if (done.has(k)) continue
                done.add(k)
                cache.dropArea(layer.name, z, box)
              }
            }
          }
        }
      },
    },
    opts.freshnessMs ?? 200,
  )

  /** Bounding boxes of every area by code (to drop area tiles whose counts a change moved). */
  function loadAreaBoxes(): Promise<Map<string, Box>> {
    if (!areaBoxes || areaBoxes.base !== freshness.baseVersion) {
      const boxes = db.sql<{ code: string; x0: number; y0: number; x1: number; y1: number }[]>`
        SELECT code, ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, ST_XMax(geom) AS x1, ST_YMax(geom) AS y1 FROM admin_areas`.then(
        (rows) => new Map(rows.map((r) => [r.code, [r.x0, r.y0, r.x1, r.y1] as Box])),
      )
      areaBoxes = { base: freshness.baseVersion, boxes }
    }
    return areaBoxes.boxes
  }

  function extent(): Promise<Box | null> {
    if (!extentMemo || extentMemo.base !== freshness.baseVersion) {
      const box = db.sql<{ x0: number | null; y0: number; x1: number; y1: number }[]>`
        SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1
        FROM (SELECT ST_Extent(geom)::geometry AS e FROM admin_areas) s`.then(([r]) =>
        r && r.x0 !== null ? ([r.x0, r.y0, r.x1, r.y1] as Box) : null,
      )
      extentMemo = { base: freshness.baseVersion, box }
    }
    return extentMemo.box
  }

  /** Levels of areas by code, looked up once per base version (an area filter names one). */
  let areaLevels: { base: string | null; levels: Map<string, Promise<TileArea['level'] | 'district' | null>> } | null = null

  /**
   * The area filter of a request: null for none or the district; a 400 for a code that names no area.
   * @example await resolveArea('330109001') // { level: 'town', code: '330109001' }
   */
  async function resolveArea(code: string | undefined): Promise<TileArea | null> {
    if (!code) return null
    if (!areaLevels || areaLevels.base !== freshness.baseVersion) areaLevels = { base: freshness.baseVersion, levels: new Map() }
    let level = areaLevels.levels.get(code)
    if (!level) {
      level = db.sql<{ level: TileArea['level'] | 'district' }[]>`SELECT level FROM admin_areas WHERE code = ${code}`.then(
        ([r]) => r?.level ?? null,
      )
      areaLevels.levels.set(code, level)
    }
    const found = await level
    if (found === null) {
      areaLevels.levels.delete(code)
      throw new Invalid(`query.area: unknown area ${code}`, [{ where: 'query.area', message: `unknown area ${code}` }])
    }
    return found === 'district' ? null : { level: found, code }
  }

  /** The filters of a request, resolved: period split into days and edges, category items, area. */
  async function resolveFilter(q: TileQuery, scope: Scope): Promise<TileFilter> {
    const period = resolveTilePeriod(q)
    // Categories need the catalogue (a 400 for unknown codes); only filtered requests pay for it.
    const [items, area] = await Promise.all([
      q.category ? db.withScope(SYSTEM_SCOPE, (tx) => expandCategoryCodes(tx, q.category!, 'query.category')) : null,
      resolveArea(q.area),
    ])
    return { ...period, items, ...splitPeriod(period.from, period.to), area, rawCells: scope.areaCodes !== null }
  }

  /**
   * Runs tile queries as the caller: district-wide straight on the pool (parts side by side: a
   * transaction's BEGIN/set_config/COMMIT alone cost ~0.6 ms, a third of a small tile); a scoped
   * caller in a transaction as the row-level-security role (migrations/019), so a town officer's
   * tiles hold their town only, whatever the layer's query says.
   */
  function asCaller<T>(scope: Scope, fn: (sql: ISql) => Promise<T>): Promise<T> {
    return scope.areaCodes === null ? fn(db.sql) : db.withScope(scope, (tx) => fn(tx))
  }

  async function render(
    layers: readonly LayerDef[],
    tile: TileId,
    q: TileQuery,
    enc: Encoder,
    scope: Scope = SYSTEM_SCOPE,
  ): Promise<{ bytes: Uint8Array; truncated: string[] }> {
    const box = await extent()
    const filter = await resolveFilter(q, scope)
    const ctx: LayerContext = { tile, filter, cap, extent: box, scoped: scope.areaCodes !== null }
    // One read-only statement per part, in the caller's scope.
    const parts = layers.filter((l) => tile.z >= l.minzoom).flatMap((l) => l.parts)
    const rendered = await asCaller(scope, (sql) => Promise.all(parts.map((part) => renderPart(sql, part, ctx, enc))))
    // Protobuf messages concatenate: the layers of several MVT tiles make one tile.
    return { bytes: Buffer.concat(rendered.map((r) => r.bytes)), truncated: rendered.filter((r) => r.truncated).map((r) => r.name) }
  }

  async function cells(q: H3Query, scope: Scope = SYSTEM_SCOPE): Promise<H3Response> {
    const [district, filter] = await Promise.all([extent(), resolveFilter(q, scope)])
    const box = district && (q.bbox ? intersectBoxes(q.bbox, district) : district)
    // One more than the cap tells whether there were more.
    const counts = box ? await asCaller(scope, (sql) => cellCounts(sql, box, q.res, filter, H3_MAX_CELLS + 1)) : []
    return {
      res: q.res,
      from: filter.from.toISOString(),
      to: filter.to.toISOString(),
      area: filter.area?.code ?? null,
      cells: counts.slice(0, H3_MAX_CELLS).map((c) => ({ h3: BigInt(c.cell).toString(16), count: c.n })),
      truncated: counts.length > H3_MAX_CELLS,
    }
  }

  /** Entries whose gzip is being made (one at a time per entry). */
  const compressing = new WeakSet<CachedTile>()

  /** Gzips a cached tile off the request path; later answers carry it (tiles of 512 bytes or less stay plain). */
  function compressLater(key: string, entry: CachedTile): void {
    if (entry.gzip || entry.bytes.length <= 512 || compressing.has(entry)) return
    compressing.add(entry)
    gzip(entry.bytes, { level: 6 }).then(
      (z) => cache.attachGzip(key, entry, new Uint8Array(z)),
      () => undefined,
    )
  }

  /**
   * A tile from the cache, or rendered and cached. Its gzip is made when it is asked for again
   * (`eagerGzip`: at once, for the warm-up): most tiles a user pans past are asked for once, and
   * a gzip of each would compete for the CPU with the next tiles' rendering.
   */
  async function fetchTile(
    layers: readonly LayerDef[],
    tile: TileId,
    q: TileQuery,
    scope: Scope,
    eagerGzip: boolean,
  ): Promise<TileResponse> {
    await freshness.ensure()
    const names = layers.map((l) => l.name)
    // A scoped caller's tiles differ from the district's: cached under their areas.
    const scoped = scope.areaCodes === null ? '' : `@${[...scope.areaCodes].sort().join(',')}|`
    const key =
      scoped +
      cacheKey(
        names,
        tile,
        layers.some((l) => l.filtered),
        resolveTilePeriod(q),
        q.category,
        q.area,
      )
    const hit = cache.get(key)
    recordTileCache(hit !== undefined)
    if (hit) {
      compressLater(key, hit)
      return { ...hit, cache: 'hit' }
    }
    const epoch = cache.epoch
    const { bytes, truncated } = await render(layers, tile, q, encoder, scope)
    const entry: CachedTile = { tile, layers: names, bytes, gzip: null, etag: etagOf(bytes), truncated }
    if (cache.set(key, entry, epoch) && eagerGzip) compressLater(key, entry)
    return { ...entry, cache: 'miss' }
  }

  function getTile(layers: readonly LayerDef[], tile: TileId, q: TileQuery, scope: Scope = SYSTEM_SCOPE): Promise<TileResponse> {
    return fetchTile(layers, tile, q, scope, false)
  }

  let warm: ReturnType<typeof startWarmup> | null = null

  return {
    encoder,
    cap,
    render,
    extent,
    cells,
    getTile,
    warmup() {
      warm ??= startWarmup(
        {
          extent,
          tile: async (names, t) => {
            // Gzipped now: the pages these tiles are for ask for them on first load, over the LAN.
            await fetchTile(
              names
                .split(',')
                .map(findLayer)
                .filter((l): l is LayerDef => l !== undefined),
              t,
              {},
              SYSTEM_SCOPE,
              true,
            )
          },
          cells: async (res) => {
            await cells({ res })
          },
        },
        PAGE_TILE_SETS,
      )
      return warm.done
    },
    warmupStatus: () => warm?.status() ?? { state: 'off', tiles: 0, total: 0, startedAt: null, ms: null, error: null },
    cacheSize: () => cache.size,
    close: () => {
      warm?.stop()
      freshness.close()
    },
  }
}
