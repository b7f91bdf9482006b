/**
 * Patrols end to end on a real server with login required: the CSV import (bad lines named by
 * line, the rest loaded, a re-run writing nothing, a GCJ-02 track converted), the areas a track
 * covers checked against an independent computation (the grids' polygons sampled along the line
 * with turf), coverage per grid, and the scope of a grid officer.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { along } from '@turf/along'
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon'
import { lineString } from '@turf/helpers'
import { length } from '@turf/length'
import { parse } from 'csv-parse/sync'
import type { MultiPolygon } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureFirstAdmin } from '../auth/bootstrap.ts'
import { fromWgs84 } from '../geo/crs.ts'
import { getImportRun } from '../imports/runs.ts'
import { TEST_KIND } from '../testing/db.ts'
import { loginToken, startTestServer, TEST_SEED_END, type TestServer } from '../testing/harness.ts'
import { importPatrols } from './import-csv.ts'
import type { PatrolCoverage, PatrolFeature, PatrolPage } from './schema.ts'

type Pt = [number, number]
interface Grid {
  code: string
  parent: string
  geom: MultiPolygon
  label: Pt
}

describe(`patrols (${TEST_KIND})`, () => {
  let s: TestServer
  let tmp: string
  const tokens: Record<string, string> = {}
  let grids: Grid[] = []
  /** The two-grid track and the grids sampled along it. */
  let line: Pt[] = []
  let expected: string[] = []
  /** A track inside one other grid. */
  let other: Grid
  let otherLine: Pt[] = []

  const call = async (url: string, who = 'admin') => {
    const res = await fetch(`${s.url}${url}`, { headers: { authorization: `Bearer ${tokens[who]}` } })
    return { status: res.status, text: await res.text() }
  }
  const get = async <T>(url: string, who = 'admin'): Promise<T> => {
    const r = await call(url, who)
    expect(r.status, `${url}: ${r.text}`).toBe(200)
    return JSON.parse(r.text) as T
  }
  const login = async (username: string, password: string) => {
    return loginToken(s.url, username, password)
  }
  /** Grids whose polygon contains points sampled every 2 m along the line (turf, not SQL). */
  const sampledGrids = (pts: Pt[]): string[] => {
    const l = lineString(pts)
    const km = length(l, { units: 'kilometers' })
    const found = new Set<string>()
    for (let d = 0; d <= km; d += 0.002) {
      const p = along(l, d, { units: 'kilometers' })
      for (const g of grids) if (booleanPointInPolygon(p, g.geom)) found.add(g.code)
    }
    return [...found].sort()
  }
  const csvLine = (cells: (string | number)[]) =>
    cells.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : c)).join(',')

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required' })
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'patrols-'))
    const first = await ensureFirstAdmin(s.db)
    tokens.admin = await login('admin', first!.password)
    // The grids of one town, with their polygons.
    const [town] = await s.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'town' ORDER BY code LIMIT 1`
    const rows = await s.db.sql<{ code: string; parent: string; g: string; x: number; y: number }[]>`
      SELECT g.code, g.parent_code AS parent, ST_AsGeoJSON(g.geom) AS g, ST_X(g.label_point) AS x, ST_Y(g.label_point) AS y
      FROM admin_areas g JOIN admin_areas v ON v.code = g.parent_code
      WHERE g.level = 'grid' AND v.parent_code = ${town!.code} ORDER BY g.code`
    grids = rows.map((r) => ({ code: r.code, parent: r.parent, geom: JSON.parse(r.g) as MultiPolygon, label: [r.x, r.y] }))
    // Two grids whose label points a straight line joins through exactly those two (sampled).
    search: for (const a of grids) {
      for (const b of grids) {
        if (b.code <= a.code) continue
        const dx = a.label[0] - b.label[0]
        const dy = a.label[1] - b.label[1]
        if (Math.hypot(dx, dy) > 0.03) continue
        const codes = sampledGrids([a.label, b.label])
        if (codes.length === 2) {
          line = [a.label, [(a.label[0] + b.label[0]) / 2, (a.label[1] + b.label[1]) / 2], b.label]
          expected = codes
          break search
        }
      }
    }
    expect(expected).toHaveLength(2)
    other = grids.find((g) => !expected.includes(g.code) && g.parent !== grids.find((x) => x.code === expected[0])!.parent)!
    // A short line around the other grid's label point, checked to stay inside it.
    otherLine = [other.label, [other.label[0] + 0.0004, other.label[1] + 0.0002]]
    expect(sampledGrids(otherLine)).toEqual([other.code])

    await fetch(`${s.url}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'grid-a', password: 'correct-horse-battery-staple', role: 'grid', areaCodes: [expected[0]] }),
    })
    tokens['grid-a'] = await login('grid-a', 'correct-horse-battery-staple')
  })
  afterAll(async () => {
    await s?.close()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  const end = TEST_SEED_END.getTime()
  const iso = (hoursBefore: number) => new Date(end - hoursBefore * 3600_000).toISOString()
  let file = ''
  let report = ''

  it('imports patrols: bad lines named by line, the rest stored with their length and the areas they crossed', async () => {
    file = path.join(tmp, 'patrols.csv')
    report = path.join(tmp, 'patrols.rejects.csv')
    const wkt = (pts: Pt[]) => `LINESTRING(${pts.map(([x, y]) => `${x} ${y}`).join(', ')})`
    const gcj = otherLine.map(([x, y]) => fromWgs84(x, y, 'gcj02'))
    const lines = [
      'patrol_id,team,members,started_at,ended_at,track,crs',
      csvLine(['P-1', '城厢巡防一队', 3, iso(50), iso(48), wkt(line), '']),
      csvLine(['P-2', '城厢巡防二队', 2, iso(30), iso(29), JSON.stringify({ type: 'LineString', coordinates: gcj }), 'gcj02']),
      csvLine(['P-3', '城厢巡防一队', 2, iso(30), iso(29), 'LINESTRING(120.26 30.16)', '']),
      csvLine(['P-4', '城厢巡防一队', 2, iso(30), iso(31), wkt(line), '']),
      csvLine(['P-5', '上海巡防队', 2, iso(30), iso(29), 'LINESTRING(121.47 31.23, 121.48 31.24)', '']),
      csvLine(['P-1', '城厢巡防一队', 3, iso(50), iso(48), wkt(line), '']),
      csvLine(['P-6', '城厢巡防一队', 'x', iso(30), iso(29), wkt(line), 'mars']),
      csvLine(['P-7', '城厢巡防一队', 4, iso(200), iso(199), wkt(line), 'wgs84']),
    ]
    fs.writeFileSync(file, lines.join('\n') + '\n')
    const one = await importPatrols(s.db, file, { reportPath: report })
    expect(one).toMatchObject({ read: 8, inserted: 3, updated: 0, unchanged: 0, rejected: 5 })
    const rejects = parse(fs.readFileSync(report), { columns: true }) as { line: string; patrol_id: string; reason: string }[]
    expect(rejects.map((r) => [r.line, r.patrol_id])).toEqual([
      ['4', 'P-3'],
      ['5', 'P-4'],
      ['6', 'P-5'],
      ['7', 'P-1'],
      ['8', 'P-6'],
    ])
    expect(rejects[0]!.reason).toBe('track: a track needs at least 2 vertices')
    expect(rejects[1]!.reason).toBe('ended_at: is before started_at')
    expect(rejects[2]!.reason).toBe('track: lies entirely outside the district')
    expect(rejects[3]!.reason).toBe('duplicate patrol_id (first on line 2)')
    expect(rejects[4]!.reason).toMatch(/members: .*; crs: /)
    expect(await getImportRun(s.db.sql, one.runId)).toMatchObject({ kind: 'patrols', status: 'done', inserted: 3, rejected: 5 })

    // The covered areas, against the turf sampling; the villages and towns are those grids' parents.
    const p1 = await get<PatrolFeature>('/api/patrols/P-1')
    expect(p1.properties.gridCodes).toEqual(expected)
    const parents = [...new Set(expected.map((c) => grids.find((g) => g.code === c)!.parent))].sort()
    expect(p1.properties.villageCodes).toEqual(parents)
    expect(p1.properties.townCodes).toHaveLength(1)
    expect(p1.properties.lengthM!).toBeGreaterThan(0)
    expect(Math.abs(p1.properties.lengthM! / (length(lineString(line), { units: 'meters' }) || 1) - 1)).toBeLessThan(0.005)
    expect(p1.geometry!.coordinates).toEqual(line.map(([x, y]) => [Number(x.toFixed(7)), Number(y.toFixed(7))]))
    expect(p1.properties).toMatchObject({ patrolId: 'P-1', team: '城厢巡防一队', members: 3, startedAt: iso(50), endedAt: iso(48) })

    // The GCJ-02 track was converted: its vertices are the WGS84 ones (≈ 0.1 m), inside the other grid.
    const p2 = await get<PatrolFeature>('/api/patrols/P-2')
    p2.geometry!.coordinates.forEach(([x, y], i) => {
      expect(Math.abs(x - otherLine[i]![0])).toBeLessThan(1e-6)
      expect(Math.abs(y - otherLine[i]![1])).toBeLessThan(1e-6)
    })
    expect(p2.properties.gridCodes).toEqual([other.code])
  })

  it('a re-run changes nothing; a changed line is updated', async () => {
    const before = await s.db.sql<{ patrol_id: string; updated_at: Date }[]>`SELECT patrol_id, updated_at FROM patrols ORDER BY patrol_id`
    const two = await importPatrols(s.db, file, { reportPath: report })
    expect(two).toMatchObject({ read: 8, inserted: 0, updated: 0, unchanged: 3, rejected: 5 })
    expect(await s.db.sql`SELECT patrol_id, updated_at FROM patrols ORDER BY patrol_id`).toEqual(before)
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('城厢巡防二队,2', '城厢巡防二队,5'))
    const three = await importPatrols(s.db, file, { reportPath: report })
    expect(three).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 })
    expect((await get<PatrolFeature>('/api/patrols/P-2')).properties.members).toBe(5)
  })

  it('lists patrols as GeoJSON LineStrings with filters and keyset pages', async () => {
    const ids = async (q: string, who = 'admin') =>
      (await get<PatrolPage>(`/api/patrols?${q}`, who)).features.map((f) => f.properties.patrolId)
    expect(await ids('')).toEqual(['P-2', 'P-1', 'P-7'])
    expect(await ids('team=城厢巡防一队')).toEqual(['P-1', 'P-7'])
    expect(await ids(`from=${encodeURIComponent(iso(60))}`)).toEqual(['P-2', 'P-1'])
    expect(await ids(`area=${expected[1]}`)).toEqual(['P-1', 'P-7'])
    expect(await ids(`area=${other.code}`)).toEqual(['P-2'])
    const seen: string[] = []
    let next: string | null = ''
    while (next !== null) {
      const page: PatrolPage = await get<PatrolPage>(`/api/patrols?limit=1${next ? `&cursor=${next}` : ''}`)
      seen.push(...page.features.map((f) => f.properties.patrolId))
      next = page.next
    }
    expect(seen).toEqual(['P-2', 'P-1', 'P-7'])
    const page = await get<PatrolPage>('/api/patrols?limit=1')
    expect(page.features[0]!.geometry!.type).toBe('LineString')
    expect((await call('/api/patrols?limit=0')).status).toBe(400)
  })

  it('coverage: one row per grid, with the last patrol, days since, patrols in the period; never patrolled is null', async () => {
    const village = grids.find((g) => g.code === expected[0])!.parent
    const cov = await get<PatrolCoverage>(
      `/api/patrols/coverage?area=${village}&asOf=${encodeURIComponent(new Date(end).toISOString())}&days=7`,
    )
    const inVillage = grids.filter((g) => g.parent === village).map((g) => g.code)
    expect(cov.grids.map((g) => g.code)).toEqual(inVillage)
    const a = cov.grids.find((g) => g.code === expected[0])!
    // P-1 ended 48 h before; P-7 (199 h before) is outside the 7 days.
    expect(a).toMatchObject({ lastPatrolEnd: iso(48), daysSince: 2, patrols: 1, covered: true })
    const long = await get<PatrolCoverage>(
      `/api/patrols/coverage?area=${expected[0]}&asOf=${encodeURIComponent(new Date(end).toISOString())}&days=9`,
    )
    expect(long.grids[0]).toMatchObject({ patrols: 2, covered: true })
    expect(cov).toMatchObject({
      total: inVillage.length,
      covered: 1 + (grids.find((g) => g.code === expected[1])!.parent === village ? 1 : 0),
      next: null,
    })
    // In pages of 2: every grid once, the counts of them all on each page.
    const paged: string[] = []
    let next: string | null = ''
    while (next !== null) {
      const page: PatrolCoverage = await get<PatrolCoverage>(
        `/api/patrols/coverage?area=${village}&limit=2${next ? `&cursor=${next}` : ''}`,
      )
      expect(page.total).toBe(inVillage.length)
      paged.push(...page.grids.map((g) => g.code))
      next = page.next
    }
    expect(paged).toEqual(inVillage)
    const never = cov.grids.filter((g) => !expected.includes(g.code))
    for (const g of never) expect(g).toMatchObject({ lastPatrolEnd: null, daysSince: null, patrols: 0, covered: false })
    // One day: no patrol ended in it, yet the last patrol is kept.
    const short = await get<PatrolCoverage>(
      `/api/patrols/coverage?area=${expected[0]}&asOf=${encodeURIComponent(new Date(end).toISOString())}&days=1`,
    )
    expect(short.grids).toEqual([expect.objectContaining({ code: expected[0], patrols: 0, covered: false, daysSince: 2 })])
    expect((await call('/api/patrols/coverage?days=0')).status).toBe(400)
  })

  it("a grid officer sees only the patrols through their grid and their grid's coverage; another patrol is a 404 like none", async () => {
    const mine = await get<PatrolPage>('/api/patrols', 'grid-a')
    expect(mine.features.map((f) => f.properties.patrolId)).toEqual(['P-1', 'P-7'])
    const cov = await get<PatrolCoverage>('/api/patrols/coverage', 'grid-a')
    expect(cov.grids.map((g) => g.code)).toEqual([expected[0]])
    expect(cov.grids[0]!.covered).toBe(true) // the server's clock: the seed's end
    const elsewhere = await call('/api/patrols/P-2', 'grid-a')
    const missing = await call('/api/patrols/P-NOPE', 'grid-a')
    expect(elsewhere.status).toBe(404)
    expect(missing.status).toBe(404)
    expect(elsewhere.text.replace('P-2', 'X')).toBe(missing.text.replace('P-NOPE', 'X'))
    const p2 = (await get<PatrolFeature>('/api/patrols/P-2')).id
    expect((await call(`/api/patrols/${p2}`, 'grid-a')).status).toBe(404)
    expect((await call(`/api/patrols/coverage?area=${other.code}`, 'grid-a')).status).toBe(404)
  })
})
