/**
 * Fresh databases for tests, of the kind under test: native when DATABASE_URL is set (a new
 * database on that server per call), embedded otherwise (a copy of a fresh PGlite template,
 * because creating a PGlite database with PostGIS takes ~12 s and copying it a fraction).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { openDatabase, type Db } from '../db/index.ts'
import { openEmbedded } from '../db/embedded.ts'
import { ROOT_DIR } from '../web/static.ts'

export const TEST_KIND: 'native' | 'embedded' = process.env.DATABASE_URL ? 'native' : 'embedded'
/** The template is keyed by the migrations' contents, so editing or adding one builds a new template. */
const TEMPLATE_DIR = path.join(ROOT_DIR, '.tmp', `pglite-template-${migrationsHash()}`)

function migrationsHash(): string {
  const dir = path.join(ROOT_DIR, 'migrations')
  const hash = crypto.createHash('sha256')
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) hash.update(f).update(fs.readFileSync(path.join(dir, f)))
  return hash.digest('hex').slice(0, 12)
}

/** Creates the embedded template once (idempotent, safe when several processes race). */
export async function ensureEmbeddedTemplate(): Promise<string> {
  if (fs.existsSync(path.join(TEMPLATE_DIR, 'pglite', 'PG_VERSION'))) return TEMPLATE_DIR
  const building = `${TEMPLATE_DIR}.${process.pid}.${crypto.randomUUID().slice(0, 8)}`
  const handle = await openEmbedded(building)
  await handle.close()
  fs.rmSync(path.join(building, 'pglite.pid'), { force: true })
  try {
    fs.renameSync(building, TEMPLATE_DIR)
  } catch {
    fs.rmSync(building, { recursive: true, force: true }) // another process won the race
  }
  // Templates of older migrations are dead weight (~100 MB each).
  const tmp = path.dirname(TEMPLATE_DIR)
  for (const d of fs.readdirSync(tmp)) {
    if (/^pglite-template(-[0-9a-f]{12})?$/.test(d) && path.join(tmp, d) !== TEMPLATE_DIR) fs.rmSync(path.join(tmp, d), { recursive: true, force: true })
  }
  return TEMPLATE_DIR
}

export interface TestDb {
  db: Db
  /** For embedded: the data directory (reopen it to test restarts). */
  dataDir: string
  /** For native: the database URL. */
  databaseUrl: string | undefined
  drop(): Promise<void>
}

/** A fresh, empty database (migrated unless `migrate: false`). */
export async function createTestDb(opts: { migrate?: boolean } = {}): Promise<TestDb> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-test-'))
  let databaseUrl: string | undefined
  if (TEST_KIND === 'native') {
    const base = new URL(process.env.DATABASE_URL!)
    const name = `onemap_test_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`
    const admin = postgres(base.toString(), { max: 1, onnotice: () => {} })
    await admin`CREATE DATABASE ${admin(name)}`
    await admin.end()
    base.pathname = `/${name}`
    databaseUrl = base.toString()
  } else {
    fs.cpSync(await ensureEmbeddedTemplate(), dataDir, { recursive: true })
  }
  const db = await openDatabase({ databaseUrl, dataDir, migrate: opts.migrate ?? true })
  return {
    db,
    dataDir,
    databaseUrl,
    async drop() {
      await db.close().catch(() => undefined)
      if (databaseUrl) {
        const url = new URL(databaseUrl)
        const name = url.pathname.slice(1)
        url.pathname = new URL(process.env.DATABASE_URL!).pathname
        const admin = postgres(url.toString(), { max: 1, onnotice: () => {} })
        await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`
        await admin.end()
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
