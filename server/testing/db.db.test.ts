import { afterAll, describe, expect, it } from 'vitest'

import type { Db } from '../db/index.ts'
import { seedDemo } from '../seed/run.ts'
import { createTestDb, TEST_KIND, TEST_SEED_END, type TestDb } from './db.ts'

/**
 * Every table's rows as one digest per table. Columns named *_at (when a row was written) and
 * the seed record's own timing (seededAt, seconds) say when, not what, and are left out.
 */
async function contents(db: Db): Promise<Record<string, string>> {
  const columns = await db.sql<{ table_name: string; column_name: string }[]>`
    SELECT c.table_name, c.column_name FROM information_schema.columns c
    JOIN information_schema.tables t USING (table_schema, table_name)
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.column_name NOT LIKE '%\_at'
      AND c.table_name NOT IN ('spatial_ref_sys', 'schema_migrations')
    ORDER BY c.table_name, c.ordinal_position`
  const byTable = new Map<string, string[]>()
  for (const c of columns) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c.column_name])
  const out: Record<string, string> = {}
  for (const [table, cols] of byTable) {
    const list = cols
      .map((c) =>
        table === 'app_meta' && c === 'value'
          ? `CASE WHEN key = 'seed' THEN (value - 'seededAt' - 'seconds')::text ELSE value::text END`
          : `${JSON.stringify(c)}::text`,
      )
      .join(', ')
    const [row] = await db.sql.unsafe<{ n: number; digest: string | null }[]>(
      `SELECT count(*)::int AS n, md5(string_agg(r, '|' ORDER BY r)) AS digest FROM (SELECT concat_ws(',', ${list}) AS r FROM ${JSON.stringify(table)}) s`,
    )
    out[table] = `${row!.n}:${row!.digest ?? ''}`
  }
  return out
}

describe(`test databases (${TEST_KIND})`, () => {
  const made: TestDb[] = []
  afterAll(async () => {
    for (const t of made) await t.drop()
  })

  it('a test asking for the seeded boundaries gets the same rows as seeding a fresh database itself', async () => {
    const copied = await createTestDb({ seed: 'boundaries' })
    made.push(copied)
    const seeded = await createTestDb()
    made.push(seeded)
    await seedDemo(seeded.db, { size: 'small', only: 'boundaries', end: TEST_SEED_END })
    const [want, got] = [await contents(seeded.db), await contents(copied.db)]
    expect(Number(want.admin_areas!.split(':')[0])).toBeGreaterThan(0)
    expect(got).toEqual(want)
  }, 600_000)

  it('two test databases are apart: a write to one is not seen in the other, nor in the next one made', async () => {
    // Copies of the migrated template: the first test covers the seeded ones.
    const a = await createTestDb()
    made.push(a)
    const b = await createTestDb()
    made.push(b)
    const categories = async (t: TestDb) =>
      (await t.db.sql<{ code: string }[]>`SELECT code FROM incident_categories ORDER BY code`).map((r) => r.code)
    const inTemplate = await categories(b)
    expect(inTemplate.length).toBeGreaterThan(0)
    await a.db.sql`INSERT INTO incident_categories (code, level, name_zh, name_en) VALUES ('9999', 1, '测试甲写的', 'written by test a')`
    expect(await categories(a)).toContain('9999')
    expect(await categories(b)).toEqual(inTemplate)
    const c = await createTestDb()
    made.push(c)
    expect(await categories(c)).toEqual(inTemplate)
  }, 600_000)

  it('a database asked for unmigrated is empty, and a default one is migrated and holds no demo data', async () => {
    const empty = await createTestDb({ migrate: false })
    made.push(empty)
    const tables = (
      await empty.db.sql<
        { n: number }[]
      >`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'admin_areas'`
    )[0]!.n
    expect(tables).toBe(0)
    const fresh = await createTestDb()
    made.push(fresh)
    const areas = (await fresh.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM admin_areas WHERE name <> 'changed by test a'`)[0]!.n
    expect(areas).toBe(0)
  }, 600_000)
})
