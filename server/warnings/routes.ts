/**
 * Warnings over HTTP:
 * - `GET /api/warnings?level=&status=&model=&area=&from=&to=&limit=&cursor=`: a GeoJSON
 *   FeatureCollection, newest first, keyset `next`;
 * - `GET /api/warnings/{id}`: the feature with its history and its tasks;
 * - `POST /api/warnings/{id}/transitions` `{ to, comment, reason? }`: acknowledge or resolve (409
 *   if illegal, or if resolving while a task it raised is open and no `reason` says why);
 * - `POST /api/warnings/{id}/tasks`: one click — a task from the warning (every field optional,
 *   defaults from the warning) and the warning moves to 'tasked'.
 */
import { Router } from 'express'

import { auditRequest } from '../audit/request.ts'
import { allowed, scopeOf } from '../auth/context.ts'
import { maskWarningDetail } from '../auth/pii.ts'
import type { Db, Queryable } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { addDays, shanghaiDay } from '../shared/time.ts'
import { findArea } from '../stats/queries.ts'
import { TaskFromWarningSchema } from '../tasks/schema.ts'
import { createTaskFromWarning, getTask, listTasks } from '../tasks/store.ts'
import {
  type WarningDetail,
  WarningListQuerySchema,
  WarningParamsSchema,
  WarningTaskBodySchema,
  WarningTransitionSchema,
} from './schema.ts'
import { getWarning, listWarnings, transitionWarning, warningForTask, warningHistory } from './store.ts'

const GEOJSON = 'application/geo+json; charset=utf-8'

/** A warning with its history and tasks, or 404. */
async function warningDetail(sql: Queryable, id: string, now: Date): Promise<WarningDetail> {
  const feature = await getWarning(sql, id)
  if (!feature) throw new HttpError(404, `no warning ${id}`)
  const tasks = await listTasks(sql, { warningId: id }, now, 100, null)
  return { ...feature, history: await warningHistory(sql, id), tasks: tasks.items }
}

export interface WarningRouteOptions {
  now?: () => Date
}

/** @example app.use(warningRoutes(db)) */
export function warningRoutes(db: Db, opts: WarningRouteOptions = {}): Router {
  const router = Router()
  const now = opts.now ?? (() => new Date())

  router.get('/api/warnings', async (req, res) => {
    const q = parseInput(WarningListQuerySchema, req.query, 'query')
    const page = await db.withScope(scopeOf(req), async (tx) => {
      const area = q.area ? await findArea(tx, q.area) : null
      return listWarnings(tx, { level: q.level, status: q.status, model: q.model, area, from: q.from, to: q.to }, q.limit, q.cursor ?? null)
    })
    res.type(GEOJSON).send(JSON.stringify(page))
  })

  router.get('/api/warnings/:id', async (req, res) => {
    const { id } = parseInput(WarningParamsSchema, req.params, 'params')
    const detail = await db.withScope(scopeOf(req), (tx) => warningDetail(tx, id, now()))
    res.json(allowed(req, 'pii') ? detail : maskWarningDetail(detail))
  })

  router.post('/api/warnings/:id/transitions', async (req, res) => {
    const { id } = parseInput(WarningParamsSchema, req.params, 'params')
    const body = parseInput(WarningTransitionSchema, req.body, 'body')
    const detail = await db.withScope(scopeOf(req), async (tx) => {
      await transitionWarning(tx, id, body.to, actorOf(req), body.comment ?? null, true, body.reason ?? null)
      return warningDetail(tx, id, now())
    })
    await auditRequest(db, req, res, 'warning.transition', `warning:${id}`, {
      to: body.to,
      comment: body.comment ?? null,
      reason: body.reason ?? null,
    })
    res.json(allowed(req, 'pii') ? detail : maskWarningDetail(detail))
  })

  router.post('/api/warnings/:id/tasks', async (req, res) => {
    const { id } = parseInput(WarningParamsSchema, req.params, 'params')
    const body = parseInput(WarningTaskBodySchema, req.body ?? {}, 'body')
    const actor = actorOf(req)
    const out = await db.withScope(scopeOf(req), async (tx) => {
      const w = await warningForTask(tx, id)
      if (w.status === 'resolved' || w.status === 'expired')
        throw new HttpError(409, `warning ${id} is ${w.status}: it takes no new task`, { status: w.status })
      const areaCode = body.area_code ?? w.areaCode
      if (!areaCode)
        throw new HttpError(400, 'invalid body: body.area_code: the warning lies in no area: give the town, village or grid code', [
          { where: 'body.area_code', message: 'required for this warning' },
        ])
      // The tasks module's own schema judges the merged request, so its rules stay the only ones.
      const input = parseInput(
        TaskFromWarningSchema,
        {
          title: body.title ?? `处置预警：${w.title}`.slice(0, 200),
          description: body.description ?? w.explanation,
          area_code: areaCode,
          assignee_team: body.assignee_team ?? `${w.areaName ?? areaCode}平安办`,
          ...(body.assignee_user === undefined ? {} : { assignee_user: body.assignee_user }),
          due_date: body.due_date ?? addDays(shanghaiDay(now()), 7),
          ...(body.ref ? { ref: body.ref } : {}),
          ...(body.area_code ? {} : { lng: w.lng, lat: w.lat }),
          comment: body.comment ?? `由预警 #${id} 派单`,
        },
        'body',
      )
      const taskId = await createTaskFromWarning(tx, id, { ...input, actor })
      if (w.status !== 'tasked') await transitionWarning(tx, id, 'tasked', actor, body.comment ?? `已派单：任务 #${taskId}`, false)
      return { task: await getTask(tx, taskId, now()), warning: await warningDetail(tx, id, now()) }
    })
    await auditRequest(db, req, res, 'task.create', `task:${out.task?.id ?? ''}`, { fromWarning: id })
    res.status(201).json(out)
  })

  return router
}
