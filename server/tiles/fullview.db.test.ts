/**
 * The full view's tile layers (fullview-layers.ts) over rows written at two addresses of two
 * towns: houses, organisations, devices, patrol tracks and coverage carry the counts and flags
 * their tables hold and no personal data; a town officer's tiles hold their town's rows only;
 * a change by any writer shows after the next look; both encoders agree (native).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type FullViewFixture, insertFullView } from '../addresses/full-view-fixtures.ts'
import { loadFixtureBase } from '../geocode/fixtures/base.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { findLayer } from './layers.ts'
import { createTileService, type TileService } from './service.ts'
import { type DecodedFeature, decodeTile, tileAt, toTileCoords } from './testing.ts'
import type { TileId } from './tile-math.ts'

const LAYERS = 'houses,organisations,devices,patrols,patrol_coverage'

describe(`full-view tile layers (${TEST_KIND})`, () => {
  let s: TestServer
  let tiles: TileService
  let a: FullViewFixture
  let b: FullViewFixture
  let pa: [number, number]
  let pb: [number, number]
  let townA = ''
  let officer = ''

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    tiles = createTileService(s.db)
    const points = await loadFixtureBase(s.db.sql)
    a = await insertFullView(s.db.sql, 'F_R3_2_501', 'a')
    b = await insertFullView(s.db.sql, 'F_CX_RM12', 'b')
    pa = points.get('F_R3_2_501')!
    pb = points.get('F_CX_RM12')!
    const [row] = await s.db.sql<{ town_code: string }[]>`SELECT town_code FROM addresses WHERE address_id = 'F_R3_2_501'`
    townA = row!.town_code
    const created = await fetch(`${s.url}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'fv-town', password: 'correct-horse-battery-staple', role: 'town', areaCodes: [townA] }),
    })
    expect(created.status, await created.clone().text()).toBeLessThan(300)
    const login = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'fv-town', password: 'correct-horse-battery-staple' }),
    })
    officer = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('onemap_session='))!
      .split(';')[0]!
      .slice('onemap_session='.length)
  }, 900_000)
  afterAll(async () => {
    tiles?.close()
    await s?.close()
  })

  const get = async (layers: string, t: TileId, token?: string) => {
    const res = await fetch(
      `${s.url}/tiles/${layers}/${t.z}/${t.x}/${t.y}.mvt`,
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    )
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect(res.status, new TextDecoder().decode(bytes)).toBe(200)
    return { bytes, layers: decodeTile(bytes) }
  }
  const ids = (fs: DecodedFeature[] | undefined) => (fs ?? []).map((f) => String(f.id)).sort()
  const byId = (fs: DecodedFeature[] | undefined, id: string) => (fs ?? []).find((f) => String(f.id) === id)

  it('houses by use with current residents and migrants; organisations with overdue days; devices alerting', async () => {
    const t = tileAt(15, pa[0], pa[1])
    const { bytes, layers } = await get(LAYERS, t)
    expect(ids(layers.houses)).toEqual([a.houses.rented, a.houses.own].sort())
    const rented = byId(layers.houses, a.houses.rented)!
    expect(rented.type).toBe(1)
    expect(rented.properties).toEqual({
      id: Number(a.houses.rented),
      use: 'rented',
      group_rental: true,
      residents: 4,
      migrants: 3,
      rooms: 3,
      address_id: 'F_R3_2_501',
    })
    expect(byId(layers.houses, a.houses.own)!.properties).toMatchObject({
      use: 'self_occupied',
      group_rental: false,
      residents: 1,
      migrants: 0,
    })
    const [x, y] = toTileCoords(t, pa[0], pa[1])
    expect(Math.abs(rented.geometry[0]![0]![0] - x)).toBeLessThanOrEqual(1)
    expect(Math.abs(rented.geometry[0]![0]![1] - y)).toBeLessThanOrEqual(1)

    expect(ids(layers.organisations)).toEqual([a.organisation])
    expect(layers.organisations![0]!.properties).toEqual({
      id: Number(a.organisation),
      type: 'shop',
      risk: 'catering,gas',
      overdue_days: 10,
      address_id: 'F_R3_2_501',
    })

    expect(ids(layers.devices)).toEqual([a.devices.alerting, a.devices.quiet, a.devices.cylinder].sort())
    expect(byId(layers.devices, a.devices.alerting)!.properties).toMatchObject({ kind: 'smoke_detector', alerting: true })
    // An alarm followed by an online event, and a device with no events: not alerting.
    expect(byId(layers.devices, a.devices.quiet)!.properties).toMatchObject({ kind: 'gas_alarm', alerting: false })
    expect(byId(layers.devices, a.devices.cylinder)!.properties).toMatchObject({ kind: 'gas_cylinder', alerting: false })

    // No name, phone or ID number of anyone, in any layer (not even as bytes of a string).
    const text = Buffer.from(bytes).toString('utf8')
    for (const secret of [...a.secrets, ...b.secrets]) expect(text).not.toContain(secret)
    for (const fs of Object.values(layers))
      for (const f of fs) for (const v of Object.values(f.properties)) expect(String(v)).not.toMatch(/\*\*|\d{3}\*{4}\d{4}/)
  })

  it('patrol tracks as lines and the days since a patrol per grid', async () => {
    const t = tileAt(14, pa[0], pa[1])
    const { layers } = await get('patrols,patrol_coverage', t)
    const track = byId(layers.patrols, a.patrol)!
    expect(track.type).toBe(2)
    expect(track.geometry[0]!.length).toBeGreaterThanOrEqual(2)
    expect(track.properties).toMatchObject({ team: '城关巡防一队', members: 3, length_m: 600 })
    const [grid] = await s.db.sql<{ grid_code: string }[]>`SELECT grid_code FROM addresses WHERE address_id = 'F_R3_2_501'`
    const coverage = layers.patrol_coverage ?? []
    const mine = coverage.find((f) => f.properties.code === grid!.grid_code)!
    expect(mine.type).toBe(3)
    expect(mine.properties.days).toBe(2)
    expect(mine.properties.never).toBeUndefined()
    const others = coverage.filter((f) => f.properties.code !== grid!.grid_code)
    expect(others.length).toBeGreaterThan(0)
    for (const f of others) expect(f.properties).toMatchObject({ days: 60, never: true })

    // A patrol older than 7 days is not drawn, but still counts for coverage (60 days).
    await s.db.sql`UPDATE patrols SET started_at = now() - interval '9 days 2 hours', ended_at = now() - interval '9 days'
                   WHERE id = ${a.patrol}::bigint`
    let after = await get('patrols,patrol_coverage', t)
    for (let i = 0; i < 20 && byId(after.layers.patrols, a.patrol); i++) {
      await new Promise((r) => setTimeout(r, 100))
      after = await get('patrols,patrol_coverage', t)
    }
    expect(byId(after.layers.patrols, a.patrol)).toBeUndefined()
    expect((after.layers.patrol_coverage ?? []).find((f) => f.properties.code === grid!.grid_code)!.properties.days).toBe(9)
  })

  it("a town officer's tiles hold their town's rows only", async () => {
    const ta = tileAt(15, pa[0], pa[1])
    const tb = tileAt(15, pb[0], pb[1])
    expect(ids((await get(LAYERS, ta, officer)).layers.houses)).toEqual([a.houses.rented, a.houses.own].sort())
    expect(ids((await get(LAYERS, tb)).layers.houses)).toEqual([b.houses.rented, b.houses.own].sort())
    const theirs = await get(LAYERS, tb, officer)
    for (const layer of ['houses', 'organisations', 'devices', 'patrols'])
      expect(
        ids(theirs.layers[layer]).filter((id) =>
          [...Object.values(b.houses), b.organisation, ...Object.values(b.devices), b.patrol].includes(id),
        ),
        layer,
      ).toEqual([])
    // Coverage: the grids of their town only (codes nest under the town's).
    const z12 = tileAt(12, pa[0], pa[1])
    const all = (await get('patrol_coverage', z12)).layers.patrol_coverage ?? []
    const mine = (await get('patrol_coverage', z12, officer)).layers.patrol_coverage ?? []
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.length).toBeLessThan(all.length)
    const codes = mine.map((f) => String(f.properties.code))
    const [n] = await s.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM admin_areas WHERE code = ANY(${codes}::text[]) AND level = 'grid' AND parent_code LIKE ${townA + '%'}`
    expect(n!.n).toBe(codes.length)
  })

  it('a change by any writer shows after the next look: a resident moving in, an alarm cleared', async () => {
    const t = tileAt(16, pa[0], pa[1])
    const before = await get('houses,devices', t)
    expect(byId(before.layers.houses, a.houses.own)!.properties.residents).toBe(1)
    await s.db.sql`INSERT INTO residents (person_id, house_id, residence, moved_in, address_id, town_code)
                   VALUES ('FV-P-new', ${a.houses.own}::bigint, 'registered', '2026-01-01', 'F_R3_2_501', ${townA})`
    await s.db
      .sql`INSERT INTO device_events (device_id, at, kind) VALUES (${a.devices.alerting}::bigint, now() - interval '1 hour', 'test')`
    let after = await get('houses,devices', t)
    for (let i = 0; i < 20 && byId(after.layers.houses, a.houses.own)!.properties.residents === 1; i++) {
      await new Promise((r) => setTimeout(r, 100))
      after = await get('houses,devices', t)
    }
    expect(byId(after.layers.houses, a.houses.own)!.properties.residents).toBe(2)
    expect(byId(after.layers.devices, a.devices.alerting)!.properties.alerting).toBe(false)
  })

  it.runIf(TEST_KIND === 'native')('ST_AsMVT and the JavaScript encoder give the same full-view tiles', async () => {
    // The track back within the last 7 days (a test above moved it out).
    await s.db.sql`UPDATE patrols SET started_at = now() - interval '2 days 2 hours', ended_at = now() - interval '2 days'
                   WHERE id = ${a.patrol}::bigint`
    for (const [name, z] of [
      ['houses', 16],
      ['organisations', 13],
      ['devices', 15],
      ['patrols', 14],
      ['patrols', 16],
      ['patrol_coverage', 12],
    ] as const) {
      const t = tileAt(z, pa[0], pa[1])
      const layer = [findLayer(name)!]
      const pg = decodeTile((await tiles.render(layer, t, {}, 'postgis')).bytes)[name] ?? []
      const js = decodeTile((await tiles.render(layer, t, {}, 'js')).bytes)[name] ?? []
      const key = (f: DecodedFeature) => JSON.stringify([f.id ?? null, Object.entries(f.properties).sort()])
      expect(pg.length, `${name} z${z}`).toBeGreaterThan(0)
      expect(js.map(key).sort(), `${name} z${z}`).toEqual(pg.map(key).sort())
      if (name !== 'patrol_coverage') {
        const geom = (fs: DecodedFeature[]) => fs.map((f) => `${key(f)}${JSON.stringify(f.geometry)}`).sort()
        expect(geom(js), `${name} z${z}`).toEqual(geom(pg))
      }
    }
  })
})
