import { spawn } from 'node:child_process'
import http from 'node:http'

import { afterAll, describe, expect, it } from 'vitest'

import { openDatabase } from '../db/index.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { startProcess as start } from '../testing/start-process.ts'
import { ROOT_DIR } from '../web/static.ts'

describe(`npm start (${TEST_KIND})`, () => {
  let t: TestDb
  afterAll(async () => {
    await t?.drop()
  })

  it('seeds an empty database once, and a restart on the same data does not reseed', async () => {
    t = await createTestDb({ migrate: false })
    await t.db.close() // the server process opens it itself
    const env: Record<string, string> = t.databaseUrl
      ? { DATABASE_URL: t.databaseUrl, SEED: 'boundaries' }
      : { DATA_DIR: t.dataDir, DATABASE_URL: '', SEED: 'boundaries' }

    const first = await start(env)
    const health1 = (await (await fetch(`${first.url}/api/health`)).json()) as {
      database: { kind: string }
      tables: Record<string, number>
      seed: { seededAt: string }
    }
    expect(first.log).toMatch(/seeding the demo data/)
    expect(health1.database.kind).toBe(TEST_KIND)
    expect(health1.tables.admin_areas).toBeGreaterThan(18_000)
    // The first administrator's generated password is shown once, and it logs in.
    const password = /administrator "admin" with password \(shown only now, keep it safe\): (\S{20})/.exec(first.log)?.[1]
    expect(password).toBeDefined()
    const login = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    })
    expect(login.status).toBe(200)
    expect((await fetch(`${first.url}/api/incidents`)).status).toBe(401) // and nothing is open without a login
    expect(await first.stop()).toBe(0) // graceful shutdown closes the database cleanly

    const second = await start(env)
    const health2 = (await (await fetch(`${second.url}/api/health`)).json()) as typeof health1
    expect(second.log).not.toMatch(/seeding/)
    expect(second.log).not.toMatch(/applying migration/)
    expect(second.log).not.toMatch(/password/)
    expect(health2.seed.seededAt).toBe(health1.seed.seededAt)
    // The same data; only the login above added a session and audit entries.
    const data = (t: Record<string, number>) => Object.fromEntries(Object.entries(t).filter(([k]) => k !== 'sessions' && k !== 'audit_log'))
    expect(data(health2.tables)).toEqual(data(health1.tables))
    expect(await second.stop()).toBe(0)
  })
})

/** `npm start` as a real process with its stdout (JSON logs) and stderr kept. */
async function spawnServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/start.ts'], {
    cwd: ROOT_DIR,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  // 'close', not 'exit': stdout is read to its end.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      const m = /ready in [\d.]+ s: (http:\/\/\S+)/.exec(stderr)
      if (m) resolve(m[1]!)
    })
    void exited.then((code) => reject(new Error(`start exited with ${code}:\n${stderr}`)))
  })
  return {
    child,
    url,
    exited,
    logs: () =>
      stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stderr: () => stderr,
  }
}

/** A POST whose body arrives in two halves: the request is in flight until `finish` sends the rest. */
function slowPost(url: string, body: string, requestId: string) {
  const half = Math.floor(body.length / 2)
  const req = http.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId },
  })
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', reject)
  })
  req.write(body.slice(0, half))
  return { response, finish: () => req.end(body.slice(half)) }
}

describe(`graceful shutdown (${TEST_KIND})`, () => {
  let t: TestDb
  afterAll(async () => {
    await t?.drop()
  })

  it('on SIGTERM finishes the request in flight, ends event streams, closes the database and exits 0', async () => {
    t = await createTestDb()
    await t.db.close()
    // Anonymous requests act as an administrator (server/auth), as in the HTTP test harness.
    const env: Record<string, string> = {
      SEED: 'none',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_SECONDS: '20',
      AUTH_ANONYMOUS_ROLE: 'admin',
      ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : { DATA_DIR: t.dataDir, DATABASE_URL: '' }),
    }
    const server = await spawnServer(env)

    // An open event stream: it never ends by itself.
    const stream = await fetch(`${server.url}/api/stream`)
    expect(stream.status).toBe(200)
    const streamEnded = (async () => {
      const reader = stream.body!.getReader()
      while (!(await reader.read()).done);
      return true
    })()

    const body = JSON.stringify({
      incident_id: 'SHUTDOWN-1',
      reported_at: '2026-10-01T08:00:00+08:00',
      category: '0101',
      address: '萧山区城厢街道',
      lng: 120.27,
      lat: 30.16,
    })
    const post = slowPost(`${server.url}/api/incidents`, body, 'shutdown-req-1')
    await new Promise((r) => setTimeout(r, 300))
    server.child.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 700))
    // Stopped accepting: a new connection is refused while the old request is still served.
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow()
    post.finish()
    const answer = await post.response
    expect(answer.status).toBe(201)
    expect(JSON.parse(answer.body)).toMatchObject({ results: [{ incidentId: 'SHUTDOWN-1', status: 'created' }] })
    expect(await streamEnded).toBe(true)
    expect(await server.exited).toBe(0)

    const logs = server.logs()
    const line = logs.find((l) => l.requestId === 'shutdown-req-1')
    expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'POST', route: '/api/incidents', status: 201 })
    expect(line!.durationMs).toBeGreaterThanOrEqual(900) // it spanned the signal
    const messages = logs.map((l) => l.msg)
    // In order, none lost at exit: shutting down → the request line → requests finished → database closed.
    const order = ['shutting down', 'request', 'requests finished', 'database closed'].map((m) =>
      m === 'request' ? logs.indexOf(line!) : messages.indexOf(m),
    )
    expect(
      order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)),
      JSON.stringify(logs),
    ).toBe(true)
    expect(server.stderr()).toMatch(/stopped cleanly/)

    // The database reopens with the incident written during shutdown.
    t.db = await openDatabase({ databaseUrl: t.databaseUrl, dataDir: t.dataDir, migrate: false })
    const rows = await t.db.sql<
      { incidentId: string }[]
    >`SELECT incident_id AS "incidentId" FROM incidents WHERE incident_id = 'SHUTDOWN-1'`
    expect(rows).toEqual([{ incidentId: 'SHUTDOWN-1' }])
  })
})
