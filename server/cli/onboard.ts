/**
 * `npm run onboard -- DIR [--report-dir D]`: a district's own data, laid out as district.*,
 * towns.*, villages.*, grids.*, microgrids.* (optional), categories.csv, mapping.json,
 * addresses.csv and incidents.csv (optional), with per-file options in DIR/onboard.json
 * (server/onboard/). Into an empty database (SEED=none); a database of another district is refused.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

import { loadConfig } from '../config.ts'
import { ImportInputError } from '../imports/csv.ts'
import { OnboardPlanError, planOnboarding } from '../onboard/plan.ts'
import { onboard, OnboardRefusal, type OnboardStep, type OnboardSummary } from '../onboard/run.ts'
import { terminalProgress } from '../ops/progress.ts'
import { log, openConfiguredDb } from './boot.ts'
import { handOff, HandoffError, runningServer } from './handoff.ts'

const USAGE = [
  'usage: npm run onboard -- DIR [--report-dir D]',
  '  DIR   district.*, towns.*, villages.*, grids.* (.gpkg, .zip, .shp, .geojson or .json), microgrids.* (optional),',
  '        categories.csv, mapping.json (optional: else the catalogue stays), addresses.csv, incidents.csv (optional),',
  '        onboard.json (optional): { "towns": { "codeField": "XZQDM", "crs": "cgcs2000", … }, "profile": { … } }',
  "  --report-dir   where each step's report goes (default DIR/reports)",
].join('\n')

const n = (x: number) => x.toLocaleString('en-US')

/**
 * One line per step: what it loaded, changed, repaired, rejected and left unplaced.
 * @example stepLine({ step: 'towns', loaded: 9, changed: 0, repaired: 0, rejected: 0, unplaced: 0, … }) // 'towns: 9 loaded'
 */
export function stepLine(s: OnboardStep): string {
  const parts = [`${n(s.loaded)} loaded`]
  if (s.changed) parts.push(`${n(s.changed)} changed`)
  if (s.repaired) parts.push(`${n(s.repaired)} repaired`)
  if (s.rejected) parts.push(`${n(s.rejected)} rejected`)
  if (s.unplaced) parts.push(`${n(s.unplaced)} unplaced`)
  return `${s.step}: ${parts.join(', ')} (${s.seconds} s)`
}

let values: { 'report-dir'?: string | undefined }
let positionals: string[]
try {
  ;({ values, positionals } = parseArgs({ options: { 'report-dir': { type: 'string' } }, allowPositionals: true, strict: true }))
} catch (err) {
  log(`onboard: ${err instanceof Error ? err.message : String(err)}`)
  log(USAGE)
  process.exit(2)
}
const [dir, ...extra] = positionals
if (!dir || extra.length > 0) {
  log(dir ? `onboard: unexpected arguments: ${extra.join(' ')}` : 'onboard: give the folder to onboard')
  log(USAGE)
  process.exit(2)
}

try {
  const plan = planOnboarding(dir)
  const config = loadConfig()
  const reportDir = values['report-dir'] ?? path.join(dir, 'reports')
  const printStep = (step: OnboardStep) => {
    log(`  ${stepLine(step)}`)
    for (const note of step.notes) log(`    ${note}`)
    if (step.reportPath && (step.rejected > 0 || step.repaired > 0 || step.notes.length > 0)) log(`    report: ${step.reportPath}`)
  }
  log(`onboarding ${dir}…`)
  const server = runningServer(config)
  let s: OnboardSummary
  if (server) {
    // The server holds the database: upload the folder's files and follow the job there.
    log(`the server at ${server.url} (process ${server.pid}) holds the database: handing the onboarding to it…`)
    const files = fs
      .readdirSync(dir)
      .map((f) => path.join(dir, f))
      .filter((f) => fs.statSync(f).isFile())
    fs.mkdirSync(reportDir, { recursive: true })
    const out = await handOff(server, 'onboard', files, {}, terminalProgress(), (name) => path.join(reportDir, name))
    s = out.result as OnboardSummary
    const saved = new Map(out.savedReports.map((f) => [path.basename(f), f]))
    for (const step of s.steps) {
      step.reportPath = step.reportPath ? (saved.get(path.basename(step.reportPath)) ?? null) : null
      printStep(step)
    }
  } else {
    const db = await openConfiguredDb(config)
    try {
      s = await onboard(db, plan, { progress: terminalProgress(), reportDir, onStep: printStep })
    } finally {
      await db.close()
    }
  }
  log(`onboarded ${s.district.name} (${s.district.code}) in ${s.seconds} s:`)
  for (const step of s.steps) log(`  ${stepLine(step)}`)
} catch (err) {
  if (err instanceof OnboardPlanError || err instanceof OnboardRefusal || err instanceof ImportInputError || err instanceof HandoffError) {
    log(`onboard: ${err.message}`)
    process.exit(1)
  }
  throw err
}
