import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { parse } from 'csv-parse/sync'
import { latLngToCell } from 'h3-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { distanceM, fromWgs84 } from '../geo/crs.ts'
import { bigintToH3, h3Cells } from '../geo/h3.ts'
import { ImportInputError } from '../imports/csv.ts'
import { getImportRun } from '../imports/runs.ts'
import { generateBoundaries } from '../seed/boundaries.ts'
import { loadAreas } from '../seed/load.ts'
import type { AreaRow } from '../seed/types.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { addressBaseVersion } from './base.ts'
import { importAddresses, type ImportSummary } from './import.ts'

const round7 = (x: number) => Math.round(x * 1e7) / 1e7
const HEADER = 'address_id,address,lng,lat,crs,aliases,town,village,group_no,road,door_no,compound,building,unit,room,note'
const TEXT = (rest: string) => `浙江省杭州市萧山区城厢街道${rest}`

interface Stored {
  address_id: string
  address: string
  lng: number
  lat: number
  town: string | null
  village: string | null
  group_no: string | null
  road: string | null
  door_no: string | null
  compound: string | null
  building: string | null
  unit: string | null
  room: string | null
  aliases: string[]
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  microgrid_code: string | null
  h3_r7: string
  h3_r10: string
  source: string
  updated_at: Date
}

