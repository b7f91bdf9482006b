/**
 * `npm run onboard -- DIR`: a district's own data into an empty database, in order: profile,
 * boundaries (district → microgrids), categories and their roles, addresses, incidents. Each
 * step is the same import as `npm run import`, recorded in import_runs with its report; the
 * summary says per step what was loaded, repaired, rejected and left unplaced.
 */
import fs from 'node:fs'
import path from 'node:path'

import { importAddresses } from '../addresses/import.ts'
import { detectFields } from '../boundaries/fields.ts'
import { importBoundaries, textOf } from '../boundaries/import.ts'
import { readBoundaryFile } from '../boundaries/read/index.ts'
import { importCategories } from '../categories/import-csv.ts'
import { importRoleMapping } from '../categories/import-roles.ts'
import type { Db } from '../db/index.ts'
import { importIncidents } from '../incidents/ingest-csv.ts'
import { type PhaseProgress, silentProgress } from '../ops/progress.ts'
import { updateProfile } from '../profile/store.ts'
import type { OnboardPlan } from './plan.ts'

export class OnboardRefusal extends Error {
  override name = 'OnboardRefusal'
}

/** What one step did. */
export interface OnboardStep {
  step: string
  file: string | null
  loaded: number
  changed: number
  repaired: number
  rejected: number
  unplaced: number
  notes: string[]
  reportPath: string | null
  seconds: number
}

export interface OnboardSummary {
  district: { code: string; name: string }
  steps: OnboardStep[]
  seconds: number
}

export interface OnboardOptions {
  /** Where each step's report goes (default DIR/reports). */
  reportDir?: string
  progress?: PhaseProgress
  /** Called when a step ends (the CLI prints it). */
  onStep?: (s: OnboardStep) => void
}

/**
 * The district a plan brings: the code and name of the district file's first feature.
 * @example await plannedDistrict(plan) // { code: '330521', name: '德清县' }
 */
export async function plannedDistrict(plan: OnboardPlan): Promise<{ code: string; name: string }> {
  const step = plan.boundaries.find((b) => b.key === 'district')!
  const o = plan.config.district ?? {}
  const src = await readBoundaryFile(step.file, { ...(o.encoding ? { encoding: o.encoding } : {}), ...(o.layer ? { layer: o.layer } : {}) })
  const fields = detectFields('district', src.fields, {
    ...(o.codeField ? { code: o.codeField } : {}),
    ...(o.nameField ? { name: o.nameField } : {}),
  })
  const first = src.features[0]
  const code = plan.config.profile?.code ?? (first && fields.code ? textOf(first.properties[fields.code]) : null)
  const name = plan.config.profile?.name ?? (first && fields.name ? textOf(first.properties[fields.name]) : null) ?? ''
  if (!code)
    throw new OnboardRefusal(
      `${path.basename(step.file)}: no district code found (name the field in onboard.json: "district": { "codeField": … })`,
    )
  return { code, name }
}

/**
 * Refuses a database that holds another district's data (or data without a district); a
 * database of the same district may be onboarded again (every step is an upsert).
 * @example await checkTarget(db, { code: '330521', name: '德清县' })
 */
