/**
 * `npm run bench:geocode [-- --size small|medium|full] [--per-kind N] [--set ours|indep|both]`:
 * geocoding accuracy and speed on two evaluation sets, side by side.
 *
 * - ours: the demo address base (server/seed/) and noisy queries built from it
 *   (geocode-queries.ts). Native `onemap_bench_<size>`, embedded `.tmp/bench-geocode-<size>`.
 * - indep: an address base, gazetteer and queries from the independent generator
 *   (scripts/bench/indep/: its own vocabulary, noise model and truth, sharing no code with the
 *   seed or the geocoder), loaded the way a district would load its own: the boundaries seed, then
 *   `importAddresses` and `importGazetteer` on the generated CSV files. Native
 *   `onemap_bench_indep_<size>`, embedded `.tmp/bench-geocode-indep-<size>`.
 *
 * Each database is prepared once. Per set: accuracy per kind (top-1, false door-level matches),
 * then throughput (HTTP batches of 10,000) and single-query latency over HTTP; last, both sets
 * against the issue's targets.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

import postgres from 'postgres'

import { addressBaseChanged } from '../../server/addresses/base.ts'
import { importAddresses } from '../../server/addresses/import.ts'
import { loadConfig } from '../../server/config.ts'
import { type Db, openDatabase } from '../../server/db/index.ts'
import { importGazetteer } from '../../server/gazetteer/import-csv.ts'
import { GeocodeBatchResponseSchema, GeocodeResponseSchema, type GeocodeResult } from '../../server/geocode/schema.ts'
import { generateAddresses, generateBoundaries } from '../../server/seed/index.ts'
import { loadAddresses, loadAreas } from '../../server/seed/load.ts'
import { createRng } from '../../server/seed/rng.ts'
import { DEFAULT_SEED, SEED_SIZES, seedDemo } from '../../server/seed/run.ts'
import { listen } from '../../server/server.ts'
import { ROOT_DIR } from '../../server/web/static.ts'
import { type BaseRow, buildQueries, judge as judgeOurs } from './geocode-queries.ts'
import { generateIndependentSet, readQueries } from './indep/generate.ts'
import { judge as judgeIndep } from './indep/judge.ts'
import type { IndepArea } from './indep/types.ts'
import { QUIET } from './quiet.ts'

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'small' },
    'per-kind': { type: 'string', default: '1000' },
    set: { type: 'string', default: 'both' },
  },
})
const size = values.size as 'small' | 'medium' | 'full'
if (!(size in SEED_SIZES)) throw new Error(`--size must be small, medium or full`)
const perKind = Number(values['per-kind'])
const sets = values.set === 'both' ? (['ours', 'indep'] as const) : ([values.set] as ('ours' | 'indep')[])
if (!sets.every((s) => s === 'ours' || s === 'indep')) throw new Error('--set must be ours, indep or both')
const native = Boolean(process.env.DATABASE_URL)
if (!native && size === 'full') throw new Error('the full base needs native PostGIS (set DATABASE_URL)')
const want = SEED_SIZES[size].addresses
/** The independent set's seed: fixed, so every run measures the same queries. */
const INDEP_SEED = 'indep-2026-12'

/** One query of either set, as the bench sends it and judges its answer. */
interface Query {
  kind: string
  coarse: boolean
  text: string
  lng?: number | undefined
  lat?: number | undefined
  crs?: 'wgs84' | 'gcj02' | 'bd09' | undefined
  judge: (r: GeocodeResult) => { correct: boolean; falseDoor: boolean; falsePrecision?: boolean }
}

interface SetResult {
  name: string
  addresses: number
  queries: number
  top1: number
  falseDoor: number
  falsePrecision: number
  coarse: number
  batchQps: number
  p50: number
  p95: number
  p99: number
}

