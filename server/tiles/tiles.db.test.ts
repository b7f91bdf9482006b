import { cellToLatLng } from 'h3-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { findLayer, type LayerDef } from './layers.ts'
import { H3ResponseSchema, LayerListResponseSchema, TileJsonSchema, type TileQuery } from './schema.ts'
import { createTileService, type TileService } from './service.ts'
import { type DecodedFeature, decodeTile, featureWkt, ringArea, tileAt, toTileCoords } from './testing.ts'
import { BUFFER, EXTENT, tileBoundsLngLat, type TileId } from './tile-math.ts'

// The seed's last month (TEST_SEED_END is 2026-11-01, Shanghai).
const PERIOD = 'from=2026-10-01&to=2026-11-01'
const FROM = '2026-10-01T00:00:00+08:00'
const TO = '2026-11-01T00:00:00+08:00'

describe(`vector tiles on the small demo seed (${TEST_KIND})`, () => {
  let s: TestServer
  let tiles: TileService
  /** The label point of the town with most incidents in the period: tiles around it have data. */
  let hot: { lng: number; lat: number; town: string }

  beforeAll(async () => {
    s = await startTestServer({ seed: 'small', web: false })
    tiles = createTileService(s.db)
    const [h] = await s.db.sql<{ lng: number; lat: number; town: string }[]>`
      SELECT ST_X(i.geom) AS lng, ST_Y(i.geom) AS lat, i.town_code AS town
      FROM incidents i
      WHERE i.reported_at >= ${FROM} AND i.reported_at < ${TO} AND i.geom IS NOT NULL
      ORDER BY (SELECT count(*) FROM incidents j WHERE j.geom && ST_Expand(i.geom, 0.003)
                  AND j.reported_at >= ${FROM} AND j.reported_at < ${TO}) DESC, i.id
      LIMIT 1`
    hot = h!
  }, 900_000)
  afterAll(async () => {
    tiles?.close()
    await s?.close()
  })

  const get = async (
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ res: Response; bytes: Uint8Array; layers: Record<string, DecodedFeature[]>; error: string | null }> => {
    const res = await fetch(`${s.url}${path}`, { headers })
    const bytes = new Uint8Array(await res.arrayBuffer())
    if (res.status !== 200 && res.status !== 304) return { res, bytes, layers: {}, error: new TextDecoder().decode(bytes) }
    return { res, bytes, layers: res.status === 200 ? decodeTile(bytes) : {}, error: null }
  }
  /** Whether a point is kept by ST_AsMVTGeom: its rounded tile coordinates within the buffer (&& on float4 boxes takes a little more). */
  const inBuffer = (t: TileId, lng: number, lat: number) =>
    toTileCoords(t, lng, lat).every((v) => Math.round(v) >= -BUFFER && Math.round(v) <= EXTENT + BUFFER)
  const tilePath = (layers: string, t: TileId, q = PERIOD) => `/tiles/${layers}/${t.z}/${t.x}/${t.y}.mvt${q ? `?${q}` : ''}`
  const envelope = (t: TileId, buffer = 0) => {
    const b = tileBoundsLngLat(t, buffer)
    return s.db.sql`ST_MakeEnvelope(${b[0]}, ${b[1]}, ${b[2]}, ${b[3]}, 4326)`
  }

  it('lists the layers and answers TileJSON 3.0', async () => {
    const list = LayerListResponseSchema.parse(await (await fetch(`${s.url}/tiles`)).json())
    expect(list.layers.map((l) => l.name)).toEqual([
      'towns',
      'villages',
      'grids',
      'microgrids',
      'incidents',
      'h3',
      'addresses',
      'warnings',
      'hazards',
      'tasks',
      'houses',
      'organisations',
      'patrols',
      'patrol_coverage',
      'devices',
    ])
    const res = await fetch(`${s.url}/tiles/towns,incidents.json?${PERIOD}&category=01`)
    expect(res.status).toBe(200)
    const tj = TileJsonSchema.parse(await res.json())
    expect(tj.tiles[0]).toBe(`${s.url}/tiles/towns,incidents/{z}/{x}/{y}.mvt?from=2026-10-01&to=2026-11-01&category=01`)
    expect(tj.vector_layers.map((l) => l.id)).toEqual(['towns', 'towns_labels', 'incidents'])
    expect(tj.bounds![0]).toBeGreaterThan(119)
    expect(tj.bounds![2]).toBeLessThan(121)
  })

  it('towns: every town meeting the tile, with code, name and the rollup count; labels at their points', async () => {
    const t = tileAt(10, hot.lng, hot.lat)
    const { res, layers } = await get(tilePath('towns', t))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile')
    const expected = await s.db.sql<{ code: string; name: string; n: number }[]>`
      SELECT a.code, a.name, (SELECT count(*)::int FROM incidents i WHERE i.town_code = a.code AND i.reported_at >= ${FROM} AND i.reported_at < ${TO}) AS n
      FROM admin_areas a WHERE a.level = 'town' AND ST_Intersects(a.geom, ${envelope(t, BUFFER)}) ORDER BY a.code`
    const towns = layers.towns!
    expect(towns.map((f) => f.properties.code).sort()).toEqual(expected.map((e) => e.code))
    for (const e of expected) {
      const f = towns.find((x) => x.properties.code === e.code)!
      expect(f.type).toBe(3)
      expect(f.properties.name).toBe(e.name)
      expect(f.properties.incidents).toBe(e.n)
    }
    expect(towns.find((f) => f.properties.code === hot.town)!.properties.incidents).toBeGreaterThan(0)
    const labels = await s.db.sql<{ code: string; lng: number; lat: number }[]>`
      SELECT code, ST_X(label_point) AS lng, ST_Y(label_point) AS lat FROM admin_areas
      WHERE level = 'town' AND ST_Intersects(label_point, ${envelope(t)}) ORDER BY code`
    expect(layers.towns_labels!.map((f) => f.properties.code).sort()).toEqual(labels.map((l) => l.code))
    for (const l of labels) {
      const f = layers.towns_labels!.find((x) => x.properties.code === l.code)!
      const [x, y] = toTileCoords(t, l.lng, l.lat)
      expect(Math.abs(f.geometry[0]![0]![0] - x)).toBeLessThanOrEqual(1)
      expect(Math.abs(f.geometry[0]![0]![1] - y)).toBeLessThanOrEqual(1)
    }
  })

  it('incidents from z13 are points in tile space with their attributes, filtered by period and category', async () => {
    const t = tileAt(14, hot.lng, hot.lat)
    const { layers } = await get(tilePath('incidents', t))
    const rows = (
      await s.db.sql<{ id: string; at: number; category_code: string; lng: number; lat: number }[]>`
      SELECT id::text, extract(epoch FROM reported_at)::int AS at, category_code, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM incidents
      WHERE geom && ${envelope(t, BUFFER)} AND reported_at >= ${FROM} AND reported_at < ${TO}`
    ).filter((r) => inBuffer(t, r.lng, r.lat))
    expect(rows.length).toBeGreaterThan(3)
    const features = layers.incidents!
    expect(features.length).toBe(rows.length)
    for (const r of rows) {
      const f = features.find((x) => x.id === Number(r.id))!
      expect(f.properties.id).toBe(Number(r.id))
      expect(f.properties.reported_at).toBe(r.at)
      expect(f.properties.category).toBe(r.category_code)
      const [x, y] = toTileCoords(t, r.lng, r.lat)
      expect(Math.abs(f.geometry[0]![0]![0] - x)).toBeLessThanOrEqual(1)
      expect(Math.abs(f.geometry[0]![0]![1] - y)).toBeLessThanOrEqual(1)
    }
    // Category 01 (a category: all its items) and one week.
    const narrowed = await get(tilePath('incidents', t, 'from=2026-10-10&to=2026-10-17&category=01'))
    const week = await s.db.sql<{ lng: number; lat: number }[]>`
      SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat FROM incidents WHERE geom && ${envelope(t, BUFFER)} AND category_code LIKE '01%'
        AND reported_at >= '2026-10-10T00:00:00+08:00' AND reported_at < '2026-10-17T00:00:00+08:00'`
    expect((narrowed.layers.incidents ?? []).length).toBe(week.filter((r) => inBuffer(t, r.lng, r.lat)).length)
    expect((narrowed.layers.incidents ?? []).every((f) => String(f.properties.category).startsWith('01'))).toBe(true)
  })

  it('incidents at one address are one marker with their count: the newest carries `stack`, the others are `covered`', async () => {
    // The busiest spot of the month: several incidents at exactly one point (an address's point).
    const [spot] = await s.db.sql<{ lng: number; lat: number; n: number; ids: string[] }[]>`
      SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat, count(*)::int AS n,
             array_agg(id::text ORDER BY reported_at DESC, id DESC) AS ids
      FROM incidents WHERE reported_at >= ${FROM} AND reported_at < ${TO} AND geom IS NOT NULL
      GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 1`
    expect(spot!.n).toBeGreaterThanOrEqual(3)
    for (const z of [13, 16]) {
      const t = tileAt(z, spot!.lng, spot!.lat)
      const features = (await get(tilePath('incidents', t))).layers.incidents ?? []
      const at = spot!.ids.map((id) => features.find((f) => f.id === Number(id)))
      // Every incident is still a feature of its own (the API and exports count them one by one)…
      expect(
        at.every((f) => f !== undefined),
        `z${z}`,
      ).toBe(true)
      // …the newest is drawn, with the count; the others lie under it.
      expect(at[0]!.properties.stack, `z${z}`).toBe(spot!.n)
      expect(at[0]!.properties.covered, `z${z}`).toBeUndefined()
      for (const f of at.slice(1)) {
        expect(f!.properties.stack).toBe(spot!.n)
        expect(f!.properties.covered).toBe(true)
      }
      // An incident alone at its point carries neither (z13 holds many of them).
      const alone = features.filter((f) => f.properties.stack === undefined)
      if (z === 13) expect(alone.length).toBeGreaterThan(0)
      expect(alone.every((f) => f.properties.covered === undefined)).toBe(true)
      // Drawn markers (not covered) with their counts add up to the incidents in the tile.
      const drawn = features.filter((f) => f.properties.covered !== true)
      expect(
        drawn.reduce((n, f) => n + Number(f.properties.stack ?? 1), 0),
        `z${z}`,
      ).toBe(features.length)
    }
    // The count follows the filter: in a period holding fewer of them, the stack is that many.
    const days = await s.db.sql<{ day: string; n: number }[]>`
      SELECT to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, count(*)::int AS n FROM incidents
      WHERE ST_X(geom) = ${spot!.lng} AND ST_Y(geom) = ${spot!.lat} AND reported_at >= ${FROM} AND reported_at < ${TO}
      GROUP BY 1 ORDER BY 1`
    const first = days[0]!
    const t = tileAt(15, spot!.lng, spot!.lat)
    const next = new Date(Date.parse(`${first.day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
    const oneDay = (await get(tilePath('incidents', t, `from=${first.day}&to=${next}`))).layers.incidents ?? []
    const top = oneDay.filter((f) => f.properties.covered !== true && spot!.ids.includes(String(f.id)))
    expect(top.length).toBe(1)
    expect(top[0]!.properties.stack).toBe(first.n > 1 ? first.n : undefined)
  })

  it('incidents below z13 are H3 counts at cell centres; the h3 layer draws the cells', async () => {
    const t = tileAt(10, hot.lng, hot.lat)
    const { res, layers, error } = await get(tilePath('incidents,h3', t))
    expect(res.status, error ?? '').toBe(200)
    const byCell = new Map(
      (
        await s.db.sql<{ h3: string; n: number }[]>`
      SELECT to_hex(h3_r7) AS h3, count(*)::int AS n FROM incidents
      WHERE reported_at >= ${FROM} AND reported_at < ${TO} AND h3_r7 IS NOT NULL GROUP BY 1`
      ).map((r) => [r.h3, r.n]),
    )
    const clusters = layers.incidents!
    expect(clusters.length).toBeGreaterThan(3)
    for (const f of clusters) {
      expect(f.properties.cluster).toBe(true)
      expect(f.properties.count).toBe(byCell.get(String(f.properties.h3)))
      const [lat, lng] = cellToLatLng(String(f.properties.h3))
      const [x, y] = toTileCoords(t, lng, lat)
      expect(Math.abs(f.geometry[0]![0]![0] - x)).toBeLessThanOrEqual(1)
      expect(Math.abs(f.geometry[0]![0]![1] - y)).toBeLessThanOrEqual(1)
    }
    // Every cell whose centre is inside the tile is there.
    const inside = [...byCell.keys()].filter((h) => {
      const [x, y] = toTileCoords(t, cellToLatLng(h)[1], cellToLatLng(h)[0])
      return x >= 0 && x < EXTENT && y >= 0 && y < EXTENT
    })
    expect(clusters.map((f) => f.properties.h3)).toEqual(expect.arrayContaining(inside))
    const cells = layers.h3!
    expect(cells.every((f) => f.type === 3 && f.properties.res === 7 && f.properties.count === byCell.get(String(f.properties.h3)))).toBe(
      true,
    )
    expect(cells.map((f) => f.properties.h3)).toEqual(expect.arrayContaining(inside))
  })

  it('h3 at z12 uses res 9; periods not on whole days count exactly (cells and areas)', async () => {
    const t = tileAt(12, hot.lng, hot.lat)
    const from = '2026-10-05T12:30:00+08:00'
    const { layers } = await get(tilePath('h3', t, `from=${encodeURIComponent(from)}&to=2026-11-01`))
    const byCell = new Map(
      (
        await s.db.sql<{ h3: string; n: number }[]>`
      SELECT to_hex(h3_r9) AS h3, count(*)::int AS n FROM incidents
      WHERE reported_at >= ${from} AND reported_at < ${TO} AND h3_r9 IS NOT NULL GROUP BY 1`
      ).map((r) => [r.h3, r.n]),
    )
    expect(layers.h3!.length).toBeGreaterThan(3)
    for (const f of layers.h3!) {
      expect(f.properties.res).toBe(9)
      expect(f.properties.count).toBe(byCell.get(String(f.properties.h3)))
    }
    // Area counts too: whole days from the rollup plus the part-days at both ends.
    const to = '2026-10-28T18:15:00+08:00'
    const grids = (await get(tilePath('grids', t, `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`))).layers.grids!
    const byGrid = new Map(
      (
        await s.db.sql<{ code: string; n: number }[]>`
      SELECT grid_code AS code, count(*)::int AS n FROM incidents WHERE reported_at >= ${from} AND reported_at < ${to} GROUP BY 1`
      ).map((r) => [r.code, r.n]),
    )
    expect(grids.some((g) => Number(g.properties.incidents) > 0)).toBe(true)
    for (const g of grids) expect(g.properties.incidents, String(g.properties.code)).toBe(byGrid.get(String(g.properties.code)) ?? 0)
  })

  it("area filter: incident points, cell counts and h3 cells hold only the area's incidents (town, village, grid, micro-grid)", async () => {
    const [a] = await s.db.sql<{ town: string; village: string; grid: string; microgrid: string }[]>`
      SELECT town_code AS town, village_code AS village, grid_code AS grid, microgrid_code AS microgrid FROM incidents
      WHERE reported_at >= ${FROM} AND reported_at < ${TO} AND microgrid_code IS NOT NULL
        AND ST_DWithin(geom, ST_SetSRID(ST_Point(${hot.lng}, ${hot.lat}), 4326), 0.01)
      GROUP BY 1, 2, 3, 4 ORDER BY count(*) DESC, 4 LIMIT 1`
    expect(a).toBeDefined()
    // Points at z14: exactly the grid's incidents in the tile, none from the rest of the tile.
    const t14 = tileAt(14, hot.lng, hot.lat)
    const all = (await get(tilePath('incidents', t14))).layers.incidents ?? []
    const inGrid = (await get(tilePath('incidents', t14, `${PERIOD}&area=${a!.grid}`))).layers.incidents ?? []
    const gridRows = (
      await s.db.sql<{ id: string; lng: number; lat: number }[]>`
      SELECT id::text, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM incidents
      WHERE grid_code = ${a!.grid} AND geom && ${envelope(t14, BUFFER)} AND reported_at >= ${FROM} AND reported_at < ${TO}`
    ).filter((r) => inBuffer(t14, r.lng, r.lat))
    expect(gridRows.length).toBeGreaterThan(0)
    expect(all.length).toBeGreaterThan(gridRows.length)
    expect(inGrid.map((f) => String(f.id)).sort()).toEqual(gridRows.map((r) => r.id).sort())
    // Cell counts below z13 and the h3 hexagons: per cell, the count of the area's incidents only.
    const t10 = tileAt(10, hot.lng, hot.lat)
    for (const [level, code] of [
      ['town', a!.town],
      ['village', a!.village],
      ['grid', a!.grid],
      ['microgrid', a!.microgrid],
    ] as const) {
      const byCell = new Map(
        (
          await s.db.sql<{ h3: string; n: number }[]>`
        SELECT to_hex(h3_r7) AS h3, count(*)::int AS n FROM incidents
        WHERE ${s.db.sql(`${level}_code`)} = ${code} AND reported_at >= ${FROM} AND reported_at < ${TO} AND h3_r7 IS NOT NULL GROUP BY 1`
        ).map((r) => [r.h3, r.n]),
      )
      expect(byCell.size, level).toBeGreaterThan(0)
      const { res, layers, error } = await get(tilePath('incidents,h3', t10, `${PERIOD}&area=${code}`))
      expect(res.status, error ?? '').toBe(200)
      const cells = layers.h3 ?? []
      // Every cell of the area with its centre in the tile is there, and nothing else is.
      const inside = [...byCell.keys()].filter((h) => {
        const [x, y] = toTileCoords(t10, cellToLatLng(h)[1], cellToLatLng(h)[0])
        return x >= 0 && x < EXTENT && y >= 0 && y < EXTENT
      })
      expect(inside.length, level).toBeGreaterThan(0)
      expect(
        cells.map((f) => String(f.properties.h3)),
        level,
      ).toEqual(expect.arrayContaining(inside))
      for (const f of cells) expect(f.properties.count, `${level} ${f.properties.h3}`).toBe(byCell.get(String(f.properties.h3)))
      for (const f of layers.incidents ?? []) expect(f.properties.count, level).toBe(byCell.get(String(f.properties.h3)))
    }
    // A period not on whole days, with a category, in the town.
    const from = '2026-10-05T12:30:00+08:00'
    const narrowed =
      (await get(tilePath('h3', t10, `from=${encodeURIComponent(from)}&to=2026-11-01&category=01&area=${a!.town}`))).layers.h3 ?? []
    const exact = new Map(
      (
        await s.db.sql<{ h3: string; n: number }[]>`
      SELECT to_hex(h3_r7) AS h3, count(*)::int AS n FROM incidents
      WHERE town_code = ${a!.town} AND category_code LIKE '01%' AND reported_at >= ${from} AND reported_at < ${TO} AND h3_r7 IS NOT NULL GROUP BY 1`
      ).map((r) => [r.h3, r.n]),
    )
    expect(narrowed.length).toBeGreaterThan(0)
    for (const f of narrowed) expect(f.properties.count).toBe(exact.get(String(f.properties.h3)))
    // The district's own code is no filter.
    const [district] = await s.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'district' LIMIT 1`
    expect((await get(tilePath('incidents', t14, `${PERIOD}&area=${district!.code}`))).layers.incidents!.length).toBe(all.length)
    // The TileJSON keeps the area in its tile URL.
    const tj = TileJsonSchema.parse(await (await fetch(`${s.url}/tiles/h3.json?area=${a!.town}`)).json())
    expect(tj.tiles[0]).toBe(`${s.url}/tiles/h3/{z}/{x}/{y}.mvt?area=${a!.town}`)
  })

  it("area filter: a micro-grid whose code does not start with its grid's (imported with a parent field) shows its own incidents", async () => {
    // A grid worker's micro-grid from a district whose codes do not nest: the same place under a new code.
    const [m] = await s.db.sql<{ code: string; grid: string }[]>`
      SELECT i.microgrid_code AS code, i.grid_code AS grid FROM incidents i
      WHERE i.reported_at >= ${FROM} AND i.reported_at < ${TO} AND i.microgrid_code IS NOT NULL
        AND ST_DWithin(i.geom, ST_SetSRID(ST_Point(${hot.lng}, ${hot.lat}), 4326), 0.01)
      GROUP BY 1, 2 ORDER BY count(*) DESC, 1 LIMIT 1`
    const code = `9${m!.code.slice(1)}`
    expect(code.startsWith(m!.grid)).toBe(false)
    await s.db.sql`
      INSERT INTO admin_areas (code, name, level, parent_code, geom, label_point, population, properties)
      SELECT ${code}, name || '（新编码）', level, parent_code, geom, label_point, population, properties FROM admin_areas WHERE code = ${m!.code}`
    await s.db.sql`UPDATE incidents SET microgrid_code = ${code} WHERE microgrid_code = ${m!.code}`
    try {
      const t14 = tileAt(14, hot.lng, hot.lat)
      const rows = (
        await s.db.sql<{ id: string; lng: number; lat: number }[]>`
        SELECT id::text, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM incidents
        WHERE microgrid_code = ${code} AND geom && ${envelope(t14, BUFFER)} AND reported_at >= ${FROM} AND reported_at < ${TO}`
      ).filter((r) => inBuffer(t14, r.lng, r.lat))
      expect(rows.length).toBeGreaterThan(0)
      const shown = (await get(tilePath('incidents', t14, `${PERIOD}&area=${code}`))).layers.incidents ?? []
      expect(shown.map((f) => String(f.id)).sort()).toEqual(rows.map((r) => r.id).sort())
    } finally {
      await s.db.sql`UPDATE incidents SET microgrid_code = ${m!.code} WHERE microgrid_code = ${code}`
      await s.db.sql`DELETE FROM admin_areas WHERE code = ${code}`
    }
  })

  it('GET /api/h3: counts per cell for a resolution, box, period, categories and area', async () => {
    const rows = await s.db.sql<{ h3: string; n: number }[]>`
      SELECT to_hex(h3_r8) AS h3, count(*)::int AS n FROM incidents
      WHERE reported_at >= ${FROM} AND reported_at < ${TO} AND h3_r8 IS NOT NULL GROUP BY 1`
    const body = H3ResponseSchema.parse(await (await fetch(`${s.url}/api/h3?res=8&${PERIOD}`)).json())
    expect(body.res).toBe(8)
    expect(body.truncated).toBe(false)
    expect(body.cells.length).toBe(rows.length)
    const byCell = new Map(rows.map((r) => [r.h3, r.n]))
    for (const c of body.cells) expect(c.count, c.h3).toBe(byCell.get(c.h3))
    // Largest first.
    expect(body.cells.map((c) => c.count)).toEqual([...body.cells.map((c) => c.count)].sort((x, y) => y - x))
    // Res 9 over the whole district (too many candidate cells for the key path) agrees too.
    const r9 = await s.db.sql<
      { n: number }[]
    >`SELECT count(DISTINCT h3_r9)::int AS n FROM incidents WHERE reported_at >= ${FROM} AND reported_at < ${TO} AND h3_r9 IS NOT NULL`
    const b9 = H3ResponseSchema.parse(await (await fetch(`${s.url}/api/h3?res=9&${PERIOD}`)).json())
    expect(b9.cells.length).toBe(r9[0]!.n)
    // A small box around the hot point: only cells near it, with the same counts.
    const box = [hot.lng - 0.02, hot.lat - 0.02, hot.lng + 0.02, hot.lat + 0.02]
    const boxed = H3ResponseSchema.parse(await (await fetch(`${s.url}/api/h3?res=8&${PERIOD}&bbox=${box.join(',')}`)).json())
    expect(boxed.cells.length).toBeGreaterThan(0)
    expect(boxed.cells.length).toBeLessThan(body.cells.length)
    for (const c of boxed.cells) {
      expect(c.count).toBe(byCell.get(c.h3))
      const [_lat, lng] = cellToLatLng(c.h3)
      expect(lng).toBeGreaterThan(box[0]! - 0.02)
      expect(lng).toBeLessThan(box[2]! + 0.02)
    }
    // An area and a category.
    const town = hot.town
    const inTown = new Map(
      (
        await s.db.sql<{ h3: string; n: number }[]>`
      SELECT to_hex(h3_r8) AS h3, count(*)::int AS n FROM incidents
      WHERE town_code = ${town} AND category_code LIKE '02%' AND reported_at >= ${FROM} AND reported_at < ${TO} AND h3_r8 IS NOT NULL GROUP BY 1`
      ).map((r) => [r.h3, r.n]),
    )
    const area = H3ResponseSchema.parse(await (await fetch(`${s.url}/api/h3?res=8&${PERIOD}&category=02&area=${town}`)).json())
    expect(area.area).toBe(town)
    expect(new Map(area.cells.map((c) => [c.h3, c.count]))).toEqual(inTown)
  })

  it('simplifies polygons by zoom and keeps them valid', async () => {
    const checks: [string, TileId][] = [
      ['villages', tileAt(8, hot.lng, hot.lat)],
      ['villages', tileAt(9, hot.lng, hot.lat)],
      ['grids', tileAt(11, hot.lng, hot.lat)],
      ['microgrids', tileAt(13, hot.lng, hot.lat)],
      ['microgrids', tileAt(14, hot.lng, hot.lat)],
    ]
    for (const [layer, t] of checks) {
      const { layers } = await get(tilePath(layer, t))
      const polys = layers[layer]!
      expect(polys.length, `${layer} z${t.z}`).toBeGreaterThan(0)
      const wkts = polys.map(featureWkt)
      const [v] = await s.db.sql<{ invalid: number }[]>`
        SELECT count(*) FILTER (WHERE NOT ST_IsValid(ST_GeomFromText(w)))::int AS invalid FROM unnest(${wkts}::text[]) w`
      expect(v!.invalid, `${layer} z${t.z}: invalid polygons`).toBe(0)
      // Outer rings are clockwise on screen (positive area in tile coordinates), as MVT 2 wants.
      expect(polys.every((f) => ringArea(f.geometry[0]!) > 0)).toBe(true)
    }
    // The same village has fewer vertices at z8 than at z14.
    const village = (await get(tilePath('villages', tileAt(8, hot.lng, hot.lat)))).layers.villages!
    const code = village[0]!.properties.code
    const [label] = await s.db.sql<
      { lng: number; lat: number }[]
    >`SELECT ST_X(label_point) AS lng, ST_Y(label_point) AS lat FROM admin_areas WHERE code = ${String(code)}`
    const fine = (await get(tilePath('villages', tileAt(14, label!.lng, label!.lat)))).layers.villages!.find(
      (f) => f.properties.code === code,
    )!
    const [raw] = await s.db.sql<{ n: number }[]>`SELECT ST_NPoints(geom)::int AS n FROM admin_areas WHERE code = ${String(code)}`
    const vertices = (f: DecodedFeature) => f.geometry.reduce((a, r) => a + r.length, 0)
    expect(vertices(village[0]!)).toBeLessThan(raw!.n)
    expect(vertices(village[0]!)).toBeLessThanOrEqual(vertices(fine))
  })

  it('addresses from z15 only', async () => {
    const t = tileAt(16, hot.lng, hot.lat)
    const { layers } = await get(tilePath('addresses', t, ''))
    const rows = await s.db.sql<{ id: string; lng: number; lat: number }[]>`
      SELECT address_id AS id, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM addresses WHERE geom && ${envelope(t, BUFFER)} ORDER BY address_id`
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.length).toBeLessThan(tiles.cap)
    const got = new Set(layers.addresses!.map((f) => f.properties.id))
    const kept = rows.filter((r) => inBuffer(t, r.lng, r.lat))
    expect([...got].sort()).toEqual(kept.map((r) => r.id))
    expect(typeof layers.addresses![0]!.properties.address).toBe('string')
    const low = await get(tilePath('addresses', tileAt(14, hot.lng, hot.lat), ''))
    expect(low.res.status).toBe(200)
    expect(low.bytes.length).toBe(0)
  })

  it('caches with an ETag, answers 304, and gzips when asked', async () => {
    const path = tilePath('villages,incidents', tileAt(13, hot.lng, hot.lat))
    const a = await get(path)
    expect(a.res.headers.get('x-tile-cache')).toBe('miss')
    // A tile asked for once is never compressed: its gzip is made when it is asked for again.
    await new Promise((r) => setTimeout(r, 300))
    const again = await fetch(`${s.url}${path}`, { headers: { 'Accept-Encoding': 'gzip' } })
    expect(again.headers.get('x-tile-cache')).toBe('hit')
    expect(again.headers.get('content-encoding')).toBeNull()
    const b = await get(path)
    expect(b.res.headers.get('x-tile-cache')).toBe('hit')
    // The server's own time for the tile, for the browser's network panel and bench:tiles.
    expect(a.res.headers.get('server-timing')).toMatch(/^tile;desc=miss;dur=\d+\.\d\d$/)
    expect(b.res.headers.get('server-timing')).toMatch(/^tile;desc=hit;dur=\d+\.\d\d$/)
    const etag = a.res.headers.get('etag')!
    expect(etag).toMatch(/^"[\w-]+"$/)
    expect(b.res.headers.get('etag')).toBe(etag)
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true)
    expect(Object.keys(a.layers).sort()).toEqual(['incidents', 'villages', 'villages_labels'])
    const c = await fetch(`${s.url}${path}`, { headers: { 'If-None-Match': etag } })
    expect(c.status).toBe(304)
    const raw = await fetch(`${s.url}${path}`, { headers: { 'Accept-Encoding': 'identity' } })
    expect(raw.headers.get('content-encoding')).toBeNull()
    expect((await raw.arrayBuffer()).byteLength).toBe(a.bytes.length)
    // The gzip is made off the request path once the tile is asked for again: later answers carry it.
    let zipped = await fetch(`${s.url}${path}`, { headers: { 'Accept-Encoding': 'gzip' } })
    for (let i = 0; i < 20 && zipped.headers.get('content-encoding') !== 'gzip'; i++) {
      await new Promise((r) => setTimeout(r, 100))
      zipped = await fetch(`${s.url}${path}`, { headers: { 'Accept-Encoding': 'gzip' } })
    }
    expect(zipped.headers.get('content-encoding')).toBe('gzip')
    expect(zipped.headers.get('etag')).toBe(etag)
  })

  it('shows an incident posted through the API on the next request, in points, cells and area counts', async () => {
    const t14 = tileAt(14, hot.lng, hot.lat)
    const t10 = tileAt(10, hot.lng, hot.lat)
    const paths = [tilePath('incidents', t14), tilePath('incidents,h3', t10), tilePath('towns', t10)]
    const before = await Promise.all(paths.map((p) => get(p)))
    for (const p of paths) expect((await get(p)).res.headers.get('x-tile-cache')).toBe('hit')
    const post = await fetch(`${s.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        incident_id: 'TILE-TEST-1',
        reported_at: '2026-10-20T10:00:00+08:00',
        category: '0101',
        address: '测试',
        lng: hot.lng,
        lat: hot.lat,
      }),
    })
    expect(post.status).toBe(201)
    const [placed] = await s.db.sql<
      { id: string; h3: string; town: string }[]
    >`SELECT id::text, to_hex(h3_r7) AS h3, town_code AS town FROM incidents WHERE incident_id = 'TILE-TEST-1'`
    const after = await Promise.all(paths.map((p) => get(p)))
    expect(after[0]!.layers.incidents!.find((f) => f.id === Number(placed!.id))).toBeDefined()
    expect(after[0]!.layers.incidents!.length).toBe(before[0]!.layers.incidents!.length + 1)
    const count = (r: (typeof after)[number], layer: string, key: string, value: string) =>
      Number(
        (r.layers[layer] ?? []).find((f) => f.properties[key] === value)?.properties.count ??
          r.layers[layer]?.find((f) => f.properties[key] === value)?.properties.incidents ??
          0,
      )
    expect(count(after[1]!, 'h3', 'h3', placed!.h3)).toBe(count(before[1]!, 'h3', 'h3', placed!.h3) + 1)
    expect(count(after[1]!, 'incidents', 'h3', placed!.h3)).toBe(count(before[1]!, 'incidents', 'h3', placed!.h3) + 1)
    expect(count(after[2]!, 'towns', 'code', placed!.town)).toBe(count(before[2]!, 'towns', 'code', placed!.town) + 1)
    // A delete by another writer (plain SQL, no in-process notice) shows after the periodic look.
    await s.db.sql`DELETE FROM incidents WHERE incident_id = 'TILE-TEST-1'`
    let gone = await get(paths[0]!)
    for (let i = 0; i < 20 && gone.layers.incidents!.some((f) => f.id === Number(placed!.id)); i++) {
      await new Promise((r) => setTimeout(r, 100))
      gone = await get(paths[0]!)
    }
    expect(gone.layers.incidents!.find((f) => f.id === Number(placed!.id))).toBeUndefined()
    expect(gone.layers.incidents!.length).toBe(before[0]!.layers.incidents!.length)
    // A tile elsewhere stays cached.
    expect(Buffer.from(gone.bytes).equals(Buffer.from(before[0]!.bytes))).toBe(true)
  })

  it('warnings, hazards and tasks: open items with their attributes; a change by any writer shows within the periodic look', async () => {
    const { sql } = s.db
    // The seeded open hazards and tasks, at z10 around the first of each.
    const [h] = await sql<{ id: string; lng: number; lat: number; severity: string }[]>`
      SELECT id::text, ST_X(geom) AS lng, ST_Y(geom) AS lat, severity FROM hazards WHERE status <> 'closed' AND geom IS NOT NULL ORDER BY id LIMIT 1`
    expect(h).toBeDefined()
    const t = tileAt(12, h!.lng, h!.lat)
    const open = await sql<{ id: string }[]>`
      SELECT id::text FROM hazards WHERE status <> 'closed' AND geom && ${envelope(t)} ORDER BY id`
    const tile = await get(tilePath('hazards,tasks,warnings', t, ''))
    const hazards = tile.layers.hazards ?? []
    // Points exactly on the unbuffered box edge may fall either way; compare ids inside it.
    expect(
      hazards
        .map((f) => String(f.id))
        .filter((id) => open.some((o) => o.id === id))
        .sort(),
    ).toEqual(open.map((o) => o.id).sort())
    const mine = hazards.find((f) => String(f.id) === h!.id)!
    expect(mine.properties).toMatchObject({ severity: h!.severity })
    expect(typeof mine.properties.overdue).toBe('boolean')
    const [x, y] = toTileCoords(t, h!.lng, h!.lat)
    expect(Math.abs(mine.geometry[0]![0]![0] - x)).toBeLessThanOrEqual(1)
    expect(Math.abs(mine.geometry[0]![0]![1] - y)).toBeLessThanOrEqual(1)

    // Closing the hazard out by plain SQL (another writer): it leaves the layer after the next look.
    await sql`UPDATE hazards SET status = 'closed', closed_at = now() WHERE id = ${h!.id}::bigint`
    let after = await get(tilePath('hazards,tasks,warnings', t, ''))
    for (let i = 0; i < 20 && (after.layers.hazards ?? []).some((f) => String(f.id) === h!.id); i++) {
      await new Promise((r) => setTimeout(r, 100))
      after = await get(tilePath('hazards,tasks,warnings', t, ''))
    }
    expect((after.layers.hazards ?? []).map((f) => String(f.id))).not.toContain(h!.id)
    expect((after.layers.hazards ?? []).length).toBe(hazards.length - 1)

    // A warning on a cell polygon and one on a point, in the two parts of the layer.
    await sql`INSERT INTO models (id, kind, version, definition, updated_by) VALUES ('tile-test', 'hotspot', 1, '{}', 'test') ON CONFLICT DO NOTHING`
    const [run] = await sql<{ id: string }[]>`
      INSERT INTO model_runs (model_id, model_version, definition, trigger, status, as_of, requested_by)
      VALUES ('tile-test', 1, '{}', 'manual', 'done', now(), 'test') RETURNING id::text`
    const [cell] = await sql<{ c: string }[]>`SELECT to_hex(h3_r9) AS c FROM incidents WHERE h3_r9 IS NOT NULL ORDER BY id LIMIT 1`
    const hex = cellToLatLng(cell!.c)
    const wt = tileAt(12, hex[1], hex[0])
    const [w1, w2] = await sql<{ id: string }[]>`
      INSERT INTO warnings (model_id, model_version, subject, level, status, title, explanation, geom, first_run_id, last_run_id, first_triggered_at, last_triggered_at)
      VALUES ('tile-test', 1, 'cell', 'red', 'new', '测试热点', '近7日 9 起', ST_Buffer(ST_SetSRID(ST_Point(${hex[1]}, ${hex[0]}), 4326), 0.002, 6),
              ${run!.id}::bigint, ${run!.id}::bigint, now(), now()),
             ('tile-test', 1, 'point', 'yellow', 'acknowledged', '测试地址', '30日内 3 起', ST_SetSRID(ST_Point(${hex[1]}, ${hex[0]}), 4326),
              ${run!.id}::bigint, ${run!.id}::bigint, now(), now())
      RETURNING id::text`
    let wtile = await get(tilePath('warnings', wt, ''))
    for (let i = 0; i < 20 && !(wtile.layers.warnings_points ?? []).some((f) => String(f.id) === w2!.id); i++) {
      await new Promise((r) => setTimeout(r, 100))
      wtile = await get(tilePath('warnings', wt, ''))
    }
    expect((wtile.layers.warnings ?? []).find((f) => String(f.id) === w1!.id)?.properties).toMatchObject({
      level: 'red',
      status: 'new',
      title: '测试热点',
    })
    expect((wtile.layers.warnings_points ?? []).find((f) => String(f.id) === w2!.id)?.properties).toMatchObject({
      level: 'yellow',
      model: 'tile-test',
    })
    expect((wtile.layers.warnings ?? []).some((f) => String(f.id) === w2!.id)).toBe(false)
  })

  it('caps features per layer and says so', async () => {
    const capped = createTileService(s.db, { cap: 5 })
    try {
      const layers = ['incidents', 'microgrids'].map((n) => findLayer(n)!) as LayerDef[]
      const t = tileAt(14, hot.lng, hot.lat)
      const r = await capped.getTile(layers, t, { from: new Date(FROM), to: new Date(TO) })
      const d = decodeTile(r.bytes)
      expect(d.incidents!.length).toBe(5)
      expect(d.microgrids!.length).toBeLessThanOrEqual(5)
      expect(r.truncated).toContain('incidents')
    } finally {
      capped.close()
    }
  })

  it('answers bad requests with 400 or 404 saying what is wrong', async () => {
    const cases: [string, number, RegExp][] = [
      ['/tiles/towns/23/0/0.mvt', 400, /params\.z/],
      ['/tiles/towns/3/8/0.mvt', 400, /params\.x: x must be below 2\^z/],
      ['/tiles/towns/3/0/-1.mvt', 400, /params\.y/],
      ['/tiles/nope/3/0/0.mvt', 404, /unknown tile layer "nope"/],
      ['/tiles/towns,nope.json', 404, /unknown tile layer "nope"/],
      ['/tiles/incidents/3/0/0.mvt?from=yesterday', 400, /query\.from/],
      ['/tiles/incidents/3/0/0.mvt?from=2026-10-02&to=2026-10-01', 400, /query\.to/],
      ['/tiles/incidents/3/0/0.mvt?category=99', 400, /unknown category 99/],
      ['/tiles/incidents/3/0/0.mvt?category=abc', 400, /query\.category/],
      ['/tiles/incidents/3/0/0.mvt?area=33x', 400, /query\.area/],
      ['/tiles/incidents/3/0/0.mvt?area=999999999', 400, /unknown area 999999999/],
      ['/api/h3?res=6', 400, /query\.res/],
      ['/api/h3', 400, /query\.res/],
      ['/api/h3?res=8&bbox=1,2,3', 400, /query\.bbox/],
      ['/api/h3?res=8&area=12', 400, /query\.area/],
      ['/api/h3?res=8&area=330000000000', 400, /unknown area/],
    ]
    for (const [path, status, message] of cases) {
      const res = await fetch(`${s.url}${path}`)
      expect(res.status, path).toBe(status)
      expect(((await res.json()) as { error: string }).error, path).toMatch(message)
    }
  })

  it.runIf(TEST_KIND === 'native')('ST_AsMVT and the JavaScript encoder give the same tiles', async () => {
    const q = { from: new Date(FROM), to: new Date(TO) }
    const qa = { ...q, area: hot.town }
    const cases: [string, TileId, TileQuery?][] = [
      ['incidents', tileAt(11, hot.lng, hot.lat), qa],
      ['incidents', tileAt(15, hot.lng, hot.lat), qa],
      ['h3', tileAt(10, hot.lng, hot.lat), qa],
      ['towns', tileAt(9, hot.lng, hot.lat)],
      ['villages', tileAt(10, hot.lng, hot.lat)],
      ['grids', tileAt(12, hot.lng, hot.lat)],
      ['microgrids', tileAt(13, hot.lng, hot.lat)],
      ['incidents', tileAt(11, hot.lng, hot.lat)],
      ['incidents', tileAt(15, hot.lng, hot.lat)],
      ['h3', tileAt(12, hot.lng, hot.lat)],
      ['addresses', tileAt(16, hot.lng, hot.lat)],
    ]
    for (const [name, t, query = q as TileQuery] of cases) {
      const layer = [findLayer(name)!]
      const a = decodeTile((await tiles.render(layer, t, query, 'postgis')).bytes)
      const b = decodeTile((await tiles.render(layer, t, query, 'js')).bytes)
      expect(Object.keys(b).sort(), `${name} z${t.z}`).toEqual(Object.keys(a).sort())
      for (const part of Object.keys(a)) {
        const key = (f: DecodedFeature) => JSON.stringify([f.id ?? null, Object.entries(f.properties).sort()])
        // PostGIS clips polygons with wagyu, which may drop a sub-pixel sliver left in the buffer
        // edge (outside the tile proper) that the other clip keeps: those may differ, nothing else.
        const sliver = (f: DecodedFeature) =>
          f.type === 3 &&
          Math.abs(f.geometry.reduce((s, r) => s + ringArea(r), 0)) <= 2 &&
          f.geometry.flat().every(([x, y]) => x <= 0 || y <= 0 || x >= EXTENT || y >= EXTENT)
        const keysA = new Set(a[part]!.map(key))
        const keysB = new Set((b[part] ?? []).map(key))
        const fa = a[part]!.filter((f) => keysB.has(key(f)) || !sliver(f)).sort((x, y) => key(x).localeCompare(key(y)))
        const fb = (b[part] ?? []).filter((f) => keysA.has(key(f)) || !sliver(f)).sort((x, y) => key(x).localeCompare(key(y)))
        expect(fa.length, `${part} z${t.z}`).toBeGreaterThan(0)
        expect(fb.map(key), `${part} z${t.z}`).toEqual(fa.map(key))
        for (let i = 0; i < fa.length; i++) {
          const ga = fa[i]!.geometry
          const gb = fb[i]!.geometry
          if (fa[i]!.type === 1) {
            expect(gb, `${part} z${t.z}`).toEqual(ga)
          } else {
            // Same shape: equal area within 1 % (both snap to the grid; clipping may add a vertex).
            const area = (g: [number, number][][]) => g.reduce((s, r) => s + ringArea(r), 0)
            expect(Math.abs(area(gb) - area(ga)), `${part} z${t.z} ${fa[i]!.properties.code}`).toBeLessThanOrEqual(
              Math.abs(area(ga)) * 0.02 + 16,
            )
          }
        }
      }
    }
  })
})
