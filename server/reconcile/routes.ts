import { Router } from 'express'
import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { DecisionSchema, PairParamsSchema, ReviewQuerySchema, RunsQuerySchema, type Pair, type ReviewPage } from './schema.ts'
import { decidePair, listPairs, listRuns } from './store.ts'

/** `/api/reconcile/review` (the queue and decisions) and `/api/reconcile/runs`. */
export function reconcileRoutes(db: Db): Router {
  const router = Router()
  // Issue 8 brings callers with their own scope and user id; until then decisions are the system's.
  const scope = SYSTEM_SCOPE
  const decidedBy = scope.userId ?? scope.role

  router.get('/api/reconcile/review', async (req, res) => {
    const q = parseInput(ReviewQuerySchema, req.query, 'query')
    const page: ReviewPage = await db.withScope(scope, (tx) => listPairs(tx, q))
    res.json(page)
  })

  router.post('/api/reconcile/review/:id', async (req, res) => {
    const { id } = parseInput(PairParamsSchema, req.params, 'params')
    const decision = parseInput(DecisionSchema, req.body ?? {}, 'body')
    const out = await db.withScope(scope, (tx) => decidePair(tx, id, decision, decidedBy))
    if ('failure' in out) {
      const f = out.failure
      throw new HttpError(f.status, f.message, f.where ? [{ where: f.where, message: f.message }] : undefined)
    }
    const body: Pair = out.pair
    res.json(body)
  })

  router.get('/api/reconcile/runs', async (req, res) => {
    const q = parseInput(RunsQuerySchema, req.query, 'query')
    res.json({ items: await db.withScope(scope, (tx) => listRuns(tx, q)) })
  })

  return router
}
