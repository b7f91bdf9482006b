/**
 * Fresh databases for tests, of the kind under test: native when DATABASE_URL is set (a new
 * database on that server per call), embedded otherwise (a new PGlite data directory per call).
 *
 * Each test database is a copy of a template made once and kept: migrating a database costs
 * seconds (creating a PGlite one with PostGIS ~12 s) and seeding the small demo a minute, a
 * copy a fraction of that. Templates form a chain, each made from the one before:
 *   empty → migrated → seeded ('boundaries' or 'small', seeded as of TEST_SEED_END)
 * Native templates are databases (`CREATE DATABASE … TEMPLATE`), embedded ones data directories
 * under .tmp/. Each is named by a hash of what it is made from (the PGlite version, the
 * migrations, the seed's code and data), so a change to any of them makes a new one; old ones
 * are removed once unused for an hour (another run in the same checkout may still copy them).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import postgres from 'postgres'

import { openEmbedded } from '../db/embedded.ts'
import { type Db, openDatabase } from '../db/index.ts'
import { seedDemo } from '../seed/run.ts'
import { ROOT_DIR } from '../web/static.ts'

export const TEST_KIND: 'native' | 'embedded' = process.env.DATABASE_URL ? 'native' : 'embedded'

/** A fixed end date keeps seeded incidents identical from run to run. */
export const TEST_SEED_END = new Date('2026-11-01T00:00:00+08:00')

/** What a test database holds when it is handed out: the demo boundaries, or the whole small demo. */
export type TestSeed = 'none' | 'boundaries' | 'small'

type Level = 'empty' | 'migrated' | 'boundaries' | 'small'

/** Templates unused for this long are removed (another run in this checkout may still be on them). */
const STALE_MS = 60 * 60_000
const TMP_DIR = path.join(ROOT_DIR, '.tmp')

function hashFiles(hash: crypto.Hash, files: string[]): crypto.Hash {
  for (const f of files) hash.update(path.relative(ROOT_DIR, f)).update('\0').update(fs.readFileSync(f)).update('\0')
  return hash
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
}

/**
 * The project's TypeScript files `entry` imports, directly or not (relative imports only;
 * packages are covered by package-lock.json).
 * @example importClosure('server/seed/run.ts') // ['…/server/seed/run.ts', '…/server/seed/load.ts', …]
 */
export function importClosure(entry: string): string[] {
  const seen = new Set<string>()
  const stack = [path.resolve(entry)]
  while (stack.length) {
    const file = stack.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    const text = fs.readFileSync(file, 'utf8')
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = path.resolve(path.dirname(file), m[1]!)
      if (target.endsWith('.ts') && fs.existsSync(target)) stack.push(target)
    }
  }
  return [...seen].sort()
}

const keys = new Map<Level, string>()
/** The hash naming a template: what it is made from, and the key of the one it is made from. */
function templateKey(level: Level): string {
  const known = keys.get(level)
  if (known) return known
  const hash = crypto.createHash('sha256').update(level)
  if (level === 'empty') {
    for (const pkg of ['@electric-sql/pglite', '@electric-sql/pglite-postgis']) {
      hash.update(fs.readFileSync(path.join(ROOT_DIR, 'node_modules', pkg, 'package.json')))
    }
  } else if (level === 'migrated') {
    hash.update(templateKey('empty'))
    hashFiles(
      hash,
      filesUnder(path.join(ROOT_DIR, 'migrations')).filter((f) => f.endsWith('.sql')),
    )
  } else {
    // The seed's output depends on its code, the data files it reads, the packages and its options.
    hash.update(templateKey('migrated')).update(JSON.stringify(seedOptions(level)))
    hashFiles(hash, [
      ...importClosure(path.join(ROOT_DIR, 'server/seed/run.ts')),
      ...filesUnder(path.join(ROOT_DIR, 'data')),
      path.join(ROOT_DIR, 'package-lock.json'),
    ])
  }
  const key = hash.digest('hex').slice(0, 12)
  keys.set(level, key)
  return key
}

function seedOptions(level: 'boundaries' | 'small') {
  return { size: 'small', only: level === 'boundaries' ? 'boundaries' : null, end: TEST_SEED_END } as const
}

function parentOf(level: Level): Level | null {
  return level === 'empty' ? null : level === 'migrated' ? 'empty' : 'migrated'
}

