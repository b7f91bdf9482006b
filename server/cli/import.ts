/**
 * `npm run import -- <kind> FILE.csv [options]`: loads a CSV file into the database.
 *
 *   addresses FILE.csv [--report FILE] [--source NAME] [--workers N]
 *   incidents FILE.csv [--report FILE] [--source NAME]
 *   hazards FILE.csv [--report FILE] [--source NAME]
 *   gazetteer FILE.csv [--report FILE] [--source NAME]
 *   houses | residents | organisations | disputes | patrols | devices | device_events FILE.csv [--report FILE] [--source NAME]
 *   categories FILE.csv [--replace] [--report FILE] [--source NAME]   (server/cli/import-catalogue.ts)
 *   roles FILE.json
 *
 * Bad lines are rejected into the report (default FILE.rejects.csv) and the rest is loaded; a
 * file that cannot be imported at all (e.g. a required column missing) loads nothing.
 */
import { parseArgs } from 'node:util'

import { z } from 'zod'

import { importAddresses, type ImportSummary } from '../addresses/import.ts'
import { loadConfig } from '../config.ts'
import type { Db } from '../db/index.ts'
import { importDeviceEvents, importDevices } from '../devices/import-csv.ts'
import {
  DEVICE_EVENT_OPTIONAL_COLUMNS,
  DEVICE_EVENT_REQUIRED_COLUMNS,
  DEVICE_OPTIONAL_COLUMNS,
  DEVICE_REQUIRED_COLUMNS,
} from '../devices/schema.ts'
import { importDisputes } from '../disputes/import-csv.ts'
import { DISPUTE_OPTIONAL_COLUMNS, DISPUTE_REQUIRED_COLUMNS } from '../disputes/schema.ts'
import { importGazetteer } from '../gazetteer/import-csv.ts'
import { importHazards } from '../hazards/import-csv.ts'
import type { BatchedImportOptions, BatchedImportSummary } from '../imports/batched.ts'
import { ImportInputError } from '../imports/csv.ts'
import { importIncidents } from '../incidents/ingest-csv.ts'
import { terminalProgress } from '../ops/progress.ts'
import { importOrganisations } from '../organisations/import-csv.ts'
import { ORGANISATION_OPTIONAL_COLUMNS, ORGANISATION_REQUIRED_COLUMNS } from '../organisations/schema.ts'
import { importPatrols } from '../patrols/import-csv.ts'
import { PATROL_OPTIONAL_COLUMNS, PATROL_REQUIRED_COLUMNS } from '../patrols/schema.ts'
import { importHouses, importResidents } from '../people/import-csv.ts'
import { HOUSE_OPTIONAL_COLUMNS, HOUSE_REQUIRED_COLUMNS, RESIDENT_OPTIONAL_COLUMNS, RESIDENT_REQUIRED_COLUMNS } from '../people/schema.ts'
import { log } from './boot.ts'
import { HandoffError, runOrHandOff } from './handoff.ts'
import { BOUNDARIES_USAGE, importBoundariesCli } from './import-boundaries.ts'
import { CATALOGUE_USAGE, importCatalogueCli } from './import-catalogue.ts'

/** The full information view's kinds (docs/full-view.md): their columns, from their schemas. */
const FULL_VIEW_KINDS: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  ['houses', HOUSE_REQUIRED_COLUMNS, HOUSE_OPTIONAL_COLUMNS],
  ['residents', RESIDENT_REQUIRED_COLUMNS, RESIDENT_OPTIONAL_COLUMNS],
  ['organisations', ORGANISATION_REQUIRED_COLUMNS, ORGANISATION_OPTIONAL_COLUMNS],
  ['disputes', DISPUTE_REQUIRED_COLUMNS, DISPUTE_OPTIONAL_COLUMNS],
  ['patrols', PATROL_REQUIRED_COLUMNS, PATROL_OPTIONAL_COLUMNS],
  ['devices', DEVICE_REQUIRED_COLUMNS, DEVICE_OPTIONAL_COLUMNS],
  ['device_events', DEVICE_EVENT_REQUIRED_COLUMNS, DEVICE_EVENT_OPTIONAL_COLUMNS],
]

