/**
 * Backup and restore of either database kind (`npm run backup` / `npm run restore`).
 *
 * - Native PostgreSQL: `pg_dump --format=custom` and `pg_restore --single-transaction`, the
 *   binaries of `PG_BINDIR`, else `pg_config --bindir`, else PATH. The password travels in
 *   PGPASSWORD, never on a command line (`ps` shows those). Works while the server runs (pg_dump
 *   reads one consistent snapshot); a restore refuses while other sessions use the database.
 * - Embedded PGlite: PGlite's `dumpDataDir()` gzipped tarball of `$DATA_DIR/pglite`, loaded back
 *   with `loadDataDir`. PGlite is one process's database (the server holds it in a worker and a
 *   lock file): both need the server stopped, and say so instead of waiting or corrupting it.
 *
 * Kinds are told apart by the file's first bytes (`PGDMP` custom archive, gzip tarball), so a
 * backup is never restored into the other kind by mistake.
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'

import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { postgis } from '@electric-sql/pglite-postgis'
import postgres from 'postgres'

import type { Config } from '../config.ts'
import { openEmbedded } from '../db/embedded.ts'
import type { PhaseProgress } from './progress.ts'

/** Tables whose row counts a backup or restore reports (those that exist). */
export const SUMMARY_TABLES = ['admin_areas', 'addresses', 'incidents', 'hazards', 'tasks', 'warnings'] as const

/** A refusal the user can fix (non-empty target, server running, wrong kind): exit code 2, no stack. */
export class RefusedError extends Error {}

export type BackupKind = 'native' | 'embedded'

export interface BackupOptions {
  /** The file to write. */
  out: string
  /** Replace an existing file. */
  force?: boolean
  progress?: PhaseProgress
  say?: (msg: string) => void
}

export interface RestoreOptions {
  file: string
  /** Replace a database that has data. */
  force?: boolean
  progress?: PhaseProgress
  say?: (msg: string) => void
}

export interface Summary {
  kind: BackupKind
  file: string
  bytes: number
  seconds: number
  /** Rows per table of SUMMARY_TABLES that exist. */
  counts: Record<string, number>
}

const quiet = () => undefined

/**
 * The one summary line of both CLIs (tests read it).
 * @example summaryLine('backed up', s) // 'backed up native database to x.dump (1.2 MB) in 0.8 s: 12 incidents, …'
 */
export function summaryLine(verb: 'backed up' | 'restored', s: Summary): string {
  const rows = Object.entries(s.counts)
    .map(([t, n]) => `${n} ${t}`)
    .join(', ')
  return `${verb} ${s.kind} database ${verb === 'backed up' ? 'to' : 'from'} ${s.file} (${(s.bytes / 1024 / 1024).toFixed(1)} MB) in ${s.seconds.toFixed(1)} s: ${rows || 'no tables'}`
}

/**
 * The default file name of a backup: kind, database and local time.
 * @example defaultBackupName('native', 'onemap', new Date()) // 'onemap-native-onemap-20261101-093000.dump'
 */
