import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { type Db, openDatabase } from '../db/index.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { ROOT_DIR } from '../web/static.ts'

/** Runs `npm run backup|restore` as a real process; its exit code and stderr. */
function cli(script: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `server/cli/${script}.ts`, ...args], {
      cwd: ROOT_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let out = ''
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('close', (code) => resolve({ code, out }))
  })
}

/** What the round trip compares: counts and whole rows of incidents and addresses. */
async function snapshot(db: Db) {
  const [counts] = await db.sql<{ incidents: number; addresses: number; categories: number; migrations: number }[]>`
    SELECT (SELECT count(*)::int FROM incidents) AS incidents, (SELECT count(*)::int FROM addresses) AS addresses,
           (SELECT count(*)::int FROM incident_categories) AS categories, (SELECT count(*)::int FROM schema_migrations) AS migrations`
  const incidents = await db.sql`
    SELECT incident_id, reported_at, category_code, address, description, ST_AsText(geom) AS geom, properties
    FROM incidents ORDER BY incident_id`
  const addresses = await db.sql`SELECT address_id, address, ST_AsText(geom) AS geom, aliases, town_code FROM addresses ORDER BY address_id`
  return { counts, incidents: [...incidents], addresses: [...addresses] }
}

/** Environment for the CLIs to reach a test database. */
function envOf(t: { databaseUrl: string | undefined; dataDir: string }): Record<string, string> {
  return t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : { DATA_DIR: t.dataDir, DATABASE_URL: '' }
}

async function reopen(t: TestDb): Promise<Db> {
  return (t.db = await openDatabase({ databaseUrl: t.databaseUrl, dataDir: t.dataDir, migrate: false }))
}

describe(`npm run backup / restore (${TEST_KIND})`, () => {
  const made: TestDb[] = []
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-backup-'))
  afterAll(async () => {
    for (const t of made) await t.drop()
    fs.rmSync(tmp, { recursive: true, force: true })
  })

  it('round-trips the data: backup, alter, refuse without --force, restore with it, restore into an empty target', async () => {
    const t = await createTestDb()
    made.push(t)
    await t.db.sql`
      INSERT INTO addresses (address_id, address, geom, aliases, town_code) VALUES
        ('BK-A1', '萧山区城厢街道人民路1号', ST_SetSRID(ST_MakePoint(120.2701, 30.1602), 4326), '{人民路一号}', '330109001'),
        ('BK-A2', '萧山区北干街道金城路2号', ST_SetSRID(ST_MakePoint(120.2802, 30.1703), 4326), '{}', '330109002')`
    await t.db.sql`
      INSERT INTO incidents (incident_id, reported_at, category_code, address, description, geom, properties) VALUES
        ('BK-I1', '2026-10-01T08:00:00+08:00', '0101', '人民路1号', '门锁被撬', ST_SetSRID(ST_MakePoint(120.2701, 30.1602), 4326), '{"k":1}'),
        ('BK-I2', '2026-10-02T09:30:00+08:00', '0101', '金城路2号', NULL, NULL, '{}'),
        ('BK-I3', '2026-10-03T22:15:00+08:00', '0101', NULL, '无地址', ST_SetSRID(ST_MakePoint(120.29, 30.18), 4326), '{}')`
    const before = await snapshot(t.db)
    expect(before.counts).toMatchObject({ incidents: 3, addresses: 2 })

    const file = path.join(tmp, TEST_KIND === 'native' ? 'one.dump' : 'one.tar.gz')
    if (TEST_KIND === 'embedded') {
      // PGlite is one process's database: the CLI refuses while another process holds it.
      const refused = await cli('backup', ['--out', file], envOf(t))
      expect(refused.code).toBe(2)
      expect(refused.out).toMatch(/in use by process \d+: stop the server first/)
      expect(fs.existsSync(file)).toBe(false)
    }
    await t.db.close()

    const backedUp = await cli('backup', ['--out', file], envOf(t))
    expect(backedUp.out).toMatch(new RegExp(`backed up ${TEST_KIND} database to .* 2 addresses, 3 incidents`))
    expect(backedUp.code).toBe(0)
    expect(fs.statSync(file).size).toBeGreaterThan(1000)
    // Never overwritten by accident.
    const again = await cli('backup', ['--out', file], envOf(t))
    expect(again.code).toBe(2)
    expect(again.out).toMatch(/exists: pass --force/)

    // Alter the data after the backup.
    const db = await reopen(t)
    await db.sql`DELETE FROM incidents WHERE incident_id = 'BK-I1'`
    await db.sql`UPDATE addresses SET address = '改过的地址' WHERE address_id = 'BK-A2'`
    await db.sql`INSERT INTO incidents (incident_id, reported_at, category_code) VALUES ('BK-LATER', now(), '0101')`
    expect((await snapshot(db)).incidents.map((r) => r.incident_id)).toEqual(['BK-I2', 'BK-I3', 'BK-LATER'])
    await db.close()

    const refused = await cli('restore', [file], envOf(t))
    expect(refused.code).toBe(2)
    expect(refused.out).toMatch(/not empty|holds a database/)

    const restored = await cli('restore', [file, '--force'], envOf(t))
    expect(restored.out).toMatch(new RegExp(`restored ${TEST_KIND} database from .* 2 addresses, 3 incidents`))
    expect(restored.code).toBe(0)
    expect(await snapshot(await reopen(t))).toEqual(before)
    await t.db.close()

    // Into an empty target (a new database / data directory): no --force needed.
    let empty: { databaseUrl: string | undefined; dataDir: string }
    if (TEST_KIND === 'native') {
      const fresh = await createTestDb({ migrate: false })
      made.push(fresh)
      await fresh.db.close()
      empty = fresh
    } else {
      empty = { databaseUrl: undefined, dataDir: path.join(tmp, 'fresh-data') }
    }
    const intoEmpty = await cli('restore', [file], envOf(empty))
    expect(intoEmpty.out).toMatch(/restored .* 3 incidents/)
    expect(intoEmpty.code).toBe(0)
    const other = await openDatabase({ databaseUrl: empty.databaseUrl, dataDir: empty.dataDir, migrate: false })
    try {
      expect(await snapshot(other)).toEqual(before)
    } finally {
      await other.close()
    }
  }, 300_000)

  it('refuses a backup of the other kind and a file that is neither', async () => {
    const env: Record<string, string> =
      TEST_KIND === 'native' ? { DATABASE_URL: process.env.DATABASE_URL! } : { DATA_DIR: path.join(tmp, 'never'), DATABASE_URL: '' }
    const wrong = path.join(tmp, 'wrong-kind')
    fs.writeFileSync(wrong, TEST_KIND === 'native' ? Buffer.from([0x1f, 0x8b, 8, 0, 0]) : Buffer.from('PGDMP\x01\x0e'))
    const r1 = await cli('restore', [wrong], env)
    expect(r1.code).toBe(2)
    expect(r1.out).toMatch(
      new RegExp(
        `is a backup of the ${TEST_KIND === 'native' ? 'embedded' : 'native'} database, but the configured database is ${TEST_KIND}`,
      ),
    )
    const junk = path.join(tmp, 'junk')
    fs.writeFileSync(junk, 'hello')
    const r2 = await cli('restore', [junk], env)
    expect(r2.code).toBe(2)
    expect(r2.out).toMatch(/neither a pg_dump custom archive nor a PGlite tarball/)
  })
})
