/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import {
  PatrolCoverageQuerySchema,
  PatrolCoverageSchema,
  PatrolFeatureSchema,
  PatrolListQuerySchema,
  PatrolPageSchema,
  PatrolParamsSchema,
} from './schema.ts'

const tag = 'Patrols'
const GEOJSON = 'application/geo+json'

export const patrolOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/patrols',
    tag,
    query: PatrolListQuerySchema,
    summary: 'Patrols (巡防) with their tracks as GeoJSON LineStrings, latest start first (keyset pages: pass `next` as `cursor`)',
    description: "A patrol is in the caller's scope when its track passed through one of the caller's areas.",
    ok: { description: 'A FeatureCollection page', type: GEOJSON, schema: PatrolPageSchema },
  },
  {
    method: 'get',
    path: '/api/patrols/coverage',
    tag,
    query: PatrolCoverageQuerySchema,
    summary: "Patrol coverage: every grid of the caller's scope (or of `area`) with its last patrol, days since and patrols in the period",
    description: 'Grids never patrolled are listed with null `lastPatrolEnd` and `daysSince`.',
    ok: { description: 'One row per grid, by code', schema: PatrolCoverageSchema },
    errors: { 404: "No such area among the caller's areas" },
  },
  {
    method: 'get',
    path: '/api/patrols/:id',
    tag,
    params: PatrolParamsSchema,
    summary: "One patrol with its track (`id`: the number or the source's patrol_id)",
    ok: { description: 'The patrol', type: GEOJSON, schema: PatrolFeatureSchema },
    errors: { 404: "No such patrol in the caller's scope" },
  },
]
