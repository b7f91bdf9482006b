import type { FeatureCollection, MultiPolygon, Point } from 'geojson'
import { z } from 'zod'

import { type AreaProperties, WebConfigSchema } from '../../../server/shared/api.ts'

/** Boundary levels the map draws. */
export const BOUNDARY_LEVELS = ['district', 'town', 'village', 'grid'] as const
export type BoundaryLevel = (typeof BOUNDARY_LEVELS)[number]

/** Levels that have label points. */
export const LABEL_LEVELS = ['town', 'village', 'grid'] as const
export type LabelLevel = (typeof LABEL_LEVELS)[number]

/** `GET /api/config` once the district exists; the server's schema is the source of truth. */
export const AppConfigSchema = WebConfigSchema.extend({
  basemapTileUrl: z
    .string()
    .nullish()
    .transform((v) => v || null),
  district: WebConfigSchema.shape.district.unwrap(),
})
export type AppConfig = z.infer<typeof AppConfigSchema>

/** Properties of every boundary polygon and label point (server/areas/schema.ts). */
export type { AreaProperties }

export type BoundaryCollection = FeatureCollection<MultiPolygon, AreaProperties>
export type LabelCollection = FeatureCollection<Point, AreaProperties>
