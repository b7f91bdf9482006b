import { Router } from 'express'
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { scopeOf } from '../auth/context.ts'
import { expandCategoryCodes } from '../categories/queries.ts'
import type { Db } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { daysBetween, type Period } from '../shared/time.ts'
import { resolvePeriod } from './period.ts'
import { areaStats, statsSummary, statsTarget, statsTimeseries } from './queries.ts'
import { AreaStatsQuerySchema, SummaryQuerySchema, TimeseriesQuerySchema } from './schema.ts'

/** Incident statistics from the daily rollups (never raw incidents: they must stay fast at 1 M rows). */
export function statsRoutes(db: Db, opts: { now?: () => Date } = {}): Router {
  const router = Router()
  const clock = opts.now ?? (() => new Date())

  router.get('/api/stats/summary', async (req, res) => {
    const q = parseInput(SummaryQuerySchema, req.query, 'query')
    const now = q.until ? new Date(q.until) : clock()
    const period = checkedPeriod(q.from, q.to, now)
    const scope = scopeOf(req)
    res.json(await db.withScope(scope, async (tx) => statsSummary(tx, await statsTarget(tx, scope, q.area), period, now)))
  })

  router.get('/api/stats/timeseries', async (req, res) => {
    const q = parseInput(TimeseriesQuerySchema, req.query, 'query')
    const period = checkedPeriod(q.from, q.to, clock())
    const scope = scopeOf(req)
    const body = await db.withScope(scope, async (tx) => {
      const target = await statsTarget(tx, scope, q.area)
      const items = q.category ? await expandCategoryCodes(tx, q.category, 'query.category') : null
      return statsTimeseries(tx, target, period, q.bucket, items)
    })
    res.json(body)
  })

  router.get('/api/areas/:code/stats', async (req, res) => {
    const { code } = parseInput(z.object({ code: AreaCodeSchema }), req.params, 'params')
    const q = parseInput(AreaStatsQuerySchema, req.query, 'query')
    const period = checkedPeriod(q.from, q.to, clock())
    const scope = scopeOf(req)
    res.json(await db.withScope(scope, async (tx) => areaStats(tx, (await statsTarget(tx, scope, code)).area, period)))
  })

  return router
}

const MAX_DAYS = 3700 // ~10 years: bounds the day-bucket series and the rollup scan

/**
 * The period asked for (defaults filled in), 400 when empty, reversed or too long.
 * @example checkedPeriod('2026-10-01', undefined) // { from: '2026-10-01', to: <tomorrow> }
 */
function checkedPeriod(from: string | undefined, to: string | undefined, now: Date): Period {
  const p = resolvePeriod(from, to, now)
  const days = daysBetween(p.from, p.to)
  if (days < 1 || days > MAX_DAYS) {
    const message = days < 1 ? 'the period is empty: `from` must be before `to` (exclusive)' : `the period is longer than ${MAX_DAYS} days`
    throw new HttpError(400, `invalid query: query.${from === undefined ? 'from' : 'to'}: ${message}`, [
      { where: `query.${from === undefined ? 'from' : 'to'}`, message },
    ])
  }
  return p
}
