/**
 * A second district, not Xiaoshan, onboards from the files its GIS office would hand over
 * (data/fixtures/second-district: 德清县, GBK shapefiles, a GCJ-02 GeoPackage with a bow-tie,
 * no parent field for villages, its own catalogue). Expectations come from the fixture's own
 * truth.json, written by its generator, not from our importer.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { readProfile } from '../profile/store.ts'
import { createTestDb, TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { decodeTile, tileAt } from '../tiles/testing.ts'
import { ROOT_DIR } from '../web/static.ts'
import { planOnboarding } from './plan.ts'
import { onboard, type OnboardSummary } from './run.ts'

const FIXTURE = path.join(ROOT_DIR, 'data', 'fixtures', 'second-district')

interface Truth {
  district: { code: string; name: string }
  counts: { towns: number; villages: number; grids: number; microgrids: number; addresses: number; incidents: number; items: number }
  villageParent: Record<string, string>
  statisticsOnlyTown: string
  exclave: { town: string; village: string }
  bowtieGrid: { code: string }
  sampleGridVertices: { grid: string; wgs84: [number, number] }[]
  incidents: { perVillage: Record<string, number>; period: { from: string; to: string } | string }
}

/** A copy of the fixture whose incidents end yesterday (models look at the last weeks). */
function freshCopy(dir: string): string {
  fs.cpSync(FIXTURE, dir, { recursive: true })
  const file = path.join(dir, 'incidents.csv')
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  const latest = Math.max(
    ...lines
      .slice(1)
      .filter(Boolean)
      .map((l) => Date.parse(l.split(',')[1]!)),
  )
  const shift = Date.now() - 86_400_000 - latest
  const out = lines.map((l, i) => {
    if (i === 0 || !l) return l
    const cells = l.split(',')
    cells[1] = new Date(Date.parse(cells[1]!) + shift).toISOString()
    return cells.join(',')
  })
  fs.writeFileSync(file, out.join('\n'))
  return dir
}

