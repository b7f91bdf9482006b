/**
 * `npm run bench:tiles [-- --kind native|embedded|both] [--tiles N]`: vector tile latency per
 * layer and zoom (z8–z16): cold (not in the tile cache) and cached HTTP times (p50/p95), tile
 * sizes (uncompressed MVT), and the ratio of the cold HTTP time to the tile's SQL run directly the
 * way the server runs it (ST_AsMVT on native; the same SQL plus the JavaScript encoder on
 * embedded), for the same tile: what HTTP, the cache and the rest of the server add.
 * - native (DATABASE_URL): the server as its own process (npm start) over the `full` base in database onemap_bench_full on that cluster, plus
 *   ~1 M seeded incidents (source 'bench-tiles', added once, kept between runs);
 * - embedded: the `small` seed in .tmp/bench-tiles-small (seeded on first run).
 * Targets: cold p95 ≤ 50 ms, cached p95 ≤ 3 ms, ratio ≤ 1.2.
 *
 * The client is a plain keep-alive HTTP/1.1 connection that asks for gzip and reads the bytes as
 * they come, as HTTP benchmarks (wrk, ab) do: the server's time, not the client's decompression
 * (Node's fetch adds 0.2–0.8 ms at p50 and 1–4 ms at p95 to a 4 KB gzipped tile by unpacking
 * it through web streams). The ratio is printed two ways: the median of the per-layer-and-zoom
 * ratios (where near-empty tiles, whose SQL takes 0.2–0.5 ms, weigh as much as any), and all
 * tiles' HTTP time over all their SQL time (what HTTP adds to the database's work).
 * The floor server (floorServer: bare node:http running the same SQL) is timed on the same tiles:
 * the ratio no HTTP tile server can beat on this machine, against which ours is read.
 * Two request patterns: isolated (each tile alone, between direct SQL runs: every request meets
 * processes gone idle, whose wake-ups on this VM cost 0.2–0.4 ms a hop) and burst (the same tiles
 * under another period, each phase back to back, as a map asks for a view's tiles at once).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { PLACEMENT_COLUMNS, placementValues } from '../../server/addresses/locate.ts'
import type { AddressRow } from '../../server/addresses/schema.ts'
import { loadConfig } from '../../server/config.ts'
import { type CopyValue, type Db, openDatabase } from '../../server/db/index.ts'
import { migrate } from '../../server/db/migrate.ts'
import { h3Cells } from '../../server/geo/h3.ts'
import { generateIncidents } from '../../server/seed/incidents.ts'
import { seedDemo, seedStatus } from '../../server/seed/run.ts'
import { listen } from '../../server/server.ts'
import { addDays, dayStart, shanghaiDay } from '../../server/shared/time.ts'
import { findLayer, type LayerContext, LAYERS, type TileFilter } from '../../server/tiles/layers.ts'
import { type Encoder, renderPart } from '../../server/tiles/render.ts'
import { createTileService, splitPeriod } from '../../server/tiles/service.ts'
import { tileAt } from '../../server/tiles/testing.ts'
import type { TileId } from '../../server/tiles/tile-math.ts'
import { ROOT_DIR } from '../../server/web/static.ts'
import { QUIET } from './quiet.ts'

const { values } = parseArgs({ options: { kind: { type: 'string' }, tiles: { type: 'string' }, serve: { type: 'boolean' } } })
const kinds = values.kind === 'both' || (!values.kind && process.env.DATABASE_URL) ? ['native', 'embedded'] : [values.kind ?? 'embedded']
const BENCH_SOURCE = 'bench-tiles'
const BENCH_INCIDENTS = 1_000_000
const ZOOMS = [8, 9, 10, 11, 12, 13, 14, 15, 16]

/** Opens (and if needed fills) the benchmark database of a kind. */
function benchUrl(): string {
  if (!process.env.DATABASE_URL) throw new Error('native needs DATABASE_URL')
  const url = new URL(process.env.DATABASE_URL)
  url.pathname = '/onemap_bench_full'
  return url.toString()
}

