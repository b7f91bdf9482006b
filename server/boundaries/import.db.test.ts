/**
 * The boundary import from the side of a district's GIS officer: their layers load, what is
 * wrong in them is reported by feature and place, and re-importing a level keeps every record
 * where it belongs. Geometries are plain boxes so each expectation can be worked out by hand.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { fromWgs84 } from '../geo/crs.ts'
import { ImportInputError } from '../imports/csv.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { importBoundaries } from './import.ts'

type Ring = [number, number][]
const box = (w: number, s: number, e: number, n: number): Ring => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
]
const feature = (props: Record<string, unknown>, rings: Ring[] | null, type = 'Polygon') => ({
  type: 'Feature',
  properties: props,
  geometry:
    rings === null ? null : type === 'Point' ? { type: 'Point', coordinates: rings[0]![0] } : { type: 'Polygon', coordinates: rings },
})

describe(`boundary import (${TEST_KIND})`, () => {
  let t: TestDb
  let dir: string
  const write = (name: string, features: unknown[]) => {
    const file = path.join(dir, name)
    fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }))
    return file
  }
  const areas = async (level: string) =>
    t.db.sql<{ code: string; name: string; parent_code: string | null; population: number | null }[]>`
      SELECT code, name, parent_code, population FROM admin_areas WHERE level = ${level} ORDER BY code`
  const report = (file: string) =>
    parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]

  beforeAll(async () => {
    t = await createTestDb()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boundaries-'))
    // A district 0.4° × 0.3° with two towns split at 120.2° E, in the field names Chinese GIS offices use.
    await importBoundaries(t.db, write('district.geojson', [feature({ XZQDM: '330521', XZQMC: '德清县' }, [box(120, 30, 120.4, 30.3)])]), {
      level: 'district',
      reportPath: null,
    })
    await importBoundaries(
      t.db,
      write('towns.geojson', [
        feature({ XZQDM: '330521001', XZQMC: '武康街道', RKS: 52000, LX: '街道' }, [box(120, 30, 120.2, 30.3)]),
        feature({ XZQDM: '330521002', XZQMC: '乾元镇', RKS: 31000, LX: '镇' }, [box(120.2, 30, 120.4, 30.3)]),
      ]),
      { level: 'town', reportPath: null },
    )
  }, 120_000)
  afterAll(async () => {
    await t?.drop()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('loads a level with its usual field names and nests it under the level above', async () => {
    expect(await areas('district')).toEqual([{ code: '330521', name: '德清县', parent_code: null, population: null }])
    expect(await areas('town')).toEqual([
      { code: '330521001', name: '武康街道', parent_code: '330521', population: 52000 },
      { code: '330521002', name: '乾元镇', parent_code: '330521', population: 31000 },
    ])
  })

  it('finds each village its town by position, repairs a bow-tie, and reports every fault by feature while loading the rest', async () => {
    const reportPath = path.join(dir, 'villages.report.csv')
    const file = write('villages.geojson', [
      feature({ CJDM: '330521001001', CJMC: '城东村' }, [box(120, 30, 120.1, 30.3)]), // 1
      feature({ CJDM: '330521001002', CJMC: '城西村' }, [box(120.1, 30, 120.2, 30.3)]), // 2
      // 3: a bow-tie: one ring crossing itself at (120.3, 30.15), two triangles of the town 乾元镇.
      feature({ CJDM: '330521002001', CJMC: '蝶形村' }, [
        [
          [120.2, 30],
          [120.4, 30.3],
          [120.4, 30],
          [120.2, 30.3],
          [120.2, 30],
        ],
      ]),
      feature({ CJDM: '330521001001', CJMC: '重复村' }, [box(120, 30, 120.05, 30.1)]), // 4: duplicate code
      feature({ CJDM: '330521002009', CJMC: '错码村' }, [box(120.01, 30.01, 120.02, 30.02)]), // 5: in 武康街道, code of 乾元镇
      feature({ CJDM: '330521001009', CJMC: '境外村' }, [box(121, 31, 121.1, 31.1)]), // 6: in no town
      feature({ CJDM: '330521001010', CJMC: '点村' }, [[[120.05, 30.05]]], 'Point'), // 7: not a polygon
      feature({ CJDM: '330521001011', CJMC: '' }, [box(120, 30, 120.01, 30.01)]), // 8: no name
    ])
    const s = await importBoundaries(t.db, file, { level: 'village', reportPath })
    expect(s.fields).toMatchObject({ code: 'CJDM', name: 'CJMC', parent: null })
    expect({ read: s.read, inserted: s.inserted, rejected: s.rejected, repaired: s.repaired }).toEqual({
      read: 8,
      inserted: 3,
      rejected: 5,
      repaired: 1,
    })
    expect((await areas('village')).map((v) => [v.code, v.parent_code])).toEqual([
      ['330521001001', '330521001'],
      ['330521001002', '330521001'],
      ['330521002001', '330521002'],
    ])
    // The bow-tie keeps both triangles: half the town's area (0.2° × 0.3° / 2).
    const [bow] = await t.db.sql<{ parts: number; valid: boolean; share: number }[]>`
      SELECT ST_NumGeometries(v.geom) AS parts, ST_IsValid(v.geom) AS valid, ST_Area(v.geom) / ST_Area(t.geom) AS share
      FROM admin_areas v JOIN admin_areas t ON t.code = v.parent_code WHERE v.code = '330521002001'`
    expect(bow).toMatchObject({ parts: 2, valid: true })
    expect(bow!.share).toBeCloseTo(0.5, 6)
    const rows = report(reportPath)
    const byFeature = (n: number) =>
      rows
        .filter((r) => r.feature === String(n))
        .map((r) => `${r.kind}: ${r.detail}`)
        .join(' | ')
    expect(byFeature(3)).toMatch(/^repaired: invalid polygon \(Self-intersection.*into 2 parts/)
    expect(byFeature(4)).toMatch(/rejected: duplicate code 330521001001: feature 1 has it too/)
    expect(byFeature(5)).toMatch(/rejected: code 330521002009 does not start with the code of its town 330521001/)
    expect(byFeature(6)).toMatch(/orphan: lies in no town: rejected/)
    expect(byFeature(7)).toMatch(/rejected: a Point, not a polygon/)
    expect(byFeature(8)).toMatch(/rejected: no name/)
    // The other half of 乾元镇 (two triangles beside the bow-tie, ~160 km² each) is a gap no village
    // covers, reported piece by piece with its area and place.
    const gaps = rows.filter((r) => r.kind === 'gap' && r.code === '330521002')
    expect(gaps).toHaveLength(2)
    for (const g of gaps) {
      expect(Number(g.area_m2) / 1e6).toBeGreaterThan(155)
      expect(Number(g.area_m2) / 1e6).toBeLessThan(165)
      expect(Number(g.lng)).toBeGreaterThan(120.2)
    }
    // The run is recorded like every other import.
    const [run] = await t.db.sql<
      { kind: string; status: string; read: number; rejected: number }[]
    >`SELECT kind, status, read, rejected FROM import_runs WHERE id = ${s.runId}`
    expect(run).toEqual({ kind: 'boundaries', status: 'done', read: 8, rejected: 5 })
  })

  it('reports areas straddling two parents and overlaps between areas, with their size and place', async () => {
    const reportPath = path.join(dir, 'grids.report.csv')
    const file = write('grids.geojson', [
      // 60 % in 城东村, 40 % in 城西村: ambiguous, placed by its point on surface.
      feature({ WGBM: '330521001001001', WGMC: '跨界网格' }, [box(120.04, 30, 120.14, 30.1)]),
      feature({ WGBM: '330521001001002', WGMC: '北网格' }, [box(120, 30.1, 120.1, 30.3)]),
    ])
    const s = await importBoundaries(t.db, file, { level: 'grid', reportPath, parentField: undefined })
    const rows = report(reportPath)
    const amb = rows.find((r) => r.kind === 'ambiguous')!
    expect(amb.code).toBe('330521001001001')
    expect(amb.detail).toMatch(/straddles villages 330521001001 \(60%\) and 330521001002 \(40%\)/)
    expect(s.inserted).toBe(2)
    // 北网格 and 跨界网格 do not overlap; a third grid overlapping 北网格 by 0.02° × 0.01° (~2.1 km²) is reported.
    const again = await importBoundaries(
      t.db,
      write('grids2.geojson', [
        feature({ WGBM: '330521001001001', WGMC: '跨界网格' }, [box(120.04, 30, 120.14, 30.1)]),
        feature({ WGBM: '330521001001002', WGMC: '北网格' }, [box(120, 30.1, 120.1, 30.3)]),
        feature({ WGBM: '330521001001003', WGMC: '叠网格' }, [box(120.0, 30.09, 120.02, 30.11)]),
      ]),
      { level: 'grid', reportPath },
    )
    const overlap = again.findings.find((f) => f.kind === 'overlap' && f.detail.includes('330521001001003'))!
    expect(overlap.areaM2! / 1e6).toBeGreaterThan(2.0)
    expect(overlap.areaM2! / 1e6).toBeLessThan(2.3)
    expect(overlap.lng).toBeGreaterThan(120.0)
    expect(overlap.lng).toBeLessThan(120.02)
    expect(again).toMatchObject({ inserted: 1, unchanged: 2 })
  })

  it('takes a layer declared WGS84 that holds GCJ-02 back to WGS84 with --crs gcj02', async () => {
    // A microgrid whose true corners are known, written in GCJ-02 (about 500 m off here).
    const truth = box(120.05, 30.2, 120.06, 30.21)
    const gcj = truth.map(([x, y]) => fromWgs84(x, y, 'gcj02'))
    const file = write('micro.geojson', [feature({ WWGBM: '330521001001002001', WWGMC: '微网格一' }, [gcj])])
    const s = await importBoundaries(t.db, file, { level: 'microgrid', crs: 'gcj02', reportPath: null })
    expect(s.crsNote).toMatch(/--crs gcj02/)
    const [g] = await t.db.sql<
      { x: number; y: number }[]
    >`SELECT ST_XMin(geom) AS x, ST_YMin(geom) AS y FROM admin_areas WHERE code = '330521001001002001'`
    // Within 0.5 m of the true corner (1e-5° ≈ 1 m).
    expect(Math.abs(g!.x - 120.05)).toBeLessThan(5e-6)
    expect(Math.abs(g!.y - 30.2)).toBeLessThan(5e-6)
  })

  it('re-importing a level keeps records with their areas: vanished codes are reported and their records placed again', async () => {
    // A grid and an incident in 城西村 (which the new file renames 330521001003), an incident in 城东村.
    await t.db.sql`
      INSERT INTO admin_areas (code, name, level, parent_code, geom, label_point)
      VALUES ('330521001002001', '西网格', 'grid', '330521001002', ST_Multi(ST_MakeEnvelope(120.1, 30.15, 120.2, 30.25, 4326)), ST_SetSRID(ST_Point(120.15, 30.2), 4326))`
    await t.db.sql`
      INSERT INTO incidents (incident_id, reported_at, category_code, geom, town_code, village_code)
      VALUES ('I-W', now(), '0101', ST_SetSRID(ST_Point(120.15, 30.2), 4326), '330521001', '330521001002'),
             ('I-E', now(), '0101', ST_SetSRID(ST_Point(120.05, 30.2), 4326), '330521001', '330521001001')`
    const villages = (west: string) =>
      write(`villages-${west}.geojson`, [
        feature({ CJDM: '330521001001', CJMC: '城东村' }, [box(120, 30, 120.1, 30.3)]),
        feature({ CJDM: west, CJMC: '城西村' }, [box(120.1, 30, 120.2, 30.3)]),
        feature({ CJDM: '330521002001', CJMC: '蝶形村' }, [box(120.2, 30, 120.4, 30.3)]),
      ])
    const s = await importBoundaries(t.db, villages('330521001003'), { level: 'village', reportPath: null })
    expect(s.removed).toEqual(['330521001002'])
    expect(s).toMatchObject({ inserted: 1, updated: 1, unchanged: 1 })
    const codes = await t.db.sql<{ incident_id: string; village_code: string; town_code: string; grid_code: string | null }[]>`
      SELECT incident_id, village_code, town_code, grid_code FROM incidents WHERE incident_id IN ('I-W', 'I-E') ORDER BY incident_id`
    expect(codes).toEqual([
      // Kept: its village is still there.
      { incident_id: 'I-E', village_code: '330521001001', town_code: '330521001', grid_code: null },
      // Placed again by its point: the new village, and the grid (moved under it) that holds the point.
      { incident_id: 'I-W', village_code: '330521001003', town_code: '330521001', grid_code: '330521001002001' },
    ])
    // The vanished village and the repaired bow-tie's old shape are kept in the history.
    const hist = await t.db.sql<
      { code: string; change: string }[]
    >`SELECT code, change FROM admin_area_history WHERE import_run_id = ${s.runId} ORDER BY code`
    expect(hist).toEqual([
      { code: '330521001002', change: 'removed' },
      { code: '330521002001', change: 'replaced' },
    ])
    // The grid under the vanished village moved to the village now holding it.
    const [grid] = await t.db.sql<{ parent_code: string }[]>`SELECT parent_code FROM admin_areas WHERE code = '330521001002001'`
    expect(grid!.parent_code).toBe('330521001003')
    expect(s.reparented).toBe(1)
    // Importing the same file again changes nothing.
    const same = await importBoundaries(t.db, villages('330521001003'), { level: 'village', reportPath: null })
    expect(same).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, removed: [] })
  })

  it('refuses, changing nothing, a file that would leave areas of the level below without a parent', async () => {
    const before = await areas('village')
    const file = write('towns-one.geojson', [feature({ XZQDM: '330521001', XZQMC: '武康街道' }, [box(120, 30, 120.2, 30.3)])])
    await expect(importBoundaries(t.db, file, { level: 'town', reportPath: null })).rejects.toThrow(
      /1 village \(330521002001 蝶形村\) would lose their town/,
    )
    expect(await areas('town')).toHaveLength(2)
    expect(await areas('village')).toEqual(before)
    const [run] = await t.db.sql<{ status: string }[]>`SELECT status FROM import_runs WHERE kind = 'boundaries' ORDER BY id DESC LIMIT 1`
    expect(run!.status).toBe('failed')
  })

  it('says in one sentence why a file cannot be imported at all', async () => {
    const noCode = write('nocode.geojson', [feature({ FOO: 'x' }, [box(120, 30, 120.1, 30.1)])])
    await expect(importBoundaries(t.db, noCode, { level: 'town', reportPath: null })).rejects.toThrow(ImportInputError)
    await expect(importBoundaries(t.db, noCode, { level: 'town', reportPath: null })).rejects.toThrow(
      /no 乡镇街道 code field found among FOO: name it with --code-field/,
    )
    const projected = write('projected.geojson', [
      feature({ XZQDM: '330521003', XZQMC: '新市镇' }, [box(40500000, 3300000, 40510000, 3310000)]),
    ])
    await expect(importBoundaries(t.db, projected, { level: 'town', reportPath: null })).rejects.toThrow(/not longitude\/latitude in China/)
  })
})
