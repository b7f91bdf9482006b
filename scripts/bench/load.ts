/**
 * `npm run bench:load [-- --seconds 60] [--connections 50] [--size full|small]`: mixed traffic
 * against the real server — vector tiles (several layers and zooms over the district), geocoding
 * of real address texts, and API reads (incidents, stats, OGC items, warnings) — with autocannon,
 * authenticated for real with an API key (a `bench-load` user of role `command`, created through
 * server/auth/store.ts, its key revoked at the end).
 *
 * Database: native (DATABASE_URL) onemap_bench_<size> on that cluster (default size full: 3.48 M
 * addresses, ~1 M incidents); embedded .tmp/bench-geocode-<size> (default small). Create them with
 * `npm run bench:geocode -- --size …` (and bench:tiles for the full incidents).
 *
 * The server runs in a child process (this file with --serve) so that autocannon's own work does
 * not share its event loop, and its memory is its own: RSS and heap before and after the load, and
 * after a forced GC (the child runs with --expose-gc). Prints throughput, p50/p95/p99 latency per
 * kind of traffic, non-2xx and 5xx counts, errors and timeouts. Target: zero 5xx, flat memory.
 * Exits non-zero on any 5xx.
 */
import { type ChildProcess, fork } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import autocannon from 'autocannon'

import { createApiKey, createUser, revokeApiKey, updateUser } from '../../server/auth/store.ts'
import { loadConfig } from '../../server/config.ts'
import { listen } from '../../server/server.ts'
import { ROOT_DIR } from '../../server/web/static.ts'
import { openBenchDb } from './bench-db.ts'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '50' },
    size: { type: 'string' },
    serve: { type: 'boolean', default: false },
  },
})
const native = Boolean(process.env.DATABASE_URL)
const size = values.size ?? (native ? 'full' : 'small')
/** The geocoding rate limit (default 6,000/min per caller) would turn most of one caller's geocode traffic into 429s. */
const GEOCODE_RATE_LIMIT = 1_000_000

// ---------------------------------------------------------------- what the server side tells the load side

interface Memory {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  gc: boolean
}

interface Fixtures {
  url: string
  key: string
  kind: 'native' | 'embedded'
  addresses: number
  incidents: number
  /** Address texts to geocode. */
  texts: string[]
  townCodes: string[]
  /** District bbox [w, s, e, n]. */
  bbox: [number, number, number, number]
}

type ToServer = { type: 'memory'; gc: boolean } | { type: 'stop' }
type FromServer =
  { type: 'ready'; fixtures: Fixtures } | { type: 'memory'; memory: Memory } | { type: 'stopped' } | { type: 'failed'; message: string }

// ---------------------------------------------------------------- the server side (child process)

