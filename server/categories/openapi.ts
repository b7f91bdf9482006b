/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import { CategoryRolesResponseSchema, RoleMappingSchema } from './roles.ts'
import { CategoriesResponseSchema } from './schema.ts'

const tag = 'Categories'

export const categoryOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/categories',
    tag,
    summary: 'The incident category catalogue (two levels)',
    ok: { description: 'The catalogue', schema: CategoriesResponseSchema },
  },
  {
    method: 'get',
    path: '/api/category-roles',
    tag,
    summary: 'Which catalogue codes each role of the indicators and models means, and whether each is configured',
    ok: { description: "The binding and each role's state", schema: CategoryRolesResponseSchema },
  },
  {
    method: 'put',
    path: '/api/category-roles',
    tag,
    body: RoleMappingSchema,
    summary: 'Replace the whole role binding (roles left out become unbound)',
    description: 'An unknown role or catalogue code is a 400 naming it. Recorded in the audit log.',
    ok: { description: 'The binding as saved, with `changed` naming the roles that changed' },
  },
]
