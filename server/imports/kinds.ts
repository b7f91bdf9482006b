/**
 * What the import endpoint can run, with the same importers as the command line: each kind's
 * options (the form's `options` field, JSON) and the permission it needs beyond `ingest`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { z } from 'zod'

import { importAddresses } from '../addresses/import.ts'
import type { Permission } from '../auth/schema.ts'
import { importBoundaries } from '../boundaries/import.ts'
import { BoundaryImportOptionsSchema } from '../boundaries/schema.ts'
import { importCategories } from '../categories/import-csv.ts'
import { importRoleMapping } from '../categories/import-roles.ts'
import type { Db } from '../db/index.ts'
import { importDeviceEvents, importDevices } from '../devices/import-csv.ts'
import { importDisputes } from '../disputes/import-csv.ts'
import { importGazetteer } from '../gazetteer/import-csv.ts'
import { importHazards } from '../hazards/import-csv.ts'
import { importIncidents } from '../incidents/ingest-csv.ts'
import { planOnboarding } from '../onboard/plan.ts'
import { onboard } from '../onboard/run.ts'
import type { PhaseProgress } from '../ops/progress.ts'
import { importOrganisations } from '../organisations/import-csv.ts'
import { importPatrols } from '../patrols/import-csv.ts'
import { importHouses, importResidents } from '../people/import-csv.ts'
import { reconcileFile } from '../reconcile/run.ts'
import { ImportInputError } from './csv.ts'

export const JobKindSchema = z.enum([
  'addresses',
  'incidents',
  'hazards',
  'houses',
  'residents',
  'organisations',
  'disputes',
  'patrols',
  'devices',
  'device_events',
  'gazetteer',
  'boundaries',
  'categories',
  'roles',
  'reconcile',
  'onboard',
])
export type JobKind = z.infer<typeof JobKindSchema>

const source = z.string().min(1).max(200).optional()
export const JOB_OPTIONS = {
  addresses: z.strictObject({ source, workers: z.number().int().min(0).max(16).optional() }),
  incidents: z.strictObject({ source }),
  hazards: z.strictObject({ source }),
  houses: z.strictObject({ source }),
  residents: z.strictObject({ source }),
  organisations: z.strictObject({ source }),
  disputes: z.strictObject({ source }),
  patrols: z.strictObject({ source }),
  devices: z.strictObject({ source }),
  device_events: z.strictObject({ source }),
  gazetteer: z.strictObject({ source }),
  boundaries: BoundaryImportOptionsSchema.omit({ report: true }),
  categories: z.strictObject({ source, replace: z.boolean().optional() }),
  roles: z.strictObject({}),
  reconcile: z.strictObject({ source }),
  onboard: z.strictObject({}),
} as const satisfies Record<JobKind, z.ZodType>

/** The permission each kind needs (the route already needs `ingest`). */
export const JOB_PERMISSION: Record<JobKind, Permission> = {
  addresses: 'ingest',
  incidents: 'ingest',
  hazards: 'ingest',
  houses: 'ingest',
  residents: 'ingest',
  organisations: 'ingest',
  disputes: 'ingest',
  patrols: 'ingest',
  devices: 'ingest',
  device_events: 'ingest',
  gazetteer: 'ingest',
  boundaries: 'settings',
  categories: 'settings',
  roles: 'settings',
  onboard: 'settings',
  reconcile: 'reconcile',
}

/** The kinds imported by the batched report loop (server/imports/batched.ts): one summary shape. */
const REPORT_IMPORTS = {
  incidents: importIncidents,
  hazards: importHazards,
  houses: importHouses,
  residents: importResidents,
  organisations: importOrganisations,
  disputes: importDisputes,
  patrols: importPatrols,
  devices: importDevices,
  device_events: importDeviceEvents,
  gazetteer: importGazetteer,
} as const

/** Extensions of a boundary layer's main file, among the uploaded ones (a .shp beside its .dbf, .shx…). */
const MAIN_BOUNDARY = ['.zip', '.gpkg', '.shp', '.geojson', '.json']

