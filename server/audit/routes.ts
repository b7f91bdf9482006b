import { Router } from 'express'

import type { Db } from '../db/index.ts'
import { parseInput } from '../http/errors.ts'
import { AuditQuerySchema, readAudit } from './log.ts'

/**
 * `GET /api/audit?action=&actor=&target=&from=&to=&limit=&before=`: the audit log, newest first, for
 * administrators (server/auth/policy.ts), with a `next` id to page on (`before=`).
 * @example app.use(auditRoutes(db))
 */
export function auditRoutes(db: Db): Router {
  const router = Router()
  router.get('/api/audit', async (req, res) => {
    res.json(await readAudit(db.sql, parseInput(AuditQuerySchema, req.query, 'query')))
  })
  return router
}
