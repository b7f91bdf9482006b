/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'

export const healthOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/health',
    tag: 'Operations',
    summary: 'Health check: database kind and versions, migration, row counts, uptime',
    description: "For monitors and load balancers. Large tables are reported from the planner's estimate (`estimated` names them).",
    ok: { description: 'The server and its database are up' },
  },
]