/** Fills a database just made from its parent template: migrates it, or seeds it. */
async function fill(db: Db, level: Level): Promise<void> {
  if (level === 'boundaries' || level === 'small') await seedDemo(db, seedOptions(level))
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// ── Embedded: data directories under .tmp/ ──────────────────────────────────────────────────

const embeddedDir = (level: Level) => path.join(TMP_DIR, `pglite-template-${level}-${templateKey(level)}`)
const embeddedMade = (dir: string) => fs.existsSync(path.join(dir, 'pglite', 'PG_VERSION'))

/** Holds a lock directory while `fn` runs; waits for a live holder, takes over from a dead one. */
async function withLockDir<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      fs.mkdirSync(lock)
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid))
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      let holder = 0
      try {
        holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'))
      } catch {
        // Just made, pid not written yet: wait for it.
      }
      const dead = holder > 0 && !processAlive(holder)
      const old = !holder && Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 60_000
      if (dead || old) fs.rmSync(lock, { recursive: true, force: true })
      else await sleep(250)
    }
  }
  try {
    return await fn()
  } finally {
    fs.rmSync(lock, { recursive: true, force: true })
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const embeddedMaking = new Map<Level, Promise<string>>()
/** The embedded template of `level`, made if missing (once across processes: a lock directory). */
export function ensureEmbeddedTemplate(level: Level = 'migrated'): Promise<string> {
  let making = embeddedMaking.get(level)
  if (!making) {
    making = makeEmbeddedTemplate(level)
    embeddedMaking.set(level, making)
    making.catch(() => embeddedMaking.delete(level))
  }
  return making
}

async function makeEmbeddedTemplate(level: Level): Promise<string> {
  const dir = embeddedDir(level)
  const parent = parentOf(level)
  const parentDir = parent ? await ensureEmbeddedTemplate(parent) : null
  fs.mkdirSync(TMP_DIR, { recursive: true })
  if (!embeddedMade(dir)) {
    await withLockDir(`${dir}.lock`, async () => {
      if (embeddedMade(dir)) return
      const building = `${dir}.${process.pid}.${crypto.randomUUID().slice(0, 8)}`
      try {
        if (parentDir) {
          fs.cpSync(parentDir, building, { recursive: true })
          const db = await openDatabase({ dataDir: building, migrate: level === 'migrated' })
          try {
            // Without recycling, WAL segments written while seeding are removed at checkpoints
            // instead of kept for reuse: the 'small' template is 190 MB instead of 490, and every
            // test that asks for it copies that much less.
            await db.sql`SET wal_recycle = off`
            await fill(db, level)
            await db.sql`CHECKPOINT`
          } finally {
            await db.close()
          }
        } else {
          await (await openEmbedded(building)).close()
        }
        fs.rmSync(path.join(building, 'pglite.pid'), { force: true })
        fs.renameSync(building, dir)
      } finally {
        fs.rmSync(building, { recursive: true, force: true })
      }
    })
  }
  // In use now: keeps it from being removed as stale by another run.
  const now = new Date()
  fs.utimesSync(dir, now, now)
  removeStaleEmbedded()
  return dir
}

function removeStaleEmbedded(): void {
  const current = new Set(
    (['empty', 'migrated', 'boundaries', 'small'] as const).filter((l) => keys.has(l)).map((l) => path.basename(embeddedDir(l))),
  )
  for (const d of fs.readdirSync(TMP_DIR)) {
    if (!/^pglite-template/.test(d) || current.has(d)) continue
    const full = path.join(TMP_DIR, d)
    const stat = fs.statSync(full, { throwIfNoEntry: false })
    if (stat && Date.now() - stat.mtimeMs > STALE_MS) fs.rmSync(full, { recursive: true, force: true })
  }
}

// ── Native: template databases on the DATABASE_URL server ──────────────────────────────────

const nativeName = (level: Level) => `onemap_tpl_${level}_${templateKey(level)}`

function adminUrl(): string {
  return process.env.DATABASE_URL!
}

function urlOf(name: string): string {
  const url = new URL(adminUrl())
  url.pathname = `/${name}`
  return url.toString()
}

/** Runs `statement` again while the database it names is still held by a closing connection. */
async function retryBusy<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await statement()
    } catch (err) {
      // 55006: "database … is being accessed by other users" (a backend not yet gone).
      if ((err as { code?: string }).code !== '55006' || attempt >= 40) throw err
      await sleep(250)
    }
  }
}

const nativeMaking = new Map<Level, Promise<string>>()
/** The native template database of `level` ('migrated' or a seed), made if missing. */
function ensureNativeTemplate(level: Exclude<Level, 'empty'>): Promise<string> {
  let making = nativeMaking.get(level)
  if (!making) {
    making = makeNativeTemplate(level)
    nativeMaking.set(level, making)
    making.catch(() => nativeMaking.delete(level))
  }
  return making
}

