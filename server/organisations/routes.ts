import { type Request, Router } from 'express'

import { auditRequest } from '../audit/request.ts'
import { allowed, scopeOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { resolveRecordId } from '../shared/placed.ts'
import { findArea } from '../stats/queries.ts'
import {
  type OrganisationDetail,
  OrganisationListQuerySchema,
  OrganisationParamsSchema,
  RevealQuerySchema,
  SelfCheckBodySchema,
} from './schema.ts'
import { submitSelfCheck } from './self-check.ts'
import { listOrganisations, organisationDetail, revealResponsible } from './store.ts'

const GEOJSON = 'application/geo+json; charset=utf-8'

export interface OrganisationRouteOptions {
  /** The clock that decides the self-check standing (tests fix it). */
  now?: () => Date
}

/**
 * Organisations and their self-checks over HTTP (`{id}` is the numeric id or the source's org_id):
 * - `GET /api/organisations?q=&area=&type=&risk=&selfCheck=overdue|due|ok&limit=&cursor=`: GeoJSON, responsible person masked;
 * - `GET /api/organisations/{id}[?reveal=true]`: with its self-checks, hazards and devices (the
 *   responsible person unmasked only for `pii` callers who ask, recorded as `people.read`);
 * - `POST /api/organisations/{id}/self-checks`: one self-check; a failed item registers a hazard.
 * @example app.use(organisationRoutes(db))
 */
export function organisationRoutes(db: Db, opts: OrganisationRouteOptions = {}): Router {
  const router = Router()
  const now = opts.now ?? (() => new Date())
  // Resolved in the caller's scope: an organisation elsewhere and none at all answer alike.
  const idOf = async (req: Request): Promise<string> => {
    const { id } = parseInput(OrganisationParamsSchema, req.params, 'params')
    const found = await db.withScope(scopeOf(req), (tx) => resolveRecordId(tx, 'organisations', id))
    if (!found) throw new HttpError(404, `no organisation ${id}`)
    return found
  }
  const detail = async (req: Request, id: string): Promise<OrganisationDetail> => {
    const d = await db.withScope(scopeOf(req), (tx) => organisationDetail(tx, id, now()))
    if (!d) throw new HttpError(404, `no organisation ${id}`)
    return d
  }

  router.get('/api/organisations', async (req, res) => {
    const q = parseInput(OrganisationListQuerySchema, req.query, 'query')
    const page = await db.withScope(scopeOf(req), async (tx) => {
      const area = q.area ? await findArea(tx, q.area) : null
      return listOrganisations(tx, { ...q, area }, now(), q.limit, q.cursor ?? null)
    })
    res.type(GEOJSON).send(JSON.stringify(page))
  })

  router.get('/api/organisations/:id', async (req, res) => {
    const id = await idOf(req)
    const { reveal } = parseInput(RevealQuerySchema, req.query, 'query')
    const d = await detail(req, id)
    if (reveal && allowed(req, 'pii') && (d.properties.responsibleName !== null || d.properties.responsiblePhone !== null)) {
      const open = await db.withScope(scopeOf(req), (tx) => revealResponsible(tx, id))
      d.properties.responsibleName = open.name
      d.properties.responsiblePhone = open.phone
      await auditRequest(db, req, res, 'people.read', `organisation:${id}`, { count: 1, unmasked: true })
    }
    res.type(GEOJSON).send(JSON.stringify(d))
  })

  router.post('/api/organisations/:id/self-checks', async (req, res) => {
    const id = await idOf(req)
    const body = parseInput(SelfCheckBodySchema, req.body, 'body')
    const out = await submitSelfCheck(db, id, body, actorOf(req), scopeOf(req), now())
    if (out.created) {
      await auditRequest(db, req, res, 'self-check.submit', `organisation:${id}`, {
        selfCheck: out.selfCheck.id,
        checklist: out.selfCheck.checklist,
        failed: out.selfCheck.failedItems,
        hazards: out.selfCheck.hazardIds,
      })
    }
    res.status(out.created ? 201 : 200).json({ ...out, organisation: await detail(req, id) })
  })

  return router
}
