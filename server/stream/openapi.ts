/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import { StreamQuerySchema } from './routes.ts'

export const streamOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/stream',
    tag: 'Live changes',
    query: StreamQuerySchema,
    summary: 'Server-Sent Events of new and changed incidents, hazards, tasks and warnings',
    description:
      "Events `incident`, `hazard`, `task`, `warning`, each with its id as the event id, and `task.assigned` when a task is created for or reassigned to a team or person (task id, title, team, person, due date). A client that reconnects with `Last-Event-ID` (EventSource does) or `since=` gets exactly what it missed. Only the caller's areas; personal data masked without `pii`.",
    ok: { description: 'An endless event stream', type: 'text/event-stream' },
  },
]
