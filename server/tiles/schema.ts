import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { CategoryListSchema } from '../categories/schema.ts'
import { BboxSchema, InstantSchema } from '../incidents/query-schema.ts'
import { MAX_ZOOM } from './tile-math.ts'

/** A comma-separated list of layer names (`towns,incidents`); which names exist is checked against the registry. */
export const LayerListSchema = z
  .string()
  .regex(/^[a-z0-9_]+(,[a-z0-9_]+)*$/, 'layer names (lower-case letters, digits, _) separated by commas')
  .transform((s) => [...new Set(s.split(','))])

const TileCoordSchema = z.coerce.number().int('a whole number').min(0, 'must be ≥ 0')

/** `GET /tiles/{layers}/{z}/{x}/{y}.mvt` path parameters. */
export const TileParamsSchema = z
  .object({
    layers: LayerListSchema,
    z: TileCoordSchema.max(MAX_ZOOM, `zoom must be 0–${MAX_ZOOM}`),
    x: TileCoordSchema,
    y: TileCoordSchema,
  })
  .refine((p) => p.x < 2 ** p.z, { message: 'x must be below 2^z', path: ['x'] })
  .refine((p) => p.y < 2 ** p.z, { message: 'y must be below 2^z', path: ['y'] })
export type TileParams = z.infer<typeof TileParamsSchema>

/** `GET /tiles/{layers}.json` path parameters. */
export const TileJsonParamsSchema = z.object({ layers: LayerListSchema })

const filterFields = {
  from: InstantSchema.optional(),
  to: InstantSchema.optional(),
  category: CategoryListSchema.optional(),
  area: AreaCodeSchema.optional(),
}
const periodOrder = { message: '`to` must be after `from` (it is exclusive)', path: ['to'] }

/**
 * Tile filters (incident layers and area counts): `from`/`to` as in GET /api/incidents
 * (`to` exclusive; default the last 30 days up to and including today, Shanghai), `category`
 * codes (a category means all its items), `area` an admin area code (town, village, grid or
 * micro-grid; the district means no filter): the incident and h3 layers show only incidents
 * placed in it. Area layers keep their own counts (the map dims what lies outside instead).
 */
export const TileQuerySchema = z.object(filterFields).refine((q) => !q.from || !q.to || q.from < q.to, periodOrder)
export type TileQuery = z.infer<typeof TileQuerySchema>

/** Most cells `GET /api/h3` answers (the largest counts first). */
export const H3_MAX_CELLS = 20_000

/**
 * `GET /api/h3` query: the tile filters plus the H3 resolution (7–10, as the tiles use) and an
 * optional WGS84 box (default: the district).
 */
export const H3QuerySchema = z
  .object({
    ...filterFields,
    res: z.coerce.number().int('a whole number').min(7, 'res must be 7–10').max(10, 'res must be 7–10'),
    bbox: BboxSchema.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, periodOrder)
export type H3Query = z.infer<typeof H3QuerySchema>

/** `GET /api/h3`: incident counts per cell (hex index), the largest first. */
export const H3ResponseSchema = z.object({
  res: z.number().int(),
  from: z.string(),
  to: z.string(),
  area: z.string().nullable(),
  cells: z.array(z.object({ h3: z.string(), count: z.number().int() })),
  /** More cells had incidents than H3_MAX_CELLS. */
  truncated: z.boolean(),
})
export type H3Response = z.infer<typeof H3ResponseSchema>

/** One vector layer in TileJSON 3.0. */
export const VectorLayerSchema = z.object({
  id: z.string(),
  description: z.string(),
  minzoom: z.number().int(),
  maxzoom: z.number().int(),
  fields: z.record(z.string(), z.string()),
})

/** `GET /tiles/{layers}.json`: TileJSON 3.0.0. */
export const TileJsonSchema = z.object({
  tilejson: z.literal('3.0.0'),
  name: z.string(),
  description: z.string(),
  tiles: z.array(z.string()),
  minzoom: z.number().int(),
  maxzoom: z.number().int(),
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
  center: z.tuple([z.number(), z.number(), z.number()]).optional(),
  vector_layers: z.array(VectorLayerSchema),
})
export type TileJson = z.infer<typeof TileJsonSchema>

/** `GET /tiles`: the layers. */
export const LayerListResponseSchema = z.object({
  layers: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      minzoom: z.number().int(),
      maxzoom: z.number().int(),
      filters: z.boolean(),
      vectorLayers: z.array(z.string()),
      tilejson: z.string(),
      tiles: z.string(),
    }),
  ),
})
export type LayerListResponse = z.infer<typeof LayerListResponseSchema>
