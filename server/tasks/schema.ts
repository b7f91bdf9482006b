/**
 * Rectification tasks: request bodies, query strings and answers, as zod schemas shared with the
 * web app. Field names of bodies are snake_case (as incidents and hazards), answers camelCase.
 */
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { AttachmentIdsSchema, LinkedAttachmentSchema } from '../attachments/schema.ts'
import { RoleSchema } from '../auth/schema.ts'
import { HistoryEventSchema } from '../hazards/schema.ts'
import { DayInputSchema, enumList, IdCursorSchema, ListLimitSchema, QueryBoolSchema } from '../shared/list-query.ts'
import { taskMoveNeedsComment, TaskStatusSchema } from './states.ts'

export { TASK_STATUS_NAMES, TASK_TRANSITIONS, type TaskStatus, TaskStatusSchema } from './states.ts'

/** How a task came to be. */
export const TaskSourceSchema = z.enum(['warning', 'hazard', 'manual'])
export type TaskSource = z.infer<typeof TaskSourceSchema>
export const TASK_SOURCE_NAMES: Readonly<Record<TaskSource, string>> = { warning: '预警', hazard: '隐患', manual: '人工' }

/** A numeric id in a body (JSON number or digits). */
const IdSchema = z.union([z.number().int().positive(), z.string().regex(/^\d{1,18}$/)], { error: 'a numeric id' }).transform(String)
const Title = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters')
const Team = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters')
/**
 * The person a task is assigned to: a user's id (as `/api/users` and `/api/auth/me` give it). The
 * user must be active, able to act on tasks, and, for a town officer or grid worker, work in the
 * task's area.
 */
const AssigneeUser = z.union([z.number().int().positive(), z.string().regex(/^\d{1,18}$/)], { error: 'a user id' }).transform(String)
const Text = (max: number) => z.string().trim().max(max, `at most ${max} characters`)

/** The fields any new task has. */
const taskFields = {
  title: Title,
  description: Text(4000).optional(),
  assignee_team: Team,
  assignee_user: AssigneeUser.optional(),
  due_date: DayInputSchema,
  /** An external reference (任务编号), unique. */
  ref: z.string().trim().min(1).max(64).optional(),
  /** A WGS84 point for the map (default: the hazard's point, else the area's label point). */
  lng: z.number().finite().min(-180).max(180).optional(),
  lat: z.number().finite().min(-90).max(90).optional(),
  /** Recorded on the 'created' event. */
  comment: Text(2000).optional(),
}
const BOTH_OR_NEITHER = { message: 'give both lng and lat, or neither', path: ['lng'] }

/**
 * `POST /api/tasks`: a task by hand or from a hazard (`hazard_id`, the hazard's numeric id). The
 * area defaults to the hazard's grid (else village, town); without a hazard it is required.
 */
export const TaskCreateSchema = z
  .object({
    ...taskFields,
    area_code: AreaCodeSchema.optional(),
    hazard_id: IdSchema.optional(),
    /** Uploaded attachments' ids (POST /api/attachments), recorded on the 'created' event. */
    attachments: AttachmentIdsSchema.optional(),
  })
  .refine((v) => (v.lng === undefined) === (v.lat === undefined), BOTH_OR_NEITHER)
  .refine((v) => v.area_code !== undefined || v.hazard_id !== undefined, {
    message: 'give the town, village or grid code the task is assigned to (or a hazard_id to take its grid)',
    path: ['area_code'],
  })
export type TaskCreateRaw = z.input<typeof TaskCreateSchema>
export type TaskCreate = z.infer<typeof TaskCreateSchema>

/**
 * The body of `POST /api/warnings/{id}/tasks` (wired by the warnings engineer), parsed with
 * `parseInput(TaskFromWarningSchema, req.body, 'body')`, then `createTaskFromWarning`.
 */
export const TaskFromWarningSchema = z
  .object({ ...taskFields, area_code: AreaCodeSchema })
  .refine((v) => (v.lng === undefined) === (v.lat === undefined), BOTH_OR_NEITHER)
export type TaskFromWarning = z.infer<typeof TaskFromWarningSchema>

