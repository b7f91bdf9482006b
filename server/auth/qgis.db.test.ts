/**
 * QGIS itself (PyQGIS 3.22, headless) against the real server with login required: an analyst's
 * Basic authcfg holding an API key loads OGC API – Features (restrictToRequestBBOX=1, a category
 * filter and a time filter that QGIS pushes to the server) and the vector tiles, and both draw. Needs Debian's python3-qgis (.ci/run installs it).
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { ensureFirstAdmin } from './bootstrap.ts'

const run = promisify(execFile)
const PYTHON = '/usr/bin/python3'
const SCRIPT = path.join(import.meta.dirname, 'qgis-render.py')
// All of the seeded incidents (tiles show the last 30 days by default). In UTC: QGIS decodes a
// %2B in the template back to a '+', which a query string reads as a space.
const PERIOD = '?from=2023-12-31T16:00:00Z&to=2026-12-31T16:00:00Z'

interface Drawn {
  png: string
  red: number
  blue: number
  width: number
  height: number
}
interface QgisResult {
  errors: string[]
  oapifValid: boolean
  oapifCount?: number
  oapif?: Drawn
  tilesValid: boolean
  tiles?: Drawn
}

let s: TestServer
let key = ''
let dir = ''
// What QGIS asked the server for, seen on the wire by a pass-through proxy in front of it.
let proxy: http.Server
let proxyUrl = ''
const asked: string[] = []

/** A pass-through HTTP proxy to `target` that records each request's method and path. */
function recordingProxy(target: string): Promise<http.Server> {
  const upstream = new URL(target)
  const server = http.createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`)
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      },
    )
    out.on('error', () => res.writeHead(502).end())
    req.pipe(out)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

beforeAll(async () => {
  s = await startTestServer({ seed: 'small', web: false, auth: 'required' })
  const first = await ensureFirstAdmin(s.db)
  const login = await fetch(`${s.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: first!.password }),
  })
  const session = login.headers
    .getSetCookie()
    .find((c) => c.startsWith('onemap_session='))!
    .split(';')[0]!
    .slice('onemap_session='.length)
  const headers = { authorization: `Bearer ${session}`, 'content-type': 'application/json' }
  const user = (await (
    await fetch(`${s.url}/api/users`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ username: 'analyst', password: 'correct-horse-battery-staple', role: 'analyst' }),
    })
  ).json()) as { id: string }
  key = (
    (await (
      await fetch(`${s.url}/api/users/${user.id}/api-keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'QGIS' }) })
    ).json()) as { key: string }
  ).key
  dir = mkdtempSync(path.join(os.tmpdir(), 'onemap-qgis-'))
  proxy = await recordingProxy(s.url)
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
}, 600_000)

afterAll(async () => {
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)))
  await s?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe(`QGIS with a Basic authcfg (${TEST_KIND})`, () => {
  it('loads an analyst’s incidents of a town by OAPIF (bbox and filter) and as vector tiles, and draws both', async () => {
    // The busiest town's box, and the incidents of one category in it since a day.
    const [box] = await s.db.sql<{ x0: number; y0: number; x1: number; y1: number }[]>`
      SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1
      FROM (SELECT ST_Extent(geom)::geometry AS e FROM admin_areas
            WHERE code = (SELECT town_code FROM incidents WHERE town_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)) t`
    const [cat] = await s.db.sql<{ category_code: string }[]>`SELECT category_code FROM incidents GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`
    const since = '2026-06-01T00:00:00+08:00'
    const [{ n } = { n: -1 }] = await s.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM incidents
      WHERE category_code = ${cat!.category_code} AND reported_at >= ${since}::timestamptz
        AND ST_Intersects(geom, ST_MakeEnvelope(${box!.x0}, ${box!.y0}, ${box!.x1}, ${box!.y1}, 4326))`
    expect(n).toBeGreaterThan(0)

    const env = {
      ...process.env,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      QT_QPA_PLATFORM: 'offscreen',
      ONEMAP_URL: proxyUrl,
      ONEMAP_KEY: key,
      ONEMAP_BBOX: [box!.x0, box!.y0, box!.x1, box!.y1].join(','),
      ONEMAP_FILTER: `category=${cat!.category_code}`,
      // As an analyst types it, offset and all: QGIS sends the '+' unencoded.
      ONEMAP_WHERE: `"reportedAt" >= '${since}'`,
      ONEMAP_TILE_QUERY: PERIOD,
      ONEMAP_OUT: path.join(dir, 'map'),
    }
    const { stdout } = await run(PYTHON, [SCRIPT], { env, timeout: 240_000, maxBuffer: 8 << 20 })
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as QgisResult
    expect(r.errors).toEqual([])
    expect(r.oapifValid).toBe(true)
    expect(r.oapifCount).toBe(n)
    // The server did the filtering: every page QGIS fetched asked for the category and the time,
    // and it fetched about as many features as it kept, not the town's whole history.
    const pages = asked.filter((a) => a.startsWith('GET /ogc/collections/incidents/items') && !a.includes('limit=10&'))
    expect(pages.length).toBeGreaterThan(0)
    for (const p of pages) {
      const q = new URL(p.slice('GET '.length), 'http://x').searchParams
      expect(q.get('category'), p).toBe(cat!.category_code)
      expect(q.get('datetime'), p).toMatch(/^2026-06-01T00:00:00[+ ]08:00\//)
      expect(q.get('bbox'), p).not.toBeNull()
    }
    expect(pages.length).toBeLessThanOrEqual(2 * Math.ceil(n / 1000))
    // Red incident dots on white, from the features QGIS fetched with the key.
    expect(existsSync(r.oapif!.png)).toBe(true)
    expect(readFileSync(r.oapif!.png).subarray(1, 4).toString()).toBe('PNG')
    // Dots, not a painted-over frame: some of the 400×400 pixels, far from all.
    expect(r.oapif!.red).toBeGreaterThan(200)
    expect(r.oapif!.red).toBeLessThan(400 * 400 * 0.5)
    expect(r.tilesValid).toBe(true)
    expect(r.tiles!.blue).toBeGreaterThan(200)
    expect(r.tiles!.blue).toBeLessThan(400 * 400 * 0.5)
  }, 300_000)
})
