/** `npm run reports -- --month YYYY-MM [--out DIR]`: every town's health report to files, with an index page. */
import path from 'node:path'
import { parseArgs } from 'node:util'

import { z } from 'zod'

import { loadConfig } from '../config.ts'
import { currentMonth, MonthSchema } from '../indicators/month.ts'
import { terminalProgress } from '../ops/progress.ts'
import { renderAllTowns } from '../reports/render-all.ts'
import { log, openConfiguredDb } from './boot.ts'

const ArgsSchema = z.object({
  month: MonthSchema.optional(),
  out: z.string().min(1).optional(),
})

const { values } = parseArgs({ options: { month: { type: 'string' }, out: { type: 'string' } }, strict: true })
const parsed = ArgsSchema.safeParse(values)
const now = new Date()
if (!parsed.success || (parsed.data.month ?? '') > currentMonth(now)) {
  log(
    `reports: ${parsed.success ? `--month: ${parsed.data.month} has not begun` : parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`,
  )
  log('usage: npm run reports -- --month YYYY-MM [--out DIR]   (default: the current month, DATA_DIR/reports/<month>)')
  process.exit(2)
}
const month = parsed.data.month ?? currentMonth(now)
const config = loadConfig()
// Default under DATA_DIR (.data, git-ignored): generated files stay out of the working tree.
const outDir = path.resolve(parsed.data.out ?? path.join(config.DATA_DIR, 'reports', month))
const db = await openConfiguredDb(config)
try {
  log(`rendering the town health reports of ${month} into ${outDir}…`)
  const result = await renderAllTowns(db, { month, outDir, now, progress: terminalProgress() })
  log(`done: ${result.files.length} towns, index at ${result.index}`)
} finally {
  await db.close()
}
