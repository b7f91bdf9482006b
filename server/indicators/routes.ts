/**
 * Indicators and rankings over HTTP:
 * - `GET /api/indicators?level=town|village&month=YYYY-MM&area=CODE`: raw indicator values, with
 *   the previous month's and the change;
 * - `GET /api/rankings?level=town|village&month=YYYY-MM[&refresh=true]`: the 红黄黑 list;
 * - `GET /api/rankings/config`, `PUT /api/rankings/config` (the whole config; 400 naming the field);
 * - `POST /api/indicators/assessments` `{ indicator, area, month, value, comment }`: enter a 双十条
 *   assessment (audited `assessment.enter`), `GET /api/indicators/assessments?month=&area=&indicator=`:
 *   the latest entries with who and when, earlier ones as history; both in the caller's scope.
 */
import { Router } from 'express'

import { auditRequest } from '../audit/request.ts'
import { inScope, scopeOf } from '../auth/context.ts'
import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { parseInput } from '../http/errors.ts'
import { areaInScope, enterAssessment, listAssessments } from './assessments.ts'
import { currentRankingConfig, saveRankingConfig } from './config-store.ts'
import { checkedMonth, monthIndicators } from './indicators.ts'
import { type RankingService, rankingService } from './rankings.ts'
import {
  AssessmentCreateSchema,
  AssessmentsQuerySchema,
  type AssessmentsResponse,
  IndicatorsQuerySchema,
  RankingConfigSchema,
  RankingsQuerySchema,
} from './schema.ts'

export interface IndicatorRouteOptions {
  now?: () => Date
  rankings?: RankingService
}

/** @example app.use(indicatorRoutes(db)) */
export function indicatorRoutes(db: Db, opts: IndicatorRouteOptions = {}): Router {
  const router = Router()
  const now = opts.now ?? (() => new Date())
  const rankings = opts.rankings ?? rankingService(db)

  router.get('/api/indicators', async (req, res) => {
    const q = parseInput(IndicatorsQuerySchema, req.query, 'query')
    const at = now()
    const month = checkedMonth(q.month, at)
    // Computed over the district (shares and changes need every area), then cut to the caller's areas.
    const out = await db.withScope(SYSTEM_SCOPE, (tx) => monthIndicators(tx, q.level, month, at, q.area))
    const scope = scopeOf(req)
    res.json({ ...out, areas: out.areas.filter((a) => inScope(scope, a)) })
  })

  router.get('/api/indicators/assessments', async (req, res) => {
    const q = parseInput(AssessmentsQuerySchema, req.query, 'query')
    const month = checkedMonth(q.month, now())
    const scope = scopeOf(req)
    const assessments = await db.withScope(scope, async (tx) => {
      // Another town's area is the 404 of one that does not exist, as everywhere.
      if (q.area) await areaInScope(tx, q.area, scope.areaCodes !== null)
      return listAssessments(tx, { month, ...(q.area ? { area: q.area } : {}), ...(q.indicator ? { indicator: q.indicator } : {}) })
    })
    const answer: AssessmentsResponse = { month, assessments }
    res.json(answer)
  })

  router.post('/api/indicators/assessments', async (req, res) => {
    const input = parseInput(AssessmentCreateSchema, req.body, 'body')
    const scope = scopeOf(req)
    const saved = await db.withScope(scope, (tx) => enterAssessment(tx, input, actorOf(req), scope.areaCodes !== null, now()))
    // A late assessment changes the month's ranking: the live cache must not hide it.
    rankings.clear()
    await auditRequest(db, req, res, 'assessment.enter', `assessment:${saved.id}`, {
      indicator: saved.indicator,
      area: saved.area,
      month: saved.month,
      value: saved.value,
    })
    res.status(201).json(saved)
  })

  router.get('/api/rankings/config', async (req, res) => {
    res.json(await db.withScope(scopeOf(req), (tx) => currentRankingConfig(tx)))
  })

  router.put('/api/rankings/config', async (req, res) => {
    const config = parseInput(RankingConfigSchema, req.body, 'body')
    const saved = await db.withScope(scopeOf(req), (tx) => saveRankingConfig(tx, config, actorOf(req)))
    rankings.clear()
    await auditRequest(db, req, res, 'rankings.config', 'rankings', { version: saved.version })
    res.json(saved)
  })

  router.get('/api/rankings', async (req, res) => {
    const q = parseInput(RankingsQuerySchema, req.query, 'query')
    const at = now()
    const month = checkedMonth(q.month, at)
    // Ranks need every area: they are computed district-wide by the server (as a definer function
    // would), then a town officer gets the rows of their town (and its villages) only. What they
    // learn of the others is how many were ranked (`counts`): "8 of 22", never another town's numbers.
    const out = await rankings.get(q.level, month, { now: at, refresh: q.refresh })
    const scope = scopeOf(req)
    res.json(
      scope.areaCodes === null
        ? out
        : { ...out, areas: out.areas.filter((a) => inScope(scope, a)), apart: out.apart.filter((a) => inScope(scope, a)) },
    )
  })

  return router
}