async function openBenchDb(name: string, dir: string): Promise<Db> {
  if (native) {
    const base = new URL(process.env.DATABASE_URL!)
    const admin = postgres(base.toString(), { max: 1, onnotice: () => {} })
    const [exists] = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`
    if (!exists) await admin`CREATE DATABASE ${admin(name)}`
    await admin.end()
    base.pathname = `/${name}`
    return openDatabase({ databaseUrl: base.toString(), dataDir: path.join(ROOT_DIR, '.tmp'), migrate: true })
  }
  return openDatabase({ dataDir: path.join(ROOT_DIR, '.tmp', dir), migrate: true })
}

const addressCount = async (db: Db) => (await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM addresses`)[0]!.n

/** Our set: the demo base, and queries made from a sample of it by the seed's own noise styles. */
async function oursSet(): Promise<{ db: Db; queries: Query[] }> {
  const db = await openBenchDb(`onemap_bench_${size}`, `bench-geocode-${size}`)
  if ((await addressCount(db)) < want) {
    console.log(`preparing the ${size} demo address base (${want.toLocaleString()} addresses; once)…`)
    const t0 = Date.now()
    const areas = generateBoundaries(DEFAULT_SEED)
    await loadAreas(db.sql, areas)
    let last = 0
    await loadAddresses(db, generateAddresses(areas, { seed: DEFAULT_SEED, count: want }), (n) => {
      if (n - last >= 500_000) {
        console.log(`  ${n.toLocaleString()} addresses`)
        last = n
      }
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
  const queries = buildQueries(sample, createRng('bench-geocode'), perKind).map((q): Query => ({
    kind: q.kind,
    coarse: q.coarse,
    text: q.text,
    lng: q.lng,
    lat: q.lat,
    crs: q.crs,
    judge: (r) => ({ ...judgeOurs(q, r), falseDoor: judgeOurs(q, r).falseMatch }),
  }))
  return { db, queries }
}

/** The independent set: generated files, imported by the product's own importers. */
async function indepSet(): Promise<{ db: Db; queries: Query[] }> {
  const db = await openBenchDb(`onemap_bench_indep_${size}`, `bench-geocode-indep-${size}`)
  const outDir = path.join(ROOT_DIR, '.tmp', `indep-${size}`)
  const queriesPath = path.join(outDir, 'queries.jsonl')
  const generate = async () => {
    const areas = await db.sql<{ code: string; name: string; level: 'town' | 'village'; parent_code: string | null; g: string }[]>`
      SELECT code, name, level, parent_code, ST_AsGeoJSON(ST_Multi(geom)) AS g FROM admin_areas WHERE level IN ('town', 'village') ORDER BY code`
    const indepAreas: IndepArea[] = areas.map((a) => ({
      code: a.code,
      name: a.name,
      level: a.level,
      parentCode: a.parent_code,
      geometry: JSON.parse(a.g),
    }))
    console.log(`generating the independent set (${want.toLocaleString()} addresses, ${perKind} queries a kind)…`)
    return generateIndependentSet({
      areas: indepAreas,
      count: want,
      seed: INDEP_SEED,
      outDir,
      perKind,
      log: (l) => process.stderr.write(`  ${l}\r`),
    })
  }
  if ((await addressCount(db)) < want) {
    const t0 = Date.now()
    await seedDemo(db, { size, only: 'boundaries' })
    const g = await generate()
    console.log(`\nimporting ${g.baseCsv} with npm run import's importer…`)
    const a = await importAddresses(db, g.baseCsv, { reportPath: path.join(outDir, 'base.rejects.csv') })
    console.log(
      `  ${a.inserted.toLocaleString()} inserted, ${a.rejected.toLocaleString()} rejected (${a.seconds} s; parts parsed from text for ${a.fromText.toLocaleString()})`,
    )
    const z = await importGazetteer(db, g.gazetteerCsv, { reportPath: path.join(outDir, 'gazetteer.rejects.csv') })
    console.log(`  gazetteer: ${z.inserted} inserted, ${z.rejected} rejected`)
    console.log(`  ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  } else if (!fs.existsSync(queriesPath) || JSON.parse(fs.readFileSync(path.join(outDir, 'summary.json'), 'utf8')).perKind !== perKind) {
    // The generator is a pure function of its inputs: the same base, and the queries again.
    await generate()
  }
  const queries = (await readQueries(queriesPath)).map((q): Query => ({
    kind: q.kind,
    coarse: q.coarse,
    text: q.text,
    lng: q.lng,
    lat: q.lat,
    crs: q.crs as Query['crs'],
    judge: (r) => judgeIndep(q, r),
  }))
  return { db, queries }
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(2)} %` : '—')

async function run(name: 'ours' | 'indep'): Promise<SetResult> {
  const { db, queries } = name === 'ours' ? await oursSet() : await indepSet()
  const n = await addressCount(db)
  console.log(
    `\n== ${name === 'ours' ? 'our set (demo base, our noise)' : 'independent set (its own base, vocabulary, noise and truth)'}: ` +
      `${db.kind}, ${n.toLocaleString()} addresses, ${queries.length.toLocaleString()} queries over ${new Set(queries.map((q) => q.kind)).size} kinds`,
  )
  const server = await listen(
    db,
    loadConfig({ PORT: '0', HOST: '127.0.0.1', SEED: 'none', DATA_DIR: path.join(ROOT_DIR, '.tmp'), ...QUIET }),
  )
  try {
    const toItem = (q: Query, i: number) => ({
      id: String(i),
      address: q.text,
      ...(q.lng !== undefined ? { lng: q.lng, lat: q.lat, crs: q.crs ?? 'wgs84' } : {}),
    })
    const batch = async (items: ReturnType<typeof toItem>[]): Promise<GeocodeResult[]> => {
      const res = await fetch(`${server.url}/api/geocode/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items }),
      })
      if (!res.ok) throw new Error(`batch: HTTP ${res.status} ${await res.text()}`)
      return GeocodeBatchResponseSchema.parse(await res.json()).results
    }
    // Warm up (dictionary load, plans), then the accuracy run in batches of 10,000.
    await batch(queries.slice(0, 200).map(toItem))
    const results: GeocodeResult[] = []
    const tBatch = performance.now()
    for (let i = 0; i < queries.length; i += 10_000) results.push(...(await batch(queries.slice(i, i + 10_000).map(toItem))))
    const batchSeconds = (performance.now() - tBatch) / 1000

    interface Tally {
      n: number
      correct: number
      falseDoor: number
      falsePrecision: number
      coarse: boolean
    }
    const byKind = new Map<string, Tally>()
    const total = { address: { n: 0, correct: 0 }, coarse: { n: 0, correct: 0 }, falseDoor: 0, falsePrecision: 0 }
    const misses: string[] = []
    const missed = new Map<string, number>()
    queries.forEach((q, i) => {
      const r = results[i]!
      const j = q.judge(r)
      const t = byKind.get(q.kind) ?? { n: 0, correct: 0, falseDoor: 0, falsePrecision: 0, coarse: q.coarse }
      byKind.set(q.kind, t)
      t.n++
      const x = q.coarse ? total.coarse : total.address
      x.n++
      if (j.correct) {
        t.correct++
        x.correct++
      }
      if (j.falseDoor) {
        t.falseDoor++
        total.falseDoor++
      }
      if (j.falsePrecision) {
        t.falsePrecision++
        total.falsePrecision++
      }
      // BENCH_MISSES=N: up to N misses of each kind, to read.
      if (!j.correct && process.env.BENCH_MISSES && (missed.get(q.kind) ?? 0) < Number(process.env.BENCH_MISSES)) {
        missed.set(q.kind, (missed.get(q.kind) ?? 0) + 1)
        misses.push(`  ${q.kind}: ${q.text} → ${r.level} ${r.addressId ?? ''} ${r.address ?? ''} (${r.score})`)
      }
    })
    console.log('kind                         queries   correct  false door')
    for (const [kind, t] of byKind) {
      console.log(
        `${(t.coarse ? '(coarse) ' : '') + kind}`.padEnd(28),
        String(t.n).padStart(8),
        pct(t.correct, t.n).padStart(9),
        pct(t.falseDoor, t.n).padStart(11),
      )
    }
    if (misses.length) console.log(`some misses:\n${misses.join('\n')}`)

    // Speed: batch throughput (above) and single-query latency over HTTP.
    const singles = queries.filter((_, i) => i % Math.max(1, Math.floor(queries.length / 2000)) === 0).slice(0, 2000)
    const lat: number[] = []
    for (const q of singles) {
      const t0 = performance.now()
      const res = await fetch(
        `${server.url}/api/geocode?q=${encodeURIComponent(q.text)}${q.lng !== undefined ? `&lng=${q.lng}&lat=${q.lat}&crs=${q.crs ?? 'wgs84'}` : ''}`,
      )
      GeocodeResponseSchema.parse(await res.json())
      lat.push(performance.now() - t0)
    }
    lat.sort((a, b) => a - b)
    const at = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!
    return {
      name,
      addresses: n,
      queries: queries.length,
      top1: total.address.correct / total.address.n,
      falseDoor: total.falseDoor / queries.length,
      falsePrecision: total.falsePrecision / queries.length,
      coarse: total.coarse.correct / total.coarse.n,
      batchQps: queries.length / batchSeconds,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
    }
  } finally {
    await server.close()
    await db.close()
    fs.rmSync(path.join(ROOT_DIR, '.tmp', 'pglite.pid'), { force: true })
  }
}

const out: SetResult[] = []
for (const s of sets) out.push(await run(s))

// Both sets against the targets of issue 19.
const row = (label: string, f: (r: SetResult) => string, target: string, ok: (r: SetResult) => boolean) =>
  console.log(label.padEnd(30) + out.map((r) => `${f(r)} ${ok(r) ? '✓' : '✗'}`.padStart(16)).join('') + `   ${target}`)
console.log(`\n${''.padEnd(30)}${out.map((r) => (r.name === 'ours' ? 'ours' : 'independent').padStart(16)).join('')}   target`)
row(
  'addresses',
  (r) => r.addresses.toLocaleString(),
  '',
  () => true,
)
row(
  'top-1 (address queries)',
  (r) => `${(100 * r.top1).toFixed(2)} %`,
  '≥ 98 %',
  (r) => r.top1 >= 0.98,
)
row(
  'false door-level matches',
  (r) => `${(100 * r.falseDoor).toFixed(3)} %`,
  '≤ 0.2 %',
  (r) => r.falseDoor <= 0.002,
)
row(
  'coarse at the right level',
  (r) => `${(100 * r.coarse).toFixed(2)} %`,
  '≥ 97 %',
  (r) => r.coarse >= 0.97,
)
row(
  'junctions claimed falsely',
  (r) => `${(100 * r.falsePrecision).toFixed(3)} %`,
  '',
  () => true,
)
row(
  'batch over HTTP',
  (r) => `${Math.round(r.batchQps).toLocaleString()}/s`,
  '≥ 8,000/s',
  (r) => r.batchQps >= 8000,
)
row(
  'single p50',
  (r) => `${r.p50.toFixed(1)} ms`,
  '',
  () => true,
)
row(
  'single p95',
  (r) => `${r.p95.toFixed(1)} ms`,
  '≤ 10 ms',
  (r) => r.p95 <= 10,
)
row(
  'single p99',
  (r) => `${r.p99.toFixed(1)} ms`,
  '',
  () => true,
)
