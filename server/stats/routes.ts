import { scopeOf } from '../auth/context.ts'
import { Router } from 'express'
import { z } from 'zod'
import { AreaCodeSchema } from '../areas/schema.ts'
import { expandCategoryCodes } from '../categories/queries.ts'
import type { Db } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { daysBetween, type Period, resolvePeriod } from './period.ts'
import { areaStats, findArea, statsSummary, statsTimeseries } from './queries.ts'
import { AreaStatsQuerySchema, SummaryQuerySchema, TimeseriesQuerySchema } from './schema.ts'

/** Incident statistics from the daily rollups (never raw incidents: they must stay fast at 1 M rows). */
export function statsRoutes(db: Db): Router {
  const router = Router()

  router.get('/api/stats/summary', async (req, res) => {
    const q = parseInput(SummaryQuerySchema, req.query, 'query')
    const period = checkedPeriod(q.from, q.to)
    res.json(await db.withScope(scopeOf(req), async (tx) => statsSummary(tx, await findArea(tx, q.area), period)))
  })

  router.get('/api/stats/timeseries', async (req, res) => {
    const q = parseInput(TimeseriesQuerySchema, req.query, 'query')
    const period = checkedPeriod(q.from, q.to)
    const body = await db.withScope(scopeOf(req), async (tx) => {
      const area = await findArea(tx, q.area)
      const items = q.category ? await expandCategoryCodes(tx, q.category, 'query.category') : null
      return statsTimeseries(tx, area, period, q.bucket, items)
    })
    res.json(body)
  })

  router.get('/api/areas/:code/stats', async (req, res) => {
    const { code } = parseInput(z.object({ code: AreaCodeSchema }), req.params, 'params')
    const q = parseInput(AreaStatsQuerySchema, req.query, 'query')
    const period = checkedPeriod(q.from, q.to)
    res.json(await db.withScope(scopeOf(req), async (tx) => areaStats(tx, await findArea(tx, code), period)))
  })

  return router
}

const MAX_DAYS = 3700 // ~10 years: bounds the day-bucket series and the rollup scan

/**
 * The period asked for (defaults filled in), 400 when empty, reversed or too long.
 * @example checkedPeriod('2026-10-01', undefined) // { from: '2026-10-01', to: <tomorrow> }
 */
function checkedPeriod(from: string | undefined, to: string | undefined): Period {
  const p = resolvePeriod(from, to)
  const days = daysBetween(p.from, p.to)
  if (days < 1 || days > MAX_DAYS) {
    const message = days < 1 ? 'the period is empty: `from` must be before `to` (exclusive)' : `the period is longer than ${MAX_DAYS} days`
    throw new HttpError(400, `invalid query: query.${from === undefined ? 'from' : 'to'}: ${message}`, [{ where: `query.${from === undefined ? 'from' : 'to'}`, message }])
  }
  return p
}
