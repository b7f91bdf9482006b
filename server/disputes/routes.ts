import { type Request, Router } from 'express'

import { auditRequest } from '../audit/request.ts'
import { allowed, scopeOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { resolveRecordId } from '../shared/placed.ts'
import { findArea } from '../stats/queries.ts'
import { DisputeListQuerySchema, DisputeParamsSchema, DisputeRevealQuerySchema, DisputeStepBodySchema } from './schema.ts'
import { addDisputeStep, disputeDetail, listDisputes } from './store.ts'

const GEOJSON = 'application/geo+json; charset=utf-8'

/**
 * Disputes and mediation over HTTP (`{id}` is the numeric id or the source's case_id):
 * - `GET /api/disputes?area=&type=&level=&status=&from=&to=&limit=&cursor=`: GeoJSON, no parties' names;
 * - `GET /api/disputes/{id}[?reveal=true]`: with its parties (masked; in the clear only for `pii`
 *   callers who ask), its steps and the linked incidents the caller can see; every read of the
 *   parties is one `people.read` audit row;
 * - `POST /api/disputes/{id}/steps` `{ at, level, action, note }`: a mediation step (409 if illegal).
 * @example app.use(disputeRoutes(db))
 */
export function disputeRoutes(db: Db): Router {
  const router = Router()
  // Resolved in the caller's scope: a case elsewhere and none at all answer alike.
  const idOf = async (req: Request): Promise<string> => {
    const { id } = parseInput(DisputeParamsSchema, req.params, 'params')
    const found = await db.withScope(scopeOf(req), (tx) => resolveRecordId(tx, 'disputes', id))
    if (!found) throw new HttpError(404, `no dispute ${id}`)
    return found
  }

  router.get('/api/disputes', async (req, res) => {
    const q = parseInput(DisputeListQuerySchema, req.query, 'query')
    const page = await db.withScope(scopeOf(req), async (tx) => {
      const area = q.area ? await findArea(tx, q.area) : null
      return listDisputes(tx, { ...q, area }, allowed(req, 'pii'), q.limit, q.cursor ?? null)
    })
    res.type(GEOJSON).send(JSON.stringify(page))
  })

  router.get('/api/disputes/:id', async (req, res) => {
    const id = await idOf(req)
    const { reveal } = parseInput(DisputeRevealQuerySchema, req.query, 'query')
    const pii = allowed(req, 'pii')
    const unmasked = pii && reveal === true
    const d = await db.withScope(scopeOf(req), (tx) => disputeDetail(tx, id, { pii, reveal: unmasked }))
    if (!d) throw new HttpError(404, `no dispute ${id}`)
    await auditRequest(db, req, res, 'people.read', `dispute:${id}`, { count: d.parties.length, unmasked })
    res.type(GEOJSON).send(JSON.stringify(d))
  })

  router.post('/api/disputes/:id/steps', async (req, res) => {
    const id = await idOf(req)
    const step = parseInput(DisputeStepBodySchema, req.body, 'body')
    const pii = allowed(req, 'pii')
    const { added, detail } = await db.withScope(scopeOf(req), async (tx) => {
      const added = await addDisputeStep(tx, id, step, actorOf(req))
      return { added, detail: await disputeDetail(tx, id, { pii, reveal: false }) }
    })
    // A re-sent step changed nothing: nothing to record.
    if (added) await auditRequest(db, req, res, 'dispute.step', `dispute:${id}`, { action: step.action, level: step.level })
    // The answer carries the parties (masked): a read of them.
    await auditRequest(db, req, res, 'people.read', `dispute:${id}`, { count: detail!.parties.length, unmasked: false })
    res
      .status(added ? 201 : 200)
      .type(GEOJSON)
      .send(JSON.stringify(detail))
  })

  return router
}
