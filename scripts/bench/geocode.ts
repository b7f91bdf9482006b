/**
 * `npm run bench:geocode [-- --size small|medium|full] [--per-kind N]`: geocoding accuracy and speed.
 *
 * Uses a benchmark database of its own (native: `onemap_bench_<size>` on the DATABASE_URL
 * cluster; embedded: .tmp/bench-geocode-<size>), seeded once with boundaries and the address base.
 * Prints, per noise kind and overall: top-1 accuracy, false matches (a wrong addressId), level
 * accuracy for coarse queries; then throughput and latency over HTTP, single and batch.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { addressBaseChanged } from '../../server/addresses/base.ts'
import { loadConfig } from '../../server/config.ts'
import { openDatabase, type Db } from '../../server/db/index.ts'
import { GeocodeBatchResponseSchema, GeocodeResponseSchema, type GeocodeResult } from '../../server/geocode/schema.ts'
import { generateAddresses, generateBoundaries } from '../../server/seed/index.ts'
import { loadAddresses, loadAreas } from '../../server/seed/load.ts'
import { createRng } from '../../server/seed/rng.ts'
import { SEED_SIZES, DEFAULT_SEED } from '../../server/seed/run.ts'
import { listen } from '../../server/server.ts'
import { QUIET } from './quiet.ts'
import { ROOT_DIR } from '../../server/web/static.ts'
import { buildQueries, judge, type BaseRow, type BenchQuery } from './geocode-queries.ts'

const { values } = parseArgs({ options: { size: { type: 'string', default: 'small' }, 'per-kind': { type: 'string', default: '1000' } } })
const size = values.size as 'small' | 'medium' | 'full'
if (!(size in SEED_SIZES)) throw new Error(`--size must be small, medium or full`)
const perKind = Number(values['per-kind'])
const native = Boolean(process.env.DATABASE_URL)
if (!native && size === 'full') throw new Error('the full base needs native PostGIS (set DATABASE_URL)')

async function openBenchDb(): Promise<Db> {
  if (native) {
    const base = new URL(process.env.DATABASE_URL!)
    const name = `onemap_bench_${size}`
    const admin = postgres(base.toString(), { max: 1, onnotice: () => {} })
    const [exists] = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`
    if (!exists) await admin`CREATE DATABASE ${admin(name)}`
    await admin.end()
    base.pathname = `/${name}`
    return openDatabase({ databaseUrl: base.toString(), dataDir: path.join(ROOT_DIR, '.tmp'), migrate: true })
  }
  return openDatabase({ dataDir: path.join(ROOT_DIR, '.tmp', `bench-geocode-${size}`), migrate: true })
}

const db = await openBenchDb()
const [{ n: have } = { n: 0 }] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM addresses`
const want = SEED_SIZES[size].addresses
if (have < want) {
  console.log(`preparing the ${size} address base (${want.toLocaleString()} addresses; once)…`)
  const t0 = Date.now()
  const areas = generateBoundaries(DEFAULT_SEED)
  await loadAreas(db.sql, areas)
  let last = 0
  await loadAddresses(db, generateAddresses(areas, { seed: DEFAULT_SEED, count: want }), (n) => {
    if (n - last >= 500_000) console.log(`  ${n.toLocaleString()} addresses`), (last = n)
  })
  await addressBaseChanged(db.sql)
  await db.sql`ANALYZE addresses`
  console.log(`  ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
}

// A reproducible sample of the base, with each room's gate door (its own address, if any).
const sample = await db.sql<BaseRow[]>`
  SELECT a.address_id, a.town, a.village, a.group_no, a.road, a.door_no, a.compound, a.building, a.unit, a.room,
         a.aliases, a.town_code, a.village_code, ST_X(a.geom) AS lng, ST_Y(a.geom) AS lat,
         (SELECT g.address_id FROM addresses g
          WHERE a.compound IS NOT NULL AND g.town_code = a.town_code AND g.road = a.road AND g.door_no = a.door_no
            AND g.building IS NULL AND g.room IS NULL LIMIT 1) AS gate_id
  FROM addresses a
  ORDER BY md5(a.address_id || 'bench')
  LIMIT ${perKind * 6}`
const queries = buildQueries(sample, createRng('bench-geocode'), perKind)
console.log(`${db.kind} database, ${have >= want ? have.toLocaleString() : want.toLocaleString()} addresses; ${queries.length.toLocaleString()} queries over ${new Set(queries.map((q) => q.kind)).size} kinds`)

const server = await listen(db, loadConfig({ PORT: '0', HOST: '127.0.0.1', SEED: 'none', DATA_DIR: path.join(ROOT_DIR, '.tmp'), ...QUIET }))
const toItem = (q: BenchQuery, i: number) => ({ id: String(i), address: q.text, ...(q.lng !== undefined ? { lng: q.lng, lat: q.lat, crs: q.crs } : {}) })

async function batch(items: ReturnType<typeof toItem>[]): Promise<GeocodeResult[]> {
  const res = await fetch(`${server.url}/api/geocode/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) })
  if (!res.ok) throw new Error(`batch: HTTP ${res.status} ${await res.text()}`)
  return GeocodeBatchResponseSchema.parse(await res.json()).results
}

// Warm up (dictionary load, plans), then the accuracy run in batches of 10,000.
await batch(queries.slice(0, 200).map(toItem))
const results: GeocodeResult[] = []
const tBatch = performance.now()
for (let i = 0; i < queries.length; i += 10_000) results.push(...(await batch(queries.slice(i, i + 10_000).map(toItem))))
const batchSeconds = (performance.now() - tBatch) / 1000

interface Tally { n: number; correct: number; falseMatch: number }
const byKind = new Map<string, Tally & { coarse: boolean }>()
const total = { address: { n: 0, correct: 0, falseMatch: 0 }, coarse: { n: 0, correct: 0, falseMatch: 0 } }
const misses: string[] = []
queries.forEach((q, i) => {
  const r = results[i]!
  const j = judge(q, r)
  const t = byKind.get(q.kind) ?? { n: 0, correct: 0, falseMatch: 0, coarse: q.coarse }
  byKind.set(q.kind, t)
  for (const x of [t, q.coarse ? total.coarse : total.address]) {
    x.n++
    if (j.correct) x.correct++
    if (j.falseMatch) x.falseMatch++
  }
  if (!j.correct && misses.length < 40) misses.push(`  ${q.kind}: ${q.text} → ${r.level} ${r.addressId ?? ''} (want ${q.expect.level} ${q.expect.addressId ?? ''})`)
})
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(2)} %` : '—')
console.log('\nkind                     queries   correct    false matches')
for (const [kind, t] of byKind) console.log(`${(t.coarse ? '(coarse) ' : '') + kind}`.padEnd(24), String(t.n).padStart(8), pct(t.correct, t.n).padStart(10), pct(t.falseMatch, t.n).padStart(12))
console.log(`\noverall top-1 (address queries): ${pct(total.address.correct, total.address.n)} of ${total.address.n}`)
console.log(`false matches (wrong addressId): ${pct(total.address.falseMatch + total.coarse.falseMatch, total.address.n + total.coarse.n)}`)
console.log(`level accuracy (coarse queries): ${pct(total.coarse.correct, total.coarse.n)} of ${total.coarse.n}`)
if (process.env.BENCH_MISSES) console.log(`\nsome misses:\n${misses.join('\n')}`)

// Speed: batch throughput (above) and single-query latency over HTTP.
console.log(`\nbatch: ${Math.round(queries.length / batchSeconds).toLocaleString()} queries/s (HTTP, batches of 10,000)`)
const singles = queries.filter((_, i) => i % Math.max(1, Math.floor(queries.length / 2000)) === 0).slice(0, 2000)
const lat: number[] = []
const tSingle = performance.now()
for (const q of singles) {
  const t0 = performance.now()
  const res = await fetch(`${server.url}/api/geocode?q=${encodeURIComponent(q.text)}${q.lng !== undefined ? `&lng=${q.lng}&lat=${q.lat}&crs=${q.crs}` : ''}`)
  GeocodeResponseSchema.parse(await res.json())
  lat.push(performance.now() - t0)
}
const singleSeconds = (performance.now() - tSingle) / 1000
lat.sort((a, b) => a - b)
const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(1)
console.log(`single: ${Math.round(singles.length / singleSeconds).toLocaleString()} queries/s sequential, p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, p99 ${q(0.99)} ms (${singles.length} queries)`)

await server.close()
await db.close()
fs.rmSync(path.join(ROOT_DIR, '.tmp', 'pglite.pid'), { force: true })
