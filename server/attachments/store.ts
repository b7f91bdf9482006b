/**
 * Attachments in the database: record an upload, find one the caller may see, read its bytes
 * (embedded), check ids given in a task or hazard body, link them to a record's history event,
 * and list a record's attachments. Functions take a transaction in the caller's scope
 * (`db.withScope`): row-level security (migrations/031) hides links to hazards and tasks outside a
 * town officer's or grid worker's areas, so "elsewhere" and "nowhere" read alike.
 *
 * Who may see an attachment: anyone who sees a record it is linked to; until then its uploaders
 * only (each person who uploaded the same bytes).
 */
import type { PendingQuery, Row } from 'postgres'

import type { Queryable, Tx } from '../db/index.ts'
import { invalidField } from '../shared/errors.ts'
import type { ProcessedUpload } from './process.ts'
import type { Attachment, AttachmentMime, LinkedAttachment } from './schema.ts'
import type { StoredIn, Variant } from './storage.ts'

/** Who uploads or links: the actor's name and, for a logged-in user, their id. */
export interface Uploader {
  actor: string
  userId: string | null
}

interface AttachmentRow {
  id: string
  mime: AttachmentMime
  source_mime: string
  bytes: string
  width: number | null
  height: number | null
  thumb_bytes: number | null
  taken_at: Date | null
  lng: number | null
  lat: number | null
  filename: string | null
  stored_in: StoredIn
  created_at: Date
}

/** An attachment the caller may see, with where its bytes are. */
export interface StoredAttachment extends Attachment {
  storedIn: StoredIn
  thumbnailBytes: number | null
}

/** The SELECT list of attachments (`a`), without the bytes. */
function attachmentColumns(sql: Queryable): PendingQuery<Row[]> {
  return sql`a.id, a.mime, a.source_mime, a.bytes::text AS bytes, a.width, a.height, a.thumb_bytes, a.taken_at, a.lng, a.lat,
             a.filename, a.stored_in, a.created_at`
}

/**
 * SQL for "the caller may see attachment `a`": linked to a record they see (the links' policy
 * decides for scoped callers), or uploaded by them.
 */
function visibleSql(sql: Queryable, actor: string): PendingQuery<Row[]> {
  return sql`(EXISTS (SELECT 1 FROM attachment_links l WHERE l.attachment_id = a.id)
              OR EXISTS (SELECT 1 FROM attachment_uploads u WHERE u.attachment_id = a.id AND u.uploaded_by = ${actor}))`
}

/**
 * An attachment's API form.
 * @example toAttachment(row).thumbnailUrl // '/api/attachments/ab12…/thumb'
 */
function toAttachment(r: AttachmentRow): StoredAttachment {
  return {
    id: r.id,
    mime: r.mime,
    sourceMime: r.source_mime,
    bytes: Number(r.bytes),
    width: r.width,
    height: r.height,
    takenAt: r.taken_at?.toISOString() ?? null,
    lng: r.lng,
    lat: r.lat,
    filename: r.filename,
    url: `/api/attachments/${r.id}`,
    thumbnailUrl: r.thumb_bytes === null ? null : `/api/attachments/${r.id}/thumb`,
    createdAt: r.created_at.toISOString(),
    storedIn: r.stored_in,
    thumbnailBytes: r.thumb_bytes,
  }
}

/**
 * Records an upload: the attachment once (the same bytes again add nothing), and this uploader.
 * Returns it as this uploader sees it (their own file name). Bytes go into the row when
 * `where` is 'db'; for 'disk' the caller wrote the files already.
 * @example const a = await saveAttachment(tx, processed, 'db', { actor: 'town-a', userId: '3' }, '现场.jpg')
 */
export async function saveAttachment(
  tx: Tx,
  p: ProcessedUpload,
  where: StoredIn,
  by: Uploader,
  filename: string | null,
): Promise<Attachment> {
  // The uploader first (its key to attachments is checked at commit): a scoped uploader's INSERT …
  // ON CONFLICT must pass the attachments' read policy, and this row is what lets them see it.
  await tx`
    INSERT INTO attachment_uploads (attachment_id, uploaded_by, uploader_id, filename)
    VALUES (${p.id}, ${by.actor}, ${by.userId}, ${filename})
    ON CONFLICT (attachment_id, uploaded_by) DO NOTHING`
  // DO NOTHING: the same bytes uploaded before (by anyone) are this attachment already.
  await tx`
    INSERT INTO attachments (id, mime, source_mime, bytes, width, height, thumb_bytes, taken_at, lng, lat, filename, stored_in,
                             content, thumbnail)
    VALUES (${p.id}, ${p.mime}, ${p.sourceMime}, ${p.data.length}, ${p.width}, ${p.height}, ${p.thumbnail?.length ?? null},
            ${p.takenAt}, ${p.lng}, ${p.lat}, ${filename}, ${where},
            ${where === 'db' ? p.data : null}, ${where === 'db' ? p.thumbnail : null})
    ON CONFLICT (id) DO NOTHING`
  const [row] = await tx<(AttachmentRow & { own_filename: string | null })[]>`
    SELECT ${attachmentColumns(tx)}, u.filename AS own_filename
    FROM attachments a JOIN attachment_uploads u ON u.attachment_id = a.id AND u.uploaded_by = ${by.actor}
    WHERE a.id = ${p.id}`
  const { storedIn: _s, thumbnailBytes: _t, ...shown } = toAttachment(row!)
  return { ...shown, filename: row!.own_filename }
}