/**
 * The native bench database, migrated up to the tiles' migration. Other work in progress shares
 * this database and may leave later migrations in flux, so pending ones are applied only when the
 * tiles' own is missing.
 */
async function openNativeBench(): Promise<Db> {
  const db = await openDatabase({ databaseUrl: benchUrl(), dataDir: path.join(ROOT_DIR, '.tmp'), migrate: false })
  const [m] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM schema_migrations WHERE name = 'tiles'`
  if (!m?.n) {
    await migrate(db.sql)
    await db.refreshCapabilities()
  }
  return db
}

/**
 * The floor: a bare `node:http` server in the same process that answers
 * `/tiles/{layer}/{z}/{x}/{y}.mvt?from=&to=` by running the layer's SQL (renderPart, parts side by
 * side, as the bench's direct timing does) and sending the bytes. No Express, middleware, cache,
 * ETag or validation: what any HTTP tile server costs on this machine over its SQL (the process
 * hop and the wake-ups), so the ratio our server gets can be read against the best one could.
 */
async function floorServer(db: Db): Promise<{ url: string; server: http.Server }> {
  // The tile service only for the district's extent and the feature cap, as ours renders with.
  const service = createTileService(db)
  const [extent, cap] = [await service.extent(), service.cap]
  service.close()
  const encoder: Encoder = db.capabilities.asMvt ? 'postgis' : 'js'
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://floor')
    const m = /^\/tiles\/(\w+)\/(\d+)\/(\d+)\/(\d+)\.mvt$/.exec(u.pathname)
    const layer = m ? findLayer(m[1]!) : undefined
    if (!m || !layer) return void res.writeHead(404).end()
    const from = new Date(u.searchParams.get('from') ?? '')
    const to = new Date(u.searchParams.get('to') ?? '')
    const ctx: LayerContext = {
      tile: { z: Number(m[2]), x: Number(m[3]), y: Number(m[4]) },
      filter: { from, to, items: null, ...splitPeriod(from, to) },
      cap,
      extent,
    }
    Promise.all(layer.parts.map((part) => renderPart(db.sql, part, ctx, encoder))).then(
      (parts) => {
        res.writeHead(200, { 'Content-Type': 'application/vnd.mapbox-vector-tile' })
        res.end(Buffer.concat(parts.map((p) => p.bytes)))
      },
      () => void res.writeHead(500).end(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server }
}

/** `--serve`: the tile server alone on the native bench database (the benchmark's child process), and the floor server beside it. */
async function serve(): Promise<void> {
  const db = await openNativeBench()
  const server = await listen(
    db,
    loadConfig({ PORT: '0', HOST: '127.0.0.1', SEED: 'none', DATA_DIR: path.join(ROOT_DIR, '.tmp'), ...QUIET }),
  )
  const floor = await floorServer(db)
  process.stdout.write(`${server.url} floor ${floor.url}\n`)
  process.on('SIGTERM', () => {
    floor.server.close()
    void server
      .close()
      .then(() => db.close())
      .then(() => process.exit(0))
  })
}

/** Starts `--serve` as a child process; resolves with its URLs (ours, the floor's) and a stop function. */
async function startServerProcess(): Promise<{ url: string; floorUrl: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], {
    cwd: ROOT_DIR,
    env: process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [url, floorUrl] = await new Promise<[string, string]>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /(http:\/\/\S+) floor (http:\/\/\S+)\n/.exec(out)
      if (m) resolve([m[1]!, m[2]!])
    })
    child.on('exit', (code) => reject(new Error(`tile server exited with ${code}`)))
  })
  return {
    url,
    floorUrl,
    close: () =>
      new Promise((resolve) => {
        child.on('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

async function openBench(kind: string): Promise<Db> {
  if (kind === 'native') {
    const db = await openNativeBench()
    const [a] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM addresses`
    if ((a?.n ?? 0) < 3_000_000) throw new Error(`onemap_bench_full has ${a?.n ?? 0} addresses; the full base (3.48 M) is not loaded yet`)
    await ensureBenchIncidents(db)
    return db
  }
  const dir = path.join(ROOT_DIR, '.tmp', 'bench-tiles-small')
  fs.mkdirSync(dir, { recursive: true })
  const db = await openDatabase({ dataDir: dir, migrate: true })
  if (!(await seedStatus(db))) {
    console.log('seeding the small demo data into .tmp/bench-tiles-small (once)…')
    await seedDemo(db, { size: 'small' })
  }
  return db
}

