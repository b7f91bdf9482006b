/**
 * `GET /reports/town/{code}?month=YYYY-MM`: the town health report as a printable page (HTML,
 * self-contained). The indicator and ranking API it draws on is mounted by server/app.ts.
 */
import { Router } from 'express'
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { allowed, scopeOf } from '../auth/context.ts'
import { maskPii } from '../auth/mask.ts'
import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import { HttpError } from '../http/errors.ts'
import { parseInput } from '../http/errors.ts'
import { checkedMonth } from '../indicators/indicators.ts'
import { MonthSchema } from '../indicators/month.ts'
import { renderTownReport, reportContext, townReportData } from './town-report.ts'

export const TownReportQuerySchema = z.object({ month: MonthSchema.optional() })

/** @example app.use(reportRoutes(db)) */
export function reportRoutes(db: Db, opts: { now?: () => Date } = {}): Router {
  const router = Router()
  const now = opts.now ?? (() => new Date())
  router.get('/reports/town/:code', async (req, res) => {
    const { code } = parseInput(z.object({ code: AreaCodeSchema }), req.params, 'params')
    const q = parseInput(TownReportQuerySchema, req.query, 'query')
    const at = now()
    const month = checkedMonth(q.month, at)
    // A town officer gets their own town's report only (its ranks are the district's).
    const scope = scopeOf(req)
    if (scope.areaCodes !== null && !scope.areaCodes.includes(code)) throw new HttpError(404, `no report for town ${code} in your area`)
    const pii = allowed(req, 'pii')
    const page = await db.withScope(SYSTEM_SCOPE, async (tx) => {
      const data = await townReportData(tx, code, await reportContext(tx, month, at))
      // Task titles are typed by people and may name them: masked for readers without `pii`.
      if (!pii) for (const t of data.tasks) t.title = maskPii(t.title)
      return renderTownReport(data)
    })
    // Self-contained: nothing may load from elsewhere, and the page says so to the browser too.
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    res.type('html').send(page)
  })

  return router
}
