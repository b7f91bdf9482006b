/**
 * The batched CSV import of reports (incidents, hazards): one loop for every kind. It reads the
 * file in chunks (server/imports/csv.ts), checks each line against the kind's zod schema, rejects
 * bad and duplicate lines by line number into the report (good lines still load), hands valid
 * lines to the kind's `load` in batches — each batch commits on its own, so a failure midway
 * keeps the earlier batches and a re-run is safe (loads are idempotent by the source's id) — and
 * records the run in import_runs with its counts.
 */
import path from 'node:path'
import type { Readable } from 'node:stream'

import type { z } from 'zod'

import type { Db } from '../db/index.ts'
import { startHeartbeat } from '../ops/heartbeat.ts'
import { type PhaseProgress, silentProgress } from '../ops/progress.ts'
import { type CsvRecord, openImportFile, openRejectReport, parseCsvChunk, type RejectReport } from './csv.ts'
import { FirstSeen } from './first-seen.ts'
import {
  beatImportRun,
  finishDoneRun,
  finishImportRun,
  type ImportCounts,
  type ImportKind,
  importTarget,
  startImportRun,
  ZERO_COUNTS,
} from './runs.ts'

const REJECT_SAMPLE = 100

/** A rejected line: its number, the id it carried (if readable) and why. */
export interface ImportReject {
  line: number
  id: string
  reason: string
}

export interface BatchedImportSummary extends ImportCounts {
  runId: number
  seconds: number
  rowsPerSecond: number
  reportPath: string | null
  /** Stored without a point (neither text nor coordinates placed them). */
  unplaced: number
  /**
   * Came with a point outside the district, not used (unplaced, or placed by the area their text
   * named). Always given by importBatched; absent from summaries of kinds that place nothing.
   */
  outside?: number
  warnings: string[]
  /** The first rejected lines (all are in the report). */
  rejects: ImportReject[]
}

/** What one batch did to the store. */
export interface BatchOutcome {
  inserted: number
  updated: number
  unchanged: number
  unplaced: number
  /** Of the batch, how many came with a point outside the district (kinds that place reports). */
  outside?: number
}

export interface BatchedImportOptions {
  /** Rejects report (default `<FILE>.rejects.csv` for a path; none for a stream). null: no report. */
  reportPath?: string | null
  /** import_runs.source (default: the file name). */
  source?: string
  fileName?: string
  progress?: PhaseProgress
  batchSize?: number
}

/** One kind of report: its columns, its line schema and how a batch of valid lines is stored. */
export interface BatchedImportKind<Row> {
  kind: ImportKind
  /** The id column (unique within a file; the rejects report names it). */
  idColumn: string
  required: readonly string[]
  optional: readonly string[]
  /** A line's fields by column name → a valid row, or issues naming the fields. */
  schema: z.ZodType<Row, unknown>
  idOf(row: Row): string
  /** Fills in what a line leaves empty before it is checked (e.g. the run's source). */
  prepare?(raw: Record<string, string | undefined>, source: string): void
  /** Stores a batch (its ids are distinct); called with at most `depth` batches in flight. */
  load(rows: Row[], ctx: { runId: number; source: string }): Promise<BatchOutcome>
  batchSize: number
  /** Batches in flight at once (2: one in the database while the next is prepared). */
  depth: number
  /** The warning for stored-but-unplaced rows, e.g. `${n} incidents could not be placed`. */
  unplacedWarning(n: number): string
  /** The warning for rows with a point outside the district. */
  outsideWarning?(n: number): string
}

/**
 * Imports a CSV of one kind of report (a path or a stream). Throws ImportInputError before
 * loading anything for a file that cannot be imported (missing columns).
 * @example const s = await importBatched(db, 'hazards.csv', {}, hazardKind); s.rejected
 */
