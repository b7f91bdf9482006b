/**
 * The address import: a CSV file of the unified address base into `addresses`, streamed in
 * constant memory (apart from the set of ids seen, to reject duplicates), all or nothing (one
 * transaction), idempotent (re-importing a file changes nothing), with a rejects report.
 *
 * Two ways in, chosen when the import starts:
 * - bulk, when `addresses` is empty: the secondary indexes are dropped, rows are COPYed straight
 *   into the table and the indexes are rebuilt from their own definitions (pg_indexes) — building
 *   an index once is far cheaper than maintaining it row by row. DDL is transactional, so a failed
 *   import leaves the table and its indexes as they were. Readers of `addresses` wait until the
 *   import commits (the table was empty anyway).
 * - upsert, otherwise: rows are COPYed into a temporary stage in batches and merged with
 *   INSERT … ON CONFLICT (address_id) DO UPDATE … WHERE (…) IS DISTINCT FROM (…), so unchanged
 *   rows are not written at all (their updated_at stays) and are counted as unchanged.
 * Afterwards, in the same transaction, the geocoder's dictionary is refreshed and the address
 * base version bumped (addressBaseChanged), if anything changed.
 *
 * COPY runs on the transaction's own connection: native, COPY FROM STDIN; embedded, `db.copyIn`
 * (the worker's COPY FROM '/dev/blob' joins the open transaction: PGlite is a single session).
 */
import { once } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import type { Readable, Writable } from 'node:stream'

import type { TransactionSql } from 'postgres'

