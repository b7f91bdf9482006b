/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import {
  OrganisationDetailSchema,
  OrganisationListQuerySchema,
  OrganisationPageSchema,
  OrganisationParamsSchema,
  RevealQuerySchema,
  SelfCheckAnswerSchema,
  SelfCheckBodySchema,
} from './schema.ts'

const tag = 'Organisations'
const GEOJSON = 'application/geo+json'
const notFound = { 404: "No such organisation in the caller's scope" } as const

export const organisationOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/organisations',
    tag,
    query: OrganisationListQuerySchema,
    summary: 'Organisations (企业, 商铺, 场所) with their self-check standing, as GeoJSON (keyset pages)',
    description:
      'The responsible person is always masked here. `q`: a part of the name (1–50 characters, `%` and `_` taken literally). `selfCheck`: overdue (past the due day), due (within 7 days), ok.',
    ok: { description: 'A FeatureCollection page', type: GEOJSON, schema: OrganisationPageSchema },
  },
  {
    method: 'get',
    path: '/api/organisations/:id',
    tag,
    params: OrganisationParamsSchema,
    query: RevealQuerySchema,
    summary: "One organisation with its self-checks, hazards and devices (`id`: the number or the source's org_id)",
    description: 'With `reveal=true`, a caller with `pii` gets the responsible person unmasked (recorded as `people.read`).',
    ok: { description: 'The organisation', type: GEOJSON, schema: OrganisationDetailSchema },
    errors: notFound,
  },
  {
    method: 'post',
    path: '/api/organisations/:id/self-checks',
    tag,
    params: OrganisationParamsSchema,
    body: SelfCheckBodySchema,
    summary: 'Record a self-check (企业自查): each failed item registers a hazard at the organisation',
    description: 'Idempotent by `checkedAt`: re-sent, the check is answered as stored (200) and nothing new is registered.',
    ok: { status: 201, description: 'The check, and the organisation after it', schema: SelfCheckAnswerSchema },
    errors: notFound,
  },
]