async function serve(): Promise<void> {
  const send = (m: FromServer) => process.send!(m)
  try {
    const db = await openBenchDb(size)
    const [counts] = await db.sql<{ addresses: number; incidents: number }[]>`
      SELECT (SELECT count(*)::int FROM addresses) AS addresses, (SELECT count(*)::int FROM incidents) AS incidents`
    if (!counts || counts.addresses === 0) throw new Error('the benchmark database has no addresses: run npm run bench:geocode first')
    // A real account: a district command user with an API key (re-used across runs, key new each time).
    const [existing] = await db.sql<{ id: string }[]>`SELECT id::text FROM users WHERE username = 'bench-load'`
    let userId: string
    if (existing) {
      await updateUser(db.sql, existing.id, { disabled: false })
      userId = existing.id
    } else {
      userId = (
        await createUser(db.sql, { username: 'bench-load', role: 'command', areaCodes: [], displayName: 'bench:load' }, 'bench:load')
      ).id
    }
    const { id: keyId, key } = await createApiKey(db.sql, userId, `bench:load ${new Date().toISOString()}`, 'bench:load')
    // Real address texts (a repeatable sample: ~0.05 % of the blocks, without reading the whole table).
    const texts = (
      await db.sql<{ address: string }[]>`SELECT address FROM addresses TABLESAMPLE SYSTEM (0.5) REPEATABLE (42) LIMIT 3000`
    ).map((r) => r.address)
    const townCodes = (await db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'town' ORDER BY code`).map((r) => r.code)
    const [box] = await db.sql<{ w: number; s: number; e: number; n: number }[]>`
      SELECT ST_XMin(g) AS w, ST_YMin(g) AS s, ST_XMax(g) AS e, ST_YMax(g) AS n
      FROM (SELECT ST_Extent(geom)::geometry AS g FROM admin_areas WHERE level = 'district') d`
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      SEED: 'none',
      DATA_DIR: path.join(ROOT_DIR, '.tmp'),
      // No warning-model runs in the background: they would share the CPU with what is measured.
      MODELS_SCHEDULER: 'false',
      MODELS_RUN_ON_START: 'false',
      LOG_LEVEL: 'warn',
      GEOCODE_RATE_LIMIT: String(GEOCODE_RATE_LIMIT),
    })
    const server = await listen(db, config)
    const gc = (globalThis as { gc?: () => void }).gc
    process.on('message', (message: unknown) => {
      const m = message as ToServer
      if (m.type === 'memory') {
        if (m.gc && gc) {
          // Twice: the first pass finalises, the second frees what finalisers released.
          gc()
          gc()
        }
        const u = process.memoryUsage()
        send({
          type: 'memory',
          memory: { rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external, gc: Boolean(m.gc && gc) },
        })
      } else if (m.type === 'stop') {
        void (async () => {
          await server.close({ timeoutMs: 5_000 })
          await revokeApiKey(db.sql, userId, keyId)
          await updateUser(db.sql, userId, { disabled: true })
          await db.close()
          send({ type: 'stopped' })
          process.exit(0)
        })()
      }
    })
    send({
      type: 'ready',
      fixtures: {
        url: server.url,
        key,
        kind: db.kind,
        addresses: counts.addresses,
        incidents: counts.incidents,
        texts,
        townCodes,
        bbox: box ? [box.w, box.s, box.e, box.n] : [120.1, 29.9, 120.7, 30.4],
      },
    })
  } catch (err) {
    send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) })
    process.exit(1)
  }
}

// ---------------------------------------------------------------- the load side

/** mulberry32: the same request sequence every run. */
function generator(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const lng2x = (lng: number, z: number) => Math.floor(((lng + 180) / 360) * 2 ** z)
const lat2y = (lat: number, z: number) => {
  const r = (lat * Math.PI) / 180
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z)
}

/** One kind of traffic: its connections and how to make its next request path. */
interface Traffic {
  name: string
  connections: number
  next: () => string
}

function trafficMix(f: Fixtures, connections: number): Traffic[] {
  const rnd = generator(20261122)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const [w, s, e, n] = f.bbox
  const point = () => [w + rnd() * (e - w), s + rnd() * (n - s)] as const
  // Tiles: layers at the zooms the map asks for them, anywhere over the district.
  const tileKinds: { layers: string; zooms: number[] }[] = [
    { layers: 'towns', zooms: [9, 10, 11] },
    { layers: 'villages', zooms: [11, 12, 13] },
    { layers: 'grids', zooms: [12, 13, 14] },
    { layers: 'incidents', zooms: [10, 12, 14, 15, 16] },
    { layers: 'h3', zooms: [10, 11, 12, 13] },
    { layers: 'hazards', zooms: [12, 14] },
    { layers: 'addresses', zooms: [16, 17] },
  ]
  const tile = () => {
    const k = pick(tileKinds)
    const z = pick(k.zooms)
    const [lng, lat] = point()
    return `/tiles/${k.layers}/${z}/${lng2x(lng, z)}/${lat2y(lat, z)}.mvt`
  }
  const smallBox = () => {
    const [lng, lat] = point()
    const d = 0.005 + rnd() * 0.03
    return `${(lng - d).toFixed(5)},${(lat - d).toFixed(5)},${(lng + d).toFixed(5)},${(lat + d).toFixed(5)}`
  }
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)
  // Connections by share: tiles are most of a map's traffic.
  const share = (p: number) => Math.max(1, Math.round(connections * p))
  return [
    { name: 'tiles', connections: share(0.4), next: tile },
    { name: 'geocode', connections: share(0.2), next: () => `/api/geocode?q=${encodeURIComponent(pick(f.texts))}` },
    {
      name: 'incidents',
      connections: share(0.12),
      next: () =>
        rnd() < 0.5 ? `/api/incidents?limit=100&bbox=${smallBox()}` : `/api/incidents?limit=50&area=${pick(f.townCodes)}&from=${day(30)}`,
    },
    {
      name: 'stats',
      connections: share(0.12),
      next: () =>
        rnd() < 0.5
          ? `/api/stats/summary?area=${pick(f.townCodes)}`
          : `/api/stats/timeseries?area=${pick(f.townCodes)}&bucket=${pick(['day', 'week', 'month'])}`,
    },
    { name: 'ogc', connections: share(0.08), next: () => `/ogc/collections/incidents/items?limit=100&bbox=${smallBox()}` },
    { name: 'warnings', connections: share(0.08), next: () => `/api/warnings?limit=50` },
  ]
}

interface KindResult {
  name: string
  connections: number
  requests: number
  rps: number
  p50: number
  p95: number
  p99: number
  max: number
  non2xx: number
  s5xx: number
  statuses: Map<number, number>
  errors: number
  timeouts: number
  firstFailure: string | null
}

const quantile = (sorted: Float64Array, q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN

/** Runs one autocannon instance per kind of traffic, at once, for `seconds`. */
async function load(f: Fixtures, mix: Traffic[], seconds: number): Promise<KindResult[]> {
  return Promise.all(
    mix.map(
      (t) =>
        new Promise<KindResult>((resolve, reject) => {
          const latencies: number[] = []
          const statuses = new Map<number, number>()
          let firstFailure: string | null = null
          const instance = autocannon(
            {
              url: f.url,
              connections: t.connections,
              duration: seconds,
              timeout: 30,
              headers: { authorization: `Bearer ${f.key}` },
              // Each request gets the next path of its kind (setupRequest runs per request).
              requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: t.next() }) }],
            },
            (err, result) => {
              if (err) return reject(err instanceof Error ? err : new Error(String(err)))
              const sorted = Float64Array.from(latencies).sort()
              let s5xx = 0
              let non2xx = 0
              for (const [code, count] of statuses) {
                if (code >= 500) s5xx += count
                if (code < 200 || code >= 300) non2xx += count
              }
              resolve({
                name: t.name,
                connections: t.connections,
                requests: latencies.length,
                rps: latencies.length / seconds,
                p50: quantile(sorted, 0.5),
                p95: quantile(sorted, 0.95),
                p99: quantile(sorted, 0.99),
                max: sorted.length ? sorted[sorted.length - 1]! : NaN,
                non2xx,
                s5xx,
                statuses,
                errors: result.errors,
                timeouts: result.timeouts,
                firstFailure,
              })
            },
          )
          // autocannon's histograms stop at p97.5 and p99: the latencies are kept here for p95.
          instance.on('response', (_client, statusCode, _bytes, responseTime) => {
            latencies.push(responseTime)
            statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1)
            if (statusCode >= 500 && !firstFailure) firstFailure = `${statusCode} (${t.name})`
          })
        }),
    ),
  )
}

function ask(child: ChildProcess, m: ToServer): Promise<FromServer> {
  return new Promise((resolve) => {
    child.once('message', (r: FromServer) => resolve(r))
    child.send(m)
  })
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`

async function main(): Promise<void> {
  const seconds = Number(values.seconds)
  const connections = Number(values.connections)
  if (!(seconds > 0) || !(connections > 0)) throw new Error('--seconds and --connections must be positive numbers')
  const self = fileURLToPath(import.meta.url)
  const child = fork(self, ['--serve', '--size', size], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const first = await new Promise<FromServer>((resolve, reject) => {
    child.once('message', (m: FromServer) => resolve(m))
    child.once('exit', (code) => reject(new Error(`the server process exited (${code}) before it was ready`)))
  })
  if (first.type !== 'ready') throw new Error(first.type === 'failed' ? first.message : `unexpected ${first.type}`)
  const f = first.fixtures
  child.removeAllListeners('exit')
  console.log(
    `bench:load on ${f.kind} (${native ? `onemap_bench_${size}` : `.tmp/bench-geocode-${size}`}): ${f.addresses.toLocaleString()} addresses, ${f.incidents.toLocaleString()} incidents, ${f.townCodes.length} towns, ${f.texts.length} address texts`,
  )
  console.log(
    `auth: API key of user bench-load (role command) as Authorization: Bearer; GEOCODE_RATE_LIMIT raised to ${GEOCODE_RATE_LIMIT.toLocaleString()}/min for the bench (default 6,000)`,
  )
  const mix = trafficMix(f, connections)
  console.log(
    `mix: ${mix.map((t) => `${t.name} ×${t.connections}`).join(', ')} = ${mix.reduce((a, t) => a + t.connections, 0)} connections`,
  )

  // Warm-up: the geocoder's name dictionary and the caches fill once; memory is measured after.
  const warm = Math.min(10, Math.max(2, Math.round(seconds / 6)))
  console.log(`warm-up ${warm} s …`)
  await load(
    f,
    mix.map((t) => ({ ...t, connections: Math.max(1, Math.round(t.connections / 5)) })),
    warm,
  )
  const memory = async (gc: boolean) => {
    const r = await ask(child, { type: 'memory', gc })
    if (r.type !== 'memory') throw new Error(`unexpected ${r.type}`)
    return r.memory
  }
  const before = await memory(true)
  console.log(`load ${seconds} s at ${connections} connections …`)
  const t0 = performance.now()
  const results = await load(f, mix, seconds)
  const elapsed = (performance.now() - t0) / 1000
  const after = await memory(false)
  const afterGc = await memory(true)
  await ask(child, { type: 'stop' })

  const pad = (s: string | number, n: number) => String(s).padStart(n)
  console.log(
    `\n${'kind'.padEnd(10)}${pad('conns', 6)}${pad('requests', 10)}${pad('req/s', 9)}${pad('p50 ms', 9)}${pad('p95 ms', 9)}${pad('p99 ms', 9)}${pad('max ms', 9)}${pad('non-2xx', 9)}${pad('5xx', 6)}${pad('errors', 8)}${pad('timeouts', 10)}`,
  )
  const total = { requests: 0, non2xx: 0, s5xx: 0, errors: 0, timeouts: 0 }
  for (const r of results) {
    console.log(
      `${r.name.padEnd(10)}${pad(r.connections, 6)}${pad(r.requests, 10)}${pad(r.rps.toFixed(0), 9)}${pad(r.p50.toFixed(1), 9)}${pad(r.p95.toFixed(1), 9)}${pad(r.p99.toFixed(1), 9)}${pad(r.max.toFixed(0), 9)}${pad(r.non2xx, 9)}${pad(r.s5xx, 6)}${pad(r.errors, 8)}${pad(r.timeouts, 10)}`,
    )
    total.requests += r.requests
    total.non2xx += r.non2xx
    total.s5xx += r.s5xx
    total.errors += r.errors
    total.timeouts += r.timeouts
    if (r.non2xx > 0) console.log(`${''.padEnd(10)}statuses: ${JSON.stringify(Object.fromEntries(r.statuses))}`)
  }
  console.log(
    `${'total'.padEnd(10)}${pad(connections, 6)}${pad(total.requests, 10)}${pad((total.requests / elapsed).toFixed(0), 9)}${''.padEnd(36)}${pad(total.non2xx, 9)}${pad(total.s5xx, 6)}${pad(total.errors, 8)}${pad(total.timeouts, 10)}`,
  )
  console.log(
    `\nserver memory: before (after warm-up, GC) RSS ${mb(before.rss)} heap ${mb(before.heapUsed)}; after load RSS ${mb(after.rss)} heap ${mb(after.heapUsed)}; after GC RSS ${mb(afterGc.rss)} heap ${mb(afterGc.heapUsed)} (heap growth ${((afterGc.heapUsed - before.heapUsed) / 1024 / 1024).toFixed(1)} MB)${afterGc.gc ? '' : ' — no forced GC (run with --expose-gc)'}`,
  )
  const failed = results.find((r) => r.firstFailure)
  if (total.s5xx > 0) {
    console.error(`FAIL: ${total.s5xx} responses were 5xx (first: ${failed?.firstFailure})`)
    process.exitCode = 1
  }
}

if (values.serve) await serve()
else await main()
