import type { Config } from '../config.ts'
import { type Db, openDatabase } from '../db/index.ts'
import { terminalProgress } from '../ops/progress.ts'
import { fullViewNote, seedDemo, seedStatus } from '../seed/run.ts'

export const log = (msg: string) => process.stderr.write(`${msg}\n`)

/** Opens the configured database and applies pending migrations, saying what it does. */
export async function openConfiguredDb(config: Config): Promise<Db> {
  const where = config.DATABASE_URL ? `native PostgreSQL at ${redact(config.DATABASE_URL)}` : `embedded PGlite in ${config.DATA_DIR}`
  log(`database: ${where}`)
  let db: Db
  try {
    db = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      onMigration: (name) => log(`  applying migration ${name}`),
    })
  } catch (err) {
    // One sentence, not a stack trace: the usual causes are another process or an unreachable server.
    const m = err instanceof Error ? err.message : String(err)
    if (/in use by process/.test(m))
      log(
        `${m.replace(/Stop it first\.?$/, '').trim()} Stop it first, or start the server and run this again: the command hands its work to the server.`,
      )
    else log(`cannot open the database (${where}): ${m}`)
    process.exit(1)
  }
  log(
    `  PostgreSQL ${db.capabilities.postgresVersion}, PostGIS ${db.capabilities.postgisVersion}, ST_AsMVT ${db.capabilities.asMvt ? 'yes' : 'no (tiles encoded in JS)'}`,
  )
  return db
}

/** Seeds the configured demo data into an empty database; never touches one that has data. */
export async function seedIfEmpty(db: Db, config: Config): Promise<void> {
  if (config.SEED === 'none') return
  if (await seedStatus(db)) return
  const [row] = await db.sql<{ has: boolean }[]>`SELECT EXISTS (SELECT 1 FROM admin_areas) AS has`
  if (row?.has) return // the user loaded their own data
  const size = config.SEED === 'boundaries' ? 'small' : config.SEED
  log(`seeding the demo data (${config.SEED}) on first start…`)
  const meta = await seedDemo(db, { size, only: config.SEED === 'boundaries' ? 'boundaries' : null, progress: terminalProgress() })
  log(
    `seeded in ${meta.seconds} s: ${Object.entries(meta.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
  )
  const note = fullViewNote(meta.counts)
  if (note) log(note)
}

/** A database URL without its password, for logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://…'
  }
}

/** On SIGINT/SIGTERM: run `stop` once (finish requests, close the database cleanly), then exit. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false
  const handler = (signal: string) => {
    if (stopping) return
    stopping = true
    log(`${signal}: finishing requests and closing the database…`)
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`shutdown failed: ${String(err)}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => handler('SIGINT'))
  process.on('SIGTERM', () => handler('SIGTERM'))
}
