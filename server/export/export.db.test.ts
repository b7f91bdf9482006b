import v8 from 'node:v8'
import vm from 'node:vm'

import { parse } from 'csv-parse/sync'
import gcoord from 'gcoord'
import type { FeatureCollection, MultiPolygon, Point } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { IncidentPage } from '../incidents/query-schema.ts'
import { insertIncidents } from '../ogc/fixtures.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import type { ExportRecord } from './schema.ts'

/** Incidents for the memory test: ≥200k on native; fewer on the embedded database (see below). */
const BIG = TEST_KIND === 'native' ? 200_000 : 60_000
const KNOWN: [number, number] = [120.2645, 30.1617]

describe(`exports (${TEST_KIND})`, () => {
  let s: TestServer
  let town: string
  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    // 1,500 incidents 40 minutes apart from 25 September: some before, most in October.
    await insertIncidents(s.db.sql, 'exp-', 1_500, '2026-09-25T00:00:00+08:00', 40 * 60)
    await s.db.sql`
      INSERT INTO incidents (incident_id, reported_at, category_code, town_code, geom) VALUES
        ('exp-unplaced', '2026-10-03T10:00:00+08:00', '0101', NULL, NULL),
        ('exp-known', '2026-10-04T10:00:00+08:00', '0201', NULL, ST_SetSRID(ST_MakePoint(${KNOWN[0]}, ${KNOWN[1]}), 4326))`
    const [t] = await s.db.sql<
      { town_code: string }[]
    >`SELECT town_code FROM incidents WHERE town_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`
    town = t!.town_code
  }, 300_000)
  afterAll(async () => {
    await s?.close()
  })

  const get = (p: string, init?: RequestInit) => fetch(`${s.url}${p}`, init)
  const records = async () => (await (await get('/api/exports?limit=1000')).json()) as ExportRecord[]
  /** The record matching `pred` once it has ended (the client may see the last byte before the server records the end). */
  const ended = async (pred: (r: ExportRecord) => boolean): Promise<ExportRecord | undefined> => {
    let rec: ExportRecord | undefined
    for (let i = 0; i < 100; i++) {
      rec = (await records()).find(pred)
      if (rec && rec.status !== 'running') break
      await new Promise((r) => setTimeout(r, 50))
    }
    return rec
  }

  it('exports incidents as GeoJSON with the map’s filters: the same rows as GET /api/incidents', async () => {
    const filter = `from=2026-10-01&to=2026-11-01&category=01,0201&area=${town}&bbox=120.0,29.8,120.8,30.5`
    const res = await get(`/api/export/incidents.geojson?${filter}`, { headers: { 'x-user': 'analyst-7' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/)
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="incidents_${town}_2026-10-01_2026-11-01.geojson"`)
    const fc = (await res.json()) as FeatureCollection<Point>
    const api = (await (await get(`/api/incidents?${filter}&limit=10000`)).json()) as IncidentPage
    expect(api.next).toBeNull()
    expect(fc.features.length).toBeGreaterThan(20)
    expect(fc.features.length).toBe(api.features.length)
    expect(fc.features.map((f) => f.id).sort()).toEqual(api.features.map((f) => f.id).sort())
    // The same properties as the API, in RFC 7946 lon/lat.
    const byId = new Map(api.features.map((f) => [f.id, f]))
    for (const f of fc.features) {
      expect(f.properties).toEqual(byId.get(Number(f.id))!.properties)
      expect(f.geometry.coordinates).toEqual(byId.get(Number(f.id))!.geometry!.coordinates)
    }

    const rec = (await ended((r) => r.fileName === `incidents_${town}_2026-10-01_2026-11-01.geojson`))!
    expect(rec).toMatchObject({
      requestedBy: 'analyst-7',
      layer: 'incidents',
      format: 'geojson',
      crs: 'wgs84',
      status: 'finished',
      rows: fc.features.length,
      filters: { from: '2026-10-01', to: '2026-11-01', category: '01,0201', area: town, bbox: '120.0,29.8,120.8,30.5' },
    })
    expect(rec.bytes).toBeGreaterThan(1000)
    expect(Date.parse(rec.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(rec.startedAt))
  })

  it('exports CSV with a BOM, a header of the properties and lng/lat, one line per row', async () => {
    const res = await get('/api/export/incidents.csv?from=2026-10-01&to=2026-10-15')
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="incidents_2026-10-01_2026-10-15.csv"')
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder().decode(bytes) // drops the BOM
    const rows = parse(text, { columns: true }) as Record<string, string>[]
    expect(text.split('\r\n')[0]).toBe(
      'id,incidentId,reportedAt,category,categoryName,address,status,source,geocodeLevel,geocodeScore,approximate,outsideDistrict,townCode,villageCode,gridCode,description,lng,lat',
    )
    const [n] = await s.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM incidents WHERE reported_at >= '2026-10-01T00:00:00+08:00' AND reported_at < '2026-10-15T00:00:00+08:00'`
    expect(rows).toHaveLength(n!.n)
    const unplaced = rows.find((r) => r.incidentId === 'exp-unplaced')!
    expect(unplaced).toMatchObject({ lng: '', lat: '', category: '0101', categoryName: '入室盗窃' })
    const placed = rows.find((r) => r.incidentId === 'exp-known')!
    expect([Number(placed.lng), Number(placed.lat)]).toEqual(KNOWN)
    // An analyst opening the file in Excel reads Xiaoshan's clock (10:00), not UTC's (02:00).
    expect(placed.reportedAt).toBe('2026-10-04T10:00:00+08:00')
    // Empty result: still a header.
    const empty = await (await get('/api/export/incidents.csv?from=2030-01-01')).text()
    expect(empty.replace('\ufeff', '').trim()).toMatch(/^id,incidentId,/)
  })

  it('converts to GCJ-02 or BD-09 on request, as gcoord does', async () => {
    const box = `bbox=${KNOWN[0] - 0.0001},${KNOWN[1] - 0.0001},${KNOWN[0] + 0.0001},${KNOWN[1] + 0.0001}`
    for (const [crs, target] of [
      ['gcj02', gcoord.GCJ02],
      ['bd09', gcoord.BD09],
    ] as const) {
      const res = await get(`/api/export/incidents.geojson?${box}&crs=${crs}`)
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="incidents_${crs}.geojson"`)
      const fc = (await res.json()) as FeatureCollection<Point> & { coordinateSystem: string }
      expect(fc.coordinateSystem).toBe(crs)
      const known = fc.features.find((f) => f.properties!.incidentId === 'exp-known')!
      const expected = gcoord.transform([...KNOWN], gcoord.WGS84, target) as [number, number]
      expect(known.geometry.coordinates[0]).toBeCloseTo(expected[0], 9)
      expect(known.geometry.coordinates[1]).toBeCloseTo(expected[1], 9)
      if (crs === 'gcj02') {
        expect(known.geometry.coordinates[0]).toBeCloseTo(120.26896, 4) // crs.ts's worked example
        expect(known.geometry.coordinates[1]).toBeCloseTo(30.15924, 4)
      }
    }
    // Polygons too: every vertex of a town in BD-09.
    const wgs = (await (await get('/api/export/towns.geojson?area=330109001')).json()) as FeatureCollection<MultiPolygon>
    const bd = (await (await get('/api/export/towns.geojson?area=330109001&crs=bd09')).json()) as FeatureCollection<MultiPolygon>
    const [x, y] = wgs.features[0]!.geometry.coordinates[0]![0]![0]!
    expect(bd.features[0]!.geometry.coordinates[0]![0]![0]).toEqual(gcoord.transform([x!, y!], gcoord.WGS84, gcoord.BD09))
  })

  it('exports admin layers filtered by area, CSV with WKT', async () => {
    const towns = await get('/api/export/towns.geojson?area=330109')
    expect(towns.headers.get('content-disposition')).toBe('attachment; filename="towns_330109.geojson"')
    expect(((await towns.json()) as FeatureCollection).features).toHaveLength(27)
    const csv = await (await get('/api/export/villages.csv?area=330109001')).text()
    const rows = parse(csv.replace('\ufeff', ''), { columns: true }) as Record<string, string>[]
    expect(rows).toHaveLength(36)
    expect(Object.keys(rows[0]!)).toEqual(['code', 'name', 'level', 'parentCode', 'population', 'wkt'])
    expect(rows.every((r) => r.parentCode === '330109001' && r.wkt!.startsWith('MULTIPOLYGON(((120.'))).toBe(true)
  })

  it('refuses bad requests with 400/404 before anything is recorded', async () => {
    const before = (await records()).length
    expect((await get('/api/export/nothing.geojson')).status).toBe(404)
    expect((await get('/api/export/incidents.xlsx')).status).toBe(400)
    expect((await get('/api/export/incidents.csv?category=99')).status).toBe(400)
    expect((await get('/api/export/incidents.csv?area=123456789')).status).toBe(404)
    expect((await get('/api/export/incidents.csv?from=2026-10-05&to=2026-10-01')).status).toBe(400)
    expect((await get('/api/export/incidents.csv?crs=epsg3857')).status).toBe(400)
    expect((await get('/api/export/towns.csv?from=2026-10-01')).status).toBe(400)
    expect((await get('/api/export/towns.csv?limit=5')).status).toBe(400)
    expect((await records()).length).toBe(before)
  })

  it(`streams with flat memory: ${BIG.toLocaleString('en')} incidents`, async () => {
    // Embedded: PGlite inserts and reads several times slower, so the memory test runs on 60k
    // there (still 10× the heap bound below); native runs the full 200k.
    const t0 = performance.now()
    await insertIncidents(s.db.sql, 'big-', BIG, '2025-01-01T00:00:00+08:00', 60)
    const t1 = performance.now()
    const [counted] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents`
    const n = counted!.n
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc') as () => void
    gc()
    const base = process.memoryUsage().heapUsed
    let peak = 0
    let size = 0
    let nextSample = 0
    const res = await get('/api/export/incidents.geojson', { headers: { 'accept-encoding': 'identity' } })
    // Too big to hold as a file: no length, and the answer says only streaming reads work (docs/analysts.md).
    expect(res.headers.get('content-length')).toBeNull()
    expect(res.headers.get('accept-ranges')).toBe('none')
    expect(res.headers.get('x-export-mode')).toBe('streaming')
    const reader = res.body!.getReader()
    let newlines = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) newlines++
      if (size >= nextSample) {
        // Retained memory, not garbage waiting for collection: what a buffered export would grow.
        gc()
        peak = Math.max(peak, process.memoryUsage().heapUsed - base)
        nextSample = size + 4 * 1024 * 1024
      }
    }
    // One feature per line plus the opening and closing lines.
    expect(newlines - 2).toBe(n)
    expect(size).toBeGreaterThan(BIG * 300)
    console.log(
      `export of ${n} incidents: ${(size / 1e6).toFixed(1)} MB sent in ${((performance.now() - t1) / 1000).toFixed(1)} s (insert ${((t1 - t0) / 1000).toFixed(1)} s), heap growth after GC at most ${(peak / 1e6).toFixed(1)} MB`,
    )
    expect(peak).toBeLessThan(size / 10)
    expect(peak).toBeLessThan(24 * 1024 * 1024)
    const rec = (await ended((r) => r.layer === 'incidents' && Object.keys(r.filters).length === 0 && r.format === 'geojson'))!
    expect(rec).toMatchObject({ status: 'finished', rows: n, bytes: size })
  }, 600_000)

  it('records an export the client abandons as aborted', async () => {
    const res = await get('/api/export/incidents.csv', { headers: { 'x-user': 'quitter', 'accept-encoding': 'identity' } })
    const reader = res.body!.getReader()
    await reader.read()
    // While the download stalls (the client reads no further), other requests are still served:
    // on the embedded database too, whose one connection the export must not hold.
    const other = await fetch(`${s.url}/api/incidents?limit=1`, { signal: AbortSignal.timeout(10_000) })
    expect(other.status).toBe(200)
    await reader.cancel()
    const rec = await ended((r) => r.requestedBy === 'quitter')
    expect(rec).toMatchObject({ status: 'aborted', layer: 'incidents', format: 'csv', message: 'the client closed the connection' })
    expect(rec!.rows).toBeLessThan(BIG)
    // The server is fine afterwards.
    expect((await get('/api/exports?limit=1')).status).toBe(200)
  }, 60_000)

  it('lists an export whose server died mid-way (no heartbeat for 3 minutes) as failed, not running', async () => {
    const [row] = await s.db.sql<{ id: string }[]>`
      INSERT INTO exports (requested_by, layer, format, file_name, heartbeat_at)
      VALUES ('crashed', 'incidents', 'csv', 'incidents.csv', now() - interval '5 minutes') RETURNING id`
    const rec = (await records()).find((r) => r.id === Number(row!.id))
    expect(rec).toMatchObject({ status: 'failed', requestedBy: 'crashed' })
    expect(rec!.finishedAt).not.toBeNull()
    expect(rec!.message).toMatch(/^interrupted: the process running it stopped \(last heartbeat \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$/)
  })
})
