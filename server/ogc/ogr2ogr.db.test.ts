/**
 * An analyst's first try, as they would type it: `ogr2ogr out.gpkg OAPIF:…/ogc incidents` with
 * no options, on the demo data. It copies every incident, typed, in well under 15 seconds (GDAL
 * 3.6 opens with limit=10; the next links ask for full pages, so it is a few dozen requests, not
 * five thousand).
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'

const run = promisify(execFile)

describe(`a default ogr2ogr of all incidents (${TEST_KIND})`, () => {
  let s: TestServer
  let dir: string
  beforeAll(async () => {
    s = await startTestServer({ seed: 'small', web: false })
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-ogr2ogr-'))
  }, 600_000)
  afterAll(async () => {
    await s?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('copies every incident with typed fields in under 15 s', async () => {
    const env = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', CPL_DEBUG: 'ON' }
    const out = path.join(dir, 'incidents.gpkg')
    const t0 = performance.now()
    const copy = await run('ogr2ogr', [out, `OAPIF:${s.url}/ogc`, 'incidents'], { timeout: 120_000, maxBuffer: 64 << 20, env })
    const seconds = (performance.now() - t0) / 1000
    const requests = copy.stderr.match(/Fetch\([^)]*\/collections\/incidents\/items/g)?.length ?? 0
    console.log(`ogr2ogr of the demo incidents: ${seconds.toFixed(1)} s, ${requests} page requests (${TEST_KIND})`)

    const [all] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents`
    expect(all!.n).toBeGreaterThan(10_000)
    const info = await run('ogrinfo', ['-ro', '-so', out, 'incidents'], { timeout: 60_000 })
    expect(info.stdout).toMatch(new RegExp(`Feature Count: ${all!.n}\\b`))
    expect(info.stdout).toMatch(/geocodeScore: Real/)
    expect(info.stdout).toMatch(/reportedAt: DateTime/)
    // 10, then pages of 1,000.
    expect(requests).toBeLessThanOrEqual(2 + Math.ceil(all!.n / 1_000))
    expect(seconds).toBeLessThan(15)
  }, 180_000)
})
