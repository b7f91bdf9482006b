/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import { AuditQuerySchema } from './log.ts'

export const auditOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/audit',
    tag: 'Audit',
    query: AuditQuerySchema,
    summary: 'The audit log, newest first',
    description:
      "Logins, logouts, account changes, exports, workflow steps and settings changes. Page on with `before=` the last entry's id (`next`).",
    ok: { description: 'A page of audit entries with `next`' },
  },
]
