/**
 * Bookkeeping of file imports (table import_runs, migrations/004_imports.sql): a row is written
 * when an import starts and completed when it ends, so a job's status survives the process.
 */
import path from 'node:path'

import type { Sql } from 'postgres'
import { z } from 'zod'

export const ImportKindSchema = z.enum([
  'addresses',
  'incidents',
  'hazards',
  'gazetteer',
  'boundaries',
  'categories',
  'houses',
  'residents',
  'organisations',
  'disputes',
  'patrols',
  'devices',
  'device_events',
])
export type ImportKind = z.infer<typeof ImportKindSchema>

/** What an import did, row by row. */
export const ImportCountsSchema = z.object({
  read: z.number().int().nonnegative(),
  inserted: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
})
export type ImportCounts = z.infer<typeof ImportCountsSchema>

/** One row of import_runs, as the API will show it. */
export const ImportRunSchema = ImportCountsSchema.extend({
  id: z.coerce.number().int(),
  kind: ImportKindSchema,
  file: z.string(),
  source: z.string().nullable(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  status: z.enum(['running', 'done', 'failed']),
  reportPath: z.string().nullable(),
  message: z.string().nullable(),
})
export type ImportRun = z.infer<typeof ImportRunSchema>

/** An import run as the API answers it in JSON: its times as ISO 8601 strings. */
export const ImportRunViewSchema = ImportRunSchema.extend({ startedAt: z.string(), finishedAt: z.string().nullable() })

export const ZERO_COUNTS: ImportCounts = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 }

/** Records the start of an import and returns its id. */
export async function startImportRun(
  sql: Sql,
  run: { kind: ImportKind; file: string; source: string | null; reportPath: string | null },
): Promise<number> {
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO import_runs (kind, file, source, report_path)
    VALUES (${run.kind}, ${run.file}, ${run.source}, ${run.reportPath})
    RETURNING id`
  return Number(row!.id)
}

/**
 * Marks a running import alive (its heartbeat, server/ops/heartbeat.ts) with its counts so far,
 * which the API shows as progress. A run that has ended is left as it is.
 * @example const stop = startHeartbeat(() => beatImportRun(db.sql, runId, counts))
 */
export async function beatImportRun(sql: Sql, id: number, c: ImportCounts): Promise<void> {
  await sql`
    UPDATE import_runs SET heartbeat_at = now(), read = ${c.read}, inserted = ${c.inserted}, updated = ${c.updated},
      unchanged = ${c.unchanged}, rejected = ${c.rejected}
    WHERE id = ${id} AND status = 'running'`
}

/** Records how an import ended (done or failed) with its counts and a message. */
export async function finishImportRun(
  sql: Sql,
  id: number,
  end: { status: 'done' | 'failed'; counts: ImportCounts; message: string | null },
): Promise<void> {
  const c = end.counts
  await sql`
    UPDATE import_runs SET
      status = ${end.status}, finished_at = now(), read = ${c.read}, inserted = ${c.inserted},
      updated = ${c.updated}, unchanged = ${c.unchanged}, rejected = ${c.rejected}, message = ${end.message}
    WHERE id = ${id}`
}

/**
 * Records a run as done (its warnings as the message) and returns its timing since `t0`
 * (performance.now() at its start), as every import's summary reports it.
 * @example const { seconds, rowsPerSecond } = await finishDoneRun(db.sql, runId, counts, warnings, t0)
 */
export async function finishDoneRun(
  sql: Sql,
  id: number,
  counts: ImportCounts,
  warnings: readonly string[],
  t0: number,
): Promise<{ seconds: number; rowsPerSecond: number }> {
  await finishImportRun(sql, id, { status: 'done', counts, message: warnings.length > 0 ? warnings.join('; ') : null })
  const s = (performance.now() - t0) / 1000
  return { seconds: Math.round(s * 1000) / 1000, rowsPerSecond: Math.round(counts.read / Math.max(s, 1e-3)) }
}

/** One import run by id, or null. */
export async function getImportRun(sql: Sql, id: number): Promise<ImportRun | null> {
  const [row] = await sql`
    SELECT id, kind, file, source, started_at AS "startedAt", finished_at AS "finishedAt", status,
           read, inserted, updated, unchanged, rejected, report_path AS "reportPath", message
    FROM import_runs WHERE id = ${id}`
  return row ? ImportRunSchema.parse(row) : null
}

/** The latest import runs, newest first, optionally of one kind. */
export async function listImportRuns(sql: Sql, opts: { kind?: ImportKind | undefined; limit: number }): Promise<ImportRun[]> {
  const rows = await sql`
    SELECT id, kind, file, source, started_at AS "startedAt", finished_at AS "finishedAt", status,
           read, inserted, updated, unchanged, rejected, report_path AS "reportPath", message
    FROM import_runs
    WHERE ${opts.kind ? sql`kind = ${opts.kind}` : sql`true`}
    ORDER BY started_at DESC, id DESC
    LIMIT ${opts.limit}`
  return rows.map((r) => ImportRunSchema.parse(r))
}

/**
 * How an import names its input: the file (resolved path, or the given name of a stream), its
 * rejects report (default `<FILE>.rejects.csv` for a path, none for a stream; null: none) and
 * its source (default the file's base name).
 * @example importTarget('data/a.csv', {}) // { isPath: true, file: '/…/data/a.csv', reportPath: 'data/a.csv.rejects.csv', source: 'a.csv' }
 */
export function importTarget(
  input: unknown,
  opts: { fileName?: string | undefined; reportPath?: string | null | undefined; source?: string | undefined },
): { isPath: boolean; file: string; reportPath: string | null; source: string } {
  const isPath = typeof input === 'string'
  return {
    isPath,
    file: isPath ? path.resolve(input) : (opts.fileName ?? '(stream)'),
    reportPath: opts.reportPath === undefined ? (isPath ? `${input}.rejects.csv` : null) : opts.reportPath,
    source: opts.source ?? (isPath ? path.basename(input) : 'import'),
  }
}