export async function importBatched<Row>(
  db: Db,
  input: Readable | string,
  opts: BatchedImportOptions,
  spec: BatchedImportKind<Row>,
): Promise<BatchedImportSummary> {
  const t0 = performance.now()
  const { file, reportPath, source } = importTarget(input, opts)
  const progress = opts.progress ?? silentProgress
  const batchSize = opts.batchSize ?? spec.batchSize
  const counts: ImportCounts = { ...ZERO_COUNTS }
  const warnings: string[] = []
  const sample: ImportReject[] = []
  let unplaced = 0
  let outside = 0

  const runId = await startImportRun(db.sql, { kind: spec.kind, file, source, reportPath: reportPath && path.resolve(reportPath) })
  // Batches commit as they go: the counts so far are true, and the API shows them as progress.
  const stopHeartbeat = startHeartbeat(() => beatImportRun(db.sql, runId, counts))
  let report: RejectReport | null = null
  let stream: Readable | null = null
  const inflight: Promise<void>[] = []
  // Boxed, so that any rejection reason (even a falsy one) counts and is rethrown as it was.
  let failure: { error: unknown } | null = null
  const settle = async (n: number) => {
    while (inflight.length > n) await inflight.shift()
    if (failure) throw failure.error
  }
  try {
    const opened = await openImportFile(input, spec.required, spec.optional)
    const { size, csv, header } = opened
    stream = opened.stream
    if (opened.warning) warnings.push(opened.warning)
    report = reportPath ? openRejectReport(reportPath, spec.idColumn) : null
    const seen = new FirstSeen()
    let batch: Row[] = []
    progress.start(spec.kind, size ?? 0)

    const reject = async (r: ImportReject) => {
      counts.rejected++
      if (sample.length < REJECT_SAMPLE) sample.push(r)
      await report?.add(r.line, r.id, r.reason)
    }
    const flush = async () => {
      if (batch.length === 0) return
      const work = spec.load(batch, { runId, source }).then(
        (o) => {
          counts.inserted += o.inserted
          counts.updated += o.updated
          counts.unchanged += o.unchanged
          unplaced += o.unplaced
          outside += o.outside ?? 0
        },
        (err: unknown) => {
          failure ??= { error: err }
        },
      )
      batch = []
      inflight.push(work)
      await settle(spec.depth - 1)
    }
    const idIndex = header.index[spec.idColumn] ?? -1
    const take = async (rec: CsvRecord) => {
      counts.read++
      const width = csv.header.length
      const id = (idIndex >= 0 ? rec.fields[idIndex] : '')?.trim() ?? ''
      if (rec.fields.length !== width) return reject({ line: rec.line, id, reason: `expected ${width} fields, found ${rec.fields.length}` })
      const raw: Record<string, string | undefined> = {}
      for (const [c, i] of Object.entries(header.index)) if (i >= 0) raw[c] = rec.fields[i]
      spec.prepare?.(raw, source)
      const parsed = spec.schema.safeParse(raw)
      if (!parsed.success) {
        const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')
        return reject({ line: rec.line, id, reason })
      }
      const first = seen.claim(spec.idOf(parsed.data), rec.line)
      if (first !== undefined) return reject({ line: rec.line, id, reason: `duplicate ${spec.idColumn} (first on line ${first})` })
      batch.push(parsed.data)
      if (batch.length >= batchSize) await flush()
    }

    for await (const chunk of csv.chunks) {
      const { records, problems } = parseCsvChunk(chunk)
      // Problems and records interleave by line, so the report reads in file order.
      const items = [...records.map((r) => ({ line: r.line, r })), ...problems.map((p) => ({ line: p.line, p }))].sort(
        (a, b) => a.line - b.line,
      )
      for (const it of items) {
        if ('r' in it) await take(it.r)
        else {
          counts.read++
          await reject({ line: it.p.line, id: '', reason: it.p.reason })
        }
      }
      progress.update(csv.bytesRead())
    }
    await flush()
    await settle(0)
    progress.stop()
    await report?.close()
    report = null
    if (unplaced > 0) warnings.push(spec.unplacedWarning(unplaced))
    if (outside > 0 && spec.outsideWarning) warnings.push(spec.outsideWarning(outside))
    const timing = await finishDoneRun(db.sql, runId, counts, warnings, t0)
    return {
      runId,
      ...counts,
      ...timing,
      reportPath,
      unplaced,
      outside,
      warnings,
      rejects: sample,
    }
  } catch (err) {
    await Promise.allSettled(inflight)
    await report?.close().catch(() => undefined)
    // Batches already committed stay in, so the counts so far are the truth.
    const message = err instanceof Error ? err.message : String(err)
    await finishImportRun(db.sql, runId, { status: 'failed', counts, message }).catch(() => undefined)
    throw err
  } finally {
    stopHeartbeat()
    if (stream && !stream.destroyed) stream.destroy()
  }
}