describe(`onboarding a second district end to end (${TEST_KIND})`, () => {
  let s: TestServer
  let tmp: string
  let summary: OnboardSummary
  const truth = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'truth.json'), 'utf8')) as Truth
  const get = async <T>(p: string): Promise<T> => {
    const res = await fetch(`${s.url}${p}`)
    expect(res.status, p).toBe(200)
    return (await res.json()) as T
  }

  beforeAll(async () => {
    s = await startTestServer({ seed: 'none', web: false })
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onboard-'))
    const dir = freshCopy(path.join(tmp, 'deqing'))
    summary = await onboard(s.db, planOnboarding(dir), { reportDir: path.join(tmp, 'reports') })
  }, 300_000)
  afterAll(async () => {
    await s?.close()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  it('loads every level with the counts the district has, each area under its true parent', async () => {
    expect(summary.district).toEqual({ code: '330521', name: '德清县' })
    const counts = await s.db.sql<{ level: string; n: number }[]>`SELECT level, count(*)::int AS n FROM admin_areas GROUP BY level`
    const n = Object.fromEntries(counts.map((c) => [c.level, c.n]))
    expect(n).toEqual({
      district: 1,
      town: truth.counts.towns,
      village: truth.counts.villages,
      grid: truth.counts.grids,
      microgrid: truth.counts.microgrids,
    })
    const villages = await s.db.sql<
      { code: string; parent_code: string; name: string }[]
    >`SELECT code, parent_code, name FROM admin_areas WHERE level = 'village'`
    expect(Object.fromEntries(villages.map((v) => [v.code, v.parent_code]))).toEqual(truth.villageParent)
    // GBK names without a .cpg read right.
    expect(villages.every((v) => /^[\u4e00-\u9fa5]+(村|社区|居委会)$/.test(v.name))).toBe(true)
    // The exclave village belongs to its own town, not the one around it.
    expect(villages.find((v) => v.code === truth.exclave.village)!.parent_code).toBe(truth.exclave.town)
    // Codes nest: every grid and microgrid code extends its parent's.
    const [bad] = await s.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM admin_areas c JOIN admin_areas p ON p.code = c.parent_code WHERE c.level IN ('grid', 'microgrid') AND NOT starts_with(c.code, p.code)`
    expect(bad!.n).toBe(0)
    const grids = summary.steps.find((x) => x.step === 'grids')!
    expect(grids.repaired).toBe(1)
    // The final report is written beside the steps' own.
    const written = JSON.parse(fs.readFileSync(path.join(tmp, 'reports', 'onboard-summary.json'), 'utf8')) as OnboardSummary
    expect(written.steps.map((x) => x.step)).toEqual([
      'profile',
      'district',
      'towns',
      'villages',
      'grids',
      'microgrids',
      'categories',
      'mapping',
      'addresses',
      'incidents',
    ])
  })

  it('puts the GCJ-02 grids back where they truly are', async () => {
    for (const v of truth.sampleGridVertices) {
      const [row] = await s.db.sql<{ d: number }[]>`
        SELECT min(ST_Distance(ST_SetSRID(ST_Point(${v.wgs84[0]}, ${v.wgs84[1]}), 4326)::geography, dp.geom::geography)) AS d
        FROM admin_areas a CROSS JOIN LATERAL ST_DumpPoints(a.geom) dp WHERE a.code = ${v.grid}`
      expect(row!.d, v.grid).toBeLessThan(2)
    }
  })

  it("says the district's own name and opens on its own area", async () => {
    const profile = await get<{ name: string; code: string; home: { center: [number, number] }; statisticsOnlyUnits: { code: string }[] }>(
      '/api/profile',
    )
    expect(profile).toMatchObject({ name: '德清县', code: '330521' })
    expect(profile.statisticsOnlyUnits.map((u) => u.code)).toEqual([truth.statisticsOnlyTown])
    const config = await get<{
      district: { name: string; bbox: number[]; illustrative: boolean }
      home: { center: [number, number] } | null
    }>('/api/config')
    expect(config.district.name).toBe('德清县')
    // Its own boundaries: no "illustrative" note.
    expect(config.district.illustrative).toBe(false)
    const [w, so, e, n] = config.district.bbox as [number, number, number, number]
    const [x, y] = config.home!.center
    expect(x > w && x < e && y > so && y < n).toBe(true)
  })

  it('places the incidents into its villages, as the fixture counts them by their true point', async () => {
    const placed = await s.db.sql<{ village_code: string; n: number }[]>`
      SELECT village_code, count(*)::int AS n FROM incidents WHERE village_code IS NOT NULL GROUP BY village_code`
    const got = Object.fromEntries(placed.map((p) => [p.village_code, p.n]))
    const want = truth.incidents.perVillage
    const total = Object.values(want).reduce((a, b) => a + b, 0)
    let agree = 0
    for (const [code, count] of Object.entries(want)) agree += Math.min(count, got[code] ?? 0)
    // Address-only reports go through the geocoder: nearly all of them must land in the right village.
    expect(agree / total).toBeGreaterThan(0.97)
    const incidents = summary.steps.find((x) => x.step === 'incidents')!
    expect(incidents.loaded).toBe(truth.counts.incidents)
    expect(incidents.unplaced / truth.counts.incidents).toBeLessThan(0.03)
  })

  it('draws its villages on the map tiles', async () => {
    const [c] = await s.db.sql<
      { x: number; y: number }[]
    >`SELECT ST_X(label_point) AS x, ST_Y(label_point) AS y FROM admin_areas WHERE level = 'village' ORDER BY code LIMIT 1`
    const t = tileAt(10, c!.x, c!.y)
    const res = await fetch(`${s.url}/tiles/villages/${t.z}/${t.x}/${t.y}.mvt`)
    expect(res.status).toBe(200)
    const layers = decodeTile(new Uint8Array(await res.arrayBuffer()))
    const codes = (layers.villages ?? []).map((f) => String(f.properties.code))
    expect(codes.length).toBeGreaterThan(0)
    expect(codes.every((code) => code in truth.villageParent)).toBe(true)
  })

  it('runs the warning models on its own catalogue and ranks its own towns', async () => {
    const models = await get<{ items: { id: string; configured: boolean }[] }>('/api/models')
    const configured = models.items.filter((m) => m.configured).map((m) => m.id)
    expect(configured).toContain('near-repeat')
    const run = await fetch(`${s.url}/api/models/concentration-fraud/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(run.status).toBe(202)
    const { id } = (await run.json()) as { id: number }
    let status = 'queued'
    for (let i = 0; i < 600 && (status === 'queued' || status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 100))
      status = (await get<{ status: string }>(`/api/model-runs/${id}`)).status
    }
    expect(status).toBe('done')
    const rankings = await get<{ areas: { code: string }[] }>('/api/rankings?level=town')
    const towns = rankings.areas.map((a) => a.code).sort()
    expect(towns.length).toBeGreaterThan(0)
    expect(towns.every((code) => code.startsWith('330521'))).toBe(true)
  })

  it('refuses to onboard a database that holds another district', async () => {
    const other = path.join(tmp, 'other')
    fs.cpSync(FIXTURE, other, { recursive: true })
    const district = JSON.parse(fs.readFileSync(path.join(other, 'district.geojson'), 'utf8'))
    district.features[0].properties.code = '330522'
    district.features[0].properties.name = '长兴县'
    fs.writeFileSync(path.join(other, 'district.geojson'), JSON.stringify(district))
    const onboardJson = JSON.parse(fs.readFileSync(path.join(other, 'onboard.json'), 'utf8'))
    delete onboardJson.profile
    fs.writeFileSync(path.join(other, 'onboard.json'), JSON.stringify(onboardJson))
    await expect(onboard(s.db, planOnboarding(other), { reportDir: path.join(tmp, 'r2') })).rejects.toThrow(
      /this database holds 德清县 \(330521\), not 长兴县 \(330522\)/,
    )
  })
})

describe(`onboarding the same district with no field names given (${TEST_KIND})`, () => {
  it('finds every field by itself; only what no file can say (GCJ-02 grids) is written down', async () => {
    const truth = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'truth.json'), 'utf8')) as Truth
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onboard-bare-'))
    const t = await createTestDb()
    try {
      const dir = path.join(tmp, 'deqing')
      fs.cpSync(FIXTURE, dir, { recursive: true })
      fs.writeFileSync(path.join(dir, 'onboard.json'), JSON.stringify({ grids: { crs: 'gcj02' } }))
      const s = await onboard(t.db, planOnboarding(dir), { reportDir: path.join(tmp, 'reports') })
      expect(s.district).toEqual({ code: '330521', name: '德清县' })
      const villages = await t.db.sql<
        { code: string; parent_code: string }[]
      >`SELECT code, parent_code FROM admin_areas WHERE level = 'village'`
      expect(Object.fromEntries(villages.map((v) => [v.code, v.parent_code]))).toEqual(truth.villageParent)
      const [micro] = await t.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM admin_areas WHERE level = 'microgrid'`
      expect(micro!.n).toBe(truth.counts.microgrids)
      // With no profile, the name comes from the data and 开发区 is a statistics-only type by default.
      const profile = await t.db.sql.begin((tx) => readProfile(tx))
      expect(profile.name).toBe('德清县')
      expect(profile.statisticsOnlyUnits.map((u) => u.code)).toEqual([truth.statisticsOnlyTown])
    } finally {
      await t.drop()
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  }, 300_000)
})
