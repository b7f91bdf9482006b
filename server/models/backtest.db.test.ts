/**
 * Issue 21 from the user's side, on the seeded demo data (fixed end, so every run sees the same
 * incidents): a model's backtest counts what its warnings would have caught, against the naive
 * baseline, the same numbers recounted here from the incidents table; the hot spot models at
 * least match the baseline; the model card carries the line; a town officer sees the ratios but
 * not the district's counts; hot-spot, emerging and near-repeat warnings are titled by place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApiKey, createUser } from '../auth/store.ts'
import { bigintToH3, h3ToBigintString } from '../geo/h3.ts'
import { addDays, dayStart } from '../shared/time.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import type { WarningPage } from '../warnings/schema.ts'
import type { BacktestResult } from './backtest.ts'
import type { ModelRun } from './store.ts'

const H3_INDEX = /8[0-9a-f]{14}/

describe(`model backtests and place titles (${TEST_KIND})`, () => {
  let s: TestServer
  let townKey: string
  let town: string

  const api = async <T = unknown>(
    path: string,
    init: { method?: string; body?: unknown; key?: string } = {},
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${s.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...(init.key ? { authorization: `Bearer ${init.key}` } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    })
    return { status: res.status, body: (await res.json()) as T }
  }
  /** Queues a run (a past asOf previews) and waits for it. */
  const run = async (model: string, asOf?: Date): Promise<ModelRun & { findings: { items: { subject: string; title: string }[] } }> => {
    const queued = await api<ModelRun>(`/api/models/${model}/runs`, { method: 'POST', body: asOf ? { asOf: asOf.toISOString() } : {} })
    expect(queued.status).toBe(202)
    for (let i = 0; i < 1200; i++) {
      const r = await api<ModelRun & { findings: { items: { subject: string; title: string }[] } }>(`/api/model-runs/${queued.body.id}`)
      if (r.body.status === 'done') return r.body
      if (r.body.status === 'failed') throw new Error(`run failed: ${r.body.error}`)
      await new Promise((ok) => setTimeout(ok, 100))
    }
    throw new Error(`run ${queued.body.id} did not finish`)
  }
  /** Placed incidents per res-9 cell (hex) in [from, to), counted from the incidents themselves. */
  const cellCounts = async (from: string, to: string): Promise<Map<string, number>> => {
    const rows = await s.db.sql<{ cell: string; n: number }[]>`
      SELECT h3_r9::text AS cell, count(*)::int AS n FROM incidents
      WHERE h3_r9 IS NOT NULL AND reported_at >= ${dayStart(from)} AND reported_at < ${dayStart(to)} GROUP BY 1`
    return new Map(rows.map((r) => [bigintToH3(r.cell), r.n]))
  }

  beforeAll(async () => {
    s = await startTestServer({ seed: 'small', web: false })
    const [t] = await s.db.sql<
      { town_code: string }[]
    >`SELECT town_code FROM incidents WHERE town_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`
    town = t!.town_code
    const user = await createUser(
      s.db.sql,
      { username: 'town-officer', displayName: '镇街民警', role: 'town', areaCodes: [town], password: 'a long town password 21' },
      'test',
    )
    townKey = (await createApiKey(s.db.sql, user.id, 'test', 'test')).key
  }, 600_000)

  afterAll(async () => {
    await s?.close()
  })

  it("counts each period's incidents in the blocks the model would have flagged then, and in last period's busiest blocks", async () => {
    const { status, body } = await api<BacktestResult>('/api/models/hotspot/backtest?periods=2')
    expect(status).toBe(200)
    expect(body).toMatchObject({ modelId: 'hotspot', periodDays: 28, resolution: 9, to: '2026-11-01' })
    expect(body.periods.map((p) => [p.from, p.to])).toEqual([
      ['2026-09-06', '2026-10-04'],
      ['2026-10-04', '2026-11-01'],
    ])
    for (const p of body.periods) {
      // What the model said as of the period's start: a preview run (no warning touched).
      const then = await run('hotspot', dayStart(p.from))
      expect(then.mode).toBe('preview')
      const flagged = then.findings.items.map((f) => f.subject.replace(/^h3:/, ''))
      expect(flagged.length).toBeGreaterThan(0)
      expect(p.predictedCells).toBe(flagged.length)
      const during = await cellCounts(p.from, p.to)
      const events = [...during.values()].reduce((a, b) => a + b, 0)
      expect(p.events).toBe(events)
      expect(p.hits).toBe(flagged.reduce((n, c) => n + (during.get(c) ?? 0), 0))
      // The baseline: as many blocks, the busiest of the 28 days before (ties by cell id).
      const before = await cellCounts(addDays(p.from, -28), p.from)
      const busiest = [...before]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, flagged.length)
        .map(([c]) => c)
      expect(p.baselineHits).toBe(busiest.reduce((n, c) => n + (during.get(c) ?? 0), 0))
      expect(p.hitRate).toBeCloseTo(p.hits / events, 5)
      expect(p.pai).toBeCloseTo(p.hits / events / (flagged.length / body.studyAreaCells), 3)
    }
    // The live warning list is untouched by a backtest.
    expect((await api<WarningPage>('/api/warnings?model=hotspot')).body.features).toEqual([])
  }, 300_000)

  it('on the demo data the hot spot model beats the naive baseline and the emerging hot spot model at least matches it', async () => {
    const hot = (await api<BacktestResult>('/api/models/hotspot/backtest')).body
    expect(hot.periods).toHaveLength(6)
    expect(hot.verdict).toBe('beats baseline')
    expect(hot.pai!).toBeGreaterThan(1.05 * hot.baselinePai!)
    const emerging = (await api<BacktestResult>('/api/models/emerging/backtest')).body
    expect(['beats baseline', 'matches baseline']).toContain(emerging.verdict)
    expect(emerging.pai!).toBeGreaterThanOrEqual(0.95 * emerging.baselinePai!)
  }, 300_000)

  it("shows the backtest line on the model's card and in the model list, and none for overdue items or the full-view models", async () => {
    const hot = (await api<BacktestResult>('/api/models/hotspot/backtest')).body // cached by now
    const card = (await api<{ backtest: Record<string, unknown> }>('/api/models/hotspot')).body.backtest
    expect(card).toMatchObject({
      status: 'ready',
      verdict: hot.verdict,
      pai: hot.pai,
      baselinePai: hot.baselinePai,
      hitRate: hot.hitRate,
      periods: 6,
      periodDays: 28,
      computedAt: hot.computedAt,
    })
    const list = (await api<{ items: { id: string; backtest: Record<string, unknown> }[] }>('/api/models')).body.items
    expect(list.find((m) => m.id === 'hotspot')!.backtest).toEqual(card)
    expect(list.find((m) => m.id === 'overdue')!.backtest).toMatchObject({ status: 'not applicable' })
    // Not computed yet: the card says so at once instead of making the list wait.
    expect(['computing', 'ready']).toContain(list.find((m) => m.id === 'surge')!.backtest.status)
    expect((await api('/api/models/overdue/backtest')).status).toBe(404)
    // The full-view models (issue 26) are validated on planted patterns, not backtested.
    for (const id of [
      'group-rental',
      'registration-gap',
      'dispute-recurrence',
      'key-person-incident',
      'self-check-overdue',
      'gas-cylinder',
      'patrol-gap',
    ]) {
      expect(list.find((m) => m.id === id)!.backtest, id).toMatchObject({
        status: 'not applicable',
        reason: expect.stringMatching(/^not a place forecast: .* \(validated on planted patterns\)$/),
      })
      const answer = await api<{ error: string }>(`/api/models/${id}/backtest`)
      expect(answer.status, id).toBe(404)
      expect(answer.body.error).toMatch(/is not a place forecast/)
    }
    expect((await api('/api/models/hotspot/backtest?periods=0')).status).toBe(400)
  }, 300_000)

  it("gives a town officer the district-wide ratios and verdict but not the district's incident counts", async () => {
    const admin = (await api<BacktestResult & { countsShown: boolean }>('/api/models/hotspot/backtest?periods=2')).body
    const mine = await api<Record<string, unknown> & { periods: Record<string, unknown>[] }>('/api/models/hotspot/backtest?periods=2', {
      key: townKey,
    })
    expect(mine.status).toBe(200)
    expect(admin.countsShown).toBe(true)
    expect(admin.events).toBeGreaterThan(0)
    expect(mine.body).toMatchObject({
      verdict: admin.verdict,
      pai: admin.pai,
      baselinePai: admin.baselinePai,
      hitRate: admin.hitRate,
      countsShown: false,
      scope: 'district',
    })
    for (const k of ['events', 'hits', 'baselineHits']) {
      expect(mine.body).not.toHaveProperty(k)
      for (const p of mine.body.periods) expect(p).not.toHaveProperty(k)
    }
    // A run's findings name places all over the district: a town officer gets the run's counts only.
    const done = await run('hotspot')
    expect(done.findings.items.length).toBeGreaterThan(0)
    for (const path of [`/api/model-runs/${done.id}`, `/api/models/hotspot/runs/${done.id}`]) {
      const theirs = await api<Record<string, unknown>>(path, { key: townKey })
      expect(theirs.status).toBe(200)
      expect(theirs.body).not.toHaveProperty('findings')
      expect(theirs.body).toMatchObject({ findingsCount: done.findingsCount, findingsHidden: true })
    }
    // No place or incident of any town in it: no text but dates, names and words.
    const texts: string[] = []
    JSON.stringify(mine.body, (_k, v: unknown) => (typeof v === 'string' && texts.push(v), v))
    for (const t of texts) expect(t).not.toMatch(H3_INDEX)
    expect(texts.filter((t) => /^\d{4}-\d{2}-\d{2}/.test(t)).length).toBeGreaterThan(0)
  }, 300_000)

  it('titles hot-spot, emerging and near-repeat warnings by village and a road or compound of the addresses there, never by an H3 index', async () => {
    for (const model of ['hotspot', 'emerging', 'near-repeat']) {
      const live = await run(model)
      expect(live.mode).toBe('live')
      const warnings = (await api<WarningPage>(`/api/warnings?model=${model}&limit=500`)).body.features
      expect(warnings.length, model).toBeGreaterThan(0)
      for (const w of warnings) {
        const { title } = w.properties
        expect(title, title).not.toMatch(H3_INDEX)
        // The addresses of its cell (hot spots) or within 200 m of its centre (near-repeat zones).
        const places =
          w.geometry.type === 'Point'
            ? await s.db.sql<{ village: string; road: string | null; compound: string | null }[]>`
                SELECT v.name AS village, a.road, a.compound FROM addresses a JOIN admin_areas v ON v.code = a.village_code
                WHERE ST_DWithin(a.geom::geography, ST_SetSRID(ST_MakePoint(${(w.geometry.coordinates as number[])[0]!}, ${(w.geometry.coordinates as number[])[1]!}), 4326)::geography, 300)`
            : await s.db.sql<{ village: string; road: string | null; compound: string | null }[]>`
                SELECT v.name AS village, a.road, a.compound FROM addresses a JOIN admin_areas v ON v.code = a.village_code
                WHERE a.h3_r9 = ${h3ToBigintString(w.properties.h3!)}::bigint`
        expect(places.length, title).toBeGreaterThan(0)
        const named = places.some(
          (p) =>
            title.includes(p.village) &&
            ((p.road !== null && title.includes(p.road)) || (p.compound !== null && title.includes(p.compound))),
        )
        expect(named, `${title} names a village with a road or compound of ${places.length} addresses there`).toBe(true)
      }
    }
  }, 600_000)
})

describe(`a backtest before the district's boundaries are loaded (${TEST_KIND})`, () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ seed: 'none', web: false })
  }, 300_000)
  afterAll(async () => {
    await s?.close()
  })

  it('says why it cannot score (409), and the model list still answers', async () => {
    const res = await fetch(`${s.url}/api/models/hotspot/backtest`)
    expect(res.status).toBe(409)
    expect(((await res.json()) as { error: string }).error).toMatch(/no district boundary/)
    const list = await fetch(`${s.url}/api/models`)
    expect(list.status).toBe(200)
    const items = ((await list.json()) as { items: { id: string; backtest: { status: string } }[] }).items
    expect(items.find((m) => m.id === 'hotspot')!.backtest.status).toMatch(/^(computing|failed|not applicable)$/)
  }, 120_000)
})
