import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { listMigrations, migrate, MIGRATIONS_DIR } from './migrate.ts'

describe(`database layer (${TEST_KIND})`, () => {
  let t: TestDb
  beforeAll(async () => {
    t = await createTestDb({ migrate: false })
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('applies every migration on a fresh database, and a second run changes nothing', async () => {
    const { sql } = t.db
    const first = await migrate(sql)
    const files = listMigrations().map((m) => path.basename(m.file))
    expect(first.applied).toEqual(files)
    expect(first.version).toBe(listMigrations().at(-1)!.version)

    const snapshot = async () =>
      sql<{ table_name: string; column_name: string; data_type: string }[]>`
        SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`
    const before = await snapshot()
    const categoriesBefore = await sql`SELECT * FROM incident_categories ORDER BY code`
    const second = await migrate(sql)
    expect(second.applied).toEqual([])
    expect(await snapshot()).toEqual(before)
    expect(await sql`SELECT * FROM incident_categories ORDER BY code`).toEqual(categoriesBefore)
    const [row] = await sql<{ n: string }[]>`SELECT count(*) AS n FROM schema_migrations`
    expect(Number(row?.n)).toBe(files.length)
  })

  it('creates the tables with GiST indexes on the geometries spatial queries read', async () => {
    const { sql } = t.db
    const idx = await sql<{ indexname: string }[]>`
      SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '%USING gist%' ORDER BY 1`
    expect(idx.map((r) => r.indexname)).toEqual([
      'addresses_geom_gist',
      'admin_areas_geom_gist',
      'devices_geom_gist',
      'disputes_geom_gist',
      'hazards_geom_gist',
      'houses_geom_gist',
      'incidents_geom_gist',
      'organisations_geom_gist',
      'patrols_track_gist',
      'residents_geom_gist',
      'tasks_geom_gist',
      'warnings_geom_gist',
    ])
    const cats = await sql<
      { level: number; n: string }[]
    >`SELECT level, count(*) AS n FROM incident_categories GROUP BY level ORDER BY level`
    expect(cats.map((c) => [c.level, Number(c.n)])).toEqual([
      [1, 6],
      [2, 26],
    ])
  })

  it('refuses a migration that was changed after it was applied', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-mig-'))
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f))
    fs.appendFileSync(path.join(dir, '002_categories.sql'), '\n-- edited\n')
    await expect(migrate(t.db.sql, dir)).rejects.toThrow(/002_categories\.sql was changed/)
    fs.rmSync(dir, { recursive: true })
  })

  it('reports real versions and the tile-encoding capability of its kind', async () => {
    const c = await t.db.refreshCapabilities()
    expect(c.postgisVersion).toMatch(/^3\.\d+\.\d+/)
    expect(c.postgresVersion).toMatch(/^\d+\.\d+/)
    // PGlite's PostGIS is built without protobuf-c; Debian's native PostGIS has it.
    expect(c.asMvt).toBe(TEST_KIND === 'native')
  })

  it('stays in step after PostGIS errors (PGlite sends a stray ReadyForQuery)', async () => {
    const { sql } = t.db
    const bad = [
      () => sql`SELECT ST_GeomFromText('garbage')`,
      () => sql`SELECT ST_GeomFromGeoJSON(${'{"type":"Nope"}'})`,
      () => sql`SELECT 1/0`,
    ]
    for (const [i, run] of bad.entries()) {
      await expect(run()).rejects.toThrow()
      const [row] = await sql<{ i: number }[]>`SELECT ${i}::int AS i`
      expect(row?.i).toBe(i)
    }
    await expect(sql.begin(async (tx) => tx`SELECT ST_GeomFromText('x')`)).rejects.toThrow(/invalid geometry/)
    expect((await sql`SELECT 42 AS v`)[0]?.v).toBe(42)
  })

  it('carries the caller scope in transaction-local settings that do not leak', async () => {
    const scope = { role: 'town_officer', userId: 'u7', areaCodes: ['330109001', '330109002'] }
    const inside = await t.db.withScope(
      scope,
      (tx) =>
        tx<{ role: string; areas: string; user_id: string }[]>`
        SELECT current_setting('app.role') AS role, current_setting('app.area_codes') AS areas,
               current_setting('app.user_id') AS user_id`,
    )
    expect(inside[0]).toEqual({ role: 'town_officer', areas: '330109001,330109002', user_id: 'u7' })
    const [after] = await t.db.sql<{ role: string | null }[]>`SELECT current_setting('app.role', true) AS role`
    expect(after?.role ?? '').toBe('')
  })

  it('bulk-loads with COPY: NULL and empty strings, arrays, geometries and Chinese text survive', async () => {
    const { sql } = t.db
    await sql`CREATE TABLE copy_probe (id int, label text, tags text[], geom geometry(Point, 4326))`
    const rows = Array.from({ length: 25_001 }, (_, i) => [
      i,
      i === 1 ? '' : i === 2 ? null : `萧山区"城厢",${i}\n号`,
      i % 2 ? ['金色家园', 'a"b'] : [],
      `SRID=4326;POINT(${120 + i / 1e5} 30.1)`,
    ])
    expect(await t.db.copyIn('copy_probe', ['id', 'label', 'tags', 'geom'], rows)).toBe(25_001)
    const got = await sql<{ id: number; label: string | null; tags: string[]; x: number }[]>`
      SELECT id, label, tags, ST_X(geom) AS x FROM copy_probe WHERE id IN (1, 2, 3, 25000) ORDER BY id`
    expect(got).toEqual([
      { id: 1, label: '', tags: ['金色家园', 'a"b'], x: 120.00001 },
      { id: 2, label: null, tags: [], x: 120.00002 },
      { id: 3, label: '萧山区"城厢",3\n号', tags: ['金色家园', 'a"b'], x: 120.00003 },
      { id: 25000, label: '萧山区"城厢",25000\n号', tags: [], x: 120.25 },
    ])
    await sql`DROP TABLE copy_probe`
  })
})
