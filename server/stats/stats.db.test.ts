import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type CategoriesResponse, CategoriesResponseSchema } from '../categories/schema.ts'
import { type IncidentFeature, IncidentFeatureSchema, type IncidentPage, IncidentPageSchema } from '../incidents/query-schema.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import {
  type AreaStatsResponse,
  AreaStatsResponseSchema,
  type SummaryResponse,
  SummaryResponseSchema,
  type TimeseriesResponse,
  TimeseriesResponseSchema,
} from './schema.ts'

/**
 * Hand-computed fixtures: a few incidents inserted by SQL (the rollup triggers fill
 * incident_area_daily), then every count and percentage checked exactly. Period under test:
 * October 2026 (31 days) → 同比 October 2025, 环比 September 2026 (a month asked for is compared
 * with the calendar month before); 1–31 October as days (not a month) → 环比 31 Aug – 30 Sep 2026.
 */
describe(`stats, categories and incident queries on fixtures (${TEST_KIND})`, () => {
  let s: TestServer
  let T: string // a town with a village V and a grid G
  let V: string
  let G: string
  let T2: string // another town
  let ids: Record<string, number>

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    const [chain] = await s.db.sql<{ t: string; v: string; g: string; t2: string }[]>`
      SELECT t.code AS t, v.code AS v, g.code AS g,
             (SELECT code FROM admin_areas WHERE level = 'town' AND code <> t.code ORDER BY code LIMIT 1) AS t2
      FROM admin_areas g JOIN admin_areas v ON v.code = g.parent_code JOIN admin_areas t ON t.code = v.parent_code
      WHERE g.level = 'grid' ORDER BY g.code LIMIT 1`
    ;({ t: T, v: V, g: G, t2: T2 } = chain!)
    const fixture: [string, string, string, string | null, string | null, string | null][] = [
      // key, reported_at, category, town, village, grid
      ['a1', '2026-10-01T00:30:00+08:00', '0101', T, V, G], // Shanghai 1 Oct, UTC 30 Sep
      ['a2', '2026-10-05T10:00:00+08:00', '0101', T, V, G],
      ['a3', '2026-10-31T23:59:00+08:00', '0102', T, V, null],
      ['a4', '2026-10-12T12:00:00+08:00', '0201', T2, null, null],
      ['a5', '2026-11-01T00:00:00+08:00', '0101', T, null, null], // `to` is exclusive: outside
      ['a6', '2026-10-20T08:00:00+08:00', '0105', T, null, null],
      ['y1', '2025-10-10T12:00:00+08:00', '0101', T, null, null],
      ['y2', '2025-10-11T12:00:00+08:00', '0201', T2, null, null],
      ['p1', '2026-09-30T23:30:00+08:00', '0101', T, null, null], // last day of 环比
      ['p2', '2026-09-15T09:00:00+08:00', '0101', T, null, null],
      ['p3', '2026-09-01T09:00:00+08:00', '0104', T, null, null],
      ['p4', '2026-08-31T00:00:00+08:00', '0201', T2, null, null], // first day of 环比
      ['p5', '2026-08-30T23:59:00+08:00', '0201', T, null, null], // before it
    ]
    const rows = fixture.map(([key, at, category_code, town_code, village_code, grid_code]) => ({
      incident_id: `fx-${key}`,
      reported_at: new Date(at),
      category_code,
      town_code,
      village_code,
      grid_code,
    }))
    const inserted = await s.db.sql<{ id: string; incident_id: string }[]>`
      INSERT INTO incidents ${s.db.sql(rows, 'incident_id', 'reported_at', 'category_code', 'town_code', 'village_code', 'grid_code')}
      RETURNING id::text, incident_id`
    ids = Object.fromEntries(inserted.map((r) => [r.incident_id.slice(3), Number(r.id)]))
    // a1 gets a point: the village's label point (for the bbox filter).
    await s.db.sql`UPDATE incidents SET geom = (SELECT label_point FROM admin_areas WHERE code = ${V}) WHERE incident_id = 'fx-a1'`
  }, 600_000)
  afterAll(async () => {
    await s?.close()
  })
  const get = (p: string) => fetch(`${s.url}${p}`)
  const json = async <T>(p: string): Promise<T> => {
    const res = await get(p)
    expect(res.status, p).toBe(200)
    return (await res.json()) as T
  }
  const where = async (p: string, status = 400) => {
    const res = await get(p)
    expect(res.status, p).toBe(status)
    return ((await res.json()) as { details?: { where: string }[] }).details?.[0]?.where
  }

  it('lists the category catalogue in sort order', async () => {
    const cats = await json<CategoriesResponse>('/api/categories')
    CategoriesResponseSchema.parse(cats)
    expect(cats.map((c) => c.code)).toEqual(['01', '02', '03', '04', '05', '06'])
    expect(cats[0]).toMatchObject({ code: '01', nameZh: '治安', nameEn: 'Public order' })
    expect(cats[0]!.items[0]).toEqual({
      code: '0101',
      nameZh: '入室盗窃',
      nameEn: 'Residential burglary',
      properties: { near_repeat: true },
    })
    expect(cats.reduce((n, c) => n + c.items.length, 0)).toBe(26)
  })

  it('summarises the district with 同比 and 环比 from the rollups', async () => {
    const sum = await json<SummaryResponse>('/api/stats/summary?from=2026-10-01&to=2026-11-01')
    SummaryResponseSchema.parse(sum)
    expect(sum.area.level).toBe('district')
    expect(sum.yearEarlierPeriod).toEqual({ from: '2025-10-01', to: '2025-11-01', until: null })
    // October asked for: 环比 is September, named as the previous month.
    expect(sum.previousPeriod).toEqual({ from: '2026-09-01', to: '2026-10-01', until: null, kind: 'previous_month' })
    expect(sum.total).toEqual({ n: 5, yearEarlier: 2, yoyPct: 150, previous: 3, popPct: 66.7 })
    // Days that are not a month (2–31 October): the 30 days before, 2 September – 1 October.
    const span = await json<SummaryResponse>('/api/stats/summary?from=2026-10-02&to=2026-11-01')
    expect(span.previousPeriod).toEqual({ from: '2026-09-02', to: '2026-10-02', until: null, kind: 'previous_span' })
    expect(span.total).toMatchObject({ n: 4, previous: 3 })
    const c01 = sum.categories.find((c) => c.code === '01')!
    expect(c01).toMatchObject({ n: 4, yearEarlier: 1, yoyPct: 300, previous: 3, popPct: 33.3 })
    const item = (code: string) => c01.items.find((i) => i.code === code)
    expect(item('0101')).toMatchObject({ n: 2, yearEarlier: 1, yoyPct: 100, previous: 2, popPct: 0 })
    expect(item('0102')).toMatchObject({ n: 1, yearEarlier: 0, yoyPct: null, previous: 0, popPct: null })
    expect(item('0104')).toMatchObject({ n: 0, yearEarlier: 0, yoyPct: null, previous: 1, popPct: -100 })
    expect(sum.categories.find((c) => c.code === '02')).toMatchObject({ n: 1, yearEarlier: 1, yoyPct: 0, previous: 0, popPct: null })
    expect(sum.categories.find((c) => c.code === '03')).toMatchObject({ n: 0, yoyPct: null, popPct: null })
  })

  it('summarises a town and a village', async () => {
    const town = await json<SummaryResponse>(`/api/stats/summary?area=${T}&from=2026-10-01&to=2026-11-01`)
    expect(town.area).toMatchObject({ code: T, level: 'town' })
    expect(town.total).toEqual({ n: 4, yearEarlier: 1, yoyPct: 300, previous: 3, popPct: 33.3 })
    const village = await json<SummaryResponse>(`/api/stats/summary?area=${V}&from=2026-10-01&to=2026-11-01`)
    expect(village.total).toEqual({ n: 3, yearEarlier: 0, yoyPct: null, previous: 0, popPct: null })
  })

  it("at 00:23 compares today's first 23 minutes with the same 23 minutes a year ago and yesterday", async () => {
    // What the wall's daily card shows a leader after midnight: like with like, never a whole day.
    const rows = [
      ['d-today', '2026-12-06T00:05:00+08:00', T],
      ['d-today-late', '2026-12-06T00:30:00+08:00', T], // after "now": not yet
      ['d-ye-in', '2025-12-06T00:10:00+08:00', T],
      ['d-ye-out', '2025-12-06T15:00:00+08:00', T],
      ['d-ye-out2', '2025-12-06T00:23:00+08:00', T2],
      ['d-prev-in', '2026-12-05T00:20:00+08:00', T2],
      ['d-prev-out', '2026-12-05T08:00:00+08:00', T],
    ].map(([incident_id, at, town_code]) => ({ incident_id, reported_at: new Date(at!), category_code: '0101', town_code }))
    await s.db.sql`INSERT INTO incidents ${s.db.sql(rows, 'incident_id', 'reported_at', 'category_code', 'town_code')}`
    try {
      const until = encodeURIComponent('2026-12-06T00:23:00+08:00')
      const day = await json<SummaryResponse>(`/api/stats/summary?from=2026-12-06&to=2026-12-07&until=${until}`)
      expect(day.total).toEqual({ n: 1, yearEarlier: 1, yoyPct: 0, previous: 1, popPct: 0 })
      expect(day.counted.until).toBe('2026-12-06T00:23:00+08:00')
      expect(day.yearEarlierPeriod).toEqual({ from: '2025-12-06', to: '2025-12-07', until: '2025-12-06T00:23:00+08:00' })
      expect(day.previousPeriod).toEqual({
        from: '2026-12-05',
        to: '2026-12-06',
        until: '2026-12-05T00:23:00+08:00',
        kind: 'previous_span',
      })
      // The town's own card: the same rule within the town.
      const town = await json<SummaryResponse>(`/api/stats/summary?area=${T}&from=2026-12-06&to=2026-12-07&until=${until}`)
      expect(town.total).toMatchObject({ n: 1, yearEarlier: 1, previous: 0 })
      // December to date, as a month: 环比 is 1–6 November up to 00:23 on the 6th.
      const month = await json<SummaryResponse>(`/api/stats/summary?from=2026-12-01&to=2027-01-01&until=${until}`)
      expect(month.previousPeriod).toEqual({
        from: '2026-11-01',
        to: '2026-11-07',
        until: '2026-11-06T00:23:00+08:00',
        kind: 'previous_month',
      })
      expect(month.total.n).toBe(3) // 5 December's two and tonight's first
      expect(month.total.yearEarlier).toBe(1) // 1–5 December 2025 and 6 December to 00:23
    } finally {
      await s.db.sql`DELETE FROM incidents WHERE incident_id LIKE 'd-%'`
    }
  })

  it('fills timeseries buckets, days in Shanghai and weeks from Monday', async () => {
    const days = await json<TimeseriesResponse>('/api/stats/timeseries?from=2026-09-28&to=2026-10-13')
    TimeseriesResponseSchema.parse(days)
    expect(days).toHaveLength(15)
    expect(days.filter((d) => d.n > 0)).toEqual([
      { bucket: '2026-09-30', n: 1 },
      { bucket: '2026-10-01', n: 1 },
      { bucket: '2026-10-05', n: 1 },
      { bucket: '2026-10-12', n: 1 },
    ])
    expect(days[0]).toEqual({ bucket: '2026-09-28', n: 0 })
    expect(await json<TimeseriesResponse>('/api/stats/timeseries?bucket=week&from=2026-09-28&to=2026-10-13')).toEqual([
      { bucket: '2026-09-28', n: 2 },
      { bucket: '2026-10-05', n: 1 },
      { bucket: '2026-10-12', n: 1 },
    ])
    expect(await json<TimeseriesResponse>('/api/stats/timeseries?bucket=month&from=2026-08-15&to=2026-11-15')).toEqual([
      { bucket: '2026-08-01', n: 2 },
      { bucket: '2026-09-01', n: 3 },
      { bucket: '2026-10-01', n: 5 },
      { bucket: '2026-11-01', n: 1 },
    ])
    expect(
      await json<TimeseriesResponse>(`/api/stats/timeseries?bucket=month&category=01&area=${T}&from=2026-08-01&to=2026-12-01`),
    ).toEqual([
      { bucket: '2026-08-01', n: 0 },
      { bucket: '2026-09-01', n: 3 },
      { bucket: '2026-10-01', n: 4 },
      { bucket: '2026-11-01', n: 1 },
    ])
    const mixed = await json<TimeseriesResponse>('/api/stats/timeseries?bucket=month&category=0102,02&from=2026-10-01&to=2026-11-01')
    expect(mixed).toEqual([{ bucket: '2026-10-01', n: 2 }])
  })

  it('gives an area with its level-1 totals and its children for drill-down', async () => {
    const d = await json<AreaStatsResponse>('/api/areas/330109/stats?from=2026-10-01&to=2026-11-01')
    AreaStatsResponseSchema.parse(d)
    expect(d.total).toBe(5)
    expect(d.categories.filter((c) => c.n > 0).map((c) => [c.code, c.n])).toEqual([
      ['01', 4],
      ['02', 1],
    ])
    expect(d.children.find((c) => c.code === T)).toMatchObject({ total: 4, categories: { '01': 4 } })
    expect(d.children.find((c) => c.code === T2)).toMatchObject({ total: 1, categories: { '02': 1 } })
    const t = await json<AreaStatsResponse>(`/api/areas/${T}/stats?from=2026-10-01&to=2026-11-01`)
    expect(t.children.find((c) => c.code === V)).toMatchObject({ level: 'village', total: 3 })
  })

  it('lists incidents by area, period, category and bbox, newest first', async () => {
    const v = await json<IncidentPage>(`/api/incidents?area=${V}&from=2026-10-01&to=2026-11-01`)
    IncidentPageSchema.parse(v)
    expect(v.type).toBe('FeatureCollection')
    expect(v.features.map((f) => f.properties.incidentId)).toEqual(['fx-a3', 'fx-a2', 'fx-a1'])
    expect(v.next).toBeNull()
    expect((await json<IncidentPage>(`/api/incidents?area=${G}`)).features.map((f) => f.id)).toEqual([ids.a2, ids.a1])
    expect((await json<IncidentPage>(`/api/incidents?category=01&area=${T2}`)).features).toEqual([])
    expect((await json<IncidentPage>('/api/incidents?category=02')).features.map((f) => f.properties.incidentId)).toEqual([
      'fx-a4',
      'fx-p4',
      'fx-p5',
      'fx-y2',
    ])
    // Datetimes narrow below a day.
    expect(
      (await json<IncidentPage>('/api/incidents?from=2026-10-01T00:00:00%2B08:00&to=2026-10-01T01:00:00%2B08:00')).features.map(
        (f) => f.properties.incidentId,
      ),
    ).toEqual(['fx-a1'])
    const [lng, lat] = (await json<IncidentFeature>(`/api/incidents/${ids.a1}`)).geometry!.coordinates
    const boxed = await json<IncidentPage>(`/api/incidents?bbox=${lng - 0.001},${lat - 0.001},${lng + 0.001},${lat + 0.001}`)
    expect(boxed.features.map((f) => f.properties.incidentId)).toEqual(['fx-a1'])
  })

  it('gives one incident by id or incident_id as a Feature', async () => {
    const f = await json<IncidentFeature>(`/api/incidents/${ids.a3}`)
    IncidentFeatureSchema.parse(f)
    expect(f).toMatchObject({ type: 'Feature', id: ids.a3, geometry: null })
    expect(f.properties).toEqual({
      id: ids.a3,
      incidentId: 'fx-a3',
      reportedAt: '2026-10-31T15:59:00.000Z',
      category: '0102',
      categoryName: '盗窃电动车',
      address: null,
      status: 'open',
      source: null,
      geocodeLevel: null,
      geocodeScore: null,
      approximate: false,
      outsideDistrict: false,
      townCode: T,
      villageCode: V,
      gridCode: null,
      description: null,
    })
    expect((await json<IncidentFeature>('/api/incidents/fx-a3')).id).toBe(ids.a3)
    expect((await get('/api/incidents/999999999')).status).toBe(404)
    expect((await get('/api/incidents/nope')).status).toBe(404)
  })

  it('answers 400 naming the field and 404 for unknown areas', async () => {
    expect(await where('/api/incidents?limit=10001')).toBe('query.limit')
    expect(await where('/api/incidents?bbox=1,2,3')).toMatch(/^query\.bbox/)
    expect(await where('/api/incidents?cursor=garbage')).toMatch(/^query\.cursor/)
    expect(await where('/api/incidents?from=yesterday')).toMatch(/^query\.from/)
    expect(await where('/api/incidents?category=9')).toMatch(/^query\.category/)
    expect(await where('/api/incidents?category=09')).toBe('query.category')
    expect(await where('/api/stats/summary?from=2026-10-05&to=2026-10-01')).toBe('query.to')
    expect(await where('/api/stats/timeseries?bucket=year')).toBe('query.bucket')
    expect(await where('/api/stats/summary?area=a%27b')).toBe('query.area')
    expect(await where('/api/areas/x/stats')).toBe('params.code')
    await where('/api/stats/summary?area=330109999999', 404)
    await where('/api/stats/timeseries?area=330109999999', 404)
    await where('/api/incidents?area=330109999999', 404)
    await where('/api/areas/330109999999/stats', 404)
  })
})
