/**
 * `npm run backup -- [--out FILE] [--force]`: backs up the configured database — native with
 * pg_dump (custom format, `.dump`), embedded with PGlite's data-directory tarball (`.tar.gz`,
 * needs the server stopped). Default file: `$DATA_DIR/backups/onemap-<kind>-<db>-<time>.<ext>`.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'

import { loadConfig } from '../config.ts'
import { backup, configuredKind, defaultBackupName, RefusedError, summaryLine } from '../ops/backup.ts'
import { terminalProgress } from '../ops/progress.ts'
import { log, redact } from './boot.ts'

const { values } = parseArgs({ options: { out: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } }, strict: true })
if (values.help) {
  log('usage: npm run backup -- [--out FILE] [--force]')
  process.exit(0)
}
const config = loadConfig()
const kind = configuredKind(config)
const dbName = config.DATABASE_URL ? new URL(config.DATABASE_URL).pathname.slice(1) || 'postgres' : path.basename(config.DATA_DIR)
const out = values.out ?? path.join(config.DATA_DIR, 'backups', defaultBackupName(kind, dbName, new Date()))
log(`backing up the ${kind} database ${config.DATABASE_URL ? redact(config.DATABASE_URL) : `in ${config.DATA_DIR}`} to ${out}`)
try {
  const summary = await backup(config, { out, force: values.force ?? false, progress: terminalProgress(), say: (m) => log(`  ${m}`) })
  log(summaryLine('backed up', summary))
} catch (err) {
  log(err instanceof RefusedError ? `refused: ${err.message}` : `backup failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(err instanceof RefusedError ? 2 : 1)
}