/** ~1 M incidents over the full base, once (re-runs keep them; a partial set is replaced). */
async function ensureBenchIncidents(db: Db): Promise<void> {
  const [c] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents WHERE source = ${BENCH_SOURCE}`
  if ((c?.n ?? 0) >= BENCH_INCIDENTS * 0.9) return
  console.log(`adding ${BENCH_INCIDENTS.toLocaleString()} incidents (source ${BENCH_SOURCE})…`)
  await db.sql`DELETE FROM incidents WHERE source = ${BENCH_SOURCE}`
  const sample = await db.sql<AddressRow[]>`
    SELECT address_id AS "addressId", address, ST_X(geom) AS lng, ST_Y(geom) AS lat, town, village, group_no AS "groupNo",
           road, door_no AS "doorNo", compound, building, unit, room, aliases, town_code AS "townCode",
           village_code AS "villageCode", grid_code AS "gridCode", microgrid_code AS "microgridCode"
    FROM addresses WHERE address_id IN (SELECT address_id FROM addresses TABLESAMPLE SYSTEM (3) REPEATABLE (7)) LIMIT 100000`
  const end = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000)
  function* rows(): Generator<readonly CopyValue[]> {
    for (const r of generateIncidents(sample, { seed: BENCH_SOURCE, count: BENCH_INCIDENTS, end })) {
      const h = h3Cells(r.lng, r.lat)
      yield [
        `BT${r.incidentId}`,
        r.reportedAt,
        r.categoryCode,
        r.address,
        BENCH_SOURCE,
        r.status,
        r.lng,
        r.lat,
        'wgs84',
        `SRID=4326;POINT(${r.lng} ${r.lat})`,
        r.truthAddressId,
        ...placementValues(r, h),
      ]
    }
  }
  const t0 = performance.now()
  const n = await db.copyIn(
    'incidents',
    [
      'incident_id',
      'reported_at',
      'category_code',
      'address',
      'source',
      'status',
      'input_lng',
      'input_lat',
      'input_crs',
      'geom',
      'address_id',
      ...PLACEMENT_COLUMNS,
    ],
    rows(),
  )
  await db.sql`ANALYZE incidents`
  await db.sql`ANALYZE incident_h3_daily`
  await db.sql`ANALYZE incident_area_daily`
  console.log(`  ${n.toLocaleString()} incidents in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
}

/** One connection, kept open, as a tile client uses. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })

/**
 * GET with gzip accepted; resolves when the last byte is in (not decompressed).
 * @example const { ms, cache } = await timedGet('http://127.0.0.1:8080/tiles/towns/10/857/418.mvt')
 */
function timedGet(url: string): Promise<{ ms: number; status: number; cache: string | undefined; serverMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    http
      .get(url, { agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
        res.on('data', () => {})
        // The server's own time for the tile (Server-Timing: cache lookup or render, SQL included).
        const serverMs = Number(/dur=([\d.]+)/.exec(String(res.headers['server-timing'] ?? ''))?.[1] ?? NaN)
        res.on('end', () =>
          resolve({
            ms: performance.now() - t0,
            status: res.statusCode ?? 0,
            cache: res.headers['x-tile-cache'] as string | undefined,
            serverMs,
          }),
        )
        res.on('error', reject)
      })
      .on('error', reject)
  })
}

/**
 * HTTP times over the same tiles' SQL times: per row (p50 over p50: their median and worst), over
 * all tiles (sum over sum), and what HTTP adds to a tile (p50 of the differences).
 * @example ratios([{ http: [2, 4], raw: [1, 2] }]) // { median: 2, worst: 2, all: 2, addedP50: 1 }
 */
