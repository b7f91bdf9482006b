import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import type { Sql } from 'postgres'

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations')
const FILE_PATTERN = /^(\d{3})_([a-z0-9_]+)\.sql$/

export interface MigrationFile {
  version: number
  name: string
  file: string
  checksum: string
}

/** Lists `NNN_name.sql` files in version order; refuses duplicate versions. */
export function listMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => FILE_PATTERN.test(f))
    .sort()
  const seen = new Set<number>()
  return files.map((file) => {
    const m = FILE_PATTERN.exec(file)!
    const version = Number(m[1])
    if (seen.has(version)) throw new Error(`two migrations share version ${m[1]} in ${dir}`)
    seen.add(version)
    const text = fs.readFileSync(path.join(dir, file), 'utf8')
    return { version, name: m[2]!, file: path.join(dir, file), checksum: crypto.createHash('sha256').update(text).digest('hex') }
  })
}

export interface MigrateResult {
  applied: string[]
  version: number
}

/**
 * Applies pending migrations in order, each in its own transaction, and records them.
 * Safe to run twice (and from two processes: an advisory lock serialises them). An applied
 * migration whose file has changed since is an error: write a new migration instead.
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR, onApply?: (name: string) => void): Promise<MigrateResult> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`
  const applied: string[] = []
  for (const m of listMigrations(dir)) {
    await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(74610001)`
      const [done] = await tx<{ checksum: string }[]>`SELECT checksum FROM schema_migrations WHERE version = ${m.version}`
      if (done) {
        if (done.checksum !== m.checksum) {
          throw new Error(`migration ${path.basename(m.file)} was changed after it was applied; add a new migration instead`)
        }
        return
      }
      onApply?.(path.basename(m.file))
      // Migration files are trusted, static SQL from the repository: run them whole.
      await tx.unsafe(fs.readFileSync(m.file, 'utf8')).simple()
      await tx`INSERT INTO schema_migrations (version, name, checksum) VALUES (${m.version}, ${m.name}, ${m.checksum})`
      applied.push(path.basename(m.file))
    })
  }
  // The scoped role's grants cover tables added by any migration (migrations/019).
  const [grants] = await sql<{ present: boolean }[]>`SELECT to_regproc('app_grant_scoped') IS NOT NULL AS present`
  if (grants?.present) await sql`SELECT app_grant_scoped()`
  return { applied, version: await currentVersion(sql) }
}

/** The highest applied migration version, 0 for none. */
export async function currentVersion(sql: Sql): Promise<number> {
  const [row] = await sql<{ v: number | null }[]>`SELECT max(version) AS v FROM schema_migrations`
  return row?.v ?? 0
}
