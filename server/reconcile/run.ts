/**
 * A reconciliation run: reads the other table's CSV (the address import's columns and row
 * schema), geocodes its rows against the base in batches, with each row's point so that the
 * geocoder ranks candidates by it and measures the distance, and stores the pairs as rules.ts
 * decides, writing only those that change. Bad lines go to a rejects report (line, address_id,
 * reason) like the import's; good lines are still processed.
 *
 * Not one transaction, unlike the import: the geocoder runs its own transactions, and each batch
 * is written in a short one that locks its pairs (so a decision made meanwhile is neither lost
 * nor overwritten). A run that fails half-way leaves its finished batches; running the file again
 * completes it, the written rows counting as unchanged.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'

import { toWgs84Stored } from '../addresses/prepare.ts'
import {
  type AddressColumn,
  type AddressCsvInput,
  AddressImportRowSchema,
  OPTIONAL_COLUMNS,
  rejectReason,
  REQUIRED_COLUMNS,
} from '../addresses/schema.ts'
import type { Db } from '../db/index.ts'
import { createGeocoder, type Geocoder } from '../geocode/geocoder.ts'
import type { MatchLevel } from '../geocode/schema.ts'
import {
  type CsvRecord,
  ImportInputError,
  mapHeader,
  openCsvChunks,
  openRejectReport,
  parseCsvChunk,
  type RejectReport,
} from '../imports/csv.ts'
import { FirstSeen } from '../imports/first-seen.ts'
import { startHeartbeat } from '../ops/heartbeat.ts'
import { type PhaseProgress, silentProgress } from '../ops/progress.ts'
import { nextPair, type OtherRow, type PairState } from './rules.ts'
import { type PairStatus, type RunCounts, ZERO_RUN_COUNTS } from './schema.ts'
import { baseHasAddresses, beatRun, finishRun, lockPairs, startRun, statusCounts, writePairs } from './store.ts'

/** Rows per geocoding batch and per write transaction. */
const BATCH = 2_000
/** Rejected lines kept in the summary (all of them go to the report). */
const REJECT_SAMPLE = 100

export interface ReconcileOptions {
  /** The other table's name; pairs are keyed by (source, address_id). Default: the file's name. */
  source?: string
  /** Rejects report (default `<FILE>.reconcile-rejects.csv` for a path, none for a stream). null: no report. */
  reportPath?: string | null
  /** The name recorded for a stream input. */
  fileName?: string
  progress?: PhaseProgress
  /** Reuse a geocoder (the server's); default a new one. */
  geocoder?: Geocoder
  /** Rows per batch (tests use small ones to cross batch boundaries). */
  batchSize?: number
}

export interface RejectedLine {
  line: number
  addressId: string
  reason: string
}

export interface ReconcileSummary extends RunCounts {
  runId: number
  source: string
  file: string
  reportPath: string | null
  /** Rows of this file by the level of their pair (written or unchanged). */
  levels: Partial<Record<MatchLevel, number>>
  /** All pairs of the source by status, after the run. */
  queue: Record<PairStatus, number>
  /** The first rejected lines (all are in the report). */
  rejects: RejectedLine[]
  warnings: string[]
  seconds: number
}

/** A record's fields as column → text for the import row schema. */
function toInput(fields: readonly string[], index: Record<AddressColumn, number>): AddressCsvInput {
  const out: AddressCsvInput = {}
  for (const c of Object.keys(index) as AddressColumn[]) {
    const i = index[c]
    if (i >= 0) out[c] = fields[i]
  }
  return out
}

/**
 * A CSV record as a row of the other table, or why it is rejected. The point is converted to
 * WGS84 the way the import stores it, so an unchanged line reads back identical on every run.
 * @example readRow({ line: 2, fields: ['P1', '金城路440号', '120.26', '30.16'] }, index, 4) // { row: { otherId: 'P1', … } }
 */
export function readRow(rec: CsvRecord, index: Record<AddressColumn, number>, width: number): { row: OtherRow } | { reject: RejectedLine } {
  const id = (rec.fields[index.address_id] ?? '').trim()
  if (rec.fields.length !== width)
    return { reject: { line: rec.line, addressId: id, reason: `expected ${width} fields, found ${rec.fields.length}` } }
  const parsed = AddressImportRowSchema.safeParse(toInput(rec.fields, index))
  if (!parsed.success) return { reject: { line: rec.line, addressId: id, reason: rejectReason(parsed.error) } }
  const r = parsed.data
  const [lng, lat] = toWgs84Stored(r.lng, r.lat, r.crs)
  return { row: { otherId: r.addressId, address: r.address, lng, lat } }
}

/**
 * Reconciles an other table (a CSV path or stream) with the address base; see the module
 * comment. Throws ImportInputError before writing anything for a file that cannot be read at
 * all (missing, no header, missing columns) or an empty address base.
 * @example const s = await reconcileFile(db, 'police.csv', { progress: terminalProgress() }); s.review
 */
