import { Router } from 'express'

import { auditRequest } from '../audit/request.ts'
import { scopeOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { parseInput } from '../http/errors.ts'
import { ProfileInputSchema } from './schema.ts'
import { readProfile, updateProfile } from './store.ts'

/** `GET /api/profile` (any user), `PUT /api/profile` (administrators: the settings permission). */
export function profileRoutes(db: Db): Router {
  const router = Router()
  router.get('/api/profile', async (req, res) => {
    res.json(await db.withScope(scopeOf(req), (tx) => readProfile(tx)))
  })
  router.put('/api/profile', async (req, res) => {
    const input = parseInput(ProfileInputSchema, req.body, 'body')
    const saved = await db.withScope(scopeOf(req), (tx) => updateProfile(tx, input))
    await auditRequest(db, req, res, 'profile.update', 'profile', { fields: Object.keys(input) })
    res.json(saved)
  })
  return router
}
