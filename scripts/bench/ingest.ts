/**
 * `npm run bench:ingest [-- --size small|full] [--count N]`: incident ingest speed, including
 * geocoding, on the geocoding benchmark's database (native: onemap_bench_<size> on the
 * DATABASE_URL cluster; embedded: .tmp/bench-geocode-<size>; run `npm run bench:geocode` first
 * to create it). Prints incidents/s for a CSV import and for the API in batches of 1 and 1,000,
 * then the latency of a district-wide 30-day summary and a 2-year daily timeseries.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

import { stringify } from 'csv-stringify/sync'

import type { AddressRow } from '../../server/addresses/schema.ts'
import { loadConfig } from '../../server/config.ts'
import { createGeocoder } from '../../server/geocode/geocoder.ts'
import { importIncidents } from '../../server/incidents/ingest-csv.ts'
import { generateIncidents } from '../../server/seed/incidents.ts'
import type { IncidentRow } from '../../server/seed/types.ts'
import { listen } from '../../server/server.ts'
import { ROOT_DIR } from '../../server/web/static.ts'
import { openBenchDb } from './bench-db.ts'
import { QUIET } from './quiet.ts'

const { values } = parseArgs({ options: { size: { type: 'string', default: 'small' }, count: { type: 'string', default: '50000' } } })
const size = values.size as string
const count = Number(values.count)

const db = await openBenchDb(size)
const [{ n: addresses } = { n: 0 }] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM addresses`
if (addresses === 0) throw new Error('the benchmark database has no addresses: run npm run bench:geocode first')
await db.sql`DELETE FROM incidents WHERE source LIKE 'bench%'`

// Realistic reports: the seed's generator over a sample of this base's addresses.
const sample = await db.sql<AddressRow[]>`
  SELECT address_id AS "addressId", address, ST_X(geom) AS lng, ST_Y(geom) AS lat, town, village, group_no AS "groupNo",
         road, door_no AS "doorNo", compound, building, unit, room, aliases, town_code AS "townCode",
         village_code AS "villageCode", grid_code AS "gridCode", microgrid_code AS "microgridCode"
  FROM addresses ORDER BY md5(address_id) LIMIT 50000`
const end = new Date()
const generated: IncidentRow[] = [...generateIncidents(sample, { seed: 'bench-ingest', count: count * 2 + 2_000, end })]
const take = (from: number, n: number, prefix: string) =>
  generated.slice(from, from + n).map((r) => ({
    incident_id: `${prefix}${r.incidentId}`,
    reported_at: r.reportedAt.toISOString(),
    category: r.categoryCode,
    address: r.address,
    description: r.description,
    source: `bench-${prefix}`,
    status: r.status,
  }))
console.log(`${db.kind} database, ${addresses.toLocaleString()} addresses; ${generated.length.toLocaleString()} generated reports`)

// 1. CSV import.
const csvRows = take(0, count, 'C')
const csvPath = path.join(ROOT_DIR, '.tmp', 'bench-ingest.csv')
fs.writeFileSync(csvPath, stringify(csvRows, { header: true, columns: Object.keys(csvRows[0]!) }))
// The name dictionary loads once per process (seconds at full scale): timed apart from the rows.
const geocoder = createGeocoder(db)
let t0 = performance.now()
await geocoder.dictionary()
console.log(`name dictionary loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
t0 = performance.now()
const summary = await importIncidents(db, csvPath, { reportPath: null, geocoder })
let s = (performance.now() - t0) / 1000
console.log(
  `CSV import: ${csvRows.length.toLocaleString()} incidents in ${s.toFixed(1)} s = ${Math.round(csvRows.length / s).toLocaleString()}/s (inserted ${summary.inserted}, rejected ${summary.rejected})`,
)
fs.rmSync(csvPath, { force: true })

// 2. The API, batches of 1,000 and of 1.
const server = await listen(db, loadConfig({ PORT: '0', HOST: '127.0.0.1', SEED: 'none', DATA_DIR: path.join(ROOT_DIR, '.tmp'), ...QUIET }))
const post = async (body: unknown) => {
  const res = await fetch(`${server.url}/api/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status >= 300) throw new Error(`POST /api/incidents: ${res.status} ${await res.text()}`)
  await res.arrayBuffer()
}
const big = take(count, Math.min(count, 20_000), 'K')
t0 = performance.now()
for (let i = 0; i < big.length; i += 1_000) await post(big.slice(i, i + 1_000))
s = (performance.now() - t0) / 1000
console.log(
  `API, batches of 1,000: ${big.length.toLocaleString()} incidents in ${s.toFixed(1)} s = ${Math.round(big.length / s).toLocaleString()}/s`,
)
const singles = take(count + big.length, 500, 'S')
t0 = performance.now()
for (const one of singles) await post(one)
s = (performance.now() - t0) / 1000
console.log(
  `API, one per request: ${singles.length} in ${s.toFixed(1)} s = ${Math.round(singles.length / s).toLocaleString()}/s (${((s * 1000) / singles.length).toFixed(1)} ms each)`,
)

// 3. Rollup queries through the API.
async function timeGet(label: string, url: string, runs = 20): Promise<void> {
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const a = performance.now()
    const res = await fetch(`${server.url}${url}`)
    if (!res.ok) {
      console.log(`${label}: HTTP ${res.status} (${url})`)
      return
    }
    await res.arrayBuffer()
    ms.push(performance.now() - a)
  }
  ms.sort((x, y) => x - y)
  console.log(`${label}: p50 ${ms[Math.floor(runs / 2)]!.toFixed(1)} ms, max ${ms[runs - 1]!.toFixed(1)} ms`)
}
await timeGet('district 30-day summary (with 同比/环比)', '/api/stats/summary')
const from = new Date(end.getTime() - 730 * 86_400_000).toISOString().slice(0, 10)
await timeGet('district 2-year daily timeseries', `/api/stats/timeseries?bucket=day&from=${from}`)

await db.sql`DELETE FROM incidents WHERE source LIKE 'bench%'`
await server.close()
await db.close()
