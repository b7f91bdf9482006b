/**
 * Accounts, roles and area scope end to end: a real server with login required, on the seeded
 * database of the kind under test, each role asking through the API, OGC, exports and the stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { decodeTile, tileAt } from '../tiles/testing.ts'
import { ensureFirstAdmin } from './bootstrap.ts'

let s: TestServer
let adminToken = ''
const tokens: Record<string, string> = {}
const userIds: Record<string, string> = {}
let townA = ''
let townB = ''
let gridA = ''
let countA = 0
let countGrid = 0
let countAll = 0
let incidentA = 0
let incidentB = 0
const PII = '报警人张三丰称手机13812345678被盗，身份证330109199001011234'
const PII_MASKED = '报警人张**称手机138****5678被盗，身份证330109********1234'

interface Call {
  token?: string | undefined
  method?: string
  body?: unknown
  headers?: Record<string, string>
}

function call(path: string, c: Call = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(c.headers ?? {}) }
  if (c.token) headers.authorization = `Bearer ${c.token}`
  if (c.body !== undefined) headers['content-type'] = 'application/json'
  return fetch(`${s.url}${path}`, {
    method: c.method ?? 'GET',
    headers,
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
    redirect: 'manual',
  })
}

async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T
}

/** The session token from a login answer's Set-Cookie. */
function sessionCookie(res: Response): string {
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('onemap_session='))
  if (!cookie) throw new Error(`no session cookie (status ${res.status})`)
  return cookie.split(';')[0]!.slice('onemap_session='.length)
}

async function login(username: string, password: string): Promise<string> {
  const res = await call('/api/auth/login', { method: 'POST', body: { username, password } })
  expect(res.status).toBe(200)
  return sessionCookie(res)
}

const PASSWORD = 'correct-horse-battery-staple'