/** `PATCH /api/tasks/{id}`: reassign, re-date or retitle; each change goes into the history. */
export const TaskPatchSchema = z
  .strictObject(
    {
      title: Title.optional(),
      description: Text(4000).nullable().optional(),
      area_code: AreaCodeSchema.optional(),
      assignee_team: Team.optional(),
      /** Reassign to this person; null: to the team alone. */
      assignee_user: AssigneeUser.nullable().optional(),
      due_date: DayInputSchema.optional(),
      comment: Text(2000).optional(),
    },
    {
      error: (i) =>
        i.code === 'unrecognized_keys' ? `not editable: ${i.keys.join(', ')} (status moves by POST …/transitions)` : undefined,
    },
  )
  .refine((v) => Object.keys(v).some((k) => k !== 'comment'), { message: 'give at least one field to change' })
export type TaskPatch = z.infer<typeof TaskPatchSchema>

/** A phone's position when a step is taken: WGS84, with the accuracy it reported (metres). */
export const StepPositionSchema = z.strictObject({
  lng: z.number().finite().min(-180).max(180),
  lat: z.number().finite().min(-90).max(90),
  accuracy: z.number().finite().nonnegative().max(100_000).optional(),
})
export type StepPosition = z.infer<typeof StepPositionSchema>

/** `POST /api/tasks/{id}/transitions`. A return must say why (`comment`). */
export const TaskTransitionSchema = z
  .object({
    to: TaskStatusSchema,
    comment: Text(2000).optional(),
    /** Uploaded attachments' ids (the photos of a submission), recorded on this step. */
    attachments: AttachmentIdsSchema.optional(),
    /** Where the step was taken (the phone's GPS, WGS84), recorded on it as `changes.position.to`. */
    position: StepPositionSchema.optional(),
  })
  .refine((v) => !taskMoveNeedsComment(v.to) || (v.comment ?? '') !== '', { message: 'say why the task is returned', path: ['comment'] })
export type TaskTransition = z.infer<typeof TaskTransitionSchema>

/** Whose tasks: `me` (the caller) or a user's id. */
const AssigneeFilter = z.union([z.literal('me'), z.string().regex(/^\d{1,18}$/)], { error: '`me` or a user id' })
/** A page's `next` when sorted by due date: overdue (1/0), due date and id of the page's last task. */
const DUE_CURSOR = /^[01]_\d{4}-\d{2}-\d{2}_\d{1,18}$/

/** The filters the desk's tabs are made of ("mine", "my team's", "my area's", all), shared by the list and the counts. */
const tabFilters = {
  source: enumList(TaskSourceSchema).optional(),
  /** The task's area or any area it lies in. */
  area: AreaCodeSchema.optional(),
  /** A team's name, or `mine`: the caller's team (a caller without a team has none). */
  team: Team.optional(),
  /** `me`: tasks assigned to the caller as a person; or a user's id. */
  assignee: AssigneeFilter.optional(),
}

/**
 * `GET /api/tasks`. Newest first, or with `sort=due` overdue first and then by due date (the
 * desk's order); `cursor` is the `next` of the previous page of the same order.
 */
export const TaskListQuerySchema = z
  .object({
    status: enumList(TaskStatusSchema).optional(),
    ...tabFilters,
    overdue: QueryBoolSchema.optional(),
    warning: z
      .string()
      .regex(/^\d{1,18}$/, 'a warning id')
      .optional(),
    hazard: z
      .string()
      .regex(/^\d{1,18}$/, 'a hazard id')
      .optional(),
    sort: z.enum(['newest', 'due'], { error: '`newest` or `due`' }).default('newest'),
    limit: ListLimitSchema,
    cursor: z.union([IdCursorSchema, z.string().regex(DUE_CURSOR)], { error: 'the `next` value of the previous page' }).optional(),
  })
  .refine((q) => q.cursor === undefined || DUE_CURSOR.test(q.cursor) === (q.sort === 'due'), {
    message: 'the `next` value of a page in the same order (`sort`)',
    path: ['cursor'],
  })
export type TaskListQuery = z.infer<typeof TaskListQuerySchema>

