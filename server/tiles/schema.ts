import { z } from 'zod'
import { CategoryListSchema } from '../categories/schema.ts'
import { InstantSchema } from '../incidents/query-schema.ts'
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

/**
 * Tile filters (incident layers and area counts): `from`/`to` as in GET /api/incidents
 * (`to` exclusive; default the last 30 days up to and including today, Shanghai), `category`
 * codes (a category means all its items).
 */
export const TileQuerySchema = z
  .object({
    from: InstantSchema.optional(),
    to: InstantSchema.optional(),
    category: CategoryListSchema.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: '`to` must be after `from` (it is exclusive)', path: ['to'] })
export type TileQuery = z.infer<typeof TileQuerySchema>

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
  layers: z.array(z.object({
    name: z.string(),
    description: z.string(),
    minzoom: z.number().int(),
    maxzoom: z.number().int(),
    filters: z.boolean(),
    vectorLayers: z.array(z.string()),
    tilejson: z.string(),
    tiles: z.string(),
  })),
})
export type LayerListResponse = z.infer<typeof LayerListResponseSchema>
