/**
 * The hazard import (`npm run import -- hazards FILE.csv`): the shared CSV machinery
 * (server/imports/csv.ts: chunked reading, rejects report by line, import_runs kind 'hazards'),
 * idempotent by the source's hazard_id. A new hazard_id is inserted (in the CSV's status, default
 * `reported`, with an 'imported' event); a known one is compared field by field and updated only
 * if something changed (an 'imported' event lists the changes; its status is left alone: the
 * workflow here owns it); an unchanged one is not written. Batches commit on their own.
 */
import path from 'node:path'
import type { Readable } from 'node:stream'
import { silentProgress, type PhaseProgress } from '../cli/progress.ts'
import { SYSTEM_SCOPE, type Db } from '../db/index.ts'
import { createGeocoder, type Geocoder } from '../geocode/geocoder.ts'
import { openImportFile, openRejectReport, parseCsvChunk, type CsvRecord, type RejectReport } from '../imports/csv.ts'
import { FirstSeen } from '../imports/first-seen.ts'
import { finishImportRun, importTarget, startImportRun, ZERO_COUNTS, type ImportCounts } from '../imports/runs.ts'
import { HAZARD_OPTIONAL_COLUMNS, HAZARD_REQUIRED_COLUMNS, HazardCsvRowSchema, type HazardCsvRow } from './schema.ts'
import { diffHazardFields, hazardFieldsByHazardId, insertHazard, movesHazard, updateHazard } from './store.ts'
import { fieldsOfInput, placeFields } from './write.ts'

type Column = (typeof HAZARD_REQUIRED_COLUMNS)[number] | (typeof HAZARD_OPTIONAL_COLUMNS)[number]

/** Valid lines per transaction: hazards are few, and each is a few statements. */
export const HAZARD_BATCH = 200
const REJECT_SAMPLE = 100

export interface HazardReject {
  line: number
  hazardId: string
  reason: string
}

export interface HazardImportSummary extends ImportCounts {
  runId: number
  seconds: number
  rowsPerSecond: number
  reportPath: string | null
  /** Stored without a point (neither text nor coordinates placed them). */
  unplaced: number
  warnings: string[]
  /** The first rejected lines (all are in the report). */
  rejects: HazardReject[]
}

export interface ImportHazardsOptions {
  /** Rejects report (default `<FILE>.rejects.csv` for a path; none for a stream). null: no report. */
  reportPath?: string | null
  /** import_runs.source (default: the file name). */
  source?: string
  fileName?: string
  progress?: PhaseProgress
  geocoder?: Geocoder
  /** Who the history names (default 'import:<source>'). */
  actor?: string
  batchSize?: number
}

/**
 * Imports a hazards CSV (a path or a stream). Throws ImportInputError before loading anything
 * for a file that cannot be imported (missing columns); bad lines go to the rejects report.
 * @example const s = await importHazards(db, 'hazards.csv'); s.inserted
 */
export async function importHazards(db: Db, input: Readable | string, opts: ImportHazardsOptions = {}): Promise<HazardImportSummary> {
  const t0 = performance.now()
  const { file, reportPath, source } = importTarget(input, opts)
  const progress = opts.progress ?? silentProgress
  const batchSize = opts.batchSize ?? HAZARD_BATCH
  const geocoder = opts.geocoder ?? createGeocoder(db)
  const actor = opts.actor ?? `import:${source}`
  const counts: ImportCounts = { ...ZERO_COUNTS }
  const warnings: string[] = []
  const sample: HazardReject[] = []
  let unplaced = 0

  const runId = await startImportRun(db.sql, { kind: 'hazards', file, source, reportPath: reportPath && path.resolve(reportPath) })
  let report: RejectReport | null = null
  let stream: Readable | null = null
  try {
    const opened = await openImportFile(input, HAZARD_REQUIRED_COLUMNS, HAZARD_OPTIONAL_COLUMNS)
    const { size, csv, header } = opened
    stream = opened.stream
    if (opened.warning) warnings.push(opened.warning)
    report = reportPath ? openRejectReport(reportPath, 'hazard_id') : null
    const seen = new FirstSeen()
    let batch: HazardCsvRow[] = []
    progress.start('hazards', size ?? 0)

    const reject = async (r: HazardReject) => {
      counts.rejected++
      if (sample.length < REJECT_SAMPLE) sample.push(r)
      await report?.add(r.line, r.hazardId, r.reason)
    }
    const flush = async () => {
      if (batch.length === 0) return
      const rows = batch
      batch = []
      const now = new Date()
      const fields = rows.map((r) => fieldsOfInput(r, now))
      // Compare before placing: unchanged and unmoved lines cost no geocoding.
      const before = await db.withScope(SYSTEM_SCOPE, (tx) => hazardFieldsByHazardId(tx, rows.map((r) => r.hazard_id)))
      const needsPlace = rows.map((r, i) => {
        const old = before.get(r.hazard_id)
        return !old || movesHazard(diffHazardFields(old.fields, fields[i]!))
      })
      const toPlace = fields.filter((_, i) => needsPlace[i])
      const placed = await placeFields(db, geocoder, toPlace)
      let k = 0
      const placements = rows.map((_, i) => (needsPlace[i] ? placed[k++]! : null))
      await db.withScope(SYSTEM_SCOPE, async (tx) => {
        for (const [i, r] of rows.entries()) {
          const old = before.get(r.hazard_id)
          const p = placements[i]!
          if (!old) {
            await insertHazard(tx, r.hazard_id, fields[i]!, p, { actor, action: 'imported', status: r.status, comment: `import run #${runId}` })
            counts.inserted++
            if (!p.point) unplaced++
            continue
          }
          const changes = await updateHazard(tx, old.id, fields[i]!, p, { actor, action: 'imported', comment: `import run #${runId}` })
          if (Object.keys(changes).length === 0) counts.unchanged++
          else counts.updated++
          if (p && !p.point) unplaced++
        }
      })
    }
    const take = async (rec: CsvRecord) => {
      counts.read++
      const width = csv.header.length
      const id = (header.index.hazard_id >= 0 ? rec.fields[header.index.hazard_id] : '')?.trim() ?? ''
      if (rec.fields.length !== width) return reject({ line: rec.line, hazardId: id, reason: `expected ${width} fields, found ${rec.fields.length}` })
      const raw: Partial<Record<Column, string>> = {}
      for (const [c, i] of Object.entries(header.index) as [Column, number][]) if (i >= 0) raw[c] = rec.fields[i]
      const parsed = HazardCsvRowSchema.safeParse(raw)
      if (!parsed.success) {
        const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')
        return reject({ line: rec.line, hazardId: id, reason })
      }
      const first = seen.claim(parsed.data.hazard_id, rec.line)
      if (first !== undefined) return reject({ line: rec.line, hazardId: id, reason: `duplicate hazard_id (first on line ${first})` })
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
          await reject({ line: it.p.line, hazardId: '', reason: it.p.reason })
        }
      }
      progress.update(csv.bytesRead())
    }
    await flush()
    progress.stop()
    await report?.close()
    report = null
    if (unplaced > 0) warnings.push(`${unplaced} hazards could not be placed (stored without a point)`)
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
    await report?.close().catch(() => undefined)
    // Batches already committed stay in, so the counts so far are the truth.
    const message = err instanceof Error ? err.message : String(err)
    await finishImportRun(db.sql, runId, { status: 'failed', counts, message }).catch(() => undefined)
    throw err
  } finally {
    if (stream && !stream.destroyed) stream.destroy()
  }
}