/**
 * An attachment the caller may see, or null (none, or not theirs to see: alike on purpose).
 * @example const a = await findAttachment(tx, id, actorOf(req)) // null → 404
 */
export async function findAttachment(sql: Queryable, id: string, actor: string): Promise<StoredAttachment | null> {
  const [row] = await sql<AttachmentRow[]>`
    SELECT ${attachmentColumns(sql)} FROM attachments a WHERE a.id = ${id} AND ${visibleSql(sql, actor)}`
  return row ? toAttachment(row) : null
}

/**
 * The bytes of an attachment kept in the database (embedded), or null.
 * @example const bytes = await attachmentBytes(tx, id, 'thumbnail')
 */
export async function attachmentBytes(sql: Queryable, id: string, variant: Variant): Promise<Buffer | null> {
  const [row] = await sql<{ bytes: Buffer | null }[]>`
    SELECT ${variant === 'file' ? sql`content` : sql`thumbnail`} AS bytes FROM attachments WHERE id = ${id}`
  return row?.bytes ?? null
}

/**
 * Checks ids given in a body (`where`, e.g. `body.attachments`): each must be an attachment the
 * caller may see, else Invalid (400) naming the id and its place (`where.<index>`, the index in
 * `ids` or, given, in `indexes`). Returns them without repeats.
 * @example await assertAttachments(tx, body.attachments ?? [], actorOf(req), 'body.attachments')
 */
export async function assertAttachments(
  tx: Tx,
  ids: readonly string[],
  actor: string,
  where: string,
  indexes?: readonly number[],
): Promise<string[]> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return []
  const seen = await tx<{ id: string }[]>`
    SELECT a.id FROM attachments a WHERE a.id = ANY(${unique}::text[]) AND ${visibleSql(tx, actor)}`
  const found = new Set(seen.map((r) => r.id))
  const bad = ids.findIndex((id) => !found.has(id))
  if (bad >= 0)
    throw invalidField(`${where}.${indexes?.[bad] ?? bad}`, `no attachment ${ids[bad]} (upload it first with POST /api/attachments)`)
  return unique
}

/** A record attachments are linked to. */
export type AttachmentOwner = { hazardId: string } | { taskId: string }

/**
 * Links attachments (checked by assertAttachments) to a hazard or task at its latest history
 * event: call it right after the write that recorded the event, in the same transaction (which
 * holds the record's row lock). An attachment is linked to a record once, at the event it first
 * came with: giving it again (a hazard's edited list still holds it) adds nothing.
 * @example await linkAttachments(tx, ids, { taskId: '7' }, 'town-a')
 */
export async function linkAttachments(tx: Tx, ids: readonly string[], owner: AttachmentOwner, actor: string): Promise<void> {
  if (ids.length === 0) return
  if ('taskId' in owner) {
    await tx`
      INSERT INTO attachment_links (attachment_id, task_id, task_event_id, linked_by)
      SELECT x.id, ${owner.taskId}::bigint, e.id, ${actor}
      FROM unnest(${ids as string[]}::text[]) AS x(id),
           (SELECT id FROM task_events WHERE task_id = ${owner.taskId}::bigint ORDER BY id DESC LIMIT 1) e
      WHERE NOT EXISTS (SELECT 1 FROM attachment_links l WHERE l.attachment_id = x.id AND l.task_id = ${owner.taskId}::bigint)
      ON CONFLICT (attachment_id, task_event_id) DO NOTHING`
  } else {
    await tx`
      INSERT INTO attachment_links (attachment_id, hazard_id, hazard_event_id, linked_by)
      SELECT x.id, ${owner.hazardId}::bigint, e.id, ${actor}
      FROM unnest(${ids as string[]}::text[]) AS x(id),
           (SELECT id FROM hazard_events WHERE hazard_id = ${owner.hazardId}::bigint ORDER BY id DESC LIMIT 1) e
      WHERE NOT EXISTS (SELECT 1 FROM attachment_links l WHERE l.attachment_id = x.id AND l.hazard_id = ${owner.hazardId}::bigint)
      ON CONFLICT (attachment_id, hazard_event_id) DO NOTHING`
  }
}

/**
 * A hazard's or task's attachments, in the order they came, each with its history event.
 * @example (await attachmentsOf(tx, { taskId: '7' }))[0].eventId // the 'submitted' transition's id
 */
export async function attachmentsOf(sql: Queryable, owner: AttachmentOwner): Promise<LinkedAttachment[]> {
  const rows = await sql<(AttachmentRow & { event_id: string; linked_by: string; linked_at: Date })[]>`
    SELECT ${attachmentColumns(sql)}, coalesce(l.task_event_id, l.hazard_event_id)::text AS event_id, l.linked_by, l.linked_at
    FROM attachment_links l JOIN attachments a ON a.id = l.attachment_id
    WHERE ${'taskId' in owner ? sql`l.task_id = ${owner.taskId}::bigint` : sql`l.hazard_id = ${owner.hazardId}::bigint`}
    ORDER BY l.id`
  return rows.map((r) => {
    const { storedIn: _s, thumbnailBytes: _t, ...a } = toAttachment(r)
    return { ...a, eventId: Number(r.event_id), linkedBy: r.linked_by, linkedAt: r.linked_at.toISOString() }
  })
}
