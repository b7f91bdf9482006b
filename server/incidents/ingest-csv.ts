/**
 * The incident import: a CSV file through the same CSV machinery as the address import
 * (server/imports/csv.ts: chunked reading, rejects report, import_runs kind 'incidents'), each
 * batch of ~2,000 valid lines through ingestIncidents. Unlike the address import it is not all
 * or nothing: every batch commits on its own (one upsert statement), so a failure midway leaves
 * the earlier batches in; re-running the file is safe (idempotent: unchanged rows are not written).
 */
import path from 'node:path'
import type { Readable } from 'node:stream'
import { silentProgress, type PhaseProgress } from '../cli/progress.ts'
import type { Db } from '../db/index.ts'
import { createGeocoder, type Geocoder } from '../geocode/geocoder.ts'
import { ImportInputError, openImportFile, openRejectReport, parseCsvChunk, type CsvRecord, type RejectReport } from '../imports/csv.ts'
import { FirstSeen } from '../imports/first-seen.ts'
import { finishImportRun, importTarget, startImportRun, ZERO_COUNTS, type ImportCounts } from '../imports/runs.ts'
import { ingestIncidents, loadCategoryIndex } from './ingest.ts'
import { withCategories, type ResolvedIncident } from './schema.ts'

export const INCIDENT_REQUIRED_COLUMNS = ['incident_id', 'reported_at', 'category'] as const
export const INCIDENT_OPTIONAL_COLUMNS = ['address', 'lng', 'lat', 'crs', 'description', 'source', 'status'] as const
type Column = (typeof INCIDENT_REQUIRED_COLUMNS)[number] | (typeof INCIDENT_OPTIONAL_COLUMNS)[number]

/** Valid lines per ingestIncidents call: one geocoder round and one upsert statement each. */
export const INCIDENT_BATCH = 2_000
const REJECT_SAMPLE = 100
/** Batches in flight at once: one in the database while the next is prepared. */
const PIPELINE_DEPTH = 2

export interface IncidentReject {
  line: number
  incidentId: string
  reason: string
}

export interface IncidentImportSummary extends ImportCounts {
  runId: number
  seconds: number
  rowsPerSecond: number
  reportPath: string | null
  /** Stored without a point (neither text nor coordinates placed them). */
  unplaced: number
  warnings: string[]
  /** The first rejected lines (all are in the report). */
  rejects: IncidentReject[]
}

export interface ImportIncidentsOptions {
  /** Rejects report (default `<FILE>.rejects.csv` for a path; none for a stream). null: no report. */
  reportPath?: string | null
  /** import_runs.source, and each incident's source when its line has none. */
  source?: string
  fileName?: string
  progress?: PhaseProgress
  geocoder?: Geocoder
  batchSize?: number
}

/**
 * Imports an incident CSV (a path or a stream). Throws ImportInputError before loading anything
 * for a file that cannot be imported (missing columns); bad lines go to the rejects report.
 * @example const s = await importIncidents(db, 'incidents.csv'); s.inserted
 */
