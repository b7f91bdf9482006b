import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { DEFAULT_RANKING_CONFIG } from './definitions.ts'
import { type Fixture, loadFixture } from './fixtures.ts'
import {
  type IndicatorsResponse,
  IndicatorsResponseSchema,
  type RankingConfigInput,
  type RankingConfigResponse,
  type RankingResponse,
  RankingResponseSchema,
} from './schema.ts'

/**
 * October 2026 on the fixture (server/indicators/fixtures.ts), by hand. Populations T1 20,000,
 * T2 10,000, T3 40,000; V1 (of T1) 5,000.
 *
 * Incidents, October 2026: T1 0101×2, 0202, 0301, 0302, 0501 = 6 (+1 on 1 Nov, outside);
 * T2 0202×2, 0303 = 3; T3 0101×4 = 4. October 2025: T1 3, T3 8. September 2026: T1 4, T2 0202×3, T3 2.
 * September 2025: T1 2.
 *   T1: incidents 6/2 = 3.00, traffic casualties (0202) 0.50, fires (0301; 0302 is an alarm) 0.50,
 *       frauds 0.50, yoy (6−3)/3 = +100.0, public order 1.00, fire category (0301+0302) 1.00
 *   T2: incidents 3.00, traffic 2.00, fires (0303) 1.00, frauds 0, yoy null (base 0)
 *   T3: incidents 1.00, 0, 0, 0, yoy (4−8)/8 = −50.0
 * Tasks due in October, judged at 1 Nov 00:00: T1 k1 on time, k2 late, k3 open, k4 closed on 2 Nov
 *   (open at month end), k5 due in November → due 4, closed 2, on time 1: 50.0 % / 25.0 %;
 *   T2 k6 (closed 23:00 on its due day), k7 (23:30 on 31 Oct) → 100 / 100; T3 none → null.
 * Warnings raised in October: T1 w1 answered after 6 h, w2 expired after 72 h unanswered, w3 open
 *   48 h at month end → mean 42.0 h (3 raised, 1 answered); T2 w7 1.0 h; T3 null.
 *   September: T1 w4 120 h, w5 2 h → 61.0.
 */
