import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { distanceM } from '../geo/crs.ts'
import { loadFixtureBase } from '../geocode/fixtures/base.ts'
import { createGeocoder, type Geocoder } from '../geocode/geocoder.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { importGazetteer } from './import-csv.ts'

describe(`gazetteer (${TEST_KIND})`, () => {
  let s: TestServer
  let g: Geocoder
  let tmp: string
  let points: Map<string, [number, number]>
  const one = async (address: string) => (await g.geocode([{ address }]))[0]!.result
  const townCode = async (name: string) =>
    (await s.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'town' AND name = ${name}`)[0]!.code

  beforeAll(async () => {
    // The boundaries seed loads the demo gazetteer (data/gazetteer.csv).
    s = await startTestServer({ seed: 'boundaries', web: false })
    points = await loadFixtureBase(s.db.sql)
    g = createGeocoder(s.db)
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gazetteer-'))
  })
  afterAll(async () => {
    await s?.close()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  it('resolves old town names and well-known places from the demo gazetteer', async () => {
    expect(await one('宁围镇')).toMatchObject({ level: 'town', townCode: await townCode('宁围街道') })
    expect(await one('坎山镇')).toMatchObject({ level: 'town', townCode: await townCode('瓜沥镇') })
    for (const q of ['萧山国际机场', '杭州萧山国际机场附近', '萧山机场']) {
      const r = await one(q)
      expect(r, q).toMatchObject({ level: 'compound', addressId: null })
      expect(distanceM(r.lng!, r.lat!, 120.4344, 30.2295), q).toBeLessThan(1)
      // Codes of the polygons the point lies in.
      const [at] = await s.db.sql<{ code: string }[]>`
        SELECT code FROM admin_areas WHERE level = 'town' AND ST_Covers(geom, ST_SetSRID(ST_Point(120.4344, 30.2295), 4326))`
      expect(r.townCode, q).toBe(at!.code)
    }
    expect(await one('萧山区人民医院')).toMatchObject({ level: 'compound', address: '萧山区人民医院' })
  })

  it('imports aliases and named points, rejects bad lines by number, and a re-run changes nothing', async () => {
    const beigan = await townCode('北干街道')
    const file = path.join(tmp, 'gazetteer.csv')
    const report = path.join(tmp, 'rejects.csv')
    fs.writeFileSync(
      file,
      [
        'name,alias_of,lng,lat,level,town_code',
        '老金城路,金城路,,,,' + beigan,
        '马谷大队,马谷村,,,,',
        '金色小区,金色家园,,,,',
        `北干派出所,,${points.get('F_JC_440')![0]},${points.get('F_JC_440')![1]},compound,${beigan}`,
        `东片农场,,${points.get('F_MAGU_1_2')![0]},${points.get('F_MAGU_1_2')![1]},village,`,
        '不存在地名,不存在的路,,,,',
        '两样都有,金城路,120.27,30.16,,',
        '只有经度,,120.27,,,',
        '上海外滩,,121.49,31.24,,',
        '错的镇,金城路,,,,330109999',
        '错的级别,,120.27,30.16,street,',
      ].join('\n') + '\n',
    )
    const first = await importGazetteer(s.db, file, { reportPath: report })
    expect(first).toMatchObject({ read: 11, inserted: 5, updated: 0, rejected: 6 })
    const lines = parse(fs.readFileSync(report, 'utf8'), { columns: true }) as { line: string; name: string; reason: string }[]
    expect(lines.map((l) => [l.line, l.name])).toEqual([
      ['7', '不存在地名'],
      ['8', '两样都有'],
      ['9', '只有经度'],
      ['10', '上海外滩'],
      ['11', '错的镇'],
      ['12', '错的级别'],
    ])
    expect(lines[0]!.reason).toContain('names no town, village, road or compound')
    expect(lines[1]!.reason).toContain('not both')
    expect(lines[2]!.reason).toContain('lat')
    expect(lines[3]!.reason).toContain('outside the district')
    expect(lines[4]!.reason).toContain('unknown town_code')
    expect(lines[5]!.reason).toContain('level')

    const again = await importGazetteer(s.db, file, { reportPath: null })
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 5, rejected: 6 })
    const [run] = await s.db.sql<{ kind: string; status: string }[]>`SELECT kind, status FROM import_runs WHERE id = ${again.runId}`
    expect(run).toEqual({ kind: 'gazetteer', status: 'done' })

    // The geocoder sees the new names without a restart (the import bumped the base version).
    await new Promise((r) => setTimeout(r, 2_100))
    expect(await one('北干老金城路440号')).toMatchObject({ level: 'door', addressId: 'F_JC_440' })
    expect(await one('戴村马谷大队1组2号')).toMatchObject({ level: 'door', addressId: 'F_MAGU_1_2' })
    expect(await one('金色小区3幢2单元501室')).toMatchObject({ level: 'room', addressId: 'F_R3_2_501' })
    const station = await one('北干派出所')
    expect(station).toMatchObject({ level: 'compound', addressId: null })
    expect(distanceM(station.lng!, station.lat!, ...points.get('F_JC_440')!)).toBeLessThan(1)
    const farm = await one('东片农场')
    const [magu] = await s.db.sql<{ village_code: string }[]>`SELECT village_code FROM addresses WHERE address_id = 'F_MAGU_1_2'`
    expect(farm).toMatchObject({ level: 'village', villageCode: magu!.village_code, gridCode: null })
  })
})
