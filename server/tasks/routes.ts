import { type Request, Router } from 'express'

import { assertAttachments, attachmentsOf, linkAttachments } from '../attachments/store.ts'
import { auditRequest } from '../audit/request.ts'
import { allowed, authOf, scopeOf } from '../auth/context.ts'
import { maskTask, maskTaskDetail } from '../auth/pii.ts'
import type { Db } from '../db/index.ts'
import type { Queryable } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { findArea } from '../stats/queries.ts'
import {
  TaskAssigneesQuerySchema,
  TaskCountsQuerySchema,
  TaskCreateSchema,
  type TaskDetail,
  TaskListQuerySchema,
  TaskParamsSchema,
  TaskPatchSchema,
  TaskTransitionSchema,
} from './schema.ts'
import {
  assignableUsers,
  countTasks,
  createTask,
  editTask,
  getTask,
  listTasks,
  type TaskFilter,
  taskHistory,
  transitionTask,
} from './store.ts'

export interface TaskRouteOptions {
  /** The clock that decides `overdue` (tests fix it). */
  now?: () => Date
}

/**
 * A task with its history, or 404.
 * @example res.json(await taskDetail(tx, '7', new Date()))
 */
export async function taskDetail(sql: Queryable, id: string, now: Date): Promise<TaskDetail> {
  const task = await getTask(sql, id, now)
  if (!task) throw new HttpError(404, `no task ${id}`)
  return { ...task, history: await taskHistory(sql, id), attachments: await attachmentsOf(sql, { taskId: id }) }
}

/**
 * The filters of the desk's tabs with `assignee=me` and `team=mine` made the caller's own; null
 * when they can match nothing (`team=mine` from a caller without a team).
 * @example tabFilter(req, { assignee: 'me' }) // { assigneeUserId: '7' }
 */
function tabFilter(
  req: Request,
  q: { team?: string | undefined; assignee?: string | undefined },
): Pick<TaskFilter, 'team' | 'assigneeUserId'> | null {
  const user = authOf(req)?.user
  const team = q.team === 'mine' ? user?.team : q.team
  if (q.team === 'mine' && !team) return null
  // The anonymous test caller (id 0) has no tasks of its own: no user has id 0.
  const assigneeUserId = q.assignee === 'me' ? (user?.id ?? '0') : q.assignee
  return { team: team ?? undefined, assigneeUserId }
}

/**
 * Rectification tasks over HTTP:
 * - `GET /api/tasks?status=&source=&area=&overdue=&team=&assignee=&warning=&hazard=&sort=&limit=&cursor=`: newest first
 *   (or `sort=due`: overdue first, then by due date), keyset `next`; `assignee=me` the caller's own tasks, `team=mine`
 *   their team's;
 * - `GET /api/tasks/counts?assignee=&team=&area=&source=`: open, overdue and per-status counts (the desk's badges);
 * - `GET /api/tasks/assignees?area=`: who a task there can be assigned to;
 * - `POST /api/tasks`: by hand or from a hazard (`hazard_id`), optionally to a person (`assignee_user`), 201 with its detail;
 * - `GET /api/tasks/{id}`: the task with its history;
 * - `PATCH /api/tasks/{id}`: reassign (area, team, person), re-date, retitle; recorded in the history;
 * - `POST /api/tasks/{id}/transitions` `{ to, comment }`: the next workflow step (409 if illegal).
 * Tasks from warnings are created by `createTaskFromWarning` (server/tasks/store.ts).
 * @example app.use(taskRoutes(db))
 */
