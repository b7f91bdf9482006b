import { z } from 'zod'

/** Administrative levels, district down to micro-grid. Shared by server and web. */
export const AreaLevelSchema = z.enum(['district', 'town', 'village', 'grid', 'microgrid'])
export type AreaLevel = z.infer<typeof AreaLevelSchema>

/** An area code: a district's own codes are usually digits (330109001), but grid codes may carry letters. */
export const AreaCodeSchema = z.string().regex(/^[0-9A-Za-z_-]{2,64}$/, 'an area code is 2 to 64 letters, digits, - or _')

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
    .object({
      code: z.string(),
      name: z.string(),
      bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
      /** The demo's generated boundaries: the map says they are illustrative, not official. */
      illustrative: z.boolean().default(false),
    })
    .nullable(),
  /** The map's home view when the profile sets one (else the district's bbox is fitted). */
  home: z
    .object({ center: z.tuple([z.number(), z.number()]), zoom: z.number() })
    .nullable()
    .default(null),
  /** The district's time zone (the profile's). */
  timeZone: z.string().default('Asia/Shanghai'),
  /**
   * A town officer's or grid worker's areas and their extent: their map and wall open there and
   * their totals are these areas'. Null for district-wide roles.
   */
  scope: z
    .object({
      areas: z.array(z.object({ code: z.string(), name: z.string(), level: z.string() })),
      bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
    })
    .nullable()
    .default(null),
})
export type WebConfig = z.infer<typeof WebConfigSchema>