describe(`indicators and rankings on fixtures (${TEST_KIND})`, () => {
  let s: TestServer
  let fx: Fixture

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    fx = await loadFixture(s.db)
  }, 600_000)
  afterAll(async () => {
    await s?.close()
  })
  const get = async <T>(p: string, status = 200): Promise<T> => {
    const res = await fetch(`${s.url}${p}`)
    expect(res.status, p).toBe(status)
    return (await res.json()) as T
  }
  const put = (p: string, body: unknown) =>
    fetch(`${s.url}${p}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-user': 'chief' }, body: JSON.stringify(body) })

  it('computes town indicators for a month by hand', async () => {
    const r = await get<IndicatorsResponse>('/api/indicators?level=town&month=2026-10')
    IndicatorsResponseSchema.parse(r)
    expect(r).toMatchObject({
      period: { from: '2026-10-01', to: '2026-11-01' },
      previousPeriod: { from: '2026-09-01', to: '2026-10-01' },
      complete: true,
    })
    expect(r.asOf).toBe('2026-10-31T16:00:00.000Z')
    expect(r.areas.map((a) => a.code)).toEqual([fx.T1, fx.T2, fx.T3])
    const v = (code: string) =>
      Object.fromEntries(Object.entries(r.areas.find((a) => a.code === code)!.indicators).map(([k, x]) => [k, x.value]))
    expect(v(fx.T1)).toMatchObject({
      incidents_per_10k: 3,
      traffic_casualties_per_10k: 0.5,
      fires_per_10k: 0.5,
      frauds_per_10k: 0.5,
      incidents_yoy_pct: 100,
      public_order_per_10k: 1,
      fire_per_10k: 1,
      traffic_per_10k: 0.5,
      disputes_per_10k: 0,
      task_closeout_rate: 50,
      task_ontime_rate: 25,
      warning_response_hours: 42,
    })
    expect(v(fx.T2)).toMatchObject({
      incidents_per_10k: 3,
      traffic_casualties_per_10k: 2,
      fires_per_10k: 1,
      frauds_per_10k: 0,
      incidents_yoy_pct: null,
      task_closeout_rate: 100,
      task_ontime_rate: 100,
      warning_response_hours: 1,
    })
    expect(v(fx.T3)).toMatchObject({
      incidents_per_10k: 1,
      traffic_casualties_per_10k: 0,
      fires_per_10k: 0,
      incidents_yoy_pct: -50,
      task_closeout_rate: null,
      task_ontime_rate: null,
      warning_response_hours: null,
    })
    const t1 = r.areas.find((a) => a.code === fx.T1)!.indicators
    expect(t1.incidents_per_10k).toEqual({ value: 3, n: 6, base: null, previous: 2, change: 1 })
    expect(t1.incidents_yoy_pct).toEqual({ value: 100, n: 6, base: 3, previous: 100, change: 0 })
    expect(t1.task_closeout_rate).toEqual({ value: 50, n: 2, base: 4, previous: null, change: null })
    expect(t1.task_ontime_rate).toMatchObject({ n: 1, base: 4 })
    expect(t1.warning_response_hours).toEqual({ value: 42, n: 1, base: 3, previous: 61, change: -19 })
    // The fire definition names its items; frauds are the whole of 05.
    expect(r.definitions.find((d) => d.id === 'fires_per_10k')?.items).toEqual(['0301', '0303'])
    expect(r.definitions.find((d) => d.id === 'frauds_per_10k')?.items).toEqual(['0501', '0502', '0503', '0504'])
  })

  it('computes village indicators within a town', async () => {
    const r = await get<IndicatorsResponse>(`/api/indicators?level=village&month=2026-10&area=${fx.T1}`)
    expect(r.areas.length).toBeGreaterThan(1)
    expect(r.areas.every((a) => a.parentCode === fx.T1)).toBe(true)
    const v1 = r.areas.find((a) => a.code === fx.V1)!
    expect(v1.population).toBe(5000)
    expect(v1.indicators.incidents_per_10k.value).toBe(6) // 3 incidents (o1, o2, o4) / 5,000
    expect(v1.indicators.fires_per_10k.value).toBe(2)
    expect(v1.indicators.task_closeout_rate).toMatchObject({ value: 100, n: 1, base: 1 }) // k1
    expect(v1.indicators.warning_response_hours).toMatchObject({ value: 6, n: 1, base: 1 }) // w1
    const one = await get<IndicatorsResponse>(`/api/indicators?level=village&month=2026-10&area=${fx.V1}`)
    expect(one.areas.map((a) => a.code)).toEqual([fx.V1])
  })

  it('rejects bad queries naming the field', async () => {
    const bad = async (q: string, where: string) => {
      const body = await get<{ details?: { where: string }[] }>(q, 400)
      expect(body.details?.[0]?.where, q).toBe(where)
    }
    await bad('/api/indicators?level=grid', 'query.level')
    await bad('/api/indicators?month=2026-13', 'query.month')
    await bad('/api/rankings?month=2099-01', 'query.month')
    await get('/api/indicators?area=999999999', 404)
  })

  /*
   * Default scoring, October (percentiles among 3 towns, 100 = best, ties half; m − 1 = 2):
   *   incidents 3/3/1 → 25, 25, 100; traffic .5/2/0 → 50, 0, 100; fires .5/1/0 → 50, 0, 100;
   *   frauds .5/0/0 → 0, 75, 75; yoy 100/null/−50 → 0, –, 100; close-out 50/100/null → 0, 100, –;
   *   on time 25/100/null → 0, 100, –; response 42/1/null → 0, 100, –.
   *   T1 (20·25 + 10·50 + 10·50) / 100 = 15.00; T2 (20·25 + 10·75 + 15·100 + 15·100 + 10·100) / 90 = 58.33;
   *   T3 (20·100 + 10·100 + 10·100 + 10·75 + 10·100) / 60 = 95.83 → T3 1 (red: top 10 % = 1, ≥ 70),
   *   T2 2 (no list), T1 3 (black: worst 10 % = 1).
   * September: incidents 2/3/0.5 → 50, 0, 100; traffic 0/3/0 → 75, 0, 75; fires, frauds all 0 → 50;
   *   yoy T1 only (100) → 50; response T1 only → 50. T1 (1000 + 750 + 500 + 500 + 500 + 500) / 70 = 53.57;
   *   T2 (0 + 0 + 500 + 500) / 50 = 20.00; T3 (2000 + 750 + 500 + 500) / 50 = 75.00 → T3 1, T1 2, T2 3.
   */
  it('ranks towns by the default config with colours and change since last month', async () => {
    const r = await get<RankingResponse>('/api/rankings?level=town&month=2026-10')
    RankingResponseSchema.parse(r)
    expect(r).toMatchObject({ level: 'town', month: '2026-10', complete: true, source: 'computed', configVersion: 1 })
    expect(r.areas.map((a) => [a.code, a.score, a.rank, a.colour])).toEqual([
      [fx.T3, 95.83, 1, 'red'],
      [fx.T2, 58.33, 2, null],
      [fx.T1, 15, 3, 'black'],
    ])
    expect(r.counts).toEqual({ red: 1, yellow: 0, black: 1, total: 3 })
    const by = Object.fromEntries(r.areas.map((a) => [a.code, a]))
    expect(by[fx.T1]).toMatchObject({ previousRank: 2, rankChange: -1, previousScore: 53.57, scoreChange: -38.57, previousColour: null })
    expect(by[fx.T2]).toMatchObject({ previousRank: 3, rankChange: 1, previousScore: 20, scoreChange: 38.33, previousColour: 'black' })
    expect(by[fx.T3]).toMatchObject({ previousRank: 1, rankChange: 0, previousScore: 75, scoreChange: 20.83, previousColour: 'red' })
    expect(by[fx.T1]!.parts).toMatchObject({
      incidents_per_10k: 25,
      traffic_casualties_per_10k: 50,
      frauds_per_10k: 0,
      task_closeout_rate: 0,
    })
    expect(by[fx.T2]!.parts.incidents_yoy_pct).toBeNull()
    expect(by[fx.T1]!.values.warning_response_hours).toBe(42)
    // A past month is a snapshot from now on.
    const again = await get<RankingResponse>('/api/rankings?level=town&month=2026-10')
    expect(again.source).toBe('snapshot')
    expect(again.areas).toEqual(r.areas)
    const [snap] = await s.db.sql<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM ranking_snapshots WHERE level = 'town' AND month = '2026-10-01'`
    expect(snap!.n).toBe(1)
  })

  it('ranks the current month live', async () => {
    const r = await get<RankingResponse>('/api/rankings?level=village')
    expect(r).toMatchObject({ level: 'village', source: 'live', complete: false })
    expect(r.areas.length).toBeGreaterThan(3)
    const ranks = r.areas.map((a) => a.rank).filter((x): x is number => x !== null)
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
  })

  it('validates the scoring config, naming the field', async () => {
    const cur = await get<RankingConfigResponse>('/api/rankings/config')
    expect(cur.version).toBe(1)
    expect(cur.config).toEqual(DEFAULT_RANKING_CONFIG)
    const bad = async (body: unknown, where: string) => {
      const res = await put('/api/rankings/config', body)
      expect(res.status).toBe(400)
      const j = (await res.json()) as { details: { where: string }[] }
      expect(j.details.map((d) => d.where)).toContain(where)
    }
    const c = DEFAULT_RANKING_CONFIG
    await bad({ ...c, indicators: [{ id: 'nope', weight: 1 }] }, 'body.indicators.0.id')
    await bad({ ...c, indicators: [{ id: 'fires_per_10k', weight: -1 }] }, 'body.indicators.0.weight')
    await bad(
      {
        ...c,
        indicators: [
          { id: 'fires_per_10k', weight: 1 },
          { id: 'fires_per_10k', weight: 2 },
        ],
      },
      'body.indicators.1.id',
    )
    await bad({ ...c, indicators: [{ id: 'fires_per_10k', weight: 0 }] }, 'body.indicators.0.weight')
    await bad({ ...c, indicators: [{ id: 'fires_per_10k', weight: 1, direction: 'sideways' }] }, 'body.indicators.0.direction')
    await bad({ ...c, colours: { ...c.colours, red: { topShare: 1.5, minScore: 70 } } }, 'body.colours.red.topShare')
    await bad({ ...c, colours: { ...c.colours, black: { bottomShare: 0.5, maxScore: 20 } } }, 'body.colours.black.bottomShare')
    await bad({ ...c, colours: { ...c.colours, red: { topShare: 0.1, minScore: 25 } } }, 'body.colours.red.minScore')
    await bad({ ...c, extra: 1 }, 'body')
    expect((await get<RankingConfigResponse>('/api/rankings/config')).version).toBe(1)
  })

  /*
   * Incidents only, red = best third scoring ≥ 60, yellow = worst 60 % (ceil 1.8 = 2), black =
   * worst 30 % (1). October: T3 100, T1 and T2 25 tie at rank 2; "worst 1" is rank > 2: nobody, so
   * no black; rank > 1 → both yellow; T3 red.
   */
  it('applies a new config at once, to the live month and past months alike', async () => {
    const config: RankingConfigInput = {
      indicators: [{ id: 'incidents_per_10k', weight: 1 }],
      colours: {
        red: { topShare: 0.34, minScore: 60 },
        yellow: { bottomShare: 0.6, maxScore: 10 },
        black: { bottomShare: 0.3, maxScore: 5 },
      },
    }
    const res = await put('/api/rankings/config', config)
    expect(res.status).toBe(200)
    const saved = (await res.json()) as RankingConfigResponse
    expect(saved).toMatchObject({ version: 2, updatedBy: 'chief' })
    const r = await get<RankingResponse>('/api/rankings?level=town&month=2026-10')
    expect(r.configVersion).toBe(2)
    expect(r.source).toBe('computed')
    expect(r.areas.map((a) => [a.code, a.score, a.rank, a.colour])).toEqual([
      [fx.T3, 100, 1, 'red'],
      [fx.T1, 25, 2, 'yellow'],
      [fx.T2, 25, 2, 'yellow'],
    ])
    // September by incidents: T3 0.5 (100), T1 2 (50), T2 3 (0).
    expect(r.areas.map((a) => a.previousRank)).toEqual([1, 2, 3])
    expect(r.counts).toEqual({ red: 1, yellow: 2, black: 0, total: 3 })
    // The version-1 snapshot stays (what was published), beside the new one.
    const [n] = await s.db.sql<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM ranking_snapshots WHERE level = 'town' AND month = '2026-10-01'`
    expect(n!.n).toBe(2)
    // Back to the default for whoever runs next.
    expect((await put('/api/rankings/config', DEFAULT_RANKING_CONFIG)).status).toBe(200)
  })
})
