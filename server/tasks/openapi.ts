/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import {
  TaskCreateSchema,
  TaskDetailSchema,
  TaskListQuerySchema,
  TaskPageSchema,
  TaskParamsSchema,
  TaskPatchSchema,
  TaskTransitionSchema,
} from './schema.ts'

const tag = 'Tasks'
const notFound = { 404: "No such task in the caller's scope" } as const

export const taskOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/tasks',
    tag,
    query: TaskListQuerySchema,
    summary: 'Rectification tasks, newest first (keyset pages: pass `next` as `cursor`)',
    ok: { description: 'A page of tasks', schema: TaskPageSchema },
  },
  {
    method: 'post',
    path: '/api/tasks',
    tag,
    body: TaskCreateSchema,
    summary: 'Create a task by hand or from a hazard (`hazard_id`)',
    ok: { status: 201, description: 'The task with its history', schema: TaskDetailSchema },
  },
  {
    method: 'get',
    path: '/api/tasks/:id',
    tag,
    params: TaskParamsSchema,
    summary: 'One task with its history',
    ok: { description: 'The task', schema: TaskDetailSchema },
    errors: notFound,
  },
  {
    method: 'patch',
    path: '/api/tasks/:id',
    tag,
    params: TaskParamsSchema,
    body: TaskPatchSchema,
    summary: 'Reassign (area, team), re-date or retitle a task (recorded in its history)',
    ok: { description: 'The task as changed', schema: TaskDetailSchema },
    errors: notFound,
  },
  {
    method: 'post',
    path: '/api/tasks/:id/transitions',
    tag,
    params: TaskParamsSchema,
    body: TaskTransitionSchema,
    summary: 'Take the next workflow step (`to`, with a comment)',
    ok: { description: 'The task after the step', schema: TaskDetailSchema },
    errors: { ...notFound, 409: "The step is not allowed from the task's current status" },
  },
]
