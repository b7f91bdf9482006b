import type { Request, Response } from 'express'

import { authOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { audit, type AuditEntry } from './log.ts'

/**
 * Who did it, from where, for an audit entry about a request.
 * @example await audit(db.sql, { ...auditContext(req, res), action: 'export', target: 'export:9' })
 */
export function auditContext(req: Request, res: Response): Pick<AuditEntry, 'actor' | 'role' | 'ip' | 'requestId'> {
  const requestId = res.getHeader('x-request-id')
  return {
    actor: actorOf(req),
    role: authOf(req)?.user.role ?? null,
    ip: req.ip ?? null,
    requestId: typeof requestId === 'string' ? requestId : null,
  }
}

/**
 * Records what a request did (after it succeeded).
 * @example await auditRequest(db, req, res, 'task.transition', `task:${id}`, { to: 'closed' })
 */
export function auditRequest(
  db: Db,
  req: Request,
  res: Response,
  action: AuditEntry['action'],
  target: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  return audit(db.sql, { ...auditContext(req, res), action, target, details })
}