beforeAll(async () => {
  s = await startTestServer({ seed: 'small', web: false, auth: 'required', env: { LOGIN_RATE_LIMIT: '5' } })
  const first = await ensureFirstAdmin(s.db)
  expect(first?.username).toBe('admin')
  adminToken = await login('admin', first!.password)

  const towns = await s.db.sql<{ town_code: string; n: number }[]>`
    SELECT town_code, count(*)::int AS n FROM incidents WHERE town_code IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 2`
  townA = towns[0]!.town_code
  townB = towns[1]!.town_code
  countA = towns[0]!.n
  const [grid] = await s.db.sql<{ grid_code: string; n: number }[]>`
    SELECT grid_code, count(*)::int AS n FROM incidents WHERE town_code = ${townA} AND grid_code IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`
  gridA = grid!.grid_code
  countGrid = grid!.n
  const [all] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents`
  countAll = all!.n
  const [a] = await s.db.sql<{ id: string }[]>`SELECT id::text FROM incidents WHERE grid_code = ${gridA} ORDER BY id LIMIT 1`
  const [b] = await s.db.sql<{ id: string }[]>`SELECT id::text FROM incidents WHERE town_code = ${townB} ORDER BY id LIMIT 1`
  incidentA = Number(a!.id)
  incidentB = Number(b!.id)
  await s.db.sql`UPDATE incidents SET description = ${PII} WHERE id = ${incidentA}`

  const people: [string, Record<string, unknown>][] = [
    ['town-a', { role: 'town', areaCodes: [townA] }],
    ['grid-a', { role: 'grid', areaCodes: [gridA] }],
    ['analyst', { role: 'analyst' }],
    ['command', { role: 'command' }],
  ]
  for (const [username, fields] of people) {
    const res = await call('/api/users', { token: adminToken, method: 'POST', body: { username, password: PASSWORD, ...fields } })
    expect(res.status).toBe(201)
    userIds[username] = (await json<{ id: string }>(res)).id
    tokens[username] = await login(username, PASSWORD)
  }
  tokens.admin = adminToken
}, 600_000)

afterAll(async () => {
  await s?.close()
})

describe(`accounts and area scope (${TEST_KIND})`, () => {
  it('creates the first administrator once, with a generated password and no default', async () => {
    expect(await ensureFirstAdmin(s.db)).toBeNull()
    for (const password of ['admin', 'password', '123456', 'admin123']) {
      expect((await call('/api/auth/login', { method: 'POST', body: { username: 'admin', password } })).status).toBe(401)
    }
    const [row] = await s.db.sql<{ h: string }[]>`SELECT password_hash AS h FROM users WHERE username = 'admin'`
    expect(row!.h).toMatch(/^\$argon2id\$/)
  })

  it('refuses data without a login and sends browsers to the login page', async () => {
    for (const path of [
      '/api/incidents',
      '/api/stats/summary',
      '/ogc/collections/incidents/items',
      '/tiles/incidents/12/3425/1678.mvt',
      '/api/stream',
    ]) {
      expect((await call(path)).status, path).toBe(401)
    }
    const page = await call('/', { headers: { accept: 'text/html' } })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe('/login?next=%2F')
    const loginPage = await call('/login')
    expect(loginPage.status).toBe(200)
    expect(await loginPage.text()).toContain('用户名')
    expect((await call('/api/health')).status).toBe(200)
    // A made-up token is refused, never treated as anonymous.
    expect((await call('/api/incidents', { token: `oms_${'x'.repeat(43)}` })).status).toBe(401)
  })

  it('logs in with a form and redirects only to local pages', async () => {
    const form = (next: string) =>
      fetch(`${s.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'analyst', password: PASSWORD, next }).toString(),
        redirect: 'manual',
      })
    const ok = await form('/wall?town=1')
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/wall?town=1')
    const cookies = ok.headers.getSetCookie()
    expect(cookies.find((c) => c.startsWith('onemap_session='))).toMatch(/HttpOnly/i)
    expect(cookies.find((c) => c.startsWith('onemap_csrf='))).toMatch(/SameSite=Strict/i)
    expect((await form('https://evil.example/')).headers.get('location')).toBe('/')
    expect((await form('//evil.example/')).headers.get('location')).toBe('/')
  })

  it('needs the CSRF token on unsafe requests carried by the session cookie', async () => {
    const res = await call('/api/auth/login', { method: 'POST', body: { username: 'command', password: PASSWORD } })
    const { csrfToken } = await json<{ csrfToken: string }>(res)
    const cookie = `onemap_session=${sessionCookie(res)}`
    const body = { title: 'x' } // invalid on purpose: passing the CSRF check shows as 400, not 403
    const without = await call('/api/tasks', { method: 'POST', body, headers: { cookie } })
    expect(without.status).toBe(403)
    expect((await json(without)).error).toMatch(/x-csrf-token/)
    const wrong = await call('/api/tasks', { method: 'POST', body, headers: { cookie, 'x-csrf-token': 'csrf_nope' } })
    expect(wrong.status).toBe(403)
    const right = await call('/api/tasks', { method: 'POST', body, headers: { cookie, 'x-csrf-token': csrfToken } })
    expect(right.status).toBe(400)
    // Reads need no token.
    expect((await call('/api/auth/me', { headers: { cookie } })).status).toBe(200)
  })

  it('shows a town officer their town only, across the API and OGC', async () => {
    const t = tokens['town-a']!
    const page = await json<{ features: { properties: { townCode: string } }[] }>(await call('/api/incidents?limit=1000', { token: t }))
    expect(page.features.length).toBe(Math.min(1000, countA))
    expect(page.features.every((f) => f.properties.townCode === townA)).toBe(true)
    expect((await call(`/api/incidents/${incidentB}`, { token: t })).status).toBe(404)
    expect((await call(`/api/incidents/${incidentA}`, { token: t })).status).toBe(200)

    const ogc = (token: string, q = '') =>
      call(`/ogc/collections/incidents/items?limit=1${q}`, { token }).then((r) => json<{ numberMatched: number }>(r))
    expect((await ogc(t)).numberMatched).toBe(countA)
    expect((await ogc(t, `&area=${townB}`)).numberMatched).toBe(0)
    expect((await ogc(adminToken)).numberMatched).toBe(countAll)
    expect((await ogc(tokens['grid-a']!)).numberMatched).toBe(countGrid)
    expect((await call(`/ogc/collections/incidents/items/${incidentB}`, { token: t })).status).toBe(404)

    // Rollup statistics: their town's numbers as the district sees them; nothing of the other town
    // (404, as for an area that does not exist).
    type Summary = { total: { n: number } }
    const summary = (token: string, area: string) =>
      call(`/api/stats/summary?area=${area}&from=2023-01-01&to=2027-01-01`, { token }).then((r) => json<Summary>(r))
    const mine = await summary(t, townA)
    expect(mine.total.n).toBe(countA)
    expect(mine.total.n).toBe((await summary(adminToken, townA)).total.n)
    expect((await call(`/api/stats/summary?area=${townB}&from=2023-01-01&to=2027-01-01`, { token: t })).status).toBe(404)
  })

  it('draws a town officer tiles and H3 counts of their town only', async () => {
    const period = `from=${encodeURIComponent('2024-01-01T00:00:00+08:00')}&to=${encodeURIComponent('2027-01-01T00:00:00+08:00')}`
    type Cells = { cells: { h3: string; count: number }[] }
    const total = async (token: string, q = '') =>
      (await json<Cells>(await call(`/api/h3?res=7&${period}${q}`, { token }))).cells.reduce((n, c) => n + c.count, 0)
    const officer = await total(tokens['town-a']!)
    expect(officer).toBeGreaterThan(0)
    expect(officer).toBe(await total(adminToken, `&area=${townA}`))
    expect(officer).toBeLessThan(await total(adminToken))

    // The incident points of a tile over the town: the officer's hold town A only, the
    // administrator's the same tile (cached separately) also other towns' where they overlap.
    const [pt] = await s.db.sql<
      { lng: number; lat: number }[]
    >`SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat FROM incidents WHERE id = ${incidentA}`
    const t = tileAt(13, pt!.lng, pt!.lat)
    const tile = async (token: string) => {
      const res = await call(`/tiles/incidents/${t.z}/${t.x}/${t.y}.mvt?${period}`, { token })
      expect(res.status).toBe(200)
      return decodeTile(new Uint8Array(await res.arrayBuffer())).incidents ?? []
    }
    const mine = await tile(tokens['town-a']!)
    expect(mine.length).toBeGreaterThan(0)
    const ids = mine.map((f) => Number(f.id))
    expect(ids).toContain(incidentA)
    const rows = await s.db.sql<{ town_code: string }[]>`SELECT DISTINCT town_code FROM incidents WHERE id = ANY(${ids}::bigint[])`
    expect(rows.map((r) => r.town_code)).toEqual([townA])
    const sum = (fs: { properties: Record<string, unknown> }[]) => fs.reduce((n, f) => n + (Number(f.properties.count ?? 1) || 1), 0)
    expect(sum(mine)).toBeLessThanOrEqual(sum(await tile(adminToken)))
    const h3tile = await call(`/tiles/h3/${t.z}/${t.x}/${t.y}.mvt?${period}`, { token: tokens['grid-a'] })
    const hexes = decodeTile(new Uint8Array(await h3tile.arrayBuffer())).h3 ?? []
    expect(hexes.reduce((n, f) => n + Number(f.properties.count), 0)).toBeLessThanOrEqual(countGrid)
  })

  it('masks personal data for roles without the right and in exports by default', async () => {
    const description = async (token: string) =>
      (await json<{ properties: { description: string } }>(await call(`/api/incidents/${incidentA}`, { token }))).properties.description
    expect(await description(adminToken)).toBe(PII)
    expect(await description(tokens['town-a']!)).toBe(PII)
    expect(await description(tokens.analyst!)).toBe(PII_MASKED)
    const ogcItem = await json<{ properties: { description: string } }>(
      await call(`/ogc/collections/incidents/items/${incidentA}`, { token: tokens.analyst }),
    )
    expect(ogcItem.properties.description).toBe(PII_MASKED)

    const csv = async (token: string, q = '') => {
      const res = await call(`/api/export/incidents.csv?area=${gridA}${q}`, { token })
      return { status: res.status, text: await res.text() }
    }
    const analystCsv = await csv(tokens.analyst!)
    expect(analystCsv.status).toBe(200)
    expect(analystCsv.text).toContain(PII_MASKED)
    expect(analystCsv.text).not.toContain('13812345678')
    expect((await csv(adminToken)).text).toContain(PII_MASKED)
    expect((await csv(adminToken, '&unmask=true')).text).toContain(PII)
    expect((await csv(tokens.analyst!, '&unmask=true')).status).toBe(403)
  })

  it('lets each role do only what it may', async () => {
    const expectStatus = async (token: string | undefined, path: string, method: string, status: number, body?: unknown) => {
      expect((await call(path, { token, method, body })).status, `${method} ${path}`).toBe(status)
    }
    await expectStatus(tokens['town-a'], '/api/export/incidents.csv?unmask=true', 'GET', 403) // their own area, masked only (server/auth/tools.db.test.ts)
    await expectStatus(tokens.command, '/api/export/incidents.csv', 'GET', 403)
    await expectStatus(tokens.analyst, '/api/incidents', 'POST', 403, [])
    await expectStatus(tokens['grid-a'], '/api/users', 'GET', 403)
    await expectStatus(tokens['town-a'], '/api/audit', 'GET', 403)
    await expectStatus(tokens['town-a'], '/api/models/surge-grid', 'PUT', 403, {})
    await expectStatus(tokens.analyst, '/api/hazards', 'POST', 403, {})

    // A town officer's hazard in another town is refused by the database itself.
    const [pts] = await s.db.sql<{ a: [number, number]; b: [number, number] }[]>`
      SELECT (SELECT ARRAY[ST_X(label_point), ST_Y(label_point)] FROM admin_areas WHERE code = ${gridA}) AS a,
             (SELECT ARRAY[ST_X(label_point), ST_Y(label_point)] FROM admin_areas WHERE code = ${townB}) AS b`
    const hazard = (at: [number, number], id: string) => ({
      hazard_id: id,
      source: 'grid_inspection',
      category: 'fire',
      severity: 'major',
      description: '楼道堆放杂物',
      lng: at[0],
      lat: at[1],
    })
    const outside = await call('/api/hazards', { token: tokens['town-a'], method: 'POST', body: hazard(pts!.b, 'H-SCOPE-B') })
    expect(outside.status).toBe(403)
    const inside = await call('/api/hazards', { token: tokens['town-a'], method: 'POST', body: hazard(pts!.a, 'H-SCOPE-A') })
    expect(inside.status).toBe(201)
    const [{ n } = { n: -1 }] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM hazards WHERE hazard_id LIKE 'H-SCOPE-%'`
    expect(n).toBe(1)
    // The grid worker of that grid sees it; the analyst (district-wide) too; the list of the town officer has it.
    const list = async (token: string) =>
      (await json<{ features: { properties: { hazardId: string } }[] }>(await call('/api/hazards?limit=500', { token }))).features.map(
        (f) => f.properties.hazardId,
      )
    expect(await list(tokens['grid-a']!)).toContain('H-SCOPE-A')
    expect(await list(tokens.analyst!)).toContain('H-SCOPE-A')
  })

  it('streams a town officer the changes of their town only', async () => {
    const key = await json<{ key: string }>(
      await call(`/api/users/${userIds.command}/api-keys`, { token: adminToken, method: 'POST', body: { name: 'test gateway' } }),
    )
    const ctrl = new AbortController()
    const res = await fetch(`${s.url}/api/stream`, { headers: { authorization: `Bearer ${tokens['town-a']}` }, signal: ctrl.signal })
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    const [pts] = await s.db.sql<{ a: [number, number]; b: [number, number] }[]>`
      SELECT (SELECT ARRAY[ST_X(label_point), ST_Y(label_point)] FROM admin_areas WHERE code = ${gridA}) AS a,
             (SELECT ARRAY[ST_X(label_point), ST_Y(label_point)] FROM admin_areas WHERE code = ${townB}) AS b`
    const post = (id: string, at: [number, number]) =>
      call('/api/incidents', {
        method: 'POST',
        headers: { 'x-api-key': key.key },
        body: { incident_id: id, reported_at: '2026-11-01T10:00:00+08:00', category: '0101', lng: at[0], lat: at[1] },
      })
    // B first: if the town officer could see it, it would arrive before A.
    expect((await post('SSE-SCOPE-B', pts!.b)).status).toBeLessThan(300)
    expect((await post('SSE-SCOPE-A', pts!.a)).status).toBeLessThan(300)
    let text = ''
    const deadline = Date.now() + 10_000
    while (!text.includes('SSE-SCOPE-A') && Date.now() < deadline) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }
    ctrl.abort()
    expect(text).toContain('SSE-SCOPE-A')
    expect(text).not.toContain('SSE-SCOPE-B')
  })

  it('takes API keys for machines, and a revoked key stops working', async () => {
    const made = await call(`/api/users/${userIds.command}/api-keys`, { token: adminToken, method: 'POST', body: { name: 'gateway 2' } })
    expect(made.status).toBe(201)
    const { key, id } = await json<{ key: string; id: string }>(made)
    expect(key).toMatch(/^omk_/)
    const [stored] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM api_keys WHERE key_hash = ${key}`
    expect(stored!.n).toBe(0) // only a hash is kept
    expect((await call('/api/incidents?limit=1', { token: key })).status).toBe(200)
    expect((await call(`/api/users/${userIds.command}/api-keys/${id}`, { token: adminToken, method: 'DELETE' })).status).toBe(204)
    expect((await call('/api/incidents?limit=1', { token: key })).status).toBe(401)
  })

  it('opens a wall screen with a long-lived display token, read-only', async () => {
    const wall = await json<{ id: string }>(
      await call('/api/users', { token: adminToken, method: 'POST', body: { username: 'wall-1', role: 'wall' } }),
    )
    const made = await json<{ token: string; url: string; expiresAt: string }>(
      await call(`/api/users/${wall.id}/display-tokens`, { token: adminToken, method: 'POST', body: { name: '指挥中心大屏', days: 365 } }),
    )
    expect(new Date(made.expiresAt).getTime() - Date.now()).toBeGreaterThan(360 * 86_400_000)
    const open = await call(made.url)
    expect(open.status).toBe(302)
    expect(open.headers.get('location')).toBe('/wall')
    const cookie = `onemap_session=${sessionCookie(open)}`
    expect((await call('/api/stats/summary', { headers: { cookie } })).status).toBe(200)
    expect((await call('/api/hazards', { method: 'POST', body: {}, headers: { cookie, 'x-csrf-token': 'x' } })).status).toBe(403)
    const list = await json<{ tokens: { id: string; name: string }[] }>(await call('/api/display-tokens', { token: adminToken }))
    const entry = list.tokens.find((t) => t.name === '指挥中心大屏')!
    expect((await call(`/api/display-tokens/${entry.id}`, { token: adminToken, method: 'DELETE' })).status).toBe(204)
    expect((await call('/api/stats/summary', { headers: { cookie } })).status).toBe(401)
  })

  it('ends the sessions of a disabled account at once', async () => {
    const token = await login('grid-a', PASSWORD)
    expect((await call('/api/incidents?limit=1', { token })).status).toBe(200)
    const patched = await call(`/api/users/${userIds['grid-a']}`, { token: adminToken, method: 'PATCH', body: { disabled: true } })
    expect(patched.status, await patched.clone().text()).toBe(200)
    expect((await call('/api/incidents?limit=1', { token })).status).toBe(401)
    expect((await call('/api/auth/login', { method: 'POST', body: { username: 'grid-a', password: PASSWORD } })).status).toBe(401)
  })

  it('validates accounts: areas must fit the role and exist', async () => {
    const bad = async (body: unknown) => {
      const res = await call('/api/users', { token: adminToken, method: 'POST', body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      return (await json(res)).error as string
    }
    expect(await bad({ username: 'x1', role: 'town', password: PASSWORD })).toMatch(/areaCodes/)
    expect(await bad({ username: 'x2', role: 'analyst', areaCodes: [townA], password: PASSWORD })).toMatch(/areaCodes/)
    expect(await bad({ username: 'x3', role: 'town', areaCodes: [gridA], password: PASSWORD })).toMatch(/no town/)
    expect(await bad({ username: 'x4', role: 'town', areaCodes: [townA], password: 'short' })).toMatch(/password/)
    expect(await bad({ username: 'bad name!', role: 'analyst', password: PASSWORD })).toMatch(/username/)
    expect(
      (await call('/api/users', { token: adminToken, method: 'POST', body: { username: 'analyst', role: 'analyst', password: PASSWORD } }))
        .status,
    ).toBe(409)
  })

  it('keeps an append-only audit log of logins, exports, task steps and account changes', async () => {
    // A town officer issues a task in their grid and the grid worker… is disabled by now: the officer accepts it.
    const made = await call('/api/tasks', {
      token: tokens['town-a'],
      method: 'POST',
      body: { title: '整治楼道堆物', assignee_team: '网格员', due_date: '2026-12-01', area_code: gridA },
    })
    expect(made.status).toBe(201)
    const task = await json<{ id: number }>(made)
    expect(
      (await call(`/api/tasks/${task.id}/transitions`, { token: tokens['town-a'], method: 'POST', body: { to: 'accepted' } })).status,
    ).toBe(200)
    // …and one in another town is refused.
    expect(
      (
        await call('/api/tasks', {
          token: tokens['town-a'],
          method: 'POST',
          body: { title: '越界', assignee_team: '网格员', due_date: '2026-12-01', area_code: townB },
        })
      ).status,
    ).toBe(403)
    const log = await json<{ entries: { action: string; actor: string; details: Record<string, unknown> }[] }>(
      await call('/api/audit?limit=1000', { token: adminToken }),
    )
    const actions = new Set(log.entries.map((e) => e.action))
    for (const a of [
      'login',
      'user.create',
      'user.update',
      'export',
      'apikey.create',
      'apikey.revoke',
      'display-token.create',
      'display-token.revoke',
      'task.create',
      'task.transition',
    ]) {
      expect(actions, a).toContain(a)
    }
    expect(log.entries.some((e) => e.action === 'login' && e.actor === 'admin' && e.details.ok === false)).toBe(true)
    expect(log.entries.find((e) => e.action === 'task.transition')).toMatchObject({ actor: 'town-a', details: { to: 'accepted' } })
    const exp = log.entries.find((e) => e.action === 'export' && e.actor === 'analyst')!
    expect(exp.details).toMatchObject({ layer: 'incidents', format: 'csv', status: 'finished' })
    await expect(s.db.sql`UPDATE audit_log SET actor = 'nobody'`).rejects.toThrow(/append-only/)
    await expect(s.db.sql`DELETE FROM audit_log`).rejects.toThrow(/append-only/)
  })

  it('limits failed logins per address', async () => {
    let last = 0
    for (let i = 0; i < 7; i++)
      last = (await call('/api/auth/login', { method: 'POST', body: { username: 'analyst', password: `wrong-${i}` } })).status
    expect(last).toBe(429)
  })
})
