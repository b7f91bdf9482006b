import { afterAll, describe, expect, it } from 'vitest'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { startProcess as start } from '../testing/start-process.ts'

describe(`npm start (${TEST_KIND})`, () => {
  let t: TestDb
  afterAll(async () => {
    await t?.drop()
  })

  it('seeds an empty database once, and a restart on the same data does not reseed', async () => {
    t = await createTestDb({ migrate: false })
    await t.db.close() // the server process opens it itself
    const env: Record<string, string> = t.databaseUrl ? { DATABASE_URL: t.databaseUrl, SEED: 'boundaries' } : { DATA_DIR: t.dataDir, DATABASE_URL: '', SEED: 'boundaries' }

    const first = await start(env)
    const health1 = (await (await fetch(`${first.url}/api/health`)).json()) as {
      database: { kind: string }
      tables: Record<string, number>
      seed: { seededAt: string }
    }
    expect(first.log).toMatch(/seeding the demo data/)
    expect(health1.database.kind).toBe(TEST_KIND)
    expect(health1.tables.admin_areas).toBeGreaterThan(18_000)
    expect(await first.stop()).toBe(0) // graceful shutdown closes the database cleanly

    const second = await start(env)
    const health2 = (await (await fetch(`${second.url}/api/health`)).json()) as typeof health1
    expect(second.log).not.toMatch(/seeding/)
    expect(second.log).not.toMatch(/applying migration/)
    expect(health2.seed.seededAt).toBe(health1.seed.seededAt)
    expect(health2.tables).toEqual(health1.tables)
    expect(await second.stop()).toBe(0)
  })
})
