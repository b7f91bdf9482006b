/**
 * Who is acting on a request, as recorded in histories and the audit log: the authenticated
 * user's name. With anonymous access on (AUTH_ANONYMOUS_ROLE, trusted networks and tests) an
 * `x-user` header may name the person, else 'anonymous'.
 */
import type { Request } from 'express'
import { z } from 'zod'

import { authOf } from '../auth/context.ts'

/** An actor name as recorded in history tables: trimmed, 1–100 characters; anything else is 'anonymous'. */
export const ActorSchema = z.string().trim().min(1).max(100).catch('anonymous').default('anonymous')

/**
 * The actor of a request.
 * @example actorOf(req) // 'town-officer-wang' for a logged-in user
 */
export function actorOf(req: Request): string {
  const auth = authOf(req)
  if (auth && auth.method !== 'anonymous') return auth.user.username
  return ActorSchema.parse(req.get('x-user'))
}
