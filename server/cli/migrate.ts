/** `npm run migrate`: applies pending migrations to the configured database. */
import { loadConfig } from '../config.ts'
import { openDatabase } from '../db/index.ts'
import { migrate } from '../db/migrate.ts'
import { log, redact } from './boot.ts'

const config = loadConfig()
log(`database: ${config.DATABASE_URL ? redact(config.DATABASE_URL) : `embedded PGlite in ${config.DATA_DIR}`}`)
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, migrate: false })
try {
  const result = await migrate(db.sql, undefined, (name) => log(`  applying ${name}`))
  log(
    result.applied.length
      ? `applied ${result.applied.length} migration(s); now at version ${result.version}`
      : `up to date at version ${result.version}`,
  )
} finally {
  await db.close()
}
