/** `npm run rollups -- --rebuild | --check`: recompute the incident rollups, or compare them with a fresh count. */
import { parseArgs } from 'node:util'

import { loadConfig } from '../config.ts'
import { rebuildRollups, rollupDifferences } from '../incidents/rollups.ts'
import { log, openConfiguredDb } from './boot.ts'

const { values } = parseArgs({ options: { rebuild: { type: 'boolean' }, check: { type: 'boolean' } }, strict: true })
if (!values.rebuild && !values.check) {
  log('usage: npm run rollups -- --rebuild   (recompute from the incidents)')
  log('       npm run rollups -- --check     (list rows where the kept rollups differ from a fresh count)')
  process.exit(2)
}
const db = await openConfiguredDb(loadConfig())
try {
  if (values.rebuild) {
    const started = Date.now()
    const r = await rebuildRollups(db.sql)
    log(
      `rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s: ${r.h3Rows.toLocaleString()} H3 rows, ${r.areaRows.toLocaleString()} area rows`,
    )
  }
  if (values.check) {
    const diff = await rollupDifferences(db.sql)
    if (diff.length === 0) log('rollups agree with the incidents')
    else {
      for (const d of diff) log(`  ${d.table} ${d.key}: kept ${d.kept}, counted ${d.counted}`)
      process.exitCode = 1
    }
  }
} finally {
  await db.close()
}