export function defaultBackupName(kind: BackupKind, dbName: string, at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  const stamp = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`
  return `onemap-${kind}-${dbName.replace(/[^A-Za-z0-9_-]/g, '_')}-${stamp}.${kind === 'native' ? 'dump' : 'tar.gz'}`
}

/** The kind of database a config points at. */
export function configuredKind(config: Config): BackupKind {
  return config.DATABASE_URL ? 'native' : 'embedded'
}

/**
 * Which kind of backup a file holds, from its first bytes; null if neither.
 * @example fileKind('x.dump') // 'native'
 */
export function fileKind(file: string): BackupKind | null {
  const fd = fs.openSync(file, 'r')
  try {
    const head = Buffer.alloc(5)
    const n = fs.readSync(fd, head, 0, 5, 0)
    if (n >= 5 && head.toString('latin1') === 'PGDMP') return 'native'
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'embedded'
    return null
  } finally {
    fs.closeSync(fd)
  }
}

/** Backs up the configured database to `opts.out` (written under a temporary name, then renamed). */
export async function backup(config: Config, opts: BackupOptions): Promise<Summary> {
  if (fs.existsSync(opts.out) && !opts.force) throw new RefusedError(`${opts.out} exists: pass --force to overwrite it`)
  fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true })
  const partial = `${opts.out}.partial-${process.pid}`
  const started = performance.now()
  try {
    const counts = config.DATABASE_URL
      ? await backupNative(config.DATABASE_URL, partial, config.PG_BINDIR, opts)
      : await backupEmbedded(config.DATA_DIR, partial, opts)
    fs.renameSync(partial, opts.out)
    return {
      kind: configuredKind(config),
      file: opts.out,
      bytes: fs.statSync(opts.out).size,
      seconds: (performance.now() - started) / 1000,
      counts,
    }
  } finally {
    fs.rmSync(partial, { force: true })
  }
}

/** Restores a backup file into the configured database (of the same kind). */
export async function restore(config: Config, opts: RestoreOptions): Promise<Summary> {
  if (!fs.existsSync(opts.file)) throw new RefusedError(`no such file: ${opts.file}`)
  const kind = fileKind(opts.file)
  const target = configuredKind(config)
  if (kind === null) throw new RefusedError(`${opts.file} is neither a pg_dump custom archive nor a PGlite tarball`)
  if (kind !== target) {
    throw new RefusedError(
      `${opts.file} is a backup of the ${kind} database, but the configured database is ${target} (${target === 'native' ? 'DATABASE_URL is set' : 'DATABASE_URL is not set'})`,
    )
  }
  const started = performance.now()
  const counts = config.DATABASE_URL
    ? await restoreNative(config.DATABASE_URL, opts.file, config.PG_BINDIR, opts)
    : await restoreEmbedded(config.DATA_DIR, opts.file, opts)
  return { kind, file: opts.file, bytes: fs.statSync(opts.file).size, seconds: (performance.now() - started) / 1000, counts }
}

// --- Native ---------------------------------------------------------------------------------

/**
 * The path of a PostgreSQL client program: in `bindir` if given, else `pg_config --bindir`'s,
 * else the bare name (PATH; Debian's wrapper picks a version).
 */
export function pgProgram(name: 'pg_dump' | 'pg_restore', bindir?: string): string {
  if (bindir) return path.join(bindir, name)
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    if (dir && fs.existsSync(path.join(dir, name))) return path.join(dir, name)
  } catch {
    // no pg_config: PATH it is
  }
  return name
}

/** libpq connection arguments for a URL: the password goes to the environment, not the argv. */
function libpqTarget(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url)
  const password = decodeURIComponent(u.password)
  u.password = ''
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } }
}

/**
 * Runs a client program, handing each stderr line to `onLine`; rejects with the last lines of
 * stderr when it fails.
 */
function runProgram(program: string, args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void = quiet): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    const tail: string[] = []
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      tail.push(line)
      if (tail.length > 20) tail.shift()
      onLine(line)
    })
    child.on('error', (err) => reject(new Error(`${program}: ${err.message}`)))
    child.on('close', (code) => {
      if (code === 0) resolve()
      else
        reject(
          new Error(
            `${path.basename(program)} exited with ${code}:\n${tail
              .filter(
                (l) =>
                  !/^pg_(dump|restore): (dumping|processing|creating|executing|reading|identifying|finding|saving|last built|flagging|connecting|launching)/.test(
                    l,
                  ),
              )
              .slice(-8)
              .join('\n')}`,
          ),
        )
    })
  })
}

/** Row counts of the summary tables that exist. */
async function countRows(sql: postgres.Sql): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const table of SUMMARY_TABLES) {
    const [present] = await sql<{ ok: boolean }[]>`SELECT to_regclass(${table}) IS NOT NULL AS ok`
    if (!present?.ok) continue
    const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM ${sql(table)}`
    counts[table] = row?.n ?? 0
  }
  return counts
}

/** Tables of the database's own (not those an extension such as PostGIS brings). */
async function userTableCount(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`
  return row?.n ?? 0
}

/** A short-lived admin connection to a native database. */
function connect(url: string): postgres.Sql {
  return postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 15 })
}

async function backupNative(url: string, out: string, bindir: string | undefined, opts: BackupOptions): Promise<Record<string, number>> {
  const sql = connect(url)
  let counts: Record<string, number>
  let tables: number
  try {
    counts = await countRows(sql)
    tables = await userTableCount(sql)
  } finally {
    await sql.end({ timeout: 5 })
  }
  const { dbname, env } = libpqTarget(url)
  const program = pgProgram('pg_dump', bindir)
  opts.say?.(`pg_dump: ${program}`)
  let done = 0
  opts.progress?.start('tables', tables)
  try {
    await runProgram(program, ['--format=custom', '--verbose', '--no-password', `--file=${out}`, `--dbname=${dbname}`], env, (line) => {
      if (/dumping contents of table/.test(line)) opts.progress?.update(Math.min(++done, tables))
    })
  } finally {
    opts.progress?.stop()
  }
  return counts
}

/** Tables with data in a custom archive (`pg_restore --list`), for the progress bar. */
async function archiveDataTables(program: string, file: string): Promise<number> {
  const list = execFileSync(program, ['--list', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  return list.split('\n').filter((l) => / TABLE DATA /.test(l)).length
}

async function restoreNative(url: string, file: string, bindir: string | undefined, opts: RestoreOptions): Promise<Record<string, number>> {
  const program = pgProgram('pg_restore', bindir)
  // Reads the whole table of contents: a damaged file fails here, before the target is touched.
  const tables = await archiveDataTables(program, file)
  const sql = connect(url)
  try {
    const [others] = await sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`
    if ((others?.n ?? 0) > 0)
      throw new RefusedError(`${others!.n} other session(s) are connected to ${new URL(url).pathname.slice(1)}: stop the server first`)
    const existing = await userTableCount(sql)
    if (existing > 0 && !opts.force)
      throw new RefusedError(`the target database is not empty (${existing} tables): pass --force to replace its contents`)
    if (existing > 0) {
      opts.say?.(`emptying the target database (${existing} tables)…`)
      await emptyDatabase(sql)
    }
  } finally {
    await sql.end({ timeout: 5 })
  }
  const { dbname, env } = libpqTarget(url)
  let done = 0
  opts.progress?.start('tables', tables)
  try {
    // One transaction: a failure leaves the (emptied) target as it was, never half restored.
    // --no-owner: objects belong to whoever restores (the dump's owner may not exist here).
    await runProgram(
      program,
      ['--verbose', '--no-password', '--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${dbname}`, file],
      env,
      (line) => {
        if (/processing data for table/.test(line)) opts.progress?.update(Math.min(++done, tables))
      },
    )
  } finally {
    opts.progress?.stop()
  }
  const after = connect(url)
  try {
    return await countRows(after)
  } finally {
    await after.end({ timeout: 5 })
  }
}

