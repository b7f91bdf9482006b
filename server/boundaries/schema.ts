/**
 * Requests and options of the boundary import (`npm run import -- boundaries`, the import
 * endpoint and `npm run onboard`'s onboard.json): one schema for all three.
 */
import { z } from 'zod'

import { type AreaLevel, AreaLevelSchema } from '../areas/schema.ts'

export { type AreaLevel, AreaLevelSchema }
/** district > town (乡镇/街道) > village (村/社区) > grid (网格) > microgrid (微网格). */
export const AREA_LEVELS: readonly AreaLevel[] = AreaLevelSchema.options

/** The level above (null for the district). @example parentLevel('village') // 'town' */
export function parentLevel(level: AreaLevel): AreaLevel | null {
  const i = AREA_LEVELS.indexOf(level)
  return i > 0 ? AREA_LEVELS[i - 1]! : null
}

/** The level below (null for microgrids). @example childLevel('village') // 'grid' */
export function childLevel(level: AreaLevel): AreaLevel | null {
  const i = AREA_LEVELS.indexOf(level)
  return i < AREA_LEVELS.length - 1 ? AREA_LEVELS[i + 1]! : null
}

/**
 * What a boundary file's coordinates are. CGCS2000 is taken as WGS84 (they differ by
 * centimetres); GCJ-02 and BD-09 are shifted to WGS84 on import.
 */
export const BoundaryCrsSchema = z.enum(['wgs84', 'cgcs2000', 'gcj02', 'bd09'])
export type BoundaryCrs = z.infer<typeof BoundaryCrsSchema>

const fieldName = z.string().trim().min(1).max(100)

/** Per-file options: the CLI flags, the endpoint's fields and onboard.json's entries. */
export const BoundaryFileOptionsSchema = z.strictObject({
  codeField: fieldName.optional(),
  nameField: fieldName.optional(),
  parentField: fieldName.optional(),
  populationField: fieldName.optional(),
  typeField: fieldName.optional(),
  crs: BoundaryCrsSchema.optional(),
  encoding: z.string().trim().min(1).max(40).optional(),
  layer: z.string().trim().min(1).max(200).optional(),
  /** Gaps and overlaps smaller than this (m²) are digitising noise, not reported. */
  toleranceM2: z.coerce.number().min(0).max(1e9).optional(),
})
export type BoundaryFileOptions = z.infer<typeof BoundaryFileOptionsSchema>

export const BoundaryImportOptionsSchema = BoundaryFileOptionsSchema.extend({
  level: AreaLevelSchema,
  report: z.string().min(1).optional(),
  source: z.string().min(1).max(200).optional(),
})
export type BoundaryImportOptions = z.infer<typeof BoundaryImportOptionsSchema>

/** Default tolerance for gaps and overlaps (m²): slivers under ~30 × 30 m are digitising noise at district scale. */
export const DEFAULT_TOLERANCE_M2 = 1_000

/** One finding of an import, for the report file and the API. */
export const BoundaryFindingSchema = z.object({
  kind: z.enum([
    'rejected',
    'repaired',
    'orphan',
    'ambiguous',
    'outside_parent',
    'gap',
    'overlap',
    'removed',
    'reparented',
    'scope',
    'warning',
  ]),
  /** 1-based feature number in the file (null for findings about the whole level). */
  feature: z.number().int().nullable(),
  code: z.string().nullable(),
  name: z.string().nullable(),
  detail: z.string(),
  areaM2: z.number().nullable(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
})
export type BoundaryFinding = z.infer<typeof BoundaryFindingSchema>
