/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import {
  WarningDetailSchema,
  WarningListQuerySchema,
  WarningPageSchema,
  WarningParamsSchema,
  WarningTaskBodySchema,
  WarningTransitionSchema,
} from './schema.ts'

const tag = 'Warnings'
const notFound = { 404: "No such warning in the caller's scope" } as const

export const warningOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/warnings',
    tag,
    query: WarningListQuerySchema,
    summary: 'Warnings raised by the models, newest first, as GeoJSON (keyset pages)',
    ok: { description: 'A FeatureCollection page', type: 'application/geo+json', schema: WarningPageSchema },
  },
  {
    method: 'get',
    path: '/api/warnings/:id',
    tag,
    params: WarningParamsSchema,
    summary: 'One warning with its history and its tasks',
    ok: { description: 'The warning', schema: WarningDetailSchema },
    errors: notFound,
  },
  {
    method: 'post',
    path: '/api/warnings/:id/transitions',
    tag,
    params: WarningParamsSchema,
    body: WarningTransitionSchema,
    summary: 'Acknowledge or resolve a warning',
    ok: { description: 'The warning after the step', schema: WarningDetailSchema },
    errors: { ...notFound, 409: 'The step is not allowed, or resolving while a task it raised is open and no `reason` says why' },
  },
  {
    method: 'post',
    path: '/api/warnings/:id/tasks',
    tag,
    params: WarningParamsSchema,
    body: WarningTaskBodySchema,
    summary: 'Make a task from the warning (every field optional, defaults from the warning); the warning becomes `tasked`',
    ok: { status: 201, description: 'The task and the warning' },
    errors: { ...notFound, 409: 'The warning cannot be tasked in its current status' },
  },
]
