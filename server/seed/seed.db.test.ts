import fs from 'node:fs'
import path from 'node:path'

import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { ROOT_DIR } from '../web/static.ts'
import { seedDemo, seedStatus } from './run.ts'

const END = new Date('2026-11-01T00:00:00+08:00')

describe(`seeded boundaries in PostGIS (${TEST_KIND})`, () => {
  let t: TestDb
  beforeAll(async () => {
    t = await createTestDb()
    await seedDemo(t.db, { size: 'small', only: 'boundaries', end: END })
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('stores only valid, non-empty multipolygons with label points inside', async () => {
    const [r] = await t.db.sql<{ invalid: string; empty: string; outside: string; total: string }[]>`
      SELECT count(*) FILTER (WHERE NOT ST_IsValid(geom)) AS invalid,
             count(*) FILTER (WHERE ST_IsEmpty(geom) OR ST_Area(geom) = 0) AS empty,
             count(*) FILTER (WHERE NOT ST_Intersects(label_point, geom)) AS outside,
             count(*) AS total
      FROM admin_areas`
    expect(Number(r?.invalid)).toBe(0)
    expect(Number(r?.empty)).toBe(0)
    expect(Number(r?.outside)).toBe(0)
    expect(Number(r?.total)).toBeGreaterThan(18_000)
  })

  it('has the reference counts: 27 towns, each with its real number of villages', async () => {
    const villages = parse(fs.readFileSync(path.join(ROOT_DIR, 'data/xiaoshan/villages.csv')), { columns: true }) as { town_code: string }[]
    const expected: Record<string, number> = {}
    for (const v of villages) expected[v.town_code] = (expected[v.town_code] ?? 0) + 1
    const rows = await t.db.sql<{ code: string; n: string }[]>`
      SELECT t.code, count(v.code) AS n FROM admin_areas t
      LEFT JOIN admin_areas v ON v.parent_code = t.code AND v.level = 'village'
      WHERE t.level = 'town' GROUP BY t.code ORDER BY t.code`
    expect(rows).toHaveLength(27)
    expect(Object.fromEntries(rows.map((r) => [r.code, Number(r.n)]))).toEqual(expected)
    const levels = await t.db.sql<{ level: string; n: string }[]>`SELECT level, count(*) AS n FROM admin_areas GROUP BY level`
    const byLevel = Object.fromEntries(levels.map((l) => [l.level, Number(l.n)]))
    expect(byLevel.district).toBe(1)
    expect(byLevel.village).toBe(585)
    expect(byLevel.grid).toBeGreaterThan(1_900)
    expect(byLevel.grid).toBeLessThan(2_200)
    expect(byLevel.microgrid).toBeGreaterThan(15_000)
    expect(byLevel.microgrid).toBeLessThan(17_000)
  })

  it('tiles the district with towns: no gaps, no overlaps (areas agree within 0.1 %)', async () => {
    const [r] = await t.db.sql<{ district: number; sum: number; union_area: number }[]>`
      SELECT (SELECT ST_Area(geom::geography) FROM admin_areas WHERE level = 'district') AS district,
             sum(ST_Area(geom::geography)) AS sum,
             ST_Area(ST_Union(geom)::geography) AS union_area
      FROM admin_areas WHERE level = 'town'`
    // Overlaps make the sum exceed the union; gaps make the union fall short of the district.
    expect(Math.abs(r!.sum - r!.union_area) / r!.union_area).toBeLessThan(0.001)
    expect(Math.abs(r!.union_area - r!.district) / r!.district).toBeLessThan(0.001)
    expect(r!.district / 1e6).toBeGreaterThan(1_000) // km²: Xiaoshan is ~1,400 km²
    expect(r!.district / 1e6).toBeLessThan(1_800)
  })

  it('nests every area inside its parent (to 1 cm) and tiles each parent with its children', async () => {
    // ST_CoveredBy on a 1e-7° (~1 cm) buffer: clipped polygons carry floating-point noise.
    const outside = await t.db.sql<{ level: string; n: string }[]>`
      SELECT c.level, count(*) AS n FROM admin_areas c JOIN admin_areas p ON p.code = c.parent_code
      WHERE NOT ST_CoveredBy(c.geom, ST_Buffer(p.geom, 1e-7))
      GROUP BY c.level`
    expect(outside).toEqual([])
    const gaps = await t.db.sql<{ level: string; worst: number }[]>`
      SELECT c.level, max(abs(p_area - c_sum) / p_area) AS worst FROM (
        SELECT c.level, p.code, ST_Area(p.geom) AS p_area, sum(ST_Area(c.geom)) AS c_sum
        FROM admin_areas c JOIN admin_areas p ON p.code = c.parent_code
        GROUP BY c.level, p.code, p.geom) c
      GROUP BY c.level ORDER BY c.level`
    for (const g of gaps) expect(g.worst, `children of ${g.level}s`).toBeLessThan(0.001)
    expect(gaps.map((g) => g.level).sort()).toEqual(['grid', 'microgrid', 'town', 'village'])
  })

  it('re-seeding with the same seed changes nothing', async () => {
    const before = await t.db.sql`SELECT code, md5(ST_AsBinary(geom)) AS g, name, population FROM admin_areas ORDER BY code`
    const meta = await seedStatus(t.db)
    await seedDemo(t.db, { size: 'small', only: 'boundaries', end: END })
    const after = await t.db.sql`SELECT code, md5(ST_AsBinary(geom)) AS g, name, population FROM admin_areas ORDER BY code`
    expect(after).toEqual(before)
    expect(meta?.only).toBe('boundaries')
  })
})