export async function checkTarget(db: Db, district: { code: string; name: string }): Promise<void> {
  const [d] = await db.sql<
    { code: string; name: string }[]
  >`SELECT code, name FROM admin_areas WHERE level = 'district' ORDER BY code LIMIT 1`
  if (d && d.code !== district.code) {
    throw new OnboardRefusal(
      `this database holds ${d.name} (${d.code}), not ${district.name} (${district.code}): onboard into an empty database, e.g. DATA_DIR=.data-${district.code} SEED=none npm run onboard -- DIR`,
    )
  }
  if (!d) {
    const [row] = await db.sql<{ areas: boolean; addresses: boolean; incidents: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM admin_areas) AS areas, EXISTS (SELECT 1 FROM addresses) AS addresses, EXISTS (SELECT 1 FROM incidents) AS incidents`
    const held = row ? (['areas', 'addresses', 'incidents'] as const).filter((k) => row[k]) : []
    if (held.length > 0)
      throw new OnboardRefusal(`this database already holds ${held.join(', ')} but no district: onboard into an empty database (SEED=none)`)
  }
}

/**
 * Runs a plan against a database (see the module note).
 * @example const s = await onboard(db, planOnboarding('data/fixtures/second-district'))
 */
export async function onboard(db: Db, plan: OnboardPlan, opts: OnboardOptions = {}): Promise<OnboardSummary> {
  const started = Date.now()
  const progress = opts.progress ?? silentProgress
  const district = await plannedDistrict(plan)
  await checkTarget(db, district)
  const reportDir = opts.reportDir ?? path.join(plan.dir, 'reports')
  fs.mkdirSync(reportDir, { recursive: true })
  const reportOf = (file: string, suffix: string) => path.join(reportDir, `${path.basename(file)}.${suffix}.csv`)
  const steps: OnboardStep[] = []
  const done = (s: OnboardStep) => {
    steps.push(s)
    opts.onStep?.(s)
  }
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const t = Date.now()
    const v = await fn()
    return [v, Math.round((Date.now() - t) / 100) / 10]
  }

  if (plan.config.profile) {
    const [, seconds] = await timed(() => db.sql.begin((tx) => updateProfile(tx, plan.config.profile!)))
    done({
      step: 'profile',
      file: null,
      loaded: Object.keys(plan.config.profile).length,
      changed: 0,
      repaired: 0,
      rejected: 0,
      unplaced: 0,
      notes: [],
      reportPath: null,
      seconds,
    })
  }

  for (const b of plan.boundaries) {
    const reportPath = reportOf(b.file, 'report')
    const [s, seconds] = await timed(() =>
      importBoundaries(db, b.file, { ...(plan.config[b.key] ?? {}), level: b.level, reportPath, progress }),
    )
    const count = (k: string) => s.findings.filter((f) => f.kind === k).length
    const notes = [
      `fields: code=${s.fields.code}, name=${s.fields.name}, parent=${s.fields.parent ?? '(by position)'}${s.fields.population ? `, population=${s.fields.population}` : ''}`,
      `coordinates: ${s.crsNote}`,
      ...(['orphan', 'ambiguous', 'outside_parent', 'gap', 'overlap', 'removed'] as const)
        .filter((k) => count(k) > 0)
        .map((k) => `${count(k)} ${k.replace('_', ' ')}`),
      ...s.warnings,
    ]
    done({
      step: b.key,
      file: b.file,
      loaded: s.inserted + s.updated + s.unchanged,
      changed: s.updated,
      repaired: s.repaired,
      rejected: s.rejected,
      unplaced: 0,
      notes,
      reportPath,
      seconds,
    })
  }

  // A new district's catalogue replaces the one the database came with (nothing uses it yet);
  // onboard.json's "categories": { "replace": false } keeps codes the file leaves out.
  if (plan.categories) {
    const reportPath = reportOf(plan.categories, 'rejects')
    const file = plan.categories
    const [s, seconds] = await timed(() =>
      importCategories(db, file, { reportPath, progress, replace: plan.config.categories?.replace ?? true }),
    )
    done({
      step: 'categories',
      file,
      loaded: s.inserted + s.updated + s.unchanged,
      changed: s.updated,
      repaired: 0,
      rejected: s.rejected,
      unplaced: 0,
      notes: s.warnings,
      reportPath,
      seconds,
    })
  }
  if (plan.mapping) {
    const file = plan.mapping
    const [s, seconds] = await timed(() => importRoleMapping(db, file, { actor: 'onboard' }))
    const unbound = s.unbound.length > 0 ? [`not configured (no codes bound): ${s.unbound.join(', ')}`] : []
    done({
      step: 'mapping',
      file,
      loaded: s.bound.length,
      changed: 0,
      repaired: 0,
      rejected: 0,
      unplaced: 0,
      notes: unbound,
      reportPath: null,
      seconds,
    })
  }

  {
    const file = plan.addresses!
    const reportPath = reportOf(file, 'rejects')
    const o = plan.config.addresses ?? {}
    const [s, seconds] = await timed(() =>
      importAddresses(db, file, {
        reportPath,
        progress,
        ...(o.source ? { source: o.source } : {}),
        ...(o.workers !== undefined ? { workers: o.workers } : {}),
      }),
    )
    const notes = [...(s.snapped > 0 ? [`${s.snapped} snapped to an area within 100 m`] : []), ...s.warnings]
    done({
      step: 'addresses',
      file,
      loaded: s.inserted + s.updated + s.unchanged,
      changed: s.updated,
      repaired: 0,
      rejected: s.rejected,
      unplaced: s.unlocated,
      notes,
      reportPath,
      seconds,
    })
  }
  if (plan.incidents) {
    const file = plan.incidents
    const reportPath = reportOf(file, 'rejects')
    const o = plan.config.incidents ?? {}
    const [s, seconds] = await timed(() => importIncidents(db, file, { reportPath, progress, ...(o.source ? { source: o.source } : {}) }))
    done({
      step: 'incidents',
      file,
      loaded: s.inserted + s.updated + s.unchanged,
      changed: s.updated,
      repaired: 0,
      rejected: s.rejected,
      unplaced: s.unplaced,
      notes: s.warnings,
      reportPath,
      seconds,
    })
  }
  const summary: OnboardSummary = { district, steps, seconds: Math.round((Date.now() - started) / 100) / 10 }
  // The final report, beside the steps' own: what was loaded, repaired, rejected and left unplaced.
  fs.writeFileSync(path.join(reportDir, 'onboard-summary.json'), JSON.stringify(summary, null, 2))
  return summary
}
