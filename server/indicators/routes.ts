/**
 * Indicators and rankings over HTTP:
 * - `GET /api/indicators?level=town|village&month=YYYY-MM&area=CODE`: raw indicator values, with
 *   the previous month's and the change;
 * - `GET /api/rankings?level=town|village&month=YYYY-MM[&refresh=true]`: the 红黄黑 list;
 * - `GET /api/rankings/config`, `PUT /api/rankings/config` (the whole config; 400 naming the field).
 */
import { Router } from 'express'
import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { parseInput } from '../http/errors.ts'
import { currentRankingConfig, saveRankingConfig } from './config-store.ts'
import { checkedMonth, monthIndicators } from './indicators.ts'
import { type RankingService, rankingService } from './rankings.ts'
import { IndicatorsQuerySchema, RankingConfigSchema, RankingsQuerySchema } from './schema.ts'

export interface IndicatorRouteOptions {
  now?: () => Date
  rankings?: RankingService
}

/** @example app.use(indicatorRoutes(db)) */
export function indicatorRoutes(db: Db, opts: IndicatorRouteOptions = {}): Router {
  const router = Router()
  const now = opts.now ?? (() => new Date())
  const rankings = opts.rankings ?? rankingService(db)
  // Whole district for now; per-caller scope arrives with authentication.
  const scope = SYSTEM_SCOPE

  router.get('/api/indicators', async (req, res) => {
    const q = parseInput(IndicatorsQuerySchema, req.query, 'query')
    const at = now()
    const month = checkedMonth(q.month, at)
    res.json(await db.withScope(scope, (tx) => monthIndicators(tx, q.level, month, at, q.area)))
  })

  router.get('/api/rankings/config', async (_req, res) => {
    res.json(await db.withScope(scope, (tx) => currentRankingConfig(tx)))
  })

  router.put('/api/rankings/config', async (req, res) => {
    const config = parseInput(RankingConfigSchema, req.body, 'body')
    const saved = await db.withScope(scope, (tx) => saveRankingConfig(tx, config, actorOf(req)))
    rankings.clear()
    res.json(saved)
  })

  router.get('/api/rankings', async (req, res) => {
    const q = parseInput(RankingsQuerySchema, req.query, 'query')
    const at = now()
    const month = checkedMonth(q.month, at)
    res.json(await rankings.get(q.level, month, { now: at, refresh: q.refresh }))
  })

  return router
}
