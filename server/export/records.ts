/**
 * The export log (table exports, migrations/009_exports.sql): a row is written when an export
 * starts and completed when it ends, so downloads that never finished stay visible.
 */
import type { Tx } from '../db/index.ts'
import type { Crs } from '../geo/crs.ts'
import type { ExportFormat, ExportRecord, ExportStatus } from './schema.ts'

export interface ExportStart {
  requestedBy: string
  layer: string
  format: ExportFormat
  filters: Record<string, string>
  crs: Crs
  fileName: string
}

/**
 * Records the start of an export and returns its id.
 * @example await startExport(tx, { requestedBy: 'anonymous', layer: 'incidents', format: 'csv', filters: {}, crs: 'wgs84', fileName: 'incidents.csv' }) // 7
 */
export async function startExport(sql: Tx, e: ExportStart): Promise<number> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO exports (requested_by, layer, format, filters, crs, file_name)
    VALUES (${e.requestedBy}, ${e.layer}, ${e.format}, ${sql.json(e.filters)}, ${e.crs}, ${e.fileName})
    RETURNING id`
  return Number(row!.id)
}

/** Marks a running export alive (server/ops/heartbeat.ts); an ended one is left as it is. */
export async function beatExport(sql: Tx, id: number): Promise<void> {
  await sql`UPDATE exports SET heartbeat_at = now() WHERE id = ${id} AND status = 'running'`
}

/**
 * Records how an export ended, with the rows and bytes that went out.
 * @example await finishExport(tx, 7, { status: 'finished', rows: 1200, bytes: 480_000, message: null })
 */
export async function finishExport(
  sql: Tx,
  id: number,
  end: { status: Exclude<ExportStatus, 'running'>; rows: number; bytes: number; message: string | null },
): Promise<void> {
  await sql`
    UPDATE exports SET status = ${end.status}, finished_at = now(), row_count = ${end.rows},
      byte_count = ${end.bytes}, message = ${end.message}
    WHERE id = ${id}`
}

interface ExportRow {
  id: string
  requested_by: string
  layer: string
  format: ExportFormat
  filters: Record<string, string>
  crs: Crs
  file_name: string
  started_at: Date
  finished_at: Date | null
  status: ExportStatus
  row_count: string
  byte_count: string
  message: string | null
}

/**
 * The most recent exports, newest first (optionally of one layer).
 * @example (await listExports(tx, 50))[0] // { id: 7, requestedBy: 'anonymous', layer: 'incidents', status: 'finished', rows: 1200, … }
 */
export async function listExports(sql: Tx, limit: number, layer?: string): Promise<ExportRecord[]> {
  const rows = await sql<ExportRow[]>`
    SELECT id, requested_by, layer, format, filters, crs, file_name, started_at, finished_at, status, row_count, byte_count, message
    FROM exports
    WHERE ${layer ?? null}::text IS NULL OR layer = ${layer ?? null}
    ORDER BY started_at DESC, id DESC
    LIMIT ${limit}`
  return rows.map((r) => ({
    id: Number(r.id),
    requestedBy: r.requested_by,
    layer: r.layer,
    format: r.format,
    filters: r.filters,
    crs: r.crs,
    fileName: r.file_name,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    status: r.status,
    rows: Number(r.row_count),
    bytes: Number(r.byte_count),
    message: r.message,
  }))
}
