import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { generateBoundaries } from '../seed/boundaries.ts'
import { loadAreas } from '../seed/load.ts'
import type { AreaRow } from '../seed/types.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { type AreaLocator, loadAreaLocator } from './locate.ts'

// An urban street and a rural town: small and large, regular and ragged microgrids.
const TOWNS = ['330109001', '330109105']

describe(`area locator against PostGIS ST_Contains (${TEST_KIND})`, () => {
  let t: TestDb
  let areas: AreaRow[]
  let locator: AreaLocator
  beforeAll(async () => {
    t = await createTestDb()
    areas = generateBoundaries('locate-test', { towns: TOWNS })
    await loadAreas(t.db.sql, areas)
    locator = await loadAreaLocator(t.db.sql)
  })
  afterAll(async () => {
    await t?.drop()
  })

  // Leaves: the microgrids, and the towns without villages (only two towns are generated).
  it('agrees with ST_Contains on the leaf areas, on random points and on points a hair from microgrid edges', async () => {
    let state = 42
    const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const points: [number, number][] = []
    const micro = areas.filter((a) => a.level === 'microgrid')
    const box = [Infinity, Infinity, -Infinity, -Infinity]
    for (const a of micro) {
      for (const [x, y] of a.geometry.coordinates[0]![0]! as [number, number][]) {
        box[0] = Math.min(box[0]!, x)
        box[1] = Math.min(box[1]!, y)
        box[2] = Math.max(box[2]!, x)
        box[3] = Math.max(box[3]!, y)
      }
    }
    const [bx0, by0, bx1, by1] = box as [number, number, number, number]
    // Random points over the two towns' box (inside, between and outside microgrids)…
    for (let i = 0; i < 3_000; i++) points.push([bx0 + rand() * (bx1 - bx0), by0 + rand() * (by1 - by0)])
    // …and 1e-7° (~1 cm) either side of edge midpoints, where a sloppy test goes wrong.
    for (let i = 0; i < 1_000; i++) {
      const ring = micro[Math.floor(rand() * micro.length)]!.geometry.coordinates[0]![0]!
      const k = Math.floor(rand() * (ring.length - 1))
      const [x0, y0] = ring[k] as [number, number]
      const [x1, y1] = ring[k + 1] as [number, number]
      const len = Math.hypot(x1 - x0, y1 - y0)
      const side = i % 2 ? 1e-7 : -1e-7
      points.push([(x0 + x1) / 2 - ((y1 - y0) / len) * side, (y0 + y1) / 2 + ((x1 - x0) / len) * side])
    }
    // Beyond the district.
    points.push([121.5, 31.2], [119.0, 29.0])

    const rows = await t.db.sql<{ i: number; micro: string | null; in_district: boolean }[]>`
      SELECT p.i, (SELECT m.code FROM admin_areas m
                   WHERE m.level <> 'district' AND NOT EXISTS (SELECT 1 FROM admin_areas c WHERE c.parent_code = m.code)
                     AND ST_Contains(m.geom, p.geom) LIMIT 1) AS micro,
             EXISTS (SELECT 1 FROM admin_areas d WHERE d.level = 'district' AND ST_Contains(d.geom, p.geom)) AS in_district
      FROM (SELECT i, ST_SetSRID(ST_Point(x, y), 4326) AS geom
            FROM unnest(${points.map((_, i) => i)}::int[], ${points.map((p) => p[0])}::float8[], ${points.map((p) => p[1])}::float8[]) AS u(i, x, y)) p
      ORDER BY p.i`
    const wrong: string[] = []
    let inside = 0
    for (const r of rows) {
      const [x, y] = points[r.i]!
      const loc = locator.locate(x, y)
      if (r.micro !== null) {
        inside++
        if (loc.kind !== 'in' || loc.area.code !== r.micro)
          wrong.push(`${x},${y}: PostGIS ${r.micro}, JS ${loc.kind} ${'area' in loc ? loc.area.code : ''}`)
      } else if (loc.kind === 'in') wrong.push(`${x},${y}: PostGIS none, JS ${loc.area.code}`)
      else if (!r.in_district && loc.kind !== 'outside') wrong.push(`${x},${y}: outside the district, JS ${loc.kind}`)
      else if (r.in_district && loc.kind === 'outside') wrong.push(`${x},${y}: in the district, JS outside`)
    }
    expect(wrong).toEqual([])
    expect(inside).toBeGreaterThan(1_000)
    expect(rows.length).toBe(points.length)
  })

  it('gives each microgrid the grid, village and town above it', () => {
    const byCode = new Map(areas.map((a) => [a.code, a]))
    const m = areas.find((a) => a.level === 'microgrid')!
    const loc = locator.locate(m.labelPoint[0], m.labelPoint[1])
    expect(loc.kind).toBe('in')
    if (loc.kind !== 'in') return
    const grid = byCode.get(m.parentCode!)!
    const village = byCode.get(grid.parentCode!)!
    expect(loc.area).toMatchObject({ code: m.code, gridCode: grid.code, villageCode: village.code, townCode: village.parentCode })
    // The other towns have no villages here: they are leaves of their own, located as towns.
    const parents = new Set(areas.map((a) => a.parentCode))
    expect(locator.size).toBe(areas.filter((a) => a.level !== 'district' && !parents.has(a.code)).length)
    const bare = areas.find((a) => a.level === 'town' && !parents.has(a.code))!
    const inBare = locator.locate(bare.labelPoint[0], bare.labelPoint[1])
    expect(inBare.kind === 'in' && inBare.area).toMatchObject({
      code: bare.code,
      townCode: bare.code,
      villageCode: null,
      gridCode: null,
      microgridCode: null,
    })
  })
})
