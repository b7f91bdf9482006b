import { Router } from 'express'

import { scopeOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { closeStaleRuns } from '../ops/heartbeat.ts'
import { DecisionSchema, type Pair, PairParamsSchema, type ReviewPage, ReviewQuerySchema, RunsQuerySchema } from './schema.ts'
import { decidePair, listPairs, listRuns } from './store.ts'

/** `/api/reconcile/review` (the queue and decisions) and `/api/reconcile/runs`. */
export function reconcileRoutes(db: Db): Router {
  const router = Router()

  router.get('/api/reconcile/review', async (req, res) => {
    const q = parseInput(ReviewQuerySchema, req.query, 'query')
    const page: ReviewPage = await db.withScope(scopeOf(req), (tx) => listPairs(tx, q))
    res.json(page)
  })

  router.post('/api/reconcile/review/:id', async (req, res) => {
    const { id } = parseInput(PairParamsSchema, req.params, 'params')
    const decision = parseInput(DecisionSchema, req.body ?? {}, 'body')
    const out = await db.withScope(scopeOf(req), (tx) => decidePair(tx, id, decision, actorOf(req)))
    if ('failure' in out) {
      const f = out.failure
      throw new HttpError(f.status, f.message, f.where ? [{ where: f.where, message: f.message }] : undefined)
    }
    const body: Pair = out.pair
    res.json(body)
  })

  router.get('/api/reconcile/runs', async (req, res) => {
    const q = parseInput(RunsQuerySchema, req.query, 'query')
    await closeStaleRuns(db.sql, 'reconcile_runs') // runs whose process died: failed, not running forever
    res.json({ items: await db.withScope(scopeOf(req), (tx) => listRuns(tx, q)) })
  })

  return router
}