const USAGE = [
  'usage: npm run import -- addresses FILE.csv [--report FILE] [--source NAME] [--workers N]',
  '  FILE.csv   UTF-8 with a header: address_id,address,lng,lat (required); crs (wgs84|gcj02|bd09),',
  '             aliases (|-separated), town,village,group_no,road,door_no,compound,building,unit,room',
  '  --report   where rejected lines go (default FILE.rejects.csv)',
  "  --source   recorded as each row's source (default: the file name)",
  '  --workers  worker threads for per-line work (default: by file size and CPU count; 0 = none)',
  '       npm run import -- incidents FILE.csv [--report FILE] [--source NAME]',
  '  FILE.csv   UTF-8 with a header: incident_id,reported_at,category (required);',
  '             address,lng,lat,crs,description,source,status',
  '       npm run import -- hazards FILE.csv [--report FILE] [--source NAME]',
  '  FILE.csv   UTF-8 with a header: hazard_id,reported_at,source,category,description (required);',
  '             severity,status,place_name,responsible_party,due_date,address,lng,lat,crs,attachments (|-separated)',
  '       npm run import -- gazetteer FILE.csv [--report FILE] [--source NAME]',
  '  FILE.csv   UTF-8 with a header: name (required); alias_of (a known town, village, road or compound),',
  '             or lng,lat (crs) and level (compound|road|village|town, default compound); town_code',
  ...FULL_VIEW_KINDS.flatMap(([kind, required, optional]) => [
    `       npm run import -- ${kind} FILE.csv [--report FILE] [--source NAME]`,
    `  FILE.csv   UTF-8 with a header: ${required.join(',')} (required); ${optional.join(',')}`,
  ]),
  BOUNDARIES_USAGE.replace('usage: ', '       '),
  CATALOGUE_USAGE.replace('usage: ', '       '),
].join('\n')

const OptionsSchema = z.object({
  report: z.string().min(1).optional(),
  source: z.string().min(1).max(200).optional(),
  workers: z.coerce.number().int().min(0).max(16).optional(),
})

/** One kind of import: what it needs from the command line and how to run it. */
interface ImportCommand {
  run(file: string, options: z.infer<typeof OptionsSchema>): Promise<ImportSummary>
}

const n = (x: number) => x.toLocaleString('en-US')

/**
 * The command for a batched report import (incidents, hazards): its summary in the address
 * import's shape (address-only fields zero), rejects naming the report's id.
 * @example reportImport(importHazards).run('hazards.csv', {})
 */
function reportImport(
  kind: string,
  importer: (db: Db, file: string, opts: BatchedImportOptions) => Promise<BatchedImportSummary>,
): ImportCommand {
  return {
    async run(file, options) {
      const opts = { ...(options.source ? { source: options.source } : {}) }
      const s = await runOrHandOff(
        loadConfig(),
        kind,
        [file],
        opts,
        () => options.report ?? `${file}.rejects.csv`,
        (db) => importer(db, file, { progress: terminalProgress(), ...opts, ...(options.report ? { reportPath: options.report } : {}) }),
      )
      const phases = { ingest: s.seconds, read: 0, parse: 0, validate: 0, place: 0, encode: 0, copy: 0, merge: 0, indexes: 0, refresh: 0 }
      const rejects = s.rejects.map((r) => ({ line: r.line, addressId: r.id, reason: r.reason }))
      return { ...s, mode: 'upsert', fromText: 0, snapped: 0, unlocated: s.unplaced, phases, workers: 0, rejects }
    },
  }
}

