/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import { FullViewParamsSchema, FullViewSchema } from '../shared/full-view.ts'

export const addressOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/addresses/:id/full-view',
    tag: 'Addresses',
    params: FullViewParamsSchema,
    summary: "An address's full view: its houses and current residents, organisations, incidents, hazards, disputes, devices and tasks",
    description:
      "Read in the caller's scope. Residents' names and phones are always masked (key-person categories only with the `pii` " +
      'permission), dispute parties only counted; incident and hazard descriptions and task titles are masked without `pii`. ' +
      'Listing residents writes one `people.read` audit entry.',
    ok: { description: 'Each section with its counts', schema: FullViewSchema },
    errors: { 404: "No such address in the caller's scope" },
  },
]
