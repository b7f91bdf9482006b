/**
 * Test helpers for the full view's record routes (organisations, disputes): a server with login
 * required, an administrator, an analyst (no `pii`) and a town officer of the first town, and a
 * point in each of the first two towns.
 */
import { expect } from 'vitest'

import { ensureFirstAdmin } from '../auth/bootstrap.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'

export interface ScopedServer {
  s: TestServer
  tokens: { admin: string; analyst: string; town: string }
  /** The town officer's town, and another one, each with a point inside (a grid's label point). */
  towns: { a: { code: string; lng: number; lat: number }; b: { code: string; lng: number; lat: number } }
  call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> & { error?: string } }>
}

async function login(s: TestServer, username: string, password: string): Promise<string> {
  const res = await fetch(`${s.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  expect(res.status).toBe(200)
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith('onemap_session='))!
    .split(';')[0]!
    .slice('onemap_session='.length)
}

/**
 * Starts the server (seeded boundaries, clock at TEST_SEED_END) with three users.
 * @example const { s, tokens, towns, call } = await startScopedServer()
 */
export async function startScopedServer(): Promise<ScopedServer> {
  const s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required' })
  const call: ScopedServer['call'] = async (method, path, token, body) => {
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const text = await res.text()
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
  }
  const first = await ensureFirstAdmin(s.db)
  const admin = await login(s, 'admin', first!.password)
  const [ta, tb] = await s.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'town' ORDER BY code LIMIT 2`
  for (const [username, body] of [
    ['analyst-1', { role: 'analyst' }],
    ['town-a', { role: 'town', areaCodes: [ta!.code] }],
  ] as const) {
    const r = await call('POST', '/api/users', admin, { username, password: 'correct-horse-battery-staple', ...body })
    expect(r.status, JSON.stringify(r.json)).toBeLessThan(300)
  }
  const point = async (town: string) => {
    const [g] = await s.db.sql<{ lng: number; lat: number }[]>`
      SELECT ST_X(label_point) AS lng, ST_Y(label_point) AS lat
      FROM admin_areas WHERE level = 'grid' AND code LIKE ${town + '%'} ORDER BY code LIMIT 1`
    return { code: town, lng: g!.lng, lat: g!.lat }
  }
  return {
    s,
    tokens: {
      admin,
      analyst: await login(s, 'analyst-1', 'correct-horse-battery-staple'),
      town: await login(s, 'town-a', 'correct-horse-battery-staple'),
    },
    towns: { a: await point(ta!.code), b: await point(tb!.code) },
    call,
  }
}
