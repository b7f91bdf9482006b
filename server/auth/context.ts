/**
 * Who is asking, per request: set once by the authentication middleware, read by handlers
 * through `scopeOf` (the area scope their database transaction carries) and `actorOf`.
 */
import type { Request } from 'express'

import type { Scope } from '../db/index.ts'
import { type AuthMethod, type AuthUser, can, type Permission, type Role, SCOPED_ROLES } from './schema.ts'

export interface RequestAuth {
  user: AuthUser
  method: AuthMethod
  /** The session's CSRF token (cookie sessions only). */
  csrfToken: string | null
}

const byRequest = new WeakMap<Request, RequestAuth>()

/** Records the caller of a request (the authentication middleware). */
export function setAuth(req: Request, auth: RequestAuth): void {
  byRequest.set(req, auth)
}

/** The caller of a request, or null when it is not authenticated. */
export function authOf(req: Request): RequestAuth | null {
  return byRequest.get(req) ?? null
}

/** A scope that sees nothing: what an unauthenticated request would get if a route forgot to ask. */
export const NO_SCOPE: Scope = { role: 'none', userId: null, areaCodes: [] }

/**
 * The database scope of a user: district-wide roles see everything, town officers and grid
 * workers their areas (row-level security in migrations/019 enforces it).
 * @example scopeOfUser({ role: 'town', areaCodes: ['330109001'], … }).areaCodes // ['330109001']
 */
export function scopeOfUser(user: Pick<AuthUser, 'id' | 'role' | 'areaCodes'>): Scope {
  return { role: user.role, userId: user.id, areaCodes: SCOPED_ROLES.includes(user.role) ? [...user.areaCodes] : null }
}

/**
 * The scope a request's data transaction runs in (`db.withScope(scopeOf(req), …)`).
 * @example await db.withScope(scopeOf(req), (tx) => listTasks(tx, …))
 */
export function scopeOf(req: Request): Scope {
  const auth = authOf(req)
  return auth ? scopeOfUser(auth.user) : NO_SCOPE
}

/** The caller's role, or null when unauthenticated. */
export function roleOf(req: Request): Role | null {
  return authOf(req)?.user.role ?? null
}

/**
 * True when the caller may do this (e.g. see unmasked personal data).
 * @example if (!allowed(req, 'pii')) row.description = maskPii(row.description)
 */
export function allowed(req: Request, permission: Permission): boolean {
  const role = roleOf(req)
  return role !== null && can(role, permission)
}

/**
 * True when an area row (with its parent) is within the caller's scope: district-wide callers
 * see all; a town officer their town and its villages; a grid worker their grids. For results
 * computed district-wide on purpose (rankings, whose ranks need every town).
 * @example inScope(scopeOf(req), { code: '330109001001', parentCode: '330109001' })
 */
export function inScope(scope: Scope, area: { code: string; parentCode?: string | null }): boolean {
  if (scope.areaCodes === null) return true
  return scope.areaCodes.includes(area.code) || (area.parentCode != null && scope.areaCodes.includes(area.parentCode))
}
