/**
 * Analysts' tools against the real server with login required: GDAL (ogrinfo, ogr2ogr) signs in
 * with HTTP Basic and an API key, as QGIS does; exports answer HEAD and byte ranges for /vsicurl/;
 * a town officer exports their own town, masked and audited.
 */
import { execFile } from 'node:child_process'
import http from 'node:http'
import { promisify } from 'node:util'

import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { decodeTile, tileAt } from '../tiles/testing.ts'
import { ensureFirstAdmin } from './bootstrap.ts'

const run = promisify(execFile)
// A CI proxy must not get between GDAL (curl) and the local test server.
const GDAL_ENV = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' }
const gdal = (cmd: 'ogrinfo' | 'ogr2ogr', args: string[], env: Record<string, string> = {}) =>
  run(cmd, ['--config', 'GDAL_HTTP_TIMEOUT', '30', ...args], { timeout: 120_000, maxBuffer: 32 << 20, env: { ...GDAL_ENV, ...env } })

const PASSWORD = 'correct-horse-battery-staple'
const PII = '报警人张三丰称手机13812345678被盗，身份证330109199001011234'
const PII_MASKED = '报警人张**称手机138****5678被盗，身份证330109********1234'

let s: TestServer
let adminToken = ''
const keys: Record<string, string> = {}
let townA = ''
let townB = ''
let countA = 0
let countAll = 0
let incidentA = 0

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
const call = (path: string, init: RequestInit = {}) => fetch(`${s.url}${path}`, { redirect: 'manual', ...init })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
/** All of the seeded incidents (tiles show a recent window by default). */
const PERIOD = `from=${encodeURIComponent('2024-01-01T00:00:00+08:00')}&to=${encodeURIComponent('2027-01-01T00:00:00+08:00')}`

/** A GET as a tool sends it (Node's fetch adds `Sec-Fetch-Mode: cors`, as a browser script would). */
function toolGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; challenge: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${s.url}${path}`, { headers }, (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'] }))
      })
      .on('error', reject)
  })
}

beforeAll(async () => {
  s = await startTestServer({ seed: 'small', web: false, auth: 'required', env: { TILE_URL_KEYS: 'true' } })
  const first = await ensureFirstAdmin(s.db)
  const login = await call('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: first!.password }),
  })
  adminToken = login.headers
    .getSetCookie()
    .find((c) => c.startsWith('onemap_session='))!
    .split(';')[0]!
    .slice('onemap_session='.length)

  const towns = await s.db.sql<{ town_code: string; n: number }[]>`
    SELECT town_code, count(*)::int AS n FROM incidents WHERE town_code IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 2`
  townA = towns[0]!.town_code
  townB = towns[1]!.town_code
  countA = towns[0]!.n
  countAll = (await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents`)[0]!.n
  incidentA = Number(
    (await s.db.sql<{ id: string }[]>`SELECT id::text FROM incidents WHERE town_code = ${townA} ORDER BY id LIMIT 1`)[0]!.id,
  )
  await s.db.sql`UPDATE incidents SET description = ${PII} WHERE id = ${incidentA}`

  for (const [username, fields] of [
    ['analyst', { role: 'analyst' }],
    ['town-a', { role: 'town', areaCodes: [townA] }],
    ['command', { role: 'command' }],
  ] as const) {
    const made = await call('/api/users', {
      method: 'POST',
      headers: { ...bearer(adminToken), 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD, ...fields }),
    })
    expect(made.status).toBe(201)
    const { id } = (await made.json()) as { id: string }
    const key = await call(`/api/users/${id}/api-keys`, {
      method: 'POST',
      headers: { ...bearer(adminToken), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'QGIS' }),
    })
    keys[username] = ((await key.json()) as { key: string }).key
  }
  const adminKey = await call('/api/users/1/api-keys', {
    method: 'POST',
    headers: { ...bearer(adminToken), 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin QGIS' }),
  })
  keys.admin = ((await adminKey.json()) as { key: string }).key
}, 600_000)

afterAll(async () => {
  await s?.close()
})