export function taskRoutes(db: Db, opts: TaskRouteOptions = {}): Router {
  const router = Router()
  const now = opts.now ?? (() => new Date())

  router.get('/api/tasks', async (req, res) => {
    const q = parseInput(TaskListQuerySchema, req.query, 'query')
    const tab = tabFilter(req, q)
    const page = await db.withScope(scopeOf(req), async (tx) => {
      const area = q.area ? await findArea(tx, q.area) : null
      if (!tab) return { items: [], next: null }
      const filter = { ...q, ...tab, area, warningId: q.warning, hazardId: q.hazard }
      return listTasks(tx, filter, now(), q.limit, q.cursor ?? null, q.sort)
    })
    if (!allowed(req, 'pii')) page.items.forEach(maskTask)
    res.json(page)
  })

  router.get('/api/tasks/counts', async (req, res) => {
    const q = parseInput(TaskCountsQuerySchema, req.query, 'query')
    const tab = tabFilter(req, q)
    const counts = await db.withScope(scopeOf(req), async (tx) => {
      const area = q.area ? await findArea(tx, q.area) : null
      if (!tab) return { open: 0, overdue: 0, byStatus: { issued: 0, accepted: 0, in_progress: 0, submitted: 0, returned: 0 } }
      return countTasks(tx, { source: q.source, ...tab, area }, now())
    })
    res.json(counts)
  })

  router.get('/api/tasks/assignees', async (req, res) => {
    const { area } = parseInput(TaskAssigneesQuerySchema, req.query, 'query')
    const scope = scopeOf(req)
    res.json({ items: await db.withScope(scope, (tx) => assignableUsers(tx, scope, area)) })
  })

  router.post('/api/tasks', async (req, res) => {
    const input = parseInput(TaskCreateSchema, req.body, 'body')
    const detail = await db.withScope(scopeOf(req), async (tx) => {
      const files = await assertAttachments(tx, input.attachments ?? [], actorOf(req), 'body.attachments')
      const id = await createTask(tx, input, actorOf(req))
      await linkAttachments(tx, files, { taskId: id }, actorOf(req))
      return taskDetail(tx, id, now())
    })
    await auditRequest(db, req, res, 'task.create', `task:${detail.id}`, { title: detail.title, areaCode: detail.areaCode })
    res.status(201).json(allowed(req, 'pii') ? detail : maskTaskDetail(detail))
  })

  router.get('/api/tasks/:id', async (req, res) => {
    const { id } = parseInput(TaskParamsSchema, req.params, 'params')
    const detail = await db.withScope(scopeOf(req), (tx) => taskDetail(tx, id, now()))
    res.json(allowed(req, 'pii') ? detail : maskTaskDetail(detail))
  })

  router.patch('/api/tasks/:id', async (req, res) => {
    const { id } = parseInput(TaskParamsSchema, req.params, 'params')
    const patch = parseInput(TaskPatchSchema, req.body, 'body')
    const detail = await db.withScope(scopeOf(req), async (tx) => {
      await editTask(tx, id, patch, actorOf(req))
      return taskDetail(tx, id, now())
    })
    await auditRequest(db, req, res, 'task.edit', `task:${id}`, { fields: Object.keys(patch) })
    res.json(allowed(req, 'pii') ? detail : maskTaskDetail(detail))
  })

  router.post('/api/tasks/:id/transitions', async (req, res) => {
    const { id } = parseInput(TaskParamsSchema, req.params, 'params')
    const body = parseInput(TaskTransitionSchema, req.body, 'body')
    const detail = await db.withScope(scopeOf(req), async (tx) => {
      const files = await assertAttachments(tx, body.attachments ?? [], actorOf(req), 'body.attachments')
      const move = await transitionTask(tx, id, body.to, actorOf(req), body.comment || null, body.position ?? null)
      await linkAttachments(tx, files, { taskId: id }, actorOf(req))
      return { ...(await taskDetail(tx, id, now())), hazardClosed: move.hazardClosed === null ? null : Number(move.hazardClosed) }
    })
    await auditRequest(db, req, res, 'task.transition', `task:${id}`, { to: body.to, comment: body.comment || null })
    res.json(allowed(req, 'pii') ? detail : maskTaskDetail(detail))
  })

  return router
}