describe(`address import (${TEST_KIND})`, () => {
  let t: TestDb
  let dir: string
  let areas: AreaRow[]
  /** Microgrid label points (inside their microgrid), rounded like a real file's coordinates. */
  let pts: { x: number; y: number; micro: AreaRow }[]
  let file: string
  let first: ImportSummary
  let indexesBefore: { indexname: string; indexdef: string }[]
  let gcjOf: [number, number]
  let bdOf: [number, number]
  let farPoint: [number, number]

  const all = async () => {
    const rows = await t.db.sql<Stored[]>`
      SELECT address_id, address, ST_X(geom) AS lng, ST_Y(geom) AS lat, town, village, group_no, road, door_no, compound,
             building, unit, room, aliases, town_code, village_code, grid_code, microgrid_code, h3_r7::text, h3_r10::text,
             source, updated_at
      FROM addresses ORDER BY address_id`
    return new Map(rows.map((r) => [r.address_id, r]))
  }
  const indexes = () => t.db.sql<{ indexname: string; indexdef: string }[]>`
    SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'addresses' ORDER BY indexname`

  beforeAll(async () => {
    t = await createTestDb()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-import-'))
    areas = generateBoundaries('import-test', { towns: ['330109001'] })
    await loadAreas(t.db.sql, areas)
    // Only 城厢 has villages here; the other towns would be leaves of their own (located as
    // towns), so the district's rest is left without areas, like a gap in real grid data.
    await t.db.sql`DELETE FROM admin_areas WHERE level = 'town' AND code <> '330109001'`
    pts = areas
      .filter((a) => a.level === 'microgrid')
      .slice(0, 10)
      .map((m) => ({ x: round7(m.labelPoint[0]), y: round7(m.labelPoint[1]), micro: m }))
    const p3 = pts[3]!
    gcjOf = fromWgs84(p3.x, p3.y, 'gcj02')
    bdOf = fromWgs84(pts[4]!.x, pts[4]!.y, 'bd09')
    // A town whose microgrids are not loaded: inside the district, far from every microgrid.
    const far = areas.find((a) => a.code === '330109105')!
    farPoint = [round7(far.labelPoint[0]), round7(far.labelPoint[1])]
    const [p0, p1, , , , , p6] = pts as [typeof p3, typeof p3, typeof p3, typeof p3, typeof p3, typeof p3, typeof p3]
    const lines = [
      HEADER, // 1
      `G1,${TEXT('金城路438号金色家园3幢2单元501室')},${p0.x},${p0.y},,金色家苑|金色家园（二期）,城厢街道,,,金城路,４３８号,金色家园,3幢,2单元,501室,x`, // 2
      `G2,${TEXT('人民路12号')},${p1.x},${p1.y},,,,,,,,,,,,`, // 3
      `A 1,${TEXT('人民路1号')},${p1.x},${p1.y},,,,,,,,,,,,`, // 4: bad id
      `,${TEXT('人民路2号')},${p1.x},${p1.y},,,,,,,,,,,,`, // 5: empty id
      `E1, ,${p1.x},${p1.y},,,,,,,,,,,,`, // 6: empty address
      `E2,${TEXT('人民路3号')},abc,${p1.y},,,,,,,,,,,,`, // 7: lng not a number
      `E3,${TEXT('人民路4号')},${p1.x},95,,,,,,,,,,,,`, // 8: lat out of range
      `E4,上海市人民路5号,121.4737,31.2304,,,,,,,,,,,,`, // 9: outside the district
      `E5,${TEXT('人民路6号')},${p1.x},${p1.y},utm,,,,,,,,,,,`, // 10: unknown crs
      `G1,${TEXT('人民路7号')},${p1.x},${p1.y},,,,,,,,,,,,`, // 11: duplicate of line 2
      `,"${TEXT('东门')}\r\n附近",${p1.x},${p1.y},,,,,,,,,,,,`, // 12–13: empty id, a quoted line break
      `E6,${TEXT('人民路8号')},${p1.x},${p1.y},,,,,,,,,,,,,extra`, // 14: a field too many
      `E7,"${TEXT('人民路9号')}"x,${p1.x},${p1.y},,,,,,,,,,,,`, // 15: unreadable (text after a closing quote)
      `G3,${TEXT('育才路1号')},${gcjOf[0]},${gcjOf[1]},gcj02,,,,,育才路,1,,,,,`, // 16: GCJ-02 of pts[3]
      `G4,${TEXT('育才路1号')},${p3.x},${p3.y},wgs84,,,,,育才路,1,,,,,`, // 17: its WGS84 twin
      `G5,${TEXT('育才路1号')},${gcjOf[0]},${gcjOf[1]},,,,,,育才路,1,,,,,`, // 18: GCJ-02 numbers read as WGS84
      `G6,${TEXT('育才路2号')},${bdOf[0]},${bdOf[1]},BD09,,,,,育才路,2,,,,,`, // 19: BD-09 of pts[4]
      `G7,${TEXT('临浦镇某路1号')},${farPoint[0]},${farPoint[1]},,,,,,某路,1,,,,,`, // 20: no microgrid near
      `G8,${TEXT('湘湖村3组12号')},${p6.x},${p6.y},,,,湘湖村,第３组,,12号,,,,,`, // 21: 组 house
    ]
    file = path.join(dir, 'addresses.csv')
    // A BOM and CRLF line ends, as spreadsheet exports have them.
    fs.writeFileSync(file, `\ufeff${lines.join('\r\n')}\r\n`)
    indexesBefore = await indexes()
    first = await importAddresses(t.db, file)
  })
  afterAll(async () => {
    await t?.drop()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('loads the good lines and rejects the bad ones, naming line and reason in the report', async () => {
    expect(first).toMatchObject({ mode: 'bulk', read: 19, inserted: 8, updated: 0, unchanged: 0, rejected: 11 })
    expect(first.reportPath).toBe(`${file}.rejects.csv`)
    const report = parse(fs.readFileSync(first.reportPath!), { columns: true }) as { line: string; address_id: string; reason: string }[]
    const got = report.map((r) => [Number(r.line), r.address_id, r.reason])
    const expected: [number, string, RegExp][] = [
      [4, 'A 1', /^bad address_id/],
      [5, '', /^address_id is empty$/],
      [6, 'E1', /^empty address$/],
      [7, 'E2', /^lng is not a number: "abc"$/],
      [8, 'E3', /^lat 95 is out of range \[-90, 90\]$/],
      [9, 'E4', /^point \(121\.4737, 31\.2304\) is outside the district$/],
      [10, 'E5', /^unknown crs "utm"/],
      [11, 'G1', /^duplicate address_id \(first on line 2\)$/],
      [12, '', /^address_id is empty$/],
      [14, 'E6', /^expected 16 fields, found 17$/],
      [15, '', /^unreadable CSV/],
    ]
    expect(got.map((g) => [g[0], g[1]])).toEqual(expected.map((e) => [e[0], e[1]]))
    for (const [i, e] of expected.entries()) expect(got[i]![2]).toMatch(e[2])
    expect(first.warnings).toContain('ignored unknown column "note"')
    expect(first.rejects).toHaveLength(11)
  })

  it('stores canonical parts, aliases, area codes, H3 cells and the source', async () => {
    const rows = await all()
    expect([...rows.keys()]).toEqual(['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7', 'G8'])
    const g1 = rows.get('G1')!
    const p0 = pts[0]!
    expect(g1).toMatchObject({
      address: TEXT('金城路438号金色家园3幢2单元501室'),
      town: '城厢街道',
      road: '金城路',
      door_no: '438',
      compound: '金色家园',
      building: '3',
      unit: '2',
      room: '501',
      aliases: ['金色家苑', '金色家园二期'],
      microgrid_code: p0.micro.code,
      grid_code: p0.micro.parentCode,
      source: 'addresses.csv',
    })
    const grid = areas.find((a) => a.code === p0.micro.parentCode)!
    const village = areas.find((a) => a.code === grid.parentCode)!
    expect(g1.village_code).toBe(village.code)
    expect(g1.town_code).toBe('330109001')
    expect([g1.lng, g1.lat]).toEqual([p0.x, p0.y])
    expect(g1.h3_r10).toBe(h3Cells(p0.x, p0.y).r10)
    expect(bigintToH3(g1.h3_r10)).toBe(latLngToCell(p0.y, p0.x, 10))
    expect(rows.get('G8')).toMatchObject({ village: '湘湖村', group_no: '3', door_no: '12', road: null })
  })

  it('parses the parts from the text when the part columns are empty', async () => {
    expect(first.fromText).toBe(1)
    expect((await all()).get('G2')).toMatchObject({ town: '城厢街道', road: '人民路', door_no: '12', compound: null, room: null })
  })

  it('keeps a point in the district but near no microgrid, without area codes', async () => {
    expect(first.unlocated).toBe(1)
    expect((await all()).get('G7')).toMatchObject({
      lng: farPoint[0],
      lat: farPoint[1],
      town_code: null,
      village_code: null,
      grid_code: null,
      microgrid_code: null,
    })
    expect(first.warnings.some((w) => /1 points inside the district but near no microgrid/.test(w))).toBe(true)
  })

  it('stores WGS84: a GCJ-02 row lands on its WGS84 twin, the same numbers read as WGS84 ~500 m off', async () => {
    const rows = await all()
    const [g3, g4, g5, g6] = ['G3', 'G4', 'G5', 'G6'].map((id) => rows.get(id)!)
    expect([g3!.lng, g3!.lat]).toEqual([g4!.lng, g4!.lat])
    expect([g4!.lng, g4!.lat]).toEqual([pts[3]!.x, pts[3]!.y])
    const off = distanceM(g4!.lng, g4!.lat, g5!.lng, g5!.lat)
    expect(off).toBeGreaterThan(300)
    expect(off).toBeLessThan(700)
    expect(distanceM(g6!.lng, g6!.lat, pts[4]!.x, pts[4]!.y)).toBeLessThan(0.02)
    expect(g3!.microgrid_code).toBe(pts[3]!.micro.code)
  })

  it('rebuilt the secondary indexes of a bulk load exactly as they were', async () => {
    expect(await indexes()).toEqual(indexesBefore)
    expect(indexesBefore.length).toBeGreaterThanOrEqual(8)
  })

  it('refreshed the geocoder dictionary and bumped the base version', async () => {
    const places = await t.db.sql<{ kind: string; name: string }[]>`SELECT kind, name FROM address_places ORDER BY kind, name`
    expect(places).toContainEqual({ kind: 'compound', name: '金色家园' })
    expect(places).toContainEqual({ kind: 'road', name: '育才路' })
    expect(await addressBaseVersion(t.db.sql)).toBe(1)
  })

  it('re-importing the same file changes nothing (per-line work in worker threads this time)', async () => {
    const before = await all()
    const report = fs.readFileSync(first.reportPath!, 'utf8')
    // Workers are used on native only (the embedded database takes values, not COPY text).
    const again = await importAddresses(t.db, file, { workers: 2 })
    expect(again).toMatchObject({
      mode: 'upsert',
      read: 19,
      inserted: 0,
      updated: 0,
      unchanged: 8,
      rejected: 11,
      workers: TEST_KIND === 'native' ? 2 : 0,
    })
    expect(fs.readFileSync(first.reportPath!, 'utf8')).toBe(report)
    expect(await all()).toEqual(before)
    expect(await addressBaseVersion(t.db.sql)).toBe(1)
  })

  it('updates a changed row, inserts a new one and leaves the rest alone', async () => {
    const before = await all()
    const p = pts[8]!
    const changed = fs
      .readFileSync(file, 'utf8')
      .replace('金色家园3幢2单元501室,', '金色家园3幢2单元502室,')
      .replace(',501室,x', ',502室,x')
      .concat(`G9,${TEXT('育才路3号')},${p.x},${p.y},,,,,,育才路,3,,,,,\r\n`)
    const file2 = path.join(dir, 'addresses-2.csv')
    fs.writeFileSync(file2, changed)
    const s = await importAddresses(t.db, file2, { source: 'second', reportPath: null })
    // The source differs too, so every good row counts as updated except the new one.
    expect(s).toMatchObject({ mode: 'upsert', read: 20, inserted: 1, updated: 8, unchanged: 0, rejected: 11, reportPath: null })
    const after = await all()
    expect(after.get('G1')).toMatchObject({ room: '502', address: TEXT('金城路438号金色家园3幢2单元502室'), source: 'second' })
    expect(after.get('G9')).toMatchObject({ road: '育才路', door_no: '3', microgrid_code: p.micro.code })
    expect(after.get('G1')!.updated_at.getTime()).toBeGreaterThan(before.get('G1')!.updated_at.getTime())
    expect(await addressBaseVersion(t.db.sql)).toBe(2)

    // Same file, same source: now only what changed counts.
    const file3 = path.join(dir, 'addresses-3.csv')
    fs.writeFileSync(file3, changed.replace('育才路3号,', '育才路5号,').replace(',育才路,3,', ',育才路,5,'))
    const s3 = await importAddresses(t.db, file3, { source: 'second', reportPath: null })
    expect(s3).toMatchObject({ inserted: 0, updated: 1, unchanged: 8 })
    const third = await all()
    expect(third.get('G9')).toMatchObject({ door_no: '5' })
    expect(third.get('G2')!.updated_at).toEqual(after.get('G2')!.updated_at)
  })

  it('fails before loading anything when a required column is missing, and records the failure', async () => {
    const bad = path.join(dir, 'no-lat.csv')
    fs.writeFileSync(bad, 'address_id,address,lng\nX1,somewhere,120.2\n')
    const before = await all()
    const err = await importAddresses(t.db, bad).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ImportInputError)
    expect((err as Error).message).toMatch(/missing required column "lat"/)
    expect(await all()).toEqual(before)
    const [run] = await t.db.sql<{ id: string }[]>`SELECT id FROM import_runs ORDER BY id DESC LIMIT 1`
    expect(await getImportRun(t.db.sql, Number(run!.id))).toMatchObject({
      kind: 'addresses',
      status: 'failed',
      file: bad,
      message: expect.stringMatching(/"lat"/),
    })
  })

  it('records every run in import_runs with its counts', async () => {
    const run = await getImportRun(t.db.sql, first.runId)
    expect(run).toMatchObject({
      kind: 'addresses',
      status: 'done',
      file,
      source: 'addresses.csv',
      read: 19,
      inserted: 8,
      rejected: 11,
      reportPath: `${file}.rejects.csv`,
    })
    expect(run!.finishedAt!.getTime()).toBeGreaterThanOrEqual(run!.startedAt.getTime())
    const runs = await t.db.sql<{ status: string }[]>`SELECT status FROM import_runs ORDER BY id`
    expect(runs.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done', 'failed'])
  })
})

describe(`a failing address import changes nothing (${TEST_KIND})`, () => {
  let t: TestDb
  let dir: string
  let lines: string[]
  const count = async () => Number((await t.db.sql<{ n: string }[]>`SELECT count(*) AS n FROM addresses`)[0]!.n)
  const indexes = () =>
    t.db.sql<
      { indexname: string; indexdef: string }[]
    >`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'addresses' ORDER BY indexname`

  beforeAll(async () => {
    t = await createTestDb()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-import-fail-'))
    const areas = generateBoundaries('import-fail', { towns: ['330109001'] })
    await loadAreas(t.db.sql, areas)
    const micro = areas.filter((a) => a.level === 'microgrid')
    lines = micro.slice(0, 50).map((m, i) => `F${i},${TEXT(`金城路${i + 1}号`)},${round7(m.labelPoint[0])},${round7(m.labelPoint[1])}`)
    // The database refuses one row (as a real one might: a trigger, a constraint added later).
    await t.db.sql`ALTER TABLE addresses ADD CONSTRAINT test_no_f40 CHECK (address_id <> 'F40')`
  })
  afterAll(async () => {
    await t?.drop()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('bulk: rolls back the rows and restores the dropped indexes', async () => {
    const before = await indexes()
    const file = path.join(dir, 'bulk.csv')
    fs.writeFileSync(file, `address_id,address,lng,lat\n${lines.join('\n')}\n`)
    await expect(importAddresses(t.db, file)).rejects.toThrow(/test_no_f40/)
    expect(await count()).toBe(0)
    expect(await indexes()).toEqual(before)
    const [run] = await t.db.sql<
      { status: string; message: string; inserted: number }[]
    >`SELECT status, message, inserted FROM import_runs ORDER BY id DESC LIMIT 1`
    expect(run).toMatchObject({ status: 'failed', inserted: 0, message: expect.stringMatching(/test_no_f40/) })
  })

  it('upsert: rolls back every batch', async () => {
    const first = path.join(dir, 'first.csv')
    fs.writeFileSync(first, `address_id,address,lng,lat\n${lines.slice(0, 10).join('\n')}\n`)
    expect(await importAddresses(t.db, first)).toMatchObject({ mode: 'bulk', inserted: 10 })
    const all = path.join(dir, 'all.csv')
    fs.writeFileSync(all, `address_id,address,lng,lat\n${lines.map((l) => l.replace('号,', '号附近,')).join('\n')}\n`)
    await expect(importAddresses(t.db, all)).rejects.toThrow(/test_no_f40/)
    expect(await count()).toBe(10)
    const [changed] = await t.db.sql<{ n: string }[]>`SELECT count(*) AS n FROM addresses WHERE address LIKE '%附近'`
    expect(Number(changed!.n)).toBe(0)
  })
})
