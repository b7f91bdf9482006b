import { booleanPointInPolygon as turfBooleanPointInPolygon } from '@turf/boolean-point-in-polygon'
import type { FeatureCollection, MultiPolygon, Point } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { healthReport } from '../health/routes.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import type { AreaProperties } from './schema.ts'

describe(`areas API (${TEST_KIND})`, () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
  })
  afterAll(async () => {
    await s?.close()
  })
  const get = (p: string) => fetch(`${s.url}${p}`)

  it('health reports the database kind, real versions, migration version and row counts', async () => {
    const res = await get('/api/health')
    expect(res.status).toBe(200)
    const h = (await res.json()) as {
      database: {
        kind: string
        postgresVersion: string
        postgisVersion: string
        migrationVersion: number
        capabilities: { asMvt: boolean }
      }
      tables: Record<string, number>
      seed: { only: string | null; counts: Record<string, number> }
    }
    expect(h.database.kind).toBe(TEST_KIND)
    expect(h.database.postgisVersion).toMatch(/^3\.\d/)
    expect(h.database.postgresVersion).toMatch(TEST_KIND === 'embedded' ? /^18\./ : /^\d+\./)
    expect(h.database.migrationVersion).toBeGreaterThanOrEqual(2)
    expect(h.database.capabilities.asMvt).toBe(TEST_KIND === 'native')
    const [areas] = await s.db.sql<{ n: string }[]>`SELECT count(*) AS n FROM admin_areas`
    expect(h.tables.admin_areas).toBe(Number(areas?.n))
    expect(h.tables.incident_categories).toBe(32)
    expect(h.tables.addresses).toBe(0)
    expect(h.tables).not.toHaveProperty('spatial_ref_sys')
    expect(h.seed.only).toBe('boundaries')
    // Small tables are counted, big ones estimated; none is big here.
    expect((h as unknown as { estimated: string[] }).estimated).toEqual([])
  })

  it("health reports big tables from the planner's estimate, and says which", async () => {
    await s.db.sql`ANALYZE admin_areas`
    const [areas] = await s.db.sql<{ n: string }[]>`SELECT count(*) AS n FROM admin_areas`
    // With the threshold at 1 row, every analyzed non-empty table counts as big.
    const h = await healthReport(s.db, { exactBelow: 1 })
    expect(h.estimated).toContain('admin_areas')
    // ANALYZE samples all of a table this small: the estimate is the count.
    expect(h.tables.admin_areas).toBe(Number(areas?.n))
    expect(h.estimated).not.toContain('addresses') // empty: counted
    expect(h.tables.addresses).toBe(0)
  })

  it('serves town boundaries and label points inside them', async () => {
    const res = await get('/api/boundaries/town.geojson')
    expect(res.headers.get('content-type')).toMatch(/application\/geo\+json/)
    const towns = (await res.json()) as FeatureCollection<MultiPolygon, AreaProperties>
    expect(towns.features).toHaveLength(27)
    const chengxiang = towns.features.find((f) => f.properties.code === '330109001')
    expect(chengxiang?.properties).toMatchObject({ name: '城厢街道', level: 'town', parent_code: '330109' })
    expect(chengxiang?.geometry.type).toBe('MultiPolygon')

    const labels = (await (await get('/api/boundaries/town/labels.geojson')).json()) as FeatureCollection<Point, AreaProperties>
    expect(labels.features).toHaveLength(27)
    for (const label of labels.features) {
      const town = towns.features.find((f) => f.properties.code === label.properties.code)!
      expect(turfBooleanPointInPolygon(label.geometry, town)).toBe(true)
    }
  })

  it('filters by containing area, and every village of 城厢街道 is there', async () => {
    const villages = (await (await get('/api/boundaries/village.geojson?within=330109001')).json()) as FeatureCollection<
      MultiPolygon,
      AreaProperties
    >
    expect(villages.features).toHaveLength(36)
    expect(villages.features.every((f) => f.properties.parent_code === '330109001')).toBe(true)
    expect(villages.features.map((f) => f.properties.name)).toContain('陈公桥社区')
  })

  it('answers one area with its children', async () => {
    const res = await get('/api/areas/330109001')
    const area = (await res.json()) as { name: string; bbox: number[]; children: { level: string }[] }
    expect(area.name).toBe('城厢街道')
    expect(area.children).toHaveLength(36)
    expect(area.children.every((c) => c.level === 'village')).toBe(true)
    const [w, s_, e, n] = area.bbox as [number, number, number, number]
    expect(w).toBeGreaterThan(119.9)
    expect(e).toBeLessThan(120.8)
    expect(s_).toBeGreaterThan(29.7)
    expect(n).toBeLessThan(30.5)
  })

  it('fits the map to the district', async () => {
    const cfg = (await (await get('/api/config')).json()) as {
      basemapTileUrl: string | null
      district: { name: string; bbox: number[]; illustrative: boolean }
    }
    expect(cfg.basemapTileUrl).toBeNull()
    expect(cfg.district.name).toBe('萧山区')
    // The demo's boundaries are generated: the map says so.
    expect(cfg.district.illustrative).toBe(true)
    expect(cfg.district.bbox[0]).toBeLessThan(120.2)
    expect(cfg.district.bbox[2]).toBeGreaterThan(120.5)
  })

  it('answers bad input with 400 saying what and where, unknown things with 404', async () => {
    const bad = await get('/api/boundaries/county.geojson')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toMatch(/params\.level/)
    const badWithin = await get('/api/boundaries/village.geojson?within=a%27b')
    expect(badWithin.status).toBe(400)
    expect(((await badWithin.json()) as { error: string }).error).toMatch(/query\.within: an area code is 2 to 64 letters, digits, - or _/)
    expect((await get('/api/areas/123456789')).status).toBe(404)
    const unknown = await get('/api/nothing-here')
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toMatch(/json/)
  })

  it('gzips large GeoJSON when the client accepts it', async () => {
    const res = await fetch(`${s.url}/api/boundaries/grid.geojson`, { headers: { 'accept-encoding': 'gzip' } })
    expect(res.headers.get('content-encoding')).toBe('gzip')
    const fc = (await res.json()) as FeatureCollection
    expect(fc.features.length).toBeGreaterThan(1_900)
  })
})
