/** A worker thread running prepareBatch for the address import (see prepare-pool.ts). */
import { parentPort, workerData } from 'node:worker_threads'

import { buildDictionary } from '../geocode/dictionary.ts'
import { buildAreaLocator } from './locate.ts'
import { prepareChunk, type PrepareContext } from './prepare.ts'
import type { PrepareReply, PrepareRequest, PrepareWorkerData } from './prepare-pool.ts'

const port = parentPort
if (!port) throw new Error('prepare-worker must run in a worker thread')
// Structured-cloned by the pool from values it built itself.
const data = workerData as PrepareWorkerData
const ctx: PrepareContext = {
  ...data.options,
  locator: buildAreaLocator(data.locator.micro, data.locator.district),
  dict: buildDictionary(data.dictionary),
}

port.on('message', (req: PrepareRequest) => {
  let reply: PrepareReply
  try {
    reply = { id: req.id, batch: prepareChunk(req.chunk, ctx) }
  } catch (err) {
    reply = { id: req.id, error: err instanceof Error ? err.message : String(err) }
  }
  // The COPY bytes move to the importing thread rather than being copied.
  port.postMessage(reply, 'batch' in reply ? [reply.batch.copy.buffer as ArrayBuffer] : [])
})
