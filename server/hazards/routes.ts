import { type Request, Router } from 'express'

import { assertAttachments, attachmentsOf, linkAttachments } from '../attachments/store.ts'
import { auditRequest } from '../audit/request.ts'
import { allowed, scopeOf } from '../auth/context.ts'
import { maskHazard, maskHazardDetail } from '../auth/pii.ts'
import type { Db, Queryable } from '../db/index.ts'
import type { Geocoder } from '../geocode/geocoder.ts'
import { actorOf } from '../http/actor.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { findArea } from '../stats/queries.ts'
import { tasksOfHazard } from '../tasks/store.ts'
import {
  HazardCreateSchema,
  type HazardDetail,
  HazardListQuerySchema,
  HazardParamsSchema,
  HazardPatchSchema,
  HazardTransitionSchema,
} from './schema.ts'
import { getHazard, hazardHistory, listHazards, resolveHazardId, transitionHazard } from './store.ts'
import { createHazard, editHazard } from './write.ts'

const GEOJSON = 'application/geo+json; charset=utf-8'

export interface HazardRouteOptions {
  /** The clock that decides `overdue` (tests fix it). */
  now?: () => Date
}

/**
 * A hazard with its history and tasks, or 404.
 * @example res.json(await hazardDetail(tx, '17', new Date()))
 */
async function hazardDetail(sql: Queryable, id: string, now: Date): Promise<HazardDetail> {
  const feature = await getHazard(sql, id, now)
  if (!feature) throw new HttpError(404, `no hazard ${id}`)
  return {
    ...feature,
    history: await hazardHistory(sql, id),
    tasks: await tasksOfHazard(sql, id, now),
    attachments: await attachmentsOf(sql, { hazardId: id }),
  }
}

/**
 * The hazards register over HTTP (`{id}` is the numeric id or the source's hazard_id):
 * - `GET /api/hazards?status=&category=&severity=&source=&area=&overdue=&bbox=&limit=&cursor=`: GeoJSON, newest first, keyset `next`;
 * - `POST /api/hazards`: register one (geocoded and placed like an incident), 201 with its detail;
 * - `GET /api/hazards/{id}`: the feature with its history and tasks;
 * - `PATCH /api/hazards/{id}`: edit fields (each change recorded with who and the comment);
 * - `POST /api/hazards/{id}/transitions` `{ to, comment }`: the next workflow step (409 if illegal).
 * Who acts is server/http/actor.ts's answer.
 * @example app.use(hazardRoutes(db, geocoder))
 */
export function hazardRoutes(db: Db, geocoder: Geocoder, opts: HazardRouteOptions = {}): Router {
  const router = Router()
  const now = opts.now ?? (() => new Date())
  // Resolved inside the caller's scope, and the 404 names what was asked for: a hazard elsewhere
  // and no hazard at all answer alike (no existence oracle by hazard code).
  const idOf = async (req: Request): Promise<string> => {
    const { id } = parseInput(HazardParamsSchema, req.params, 'params')
    const found = await db.withScope(scopeOf(req), (tx) => resolveHazardId(tx, id))
    if (!found) throw new HttpError(404, `no hazard ${id}`)
    return found
  }
  /** The detail as the caller may see it (personal data masked without `pii`). */
  const shown = (req: Request, d: HazardDetail): string => JSON.stringify(allowed(req, 'pii') ? d : maskHazardDetail(d))

  router.get('/api/hazards', async (req, res) => {
    const q = parseInput(HazardListQuerySchema, req.query, 'query')
    const page = await db.withScope(scopeOf(req), async (tx) => {
      const area = q.area ? await findArea(tx, q.area) : null
      return listHazards(tx, { ...q, area }, now(), q.limit, q.cursor ?? null)
    })
    if (!allowed(req, 'pii')) page.features.forEach(maskHazard)
    res.type(GEOJSON).send(JSON.stringify(page))
  })

  router.post('/api/hazards', async (req, res) => {
    const input = parseInput(HazardCreateSchema, req.body, 'body')
    const id = await createHazard(db, geocoder, input, actorOf(req), now(), scopeOf(req))
    res
      .status(201)
      .type(GEOJSON)
      .send(shown(req, await db.withScope(scopeOf(req), (tx) => hazardDetail(tx, id, now()))))
  })

  router.get('/api/hazards/:id', async (req, res) => {
    const id = await idOf(req)
    res.type(GEOJSON).send(shown(req, await db.withScope(scopeOf(req), (tx) => hazardDetail(tx, id, now()))))
  })

  router.patch('/api/hazards/:id', async (req, res) => {
    const id = await idOf(req)
    const patch = parseInput(HazardPatchSchema, req.body, 'body')
    await editHazard(db, geocoder, id, patch, actorOf(req), scopeOf(req))
    res.type(GEOJSON).send(shown(req, await db.withScope(scopeOf(req), (tx) => hazardDetail(tx, id, now()))))
  })

  router.post('/api/hazards/:id/transitions', async (req, res) => {
    const id = await idOf(req)
    const body = parseInput(HazardTransitionSchema, req.body, 'body')
    const detail = await db.withScope(scopeOf(req), async (tx) => {
      const files = await assertAttachments(tx, body.attachments ?? [], actorOf(req), 'body.attachments')
      await transitionHazard(tx, id, body.to, actorOf(req), body.comment || null)
      await linkAttachments(tx, files, { hazardId: id }, actorOf(req))
      return hazardDetail(tx, id, now())
    })
    await auditRequest(db, req, res, 'hazard.transition', `hazard:${id}`, { to: body.to, comment: body.comment || null })
    res.type(GEOJSON).send(shown(req, detail))
  })

  return router
}