function ratios(rows: readonly { http: readonly number[]; raw: readonly number[] }[]): {
  median: number
  worst: number
  all: number
  addedP50: number
} {
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)
  const perRow = rows.map((r) => pct(r.http, 50) / pct(r.raw, 50))
  return {
    median: pct(perRow, 50),
    worst: Math.max(...perRow),
    all: sum(rows.flatMap((r) => r.http)) / sum(rows.flatMap((r) => r.raw)),
    addedP50: pct(
      rows.flatMap((r) => r.http.map((h, i) => h - r.raw[i]!)),
      50,
    ),
  }
}

/** p-th percentile (nearest rank) of numbers. */
function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–')
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–')
const kb = (x: number) => (Number.isFinite(x) ? `${(x / 1024).toFixed(1)}` : '–')

interface Row {
  layer: string
  z: number
  cold: number[]
  /** The server's time for the cold tiles (Server-Timing), SQL included. */
  server: number[]
  cached: number[]
  raw: number[]
  /** The same tiles from the floor server (bare node:http over the same SQL). */
  floor: number[]
  /** Burst: the same tiles, each phase back to back (ours cold, the floor, the SQL alone). */
  burst: { cold: number[]; floor: number[]; raw: number[] }
  sizes: number[]
}

async function bench(kind: string, tilesPerZoom: number): Promise<Row[]> {
  const db = await openBench(kind)
  // Native: the server in a process of its own, as deployed (the client's work and the direct SQL
  // timings stay out of its event loop). Embedded: in this process (PGlite's files take one owner).
  const server =
    kind === 'native'
      ? await startServerProcess()
      : await listen(db, loadConfig({ PORT: '0', HOST: '127.0.0.1', SEED: 'none', DATA_DIR: path.join(ROOT_DIR, '.tmp'), ...QUIET }))
  const floor = kind === 'native' ? null : await floorServer(db)
  const floorUrl = 'floorUrl' in server ? server.floorUrl : floor!.url
  const service = createTileService(db)
  const encoder: Encoder = db.capabilities.asMvt ? 'postgis' : 'js'
  try {
    // The last 30 days of the data, in whole days (the rollups answer): what a map shows by default.
    const [last] = await db.sql<{ t: Date | null }[]>`SELECT max(reported_at) AS t FROM incidents`
    const to = dayStart(addDays(shanghaiDay(last?.t ?? new Date()), 1))
    const from = new Date(to.getTime() - 30 * 86_400_000)
    const query = `from=${from.toISOString()}&to=${to.toISOString()}`
    const filter: TileFilter = { from, to, items: null, ...splitPeriod(from, to) }
    // The burst phase's period: one day earlier, so the same tiles are cache misses again.
    const [bFrom, bTo] = [new Date(from.getTime() - 86_400_000), new Date(to.getTime() - 86_400_000)]
    const burstQuery = `from=${bFrom.toISOString()}&to=${bTo.toISOString()}`
    const burstFilter: TileFilter = { from: bFrom, to: bTo, items: null, ...splitPeriod(bFrom, bTo) }
    const extent = await service.extent()
    // Tiles where incidents are (the heavy places), a different tile per request.
    const points = await db.sql<{ lng: number; lat: number }[]>`
      SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat FROM incidents
      WHERE reported_at >= ${from} AND reported_at < ${to} AND geom IS NOT NULL
      ORDER BY md5(id::text) LIMIT 2000`
    console.log(`\n${kind} (${encoder} encoder): ${points.length} sample points; period ${query}`)
    // Warm the server's code paths (first requests compile them) on tiles not measured.
    for (const layer of LAYERS) await timedGet(`${server.url}/tiles/${layer.name}/0/0/0.mvt?${query}`)
    const out: Row[] = []
    for (const layer of LAYERS) {
      for (const z of ZOOMS) {
        if (z < layer.minzoom) continue
        const seen = new Set<string>()
        const tiles: TileId[] = []
        // More tiles for the burst phase of layers without a period (the cache keys them by tile alone).
        const spare: TileId[] = []
        for (const p of points) {
          const t = tileAt(z, p.lng, p.lat)
          const k = `${t.x}/${t.y}`
          if (seen.has(k)) continue
          seen.add(k)
          if (tiles.length < tilesPerZoom) tiles.push(t)
          else spare.push(t)
          if (spare.length >= tilesPerZoom) break
        }
        const row: Row = {
          layer: layer.name,
          z,
          cold: [],
          server: [],
          cached: [],
          raw: [],
          floor: [],
          sizes: [],
          burst: { cold: [], floor: [], raw: [] },
        }
        const urls: string[] = []
        // The SQL alone, run as the server runs it (the parts side by side on the pool).
        const rawSql = async (t: TileId, f: TileFilter) => {
          const ctx: LayerContext = { tile: t, filter: f, cap: service.cap, extent }
          const t0 = performance.now()
          const parts = await Promise.all(layer.parts.map((part) => renderPart(db.sql, part, ctx, encoder)))
          return { ms: performance.now() - t0, bytes: parts.reduce((n, p) => n + p.bytes.length, 0) }
        }
        const tilePath = (t: TileId, q: string) => `/tiles/${layer.name}/${t.z}/${t.x}/${t.y}.mvt?${q}`
        for (const [i, t] of tiles.entries()) {
          const raw = () => rawSql(t, filter)
          await raw() // warm the database's own caches, so cold means "not in the tile cache"
          const url = `${server.url}${tilePath(t, query)}`
          urls.push(url)
          // Ours and the floor take turns going first: the first after the direct SQL pays the wake-ups.
          const floorGet = async () => row.floor.push((await timedGet(`${floorUrl}${tilePath(t, query)}`)).ms)
          if (i % 2 === 1) await floorGet()
          const cold = await timedGet(url)
          row.cold.push(cold.ms)
          row.server.push(cold.serverMs)
          if (cold.cache !== 'miss') throw new Error(`expected a cache miss for ${url}`)
          if (i % 2 === 0) await floorGet()
          const r = await raw()
          row.raw.push(r.ms)
          row.sizes.push(r.bytes)
        }
        // Burst: the same tiles again under another period (cold again; layers without a period: other
        // tiles), each phase back to back, as a map asks for a view's tiles at once: the processes stay
        // awake, so what remains is what each adds.
        const burstTiles = layer.filtered ? tiles : spare
        for (const t of burstTiles) await rawSql(t, burstFilter)
        for (const t of burstTiles) {
          const cold = await timedGet(`${server.url}${tilePath(t, burstQuery)}`)
          if (cold.cache !== 'miss') throw new Error(`expected a cache miss for ${tilePath(t, burstQuery)}`)
          row.burst.cold.push(cold.ms)
        }
        for (const t of burstTiles) row.burst.floor.push((await timedGet(`${floorUrl}${tilePath(t, burstQuery)}`)).ms)
        for (const t of burstTiles) row.burst.raw.push((await rawSql(t, burstFilter)).ms)
        // Cached: rounds over the same tiles once their gzip is attached (made at a tile's first
        // hit, off the request path), as in use.
        for (const url of urls) await timedGet(url)
        await new Promise((r) => setTimeout(r, 500))
        for (let round = 0; round < 10; round++) {
          for (const url of urls) {
            const hit = await timedGet(url)
            row.cached.push(hit.ms)
            if (hit.cache !== 'hit') throw new Error(`expected a cache hit for ${url}`)
          }
        }
        out.push(row)
        console.log(
          `${layer.name.padEnd(10)} z${String(z).padEnd(3)} cold p50 ${f1(pct(row.cold, 50)).padStart(6)} p95 ${f1(pct(row.cold, 95)).padStart(6)} ms | cached p50 ${f1(pct(row.cached, 50)).padStart(5)} p95 ${f1(pct(row.cached, 95)).padStart(5)} ms | SQL p50 ${f1(pct(row.raw, 50)).padStart(6)} ms, ratio ${(pct(row.cold, 50) / pct(row.raw, 50)).toFixed(2)} (floor ${(pct(row.floor, 50) / pct(row.raw, 50)).toFixed(2)}; burst ${f2(pct(row.burst.cold, 50) / pct(row.burst.raw, 50))}, floor ${f2(pct(row.burst.floor, 50) / pct(row.burst.raw, 50))}) | size p50 ${kb(pct(row.sizes, 50))} KB, max ${kb(Math.max(...row.sizes))} KB`,
        )
      }
    }
    return out
  } finally {
    service.close()
    floor?.server.close()
    await server.close()
    await db.close()
  }
}

