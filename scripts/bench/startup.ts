/**
 * `npm run bench:startup`: times `npm start` on the embedded database, cold (empty data dir:
 * create, migrate, seed small) and warm (the same data dir again), until the URL answers.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

async function timeStart(dataDir: string): Promise<{ seconds: number; health: unknown }> {
  const started = Date.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/start.ts'], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString()
      const m = /ready in [\d.]+ s: (http:\/\/\S+)/.exec(output)
      if (m) resolve(m[1]!)
    })
    child.on('exit', (code) => reject(new Error(`start exited with ${code}:\n${output}`)))
  })
  const health = await (await fetch(`${url}/api/health`)).json()
  const seconds = (Date.now() - started) / 1000
  child.kill('SIGTERM')
  await new Promise((r) => child.on('exit', r))
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
