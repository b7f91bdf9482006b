import { Router } from 'express'
import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import { listCategories } from './queries.ts'

/** `GET /api/categories`: the incident category catalogue (reference data, same for every caller). */
export function categoryRoutes(db: Db): Router {
  const router = Router()
  router.get('/api/categories', async (_req, res) => {
    res.json(await db.withScope(SYSTEM_SCOPE, (tx) => listCategories(tx)))
  })
  return router
}