async function makeNativeTemplate(level: Exclude<Level, 'empty'>): Promise<string> {
  const name = nativeName(level)
  const parent = level === 'migrated' ? null : await ensureNativeTemplate('migrated')
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} })
  try {
    // One maker per template across processes; the others wait here and then find it made.
    await admin`SELECT pg_advisory_lock(74610023, hashtext(${name}))`
    const [made] = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`
    if (!made) {
      const building = `onemap_tpl_build_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`
      if (parent) await retryBusy(() => admin`CREATE DATABASE ${admin(building)} TEMPLATE ${admin(parent)}`)
      else await admin`CREATE DATABASE ${admin(building)}`
      try {
        await admin.unsafe(`COMMENT ON DATABASE ${building} IS 'onemap test template, made ${Date.now()}'`)
        const db = await openDatabase({ databaseUrl: urlOf(building), dataDir: os.tmpdir(), migrate: level === 'migrated' })
        try {
          await fill(db, level)
        } finally {
          await db.close()
        }
        await retryBusy(() => admin`ALTER DATABASE ${admin(building)} RENAME TO ${admin(name)}`)
      } catch (err) {
        await admin`DROP DATABASE IF EXISTS ${admin(building)} WITH (FORCE)`.catch(() => undefined)
        throw err
      }
    }
    await admin`SELECT pg_advisory_unlock(74610023, hashtext(${name}))`
    await removeStaleNative(admin)
  } finally {
    await admin.end()
  }
  return name
}

/** Drops templates (and half-made ones) of other keys made over an hour ago; skips any in use. */
async function removeStaleNative(admin: postgres.Sql): Promise<void> {
  const current = (['migrated', 'boundaries', 'small'] as const).filter((l) => keys.has(l)).map(nativeName)
  const rows = await admin<{ datname: string; note: string | null }[]>`
    SELECT d.datname, shobj_description(d.oid, 'pg_database') AS note
    FROM pg_database d WHERE d.datname LIKE 'onemap\_tpl\_%'`
  for (const { datname, note } of rows) {
    const made = Number(/made (\d+)/.exec(note ?? '')?.[1] ?? 0)
    if (current.includes(datname) || Date.now() - made < STALE_MS) continue
    await admin`DROP DATABASE IF EXISTS ${admin(datname)}`.catch(() => undefined)
  }
}

/** Makes the template a test database of `seed` is copied from, for the kind under test. */
export async function ensureTestTemplate(seed: TestSeed = 'none'): Promise<void> {
  const level = seed === 'none' ? 'migrated' : seed
  if (TEST_KIND === 'native') await ensureNativeTemplate(level)
  else await ensureEmbeddedTemplate(level)
}

// ── Test databases ──────────────────────────────────────────────────────────────────────────

export interface TestDb {
  db: Db
  /** For embedded: the data directory (reopen it to test restarts). */
  dataDir: string
  /** For native: the database URL. */
  databaseUrl: string | undefined
  drop(): Promise<void>
}

/**
 * A fresh database: migrated (unless `migrate: false`, then empty) and seeded with the small
 * demo's boundaries or all of it when `seed` says so (as of TEST_SEED_END).
 */
export async function createTestDb(opts: { migrate?: boolean; seed?: TestSeed } = {}): Promise<TestDb> {
  const seed = opts.seed ?? 'none'
  if (seed !== 'none' && opts.migrate === false) throw new Error('a seeded test database is always migrated')
  const level: Level = seed !== 'none' ? seed : opts.migrate === false ? 'empty' : 'migrated'
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-test-'))
  let databaseUrl: string | undefined
  if (TEST_KIND === 'native') {
    const template = level === 'empty' ? null : await ensureNativeTemplate(level)
    const name = `onemap_test_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`
    const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} })
    try {
      if (template) await retryBusy(() => admin`CREATE DATABASE ${admin(name)} TEMPLATE ${admin(template)}`)
      else await admin`CREATE DATABASE ${admin(name)}`
    } finally {
      await admin.end()
    }
    databaseUrl = urlOf(name)
  } else {
    fs.cpSync(await ensureEmbeddedTemplate(level), dataDir, { recursive: true })
  }
  // A copy of a template is as migrated (or as empty) as the test asked for.
  const db = await openDatabase({ databaseUrl, dataDir, migrate: false })
  return {
    db,
    dataDir,
    databaseUrl,
    async drop() {
      await db.close().catch(() => undefined)
      if (databaseUrl) {
        const name = new URL(databaseUrl).pathname.slice(1)
        const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} })
        await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`
        await admin.end()
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
