/**
 * onboard.json: per-file options of `npm run onboard -- DIR` (the boundary import's flags, camel
 * cased) and the district profile. Every key is optional.
 */
import { z } from 'zod'

import { BoundaryFileOptionsSchema } from '../boundaries/schema.ts'
import { ProfileInputSchema } from '../profile/schema.ts'

const CsvOptionsSchema = z.strictObject({ source: z.string().min(1).max(200).optional() })

export const OnboardConfigSchema = z.strictObject({
  district: BoundaryFileOptionsSchema.optional(),
  towns: BoundaryFileOptionsSchema.optional(),
  villages: BoundaryFileOptionsSchema.optional(),
  grids: BoundaryFileOptionsSchema.optional(),
  microgrids: BoundaryFileOptionsSchema.optional(),
  categories: z.strictObject({ replace: z.boolean().optional() }).optional(),
  addresses: CsvOptionsSchema.extend({ workers: z.number().int().min(0).max(16).optional() }).optional(),
  incidents: CsvOptionsSchema.optional(),
  profile: ProfileInputSchema.optional(),
})
export type OnboardConfig = z.infer<typeof OnboardConfigSchema>

/** The boundary files, in the order they load (parents first), and their level. */
export const BOUNDARY_STEPS = [
  { key: 'district', level: 'district', required: true },
  { key: 'towns', level: 'town', required: true },
  { key: 'villages', level: 'village', required: true },
  { key: 'grids', level: 'grid', required: true },
  { key: 'microgrids', level: 'microgrid', required: false },
] as const
export type BoundaryStepKey = (typeof BOUNDARY_STEPS)[number]['key']

/** Boundary file extensions, in the order a folder holding several is read. */
export const BOUNDARY_EXTENSIONS = ['.gpkg', '.zip', '.shp', '.geojson', '.json'] as const
