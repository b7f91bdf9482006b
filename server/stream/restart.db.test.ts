/**
 * Fault test: the server restarts (HTTP server closed, database handle closed and reopened, a new
 * server on the same port) while changes keep happening. A client that reconnects with
 * Last-Event-ID gets exactly what it missed, in order, then live events again: nothing lost,
 * nothing twice. (stream.db.test.ts covers resuming against a running server; the wall's browser
 * test covers the page's own reconnecting; this is the server side of a restart.)
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadConfig } from '../config.ts'
import { type Db, openDatabase } from '../db/index.ts'
import { listen, type RunningServer } from '../server.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { eventReader, readEvents as readStream } from './testing.ts'

/** The stream's events (./testing.ts); incidents carry their id and status. */
type Data = { properties?: { incidentId?: string; status?: string } }
const readEvents = (res: Response, count: number, ms: number) => readStream<Data>(res, count, ms)

describe(`live stream across a server restart (${TEST_KIND})`, () => {
  let t: TestDb
  let db: Db
  let server: RunningServer
  const config = (port: number, dataDir: string) =>
    loadConfig({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED: 'none', AUTH_ANONYMOUS_ROLE: 'admin' })
  const insert = (id: string) =>
    db.sql`INSERT INTO incidents (incident_id, reported_at, category_code, address) VALUES (${id}, now(), '0101', '金城路440号')`

  beforeAll(async () => {
    t = await createTestDb()
    db = t.db
    server = await listen(db, config(0, t.dataDir))
  }, 120_000)
  afterAll(async () => {
    await server?.close({ timeoutMs: 1_000 })
    if (db !== t.db) await db.close().catch(() => undefined)
    await t?.drop()
  })

  it('resumes with Last-Event-ID after a restart: what was missed, in order, once, then live again', async () => {
    const port = (server.server.address() as AddressInfo).port
    const url = server.url
    const first = await fetch(`${url}/api/stream`)
    await new Promise((r) => setTimeout(r, 100))
    await insert('R1')
    const { events: seen } = await readEvents(first, 1, 3_000)
    expect(seen.map((e) => e.data.properties?.incidentId)).toEqual(['R1'])
    const lastId = seen[0]!.id

    // Restart: the server ends open streams as it closes; the database handle goes too.
    const second = await fetch(`${url}/api/stream`, { headers: { 'Last-Event-ID': lastId } })
    await new Promise((r) => setTimeout(r, 100))
    await server.close({ timeoutMs: 2_000 })
    const { ended } = await readEvents(second, 1, 3_000)
    expect(ended).toBe(true)
    expect(
      await fetch(`${url}/api/health`).then(
        () => 'up',
        () => 'down',
      ),
    ).toBe('down')
    await db.close()
    db = await openDatabase({ databaseUrl: t.databaseUrl, dataDir: t.dataDir, migrate: true })

    // While the server is down, the database keeps changing (other writers, imports).
    await insert('R2')
    await db.sql`UPDATE incidents SET status = 'closed' WHERE incident_id = 'R1'`
    await insert('R3')

    // Back on the same port; the client reconnects as EventSource would, with the last id it saw.
    server = await listen(db, config(port, t.dataDir))
    expect(server.url).toBe(url)
    const again = await fetch(`${url}/api/stream`, { headers: { 'Last-Event-ID': lastId } })
    expect(again.status).toBe(200)
    const missed = await readEvents(again, 3, 5_000)
    // Nothing before or at Last-Event-ID came again (R1's first version is not among them).
    expect(missed.events.map((e) => [e.data.properties?.incidentId, e.data.properties?.status])).toEqual([
      ['R2', 'open'],
      ['R1', 'closed'],
      ['R3', 'open'],
    ])

    // And live again after the catch-up, on a fresh connection from the newest id.
    const live = await fetch(`${url}/api/stream`, { headers: { 'Last-Event-ID': missed.events.at(-1)!.id } })
    await new Promise((r) => setTimeout(r, 100))
    await insert('R4')
    const next = await readEvents(live, 2, 3_000)
    expect(next.events.map((e) => e.data.properties?.incidentId)).toEqual(['R4'])
  }, 120_000)

  // Native only: the embedded database is one session behind one connection (server/db/embedded.ts),
  // so no second writer can hold a transaction open across the restart, nor commit out of order.
  it.runIf(TEST_KIND === 'native')(
    'a change still being written when the client left, committed while the server was down, arrives after the restart',
    async () => {
      const port = (server.server.address() as AddressInfo).port
      const url = server.url
      // Another writer (an import, a second server) with its own connection, outliving the restart.
      const other = postgres(t.databaseUrl!, { max: 1, onnotice: () => {} })
      let release = () => {}
      try {
        const client = eventReader<Data>(await fetch(`${url}/api/stream`))
        await new Promise((r) => setTimeout(r, 100))
        const gate = new Promise<void>((r) => (release = r))
        let written!: () => void
        const inFlight = new Promise<void>((r) => (written = r))
        // Another category than R5's: writers of one day and category queue on one rollup row (migrations/006).
        const slow = other.begin(async (tx) => {
          await tx`INSERT INTO incidents (incident_id, reported_at, category_code, address) VALUES ('R5', now(), '0101', '金城路440号')`
          written()
          await gate
        })
        await inFlight
        await db.sql`INSERT INTO incidents (incident_id, reported_at, category_code, address) VALUES ('R6', now(), '0201', '金城路440号')`
        expect((await client.next(1, 3_000)).map((e) => e.data.properties?.incidentId)).toEqual(['R6'])
        const lastId = client.lastEventId

        await server.close({ timeoutMs: 2_000 })
        await client.next(1, 3_000)
        expect(client.ended).toBe(true)
        await db.close()
        release()
        await slow // R5 (numbered before R6) commits while no server is up
        db = await openDatabase({ databaseUrl: t.databaseUrl, dataDir: t.dataDir, migrate: true })
        server = await listen(db, config(port, t.dataDir))

        const again = eventReader<Data>(await fetch(`${url}/api/stream`, { headers: { 'Last-Event-ID': lastId } }))
        expect((await again.next(2, 2_000)).map((e) => e.data.properties?.incidentId)).toEqual(['R5'])
        await again.close()
      } finally {
        release()
        await other.end({ timeout: 5 })
      }
    },
    120_000,
  )

  it('a client reconnecting at once while the server drains is told to come back, and the server stops without waiting for its deadline', async () => {
    // As a browser does: the same kept-alive socket for the stream that ended and the reconnect.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const get = () =>
      new Promise<http.IncomingMessage>((resolve, reject) => http.get(`${server.url}/api/stream`, { agent }, resolve).on('error', reject))
    const body = (res: http.IncomingMessage) =>
      new Promise<string>((resolve) => {
        let text = ''
        res.setEncoding('utf8').on('data', (c: string) => (text += c))
        res.on('end', () => resolve(text)).on('close', () => resolve(text))
      })
    try {
      const first = await get()
      const firstEnded = body(first)
      const closing = server.close({ timeoutMs: 10_000 })
      await firstEnded
      const again = await get()
      expect(again.statusCode).toBe(200)
      expect(again.headers.connection).toBe('close')
      expect(await body(again)).toBe('retry: 2000\n\n')
      const drained = await closing
      expect(drained.forced).toBe(false)
      expect(drained.ms).toBeLessThan(5_000)
    } finally {
      agent.destroy()
    }
  }, 60_000)
})
