/**
 * `npm run restore -- FILE [--force]`: restores a backup of `npm run backup` into the configured
 * database of the same kind. Refuses a target that has data unless `--force`, and a database in
 * use (stop the server first). Native: pg_restore in one transaction; embedded: loaded beside the
 * data directory, checked, then swapped in.
 */
import { parseArgs } from 'node:util'

import { loadConfig } from '../config.ts'
import { configuredKind, RefusedError, restore, summaryLine } from '../ops/backup.ts'
import { terminalProgress } from '../ops/progress.ts'
import { log, redact } from './boot.ts'

const { values, positionals } = parseArgs({
  options: { force: { type: 'boolean' }, help: { type: 'boolean' } },
  allowPositionals: true,
  strict: true,
})
const file = positionals[0]
if (values.help || !file || positionals.length > 1) {
  log('usage: npm run restore -- FILE [--force]')
  process.exit(values.help ? 0 : 2)
}
const config = loadConfig()
log(
  `restoring ${file} into the ${configuredKind(config)} database ${config.DATABASE_URL ? redact(config.DATABASE_URL) : `in ${config.DATA_DIR}`}`,
)
try {
  const summary = await restore(config, { file, force: values.force ?? false, progress: terminalProgress(), say: (m) => log(`  ${m}`) })
  log(summaryLine('restored', summary))
} catch (err) {
  log(err instanceof RefusedError ? `refused: ${err.message}` : `restore failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(err instanceof RefusedError ? 2 : 1)
}
