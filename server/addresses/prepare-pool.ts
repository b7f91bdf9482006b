/**
 * Runs prepareBatch in this thread or in worker threads. The per-line work (validation, area
 * lookup, text parsing, H3, encoding) is CPU-bound and independent per line, so on a machine
 * with spare cores it scales out; the importing thread keeps reading, de-duplicating and COPYing.
 */
import { Worker } from 'node:worker_threads'

import type { DictionaryData, NameDictionary } from '../geocode/dictionary.ts'
import type { CsvChunk } from '../imports/csv.ts'
import { buildAreaLocator, type LocatorData } from './locate.ts'
import { prepareChunk, type PrepareContext, type PreparedBatch } from './prepare.ts'

/** Young generation of a worker thread (V8's default is a few MB to 16 MB of semi-space). */
const YOUNG_GENERATION_MB = Number(process.env.ONEMAP_YOUNG_MB ?? 128)
const OLD_GENERATION_MB = Number(process.env.ONEMAP_OLD_MB ?? 512)

/** The plain-data part of a PrepareContext (what a worker is started with). */
export type PrepareOptions = Omit<PrepareContext, 'locator' | 'dict'>

export interface PrepareWorkerData {
  options: PrepareOptions
  locator: LocatorData
  dictionary: DictionaryData
}

export type PrepareRequest = { id: number; chunk: CsvChunk }
export type PrepareReply = { id: number; batch: PreparedBatch } | { id: number; error: string }

export interface Preparer {
  /** Worker threads in use (0: this thread). */
  threads: number
  /** Prepares a chunk (whose memory moves to the worker: do not use it afterwards). */
  prepare(chunk: CsvChunk): Promise<PreparedBatch>
  close(): Promise<void>
}

/** The dictionary's plain data (its Maps are rebuilt in each worker). */
function dictionaryData(d: NameDictionary): DictionaryData {
  return { district: d.district, towns: d.towns, villages: d.villages, places: d.places }
}

/**
 * A preparer over `threads` workers (0: in this thread). Chunks go to the least busy worker;
 * callers put results back in order.
 * @example const p = await openPreparer(options, locatorData, dict, 2); const batch = await p.prepare(records)
 */
export async function openPreparer(
  options: PrepareOptions,
  locator: LocatorData,
  dict: NameDictionary,
  threads: number,
): Promise<Preparer> {
  if (threads <= 0) {
    const ctx: PrepareContext = { ...options, locator: buildAreaLocator(locator.micro, locator.district), dict }
    return { threads: 0, prepare: async (chunk) => prepareChunk(chunk, ctx), close: async () => undefined }
  }
  const data: PrepareWorkerData = { options, locator, dictionary: dictionaryData(dict) }
  const pending = new Map<number, { resolve: (b: PreparedBatch) => void; reject: (e: Error) => void; worker: number }>()
  const busy = new Array<number>(threads).fill(0)
  let failed: Error | null = null
  const fail = (err: Error) => {
    failed ??= err
    for (const p of pending.values()) p.reject(err)
    pending.clear()
  }
  const workers = Array.from({ length: threads }, () => {
    const w = new Worker(new URL('./prepare-worker-boot.mjs', import.meta.url), {
      workerData: data,
      // A young generation this size lets a chunk's short-lived strings die young: with V8's
      // default, they are promoted and collected by full GCs, which took half the time.
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: OLD_GENERATION_MB },
    })
    w.on('message', (msg: PrepareReply) => {
      const p = pending.get(msg.id)
      if (!p) return
      pending.delete(msg.id)
      busy[p.worker]!--
      if ('error' in msg) p.reject(new Error(msg.error))
      else p.resolve(msg.batch)
    })
    w.on('error', fail)
    w.on('exit', (code) => {
      if (pending.size > 0) fail(new Error(`address prepare worker exited with code ${code}`))
    })
    return w
  })
  let nextId = 1
  return {
    threads,
    prepare(chunk) {
      if (failed) return Promise.reject(failed)
      let k = 0
      for (let i = 1; i < threads; i++) if (busy[i]! < busy[k]!) k = i
      const id = nextId++
      busy[k]!++
      return new Promise<PreparedBatch>((resolve, reject) => {
        pending.set(id, { resolve, reject, worker: k })
        const buffer = chunk.data.buffer as ArrayBuffer
        workers[k]!.postMessage({ id, chunk } satisfies PrepareRequest, [buffer])
      })
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
