/**
 * Fault tests of the incident import (server/imports/batched.ts through importIncidents):
 * - the database goes away in the middle of an import: the import fails with an error naming the
 *   cause, and a re-run of the same file completes with every line in exactly once;
 * - a malformed line in the middle of a large file (wrong field count, bad date, stray quote)
 *   is reported by its line number and everything else loads.
 *
 * The outage is made at a known point: the CSV comes from a stream that stops after half the
 * file until the test has taken the database away. Native: the test database refuses new
 * connections (ALLOW_CONNECTIONS false) and its backends are terminated — only this test's own
 * database. Embedded: PGlite runs in this process, so "the database stops" is its handle closing.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'

import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type Db, openDatabase } from '../db/index.ts'
import { importIncidents } from '../incidents/ingest-csv.ts'
import { rollupDifferences } from '../incidents/rollups.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'

const ROWS = 20_000
const HEADER = 'incident_id,reported_at,category,address,lng,lat,description'

/** Line i (1-based data line; file line i + 1): a placeable report inside the district, distinct id and time. */
function row(i: number): string {
  const minutes = i % (60 * 24 * 28)
  const t = new Date(Date.UTC(2026, 9, 1, 0, 0) + minutes * 60_000).toISOString()
  const lng = (120.2 + (i % 97) * 0.001).toFixed(5)
  const lat = (30.12 + (i % 89) * 0.001).toFixed(5)
  // Padded to ~230 bytes: the importer reads 1 MB chunks, and the outage test needs whole chunks in before it.
  return `F${String(i).padStart(6, '0')},${t},0101,,${lng},${lat},fault test ${i} ${PAD}`
}

const PAD = '·'.repeat(60)
const ids = (n: number) => Array.from({ length: n }, (_, i) => `F${String(i + 1).padStart(6, '0')}`)

async function incidentIds(db: Db): Promise<string[]> {
  return (await db.sql<{ id: string }[]>`SELECT incident_id AS id FROM incidents WHERE incident_id LIKE 'F%' ORDER BY incident_id`).map(
    (r) => r.id,
  )
}

