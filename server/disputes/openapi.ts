/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import {
  DisputeDetailSchema,
  DisputeListQuerySchema,
  DisputePageSchema,
  DisputeParamsSchema,
  DisputeRevealQuerySchema,
  DisputeStepBodySchema,
} from './schema.ts'

const tag = 'Disputes'
const GEOJSON = 'application/geo+json'
const notFound = { 404: "No such case in the caller's scope" } as const

export const disputeOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/disputes',
    tag,
    query: DisputeListQuerySchema,
    summary: 'Disputes (矛盾纠纷), newest first, as GeoJSON (keyset pages); no parties here',
    description: 'Summaries are masked for callers without the `pii` permission. `from`/`to`: days of `reported_at`, `to` exclusive.',
    ok: { description: 'A FeatureCollection page', type: GEOJSON, schema: DisputePageSchema },
  },
  {
    method: 'get',
    path: '/api/disputes/:id',
    tag,
    params: DisputeParamsSchema,
    query: DisputeRevealQuerySchema,
    summary: "One case with its parties, mediation steps and linked incidents (`id`: the number or the source's case_id)",
    description:
      'Parties are masked; with `reveal=true` a caller with `pii` gets their names and phones. Every read is recorded as `people.read` (`details.unmasked`).',
    ok: { description: 'The case', type: GEOJSON, schema: DisputeDetailSchema },
    errors: notFound,
  },
  {
    method: 'post',
    path: '/api/disputes/:id/steps',
    tag,
    params: DisputeParamsSchema,
    body: DisputeStepBodySchema,
    summary: 'Add a mediation step: mediation, escalated (to `level`), agreement, failed, judicial_confirmation, withdrawn or note',
    description: 'The step moves the case; re-sent (same `at` and `action`), it is answered with 200 and changes nothing.',
    ok: { status: 201, description: 'The case after the step', type: GEOJSON, schema: DisputeDetailSchema },
    errors: { ...notFound, 409: "The step is not allowed from the case's current status or level" },
  },
]