import type { CopyValue, Db } from '../db/index.ts'
import { loadNameDictionary } from '../geocode/dictionary.ts'
import { ImportInputError, openImportFile, openRejectReport, type RejectReport } from '../imports/csv.ts'
import { FirstSeen } from '../imports/first-seen.ts'
import { beatImportRun, finishImportRun, type ImportCounts, importTarget, startImportRun, ZERO_COUNTS } from '../imports/runs.ts'
import { startHeartbeat } from '../ops/heartbeat.ts'
import { type PhaseProgress, silentProgress } from '../ops/progress.ts'
import { addressBaseChanged } from './base.ts'
import { loadLocatorData, SNAP_M } from './locate.ts'
import { mergeAddressStage } from './merge.ts'
import { ADDRESS_COPY_COLUMNS, type PreparedBatch, type Reject } from './prepare.ts'
import { openPreparer, type Preparer } from './prepare-pool.ts'
import { OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from './schema.ts'

/** Rows per stage-and-merge step of an upsert import: bounds the stage, amortises the statement. */
const STAGE_ROWS = 50_000
/** Rows per `db.copyIn` call on the embedded database. */
const EMBEDDED_COPY_ROWS = 20_000
/** Rejected lines kept in the summary (all of them go to the report). */
const REJECT_SAMPLE = 100

export interface ImportAddressesOptions {
  /** addresses.source of every row and import_runs.source (default: the file's name, or 'import'). */
  source?: string
  /** Rejects report (default `<FILE>.rejects.csv` for a path; none for a stream). null: no report. */
  reportPath?: string | null
  /** The name recorded in import_runs for a stream input. */
  fileName?: string
  progress?: PhaseProgress
  /** Worker threads for the per-line work (default: by the file size and the CPU count; 0 = this thread). */
  workers?: number
}

/**
 * Seconds per phase. `ingest`, `merge`, `indexes` and `refresh` are wall-clock; parse, validate,
 * place and encode are CPU time of the per-line work (summed over worker threads, overlapping
 * `ingest`); `read` and `copy` are time the importing thread spent reading and waiting for COPY.
 */
export interface ImportPhases {
  /** Wall-clock from the first chunk to the last row COPYed (and staged rows merged). */
  ingest: number
  /** Reading the file and cutting it into chunks of whole records. */
  read: number
  /** CSV-parsing the chunks (csv-parse). */
  parse: number
  /** zod validation and canonical parts. */
  validate: number
  /** CRS conversion, area lookup, text parsing, H3. */
  place: number
  /** Encoding COPY rows. */
  encode: number
  /** Waiting for COPY (the database ingesting rows). */
  copy: number
  /** Merging staged rows (upsert mode). */
  merge: number
  /** Dropping and rebuilding indexes, ANALYZE (bulk mode). */
  indexes: number
  /** REFRESH MATERIALIZED VIEW address_places and the version bump. */
  refresh: number
}

export interface ImportSummary extends ImportCounts {
  runId: number
  mode: 'bulk' | 'upsert'
  seconds: number
  rowsPerSecond: number
  reportPath: string | null
  /** Rows whose parts were parsed from the text (no part columns given). */
  fromText: number
  /** Rows outside every microgrid that took the codes of one within SNAP_M metres. */
  snapped: number
  /** Rows inside the district but near no microgrid: stored without area codes. */
  unlocated: number
  warnings: string[]
  /** The first rejected lines (all are in the report). */
  rejects: Reject[]
  phases: ImportPhases
  workers: number
}

/** Where accepted rows go: COPY into a table on the transaction's connection. */
interface CopyTarget {
  write(batch: PreparedBatch, keep: readonly boolean[]): Promise<void>
  /** Ends the COPY; returns the rows written. */
  end(): Promise<number>
}

/** Opens a COPY into `table` (ADDRESS_COPY_COLUMNS) inside the transaction `tx`. */
async function openCopy(db: Db, tx: TransactionSql, table: string): Promise<CopyTarget> {
  const columns = [...ADDRESS_COPY_COLUMNS]
  let n = 0
  if (db.kind === 'native') {
    const query = tx`COPY ${tx(table)} (${tx(columns)}) FROM STDIN WITH (FORMAT csv)`
    let failure: Error | null = null
    // postgres.js settles a COPY's promise with its stream; an error the server sends after the
    // last row (a constraint, a trigger, a lost connection) goes only to the query's reject, and
    // the stream then never finishes. Hook it, so waiting for the stream ends with that error.
    const failed = new Promise<never>((_, reject) => {
      const q = query as unknown as { reject: (err: Error) => void }
      const original = q.reject
      q.reject = (err: Error) => {
        failure ??= err
        reject(err)
        original(err)
      }
    })
    failed.catch(() => undefined)
    const w: Writable = await query.writable()
    w.on('error', (err: Error) => {
      failure ??= err
    })
    const until = (event: 'drain' | 'finish') => Promise.race([once(w, event), failed])
    // A function, not an inline check: the failure is set by callbacks while we await, which
    // TypeScript's narrowing of `failure` after an earlier check does not see.
    const rethrow = () => {
      if (failure) throw failure
    }
    let drain: Promise<unknown> | null = null
    return {
      async write(batch, keep) {
        // Wait for the previous chunk only now: the next batch was prepared while it drained.
        if (drain) await drain
        drain = null
        rethrow()
        let chunk = Buffer.from(batch.copy.buffer, batch.copy.byteOffset, batch.copy.byteLength)
        const kept = keep.filter(Boolean).length
        if (kept < keep.length) {
          // Duplicates to leave out (rare): only the kept rows' bytes.
          chunk = Buffer.concat(keep.flatMap((k, i) => (k ? [chunk.subarray(i === 0 ? 0 : batch.ends[i - 1], batch.ends[i])] : [])))
        }
        n += kept
        if (chunk.length > 0 && !w.write(chunk)) {
          drain = until('drain')
          drain.catch(() => undefined) // awaited at the next write or at the end
        }
      },
      async end() {
        if (drain) await drain
        rethrow()
        w.end()
        await until('finish')
        rethrow()
        return n
      },
    }
  }
  let rows: CopyValue[][] = []
  const flush = async () => {
    if (rows.length > 0) await db.copyIn(table, columns, rows)
    rows = []
  }
  return {
    async write(batch, keep) {
      for (let i = 0; i < batch.values.length; i++) {
        if (!keep[i]) continue
        rows.push(batch.values[i]!)
        n++
      }
      if (rows.length >= EMBEDDED_COPY_ROWS) await flush()
    },
    async end() {
      await flush()
      return n
    },
  }
}

interface IndexDef {
  name: string
  def: string
}

/** Secondary indexes of `addresses` (not those behind constraints, e.g. the primary key). */
async function secondaryIndexes(tx: TransactionSql): Promise<IndexDef[]> {
  return tx<IndexDef[]>`
    SELECT indexname AS name, indexdef AS def FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename = 'addresses'
      AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'addresses'::regclass)
    ORDER BY indexname`
}

/**
 * Default number of worker threads: none for small files (starting one costs ~0.5 s), else one
 * per core up to 4 (the importing thread and the database need little CPU of their own).
 */
function defaultWorkers(bytes: number | null): number {
  if (bytes === null || bytes < 20_000_000) return 0
  return Math.max(1, Math.min(os.availableParallelism(), 4))
}

const seconds = (ms: number) => Math.round(ms) / 1000

/**
 * Imports an address CSV (a path or a stream) into `addresses`; see the module comment. Throws
 * ImportInputError for a file that cannot be imported at all (missing columns, no boundaries),
 * before anything is loaded; bad lines are rejected one by one into the report.
 * @example const s = await importAddresses(db, 'addresses.csv', { progress: terminalProgress() }); s.inserted
 */
export async function importAddresses(db: Db, input: Readable | string, opts: ImportAddressesOptions = {}): Promise<ImportSummary> {
  const t0 = performance.now()
  const { file, reportPath, source } = importTarget(input, opts)
  const progress = opts.progress ?? silentProgress
  const counts: ImportCounts = { ...ZERO_COUNTS }
  const phases: ImportPhases = { ingest: 0, read: 0, parse: 0, validate: 0, place: 0, encode: 0, copy: 0, merge: 0, indexes: 0, refresh: 0 }
  const warnings: string[] = []
  const sample: Reject[] = []
  let fromText = 0
  let snapped = 0
  let unlocated = 0

  const runId = await startImportRun(db.sql, { kind: 'addresses', file, source, reportPath: reportPath && path.resolve(reportPath) })
  // One transaction: until it commits nothing is inserted or updated, so progress is lines read and rejected.
  const stopHeartbeat = startHeartbeat(() => beatImportRun(db.sql, runId, { ...ZERO_COUNTS, read: counts.read, rejected: counts.rejected }))
  let report: RejectReport | null = null
  let preparer: Preparer | null = null
  let stream: Readable | null = null
  try {
    const opened = await openImportFile(input, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    const { size, csv, header } = opened
    stream = opened.stream
    if (opened.warning) warnings.push(opened.warning)
    const locatorData = await loadLocatorData(db.sql)
    if (locatorData.micro.length === 0) {
      throw new ImportInputError(
        'admin_areas has no microgrids to place addresses in: load the boundaries first (npm run seed -- --only boundaries)',
      )
    }
    const dict = await loadNameDictionary(db.sql)
    const workers = opts.workers ?? defaultWorkers(size ?? null)
    preparer = await openPreparer(
      { index: header.index, width: csv.header.length, source, encode: db.kind === 'native' ? 'csv' : 'values' },
      locatorData,
      dict,
      db.kind === 'native' ? workers : 0,
    )
    report = reportPath ? openRejectReport(reportPath, 'address_id') : null
    progress.start('addresses', size ?? 0)

    const mode = await db.sql.begin(async (tx) => {
      // Bulk only into a table that is empty under an exclusive lock (nobody can add rows meanwhile).
      const [probe] = await tx<{ empty: boolean }[]>`SELECT NOT EXISTS (SELECT 1 FROM addresses) AS empty`
      let mode: 'bulk' | 'upsert' = probe!.empty ? 'bulk' : 'upsert'
      if (mode === 'bulk') {
        await tx`LOCK TABLE addresses IN ACCESS EXCLUSIVE MODE`
        const [again] = await tx<{ empty: boolean }[]>`SELECT NOT EXISTS (SELECT 1 FROM addresses) AS empty`
        if (!again!.empty) mode = 'upsert'
      }
      let indexes: IndexDef[] = []
      if (mode === 'bulk') {
        const t = performance.now()
        if (db.kind === 'native') {
          // Index builds sort in memory up to this much (the server default of 64 MB spills to disk).
          const [mem] = await tx<{ kb: string }[]>`SELECT setting AS kb FROM pg_settings WHERE name = 'maintenance_work_mem'`
          if (Number(mem!.kb) < 512 * 1024) await tx`SELECT set_config('maintenance_work_mem', '512MB', true)`
        }
        indexes = await secondaryIndexes(tx)
        for (const ix of indexes) await tx`DROP INDEX ${tx(ix.name)}`
        phases.indexes += performance.now() - t
      }
      const stage = 'address_import_stage'
      if (mode === 'upsert') {
        await tx`CREATE TEMP TABLE ${tx(stage)} ON COMMIT DROP AS SELECT ${tx([...ADDRESS_COPY_COLUMNS])} FROM addresses WITH NO DATA`
      }
      let target = await openCopy(db, tx, mode === 'bulk' ? 'addresses' : stage)
      let staged = 0
      const seen = new FirstSeen()

      const consume = async (batch: PreparedBatch) => {
        counts.read += batch.read
        phases.parse += batch.ms.parse
        phases.validate += batch.ms.validate
        phases.place += batch.ms.place
        phases.encode += batch.ms.encode
        snapped += batch.snapped
        unlocated += batch.unlocated
        const rejects = batch.rejects
        let dupes = false
        const keep = batch.ids.map((id, i) => {
          const first = seen.claim(id, batch.lines[i]!)
          if (first === undefined) {
            if (batch.fromText[i]) fromText++
            return true
          }
          rejects.push({ line: batch.lines[i]!, addressId: id, reason: `duplicate address_id (first on line ${first})` })
          dupes = true
          return false
        })
        if (dupes) rejects.sort((a, b) => a.line - b.line)
        counts.rejected += rejects.length
        for (const r of rejects) {
          if (sample.length < REJECT_SAMPLE) sample.push(r)
          await report?.add(r.line, r.addressId, r.reason)
        }
        let t = performance.now()
        await target.write(batch, keep)
        staged += batch.ids.length
        phases.copy += performance.now() - t
        if (mode === 'upsert' && staged >= STAGE_ROWS) {
          t = performance.now()
          const written = await target.end()
          phases.copy += performance.now() - t
          t = performance.now()
          const merged = await mergeAddressStage(tx, stage)
          counts.inserted += merged.inserted
          counts.updated += merged.updated
          counts.unchanged += written - merged.inserted - merged.updated
          await tx`TRUNCATE ${tx(stage)}`
          phases.merge += performance.now() - t
          target = await openCopy(db, tx, stage)
          staged = 0
        }
        progress.update(csv.bytesRead())
      }

      // Chunks are prepared in order, up to `ahead` at a time (in worker threads, if any), and
      // consumed in order, so "first" and line numbers mean what they say.
      const queue: Promise<PreparedBatch>[] = []
      const ahead = Math.max(1, preparer!.threads * 2)
      const ingestStart = performance.now()
      let t = performance.now()
      for await (const chunk of csv.chunks) {
        phases.read += performance.now() - t
        const p = preparer!.prepare(chunk)
        p.catch(() => undefined) // awaited in order below; this only keeps it from counting as unhandled
        queue.push(p)
        while (queue.length >= ahead) await consume(await queue.shift()!)
        t = performance.now()
      }
      phases.read += performance.now() - t
      while (queue.length > 0) await consume(await queue.shift()!)
      t = performance.now()
      const written = await target.end()
      phases.copy += performance.now() - t
      phases.ingest = performance.now() - ingestStart
      progress.stop()
      if (mode === 'bulk') {
        counts.inserted = written
        const t1 = performance.now()
        progress.start('indexes', indexes.length + 1)
        // The definitions are the server's own DDL from pg_indexes, run as they are.
        for (const [i, ix] of indexes.entries()) {
          await tx.unsafe(ix.def)
          progress.update(i + 1)
        }
        // Fresh statistics, or the planner treats the new rows as an empty table until autovacuum.
        if (written > 0) await tx`ANALYZE addresses`
        progress.update(indexes.length + 1)
        progress.stop()
        phases.indexes += performance.now() - t1
      } else {
        t = performance.now()
        const merged = await mergeAddressStage(tx, stage)
        counts.inserted += merged.inserted
        counts.updated += merged.updated
        counts.unchanged += written - merged.inserted - merged.updated
        phases.merge += performance.now() - t
        phases.ingest = performance.now() - ingestStart
      }
      if (counts.inserted + counts.updated > 0) {
        t = performance.now()
        progress.start('dictionary', 1)
        await addressBaseChanged(tx)
        progress.update(1)
        progress.stop()
        phases.refresh += performance.now() - t
      }
      return mode
    })
    await report?.close()
    report = null

    if (snapped > 0) warnings.push(`${snapped} points in no microgrid took the codes of one within ${SNAP_M} m`)
    if (unlocated > 0) warnings.push(`${unlocated} points inside the district but near no microgrid were stored without area codes`)
    const ms = performance.now() - t0
    await finishImportRun(db.sql, runId, { status: 'done', counts, message: warnings.length > 0 ? warnings.join('; ') : null })
    return {
      runId,
      mode,
      ...counts,
      seconds: seconds(ms),
      rowsPerSecond: Math.round(counts.read / Math.max(ms / 1000, 1e-3)),
      reportPath,
      fromText,
      snapped,
      unlocated,
      warnings,
      rejects: sample,
      phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, seconds(v)])) as unknown as ImportPhases,
      workers: preparer.threads,
    }
  } catch (err) {
    await report?.close().catch(() => undefined)
    const message = err instanceof Error ? err.message : String(err)
    // The transaction rolled back: nothing was inserted or updated.
    await finishImportRun(db.sql, runId, { status: 'failed', counts: { ...counts, inserted: 0, updated: 0, unchanged: 0 }, message }).catch(
      () => undefined,
    )
    throw err
  } finally {
    stopHeartbeat()
    await preparer?.close()
    if (stream && !stream.destroyed) stream.destroy()
  }
}