export const TaskParamsSchema = z.object({ id: z.string().regex(/^\d{1,18}$/, 'a task id') })

/** A task as the API answers. */
export const TaskSchema = z.object({
  id: z.number().int(),
  ref: z.string().nullable(),
  title: z.string(),
  description: z.string().nullable(),
  source: TaskSourceSchema,
  warningId: z.number().int().nullable(),
  hazardId: z.number().int().nullable(),
  areaCode: z.string(),
  areaName: z.string(),
  areaLevel: z.enum(['town', 'village', 'grid']),
  townCode: z.string().nullable(),
  villageCode: z.string().nullable(),
  gridCode: z.string().nullable(),
  assigneeTeam: z.string(),
  /** The person assigned, if any (a user's id), and their name. */
  assigneeUserId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  dueDate: z.string(),
  status: TaskStatusSchema,
  statusName: z.string(),
  overdue: z.boolean(),
  lng: z.number(),
  lat: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
})
export type Task = z.infer<typeof TaskSchema>

/** `GET /api/tasks/{id}`: the task with its history, oldest first, and its attachments with the event each came with. */
export const TaskDetailSchema = TaskSchema.extend({ history: z.array(HistoryEventSchema), attachments: z.array(LinkedAttachmentSchema) })
export type TaskDetail = z.infer<typeof TaskDetailSchema>

/** `GET /api/tasks`: newest first; `next` is the cursor of the following page. */
export const TaskPageSchema = z.object({ items: z.array(TaskSchema), next: z.string().nullable() })
export type TaskPage = z.infer<typeof TaskPageSchema>

/** `GET /api/tasks/counts`: the filters of one tab of the desk (`assignee=me` for the "mine" badge). */
export const TaskCountsQuerySchema = z.object(tabFilters)
export type TaskCountsQuery = z.infer<typeof TaskCountsQuerySchema>

/** `GET /api/tasks/counts`: the open (not closed) tasks of a tab, overdue ones, and each open status. */
export const TaskCountsSchema = z.object({
  open: z.number().int(),
  overdue: z.number().int(),
  byStatus: z.object({
    issued: z.number().int(),
    accepted: z.number().int(),
    in_progress: z.number().int(),
    submitted: z.number().int(),
    returned: z.number().int(),
  }),
})
export type TaskCounts = z.infer<typeof TaskCountsSchema>

/** `GET /api/tasks/assignees?area=`: who a task in this area (town, village or grid) can be assigned to. */
export const TaskAssigneesQuerySchema = z.object({ area: AreaCodeSchema })

/** A person a task can be assigned to. */
export const TaskAssigneeSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  team: z.string().nullable(),
  areaCodes: z.array(z.string()),
})
export type TaskAssignee = z.infer<typeof TaskAssigneeSchema>
export const TaskAssigneesSchema = z.object({ items: z.array(TaskAssigneeSchema) })

/**
 * The live stream's `event: task.assigned`: a task was created for, or reassigned to, a team or
 * person (the task as it is when sent; the assignee as this assignment made it).
 */
export const TaskAssignedSchema = z.object({
  taskId: z.number().int(),
  title: z.string(),
  status: TaskStatusSchema,
  areaCode: z.string(),
  areaName: z.string(),
  assigneeTeam: z.string(),
  assigneeUserId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  dueDate: z.string(),
  overdue: z.boolean(),
  /** Who assigned it, and when. */
  assignedBy: z.string(),
  assignedAt: z.string(),
})
export type TaskAssigned = z.infer<typeof TaskAssignedSchema>

/** One overdue task, for the warning models (`overdueTasks`). */
export const OverdueTaskSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  status: TaskStatusSchema,
  source: TaskSourceSchema,
  warningId: z.number().int().nullable(),
  hazardId: z.number().int().nullable(),
  areaCode: z.string(),
  townCode: z.string().nullable(),
  villageCode: z.string().nullable(),
  gridCode: z.string().nullable(),
  assigneeTeam: z.string(),
  dueDate: z.string(),
  daysOverdue: z.number().int(),
  lng: z.number(),
  lat: z.number(),
})
export type OverdueTask = z.infer<typeof OverdueTaskSchema>