/**
 * Drops everything in a database (every schema but the system ones, with the extensions in
 * them) and recreates an empty `public`, so a restore starts from what `CREATE DATABASE` gives.
 */
async function emptyDatabase(sql: postgres.Sql): Promise<void> {
  const schemas = await sql<{ name: string }[]>`
    SELECT nspname AS name FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg_toast%' AND nspname NOT LIKE 'pg_temp%'`
  await sql.begin(async (tx) => {
    for (const s of schemas) await tx`DROP SCHEMA ${tx(s.name)} CASCADE`
    await tx`CREATE SCHEMA public`
    // As CREATE DATABASE makes it (PostgreSQL 15+): owned by the database owner.
    await tx`ALTER SCHEMA public OWNER TO pg_database_owner`
    await tx`GRANT USAGE ON SCHEMA public TO PUBLIC`
  })
}

// --- Embedded -------------------------------------------------------------------------------

/** The embedded database's directory under DATA_DIR (server/db/embedded.ts). */
function pgliteDir(dataDir: string): string {
  return path.join(dataDir, 'pglite')
}

/** The live process holding an embedded data directory (its lock file), if any. */
export function embeddedHolder(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'pglite.pid'), 'utf8'))
    if (!pid || pid === process.pid) return null
    process.kill(pid, 0)
    return pid
  } catch {
    return null // no lock file, or its process is gone
  }
}

async function backupEmbedded(dataDir: string, out: string, opts: BackupOptions): Promise<Record<string, number>> {
  if (!fs.existsSync(path.join(pgliteDir(dataDir), 'PG_VERSION'))) throw new RefusedError(`no embedded database in ${dataDir}`)
  const holder = embeddedHolder(dataDir)
  if (holder)
    throw new RefusedError(
      `the embedded database in ${dataDir} is in use by process ${holder}: stop the server first (PGlite is one process's database)`,
    )
  opts.say?.('opening the embedded database…')
  const handle = await openEmbedded(dataDir)
  try {
    const counts = await countRows(handle.sql)
    opts.say?.('dumping the data directory…')
    fs.writeFileSync(out, await handle.dump())
    return counts
  } finally {
    await handle.close()
  }
}

async function restoreEmbedded(dataDir: string, file: string, opts: RestoreOptions): Promise<Record<string, number>> {
  const holder = embeddedHolder(dataDir)
  if (holder) throw new RefusedError(`the embedded database in ${dataDir} is in use by process ${holder}: stop the server first`)
  const target = pgliteDir(dataDir)
  const existing = fs.existsSync(path.join(target, 'PG_VERSION'))
  if (existing && !opts.force) throw new RefusedError(`${target} holds a database: pass --force to replace it`)
  // Loaded and checked beside the target, then swapped in: a bad file never costs the old data.
  const staging = path.join(dataDir, `.restore-${process.pid}`)
  fs.rmSync(staging, { recursive: true, force: true })
  fs.mkdirSync(staging, { recursive: true })
  try {
    opts.say?.('loading the tarball…')
    const loaded = await PGlite.create(pgliteDir(staging), {
      loadDataDir: new Blob([fs.readFileSync(file)]),
      extensions: { postgis, pg_trgm },
    })
    await loaded.close()
    opts.say?.('checking the restored database…')
    const handle = await openEmbedded(staging)
    let counts: Record<string, number>
    try {
      counts = await countRows(handle.sql)
    } finally {
      await handle.close()
    }
    const replaced = `${target}.replaced-${process.pid}`
    if (fs.existsSync(target)) fs.renameSync(target, replaced)
    fs.renameSync(pgliteDir(staging), target)
    fs.rmSync(replaced, { recursive: true, force: true })
    return counts
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
  }
}
