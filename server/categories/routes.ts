/**
 * The category catalogue and its role binding over HTTP:
 * - `GET /api/categories`: the catalogue (reference data, same for every caller);
 * - `GET /api/category-roles`: the binding of the roles indicators and models use, in the mapping
 *   file's shape (`roles`), and each role's state (items, configured or why not);
 * - `PUT /api/category-roles` `{ roles: { <role>: [codes] } }`: replaces the whole binding
 *   (administrators; roles left out become unbound; 400 naming an unknown role or code).
 */
import { Router } from 'express'

import { auditRequest } from '../audit/request.ts'
import { scopeOf } from '../auth/context.ts'
import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { listCategories } from './queries.ts'
import { RoleMappingSchema } from './roles.ts'
import { categoryRoles, RoleBindingError, saveRoleBinding } from './roles-store.ts'

/** @example app.use(categoryRoutes(db)) */
export function categoryRoutes(db: Db): Router {
  const router = Router()
  router.get('/api/categories', async (_req, res) => {
    res.json(await db.withScope(SYSTEM_SCOPE, (tx) => listCategories(tx)))
  })

  router.get('/api/category-roles', async (_req, res) => {
    res.json(await db.withScope(SYSTEM_SCOPE, (tx) => categoryRoles(tx)))
  })

  router.put('/api/category-roles', async (req, res) => {
    const { roles } = parseInput(RoleMappingSchema, req.body, 'body')
    const { changed, answer } = await db
      .withScope(scopeOf(req), async (tx) => ({ ...(await saveRoleBinding(tx, roles, actorOf(req))), answer: await categoryRoles(tx) }))
      .catch((err: unknown) => {
        if (!(err instanceof RoleBindingError)) throw err
        const issues = err.issues.map((i) => ({ where: `body.${i.where}`, message: i.message }))
        throw new HttpError(400, `invalid body: ${issues.map((i) => `${i.where}: ${i.message}`).join('; ')}`, issues)
      })
    if (changed.length > 0) await auditRequest(db, req, res, 'category-roles.update', 'category-roles', { changed })
    res.json({ ...answer, changed })
  })
  return router
}
