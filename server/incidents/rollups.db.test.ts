import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createRng, type Rng } from '../seed/rng.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { rebuildRollups, rollupDifferences } from './rollups.ts'

const CATEGORIES = ['0101', '0102', '0201', '0303']
const TOWNS = ['330109001', '330109002']
const pick = <T>(rng: Rng, xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!

describe(`incident rollups (${TEST_KIND})`, () => {
  let t: TestDb
  beforeAll(async () => {
    t = await createTestDb()
  })
  afterAll(async () => {
    await t?.drop()
  })

  /** A random incident: a few cells, towns, days (around midnight in Shanghai) and categories. */
  const row = (rng: Rng, id: string) => {
    const town = pick(rng, TOWNS)
    const day = 1 + Math.floor(rng() * 3)
    // 15:30–16:30 UTC straddles midnight in Asia/Shanghai: the day boundary must follow +08:00.
    const at = new Date(Date.UTC(2026, 9, day, 15, 30 + Math.floor(rng() * 60)))
    const placed = rng() > 0.1
    return {
      incident_id: id,
      reported_at: at,
      category_code: pick(rng, CATEGORIES),
      town_code: placed ? town : null,
      village_code: placed ? `${town}00${1 + Math.floor(rng() * 2)}` : null,
      h3_r7: placed ? String(600_000_000_000_000_000n + BigInt(Math.floor(rng() * 3))) : null,
      h3_r10: placed ? String(620_000_000_000_000_000n + BigInt(Math.floor(rng() * 5))) : null,
    }
  }

  it('stay equal to a count from scratch through inserts, upserts, updates and deletes', async () => {
    const rng = createRng('rollups')
    const { sql } = t.db
    for (let round = 0; round < 6; round++) {
      const rows = Array.from({ length: 40 }, (_, k) => row(rng, `R${Math.floor(rng() * 120)}-${round % 2 ? k : 0}`))
      const unique = [...new Map(rows.map((r) => [r.incident_id, r])).values()]
      // The ingest path's statement: insert new ids, update existing ones.
      await sql`
        INSERT INTO incidents (incident_id, reported_at, category_code, town_code, village_code, h3_r7, h3_r10)
        SELECT * FROM unnest(${unique.map((r) => r.incident_id)}::text[], ${unique.map((r) => r.reported_at.toISOString())}::timestamptz[],
          ${unique.map((r) => r.category_code)}::text[], ${unique.map((r) => r.town_code)}::text[], ${unique.map((r) => r.village_code)}::text[],
          ${unique.map((r) => r.h3_r7)}::bigint[], ${unique.map((r) => r.h3_r10)}::bigint[])
        ON CONFLICT (incident_id) DO UPDATE SET reported_at = EXCLUDED.reported_at, category_code = EXCLUDED.category_code,
          town_code = EXCLUDED.town_code, village_code = EXCLUDED.village_code, h3_r7 = EXCLUDED.h3_r7, h3_r10 = EXCLUDED.h3_r10`
      await sql`UPDATE incidents SET category_code = ${pick(rng, CATEGORIES)} WHERE id % 5 = ${round % 5}`
      await sql`UPDATE incidents SET town_code = NULL, h3_r7 = NULL WHERE id % 11 = ${round}`
      await sql`DELETE FROM incidents WHERE id % 13 = ${round}`
      expect(await rollupDifferences(sql)).toEqual([])
    }
    const [n] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents`
    expect(n!.n).toBeGreaterThan(50)
    // Every incident counts once in the district, placed or not.
    const [d] = await sql<{ n: number }[]>`SELECT sum(n)::int AS n FROM incident_area_daily WHERE area_code = incident_rollup_district()`
    expect(d!.n).toBe(n!.n)
  })

  it('stay exact under concurrent writers touching the same cells and days (no deadlock)', async () => {
    const rng = createRng('rollups-concurrent')
    const { sql } = t.db
    // Eight statements at once, each over the same few cells, towns, days and categories (the
    // trigger upserts rollup rows in key order, so they wait for each other but never deadlock).
    // Different sizes give different hash-aggregate orders of the same keys.
    const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 15 + b * 40 }, (_, k) => row(rng, `C${b}-${k}`)))
    await Promise.all(
      batches.map(
        (rows) => sql`
          INSERT INTO incidents (incident_id, reported_at, category_code, town_code, village_code, h3_r7, h3_r10)
          SELECT * FROM unnest(${rows.map((r) => r.incident_id)}::text[], ${rows.map((r) => r.reported_at.toISOString())}::timestamptz[],
            ${rows.map((r) => r.category_code)}::text[], ${rows.map((r) => r.town_code)}::text[], ${rows.map((r) => r.village_code)}::text[],
            ${rows.map((r) => r.h3_r7)}::bigint[], ${rows.map((r) => r.h3_r10)}::bigint[])`,
      ),
    )
    await Promise.all(
      batches.map(
        (rows, b) =>
          sql`UPDATE incidents SET category_code = ${CATEGORIES[b % 4]!} WHERE incident_id = ANY(${rows.map((r) => r.incident_id)})`,
      ),
    )
    expect(await rollupDifferences(sql)).toEqual([])
    const [n] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents WHERE incident_id LIKE 'C%'`
    expect(n!.n).toBe(batches.flat().length)
  })

  it('counts days in Asia/Shanghai', async () => {
    const { sql } = t.db
    await sql`DELETE FROM incidents`
    await sql`
      INSERT INTO incidents (incident_id, reported_at, category_code, town_code)
      VALUES ('TZ1', '2026-10-01T15:59:59Z', '0101', '330109001'), ('TZ2', '2026-10-01T16:00:00Z', '0101', '330109001')`
    const days = await sql<{ day: string; n: number }[]>`
      SELECT day::text, n FROM incident_area_daily WHERE area_code = '330109001' ORDER BY day`
    expect(days).toEqual([
      { day: '2026-10-01', n: 1 },
      { day: '2026-10-02', n: 1 },
    ])
  })

  it('rebuild gives the same rows as the triggers', async () => {
    const { sql } = t.db
    const before = await sql`SELECT * FROM incident_area_daily ORDER BY area_code, day, category_code`
    // Corrupt the rollup, then rebuild.
    await sql`UPDATE incident_area_daily SET n = n + 5`
    expect((await rollupDifferences(sql)).length).toBeGreaterThan(0)
    const counts = await rebuildRollups(sql)
    expect(counts.areaRows).toBe(before.length)
    expect(await sql`SELECT * FROM incident_area_daily ORDER BY area_code, day, category_code`).toEqual(before)
    expect(await rollupDifferences(sql)).toEqual([])
  })
})
