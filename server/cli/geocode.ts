/** `npm run geocode -- IN.csv OUT.csv`: geocodes a CSV's `address` column, with a summary by level. */
import fs from 'node:fs'

import { loadConfig } from '../config.ts'
import { geocodeCsv } from '../geocode/csv.ts'
import { createGeocoder } from '../geocode/geocoder.ts'
import { terminalProgress } from '../ops/progress.ts'
import { log, openConfiguredDb } from './boot.ts'

const [inPath, outPath] = process.argv.slice(2)
if (!inPath || !outPath) {
  log('usage: npm run geocode -- IN.csv OUT.csv   (IN needs an "address" column; optional lng, lat, crs)')
  process.exit(2)
}
if (!fs.existsSync(inPath)) {
  log(`geocode: no such file: ${inPath}`)
  process.exit(2)
}
const db = await openConfiguredDb(loadConfig())
const progress = terminalProgress()
try {
  const started = Date.now()
  progress.start('geocoding', fs.statSync(inPath).size)
  const summary = await geocodeCsv(createGeocoder(db), inPath, outPath, { onProgress: (b) => progress.update(b) })
  progress.update(fs.statSync(inPath).size)
  progress.stop()
  const seconds = (Date.now() - started) / 1000
  log(
    `geocoded ${summary.lines.toLocaleString()} lines in ${seconds.toFixed(1)} s (${Math.round(summary.lines / seconds).toLocaleString()}/s) → ${outPath}`,
  )
  for (const [level, n] of Object.entries(summary.byLevel))
    if (n > 0) log(`  ${level.padEnd(9)} ${String(n).padStart(9)}  ${((100 * n) / summary.lines).toFixed(1)} %`)
  if (summary.errors > 0) log(`  errors    ${String(summary.errors).padStart(9)}  (kept in the output with match_error)`)
} catch (err) {
  log(`geocode: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
} finally {
  await db.close()
}