const COMMANDS: Record<string, ImportCommand> = {
  addresses: {
    async run(file, options) {
      const opts = {
        ...(options.source ? { source: options.source } : {}),
        ...(options.workers !== undefined ? { workers: options.workers } : {}),
      }
      return runOrHandOff(
        loadConfig(),
        'addresses',
        [file],
        opts,
        () => options.report ?? `${file}.rejects.csv`,
        (db) =>
          importAddresses(db, file, { progress: terminalProgress(), ...opts, ...(options.report ? { reportPath: options.report } : {}) }),
      )
    },
  },
  // Incidents and hazards: the same summary; address-only fields are zero, rejects name their id.
  incidents: reportImport('incidents', importIncidents),
  hazards: reportImport('hazards', importHazards),
  gazetteer: reportImport('gazetteer', importGazetteer),
  houses: reportImport('houses', importHouses),
  residents: reportImport('residents', importResidents),
  organisations: reportImport('organisations', importOrganisations),
  disputes: reportImport('disputes', importDisputes),
  patrols: reportImport('patrols', importPatrols),
  devices: reportImport('devices', importDevices),
  device_events: reportImport('device_events', importDeviceEvents),
}

function usage(problem: string): never {
  log(`import: ${problem}`)
  log(USAGE)
  process.exit(2)
}

// Boundaries take a file of any GIS format and flags of their own.
if (process.argv[2] === 'boundaries') {
  try {
    process.exit(await importBoundariesCli(process.argv.slice(3)))
  } catch (err) {
    if (!(err instanceof ImportInputError || err instanceof HandoffError)) throw err
    log(`import failed: ${err.message}`)
    process.exit(1)
  }
}

// The catalogue and its role binding: flags and a summary of their own.
if (process.argv[2] === 'categories' || process.argv[2] === 'roles') {
  try {
    const code = await importCatalogueCli(process.argv[2], process.argv.slice(3))
    if (typeof code === 'string') usage(code)
    process.exit(code)
  } catch (err) {
    if (!(err instanceof ImportInputError || err instanceof HandoffError)) throw err
    log(`import failed: ${err.message}`)
    process.exit(1)
  }
}

let parsed: { values: Record<string, string | undefined>; positionals: string[] }
try {
  parsed = parseArgs({
    options: { report: { type: 'string' }, source: { type: 'string' }, workers: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  })
} catch (err) {
  usage(err instanceof Error ? err.message : String(err))
}
const [kind, file, ...extra] = parsed.positionals
if (!kind) usage('say what to import')
const command = COMMANDS[kind]
if (!command) usage(`unknown kind "${kind}" (known: ${Object.keys(COMMANDS).join(', ')})`)
if (!file) usage('give the CSV file to import')
if (extra.length > 0) usage(`unexpected arguments: ${extra.join(' ')}`)
const options = OptionsSchema.safeParse(parsed.values)
if (!options.success) usage(options.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '))

try {
  log(`importing ${kind} from ${file}…`)
  const s = await command.run(file, options.data)
  for (const w of s.warnings) log(`warning: ${w}`)
  log(
    `done in ${s.seconds} s (${n(s.rowsPerSecond)} lines/s, ${s.mode}${s.workers ? `, ${s.workers} workers` : ''}): ` +
      `read ${n(s.read)}, inserted ${n(s.inserted)}, updated ${n(s.updated)}, unchanged ${n(s.unchanged)}, rejected ${n(s.rejected)}`,
  )
  if (s.fromText > 0) log(`  parts parsed from the address text for ${n(s.fromText)} rows`)
  if (s.rejected > 0) {
    for (const r of s.rejects.slice(0, 5)) log(`  line ${r.line}${r.addressId ? ` (${r.addressId})` : ''}: ${r.reason}`)
    if (s.reportPath) log(`  all ${n(s.rejected)} rejected lines: ${s.reportPath}`)
  }
  log(`  import run #${s.runId}`)
} catch (err) {
  if (err instanceof ImportInputError || err instanceof HandoffError) {
    log(`import failed: ${err.message}`)
    process.exit(1)
  }
  throw err
}
