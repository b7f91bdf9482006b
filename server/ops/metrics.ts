/**
 * Prometheus metrics (prom-client): one process-wide registry with the HTTP request counters and
 * latency histogram (labelled by route pattern and status class, so the series stay few), the
 * tile cache, incident ingest and model-run counters, Node's own process metrics, and get-or-create
 * helpers so any module can add its own series. `GET /metrics` adds the database's gauges.
 */
import type { RequestHandler } from 'express'
import { Router } from 'express'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

import type { Db } from '../db/index.ts'
import { routeLabel } from './route.ts'

/** Every series of this process (except the per-database ones `metricsRoutes` adds). */
export const registry = new Registry()
// Memory, event-loop lag, GC and handles: what the load test's "flat memory" target is read from.
collectDefaultMetrics({ register: registry })

/** Metric names must carry the application prefix: it keeps them apart from Node's own. */
const PREFIX = 'onemap_'

function checkName(name: string): void {
  if (!name.startsWith(PREFIX) || !/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`metric name must be snake_case and start with ${PREFIX}: ${name}`)
}

/**
 * A counter of the registry, created on first use (later calls with the same name share it).
 * @example counter('onemap_tile_renders_total', 'Tiles rendered', ['layer']).inc({ layer: 'incidents' })
 */
export function counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  checkName(name)
  const existing = registry.getSingleMetric(name)
  if (existing) return existing as Counter<L>
  return new Counter<L>({ name, help, labelNames, registers: [registry] })
}

/**
 * A gauge of the registry, created on first use; `collect` (if given) sets it at each scrape.
 * @example gauge('onemap_tile_cache_entries', 'Tiles cached', [], function () { this.set(cache.size) })
 */
export function gauge<L extends string = never>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  collect?: (this: Gauge<L>) => void | Promise<void>,
): Gauge<L> {
  checkName(name)
  const existing = registry.getSingleMetric(name)
  if (existing) return existing as Gauge<L>
  return new Gauge<L>({ name, help, labelNames, registers: [registry], ...(collect ? { collect } : {}) })
}

/**
 * A histogram of the registry, created on first use.
 * @example histogram('onemap_tile_render_seconds', 'Tile render time', ['layer']).observe({ layer: 'incidents' }, 0.012)
 */
export function histogram<L extends string = never>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  buckets?: number[],
): Histogram<L> {
  checkName(name)
  const existing = registry.getSingleMetric(name)
  if (existing) return existing as Histogram<L>
  return new Histogram<L>({ name, help, labelNames, registers: [registry], ...(buckets ? { buckets } : {}) })
}

// --- HTTP -----------------------------------------------------------------------------------

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
const httpRequests = counter('onemap_http_requests_total', 'HTTP requests finished, by method, route pattern and status class', [
  'method',
  'route',
  'status_class',
])
const httpDuration = histogram(
  'onemap_http_request_duration_seconds',
  'HTTP request latency (to the last byte; Server-Sent Event streams count until they close), by method, route pattern and status class',
  ['method', 'route', 'status_class'],
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
)
const httpInFlight = gauge('onemap_http_requests_in_flight', 'HTTP requests being served now (open event streams included)')

/**
 * Counts and times every request once it finishes or its client goes away.
 * @example app.use(httpMetrics())
 */
export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const started = performance.now()
    httpInFlight.inc()
    let done = false
    const finish = () => {
      if (done) return
      done = true
      httpInFlight.dec()
      // An aborted request that never answered has status 200 by default: call it 499 (client closed).
      const status = res.headersSent || res.writableEnded ? res.statusCode : 499
      const labels = {
        method: METHODS.has(req.method) ? req.method : 'other',
        route: routeLabel(req, status),
        status_class: `${Math.floor(status / 100)}xx`,
      }
      httpRequests.inc(labels)
      httpDuration.observe(labels, (performance.now() - started) / 1000)
    }
    res.once('finish', finish)
    res.once('close', finish)
    next()
  }
}

// --- Tile cache -----------------------------------------------------------------------------

const tileLookups = counter('onemap_tile_cache_lookups_total', 'Tile cache lookups, by result (hit or miss)', ['result'])
let tileHits = 0
let tileMisses = 0
gauge('onemap_tile_cache_hit_ratio', 'Tile cache hits / lookups since start (0 before the first lookup)', [], function () {
  const total = tileHits + tileMisses
  this.set(total === 0 ? 0 : tileHits / total)
})

/**
 * Records one tile cache lookup (call where the cache is read).
 * @example recordTileCache(cache.get(key) !== undefined)
 */
