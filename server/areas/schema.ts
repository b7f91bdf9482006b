import { z } from 'zod'

/** Administrative levels, district down to micro-grid. Shared by server and web. */
export const AreaLevelSchema = z.enum(['district', 'town', 'village', 'grid', 'microgrid'])
export type AreaLevel = z.infer<typeof AreaLevelSchema>

export const AreaCodeSchema = z.string().regex(/^\d{6,20}$/, 'an area code is 6 to 20 digits')

export const BoundaryParamsSchema = z.object({ level: AreaLevelSchema })

export const BoundaryQuerySchema = z.object({
  /** Only areas inside this area (by code prefix: codes nest, e.g. 330109001 ⊃ 330109001001). */
  within: AreaCodeSchema.optional(),
})

/** Properties of each boundary and label feature. */
export const AreaPropertiesSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: AreaLevelSchema,
  parent_code: z.string().nullable(),
  population: z.number().nullable(),
})
export type AreaProperties = z.infer<typeof AreaPropertiesSchema>

/** `GET /api/config`: what the web app needs before drawing. */
export const WebConfigSchema = z.object({
  basemapTileUrl: z.string().nullable(),
  district: z
    .object({ code: z.string(), name: z.string(), bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]) })
    .nullable(),
})
export type WebConfig = z.infer<typeof WebConfigSchema>