describe(`import faults (${TEST_KIND})`, () => {
  let t: TestDb
  let db: Db
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-faults-'))
  beforeAll(async () => {
    t = await createTestDb({ seed: 'boundaries' })
    db = t.db
  }, 600_000)
  afterAll(async () => {
    // The embedded test reopens the database: close the handle it left, then drop as usual.
    if (db !== t.db) await db.close().catch(() => undefined)
    await t?.drop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('fails clearly when the database stops mid-import, and a re-run loads every line exactly once', async () => {
    const lines = [HEADER, ...Array.from({ length: ROWS }, (_, i) => row(i + 1))]
    const file = path.join(dir, 'outage.csv')
    fs.writeFileSync(file, lines.join('\n') + '\n')
    const half = Math.floor(ROWS / 2)

    // The first half, then nothing until the database is gone, then the rest.
    const input = new PassThrough()
    input.write(lines.slice(0, half + 1).join('\n') + '\n')
    const importing = importIncidents(db, input, { reportPath: null, fileName: 'outage.csv', source: 'fault-test', batchSize: 1_000 })
    const outcome = importing.then(
      () => null,
      (err: unknown) => err,
    )
    // Wait until the whole chunks of the first half are in (the count holds still for a second):
    // the outage comes after committed work, with the importer waiting for the rest of the file.
    let loadedBefore = -1
    for (let i = 0, still = 0; i < 1_200 && still < 10; i++) {
      await new Promise((r) => setTimeout(r, 100))
      const [{ n } = { n: 0 }] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents`
      still = n > 0 && n === loadedBefore ? still + 1 : 0
      loadedBefore = n
    }
    expect(loadedBefore).toBeGreaterThan(ROWS / 4)
    expect(loadedBefore).toBeLessThanOrEqual(half)

    let admin: postgres.Sql | null = null
    if (TEST_KIND === 'native') {
      // Only this test's own database: it refuses new connections, and its sessions are ended.
      const url = new URL(t.databaseUrl!)
      const name = url.pathname.slice(1)
      url.pathname = new URL(process.env.DATABASE_URL!).pathname
      admin = postgres(url.toString(), { max: 1, onnotice: () => {} })
      await admin`ALTER DATABASE ${admin(name)} ALLOW_CONNECTIONS false`
      // Two steps on purpose: in one statement the planner may call pg_terminate_backend before the
      // datname filter and end every session on the cluster.
      const victims = await admin<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`
      expect(victims.length).toBeGreaterThan(0)
      for (const { pid } of victims) await admin`SELECT pg_terminate_backend(${pid}::int)`
    } else {
      await db.close()
    }
    input.end(lines.slice(half + 1).join('\n') + '\n')
    const err = await outcome
    expect(err).toBeInstanceOf(Error)
    // The cause is named: the server ended the session / refuses connections, or the handle is closed.
    expect((err as Error).message).toMatch(
      TEST_KIND === 'native'
        ? /terminat|not currently accepting connections|connection|ECONNRESET|closed/i
        : /CONNECTION_ENDED|ended|closed|not open/i,
    )

    // The database comes back.
    if (admin) {
      const url = new URL(t.databaseUrl!)
      await admin`ALTER DATABASE ${admin(url.pathname.slice(1))} ALLOW_CONNECTIONS true`
      await admin.end()
    } else {
      db = await openDatabase({ dataDir: t.dataDir, migrate: false })
    }
    // What was committed before the outage is still there, nothing more and nothing twice.
    const afterOutage = await incidentIds(db)
    expect(afterOutage.length).toBe(loadedBefore)
    expect(afterOutage.length).toBeLessThan(ROWS)
    expect(new Set(afterOutage).size).toBe(afterOutage.length)

    // The re-run of the same file: completes, inserts only what was missing.
    const rerun = await importIncidents(db, file, { reportPath: null, source: 'fault-test' })
    expect(rerun).toMatchObject({ read: ROWS, rejected: 0, inserted: ROWS - afterOutage.length, unchanged: afterOutage.length, updated: 0 })
    expect(await incidentIds(db)).toEqual(ids(ROWS))
    // The rollups (kept by triggers) counted every incident once: none lost or doubled there either.
    expect(await rollupDifferences(db.sql)).toEqual([])
    const [{ total } = { total: 0 }] = await db.sql<
      { total: number }[]
    >`SELECT coalesce(sum(n), 0)::int AS total FROM incident_area_daily WHERE area_code = incident_rollup_district()`
    expect(total).toBe(ROWS)

    // The failed run is on record as failed (or, when the outage also swallowed that write, it is not claimed done).
    const runs = await db.sql<
      { status: string; message: string | null }[]
    >`SELECT status, message FROM import_runs WHERE kind = 'incidents' ORDER BY id`
    expect(runs.length).toBe(2)
    expect(runs[0]!.status).not.toBe('done')
    expect(runs[1]).toMatchObject({ status: 'done' })
  }, 600_000)

  it('loads the rest of a large file around malformed lines, naming each bad line', async () => {
    await db.sql`DELETE FROM incidents WHERE incident_id LIKE 'F%'`
    const data = Array.from({ length: ROWS }, (_, i) => row(i + 1))
    // Data line k is file line k + 1 (after the header).
    const broken = new Map<number, string>([
      [9_000, 'F009000,2026-10-01T08:00:00+08:00,0101,,120.2'], // too few fields
      [10_000, 'F010000,2026-02-30T08:00:00+08:00,0101,,120.21,30.13,bad date'],
      [11_000, 'F011000,2026-10-01T08:00:00+08:00,0101,金城路"440号,120.2,30.1,stray quote'], // a quote inside an unquoted field
      [12_000, 'F012000,2026-10-01T08:00:00+08:00,no_such_category,,120.2,30.1,unknown category'],
    ])
    for (const [k, text] of broken) data[k - 1] = text
    const file = path.join(dir, 'malformed.csv')
    fs.writeFileSync(file, [HEADER, ...data].join('\n') + '\n')
    const report = path.join(dir, 'malformed.rejects.csv')
    const s = await importIncidents(db, file, { reportPath: report })
    expect(s).toMatchObject({ read: ROWS, rejected: broken.size, inserted: ROWS - broken.size })
    // Every bad line by its file line; the id too where the line could be read as CSV at all.
    expect(s.rejects.map((r) => r.line)).toEqual([...broken.keys()].map((k) => k + 1))
    expect(s.rejects.map((r) => r.id)).toEqual(['F009000', 'F010000', '', 'F012000'])
    expect(s.rejects[0]!.reason).toMatch(/expected 7 fields, found 5/)
    expect(s.rejects[1]!.reason).toMatch(/reported_at/)
    expect(s.rejects[2]!.reason).toMatch(/unreadable CSV: .*quote/i)
    expect(s.rejects[3]!.reason).toMatch(/category/)
    // The report names the same lines.
    expect(fs.readFileSync(report, 'utf8')).toContain(`${10_001},F010000,`)
    const loaded = await incidentIds(db)
    expect(loaded).toEqual(ids(ROWS).filter((id) => !broken.has(Number(id.slice(1)))))
  }, 600_000)

  it('reports an unclosed quote in the middle by its line and keeps the lines before it', async () => {
    await db.sql`DELETE FROM incidents WHERE incident_id LIKE 'F%'`
    const data = Array.from({ length: ROWS }, (_, i) => row(i + 1))
    // A field that opens a quote and never closes it: by RFC 4180 the field runs on to the next
    // quote. Later lines quote their descriptions, so the runaway record ends at the next one.
    const bad = 10_000
    data[bad - 1] = `F010000,2026-10-01T08:00:00+08:00,0101,"金城路440号,120.2,30.1,unclosed`
    for (let k = bad + 1; k <= ROWS; k++)
      if (k % 100 === 0) data[k - 1] = data[k - 1]!.replace(/,fault test (\d+) (.*)$/, ',"fault test $1 $2"')
    const file = path.join(dir, 'unclosed.csv')
    fs.writeFileSync(file, [HEADER, ...data].join('\n') + '\n')
    const s = await importIncidents(db, file, { reportPath: null })
    // The bad record starts on file line bad + 1 and is named by it.
    expect(s.rejects[0]!.line).toBe(bad + 1)
    const loaded = new Set(await incidentIds(db))
    // Everything before the bad line is in; so is everything after the line where the quote closed.
    for (const id of ids(bad - 1)) expect(loaded.has(id)).toBe(true)
    const after = ids(ROWS).slice(bad + 100)
    expect(after.filter((id) => !loaded.has(id))).toEqual([])
    expect(s.inserted + s.rejected).toBe(s.read)
    console.log(
      `unclosed quote at line ${bad + 1}: read ${s.read} records, inserted ${s.inserted}, rejected ${s.rejected} (${s.rejects.map((r) => `line ${r.line}: ${r.reason}`).join('; ')})`,
    )
  }, 600_000)
})
