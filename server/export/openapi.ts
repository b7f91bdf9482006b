/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import { z } from 'zod'

import type { ApiOperation } from '../openapi/operation.ts'
import { ExportListQuerySchema, ExportParamsSchema, ExportQuerySchema, ExportRecordSchema } from './schema.ts'

const tag = 'Exports'
const filters =
  'Besides the parameters below, each layer takes its own filters by name (e.g. `category`, `area`, `status`: the queryables of /ogc/collections/{layer}/queryables); any other parameter is a 400 naming the allowed ones.'
const errors = { 404: 'No such layer' } as const

export const exportOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/export/:file',
    tag,
    params: ExportParamsSchema,
    query: ExportQuerySchema,
    summary: 'Download a layer as GeoJSON or CSV (`incidents.csv`, `hazards.geojson`, …)',
    description: `${filters}\n\nRecorded in the export log and the audit log. Personal data is masked unless \`unmask=true\` and the role has \`pii\` (town and grid staff: always masked, their own areas only). Small files are sent with Content-Length and byte ranges; large ones are streamed.`,
    ok: { description: 'The file (Content-Disposition: attachment)', type: 'application/octet-stream' },
    errors,
  },
  {
    method: 'head',
    path: '/api/export/:file',
    tag,
    params: ExportParamsSchema,
    query: ExportQuerySchema,
    summary: 'The headers a download would get, without running or recording one',
    description: filters,
    ok: { description: 'Headers only', none: true },
    errors,
  },
  {
    method: 'get',
    path: '/api/exports',
    tag,
    query: ExportListQuerySchema,
    summary: 'The export log: who exported which layer, with which filters, how many rows',
    ok: { description: 'The exports, newest first', schema: z.array(ExportRecordSchema) },
  },
]
