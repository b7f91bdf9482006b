/**
 * `npm run bench:device-events [-- --count 100000]`: the device events import (a time series:
 * batches of 5,000 lines, one INSERT … ON CONFLICT DO NOTHING each) on a fresh copy of the test
 * district (native when DATABASE_URL is set, else embedded). 1,000 devices are imported first,
 * then `count` events (readings, alarms, faults, online/test, and 1 % deliveries with coordinates,
 * placed as reports are) from a CSV, then the same file again (every line already there).
 *
 * Two figures measured in the same run put the number in proportion:
 * - the floor: the same rows inserted by bare SQL (one INSERT … SELECT FROM unnest per 5,000, no
 *   CSV, no checks, no placement) — the database's own speed, which the import cannot beat;
 * - the reference: the incidents CSV import (`importIncidents`, placed by coordinates) on
 *   20,000 lines, the project's other batched import.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

import { importDeviceEvents, importDevices } from '../../server/devices/import-csv.ts'
import { createGeocoder } from '../../server/geocode/geocoder.ts'
import { importIncidents } from '../../server/incidents/ingest-csv.ts'
import { createTestDb, TEST_KIND } from '../../server/testing/db.ts'

const { values } = parseArgs({ options: { count: { type: 'string', default: '100000' } } })
const count = Number(values.count)
const DEVICES = 1_000
const INCIDENTS = 20_000

const t = await createTestDb({ seed: 'boundaries' })
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-device-events-'))
const db = t.db
try {
  const grids = await db.sql<{ lng: number; lat: number }[]>`
    SELECT ST_X(label_point) AS lng, ST_Y(label_point) AS lat FROM admin_areas WHERE level = 'grid' ORDER BY code LIMIT ${DEVICES}`
  const geocoder = createGeocoder(db)
  await geocoder.dictionary()

  // 1,000 devices, each at a grid's label point.
  const kinds = ['smoke_detector', 'gas_alarm', 'gas_cylinder', 'ebike_charger'] as const
  const devicesCsv = path.join(tmp, 'devices.csv')
  fs.writeFileSync(
    devicesCsv,
    'device_id,kind,lng,lat\n' +
      Array.from({ length: DEVICES }, (_, i) => {
        const g = grids[i % grids.length]!
        return `DEV-${i},${kinds[i % 4]},${g.lng},${g.lat}\n`
      }).join(''),
  )
  const d = await importDevices(db, devicesCsv, { reportPath: null, geocoder })
  if (d.inserted !== DEVICES) throw new Error(`devices: ${JSON.stringify(d)}`)

  // `count` events over 60 days, mostly readings; 1 % deliveries with coordinates.
  const end = Date.now() - 3600_000
  const eventsCsv = path.join(tmp, 'events.csv')
  const rows: string[] = []
  for (let i = 0; i < count; i++) {
    const dev = i % DEVICES
    const at = new Date(end - Math.floor(i / DEVICES) * 60_000 - dev * 7).toISOString()
    const r = i % 100
    if (r === 0) {
      const g = grids[(i * 7) % grids.length]!
      rows.push(`DEV-${dev},${at},delivery,,,${g.lng},${g.lat}`)
    } else if (r < 3) rows.push(`DEV-${dev},${at},alarm,,,,`)
    else if (r < 4) rows.push(`DEV-${dev},${at},fault,,,,`)
    else if (r < 6) rows.push(`DEV-${dev},${at},online,,,,`)
    else if (r < 7) rows.push(`DEV-${dev},${at},test,,,,`)
    else rows.push(`DEV-${dev},${at},reading,${(i % 997) / 10},,,`)
  }
  fs.writeFileSync(eventsCsv, 'device_id,at,kind,value,station,lng,lat\n' + rows.join('\n') + '\n')
  const mb = (fs.statSync(eventsCsv).size / 1e6).toFixed(1)

  let t0 = performance.now()
  const first = await importDeviceEvents(db, eventsCsv, { reportPath: null, geocoder })
  const importS = (performance.now() - t0) / 1000
  if (first.inserted !== count) throw new Error(`events: ${JSON.stringify({ ...first, rejects: first.rejects.slice(0, 3) })}`)
  t0 = performance.now()
  const again = await importDeviceEvents(db, eventsCsv, { reportPath: null, geocoder })
  const againS = (performance.now() - t0) / 1000

  // The floor: the same rows by bare SQL, into an empty table, 5,000 per statement.
  await db.sql`DELETE FROM device_events`
  const ids = new Map(
    (await db.sql<{ device_id: string; id: string }[]>`SELECT device_id, id::text FROM devices`).map((r) => [r.device_id, r.id]),
  )
  const parsed = rows.map((l) => {
    const [dev, at, kind, value, , lng, lat] = l.split(',')
    return {
      id: ids.get(dev!)!,
      at: at!,
      kind: kind!,
      value: value ? Number(value) : null,
      lng: lng ? Number(lng) : null,
      lat: lat ? Number(lat) : null,
    }
  })
  t0 = performance.now()
  for (let i = 0; i < parsed.length; i += 5_000) {
    const b = parsed.slice(i, i + 5_000)
    await db.sql`
      INSERT INTO device_events (device_id, at, kind, value, geom)
      SELECT e.d, e.at, e.k, e.v, CASE WHEN e.x IS NULL THEN NULL ELSE ST_SetSRID(ST_Point(e.x, e.y), 4326) END
      FROM unnest(${b.map((r) => r.id)}::bigint[], ${b.map((r) => r.at)}::timestamptz[], ${b.map((r) => r.kind)}::text[],
                  ${b.map((r) => r.value)}::float8[], ${b.map((r) => r.lng)}::float8[], ${b.map((r) => r.lat)}::float8[]) AS e (d, at, k, v, x, y)
      ON CONFLICT DO NOTHING`
  }
  const floorS = (performance.now() - t0) / 1000

  // The reference: the incidents CSV import, placed by coordinates.
  const incidentsCsv = path.join(tmp, 'incidents.csv')
  fs.writeFileSync(
    incidentsCsv,
    'incident_id,reported_at,category,lng,lat,description\n' +
      Array.from({ length: INCIDENTS }, (_, i) => {
        const g = grids[i % grids.length]!
        return `INC-${i},${new Date(end - i * 60_000).toISOString()},0101,${g.lng},${g.lat},盗窃\n`
      }).join(''),
  )
  t0 = performance.now()
  const inc = await importIncidents(db, incidentsCsv, { reportPath: null, geocoder })
  const incS = (performance.now() - t0) / 1000
  if (inc.inserted !== INCIDENTS) throw new Error(`incidents: ${JSON.stringify({ ...inc, rejects: inc.rejects.slice(0, 3) })}`)

  const rate = (n: number, s: number) => Math.round(n / s)
  const fmt = (n: number) => n.toLocaleString('en-US')
  console.log(`${TEST_KIND} database, ${os.cpus().length} CPUs; ${fmt(count)} events (${mb} MB CSV) of ${fmt(DEVICES)} devices`)
  console.log(
    `device events import:        ${fmt(rate(count, importS))} rows/s (${importS.toFixed(1)} s; ${first.unplaced} unplaced deliveries)`,
  )
  console.log(
    `  re-run, all already there: ${fmt(rate(count, againS))} rows/s (${againS.toFixed(1)} s; inserted ${again.inserted}, unchanged ${fmt(again.unchanged)})`,
  )
  console.log(
    `floor, bare SQL inserts:     ${fmt(rate(count, floorS))} rows/s (${floorS.toFixed(1)} s): the import runs at ${Math.round((100 * floorS) / importS)} % of it`,
  )
  console.log(
    `reference, incidents import: ${fmt(rate(INCIDENTS, incS))} rows/s (${incS.toFixed(1)} s for ${fmt(INCIDENTS)}): events are ${(rate(count, importS) / rate(INCIDENTS, incS)).toFixed(1)}× faster`,
  )
} finally {
  await t.drop()
  fs.rmSync(tmp, { recursive: true, force: true })
}
