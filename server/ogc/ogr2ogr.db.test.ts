/**
 * An analyst's first try, as they would type it: `ogr2ogr out.gpkg OAPIF:…/ogc incidents` with
 * no options, on the demo data. It copies every incident, typed, in well under 15 seconds (GDAL
 * 3.6 opens with limit=10; the next links ask for full pages, so it is a few dozen requests, not
 * five thousand).
 * Then the full information view's collections, as an analyst maps houses, organisations,
 * disputes, devices and patrol tracks in QGIS: every record, typed, and the residents counted on
 * the houses add up to the people living in them today.
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

  it('copies the full view’s houses, organisations, disputes and devices, typed, and reads the patrol tracks as lines', async () => {
    const env = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' }
    const out = path.join(dir, 'full-view.gpkg')
    const layers = ['houses', 'organisations', 'disputes', 'devices'] as const
    await run('ogr2ogr', [out, `OAPIF:${s.url}/ogc`, ...layers], { timeout: 170_000, maxBuffer: 64 << 20, env })
    const counts = await s.db.sql<{ layer: string; n: number }[]>`
      SELECT 'houses' AS layer, count(*)::int AS n FROM houses UNION ALL SELECT 'organisations', count(*)::int FROM organisations
      UNION ALL SELECT 'disputes', count(*)::int FROM disputes UNION ALL SELECT 'devices', count(*)::int FROM devices`
    for (const layer of layers) {
      const n = counts.find((c) => c.layer === layer)!.n
      expect(n, `demo ${layer}`).toBeGreaterThan(500)
      const info = await run('ogrinfo', ['-ro', '-so', out, layer], { timeout: 60_000 })
      expect(info.stdout, layer).toMatch(new RegExp(`Feature Count: ${n}\\b`))
      expect(info.stdout, layer).toMatch(/Geometry: Point/)
    }
    const houses = await run('ogrinfo', ['-ro', '-so', out, 'houses'], { timeout: 60_000 })
    expect(houses.stdout).toMatch(/residents: Integer/)
    expect(houses.stdout).toMatch(/groupRental: Integer\(Boolean\)/)
    expect(houses.stdout).not.toMatch(/^owner\w*: /im)
    const disputes = await run('ogrinfo', ['-ro', '-so', out, 'disputes'], { timeout: 60_000 })
    expect(disputes.stdout).toMatch(/reportedAt: DateTime/)
    expect(disputes.stdout).not.toMatch(/^part\w*: /im)

    // What an analyst sums in QGIS is who lives in the houses today (moved in, not moved out).
    const summed = await run('ogrinfo', ['-ro', '-q', out, '-sql', 'SELECT sum(residents) AS n, sum(migrants) AS m FROM houses'], {
      timeout: 60_000,
    })
    const [living] = await s.db.sql<{ n: number; m: number }[]>`
      SELECT count(*)::int AS n, (count(*) FILTER (WHERE residence = 'migrant'))::int AS m FROM residents
      WHERE house_id IS NOT NULL AND (moved_in IS NULL OR moved_in <= (now() AT TIME ZONE 'Asia/Shanghai')::date)
        AND (moved_out IS NULL OR moved_out > (now() AT TIME ZONE 'Asia/Shanghai')::date)`
    expect(living!.n).toBeGreaterThan(1000)
    expect(summed.stdout).toMatch(new RegExp(`n \\(Integer[^)]*\\) = ${living!.n}\\b`))
    expect(summed.stdout).toMatch(new RegExp(`m \\(Integer[^)]*\\) = ${living!.m}\\b`))

    const [patrols] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM patrols`
    const tracks = await run('ogrinfo', ['-ro', '-so', '--config', 'GDAL_HTTP_TIMEOUT', '30', `OAPIF:${s.url}/ogc`, 'patrols'], {
      timeout: 120_000,
      maxBuffer: 16 << 20,
      env,
    })
    expect(tracks.stdout).toMatch(/Geometry: Line String/)
    expect(tracks.stdout).toMatch(new RegExp(`Feature Count: ${patrols!.n}\\b`))
    expect(tracks.stdout).toMatch(/startedAt: DateTime/)
    expect(tracks.stdout).toMatch(/lengthM: Real/)
  }, 240_000)
})
