/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import { z } from 'zod'

import type { ApiOperation } from '../openapi/operation.ts'
import { JOB_PERMISSION, JobKindSchema } from './kinds.ts'
import { IdParamsSchema, JobParamsSchema, ListQuerySchema, ReportParamsSchema } from './routes.ts'
import { ImportRunViewSchema } from './runs.ts'

const tag = 'Imports'

/** The multipart form the route reads with busboy (./upload.ts): described here, since no zod schema parses the whole form. */
const UploadSchema = z.object({
  kind: JobKindSchema,
  options: z.string().optional().meta({ description: 'The kind\'s options as JSON text, e.g. `{"source":"110 dispatch 2026-10"}`' }),
  file: z
    .array(z.string().meta({ format: 'binary' }))
    .meta({ description: 'The file or files (CSV; boundaries: GeoPackage, zipped shapefile or GeoJSON)' }),
})

export const importOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/api/imports',
    tag,
    body: { type: 'multipart/form-data', schema: UploadSchema },
    summary: 'Upload a file to import: queues a job (poll its Location)',
    description: `Besides \`ingest\`, each kind needs its own permission: ${Object.entries(JOB_PERMISSION)
      .map(([k, p]) => `${k}: \`${p}\``)
      .join(', ')}.`,
    ok: { status: 202, description: 'The queued job' },
    errors: { 413: 'The upload is too large' },
  },
  {
    method: 'get',
    path: '/api/imports/jobs/:id',
    tag,
    params: JobParamsSchema,
    summary: 'An import job: status, progress, summary',
    ok: { description: 'The job' },
    errors: { 404: 'No such job' },
  },
  {
    method: 'get',
    path: '/api/imports/jobs/:id/reports/:n',
    tag,
    params: ReportParamsSchema,
    summary: "One of a job's report files (rejected rows and why)",
    ok: { description: 'The report', type: 'text/csv' },
    errors: { 404: 'No such job or report' },
  },
  {
    method: 'get',
    path: '/api/imports',
    tag,
    query: ListQuerySchema,
    summary: 'Past import runs, newest first',
    ok: { description: 'The runs', schema: z.object({ items: z.array(ImportRunViewSchema) }) },
  },
  {
    method: 'get',
    path: '/api/imports/:id',
    tag,
    params: IdParamsSchema,
    summary: 'One import run',
    ok: { description: 'The run', schema: ImportRunViewSchema },
    errors: { 404: 'No such run' },
  },
]
