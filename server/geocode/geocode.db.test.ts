import { Readable, Writable } from 'node:stream'

import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { addressBaseChanged } from '../addresses/base.ts'
import { distanceM, fromWgs84 } from '../geo/crs.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { geocodeCsv, MATCH_COLUMNS } from './csv.ts'
import { loadFixtureBase } from './fixtures/base.ts'
import { createGeocoder, type Geocoder } from './geocoder.ts'
import { ADDRESS_LEVELS, GeocodeBatchResponseSchema, GeocodeResponseSchema, type GeocodeResult, type MatchLevel } from './schema.ts'

describe(`geocoder (${TEST_KIND})`, () => {
  let s: TestServer
  let g: Geocoder
  let points: Map<string, [number, number]>
  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    points = await loadFixtureBase(s.db.sql)
    g = createGeocoder(s.db)
  })
  afterAll(async () => {
    await s?.close()
  })
  const one = async (address: string, extra: { lng?: number; lat?: number; crs?: 'wgs84' | 'gcj02' | 'bd09' } = {}) =>
    (await g.geocode([{ address, ...extra }]))[0]!

  // Query → the level and address it must give. Every level of the cascade appears.
  const CASES: [string, MatchLevel, string | null][] = [
    ['浙江省杭州市萧山区北干街道金城路438号金色家园3幢2单元501室', 'room', 'F_R3_2_501'],
    ['北干金城路四百三十八号金色家园三幢二单元五零一房', 'room', 'F_R3_2_501'],
    ['金色家苑3-2-501', 'room', 'F_R3_2_501'],
    ['北干金色家圆3幢2单元501室附近', 'room', 'F_R3_2_501'],
    ['北干街道金城路438号3幢2单元501室', 'room', 'F_R3_2_501'],
    ['城厢金色花园3幢2单元501室', 'room', 'F_CX_GARDEN'],
    ['金色家园3幢1单元', 'unit', null],
    ['金色家园3幢2单元999室', 'unit', null],
    ['金色家园3幢9单元101室', 'building', 'F_B3'],
    ['金色家园5幢1单元999室', 'unit', null],
    ['金色家园5幢9单元101室', 'building', null],
    ['北干今城路438号', 'door', 'F_GATE'],
    ['金城路440号门口', 'door', 'F_JC_440'],
    ['临浦人民路12号', 'door', 'F_LP_RM12'],
    ['戴村马谷村1组2号', 'door', 'F_MAGU_1_2'],
    ['金色家园9幢', 'compound', null],
    ['金色家园', 'compound', null],
    ['金城路439号', 'road', null],
    ['金城路31号', 'road', null],
    ['金城路与市心中路交叉口', 'road', null],
    ['马谷村1组99号', 'village', null],
    ['北干街道', 'town', null],
    ['萧山区', 'district', null],
    ['人民路12号', 'district', null],
    ['杭州市滨江区江南大道100号', 'none', null],
    ['上海市浦东新区世纪大道100号', 'none', null],
    ['随便写的一些字', 'none', null],
  ]

  it.each(CASES)('%s → %s %s', async (address, level, id) => {
    const m = await one(address)
    expect(m.result.level).toBe(level)
    expect(m.result.addressId).toBe(id)
    if (id) {
      const [lng, lat] = points.get(id)!
      expect(distanceM(lng, lat, m.result.lng!, m.result.lat!)).toBeLessThan(0.1)
    }
    if (level === 'none') expect(m.result).toMatchObject({ score: 0, lng: null, lat: null, townCode: null })
    else expect(m.result.score).toBeGreaterThan(0)
  })

  it('never gives a wrong finer match', async () => {
    // One character off two compounds, sounding like neither, no town: no room, no compound.
    const a = await one('金色名园3幢2单元501室')
    expect(ADDRESS_LEVELS.has(a.result.level)).toBe(false)
    expect(a.result.addressId).toBeNull()
    // A missing door on a known road is the road, not the nearest door.
    const b = await one('金城路439号')
    expect(b.result.addressId).toBeNull()
    // A room missing from a known building is the building, not another room.
    const c = await one('金色家园3幢2单元502室')
    expect(c.result).toMatchObject({ level: 'unit', addressId: null })
    const d = await one('金色家园3幢3单元501室')
    expect(d.result).toMatchObject({ level: 'building', addressId: 'F_B3' })
  })

  it('scores exact text above typos, and typos above coarse fallbacks', async () => {
    const exact = await one('北干街道金城路438号金色家园3幢2单元501室')
    const typo = await one('北干金色家圆3幢2单元501室')
    const missing = await one('金色家园3幢2单元999室')
    expect(exact.result.score).toBe(1)
    expect(typo.result.score).toBeLessThan(exact.result.score)
    expect(typo.result.score).toBeGreaterThan(missing.result.score)
  })

  it('places a missing door between its neighbours and an intersection where the door lines meet', async () => {
    const door = await one('金城路31号')
    const [x21, y21] = points.get('F_JC_21')!
    const [x41, y41] = points.get('F_JC_41')!
    expect(distanceM(door.result.lng!, door.result.lat!, (x21 + x41) / 2, (y21 + y41) / 2)).toBeLessThan(2)
    const cross = await one('金城路与市心中路交叉口')
    const [xa, ya] = points.get('F_JC_41')!
    const [xb, yb] = points.get('F_SX_1')!
    // 市心中路 runs north from its door 1, next to 金城路 41: the junction is there, not at a centre.
    expect(distanceM(cross.result.lng!, cross.result.lat!, (xa + xb) / 2, (ya + yb) / 2)).toBeLessThan(30)
    expect(cross.result.address).toContain('金城路与市心中路交叉口')
    expect(cross.result).toMatchObject({ level: 'road', addressId: null })
    expect(cross.result.score).toBeLessThan(1)
  })

  it('lists both places of an ambiguous road, and uses coordinates to choose', async () => {
    const amb = await one('人民路12号')
    expect(amb.candidates.map((c) => c.addressId)).toEqual(expect.arrayContaining(['F_CX_RM12', 'F_LP_RM12']))
    const [lng, lat] = points.get('F_CX_RM12')!
    const [gx, gy] = fromWgs84(lng + 0.001, lat, 'gcj02') // ~100 m east, as an Amap phone would send it
    const near = await one('人民路12号', { lng: gx, lat: gy, crs: 'gcj02' })
    expect(near.result).toMatchObject({ level: 'door', addressId: 'F_CX_RM12' })
    expect(near.result.distanceM).toBeGreaterThan(80)
    expect(near.result.distanceM).toBeLessThan(120)
  })

  it('fills codes and the H3 cell for address-level matches', async () => {
    const m = await one('金城路440号')
    const [row] = await s.db.sql<{ town_code: string; village_code: string; grid_code: string }[]>`
      SELECT town_code, village_code, grid_code FROM addresses WHERE address_id = 'F_JC_440'`
    expect(m.result).toMatchObject({ townCode: row!.town_code, villageCode: row!.village_code, gridCode: row!.grid_code })
    expect(m.result.h3).toMatch(/^8a[0-9a-f]{13}$/)
  })

  // Issue 19: the miss classes seen on an address base we did not write. Query → the answer a
  // caller expects (the address, or the level and town of an honest coarse answer).
  describe('on addresses written other ways', () => {
    const DOORS: [string, string, string][] = [
      ['village + group + door (a village the boundaries do not name)', '戴村镇云溪坞村11组64号', 'F_YXW_11_64'],
      ['group in Chinese numerals', '戴村镇云溪坞村十一组六十四号', 'F_YXW_11_64'],
      ['村民小组', '戴村镇云溪坞村第三村民小组8号', 'F_YXW_3_8'],
      ['小组, no town', '云溪坞村3小组8号', 'F_YXW_3_8'],
      ['written town, point over the line', '北干街道育英路88号', 'F_BORDER_88'],
      ['written town, short', '北干育英路88号', 'F_BORDER_88'],
      ['homophone across tones (yīn for yín)', '北干音达路5号', 'F_YD_5'],
      ['full-width digits and 号楼', '九里北名邸２号楼２单元３０２室', 'F_JL_2_2_302'],
      ['房 for 室', '北干九里北名邸2幢2单元302房', 'F_JL_2_2_302'],
      ['exact name in the written town, a one-off name elsewhere', '北干街道和院御家园三幢一单元302室', 'F_HY_BG'],
      ['road + number + exact compound, a one-off compound on another road', '育顺街435号蓝湾新公寓3幢1单元101房', 'F_LW_XIN'],
      ['road + number decide between two one-off compounds', '北干育顺街435号蓝湾南公寓3幢1单元101室', 'F_LW_XIN'],
      ['traditional characters', '蕭山區北干街道金城路438號金色家園3幢2單元501室', 'F_R3_2_501'],
      ['a slip that does not sound right, in the only name it can be, no town', '九里北名邱2幢2单元302室', 'F_JL_2_2_302'],
      ['the generic tail left off', '北干九里北2幢2单元302室', 'F_JL_2_2_302'],
      ['小区 added', '北干九里北名邸小区2幢2单元302室', 'F_JL_2_2_302'],
      ['a floor before the room', '北干九里北名邸2幢2单元3楼302室', 'F_JL_2_2_302'],
      ['a homophone in a village name', '戴村镇云溪乌村11组64号', 'F_YXW_11_64'],
      ['another slip in a village name', '戴村镇云溪埠村11组64号', 'F_YXW_11_64'],
      ['the district written twice', '杭州市萧山区萧山区北干街道育英路88号', 'F_BORDER_88'],
      ['the town written last', '育英路88号 北干街道辖区', 'F_BORDER_88'],
      ["a caller's words and phone number around it", '报警人13800138000称在北干育英路88号，电动车被盗', 'F_BORDER_88'],
    ]
    it.each(DOORS)('%s: %s', async (_kind, address, id) => {
      const m = await one(address)
      expect(m.result).toMatchObject({ addressId: id })
    })

    it('answers none for an address of another city that names one of our roads', async () => {
      for (const q of [
        '报警人13800138000称在苏州市姑苏区金城路438号',
        '联系电话：0574-83148535（宁波市海曙区金城路440号）',
        '金华市婺城区育英路88号',
      ]) {
        expect((await one(q)).result, q).toMatchObject({ level: 'none', addressId: null })
      }
    })

    it('answers the codes of the polygon, not of the written town', async () => {
      const m = await one('北干街道育英路88号')
      const [row] = await s.db.sql<{ town_code: string; written_town_code: string }[]>`
        SELECT town_code, written_town_code FROM addresses WHERE address_id = 'F_BORDER_88'`
      const [beigan] = await s.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE name = '北干街道'`
      expect(row!.written_town_code).toBe(beigan!.code)
      expect(row!.town_code).not.toBe(beigan!.code)
      expect(m.result.townCode).toBe(row!.town_code)
    })

    it('answers a village for a group without a door, in every spelling', async () => {
      for (const q of ['戴村镇云溪坞村3组', '云溪坞村三组', '戴村云溪坞村第三村民小组']) {
        const m = await one(q)
        expect(m.result, q).toMatchObject({ level: 'village', addressId: null })
        const [row] = await s.db.sql<
          { town_code: string; village_code: string }[]
        >`SELECT town_code, village_code FROM addresses WHERE address_id = 'F_YXW_3_8'`
        expect(m.result, q).toMatchObject({ townCode: row!.town_code, villageCode: row!.village_code })
      }
    })

    it('places a junction only where the two roads meet, and never claims one it cannot find', async () => {
      // 金城路 (北干) and 育英路 (its doors in 城厢, kilometres away) do not meet: the answer is
      // 金城路 itself, scored as a road whose junction we could not find.
      const far = await one('金城路与育英路交叉口')
      expect(far.result).toMatchObject({ level: 'road', addressId: null })
      expect(far.result.address).not.toContain('交叉口')
      expect(far.result.score).toBeLessThanOrEqual(0.8)
      // Written without 与, with 路口: the same junction as with it.
      const a = await one('金城路与市心中路交叉口')
      const b = await one('金城路市心中路路口附近')
      expect(b.result).toMatchObject({ level: 'road', address: a.result.address, lng: a.result.lng, lat: a.result.lat })
      expect(a.result.score).toBeGreaterThan(0.8)
    })

    it('never gives the one-off compound of another town or road', async () => {
      // In 城厢 the base has 和院西家园 only; 北干 has 和院御家园 exactly. Neither text may reach the other's rooms.
      expect((await one('北干和院西家园3幢1单元302室')).result.addressId).not.toBe('F_HY_CX')
      expect((await one('城厢和院御家园3幢1单元302室')).result.addressId).not.toBe('F_HY_BG')
      // 通安路 12 is 蓝湾北公寓's gate: a query naming 育顺街 435 never lands there.
      for (const q of ['育顺街435号蓝湾北公寓3幢1单元101室', '北干育顺街435号蓝湾南公寓3幢1单元101室']) {
        expect((await one(q)).result.addressId, q).not.toBe('F_LW_BEI')
      }
    })
  })

  it('reloads its dictionary when the address base changes', async () => {
    expect((await one('北干新开路8号')).result.level).toBe('town')
    await s.db.sql`
      INSERT INTO addresses (address_id, address, geom, town, road, door_no, town_code, village_code, grid_code, source)
      SELECT 'F_NEW', '北干街道新开路8号', geom, town, '新开路', '8', town_code, village_code, grid_code, 'fixture'
      FROM addresses WHERE address_id = 'F_JC_440'`
    await addressBaseChanged(s.db.sql)
    g.invalidate()
    expect((await one('北干新开路8号')).result).toMatchObject({ level: 'door', addressId: 'F_NEW' })
  })

  describe('CSV files (npm run geocode)', () => {
    const sink = () => {
      const chunks: Buffer[] = []
      const stream = new Writable({
        write(chunk: Buffer, _enc, cb) {
          chunks.push(chunk)
          cb()
        },
      })
      return { stream, text: () => Buffer.concat(chunks).toString('utf8') }
    }

    it('keeps every line in order, appends the match, and reports bad lines in place', async () => {
      const [lng, lat] = fromWgs84(...points.get('F_CX_RM12')!, 'gcj02')
      const input = [
        '\uFEFFid,address,lng,lat,crs,note',
        'x1,北干金城路440号,,,,keep me',
        'x2,,,,,empty',
        `x3,人民路12号,${lng},${lat},gcj02,with coords`,
        'x4,金城路440号,abc,30,,bad lng',
        'x5,"杭州市滨江区江南大道100号",,,,outside',
      ].join('\n')
      const out = sink()
      const summary = await geocodeCsv(g, Readable.from([input]), out.stream, { batchSize: 2 })
      const rows = parse(out.text(), { columns: true }) as Record<string, string>[]
      expect(Object.keys(rows[0]!)).toEqual(['id', 'address', 'lng', 'lat', 'crs', 'note', ...MATCH_COLUMNS])
      expect(rows.map((r) => [r.id, r.note, r.match_level, r.match_address_id])).toEqual([
        ['x1', 'keep me', 'door', 'F_JC_440'],
        ['x2', 'empty', '', ''],
        ['x3', 'with coords', 'door', 'F_CX_RM12'],
        ['x4', 'bad lng', '', ''],
        ['x5', 'outside', 'none', ''],
      ])
      expect(rows[1]!.match_error).toBe('empty address')
      expect(rows[3]!.match_error).toMatch(/^lng:/)
      expect(Number(rows[2]!.match_distance_m)).toBeLessThan(1)
      expect(summary).toMatchObject({ lines: 5, errors: 2 })
      expect(summary.byLevel).toMatchObject({ door: 2, none: 1 })
    })

    it('refuses a file without an address column', async () => {
      await expect(geocodeCsv(g, Readable.from(['id,text\n1,金城路440号\n']), sink().stream)).rejects.toThrow(/no "address" column/)
    })
  })

  describe('HTTP API', () => {
    const get = (p: string) => fetch(`${s.url}${p}`)
    const post = (p: string, body: unknown) =>
      fetch(`${s.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

    it('GET /api/geocode answers {query, result, candidates}', async () => {
      const res = await get(`/api/geocode?q=${encodeURIComponent('金色家苑3-2-501')}`)
      expect(res.status).toBe(200)
      const body = GeocodeResponseSchema.parse(await res.json())
      expect(body.query).toBe('金色家苑3-2-501')
      expect(body.result).toMatchObject({ addressId: 'F_R3_2_501', level: 'room' })
      expect(body.candidates[0]).toEqual(body.result)
      expect(Object.keys(body.result).sort()).toEqual([
        'address',
        'addressId',
        'gridCode',
        'h3',
        'lat',
        'level',
        'lng',
        'score',
        'townCode',
        'villageCode',
      ])
    })

    it('converts output coordinates on request', async () => {
      const q = encodeURIComponent('金城路440号')
      const wgs = GeocodeResponseSchema.parse(await (await get(`/api/geocode?q=${q}`)).json()).result
      const gcj = GeocodeResponseSchema.parse(await (await get(`/api/geocode?q=${q}&outCrs=gcj02`)).json()).result
      const d = distanceM(wgs.lng!, wgs.lat!, gcj.lng!, gcj.lat!)
      expect(d).toBeGreaterThan(450)
      expect(d).toBeLessThan(560)
    })

    it('POST /api/geocode/batch keeps input order and ids', async () => {
      const items = [
        { id: 'a', address: '金城路440号' },
        { address: '杭州市滨江区江南大道100号' },
        { id: 'c', address: '金色家苑3-2-501', lng: 120.1, lat: 30.1 },
      ]
      const res = await post('/api/geocode/batch', { items })
      expect(res.status).toBe(200)
      const { results } = GeocodeBatchResponseSchema.parse(await res.json())
      expect(results.map((r: GeocodeResult) => [r.id, r.level, r.addressId])).toEqual([
        ['a', 'door', 'F_JC_440'],
        [undefined, 'none', null],
        ['c', 'room', 'F_R3_2_501'],
      ])
      expect(results[2]!.distanceM).toBeGreaterThan(10_000)
    })

    it.each([
      ['/api/geocode', 'query.q'],
      ['/api/geocode?q=', 'query.q'],
      ['/api/geocode?q=x&lng=120', 'query.lng'],
      ['/api/geocode?q=x&lng=abc&lat=30', 'query.lng'],
      ['/api/geocode?q=x&lng=500&lat=30', 'query.lng'],
      ['/api/geocode?q=x&crs=mars', 'query.crs'],
      ['/api/geocode?q=x&outCrs=epsg3857', 'query.outCrs'],
      [`/api/geocode?q=${encodeURIComponent('很'.repeat(501))}`, 'query.q'],
      ['/api/reverse?lng=120', 'query.lat'],
      ['/api/reverse?lng=120&lat=north', 'query.lat'],
    ])('GET %s → 400 naming %s', async (path, where) => {
      const res = await get(path)
      expect(res.status).toBe(400)
      const body = (await res.json()) as { error: string; details: { where: string }[] }
      expect(body.details.map((d) => d.where)).toContain(where)
    })

    it.each([
      ['no items', {}, 'body.items'],
      ['empty items', { items: [] }, 'body.items'],
      ['empty address', { items: [{ address: '' }] }, 'body.items.0.address'],
      ['a number for an address', { items: [{ address: 'x' }, { address: 5 }] }, 'body.items.1.address'],
      ['lat without lng', { items: [{ address: 'x', lat: 30 }] }, 'body.items.0.lng'],
      ['10,001 items', { items: Array.from({ length: 10_001 }, () => ({ address: 'x' })) }, 'body.items'],
    ])('POST batch with %s → 400 naming %s', async (_label, body, where) => {
      const res = await post('/api/geocode/batch', body)
      expect(res.status).toBe(400)
      const out = (await res.json()) as { details: { where: string }[] }
      expect(out.details.map((d) => d.where)).toContain(where)
    })

    it('GET /api/reverse gives the nearest address and the areas containing the point', async () => {
      const [lng, lat] = points.get('F_JC_440')!
      const res = await get(`/api/reverse?lng=${lng + 0.0001}&lat=${lat}`)
      expect(res.status).toBe(200)
      const body = (await res.json()) as {
        address: { addressId: string; distanceM: number; level: string }
        town: { code: string; name: string }
        village: { code: string }
        grid: { code: string }
        microgrid: { code: string }
      }
      expect(body.address.addressId).toBe('F_JC_440')
      expect(body.address.level).toBe('door')
      expect(body.address.distanceM).toBeGreaterThan(8)
      expect(body.address.distanceM).toBeLessThan(11)
      expect(body.town).toEqual({ code: '330109002', name: '北干街道' })
      const [row] = await s.db.sql<{ village_code: string; grid_code: string; microgrid_code: string }[]>`
        SELECT village_code, grid_code, microgrid_code FROM addresses WHERE address_id = 'F_JC_440'`
      expect(body.village.code).toBe(row!.village_code)
      expect(body.grid.code).toBe(row!.grid_code)
      expect(body.microgrid.code).toBe(row!.microgrid_code)
    })

    it('reverse accepts GCJ-02 input and answers in it', async () => {
      const [lng, lat] = points.get('F_JC_440')!
      const [gx, gy] = fromWgs84(lng, lat, 'gcj02')
      const body = (await (await get(`/api/reverse?lng=${gx}&lat=${gy}&crs=gcj02`)).json()) as {
        address: { addressId: string; lng: number; lat: number; distanceM: number }
      }
      expect(body.address.addressId).toBe('F_JC_440')
      expect(body.address.distanceM).toBeLessThan(1)
      expect(distanceM(body.address.lng, body.address.lat, gx, gy)).toBeLessThan(1)
    })

    it('reverse outside the district has no address and no areas', async () => {
      const body = (await (await get('/api/reverse?lng=121.47&lat=31.23')).json()) as Record<string, unknown>
      expect(body).toMatchObject({ address: null, town: null, village: null, grid: null, microgrid: null })
    })
  })
})
