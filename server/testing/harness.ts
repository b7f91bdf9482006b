/** The real server on a fresh, seeded database of the kind under test, for HTTP and browser tests. */
import { loadConfig } from '../config.ts'
import type { Db } from '../db/index.ts'
import { listen } from '../server.ts'
import { ensureWebBuilt } from '../web/static.ts'
import { createTestDb, TEST_SEED_END, type TestSeed } from './db.ts'

export { TEST_SEED_END }

export interface TestServer {
  url: string
  db: Db
  close(): Promise<void>
}

/**
 * Starts the server on a fresh database. Requests without a login act as an administrator
 * (AUTH_ANONYMOUS_ROLE) unless `auth: 'required'`, which the security tests use. The warning
 * models' clock is the seeded data's end (TEST_SEED_END) unless `now` says otherwise: a run as of
 * the data's end is live there, as a run as of now is in production (server/models/mode.ts).
 */
export async function startTestServer(
  opts: { seed?: TestSeed; web?: boolean; auth?: 'anonymous-admin' | 'required'; env?: Record<string, string>; now?: () => Date } = {},
): Promise<TestServer> {
  if (opts.web !== false) await ensureWebBuilt()
  // Seeded by copying a template seeded once (server/testing/db.ts), as seedDemo would seed it.
  const t = await createTestDb({ seed: opts.seed ?? 'boundaries' })
  try {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: t.dataDir,
      SEED: 'none',
      AUTH_ANONYMOUS_ROLE: opts.auth === 'required' ? '' : 'admin',
      ...opts.env,
    })
    const server = await listen(t.db, config, { now: opts.now ?? (() => TEST_SEED_END) })
    return {
      url: server.url,
      db: t.db,
      async close() {
        await server.close()
        await t.drop()
      },
    }
  } catch (err) {
    await t.drop()
    throw err
  }
}

/**
 * Logs in through the API as a browser does and returns the session token (for `Authorization:
 * Bearer …`); throws with the answer when the login is refused.
 * @example tokens.admin = await loginToken(s.url, 'admin', first.password)
 */
export async function loginToken(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (res.status !== 200) throw new Error(`login as ${username}: ${res.status} ${await res.text()}`)
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('onemap_session='))
  if (!cookie) throw new Error(`login as ${username}: no session cookie`)
  return cookie.split(';')[0]!.slice('onemap_session='.length)
}
