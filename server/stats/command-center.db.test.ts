/**
 * The numbers a command center reads, checked from the reader's side: what a town officer and a
 * grid worker see is their own areas' count of incidents (counted here straight from the
 * incidents, not from the rollups the API reads), their rank is out of every ranked town, the
 * statistics-only units are not ranked with the towns, and a village's rank does not swing on three
 * incidents. A real server with login required, on the seeded Xiaoshan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureFirstAdmin } from '../auth/bootstrap.ts'
import { DEFAULT_RANKING_CONFIG } from '../indicators/definitions.ts'
import type { RankingResponse } from '../indicators/schema.ts'
import { scoreAreas } from '../indicators/scoring.ts'
import { TEST_KIND } from '../testing/db.ts'
import { loginToken, startTestServer, type TestServer } from '../testing/harness.ts'
import type { AreaStatsResponse, SummaryResponse, TimeseriesResponse } from './schema.ts'

let s: TestServer
const tokens: Record<string, string> = {}
let town = ''
let otherTown = ''
let grid = ''
const OCT = { from: '2026-10-01', to: '2026-11-01' }

async function call(path: string, token: string): Promise<Response> {
  return fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` } })
}
async function json<T>(path: string, token: string): Promise<T> {
  const res = await call(path, token)
  expect(res.status, path).toBe(200)
  return (await res.json()) as T
}
async function login(username: string, password: string): Promise<string> {
  return loginToken(s.url, username, password)
}
/** Incidents in October 2026 counted from the incidents table itself, by area column. */
async function octoberCount(column: 'town_code' | 'grid_code', code: string): Promise<number> {
  const [r] = await s.db.sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM incidents
    WHERE ${s.db.sql(column)} = ${code} AND reported_at >= '2026-10-01T00:00:00+08:00' AND reported_at < '2026-11-01T00:00:00+08:00'`
  return r!.n
}

beforeAll(async () => {
  s = await startTestServer({ seed: 'small', web: false, auth: 'required' })
  const first = await ensureFirstAdmin(s.db)
  tokens.admin = await login('admin', first!.password)
  const towns = await s.db.sql<{ town_code: string }[]>`
    SELECT town_code FROM incidents WHERE town_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2`
  town = towns[0]!.town_code
  otherTown = towns[1]!.town_code
  const [g] = await s.db.sql<{ grid_code: string }[]>`
    SELECT grid_code FROM incidents WHERE town_code = ${town} AND grid_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`
  grid = g!.grid_code
  for (const [username, body] of [
    ['town-officer', { role: 'town', areaCodes: [town] }],
    ['grid-worker', { role: 'grid', areaCodes: [grid] }],
  ] as const) {
    const res = await fetch(`${s.url}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.admin}` },
      body: JSON.stringify({ username, password: 'correct-horse-battery-staple', ...body }),
    })
    expect(res.status).toBe(201)
    tokens[username] = await login(username, 'correct-horse-battery-staple')
  }
}, 600_000)
afterAll(async () => {
  await s?.close()
})

describe(`a scoped user's numbers are their own areas' (${TEST_KIND})`, () => {
  it("gives a town officer their town's totals, histogram and drill-down, and the map opens on their town", async () => {
    const t = tokens['town-officer']!
    const expected = await octoberCount('town_code', town)
    expect(expected).toBeGreaterThan(0)
    const q = `from=${OCT.from}&to=${OCT.to}`
    const summary = await json<SummaryResponse>(`/api/stats/summary?${q}`, t)
    expect(summary.area.code).toBe(town)
    expect(summary.total.n).toBe(expected)
    // 同比 has a base: last October in their town, not "无基数" from an invisible district.
    const [ye] = await s.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM incidents WHERE town_code = ${town}
        AND reported_at >= '2025-10-01T00:00:00+08:00' AND reported_at < '2025-11-01T00:00:00+08:00'`
    expect(summary.total.yearEarlier).toBe(ye!.n)
    // The time bar's "N 起" and histogram.
    const series = await json<TimeseriesResponse>(`/api/stats/timeseries?${q}`, t)
    expect(series.reduce((n, b) => n + b.n, 0)).toBe(expected)
    expect((await json<AreaStatsResponse>(`/api/areas/${town}/stats?${q}`, t)).total).toBe(expected)
    // Another town, or the district as a whole, is not theirs to read: 404 as for no such area.
    expect((await call(`/api/stats/summary?area=${otherTown}&${q}`, t)).status).toBe(404)
    expect((await call(`/api/areas/330109/stats?${q}`, t)).status).toBe(404)

    const config = await json<{ scope: { areas: { code: string }[]; bbox: number[] } | null; district: { bbox: number[] } }>(
      '/api/config',
      t,
    )
    const [box] = await s.db.sql<{ b: number[] }[]>`
      SELECT ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] AS b FROM admin_areas WHERE code = ${town}`
    expect(config.scope?.areas.map((a) => a.code)).toEqual([town])
    config.scope!.bbox.forEach((v, i) => expect(v).toBeCloseTo(box!.b[i]!, 6))
    expect(config.scope!.bbox).not.toEqual(config.district.bbox)
    expect((await json<{ scope: unknown }>('/api/config', tokens.admin!)).scope).toBeNull()
  })

  it("gives a grid worker their grid's totals", async () => {
    const g = tokens['grid-worker']!
    const expected = await octoberCount('grid_code', grid)
    expect(expected).toBeGreaterThan(0)
    const summary = await json<SummaryResponse>(`/api/stats/summary?from=${OCT.from}&to=${OCT.to}`, g)
    expect(summary.area.code).toBe(grid)
    expect(summary.total.n).toBe(expected)
    const series = await json<TimeseriesResponse>(`/api/stats/timeseries?from=${OCT.from}&to=${OCT.to}&bucket=week`, g)
    expect(series.reduce((n, b) => n + b.n, 0)).toBe(expected)
    expect((await call(`/api/areas/${town}/stats`, g)).status).toBe(404)
  })

  it("lists a town officer's and a grid worker's own warnings, tasks, hazards, incidents and indicators: exactly what the district sees of their area", async () => {
    type Row = { townCode?: string | null; gridCode?: string | null; properties?: { townCode?: string | null; gridCode?: string | null } }
    const lists: [string, (b: Record<string, unknown>) => Row[]][] = [
      ['/api/warnings?limit=1000', (b) => b.features as Row[]],
      ['/api/tasks?limit=1000', (b) => b.items as Row[]],
      ['/api/hazards?limit=1000', (b) => b.features as Row[]],
      ['/api/incidents?limit=1000&from=2026-10-01&to=2026-11-01', (b) => b.features as Row[]],
    ]
    for (const [who, area, key] of [
      ['town-officer', town, 'townCode'],
      ['grid-worker', grid, 'gridCode'],
    ] as const) {
      for (const [path, rows] of lists) {
        const mine = rows(await json<Record<string, unknown>>(path, tokens[who]!))
        const districts = rows(await json<Record<string, unknown>>(`${path}&area=${area}`, tokens.admin!))
        expect(mine.length, `${who} ${path}`).toBe(districts.length)
        expect(
          mine.every((r) => (r.properties ?? r)[key] === area),
          `${who} ${path}`,
        ).toBe(true)
      }
    }
    const villages = await json<{ areas: { parentCode: string | null }[] }>(
      '/api/indicators?level=village&month=2026-10',
      tokens['town-officer']!,
    )
    expect(villages.areas.length).toBeGreaterThan(0)
    expect(villages.areas.every((a) => a.parentCode === town)).toBe(true)
  })

  it('ranks a town officer among all towns ("8/22", not "8/1") and shows no other town', async () => {
    const all = await json<RankingResponse>('/api/rankings?level=town&month=2026-10', tokens.admin!)
    const mine = await json<RankingResponse>('/api/rankings?level=town&month=2026-10', tokens['town-officer']!)
    expect(mine.areas.map((a) => a.code)).toEqual([town])
    expect(mine.apart).toEqual([])
    expect(mine.areas[0]!.rank).toBe(all.areas.find((a) => a.code === town)!.rank)
    expect(mine.counts.total).toBe(all.counts.total)
    expect(mine.counts.total).toBe(all.areas.filter((a) => a.rank !== null).length)
  })
})

