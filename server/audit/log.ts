/**
 * The append-only audit log (migrations/019: no UPDATE, DELETE or TRUNCATE, not even by the
 * server's own connection): logins, exports, task transitions, model changes, user changes.
 */
import type { Sql } from 'postgres'
import { z } from 'zod'

import { ListLimitSchema } from '../shared/list-query.ts'

/** What gets recorded. */
export const AuditActionSchema = z.enum([
  'login', // details.ok false for a failed attempt
  'logout',
  'user.create',
  'user.update',
  'apikey.create',
  'apikey.revoke',
  'display-token.create',
  'display-token.revoke',
  'export',
  'task.create',
  'task.transition',
  'task.edit',
  'warning.transition',
  'hazard.transition',
  'model.update',
  'model.run',
  'rankings.config',
  'category-roles.update',
  'profile.update',
  'import',
  'attachment.upload',
  'attachment.download', // every file or thumbnail sent (details.variant)
  'incident.report', // an event reported from the field (the phone)
  'people.read', // residents, landlords or dispute parties read (details.unmasked: personal data revealed)
  'people.export', // the same, leaving the system
  'self-check.submit', // an organisation's self-check recorded (and the hazards it registered)
  'assessment.enter', // a 双十条 indicator value entered by hand
  'dispute.step', // a mediation step taken on a dispute (details.action, details.level)
])
export type AuditAction = z.infer<typeof AuditActionSchema>

export interface AuditEntry {
  actor: string
  role?: string | null | undefined
  action: AuditAction
  target?: string | null | undefined
  details?: Record<string, unknown> | undefined
  ip?: string | null | undefined
  requestId?: string | null | undefined
}

/**
 * Appends one entry (its own statement, outside the caller's transaction, so a refused login
 * is recorded even though nothing else happens).
 * @example await audit(db.sql, { actor: 'admin', action: 'user.create', target: 'user:7' })
 */
export async function audit(sql: Sql, e: AuditEntry): Promise<void> {
  await sql`
    INSERT INTO audit_log (actor, role, action, target, details, ip, request_id)
    VALUES (${e.actor}, ${e.role ?? null}, ${e.action}, ${e.target ?? null}, ${sql.json(JSON.parse(JSON.stringify(e.details ?? {})))},
            ${e.ip ?? null}, ${e.requestId ?? null})`
}

export const AuditQuerySchema = z.object({
  action: AuditActionSchema.optional(),
  actor: z.string().max(100).optional(),
  /** What was acted on, exactly as recorded (`user:7`, `import-job:…`). */
  target: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: ListLimitSchema,
  /** Keyset paging: entries older than this id. */
  before: z.coerce.number().int().min(1).optional(),
})
export type AuditQuery = z.infer<typeof AuditQuerySchema>

export interface AuditRecord {
  id: string
  at: string
  actor: string
  role: string | null
  action: string
  target: string | null
  details: Record<string, unknown>
  ip: string | null
  requestId: string | null
}

/** Newest first, with a `next` id for the page after. */
export async function readAudit(sql: Sql, q: AuditQuery): Promise<{ entries: AuditRecord[]; next: string | null }> {
  const rows = await sql<
    {
      id: string
      at: Date
      actor: string
      role: string | null
      action: string
      target: string | null
      details: Record<string, unknown>
      ip: string | null
      request_id: string | null
    }[]
  >`
    SELECT id::text, at, actor, role, action, target, details, ip, request_id FROM audit_log
    WHERE (${q.action ?? null}::text IS NULL OR action = ${q.action ?? null})
      AND (${q.actor ?? null}::text IS NULL OR actor = ${q.actor ?? null})
      AND (${q.target ?? null}::text IS NULL OR target = ${q.target ?? null})
      AND (${q.from ?? null}::timestamptz IS NULL OR at >= ${q.from ?? null}::timestamptz)
      AND (${q.to ?? null}::timestamptz IS NULL OR at < ${q.to ?? null}::timestamptz)
      AND (${q.before ?? null}::bigint IS NULL OR id < ${q.before ?? null}::bigint)
    ORDER BY id DESC LIMIT ${q.limit + 1}`
  const page = rows.slice(0, q.limit)
  return {
    entries: page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      role: r.role,
      action: r.action,
      target: r.target,
      details: r.details,
      ip: r.ip,
      requestId: r.request_id,
    })),
    next: rows.length > q.limit ? page[page.length - 1]!.id : null,
  }
}