export async function importIncidents(db: Db, input: Readable | string, opts: ImportIncidentsOptions = {}): Promise<IncidentImportSummary> {
  const t0 = performance.now()
  const { file, reportPath, source } = importTarget(input, opts)
  const progress = opts.progress ?? silentProgress
  const batchSize = opts.batchSize ?? INCIDENT_BATCH
  const geocoder = opts.geocoder ?? createGeocoder(db)
  const counts: ImportCounts = { ...ZERO_COUNTS }
  const warnings: string[] = []
  const sample: IncidentReject[] = []
  let unplaced = 0

  const runId = await startImportRun(db.sql, { kind: 'incidents', file, source, reportPath: reportPath && path.resolve(reportPath) })
  let report: RejectReport | null = null
  let stream: Readable | null = null
  const inflight: Promise<void>[] = []
  let failure: unknown = null
  const settle = async (n: number) => {
    while (inflight.length > n) await inflight.shift()
    if (failure) throw failure
  }
  try {
    const opened = await openImportFile(input, INCIDENT_REQUIRED_COLUMNS, INCIDENT_OPTIONAL_COLUMNS)
    const { size, csv, header } = opened
    stream = opened.stream
    if (opened.warning) warnings.push(opened.warning)
    const schema = withCategories(await loadCategoryIndex(db.sql))
    report = reportPath ? openRejectReport(reportPath, 'incident_id') : null
    const seen = new FirstSeen()
    let batch: ResolvedIncident[] = []
    progress.start('incidents', size ?? 0)

    const reject = async (r: IncidentReject) => {
      counts.rejected++
      if (sample.length < REJECT_SAMPLE) sample.push(r)
      await report?.add(r.line, r.incidentId, r.reason)
    }
    // Batches are pipelined: while one batch waits on the database (probes, upsert), the next is
    // read and parsed in JS, so the two cores work at once. Their ids are distinct (duplicates
    // are rejected above) and the rollup trigger locks in key order, so they cannot collide.
    const flush = async () => {
      if (batch.length === 0) return
      const work = ingestIncidents(db, geocoder, batch).then(
        (results) => {
          for (const r of results) {
            if (r.status === 'created') counts.inserted++
            else if (r.status === 'updated') counts.updated++
            else counts.unchanged++
            if (!r.placed) unplaced++
          }
        },
        (err: unknown) => {
          failure ??= err
        },
      )
      batch = []
      inflight.push(work)
      await settle(PIPELINE_DEPTH - 1)
    }
    const take = async (rec: CsvRecord) => {
      counts.read++
      const width = csv.header.length
      const id = (header.index.incident_id >= 0 ? rec.fields[header.index.incident_id] : '')?.trim() ?? ''
      if (rec.fields.length !== width) return reject({ line: rec.line, incidentId: id, reason: `expected ${width} fields, found ${rec.fields.length}` })
      const raw: Partial<Record<Column, string>> = {}
      for (const [c, i] of Object.entries(header.index) as [Column, number][]) if (i >= 0) raw[c] = rec.fields[i]
      if (!raw.source) raw.source = source
      const parsed = schema.safeParse(raw)
      if (!parsed.success) {
        const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')
        return reject({ line: rec.line, incidentId: id, reason })
      }
      const first = seen.claim(parsed.data.incident_id, rec.line)
      if (first !== undefined) return reject({ line: rec.line, incidentId: id, reason: `duplicate incident_id (first on line ${first})` })
      batch.push(parsed.data)
      if (batch.length >= batchSize) await flush()
    }

    for await (const chunk of csv.chunks) {
      const { records, problems } = parseCsvChunk(chunk)
      // Problems and records interleave by line, so the report reads in file order.
      const items = [...records.map((r) => ({ line: r.line, r })), ...problems.map((p) => ({ line: p.line, p }))].sort((a, b) => a.line - b.line)
      for (const it of items) {
        if ('r' in it) await take(it.r)
        else {
          counts.read++
          await reject({ line: it.p.line, incidentId: '', reason: it.p.reason })
        }
      }
      progress.update(csv.bytesRead())
    }
    await flush()
    await settle(0)
    progress.stop()
    await report?.close()
    report = null
    if (unplaced > 0) warnings.push(`${unplaced} incidents could not be placed (stored without a point: GET /api/incidents/unplaced)`)
    await finishImportRun(db.sql, runId, { status: 'done', counts, message: warnings.length > 0 ? warnings.join('; ') : null })
    const s = (performance.now() - t0) / 1000
    return {
      runId,
      ...counts,
      seconds: Math.round(s * 1000) / 1000,
      rowsPerSecond: Math.round(counts.read / Math.max(s, 1e-3)),
      reportPath,
      unplaced,
      warnings,
      rejects: sample,
    }
  } catch (err) {
    await Promise.allSettled(inflight)
    await report?.close().catch(() => undefined)
    // Batches already ingested stay in (each committed), so the counts so far are the truth.
    const message = err instanceof Error ? err.message : String(err)
    await finishImportRun(db.sql, runId, { status: 'failed', counts, message }).catch(() => undefined)
    throw err
  } finally {
    if (stream && !stream.destroyed) stream.destroy()
  }
}
