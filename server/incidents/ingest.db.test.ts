import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { distanceM, fromWgs84 } from '../geo/crs.ts'
import { h3Cells } from '../geo/h3.ts'
import { loadFixtureBase } from '../geocode/fixtures/base.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { importIncidents } from './ingest-csv.ts'
import { type IngestResult, IngestResultSchema } from './schema.ts'

interface Codes {
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  microgrid_code: string | null
}

describe(`incident ingest (${TEST_KIND})`, () => {
  let s: TestServer
  let points: Map<string, [number, number]>
  let tmp: string
  const codesOf = async (table: 'addresses' | 'incidents', key: string) => {
    const [row] =
      table === 'addresses'
        ? await s.db.sql<Codes[]>`SELECT town_code, village_code, grid_code, microgrid_code FROM addresses WHERE address_id = ${key}`
        : await s.db.sql<Codes[]>`SELECT town_code, village_code, grid_code, microgrid_code FROM incidents WHERE incident_id = ${key}`
    return row!
  }
  const count = async () => (await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents`)[0]!.n
  const post = async (body: unknown) => {
    const res = await fetch(`${s.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: res.status, json: (await res.json()) as { results?: IngestResult[]; error?: string; details?: { where: string }[] } }
  }
  const byId = (results: IngestResult[] | undefined) => new Map((results ?? []).map((r) => [IngestResultSchema.parse(r).incidentId, r]))

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    points = await loadFixtureBase(s.db.sql)
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incidents-'))
  })
  afterAll(async () => {
    await s?.close()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  const magu = () => fromWgs84(...points.get('F_MAGU_1_2')!, 'gcj02')
  const batch = () => [
    { incident_id: 'A1', reported_at: '2026-10-01 08:30:00', category: '0101', address: '北干金城路438号金色家园3幢2单元501室' },
    { incident_id: 'A2', reported_at: '2026-10-01T09:00:00+08:00', category: '入室盗窃', address: '金城路440号', source: '110' },
    { incident_id: 'A3', reported_at: '2026-10-01T10:00:00+08:00', category: '0102', lng: magu()[0], lat: magu()[1], crs: 'gcj02' },
    { incident_id: 'A4', reported_at: '2026-10-01T11:00:00+08:00', category: '0101', address: '随便写的一些字' },
    { incident_id: 'A5', reported_at: '2026-10-01T12:00:00+08:00', category: '0101', address: '金城路439号' },
    { incident_id: 'A6', reported_at: '2026-10-01T12:30:00+08:00', category: '0102', address: '戴村镇马谷村' },
    { incident_id: 'A7', reported_at: '2026-10-01T13:00:00+08:00', category: '0102', address: '萧山区' },
  ]

  it('places good rows at the right level with the right codes, by text or by coordinates', async () => {
    const { status, json } = await post(batch())
    expect(status).toBe(201)
    const r = byId(json.results)
    expect([...r.values()].map((x) => x.status)).toEqual(['created', 'created', 'created', 'created', 'created', 'created', 'created'])
    expect(r.get('A1')).toMatchObject({ level: 'room', placed: true })
    expect(r.get('A2')).toMatchObject({ level: 'door', placed: true })
    expect(r.get('A3')).toMatchObject({ level: null, placed: true })
    expect(r.get('A4')).toMatchObject({ level: 'none', placed: false })
    expect(r.get('A5')).toMatchObject({ level: 'road', placed: true, approximate: true })
    expect(r.get('A6')).toMatchObject({ level: 'village', placed: true, approximate: true })
    expect(r.get('A7')).toMatchObject({ level: 'district', placed: false, approximate: false })

    const [a1] = await s.db.sql<
      { address_id: string; reported_at: Date; geocode_level: string; lng: number; lat: number; h3_r10: string }[]
    >`
      SELECT address_id, reported_at, geocode_level, ST_X(geom) AS lng, ST_Y(geom) AS lat, h3_r10::text AS h3_r10 FROM incidents WHERE incident_id = 'A1'`
    expect(a1!.address_id).toBe('F_R3_2_501')
    expect(a1!.reported_at.toISOString()).toBe('2026-10-01T00:30:00.000Z') // no offset = +08:00
    expect(a1!.h3_r10).toBe(h3Cells(...points.get('F_R3_2_501')!).r10)
    expect(await codesOf('incidents', 'A1')).toEqual(await codesOf('addresses', 'F_R3_2_501'))
    expect(await codesOf('incidents', 'A2')).toEqual(await codesOf('addresses', 'F_JC_440'))
    expect((await codesOf('incidents', 'A1')).microgrid_code).toMatch(/^\d+$/)

    // Coordinates only: converted from GCJ-02, codes of the microgrid there.
    const [a3] = await s.db.sql<{ lng: number; lat: number; input_crs: string }[]>`
      SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat, input_crs FROM incidents WHERE incident_id = 'A3'`
    const [x, y] = points.get('F_MAGU_1_2')!
    expect(distanceM(a3!.lng, a3!.lat, x, y)).toBeLessThan(1)
    expect(a3!.input_crs).toBe('gcj02')
    expect(await codesOf('incidents', 'A3')).toEqual(await codesOf('addresses', 'F_MAGU_1_2'))

    // Unplaceable: kept, without point or codes.
    const [a4] = await s.db.sql`SELECT geom, town_code, h3_r7 FROM incidents WHERE incident_id = 'A4'`
    expect(a4).toEqual({ geom: null, town_code: null, h3_r7: null })

    // A road the base knows, without the door: the town of 金城路, a point on the road flagged
    // approximate, no grid and no H3 cell (it must not make a hot spot at the road's centre).
    const approx = async (id: string) =>
      (
        await s.db.sql<{ lng: number; lat: number; approximate: boolean; h3_r10: string | null }[]>`
        SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat, approximate, h3_r10::text FROM incidents WHERE incident_id = ${id}`
      )[0]!
    const a5 = await approx('A5')
    expect(a5).toMatchObject({ approximate: true, h3_r10: null })
    const road = await codesOf('addresses', 'F_JC_440')
    expect(await codesOf('incidents', 'A5')).toEqual({
      town_code: road.town_code,
      village_code: null,
      grid_code: null,
      microgrid_code: null,
    })
    expect(distanceM(a5.lng, a5.lat, ...points.get('F_JC_41')!)).toBeLessThan(500)
    // A village named alone: that village and its town, at the village's point.
    const village = await codesOf('addresses', 'F_MAGU_1_2')
    expect(await codesOf('incidents', 'A6')).toEqual({
      town_code: village.town_code,
      village_code: village.village_code,
      grid_code: null,
      microgrid_code: null,
    })
    expect(await approx('A6')).toMatchObject({ approximate: true, h3_r10: null })
    // Only "somewhere in Xiaoshan": no usable place.
    const [a7] = await s.db.sql`SELECT geom, town_code FROM incidents WHERE incident_id = 'A7'`
    expect(a7).toEqual({ geom: null, town_code: null })
  })

  it('lists unplaced incidents in keyset pages', async () => {
    const first = (await (await fetch(`${s.url}/api/incidents/unplaced?limit=1`)).json()) as {
      items: { incidentId: string; geocodeLevel: string }[]
      nextCursor: string | null
    }
    expect(first.items.map((i) => i.incidentId)).toEqual(['A4'])
    expect(first.nextCursor).not.toBeNull()
    const second = (await (await fetch(`${s.url}/api/incidents/unplaced?limit=1&cursor=${first.nextCursor}`)).json()) as typeof first
    expect(second.items).toMatchObject([{ incidentId: 'A7', geocodeLevel: 'district' }])
    expect(second.nextCursor).toBeNull()
  })

  it('re-posting is unchanged; a changed row updates in place', async () => {
    const [before] = await s.db.sql<{ updated_at: Date }[]>`SELECT updated_at FROM incidents WHERE incident_id = 'A1'`
    const again = await post(batch())
    expect(again.status).toBe(200)
    expect(again.json.results!.map((r) => r.status)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ])
    const [after] = await s.db.sql<{ updated_at: Date }[]>`SELECT updated_at FROM incidents WHERE incident_id = 'A1'`
    expect(after!.updated_at).toEqual(before!.updated_at)

    const ids = byId(again.json.results)
    const one = await post({ ...batch()[0], status: 'closed' }) // a single object, not an array
    expect(one.status).toBe(200)
    expect(one.json.results).toEqual([
      {
        incidentId: 'A1',
        id: ids.get('A1')!.id,
        status: 'updated',
        level: 'room',
        placed: true,
        approximate: false,
        outsideDistrict: false,
      },
    ])
    expect(await count()).toBe(7)
  })

  it('rejects a request with any bad item, naming the fields, and loads nothing', async () => {
    const { status, json } = await post([
      { incident_id: 'B1', reported_at: '2026-10-02T08:00:00+08:00', category: '0101' },
      { incident_id: 'B2', reported_at: 'yesterday', category: '0101' },
      { incident_id: 'B3', reported_at: '2026-10-02T08:00:00+08:00', category: '不存在' },
      { incident_id: 'B4', reported_at: '2026-10-02T08:00:00+08:00', category: '0101', lng: 120.2 },
      { incident_id: 'B1', reported_at: '2026-10-02T08:00:00+08:00', category: '0101' },
      { incident_id: '', reported_at: '2026-10-02T08:00:00+08:00', category: '0101', crs: 'utm' },
    ])
    expect(status).toBe(400)
    const where = json.details!.map((d) => d.where)
    expect(where).toEqual(
      expect.arrayContaining(['body.1.reported_at', 'body.2.category', 'body.3.lng', 'body.5.incident_id', 'body.5.crs']),
    )
    expect(json.error).toContain('body.2.category')
    expect(await count()).toBe(7)
    const empty = await post([])
    expect(empty.status).toBe(400)
  })

  it('imports a CSV: good lines in, bad lines reported; a re-run is unchanged', async () => {
    const [gx, gy] = points.get('F_JC_440')!
    const file = path.join(tmp, 'incidents.csv')
    const report = path.join(tmp, 'rejects.csv')
    fs.writeFileSync(
      file,
      [
        'incident_id,reported_at,category,address,lng,lat,crs,status',
        'C1,2026-10-01 13:00:00,邻里纠纷,北干街道金城路438号,,,,',
        `C2,2026-10-01T14:00:00+08:00,0101,,${gx},${gy},wgs84,closed`,
        'C3,2026-10-01 15:00:00,不存在的类别,金城路440号,,,,',
        'C4,not a time,0101,金城路440号,,,,',
        'C1,2026-10-01 16:00:00,0101,金城路440号,,,,',
        'C5,2026-10-01 17:00:00,0101',
        'A2,2026-10-01T09:00:00+08:00,入室盗窃,金城路440号,,,,',
      ].join('\n') + '\n',
    )
    const first = await importIncidents(s.db, file, { reportPath: report })
    expect(first).toMatchObject({ read: 7, inserted: 2, updated: 1, unchanged: 0, rejected: 4 })
    // A2 came in by the API with source '110'; the file gives none, so the file name stands in.
    const lines = parse(fs.readFileSync(report, 'utf8'), { columns: true }) as { line: string; incident_id: string; reason: string }[]
    expect(lines.map((l) => [l.line, l.incident_id])).toEqual([
      ['4', 'C3'],
      ['5', 'C4'],
      ['6', 'C1'],
      ['7', 'C5'],
    ])
    expect(lines[0]!.reason).toContain('category')
    expect(lines[1]!.reason).toContain('reported_at')
    expect(lines[2]!.reason).toContain('duplicate incident_id (first on line 2)')
    expect(await codesOf('incidents', 'C2')).toEqual(await codesOf('addresses', 'F_JC_440'))
    const [c1] = await s.db.sql<
      { category_code: string; geocode_level: string }[]
    >`SELECT category_code, geocode_level FROM incidents WHERE incident_id = 'C1'`
    expect(c1).toEqual({ category_code: '0402', geocode_level: 'door' })

    const again = await importIncidents(s.db, file, { reportPath: report })
    expect(again).toMatchObject({ read: 7, inserted: 0, updated: 0, unchanged: 3, rejected: 4 })
    expect(await count()).toBe(9)
    const [run] = await s.db.sql<{ kind: string; status: string; unchanged: number }[]>`
      SELECT kind, status, unchanged FROM import_runs WHERE id = ${again.runId}`
    expect(run).toEqual({ kind: 'incidents', status: 'done', unchanged: 3 })
  })

  it('keeps incident_area_daily and incident_h3_daily current (by the triggers)', async () => {
    const area = async (code: string, category: string) =>
      (
        await s.db.sql<{ n: number }[]>`
        SELECT coalesce(sum(n), 0)::int AS n FROM incident_area_daily WHERE area_code = ${code} AND day = '2026-10-01' AND category_code = ${category}`
      )[0]!.n
    const [district] = await s.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'district'`
    // 0101 on 2026-10-01: A1, A2, A4, A5 (API) and C2 (CSV); the district counts placed and unplaced.
    expect(await area(district!.code, '0101')).toBe(5)
    expect(await area(district!.code, '0102')).toBe(3)
    expect(await area(district!.code, '0402')).toBe(1)
    // A town officer of 北干 counts every report of their town: A1, A2 and C2 at doors, and A5,
    // which names only 金城路 (A4 names nothing).
    const town = (await codesOf('addresses', 'F_JC_440')).town_code!
    expect(await area(town, '0101')).toBe(4)
    // A village officer of 马谷村 counts A3 (by its coordinates) and A6 (which names only the village).
    expect(await area((await codesOf('addresses', 'F_MAGU_1_2')).village_code!, '0102')).toBe(2)
    const { microgrid_code } = await codesOf('addresses', 'F_R3_2_501')
    expect(await area(microgrid_code!, '0101')).toBeGreaterThanOrEqual(1)
    const [h3] = await s.db.sql<{ n: number }[]>`
      SELECT coalesce(sum(n), 0)::int AS n FROM incident_h3_daily WHERE res = 10 AND cell = ${h3Cells(...points.get('F_R3_2_501')!).r10} AND category_code = '0101'`
    // 0101 incidents with a point: A1 at F_R3_2_501, A2 and C2 at F_JC_440 (the cells may coincide).
    const cell = h3Cells(...points.get('F_R3_2_501')!).r10
    const expected = ['F_R3_2_501', 'F_JC_440', 'F_JC_440'].filter((id) => h3Cells(...points.get(id)!).r10 === cell).length
    expect(h3!.n).toBe(expected)
    // Totals agree with the incidents themselves.
    const [total] = await s.db.sql<{ n: number }[]>`SELECT sum(n)::int AS n FROM incident_area_daily WHERE area_code = ${district!.code}`
    expect(total!.n).toBe(await count())
  })
  // Issue 21: future and impossible data.
  const latest = async () =>
    (
      (await (await fetch(`${s.url}/api/incidents?limit=20`)).json()) as { features: { properties: { incidentId: string } }[] }
    ).features.map((f) => f.properties.incidentId)
  const shanghaiIn = (minutes: number) =>
    new Date(Date.now() + minutes * 60_000 + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')

  it('refuses an incident dated in 2030 with a 400 naming reported_at; it never reaches the ticker', async () => {
    const before = await count()
    const { status, json } = await post([
      { incident_id: 'NOW-1', reported_at: shanghaiIn(0), category: '0101', address: '金城路440号' },
      { incident_id: 'FUT-2030', reported_at: '2030-01-01 08:00:00', category: '0101', address: '金城路440号' },
    ])
    expect(status).toBe(400)
    expect(json.details!.map((d) => d.where)).toEqual(['body.1.reported_at'])
    expect(json.error).toMatch(/body\.1\.reported_at: is in the future: 2030-01-01 08:00/)
    expect(await count()).toBe(before) // all or nothing: NOW-1 did not go in either
    // The wall's ticker reads the newest incidents: nothing from the future is pinned there.
    expect(await latest()).not.toContain('FUT-2030')
  })

  it('takes a report 5 minutes ahead (a fast clock) but not 11, nor one dated before 2000', async () => {
    const ahead = await post({ incident_id: 'CLOCK-5', reported_at: shanghaiIn(5), category: '0101', address: '金城路440号' })
    expect(ahead.status).toBe(201)
    expect((await latest())[0]).toBe('CLOCK-5')
    const far = await post({ incident_id: 'CLOCK-11', reported_at: shanghaiIn(11), category: '0101', address: '金城路440号' })
    expect(far.status).toBe(400)
    expect(far.json.details!.map((d) => d.where)).toEqual(['body.0.reported_at'])
    const old = await post({ incident_id: 'EPOCH', reported_at: '1970-01-01T00:00:00Z', category: '0101', address: '金城路440号' })
    expect(old.status).toBe(400)
    expect(old.json.error).toMatch(/body\.0\.reported_at: .*before 2000-01-01/)
    expect(await latest()).not.toContain('CLOCK-11')
  })

  it('rejects a CSV line dated in the future by line and field, and loads the rest', async () => {
    const file = path.join(tmp, 'future.csv')
    const report = path.join(tmp, 'future.rejects.csv')
    fs.writeFileSync(
      file,
      [
        'incident_id,reported_at,category,address',
        'FC1,2026-11-30 10:00:00,0101,金城路440号',
        'FC2,2030-01-01 08:00:00,0101,金城路440号',
        'FC3,1900-01-01 00:00:00,0101,金城路440号',
      ].join('\n') + '\n',
    )
    const summary = await importIncidents(s.db, file, { reportPath: report })
    expect(summary).toMatchObject({ read: 3, inserted: 1, rejected: 2 })
    const lines = parse(fs.readFileSync(report, 'utf8'), { columns: true }) as { line: string; incident_id: string; reason: string }[]
    expect(lines.map((l) => [l.line, l.incident_id])).toEqual([
      ['3', 'FC2'],
      ['4', 'FC3'],
    ])
    expect(lines[0]!.reason).toMatch(/^reported_at: is in the future/)
    expect(lines[1]!.reason).toMatch(/^reported_at: .*before 2000-01-01/)
    expect(await latest()).not.toContain('FC2')
  })

  const placement = async () =>
    (await (await fetch(`${s.url}/api/incidents/placement`)).json()) as {
      total: number
      placed: number
      unplaced: number
      approximate: number
      outsideDistrict: number
    }
  const SHANGHAI = [121.4737, 31.2304] as const // 人民广场, 上海

  it('keeps an incident with Shanghai coordinates, flagged outside and unplaced; the district never counts it as placed', async () => {
    const before = await placement()
    const { status, json } = await post({
      incident_id: 'SH-1',
      reported_at: '2026-11-30 10:00:00',
      category: '0101',
      lng: SHANGHAI[0],
      lat: SHANGHAI[1],
    })
    expect(status).toBe(201)
    expect(json.results![0]).toMatchObject({ placed: false, approximate: false, outsideDistrict: true })
    const [row] = await s.db.sql`
      SELECT geom, town_code, village_code, grid_code, microgrid_code, h3_r7, h3_r10, input_lng, input_lat, outside_district
      FROM incidents WHERE incident_id = 'SH-1'`
    expect(row).toEqual({
      geom: null,
      town_code: null,
      village_code: null,
      grid_code: null,
      microgrid_code: null,
      h3_r7: null,
      h3_r10: null,
      input_lng: SHANGHAI[0],
      input_lat: SHANGHAI[1],
      outside_district: true,
    })
    const after = await placement()
    expect(after).toMatchObject({
      total: before.total + 1,
      placed: before.placed,
      unplaced: before.unplaced + 1,
      outsideDistrict: before.outsideDistrict + 1,
    })
    // A reviewer finds it with the coordinates it came with.
    const outside = (await (await fetch(`${s.url}/api/incidents/unplaced?outside=true`)).json()) as {
      items: { incidentId: string; inputLng: number; inputLat: number; outsideDistrict: boolean }[]
    }
    expect(outside.items).toEqual([
      expect.objectContaining({ incidentId: 'SH-1', inputLng: SHANGHAI[0], inputLat: SHANGHAI[1], outsideDistrict: true }),
    ])
    const feature = (await (await fetch(`${s.url}/api/incidents/SH-1`)).json()) as {
      geometry: unknown
      properties: { outsideDistrict: boolean; townCode: string | null }
    }
    expect(feature).toMatchObject({ geometry: null, properties: { outsideDistrict: true, townCode: null } })
  })

  it('places an incident whose Shanghai coordinates are wrong by the village its address names', async () => {
    const { json } = await post({
      incident_id: 'SH-2',
      reported_at: '2026-11-30 10:00:00',
      category: '0102',
      address: '戴村镇马谷村',
      lng: SHANGHAI[0],
      lat: SHANGHAI[1],
    })
    expect(json.results![0]).toMatchObject({ placed: true, approximate: true, outsideDistrict: true, level: 'village' })
    const village = await codesOf('addresses', 'F_MAGU_1_2')
    expect(await codesOf('incidents', 'SH-2')).toEqual({
      town_code: village.town_code,
      village_code: village.village_code,
      grid_code: null,
      microgrid_code: null,
    })
  })

  it('says in the import summary how many lines lay outside the district', async () => {
    const file = path.join(tmp, 'outside.csv')
    fs.writeFileSync(
      file,
      [
        'incident_id,reported_at,category,lng,lat',
        `SH-3,2026-11-30 11:00:00,0101,${SHANGHAI[0]},${SHANGHAI[1]}`,
        `SH-4,2026-11-30 11:05:00,0101,${points.get('F_JC_440')!.join(',')}`,
      ].join('\n') + '\n',
    )
    const summary = await importIncidents(s.db, file, { reportPath: null })
    expect(summary).toMatchObject({ inserted: 2, unplaced: 1, outside: 1 })
    expect(summary.warnings.join('\n')).toMatch(/^1 incidents came with a point outside the district/m)
  })

  it('flags and unplaces, on migration, an incident stored with a Shanghai point before it', async () => {
    // As the code before migrations/029 left it: the point kept, H3 cells, no area codes.
    await s.db.sql`
      INSERT INTO incidents (incident_id, reported_at, category_code, input_lng, input_lat, input_crs, geom, h3_r7, h3_r10)
      VALUES ('SH-OLD', '2026-11-01T10:00:00+08:00', '0101', ${SHANGHAI[0]}, ${SHANGHAI[1]}, 'wgs84',
              ST_SetSRID(ST_Point(${SHANGHAI[0]}, ${SHANGHAI[1]}), 4326), ${h3Cells(...SHANGHAI).r7}, ${h3Cells(...SHANGHAI).r10})`
    const [kept] = await s.db.sql<{ id: string }[]>`SELECT id::text FROM incidents WHERE incident_id = 'A3'` // in the district, by coordinates
    const sqlText = fs.readFileSync(path.join(import.meta.dirname, '../../migrations/029_outside_district.sql'), 'utf8')
    for (const update of sqlText.match(/^UPDATE incidents[\s\S]*?;$/gm)!) await s.db.sql.unsafe(update)
    const [old] = await s.db.sql`SELECT geom, h3_r7, h3_r10, outside_district FROM incidents WHERE incident_id = 'SH-OLD'`
    expect(old).toEqual({ geom: null, h3_r7: null, h3_r10: null, outside_district: true })
    const [a3] = await s.db.sql`SELECT geom IS NOT NULL AS placed, outside_district FROM incidents WHERE id = ${kept!.id}::bigint`
    expect(a3).toEqual({ placed: true, outside_district: false })
  })
})
