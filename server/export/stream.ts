/**
 * Streams one export to the HTTP response: rows come from a server-side cursor a batch at a time
 * and each batch is written only when the response has drained, so memory stays flat whatever
 * the size and a slow client slows the query instead of filling the heap.
 */
import type { Response } from 'express'

import type { Db, Scope } from '../db/index.ts'
import type { Crs } from '../geo/crs.ts'
import type { CollectionDef } from '../ogc/collections.ts'
import { type FeatureRow, type ItemFilter, maskPersonal, pageRows, streamItems, toFeature } from '../ogc/features.ts'
import { batchText, convertGeometry, exportHead, exportTail } from './format.ts'
import { sendHeld } from './ranged.ts'
import type { ExportFormat } from './schema.ts'

/** Rows per cursor fetch: ~0.5 MB of GeoJSON, few round trips, small peaks. */
export const EXPORT_BATCH = 1_000

export interface ExportOutcome {
  status: 'finished' | 'aborted' | 'failed'
  rows: number
  bytes: number
  message: string | null
  /** The whole file, when it fitted in `ExportJob.holdBytes` and was sent with Content-Length. */
  body?: Buffer
}

export interface ExportJob {
  def: CollectionDef
  filter: ItemFilter
  format: ExportFormat
  crs: Crs
  fileName: string
  /** Personal text as stored (only on request, by callers with the `pii` permission); masked otherwise. */
  unmasked: boolean
  /** Hold up to this many bytes before sending: a file that fits goes out with Content-Length (0: stream at once). */
  holdBytes?: number
  /** The request's Range header: served from a held file (206), ignored when streaming. */
  range?: string | undefined
}

export const CONTENT_TYPE: Record<ExportFormat, string> = {
  geojson: 'application/geo+json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
}

/**
 * A writer that waits for 'drain' when the response's buffer is full and stops writing once the
 * client has gone. One listener of each kind for the whole response: with the compression
 * middleware, 'drain' listeners sit on its zlib stream and could not be removed one by one.
 * @example const out = responseWriter(res); await out.write('…'); out.gone // false
 */
function responseWriter(res: Response, holdBytes: number) {
  let wake: (() => void) | null = null
  const state = { gone: false, bytes: 0 }
  // Bytes kept back until they pass holdBytes (then sent, and streaming goes on), or the end (a file).
  let held: Buffer[] | null = holdBytes > 0 ? [] : null
  res.on('close', () => {
    if (!res.writableFinished) state.gone = true
    wake?.()
  })
  res.on('drain', () => wake?.())
  return {
    get gone() {
      return state.gone
    },
    get bytes() {
      return state.bytes
    },
    /** The whole text when it was all held back (nothing sent yet), else null. */
    takeHeld(): Buffer | null {
      const all = held === null ? null : Buffer.concat(held)
      held = null
      return all
    },
    async write(piece: string): Promise<void> {
      if (piece === '' || state.gone) return
      let text: string | Buffer = piece
      state.bytes += Buffer.byteLength(piece)
      if (held !== null) {
        held.push(Buffer.from(piece))
        if (state.bytes <= holdBytes) return
        text = Buffer.concat(held)
        held = null
        res.setHeader('Accept-Ranges', 'none')
        res.setHeader('X-Export-Mode', 'streaming')
      }
      if (res.write(text)) return
      await new Promise<void>((resolve) => {
        wake = resolve
        if (state.gone) resolve()
      })
      wake = null
    },
  }
}

/**
 * The job's rows in key order, `size` at a time, each batch read in its own short transaction.
 * @example for await (const rows of keysetBatches(db, SYSTEM_SCOPE, job, 1000)) write(rows)
 */
async function* keysetBatches(db: Db, scope: Scope, job: ExportJob, size: number): AsyncGenerator<FeatureRow[]> {
  let after: string | null = null
  for (;;) {
    const from: string | null = after
    const rows: FeatureRow[] = await db.withScope(scope, (tx) => pageRows(tx, job.def, job.filter, size, from, job.def.properties))
    if (rows.length > 0) yield rows
    const last: FeatureRow | undefined = rows.at(-1)
    if (rows.length < size || !last) return
    after = last.__key
  }
}

/**
 * Streams the job to `res` (status, type and Content-Disposition set here) and says how it ended.
 * An error before the first byte is thrown (the error handler answers it); after, the response
 * is cut off, since its status has already gone out.
 * @example await streamExport(db, SYSTEM_SCOPE, job, res) // { status: 'finished', rows: 1200, bytes: 480000, message: null }
 */
export async function streamExport(db: Db, scope: Scope, job: ExportJob, res: Response): Promise<ExportOutcome> {
  const { def, filter, format, crs } = job
  const out = responseWriter(res, job.holdBytes ?? 0)
  let rows = 0
  res.status(200)
  res.setHeader('Content-Type', CONTENT_TYPE[format])
  res.setHeader('Content-Disposition', `attachment; filename="${job.fileName}"`)
  res.setHeader('Cache-Control', 'no-store')
  if (!job.holdBytes) {
    res.setHeader('Accept-Ranges', 'none')
    res.setHeader('X-Export-Mode', 'streaming')
  }
  const writeBatch = async (batch: FeatureRow[]) => {
    const features = batch.map((r) => {
      const f = toFeature(def, r, def.properties)
      return crs === 'wgs84' ? f : { ...f, geometry: convertGeometry(f.geometry, crs) }
    })
    if (!job.unmasked) maskPersonal(def, features)
    await out.write(batchText(def, format, features, rows === 0))
    rows += batch.length
  }
  try {
    await out.write(exportHead(format, crs))
    if (db.kind === 'native') {
      // A server-side cursor in one transaction: one consistent snapshot, one pooled connection.
      await db.withScope(scope, async (tx) => {
        for await (const batch of streamItems(tx, def, filter, def.properties, EXPORT_BATCH)) {
          if (out.gone) break // leaving the loop closes the cursor
          await writeBatch(batch)
        }
      })
    } else {
      // The embedded database is one session behind one connection: a cursor would hold it for
      // the whole download and stall every other request. Keyset batches in short transactions
      // let them in between (rows added meanwhile may join at the end; none repeat).
      for await (const batch of keysetBatches(db, scope, job, EXPORT_BATCH)) {
        if (out.gone) break
        await writeBatch(batch)
      }
    }
    await out.write(exportTail(def, format, rows))
  } catch (err) {
    if (!res.headersSent) throw err
    res.destroy(err instanceof Error ? err : new Error(String(err)))
    return { status: 'failed', rows, bytes: out.bytes, message: err instanceof Error ? err.message : String(err) }
  }
  if (out.gone) return { status: 'aborted', rows, bytes: out.bytes, message: 'the client closed the connection' }
  const body = out.takeHeld()
  if (body) {
    await sendHeld(res, { body, contentType: CONTENT_TYPE[format], fileName: job.fileName, rows }, job.range)
    return {
      status: res.writableFinished ? 'finished' : 'aborted',
      rows,
      bytes: body.length,
      message: res.writableFinished ? null : 'the client closed the connection',
      body,
    }
  }
  // Not res.end(callback): the compression middleware's end() takes its first argument as data.
  await new Promise<void>((resolve) => {
    res.once('finish', resolve)
    res.once('close', resolve)
    res.end()
  })
  return { status: 'finished', rows, bytes: out.bytes, message: null }
}
