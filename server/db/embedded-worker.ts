/**
 * Hosts the embedded PGlite + PostGIS database in a worker thread, because PGlite queries
 * block the event loop they run on. The server reaches it with postgres.js over a Unix
 * socket (pglite-socket); bulk loads run here, in the host, because COPY FROM STDIN over
 * the socket breaks the embedded database.
 */
import { parentPort, workerData } from 'node:worker_threads'

import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { postgis } from '@electric-sql/pglite-postgis'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { z } from 'zod'

import { concatBytes, createWireFilter } from './wire-filter.ts'

const WorkerDataSchema = z.object({ dataDir: z.string(), socketPath: z.string() })
const RequestSchema = z.discriminatedUnion('op', [
  z.object({
    id: z.number(),
    op: z.literal('copy'),
    table: z.string().regex(/^[a-z_][a-z0-9_]*$/),
    columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).min(1),
    csv: z.string(),
  }),
  z.object({ id: z.number(), op: z.literal('dump') }),
  z.object({ id: z.number(), op: z.literal('close') }),
])
export type WorkerRequest = z.infer<typeof RequestSchema>

const port = parentPort
if (!port) throw new Error('embedded-worker must run in a worker thread')
const { dataDir, socketPath } = WorkerDataSchema.parse(workerData)

const db = await PGlite.create(dataDir, { extensions: { postgis, pg_trgm } })

// Every socket message passes through the wire filter (see wire-filter.ts for why).
const wire = createWireFilter()
const execRaw = db.execProtocolRawStream.bind(db)
db.execProtocolRawStream = async (message, options) => {
  const type = message[0] ?? 0
  if (!wire.shouldExecute(type)) return
  const parts: Uint8Array[] = []
  await execRaw(message, { ...options, onRawData: (d) => parts.push(d.slice()) })
  const forwarded = wire.filter(type, concatBytes(parts))
  if (forwarded.length > 0) options?.onRawData(forwarded)
}

// One client: PGlite is a single backend session, so two clients' statements would interleave.
const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 })
await server.start()
port.postMessage({ type: 'ready' })

/** Answers one request with a result or an error message; it never rejects. */
const answer = async (req: WorkerRequest): Promise<void> => {
  try {
    if (req.op === 'copy') {
      // Identifiers are validated above to plain lower-case names; values travel in the blob.
      const copySql = `COPY ${req.table} (${req.columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`
      const res = await db.query(copySql, [], { blob: new Blob([req.csv]) })
      port.postMessage({ type: 'result', id: req.id, rows: res.affectedRows ?? 0 })
    } else if (req.op === 'dump') {
      const file = await db.dumpDataDir('gzip')
      port.postMessage({ type: 'result', id: req.id, dump: new Uint8Array(await file.arrayBuffer()) })
    } else {
      await server.stop()
      await db.close()
      port.postMessage({ type: 'result', id: req.id })
    }
  } catch (err) {
    port.postMessage({ type: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) })
  }
}

// A malformed request is the host's bug: parsing throws here, outside any promise, and ends the
// worker with that error (as it did before, through an unhandled rejection).
port.on('message', (raw: unknown) => void answer(RequestSchema.parse(raw)))
