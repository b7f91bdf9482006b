/**
 * What `npm run onboard -- DIR` will load: the files found in the folder and onboard.json,
 * checked before anything is written.
 */
import fs from 'node:fs'
import path from 'node:path'

import { BOUNDARY_EXTENSIONS, BOUNDARY_STEPS, type BoundaryStepKey, type OnboardConfig, OnboardConfigSchema } from './schema.ts'

export class OnboardPlanError extends Error {
  override name = 'OnboardPlanError'
}

export interface OnboardPlan {
  dir: string
  config: OnboardConfig
  boundaries: { key: BoundaryStepKey; level: (typeof BOUNDARY_STEPS)[number]['level']; file: string }[]
  categories: string | null
  mapping: string | null
  addresses: string | null
  incidents: string | null
}

/**
 * The boundary file of a step in a folder's file list: `towns.gpkg`, `towns.zip`, `towns.shp`,
 * `towns.geojson` or `towns.json` (case-insensitive); null when there is none.
 * @example boundaryFileOf(['towns.zip', 'README.md'], 'towns') // 'towns.zip'
 */
export function boundaryFileOf(names: readonly string[], key: string): string | null {
  const found = names.filter((n) => {
    const ext = path.extname(n).toLowerCase()
    return path.basename(n, path.extname(n)).toLowerCase() === key && (BOUNDARY_EXTENSIONS as readonly string[]).includes(ext)
  })
  found.sort(
    (a, b) =>
      BOUNDARY_EXTENSIONS.indexOf(path.extname(a).toLowerCase() as never) -
      BOUNDARY_EXTENSIONS.indexOf(path.extname(b).toLowerCase() as never),
  )
  return found[0] ?? null
}

/**
 * Reads a folder into a plan; a missing required file or a bad onboard.json is one clear sentence.
 * @example const plan = planOnboarding('data/fixtures/second-district'); plan.boundaries.map((b) => b.file)
 */
export function planOnboarding(dir: string): OnboardPlan {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new OnboardPlanError(`${dir} is not a folder`)
  const names = fs.readdirSync(dir)
  const at = (n: string | null) => (n === null ? null : path.join(dir, n))
  const exact = (want: string) => names.find((n) => n.toLowerCase() === want) ?? null
  let config: OnboardConfig = {}
  const configName = exact('onboard.json')
  if (configName) {
    let raw: unknown
    try {
      raw = JSON.parse(fs.readFileSync(path.join(dir, configName), 'utf8'))
    } catch (err) {
      throw new OnboardPlanError(`${configName} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`)
    }
    const parsed = OnboardConfigSchema.safeParse(raw)
    if (!parsed.success) {
      throw new OnboardPlanError(
        `${configName}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
      )
    }
    config = parsed.data
  }
  const boundaries: OnboardPlan['boundaries'] = []
  for (const step of BOUNDARY_STEPS) {
    const file = boundaryFileOf(names, step.key)
    if (!file) {
      if (step.required) throw new OnboardPlanError(`${dir} has no ${step.key} file (${step.key}.gpkg, .zip, .shp, .geojson or .json)`)
      continue
    }
    boundaries.push({ key: step.key, level: step.level, file: path.join(dir, file) })
  }
  const addresses = at(exact('addresses.csv'))
  if (!addresses) throw new OnboardPlanError(`${dir} has no addresses.csv`)
  return {
    dir,
    config,
    boundaries,
    categories: at(exact('categories.csv')),
    mapping: at(exact('mapping.json')),
    addresses,
    incidents: at(exact('incidents.csv')),
  }
}