if (values.serve) await serve()
else
  for (const kind of kinds) {
    const rows = await bench(kind, Number(values.tiles ?? (kind === 'native' ? 20 : 8)))
    const all = (k: 'cold' | 'cached') => rows.flatMap((r) => r[k])
    console.log(`\n${kind} summary over ${rows.length} layer×zoom rows:`)
    for (const z of ZOOMS) {
      const zr = rows.filter((r) => r.z === z)
      const cold = zr.flatMap((r) => r.cold)
      const cached = zr.flatMap((r) => r.cached)
      const raw = zr.flatMap((r) => r.raw)
      console.log(
        `  z${String(z).padEnd(3)} cold p50 ${f1(pct(cold, 50)).padStart(6)} p95 ${f1(pct(cold, 95)).padStart(6)} ms | cached p50 ${f1(pct(cached, 50))} p95 ${f1(pct(cached, 95))} ms | ratio (cold p50 / SQL p50) ${(pct(cold, 50) / pct(raw, 50)).toFixed(2)}`,
      )
    }
    const ours = ratios(rows.map((r) => ({ http: r.cold, raw: r.raw })))
    const floor = ratios(rows.map((r) => ({ http: r.floor, raw: r.raw })))
    // Low zooms of layers without a period have no spare tiles for a burst.
    const burstRows = rows.filter((r) => r.burst.raw.length > 0)
    const burst = ratios(burstRows.map((r) => ({ http: r.burst.cold, raw: r.burst.raw })))
    const burstFloor = ratios(burstRows.map((r) => ({ http: r.burst.floor, raw: r.burst.raw })))
    // What the server's own code adds around the SQL (Server-Timing minus the SQL run directly), and
    // what the rest of the request adds (HTTP, Express, the second process hop).
    const inService = rows.flatMap((r) => r.server.map((s, i) => s - r.raw[i]!))
    const outside = rows.flatMap((r) => r.cold.map((c, i) => c - r.server[i]!))
    console.log(
      `  all: cold p95 ${f1(pct(all('cold'), 95))} ms (target ≤ 50), cached p95 ${f1(pct(all('cached'), 95))} ms (target ≤ 3), ` +
        `ratio median ${ours.median.toFixed(2)}, worst ${ours.worst.toFixed(2)}, all tiles ${ours.all.toFixed(2)} (target ≤ 1.2); ` +
        `HTTP adds p50 ${f1(ours.addedP50)} ms per cold tile: ${pct(inService, 50).toFixed(2)} ms in the tile service around the SQL, ${pct(outside, 50).toFixed(2)} ms around the service (HTTP, middleware, the hop)`,
    )
    console.log(
      `  floor (bare node:http running the same SQL, no cache or middleware): ratio median ${floor.median.toFixed(2)}, worst ${floor.worst.toFixed(2)}, ` +
        `all tiles ${floor.all.toFixed(2)}; it adds p50 ${f1(floor.addedP50)} ms per tile: what any HTTP tile server costs here`,
    )
    console.log(
      `  burst (each phase back to back, as a map asks for a view; ${burstRows.length} rows): ratio median ${burst.median.toFixed(2)}, worst ${burst.worst.toFixed(2)}, ` +
        `all tiles ${burst.all.toFixed(2)} (target ≤ 1.2), HTTP adds p50 ${f1(burst.addedP50)} ms; floor ratio median ${burstFloor.median.toFixed(2)}, all tiles ${burstFloor.all.toFixed(2)}`,
    )
    agent.destroy()
  }