describe(`analysts' tools sign in with HTTP Basic (${TEST_KIND})`, () => {
  it('reads /ogc, /tiles and /api/export with the API key as the Basic password, under any user name', async () => {
    for (const user of ['analyst', 'qgis', '']) {
      const res = await call('/ogc/collections/incidents/items?limit=1', { headers: { authorization: basic(user, keys.analyst!) } })
      expect(res.status, `user name ${JSON.stringify(user)}`).toBe(200)
    }
    const tiles = await call('/tiles/incidents.json', { headers: { authorization: basic('analyst', keys.analyst!) } })
    expect(tiles.status).toBe(200)
    const head = await call('/api/export/towns.csv', { method: 'HEAD', headers: { authorization: basic('analyst', keys.analyst!) } })
    expect(head.status).toBe(200)
  })

  it('asks tools to sign in (WWW-Authenticate: Basic) on the tool paths only, never a browser page’s own script', async () => {
    for (const path of ['/ogc/collections', '/tiles/incidents/12/3417/1677.mvt', '/api/export/incidents.csv']) {
      const none = await toolGet(path)
      expect(none.status, path).toBe(401)
      expect(none.challenge, path).toMatch(/^Basic realm="OneMap"/)
      const wrong = await toolGet(path, { authorization: basic('analyst', `omk_${'x'.repeat(43)}`) })
      expect(wrong.status, path).toBe(401)
      expect(wrong.challenge, path).toMatch(/^Basic realm="OneMap"/)
      // MapLibre's tile fetches after a session ended: a 401 the page handles, no native password dialog.
      const script = await call(path, { headers: { 'sec-fetch-mode': 'cors' } })
      expect(script.status).toBe(401)
      expect(script.headers.get('www-authenticate')).toBeNull()
    }
    const api = await toolGet('/api/incidents?limit=1')
    expect(api.status).toBe(401)
    expect(api.challenge).toBeUndefined()
  })

  it('never lets Basic write, reach the rest of the API, or take a login password', async () => {
    const asAdmin = basic('admin', keys.admin!)
    const post = await call('/api/hazards', {
      method: 'POST',
      headers: { authorization: asAdmin, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(post.status).toBe(401)
    expect((await call('/ogc/collections', { method: 'POST', headers: { authorization: asAdmin } })).status).toBe(401)
    expect((await call('/api/users', { headers: { authorization: asAdmin } })).status).toBe(401)
    expect((await call('/api/incidents?limit=1', { headers: { authorization: asAdmin } })).status).toBe(401)
    const password = await call('/ogc/collections', { headers: { authorization: basic('analyst', PASSWORD) } })
    expect(password.status).toBe(401)
    expect(((await password.json()) as { error: string }).error).toMatch(/API key/)
    const [{ n } = { n: -1 }] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM hazards`
    expect(
      (await call('/api/hazards', { method: 'POST', headers: { authorization: asAdmin, 'content-type': 'application/json' }, body: '{}' }))
        .status,
    ).toBe(401)
    expect((await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM hazards`)[0]!.n).toBe(n)
  })

  it('lets GDAL’s OAPIF driver count an analyst’s incidents with GDAL_HTTP_USERPWD, and a town officer’s town with -oo USERPWD', async () => {
    const ds = `OAPIF:${s.url}/ogc`
    const analyst = await gdal('ogrinfo', ['-ro', '-so', '-oo', 'PAGE_SIZE=1000', ds, 'incidents'], {
      GDAL_HTTP_USERPWD: `analyst:${keys.analyst}`,
    })
    expect(analyst.stdout).toMatch(new RegExp(`Feature Count: ${countAll}\\b`))
    const officer = await gdal('ogrinfo', [
      '-ro',
      '-so',
      '-oo',
      `USERPWD=town-a:${keys['town-a']}`,
      '-oo',
      'PAGE_SIZE=1000',
      ds,
      'incidents',
    ])
    expect(officer.stdout).toMatch(new RegExp(`Feature Count: ${countA}\\b`))
    // Without a key GDAL gets the 401 and says so.
    await expect(gdal('ogrinfo', ['-ro', '-so', ds, 'incidents'])).rejects.toThrow(/401/)
  }, 180_000)

  it('lets GDAL’s MVT driver read a vector tile with Basic: the same incidents the app draws', async () => {
    const [pt] = await s.db.sql<
      { lng: number; lat: number }[]
    >`SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat FROM incidents WHERE id = ${incidentA}`
    const t = tileAt(14, pt!.lng, pt!.lat)
    const path = `/tiles/incidents/${t.z}/${t.x}/${t.y}.mvt?${PERIOD}`
    const app = decodeTile(new Uint8Array(await (await call(path, { headers: bearer(keys.analyst!) })).arrayBuffer()))
    const layer = Object.keys(app).find((k) => (app[k]?.length ?? 0) > 0)!
    expect(layer).toBeDefined()
    const info = await gdal(
      'ogrinfo',
      ['-ro', '-so', '-oo', `X=${t.x}`, '-oo', `Y=${t.y}`, '-oo', `Z=${t.z}`, `MVT:/vsicurl/${s.url}${path}`, layer],
      { GDAL_HTTP_USERPWD: `qgis:${keys.analyst}` },
    )
    expect(info.stdout).toMatch(new RegExp(`Feature Count: ${app[layer]!.length}\\b`))
  }, 120_000)

  it('takes ?key= on tile URLs (TILE_URL_KEYS) but nowhere else, and never a session token', async () => {
    const [pt] = await s.db.sql<
      { lng: number; lat: number }[]
    >`SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat FROM incidents WHERE id = ${incidentA}`
    const t = tileAt(13, pt!.lng, pt!.lat)
    const tile = await call(`/tiles/incidents/${t.z}/${t.x}/${t.y}.mvt?${PERIOD}&key=${keys['town-a']}`)
    expect(tile.status).toBe(200)
    // The key's owner's scope holds: the town officer's tile has their town's incidents only.
    const points = Object.values(decodeTile(new Uint8Array(await tile.arrayBuffer()))).flat()
    expect(points.length).toBeGreaterThan(0)
    expect((await call(`/ogc/collections?key=${keys['town-a']}`)).status).toBe(401)
    expect((await call(`/api/export/towns.csv?key=${keys.analyst}`)).status).toBe(401)
    expect((await call(`/tiles/incidents/${t.z}/${t.x}/${t.y}.mvt?key=${adminToken}`)).status).toBe(401)
  })
})

describe(`exports for /vsicurl/ and for town officers (${TEST_KIND})`, () => {
  const exportRows = async () => (await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM exports`)[0]!.n

  it('answers HEAD with headers only: no export runs or is recorded', async () => {
    const before = await exportRows()
    const head = await call(`/api/export/incidents.csv?area=${townB}`, { method: 'HEAD', headers: bearer(keys.analyst!) })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(head.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.csv"/)
    // Not fetched before: the size is unknown, and the answer says reads must stream.
    expect(head.headers.get('content-length')).toBeNull()
    expect(head.headers.get('accept-ranges')).toBe('none')
    expect(head.headers.get('x-export-mode')).toBe('streaming')
    // A bad query is the same 400 a download gets.
    expect((await call('/api/export/incidents.csv?nope=1', { method: 'HEAD', headers: bearer(keys.analyst!) })).status).toBe(400)
    expect(await exportRows()).toBe(before)
    const audits = (await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'export'`)[0]!.n
    expect(audits).toBe(before)
  })

  it('sends a small export with Content-Length, then serves HEAD and byte ranges of it, so GDAL’s /vsicurl/ reads it', async () => {
    const path = `/api/export/incidents.csv?area=${townB}`
    const before = await exportRows()
    const full = await call(path, { headers: { ...bearer(keys.analyst!), 'accept-encoding': 'gzip' } })
    const body = Buffer.from(await full.arrayBuffer())
    expect(full.status).toBe(200)
    expect(full.headers.get('content-length')).toBe(String(body.length))
    expect(full.headers.get('content-encoding')).toBeNull()
    expect(full.headers.get('accept-ranges')).toBe('bytes')
    const head = await call(path, { method: 'HEAD', headers: bearer(keys.analyst!) })
    expect(head.headers.get('content-length')).toBe(String(body.length))
    const part = await call(path, { headers: { ...bearer(keys.analyst!), range: 'bytes=10-99' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 10-99/${body.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(10, 100))).toBe(true)
    // Another caller's HEAD does not see this one's file.
    expect((await call(path, { method: 'HEAD', headers: bearer(adminToken) })).headers.get('content-length')).toBeNull()
    expect(await exportRows()).toBe(before + 1)

    const rows = (await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents WHERE town_code = ${townB}`)[0]!.n
    const vsicurl = await gdal('ogrinfo', ['-ro', '-so', '-al', `CSV:/vsicurl/${s.url}${path}`], {
      GDAL_HTTP_USERPWD: `analyst:${keys.analyst}`,
    })
    expect(vsicurl.stdout).toMatch(new RegExp(`Feature Count: ${rows}\\b`))
  }, 120_000)

  it('streams an export to GDAL’s /vsicurl_streaming/ and ogr2ogr with Basic, points placed by X_POSSIBLE_NAMES', async () => {
    const rows = (
      await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents WHERE town_code = ${townA} AND geom IS NOT NULL`
    )[0]!.n
    const url = `${s.url}/api/export/incidents.geojson?area=${townA}`
    const info = await gdal('ogrinfo', ['-ro', '-so', '-al', `/vsicurl_streaming/${url}`], { GDAL_HTTP_USERPWD: `analyst:${keys.analyst}` })
    expect(info.stdout).toMatch(/Geometry: Point/)
    const csv = await gdal(
      'ogr2ogr',
      [
        '-f',
        'GeoJSON',
        '/vsistdout/',
        '-oo',
        'X_POSSIBLE_NAMES=lng',
        '-oo',
        'Y_POSSIBLE_NAMES=lat',
        '-where',
        'lng IS NOT NULL',
        `CSV:/vsicurl_streaming/${s.url}/api/export/incidents.csv?area=${townA}`,
      ],
      { GDAL_HTTP_USERPWD: `analyst:${keys.analyst}` },
    )
    const fc = JSON.parse(csv.stdout) as { features: { geometry: { type: string; coordinates: number[] } | null }[] }
    expect(fc.features.length).toBe(rows)
    expect(
      fc.features.every((f) => f.geometry?.type === 'Point' && f.geometry.coordinates[0]! > 119 && f.geometry.coordinates[0]! < 121),
    ).toBe(true)
  }, 120_000)

  it('lets a town officer export their own town, masked, recorded and audited with their area', async () => {
    const res = await call('/api/export/incidents.csv', { headers: bearer(keys['town-a']!) })
    expect(res.status).toBe(200)
    const text = await res.text()
    const records = parse(text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
    expect(records.length).toBe(countA)
    expect(new Set(records.map((r) => r.townCode))).toEqual(new Set([townA]))
    expect(text).toContain(PII_MASKED)
    expect(text).not.toContain('13812345678')
    // Unmasked files are not theirs to take, though they see the names in the app; nor another town.
    expect((await call('/api/export/incidents.csv?unmask=true', { headers: bearer(keys['town-a']!) })).status).toBe(403)
    const other = await call(`/api/export/incidents.csv?area=${townB}`, { headers: bearer(keys['town-a']!) })
    expect(parse((await other.text()).replace(/^\uFEFF/, ''), { columns: true })).toEqual([])
    // An export is recorded once its last byte is sent, which the client may read first: wait for both records.
    type Entry = { actor: string; role: string; details: { rows: number; areas: string[]; unmasked: boolean } }
    let entries: Entry[] = []
    for (let tries = 0; entries.length < 2 && tries < 50; tries++, await new Promise((r) => setTimeout(r, 100)))
      entries = [...(await s.db.sql<Entry[]>`SELECT actor, role, details FROM audit_log WHERE action = 'export' AND role = 'town'`)]
    // Their own town with its rows, and the other town's request with none; each with their area.
    expect(entries.sort((x, y) => y.details.rows - x.details.rows)).toMatchObject([
      { actor: 'town-a', role: 'town', details: { rows: countA, areas: [townA], unmasked: false } },
      { actor: 'town-a', role: 'town', details: { rows: 0, areas: [townA], unmasked: false } },
    ])
    // District command still may not export (its table row is unchanged).
    expect((await call('/api/export/incidents.csv', { headers: bearer(keys.command!) })).status).toBe(403)
  })
})
