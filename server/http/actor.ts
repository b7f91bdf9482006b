/**
 * Who is acting on a request. Until authentication arrives (issue 8) that is the `x-user`
 * header, else 'anonymous': the one place issue 8 replaces with the authenticated user.
 */
import type { Request } from 'express'
import { z } from 'zod'

/** An actor name as recorded in history tables: trimmed, 1–100 characters; anything else is 'anonymous'. */
export const ActorSchema = z.string().trim().min(1).max(100).catch('anonymous').default('anonymous')

/**
 * The actor of a request.
 * @example actorOf(req) // 'grid-officer-12' with `x-user: grid-officer-12`, else 'anonymous'
 */
export function actorOf(req: Pick<Request, 'get'>): string {
  return ActorSchema.parse(req.get('x-user'))
}
