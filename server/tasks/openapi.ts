/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import {
  TaskAssigneesQuerySchema,
  TaskAssigneesSchema,
  TaskCountsQuerySchema,
  TaskCountsSchema,
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
    summary: 'Rectification tasks, newest first or `sort=due` (keyset pages: pass `next` as `cursor`)',
    description:
      "The desk's tabs: `assignee=me` (assigned to the caller as a person), `team=mine` (to the caller's team, their account's `team`), `area=` (the area and below), none (all the caller may see: scoped roles see their areas only). `sort=due`: overdue first, then by due date.",
    ok: { description: 'A page of tasks', schema: TaskPageSchema },
  },
  {
    method: 'get',
    path: '/api/tasks/counts',
    tag,
    query: TaskCountsQuerySchema,
    summary: "Open, overdue and per-status counts of a tab's tasks (`assignee=me`: the caller's badge)",
    ok: { description: 'The counts', schema: TaskCountsSchema },
  },
  {
    method: 'get',
    path: '/api/tasks/assignees',
    tag,
    query: TaskAssigneesQuerySchema,
    summary: 'Who a task in this town, village or grid can be assigned to (`assignee_user`)',
    ok: { description: 'Active accounts that act on tasks and, if scoped, work there', schema: TaskAssigneesSchema },
    errors: { 404: "No such area in the caller's scope" },
  },
  {
    method: 'post',
    path: '/api/tasks',
    tag,
    body: TaskCreateSchema,
    summary: 'Create a task by hand or from a hazard (`hazard_id`), to a team and optionally a person (`assignee_user`)',
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
    summary: 'Reassign (area, team, person), re-date or retitle a task (recorded in its history)',
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
