/** The documented operations of ./routes-ingest.ts and ./routes-query.ts (server/openapi/operation.ts). */
import { z } from 'zod'

import type { ApiOperation } from '../openapi/operation.ts'
import { IncidentFeatureSchema, IncidentListQuerySchema, IncidentPageSchema, IncidentParamsSchema } from './query-schema.ts'
import {
  FieldReportSchema,
  incidentBodySchema,
  IngestResultSchema,
  PlacementCountsSchema,
  PlacementQuerySchema,
  UnplacedQuerySchema,
} from './schema.ts'

const tag = 'Incidents'
const GEOJSON = 'application/geo+json'

export const incidentOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/api/incidents/reports',
    tag,
    body: FieldReportSchema,
    summary: 'Report one event from the field (事件上报: a grid worker’s phone)',
    description:
      "An incident with the source 网格上报 and the reporter's name, placed at the given WGS84 point, which must lie in the caller's areas (403 otherwise). Needs `write`, not `ingest`. Send an `Idempotency-Key` so a retried report is one incident.",
    ok: { status: 201, description: 'The incident as ingested', schema: IngestResultSchema },
  },
  {
    method: 'post',
    path: '/api/incidents',
    tag,
    // The catalogue is in the database: the shape is the same, the codes and names are checked at run time.
    body: incidentBodySchema(new Map()),
    summary: 'Ingest incidents: one object or an array of up to 10,000',
    description:
      "All or nothing: any invalid item rejects the whole request with 400 naming every bad field (`body.3.reported_at`). `category` is a catalogue code or name (GET /api/categories). An incident id seen before updates that incident. A `reported_at` more than 10 minutes ahead of the server's clock, or before 2000, is invalid.",
    ok: {
      status: 201,
      description: 'At least one incident was created (200 when all were updates or unchanged): one result per item',
      schema: z.object({ results: z.array(IngestResultSchema) }),
    },
    errors: { 413: 'The body is over 5 MB' },
  },
  {
    method: 'get',
    path: '/api/incidents',
    tag,
    query: IncidentListQuerySchema,
    summary: 'Incidents as GeoJSON, newest first (keyset pages: pass `next` as `cursor`)',
    ok: { description: 'A FeatureCollection page', type: GEOJSON, schema: IncidentPageSchema },
  },
  {
    method: 'get',
    path: '/api/incidents/:id',
    tag,
    params: IncidentParamsSchema,
    summary: 'One incident',
    ok: { description: 'The incident', type: GEOJSON, schema: IncidentFeatureSchema },
    errors: { 404: "No such incident in the caller's scope" },
  },
  {
    method: 'get',
    path: '/api/incidents/unplaced',
    tag,
    query: UnplacedQuerySchema,
    summary: 'Incidents without a point, with the coordinates they came with (keyset pages)',
    ok: { description: 'A page with `nextCursor`' },
  },
  {
    method: 'get',
    path: '/api/incidents/placement',
    tag,
    query: PlacementQuerySchema,
    summary: 'How many incidents are placed, approximate, unplaced and outside the district',
    ok: { description: 'The counts', schema: PlacementCountsSchema },
  },
]
