import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createGeocoder } from '../geocode/geocoder.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { importAddresses } from './import.ts'

/**
 * What the import keeps of each row's own writing: the town it names (matched under it, whatever
 * polygon its point falls in), and its village as addresses write it.
 */
describe(`address import: written parts (${TEST_KIND})`, () => {
  let s: TestServer
  let dir: string
  const code = async (name: string) =>
    (await s.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'town' AND name = ${name}`)[0]!.code
  // 马谷村 is the committee 马谷村委会.
  const label = async (level: 'town' | 'village', name: string) =>
    (
      await s.db.sql<{ x: number; y: number }[]>`
      SELECT round(ST_X(label_point)::numeric, 7)::float8 AS x, round(ST_Y(label_point)::numeric, 7)::float8 AS y
      FROM admin_areas WHERE level = ${level} AND (name = ${name} OR name = ${`${name.replace(/村$/, '')}村委会`})`
    )[0]!

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-written-'))
  })
  afterAll(async () => {
    await s?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it("keys each row by the town it writes, fills a group house's village from its polygon, and geocodes by them", async () => {
    const cx = await label('town', '城厢街道')
    const bg = await label('town', '北干街道')
    const mg = await label('village', '马谷村')
    const file = path.join(dir, 'a.csv')
    fs.writeFileSync(
      file,
      [
        'address_id,address,lng,lat,town,village,group_no,road,door_no',
        `W1,北干街道育英路88号,${cx.x},${cx.y},北干街道,,,育英路,88`,
        `W2,北干育英路90号,${cx.x},${cx.y},北干,,,育英路,90`,
        `W3,宁围镇民和路1号,${bg.x},${bg.y},宁围镇,,,民和路,1`,
        `W4,育英路92号,${cx.x},${cx.y},,,,育英路,92`,
        `W5,戴村镇3组12号,${mg.x},${mg.y},戴村镇,,3,,12`,
        `W6,戴村镇马谷村村委会4组5号,${mg.x},${mg.y},戴村镇,马谷村村委会,4,,5`,
        // Parts from the text: the parser reads the written town too.
        `W7,北干街道育英路94号,${cx.x},${cx.y},,,,,`,
      ].join('\n') + '\n',
    )
    const summary = await importAddresses(s.db, file, { reportPath: null })
    expect(summary).toMatchObject({ inserted: 7, rejected: 0 })
    const rows = new Map(
      (
        await s.db.sql<{ address_id: string; town_code: string; written_town_code: string; village: string | null }[]>`
        SELECT address_id, town_code, written_town_code, village FROM addresses`
      ).map((r) => [r.address_id, r]),
    )
    const [beigan, chengxiang, ningwei, daicun] = [
      await code('北干街道'),
      await code('城厢街道'),
      await code('宁围街道'),
      await code('戴村镇'),
    ]
    expect(rows.get('W1')).toMatchObject({ town_code: chengxiang, written_town_code: beigan })
    expect(rows.get('W2')).toMatchObject({ town_code: chengxiang, written_town_code: beigan })
    expect(rows.get('W3')).toMatchObject({ town_code: beigan, written_town_code: ningwei })
    expect(rows.get('W4')).toMatchObject({ town_code: chengxiang, written_town_code: chengxiang })
    expect(rows.get('W5')).toMatchObject({ written_town_code: daicun, village: '马谷村' })
    expect(rows.get('W6')).toMatchObject({ written_town_code: daicun, village: '马谷村' })
    expect(rows.get('W7')).toMatchObject({ town_code: chengxiang, written_town_code: beigan })

    const g = createGeocoder(s.db)
    const [a, b, c, d] = await g.geocode([
      { address: '北干育英路88号' },
      { address: '宁围街道民和路1号' },
      { address: '戴村马谷村3组12号' },
      { address: '北干街道育英路94号' },
    ])
    expect(a!.result).toMatchObject({ level: 'door', addressId: 'W1', townCode: chengxiang })
    expect(b!.result).toMatchObject({ level: 'door', addressId: 'W3', townCode: beigan })
    expect(c!.result).toMatchObject({ level: 'door', addressId: 'W5' })
    expect(d!.result).toMatchObject({ level: 'door', addressId: 'W7' })
  })
})
