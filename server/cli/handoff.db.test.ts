/**
 * A user who started the map (`npm start`, embedded database) and then loads their data with
 * `npm run onboard` / `npm run import` must not have to stop it: the commands hand their work
 * to the running server. Refusals are one sentence, never a stack trace. Real processes, as
 * the user runs them. Embedded only: a native database is shared by any number of processes.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ServerFileSchema } from '../auth/local-token.ts'
import { TEST_KIND } from '../testing/db.ts'
import { type StartedProcess, startProcess } from '../testing/start-process.ts'
import { ROOT_DIR } from '../web/static.ts'

const FIXTURE = path.join(ROOT_DIR, 'data', 'fixtures', 'second-district')

/** Runs a CLI entry point to its end: exit code and what it said on stderr. */
function cli(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('exit', (code) => resolve({ code, err }))
  })
}

describe.skipIf(TEST_KIND === 'native')('command line beside a running server (embedded)', () => {
  let server: StartedProcess | null = null
  let tmp: string
  let env: Record<string, string>

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-'))
    env = { DATABASE_URL: '', DATA_DIR: path.join(tmp, 'data'), SEED: 'none', LOG_LEVEL: 'warn' }
    server = await startProcess(env)
  }, 180_000)
  afterAll(async () => {
    await server?.stop()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  it('onboards a district through the running server, which then serves it', async () => {
    const reports = path.join(tmp, 'reports')
    const r = await cli('server/cli/onboard.ts', [FIXTURE, '--report-dir', reports], env)
    expect(r.err).toMatch(/holds the database: handing the onboarding to it/)
    expect(r.code, r.err).toBe(0)
    expect(r.err).toMatch(/onboarded 德清县 \(330521\)/)
    expect(r.err).toMatch(/villages: 75 loaded/)
    // The bow-tie's repair report came back to the folder the user named.
    expect(fs.readFileSync(path.join(reports, 'grids.gpkg.report.csv'), 'utf8')).toMatch(/repaired,\d+,330521004208001/)
    const { token } = ServerFileSchema.parse(JSON.parse(fs.readFileSync(path.join(env.DATA_DIR!, 'server.json'), 'utf8')))
    const res = await fetch(`${server!.url}/api/boundaries/village.geojson`, { headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { features: unknown[] }).features).toHaveLength(75)
  }, 300_000)

  it('hands a single import over too, and says in one sentence why the server refused it', async () => {
    const bad = path.join(tmp, 'towns.geojson')
    fs.writeFileSync(
      bad,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { FOO: 1 },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [120, 30],
                  [120.1, 30],
                  [120.1, 30.1],
                  [120, 30],
                ],
              ],
            },
          },
        ],
      }),
    )
    const r = await cli('server/cli/import.ts', ['boundaries', bad, '--level', 'town'], env)
    expect(r.code).toBe(1)
    expect(r.err).toMatch(
      /handing the boundaries import to it…\nimport failed: towns.geojson: no 乡镇街道 code field found among FOO: name it with --code-field\n$/,
    )
    expect(r.err).not.toMatch(/\n\s+at /)
  }, 120_000)

  it('without a server file, a held database is refused in one sentence', async () => {
    // Another process (this test) holds the directory, as a second PGlite would.
    const dir = path.join(tmp, 'held')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'pglite.pid'), String(process.pid))
    const r = await cli('server/cli/import.ts', ['incidents', path.join(FIXTURE, 'incidents.csv')], { ...env, DATA_DIR: dir })
    expect(r.code).toBe(1)
    expect(r.err).toMatch(new RegExp(`in use by process ${process.pid}\\. Stop it first, or start the server and run this again`))
    expect(r.err).not.toMatch(/\n\s+at /)
  }, 60_000)
})
