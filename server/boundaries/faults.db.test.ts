/**
 * Broken boundary files made by a separate generator (data/fixtures/boundary-faults, with its
 * own expected.json): each fault is reported where the fixture says, faults under the 1,000 m²
 * tolerance are not, and the good features of each file still load.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { distanceM } from '../geo/crs.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { ROOT_DIR } from '../web/static.ts'
import { type BoundaryImportSummary, importBoundaries } from './import.ts'

const DIR = path.join(ROOT_DIR, 'data', 'fixtures', 'boundary-faults')
const file = (name: string) => path.join(DIR, name)
interface Fault {
  kind: string
  code?: string
  codes?: string[]
  feature?: number
  features?: number[]
  areaM2?: number
  at?: [number, number]
  liesIn?: string
  vertex?: { wgs84: [number, number] }
}
const expected = JSON.parse(fs.readFileSync(file('expected.json'), 'utf8')) as Record<string, { faults: Fault[]; notReported?: Fault[] }>

describe(`boundary faults from another generator (${TEST_KIND})`, () => {
  let t: TestDb
  let tmp: string
  const run = (name: string, level: 'town' | 'village', extra: Record<string, unknown> = {}): Promise<BoundaryImportSummary> =>
    importBoundaries(t.db, file(name), { level, reportPath: path.join(tmp, `${name}.csv`), ...extra })
  const reset = async () => {
    await t.db.sql`DELETE FROM admin_areas WHERE level = 'village'`
    await run('towns.geojson', 'town')
  }

  beforeAll(async () => {
    t = await createTestDb()
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-'))
    await importBoundaries(t.db, file('district.geojson'), { level: 'district', reportPath: null })
    await run('towns.geojson', 'town')
  }, 120_000)
  afterAll(async () => {
    await t?.drop()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  it('loads the clean baseline with nothing to report', async () => {
    const s = await run('villages.geojson', 'village')
    expect(s).toMatchObject({ inserted: 8, rejected: 0 })
    expect(s.findings.filter((f) => f.kind !== 'gap')).toEqual([])
  })

  it('rejects a duplicate code by feature, keeping the first', async () => {
    await reset()
    const [f] = expected['towns-duplicate-code.geojson']!.faults
    const s = await run('towns-duplicate-code.geojson', 'town')
    const dup = s.findings.filter((x) => x.kind === 'rejected')
    expect(dup.map((x) => [x.feature, x.code])).toEqual([[f!.features![1], f!.code]])
    expect(dup[0]!.detail).toMatch(new RegExp(`feature ${f!.features![0]} has it too`))
  })

  it('rejects a village whose code does not nest under the town it lies in', async () => {
    await reset()
    const [f] = expected['villages-code-mismatch.geojson']!.faults
    const s = await run('villages-code-mismatch.geojson', 'village')
    const hit = s.findings.find((x) => x.feature === f!.feature)!
    expect(hit.kind).toBe('rejected')
    expect(hit.detail).toContain(`does not start with the code of its town ${f!.liesIn}`)
  })

  it('rejects an orphan and says where it is', async () => {
    await reset()
    const [f] = expected['villages-orphan.geojson']!.faults
    const s = await run('villages-orphan.geojson', 'village')
    const hit = s.findings.find((x) => x.feature === f!.feature)!
    expect(hit.kind).toBe('orphan')
    expect(distanceM(hit.lng!, hit.lat!, f!.at![0], f!.at![1])).toBeLessThan(1_000)
  })

  it('places a village split evenly between two towns by its code, and reports it', async () => {
    await reset()
    const [f] = expected['villages-ambiguous.geojson']!.faults
    const s = await run('villages-ambiguous.geojson', 'village')
    const hit = s.findings.find((x) => x.feature === f!.feature)!
    expect(hit.kind).toBe('ambiguous')
    expect(hit.detail).toMatch(/\(50%\).*\(50%\)/)
    const [row] = await t.db.sql<{ parent_code: string }[]>`SELECT parent_code FROM admin_areas WHERE code = ${f!.code!}`
    expect(row!.parent_code).toBe('330521001')
  })

  it('reports the overlap and the gap above the tolerance, with their size and place, and not the ones below', async () => {
    await t.db.sql`DELETE FROM admin_areas WHERE level = 'village'`
    const e = expected['towns-overlap-gap.geojson']!
    const s = await run('towns-overlap-gap.geojson', 'town')
    for (const f of e.faults) {
      const hits = s.findings.filter((x) => x.kind === f.kind && distanceM(x.lng!, x.lat!, f.at![0], f.at![1]) < 400)
      expect(hits, f.kind).toHaveLength(1)
      expect(Math.abs(hits[0]!.areaM2! - f.areaM2!) / f.areaM2!, f.kind).toBeLessThan(0.05)
    }
    for (const f of e.notReported ?? []) {
      expect(
        s.findings.filter((x) => x.kind === f.kind && x.lng !== null && distanceM(x.lng, x.lat!, f.at![0], f.at![1]) < 400),
        `${f.kind} ${f.areaM2} m²`,
      ).toEqual([])
    }
  })

  it('rejects a Point and a nameless town by feature and loads the rest', async () => {
    await t.db.sql`DELETE FROM admin_areas WHERE level = 'village'`
    for (const name of ['towns-point.geojson', 'towns-empty-name.geojson']) {
      const [f] = expected[name]!.faults
      const s = await run(name, 'town')
      expect(
        s.findings.filter((x) => x.kind === 'rejected').map((x) => x.feature),
        name,
      ).toEqual([f!.feature])
      expect(s.inserted + s.updated + s.unchanged, name).toBe(s.read - 1)
    }
  })

  it('takes undeclared GCJ-02 back to the true towns with --crs gcj02', async () => {
    await t.db.sql`DELETE FROM admin_areas WHERE level = 'village'`
    const [f] = expected['towns-gcj02.geojson']!.faults
    await run('towns-gcj02.geojson', 'town', { crs: 'gcj02' })
    const [w, y] = f!.vertex!.wgs84
    const [row] = await t.db.sql<{ d: number }[]>`
      SELECT min(ST_Distance(ST_SetSRID(ST_Point(${w}, ${y}), 4326)::geography, dp.geom::geography)) AS d
      FROM admin_areas a CROSS JOIN LATERAL ST_DumpPoints(a.geom) dp WHERE a.level = 'town'`
    expect(row!.d).toBeLessThan(2)
  })

  it('asks which layer of a zip with two shapefiles, and reads the one named', async () => {
    await t.db.sql`DELETE FROM admin_areas WHERE level = 'village'`
    await expect(run('towns-two-shapefiles.zip', 'town')).rejects.toThrow(/XZQ.*XZQ_2019|XZQ_2019.*XZQ/)
    const s = await run('towns-two-shapefiles.zip', 'town', { layer: 'XZQ' })
    expect(s.inserted + s.updated + s.unchanged).toBe(4)
  })
})