export function recordTileCache(hit: boolean): void {
  if (hit) tileHits++
  else tileMisses++
  tileLookups.inc({ result: hit ? 'hit' : 'miss' })
}

// --- Ingest and models ----------------------------------------------------------------------

/** How incidents arrive: the HTTP API or a CSV import. */
export type IngestPath = 'api' | 'csv'
const ingested = counter(
  'onemap_incidents_ingested_total',
  'Incidents ingested, by path (api, csv) and result (created, updated, unchanged)',
  ['path', 'result'],
)

/**
 * Counts the results of one ingest call by their status.
 * @example countIngested('api', await ingestIncidents(db, geocoder, items))
 */
export function countIngested(path: IngestPath, results: readonly { status: string }[]): void {
  const by = new Map<string, number>()
  for (const r of results) by.set(r.status, (by.get(r.status) ?? 0) + 1)
  for (const [result, n] of by) ingested.inc({ path, result }, n)
}

const modelRuns = counter('onemap_model_runs_total', 'Warning model runs finished, by model and outcome (done, failed)', [
  'model',
  'outcome',
])
const modelRunSeconds = histogram(
  'onemap_model_run_duration_seconds',
  'Warning model run time, by model',
  ['model'],
  [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
)

/**
 * Records one finished model run.
 * @example recordModelRun('hotspot', 'done', 1.8)
 */
export function recordModelRun(modelId: string, outcome: 'done' | 'failed', seconds: number): void {
  modelRuns.inc({ model: modelId, outcome })
  modelRunSeconds.observe({ model: modelId }, seconds)
}

// --- Database and the endpoint --------------------------------------------------------------

/** A scrape must not hang behind a saturated pool: the backend gauges are skipped after this. */
const DB_SCRAPE_TIMEOUT_MS = 2_000

/**
 * The database gauges of one open database, in a registry of their own (a test process opens
 * many databases; the process registry must not hold a stale one). postgres.js keeps no pool
 * statistics, so connections are the configured maximum, and on native PostgreSQL the server's
 * own view of this database's other sessions (pg_stat_activity) stands in for queries in flight.
 */
export function databaseRegistry(db: Db): Registry {
  const reg = new Registry()
  new Gauge({
    name: 'onemap_db_info',
    help: 'The database in use (always 1), by kind and versions',
    labelNames: ['kind', 'postgres_version', 'postgis_version'],
    registers: [reg],
    collect() {
      this.set({ kind: db.kind, postgres_version: db.capabilities.postgresVersion, postgis_version: db.capabilities.postgisVersion }, 1)
    },
  })
  new Gauge({
    name: 'onemap_db_connections_max',
    help: 'Connections the postgres.js pool may open (embedded: 1, PGlite is one session)',
    registers: [reg],
    collect() {
      this.set(Number(db.sql.options.max) || 1)
    },
  })
  if (db.kind === 'native') {
    new Gauge({
      name: 'onemap_db_sessions',
      help: "Sessions on this database other than the scrape's own, by state (active = a query in flight), from pg_stat_activity",
      labelNames: ['state'],
      registers: [reg],
      async collect() {
        this.reset()
        for (const r of await sessionsByState(db)) this.set({ state: r.state }, r.n)
      },
    })
  }
  return reg
}

/** pg_stat_activity of this database by state; empty if the pool cannot answer in time. */
async function sessionsByState(db: Db): Promise<{ state: string; n: number }[]> {
  const query = db.sql<{ state: string; n: number }[]>`
    SELECT coalesce(state, 'unknown') AS state, count(*)::int AS n
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
    GROUP BY 1`
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), DB_SCRAPE_TIMEOUT_MS)
  })
  try {
    const rows = await Promise.race([query, timeout])
    if (rows === null) {
      void query.cancel()
      return []
    }
    return rows.map((r) => ({ state: r.state, n: r.n }))
  } catch {
    return []
  } finally {
    clearTimeout(timer)
  }
}

/**
 * `GET /metrics`: everything in Prometheus text format.
 * @example app.use(metricsRoutes(db))
 */
export function metricsRoutes(db: Db): Router {
  const router = Router()
  const dbRegistry = databaseRegistry(db)
  router.get('/metrics', async (_req, res) => {
    const text = (await registry.metrics()) + (await dbRegistry.metrics())
    res.setHeader('Content-Type', registry.contentType)
    res.setHeader('Cache-Control', 'no-store')
    res.send(text)
  })
  return router
}
