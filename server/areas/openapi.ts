/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import { z } from 'zod'

import type { ApiOperation } from '../openapi/operation.ts'
import { AreaCodeSchema, BoundaryParamsSchema, BoundaryQuerySchema, WebConfigSchema } from './schema.ts'

const tag = 'Areas and map setup'
const GEOJSON = 'application/geo+json'

export const areaOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/boundaries/:level.geojson',
    tag,
    params: BoundaryParamsSchema,
    query: BoundaryQuerySchema,
    summary: 'Boundaries of one level as GeoJSON polygons',
    description: "Every area of the level within the caller's scope (and within `within`, when given), as a FeatureCollection.",
    ok: { description: 'A GeoJSON FeatureCollection of the areas', type: GEOJSON },
  },
  {
    method: 'get',
    path: '/api/boundaries/:level/labels.geojson',
    tag,
    params: BoundaryParamsSchema,
    query: BoundaryQuerySchema,
    summary: "Label points of one level's areas as GeoJSON",
    ok: { description: 'A GeoJSON FeatureCollection of points, one per area', type: GEOJSON },
  },
  {
    method: 'get',
    path: '/api/areas/:code',
    tag,
    params: z.object({ code: AreaCodeSchema }),
    summary: 'One area: its name, level, parent and extent',
    ok: { description: 'The area' },
    errors: { 404: "No such area in the caller's scope" },
  },
  {
    method: 'get',
    path: '/api/config',
    tag,
    summary: "What the web app needs before drawing: district, home view, time zone, the caller's scope",
    ok: { description: 'The web configuration', schema: WebConfigSchema },
  },
]
