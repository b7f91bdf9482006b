/**
 * `npm run bench:startup`: times `npm start` on the embedded database, cold (empty data dir:
 * create, migrate, seed small) and warm (the same data dir again), until the URL answers.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { startProcess } from '../../server/testing/start-process.ts'

async function timeStart(dataDir: string): Promise<{ seconds: number; health: unknown }> {
  const started = Date.now()
  const server = await startProcess({ DATA_DIR: dataDir, DATABASE_URL: '' })
  const health = await (await fetch(`${server.url}/api/health`)).json()
  const seconds = (Date.now() - started) / 1000
  await server.stop()
  return { seconds, health }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-bench-'))
try {
  const cold = await timeStart(dataDir)
  console.log(`cold start (create + migrate + seed small): ${cold.seconds.toFixed(1)} s`)
  console.log(`  tables: ${JSON.stringify((cold.health as { tables: unknown }).tables)}`)
  for (let i = 1; i <= 3; i++) {
    const warm = await timeStart(dataDir)
    console.log(`warm start #${i} (existing data): ${warm.seconds.toFixed(1)} s`)
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true })
}