/**
 * The file an import reads among those uploaded: the only one, or for boundaries the main file
 * of a Shapefile's set.
 * @example mainFile('boundaries', ['/u/v.dbf', '/u/v.shp', '/u/v.shx']) // '/u/v.shp'
 */
export function mainFile(kind: JobKind, files: readonly string[]): string {
  if (kind === 'boundaries') {
    const main = files.filter((f) => MAIN_BOUNDARY.includes(path.extname(f).toLowerCase()))
    if (main.length !== 1)
      throw new ImportInputError(
        `upload one boundary layer (a .zip, .gpkg, .geojson, or a .shp with its .dbf/.shx/.prj/.cpg); got ${files.map((f) => path.basename(f)).join(', ')}`,
      )
    return main[0]!
  }
  if (files.length !== 1) throw new ImportInputError(`a ${kind} import reads one file; got ${files.length}`)
  return files[0]!
}

/** Where a job's reports go: kept after its upload is removed, for GET …/reports/{n}. */
export function reportDirOf(jobId: string): string {
  const dir = path.join(os.tmpdir(), 'onemap-import-reports', jobId)
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

/**
 * Runs one job over uploaded files (in `dir`): the kind's importer, its summary and reports.
 * @example await runJob(db, 'boundaries', upload.dir, upload.files, { level: 'town' }, progress, reportDir, 'admin')
 */
export async function runJob(
  db: Db,
  kind: JobKind,
  dir: string,
  files: readonly string[],
  options: Record<string, unknown>,
  progress: PhaseProgress,
  reportDir: string,
  actor: string,
): Promise<{ result: unknown; reports: string[] }> {
  const report = (f: string, suffix: string) => path.join(reportDir, `${path.basename(f)}.${suffix}.csv`)
  const existing = (paths: (string | null | undefined)[]) => paths.filter((p): p is string => typeof p === 'string' && fs.existsSync(p))
  if (kind === 'onboard') {
    const s = await onboard(db, planOnboarding(dir), { progress, reportDir })
    return { result: s, reports: existing(s.steps.map((x) => x.reportPath)) }
  }
  const file = mainFile(kind, files)
  const o = options as { source?: string; workers?: number; replace?: boolean }
  const common = { progress, ...(o.source ? { source: o.source } : { source: path.basename(file) }) }
  switch (kind) {
    case 'boundaries': {
      const b = JOB_OPTIONS.boundaries.parse(options)
      const reportPath = report(file, 'report')
      const s = await importBoundaries(db, file, { ...b, ...common, reportPath })
      return { result: s, reports: existing([reportPath]) }
    }
    case 'addresses': {
      const reportPath = report(file, 'rejects')
      const s = await importAddresses(db, file, { ...common, reportPath, ...(o.workers !== undefined ? { workers: o.workers } : {}) })
      return { result: s, reports: existing([reportPath]) }
    }
    case 'incidents':
    case 'hazards':
    case 'houses':
    case 'residents':
    case 'organisations':
    case 'disputes':
    case 'patrols':
    case 'devices':
    case 'device_events':
    case 'gazetteer': {
      const reportPath = report(file, 'rejects')
      const s = await REPORT_IMPORTS[kind](db, file, { ...common, reportPath })
      return { result: s, reports: existing([reportPath]) }
    }
    case 'categories': {
      const reportPath = report(file, 'rejects')
      const s = await importCategories(db, file, { ...common, reportPath, ...(o.replace ? { replace: true } : {}) })
      return { result: s, reports: existing([reportPath]) }
    }
    case 'roles':
      return { result: await importRoleMapping(db, file, { actor }), reports: [] }
    case 'reconcile': {
      const reportPath = report(file, 'reconcile-rejects')
      const s = await reconcileFile(db, file, { ...common, reportPath })
      return { result: s, reports: existing([reportPath]) }
    }
  }
}