export async function reconcileFile(db: Db, input: Readable | string, opts: ReconcileOptions = {}): Promise<ReconcileSummary> {
  const t0 = performance.now()
  const isPath = typeof input === 'string'
  const file = isPath ? path.resolve(input) : (opts.fileName ?? '(stream)')
  const source = opts.source ?? (isPath ? path.basename(input) : (opts.fileName ?? 'reconcile'))
  const reportPath = opts.reportPath === undefined ? (isPath ? `${input}.reconcile-rejects.csv` : null) : opts.reportPath
  const progress = opts.progress ?? silentProgress
  const geocoder = opts.geocoder ?? createGeocoder(db)
  const batchSize = opts.batchSize ?? BATCH
  const counts: RunCounts = { ...ZERO_RUN_COUNTS }
  const levels: Partial<Record<MatchLevel, number>> = {}
  const sample: RejectedLine[] = []
  const warnings: string[] = []

  const runId = await startRun(db.sql, { source, file, reportPath })
  const stopHeartbeat = startHeartbeat(() => beatRun(db.sql, runId, counts))
  let report: RejectReport | null = null
  try {
    const size = isPath ? (await fs.promises.stat(input).catch(() => null))?.size : null
    if (isPath && size === undefined) throw new ImportInputError(`no such file: ${input}`)
    if (!(await baseHasAddresses(db.sql))) {
      throw new ImportInputError('the address base is empty: import addresses first (npm run import -- addresses FILE.csv)')
    }
    const csv = await openCsvChunks(isPath ? fs.createReadStream(input, { highWaterMark: 1 << 20 }) : input)
    const header = mapHeader(csv.header, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    if (header.unknown.length > 0) {
      warnings.push(`ignored unknown column${header.unknown.length > 1 ? 's' : ''} ${header.unknown.map((c) => `"${c}"`).join(', ')}`)
    }
    report = reportPath ? openRejectReport(reportPath, 'address_id') : null
    progress.start('reconcile', size ?? 0)

    const seen = new FirstSeen()
    let rows: OtherRow[] = []
    let rejects: RejectedLine[] = []

    const flushRejects = async () => {
      rejects.sort((a, b) => a.line - b.line)
      counts.rejected += rejects.length
      for (const r of rejects) {
        if (sample.length < REJECT_SAMPLE) sample.push(r)
        await report?.add(r.line, r.addressId, r.reason)
      }
      rejects = []
    }

    const processBatch = async () => {
      const batch = rows
      rows = []
      await flushRejects()
      if (batch.length === 0) return
      const answers = await geocoder.geocode(batch.map((r) => ({ address: r.address, lng: r.lng, lat: r.lat, crs: 'wgs84' as const })))
      await db.sql.begin(async (tx) => {
        const stored = await lockPairs(
          tx,
          source,
          batch.map((r) => r.otherId),
        )
        const writes: { row: OtherRow; state: PairState }[] = []
        for (const [i, row] of batch.entries()) {
          const { state, write } = nextPair(row, answers[i]!, stored.get(row.otherId) ?? null)
          levels[state.level] = (levels[state.level] ?? 0) + 1
          if (!write) {
            counts.unchanged++
            continue
          }
          // A run only writes machine statuses; decided pairs are kept (not written) by nextPair.
          if (state.status === 'matched' || state.status === 'review' || state.status === 'unmatched') counts[state.status]++
          writes.push({ row, state })
        }
        await writePairs(tx, source, runId, writes)
      })
      progress.update(csv.bytesRead())
    }

    for await (const chunk of csv.chunks) {
      const { records, problems } = parseCsvChunk(chunk)
      for (const p of problems) {
        // Lines csv-parse could not read never became records: count them as read here.
        counts.total++
        rejects.push({ line: p.line, addressId: '', reason: p.reason })
      }
      for (const rec of records) {
        counts.total++
        const r = readRow(rec, header.index, csv.header.length)
        if ('reject' in r) rejects.push(r.reject)
        else {
          const first = seen.claim(r.row.otherId, rec.line)
          if (first === undefined) rows.push(r.row)
          else rejects.push({ line: rec.line, addressId: r.row.otherId, reason: `duplicate address_id (first on line ${first})` })
        }
        if (rows.length >= batchSize) await processBatch()
      }
    }
    await processBatch()
    progress.stop()
    await report?.close()
    report = null
    await finishRun(db.sql, runId, { status: 'done', counts, message: warnings.length > 0 ? warnings.join('; ') : null })
    return {
      runId,
      source,
      file,
      reportPath,
      ...counts,
      levels,
      queue: await statusCounts(db.sql, source),
      rejects: sample,
      warnings,
      seconds: Math.round(performance.now() - t0) / 1000,
    }
  } catch (err) {
    await report?.close().catch(() => undefined)
    const message = err instanceof Error ? err.message : String(err)
    await finishRun(db.sql, runId, { status: 'failed', counts, message }).catch(() => undefined)
    throw err
  } finally {
    stopHeartbeat()
  }
}
