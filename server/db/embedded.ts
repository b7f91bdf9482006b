import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'

import postgres from 'postgres'

import { toCopyCsv } from './copy-csv.ts'
import type { CopyValue } from './types.ts'

/** Rows per COPY message to the worker: big enough to amortise, small enough to bound memory. */
const COPY_CHUNK_ROWS = 20_000

export interface EmbeddedHandle {
  sql: postgres.Sql
  copyIn(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number>
  /** A gzipped tarball of the data directory (PGlite's dump). */
  dump(): Promise<Uint8Array>
  close(): Promise<void>
}

type WorkerReply =
  { type: 'ready' } | { type: 'result'; id: number; rows?: number; dump?: Uint8Array } | { type: 'error'; id: number; message: string }

/** Refuses to open a data directory another live process holds: two PGlites on one directory corrupt it. */
function takeLock(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'pglite.pid')
  try {
    const pid = Number(fs.readFileSync(lockFile, 'utf8'))
    if (pid && pid !== process.pid) {
      try {
        process.kill(pid, 0)
        throw new Error(`The embedded database in ${dataDir} is in use by process ${pid}. Stop it first.`)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  fs.writeFileSync(lockFile, String(process.pid))
  return () => fs.rmSync(lockFile, { force: true })
}

/** Opens (creating if needed) the embedded PGlite + PostGIS database under `dataDir`. */
export async function openEmbedded(dataDir: string): Promise<EmbeddedHandle> {
  fs.mkdirSync(dataDir, { recursive: true })
  const release = takeLock(dataDir)
  // Unix socket paths are limited to ~107 bytes, so the socket lives in the temp dir.
  const socketPath = path.join(os.tmpdir(), `onemap-${process.pid}-${Math.random().toString(36).slice(2, 10)}.sock`)
  const worker = new Worker(new URL('./embedded-worker-boot.mjs', import.meta.url), {
    workerData: { dataDir: path.join(dataDir, 'pglite'), socketPath },
  })
  let nextId = 1
  const pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>()
  let failed: Error | null = null

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (msg: WorkerReply) => {
      if (msg.type === 'ready') return resolve()
      const p = pending.get(msg.id)
      if (!p) return
      pending.delete(msg.id)
      if (msg.type === 'error') p.reject(new Error(msg.message))
      else p.resolve(msg)
    })
    worker.on('error', (err) => {
      failed = err
      reject(err)
      for (const p of pending.values()) p.reject(err)
      pending.clear()
    })
    worker.on('exit', (code) => {
      const err = new Error(`embedded database worker exited with code ${code}`)
      failed ??= err
      reject(err)
      for (const p of pending.values()) p.reject(err)
      pending.clear()
    })
  })
  try {
    await ready
  } catch (err) {
    release()
    throw err
  }

  const call = (req: Record<string, unknown>, transfer?: ArrayBuffer[]): Promise<WorkerReply> => {
    if (failed) return Promise.reject(failed)
    const id = nextId++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      worker.postMessage({ ...req, id }, transfer ?? [])
    })
  }

  // PGlite is one backend session: a single connection keeps transactions from interleaving.
  const sql = postgres({ path: socketPath, max: 1, onnotice: () => {}, idle_timeout: 0, connect_timeout: 30 })

  return {
    sql,
    async copyIn(table, columns, rows) {
      let total = 0
      let chunk: (readonly CopyValue[])[] = []
      const flush = async () => {
        if (chunk.length === 0) return
        const reply = await call({ op: 'copy', table, columns: [...columns], csv: toCopyCsv(chunk) })
        total += reply.type === 'result' ? (reply.rows ?? 0) : 0
        chunk = []
      }
      for (const row of rows) {
        chunk.push(row)
        if (chunk.length >= COPY_CHUNK_ROWS) await flush()
      }
      await flush()
      return total
    },
    async dump() {
      const reply = await call({ op: 'dump' })
      if (reply.type !== 'result' || !reply.dump) throw new Error('dump failed')
      return reply.dump
    },
    async close() {
      await sql.end({ timeout: 5 })
      if (!failed) await call({ op: 'close' }).catch(() => undefined)
      await worker.terminate()
      fs.rmSync(socketPath, { force: true })
      release()
    },
  }
}
