import { Router } from 'express'
import { z } from 'zod'
import type { Db } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { closeStaleRuns } from '../ops/heartbeat.ts'
import { getImportRun, ImportKindSchema, listImportRuns } from './runs.ts'

const ListQuerySchema = z.object({
  kind: ImportKindSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})
const IdParamsSchema = z.object({ id: z.coerce.number().int().positive() })

/** Job status of file imports: `GET /api/imports[?kind=&limit=]`, `GET /api/imports/{id}`. */
export function importRoutes(db: Db): Router {
  const router = Router()
  router.get('/api/imports', async (req, res) => {
    const q = parseInput(ListQuerySchema, req.query, 'query')
    // A run whose process died is closed first (no heartbeat for 3 minutes), never shown as running.
    await closeStaleRuns(db.sql, 'import_runs')
    res.json({ items: await listImportRuns(db.sql, q) })
  })
  router.get('/api/imports/:id', async (req, res) => {
    const { id } = parseInput(IdParamsSchema, req.params, 'params')
    await closeStaleRuns(db.sql, 'import_runs')
    const run = await getImportRun(db.sql, id)
    if (!run) throw new HttpError(404, `no import run ${id}`)
    res.json(run)
  })
  return router
}
