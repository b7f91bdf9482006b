/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import { ProfileInputSchema, ProfileSchema } from './schema.ts'

const tag = 'District profile'

export const profileOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/profile',
    tag,
    summary: 'The district profile: name, code, home view, time zone',
    ok: { description: 'The profile', schema: ProfileSchema },
  },
  {
    method: 'put',
    path: '/api/profile',
    tag,
    body: ProfileInputSchema,
    summary: 'Set the district profile (the fields given; recorded in the audit log)',
    ok: { description: 'The profile as saved', schema: ProfileSchema },
  },
]
