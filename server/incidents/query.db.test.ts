import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { SummaryResponse } from '../stats/schema.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import type { IncidentPage } from './query-schema.ts'

describe(`incident queries and stats on the small demo seed (${TEST_KIND})`, () => {
  let s: TestServer
  let town: string
  beforeAll(async () => {
    s = await startTestServer({ seed: 'small', web: false })
    const [t] = await s.db.sql<{ town_code: string }[]>`
      SELECT town_code FROM incidents WHERE town_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`
    town = t!.town_code
    // Ten incidents at one instant: only the id tie-breaker orders them, so paging must use it.
    await s.db.sql`
      INSERT INTO incidents (incident_id, reported_at, category_code, town_code)
      SELECT 'tie-' || g, '2026-10-15T12:00:00.123456+08:00', '0101', ${town} FROM generate_series(1, 10) g`
  }, 900_000)
  afterAll(async () => {
    await s?.close()
  })
  const json = async <T>(p: string): Promise<T> => {
    const res = await fetch(`${s.url}${p}`)
    expect(res.status, p).toBe(200)
    return (await res.json()) as T
  }

  it('pages with limit 7 through exactly the rows of one big query', async () => {
    const filter = `area=${town}&from=2026-10-10&to=2026-10-20`
    const all = await json<IncidentPage>(`/api/incidents?${filter}&limit=10000`)
    expect(all.next).toBeNull()
    expect(all.features.length).toBeGreaterThan(30)
    const paged: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: IncidentPage = await json<IncidentPage>(`/api/incidents?${filter}&limit=7${cursor ? `&cursor=${cursor}` : ''}`)
      expect(page.features.length).toBeLessThanOrEqual(7)
      paged.push(...page.features.map((f) => f.id))
      cursor = page.next
      pages++
    } while (cursor && pages < 10_000)
    expect(paged).toEqual(all.features.map((f) => f.id))
    expect(new Set(paged).size).toBe(paged.length)
    const [raw] = await s.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM incidents
      WHERE town_code = ${town} AND reported_at >= '2026-10-10T00:00:00+08:00' AND reported_at < '2026-10-20T00:00:00+08:00'`
    expect(paged.length).toBe(raw!.n)
  })

  it('summary totals (rollups) equal counts over raw incidents', async () => {
    for (const area of [undefined, town]) {
      const q = `from=2026-10-01&to=2026-11-01${area ? `&area=${area}` : ''}`
      const sum = await json<SummaryResponse>(`/api/stats/summary?${q}`)
      const [raw] = await s.db.sql<{ n: number; previous: number }[]>`
        SELECT count(*) FILTER (WHERE reported_at >= '2026-10-01T00:00:00+08:00' AND reported_at < '2026-11-01T00:00:00+08:00')::int AS n,
               count(*) FILTER (WHERE reported_at >= '2026-09-01T00:00:00+08:00' AND reported_at < '2026-10-01T00:00:00+08:00')::int AS previous
        FROM incidents WHERE ${area ?? null}::text IS NULL OR town_code = ${area ?? null}`
      expect(sum.total.n).toBeGreaterThan(0)
      expect(sum.total.n).toBe(raw!.n)
      // October asked for as a month: 环比 is September.
      expect(sum.previousPeriod).toMatchObject({ from: '2026-09-01', to: '2026-10-01', kind: 'previous_month' })
      expect(sum.total.previous).toBe(raw!.previous)
    }
  })
})