describe(`rankings compare like with like (${TEST_KIND})`, () => {
  it('leaves the statistics-only units out of the town ranking and lists them apart', async () => {
    const r = await json<RankingResponse>('/api/rankings?level=town&month=2026-10', tokens.admin!)
    const [{ n: real } = { n: 0 }] = await s.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM admin_areas WHERE level = 'town' AND NOT coalesce((properties->>'statistics_only')::boolean, false)
        AND NOT coalesce(properties->>'type' LIKE '统计单位%', false)`
    expect(real).toBe(22)
    expect(r.areas).toHaveLength(22)
    expect(r.apart.map((a) => a.name).sort()).toEqual(['围垦区', '红山农场', '萧山商业城', '萧山经济技术开发区', '萧山钱江世纪城'].sort())
    expect(r.apart.every((a) => a.rank === null && a.colour === null && a.statisticsOnly)).toBe(true)
    expect(r.areas.some((a) => a.name === '围垦区')).toBe(false)
    const ranks = r.areas.map((a) => a.rank).filter((x): x is number => x !== null)
    expect(Math.max(...ranks)).toBeLessThanOrEqual(22)
  })

  it('does not throw a village with 3 incidents to the bottom, and shows only meaningful rank changes', async () => {
    // A village of 300 residents whose quiet summer is followed by 3 incidents in October: 100 per 10,000 raw.
    const [v] = await s.db.sql<{ code: string; town: string }[]>`
      SELECT a.code, a.parent_code AS town FROM admin_areas a WHERE a.level = 'village'
      ORDER BY (SELECT count(*) FROM incidents i WHERE i.village_code = a.code), a.code LIMIT 1`
    // Villages are ranked on their last three months: August to October hold only these three.
    await s.db
      .sql`DELETE FROM incidents WHERE village_code = ${v!.code} AND reported_at >= '2026-08-01T00:00:00+08:00' AND reported_at < '2026-11-01T00:00:00+08:00'`
    await s.db.sql`UPDATE admin_areas SET population = 300 WHERE code = ${v!.code}`
    const rows = ['2026-10-03T10:00:00+08:00', '2026-10-12T21:00:00+08:00', '2026-10-25T08:30:00+08:00'].map((at, i) => ({
      incident_id: `cc-v3-${i}`,
      reported_at: new Date(at),
      category_code: '0101',
      town_code: v!.town,
      village_code: v!.code,
    }))
    await s.db.sql`INSERT INTO incidents ${s.db.sql(rows, 'incident_id', 'reported_at', 'category_code', 'town_code', 'village_code')}`
    const r = await json<RankingResponse>('/api/rankings?level=village&month=2026-10&refresh=true', tokens.admin!)
    const n = r.counts.total
    expect(n).toBeGreaterThan(100)
    const mine = r.areas.find((a) => a.code === v!.code)!
    expect(mine.rawValues.incidents_per_10k).toBe(100)
    // Its rate is pulled most of the way to the villages' overall rate…
    const [overall] = await s.db.sql<{ rate: number }[]>`
      SELECT 10000.0 * count(i.id) / (SELECT sum(population) FROM admin_areas WHERE level = 'village')::float8 AS rate
      FROM incidents i WHERE i.village_code IS NOT NULL AND reported_at >= '2026-08-01T00:00:00+08:00' AND reported_at < '2026-11-01T00:00:00+08:00'`
    // Raw, it is among the very worst; its shrunk rate is pulled at least halfway to the overall rate.
    expect(r.areas.filter((a) => (a.rawValues.incidents_per_10k ?? 0) > 100).length).toBeLessThan(n * 0.05)
    expect(mine.values.incidents_per_10k!).toBeLessThan((100 + overall!.rate) / 2)
    expect(mine.values.incidents_per_10k!).toBeGreaterThan(overall!.rate)
    // Rank changes under 10 % of the list (or 3 places) are not shown.
    const minMove = Math.max(3, Math.ceil(0.1 * n))
    for (const a of r.areas) {
      if (a.rawRankChange !== null && Math.abs(a.rawRankChange) < minMove) expect(a.rankChange).toBeNull()
      if (a.rankChange !== null) expect(Math.abs(a.rankChange)).toBeGreaterThanOrEqual(minMove)
    }
  })

  it('swings village ranks less from month to month than ranking each month by its raw rates', async () => {
    // The baseline: each month's raw indicator values (GET /api/indicators), ranked by the same
    // config here — how the ranking was made before; the published ranking must swing less.
    type Indicators = { areas: { code: string; indicators: Record<string, { value: number | null }> }[] }
    const rawRanks = async (month: string, configured: Set<string>) => {
      const ind = await json<Indicators>(`/api/indicators?level=village&month=${month}`, tokens.admin!)
      const scored = scoreAreas(
        ind.areas.map((a) => Object.fromEntries(Object.entries(a.indicators).map(([k, v]) => [k, v.value]))),
        { ...DEFAULT_RANKING_CONFIG, indicators: DEFAULT_RANKING_CONFIG.indicators.filter((w) => configured.has(w.id)) },
      )
      return new Map(ind.areas.map((a, i) => [a.code, scored[i]!.rank]))
    }
    const oct = await json<RankingResponse>('/api/rankings?level=village&month=2026-10', tokens.admin!)
    const configured = new Set(oct.indicators.filter((i) => i.configured).map((i) => i.id))
    const [ro, rs] = [await rawRanks('2026-10', configured), await rawRanks('2026-09', configured)]
    const rawSwing = oct.areas.map((a) => Math.abs((ro.get(a.code) ?? 0) - (rs.get(a.code) ?? 0)))
    const steadySwing = oct.areas.map((a) => Math.abs(a.rawRankChange ?? 0))
    const shown = oct.areas.filter((a) => a.rankChange !== null).length
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
    console.log(
      `village rank swing Sep→Oct of ${oct.counts.total}: median ${median(steadySwing)} (monthly raw rates ${median(rawSwing)}), max ${Math.max(...steadySwing)} (raw ${Math.max(...rawSwing)}); changes shown ${shown}`,
    )
    expect(median(steadySwing)).toBeLessThan(median(rawSwing) * 0.75)
    expect(Math.max(...steadySwing)).toBeLessThan(Math.max(...rawSwing))
  })
})
