/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import {
  HazardCreateSchema,
  HazardDetailSchema,
  HazardListQuerySchema,
  HazardPageSchema,
  HazardParamsSchema,
  HazardPatchSchema,
  HazardTransitionSchema,
} from './schema.ts'

const tag = 'Hazards'
const GEOJSON = 'application/geo+json'
const notFound = { 404: "No such hazard in the caller's scope" } as const
const pii = 'Names and phone numbers are masked for callers without the `pii` permission.'

export const hazardOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/hazards',
    tag,
    query: HazardListQuerySchema,
    summary: 'Hazards, newest first, as GeoJSON (keyset pages: pass `next` as `cursor`)',
    description: pii,
    ok: { description: 'A FeatureCollection page', type: GEOJSON, schema: HazardPageSchema },
  },
  {
    method: 'post',
    path: '/api/hazards',
    tag,
    body: HazardCreateSchema,
    summary: 'Register a hazard (geocoded and placed like an incident)',
    ok: { status: 201, description: 'The hazard with its history and tasks', type: GEOJSON, schema: HazardDetailSchema },
  },
  {
    method: 'get',
    path: '/api/hazards/:id',
    tag,
    params: HazardParamsSchema,
    summary: "One hazard with its history and tasks (`id`: the number or the source's hazard code)",
    description: pii,
    ok: { description: 'The hazard', type: GEOJSON, schema: HazardDetailSchema },
    errors: notFound,
  },
  {
    method: 'patch',
    path: '/api/hazards/:id',
    tag,
    params: HazardParamsSchema,
    body: HazardPatchSchema,
    summary: "Edit a hazard's fields (each change recorded with who and the comment)",
    ok: { description: 'The hazard as edited', type: GEOJSON, schema: HazardDetailSchema },
    errors: notFound,
  },
  {
    method: 'post',
    path: '/api/hazards/:id/transitions',
    tag,
    params: HazardParamsSchema,
    body: HazardTransitionSchema,
    summary: 'Take the next workflow step (`to`, with a comment)',
    ok: { description: 'The hazard after the step', type: GEOJSON, schema: HazardDetailSchema },
    errors: { ...notFound, 409: "The step is not allowed from the hazard's current status" },
  },
]
