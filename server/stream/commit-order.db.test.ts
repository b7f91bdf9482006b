/**
 * A change number is taken when a row is written, not when its transaction commits, so the change
 * numbered n can commit after the one numbered n+1. What the command center expects: every change
 * reaches every wall screen whatever order the writers commit in — on a live connection, after a
 * reconnect with Last-Event-ID, on a connection opened in between, and on a town officer's stream.
 *
 * Native PostgreSQL runs the two writers truly interleaved (two connections). The embedded
 * database cannot: PGlite is one backend session behind one connection (server/db/embedded.ts),
 * so a second writer waits until the first has committed and numbers there always commit in
 * order. The embedded case proves that serialisation, and that both changes arrive in that order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureFirstAdmin } from '../auth/bootstrap.ts'
import type { Queryable } from '../db/index.ts'
import { TEST_KIND } from '../testing/db.ts'
import { loginToken, startTestServer, type TestServer } from '../testing/harness.ts'
import { type EventReader, eventReader } from './testing.ts'

type Incident = { properties: { incidentId: string } }
const TOWN = '330109001'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const ids = (events: { data: Incident }[]) => events.map((e) => e.data.properties.incidentId)

/**
 * Writes an incident of TOWN; its change number. Writers of one day and category queue on the
 * same rollup row (migrations/006) until the first commits, so interleaved writers differ in category.
 */
async function insert(sql: Queryable, id: string, category = '0101'): Promise<string> {
  const [row] = await sql<{ seq: string }[]>`
    INSERT INTO incidents (incident_id, reported_at, category_code, address, town_code)
    VALUES (${id}, now(), ${category}, '城厢街道金城路440号', ${TOWN}) RETURNING change_seq::text AS seq`
  return row!.seq
}

/** A transaction that has written an incident (taking its change number) and stays open until commit(). */
async function holdOpen(sql: TestServer['db']['sql'], id: string): Promise<{ seq: string; commit(): Promise<void> }> {
  let release!: () => void
  const gate = new Promise<void>((r) => (release = r))
  let written!: (seq: string) => void
  const seq = new Promise<string>((r) => (written = r))
  const done = sql.begin(async (tx) => {
    written(await insert(tx, id))
    await gate
  })
  return {
    seq: await Promise.race([seq, done.then(() => Promise.reject(new Error('committed too early')))]),
    commit: () => (release(), done),
  }
}

describe(`live stream when writers commit out of number order (${TEST_KIND})`, () => {
  let s: TestServer
  const tokens: Record<string, string> = {}
  const open: EventReader<Incident>[] = []

  /** A stream as the given user sees it, optionally resuming after an event id. */
  async function stream(user: 'admin' | 'town', lastEventId?: string): Promise<EventReader<Incident>> {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[user]}` }
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId
    const res = await fetch(`${s.url}/api/stream`, { headers })
    expect(res.status).toBe(200)
    const r = eventReader<Incident>(res)
    open.push(r)
    return r
  }

  beforeAll(async () => {
    s = await startTestServer({ seed: 'none', web: false, auth: 'required' })
    await s.db.sql`
      INSERT INTO admin_areas (code, name, level, parent_code, geom, label_point) VALUES
        ('330109', '萧山区', 'district', NULL, ST_Multi(ST_MakeEnvelope(120, 30, 121, 31, 4326)), ST_SetSRID(ST_Point(120.5, 30.5), 4326)),
        (${TOWN}, '城厢街道', 'town', '330109', ST_Multi(ST_MakeEnvelope(120.2, 30.1, 120.3, 30.2, 4326)), ST_SetSRID(ST_Point(120.25, 30.15), 4326))`
    // A tile invalidation older than the hour each incident write prunes (a database in use has
    // them): interleaved writers must not queue on its prune (migrations/030).
    await s.db.sql`INSERT INTO tile_invalidations (source, at) VALUES ('incidents', now() - interval '2 hours')`
    const login = async (username: string, password: string) => {
      return loginToken(s.url, username, password)
    }
    const admin = await ensureFirstAdmin(s.db)
    tokens.admin = await login('admin', admin!.password)
    const made = await fetch(`${s.url}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'town-officer', password: 'correct-horse-battery-staple', role: 'town', areaCodes: [TOWN] }),
    })
    expect(made.status).toBe(201)
    tokens.town = await login('town-officer', 'correct-horse-battery-staple')
  }, 300_000)
  afterAll(async () => {
    for (const r of open) await r.close()
    await s?.close()
  })

  it.runIf(TEST_KIND === 'native')(
    'a change numbered n that commits after n+1 still reaches live, reconnecting, newly opened and town streams, once',
    async () => {
      const wall = await stream('admin')
      const town = await stream('town')
      await sleep(200)
      const first = await holdOpen(s.db.sql, 'OO-1')
      const second = await insert(s.db.sql, 'OO-2', '0201')
      expect(BigInt(second)).toBeGreaterThan(BigInt(first.seq))

      // OO-2 committed: it shows at once, on both streams, while OO-1 is still being written.
      expect(ids(await wall.next(1, 3_000))).toEqual(['OO-2'])
      expect(ids(await town.next(1, 3_000))).toEqual(['OO-2'])
      // This wall drops here; another opens now. Several polls pass with OO-1 still open.
      const dropped = wall.lastEventId
      const opened = await stream('admin')
      await sleep(1_000)
      expect(await wall.next(1, 100)).toEqual([])

      await first.commit()
      expect(ids(await wall.next(1, 3_000))).toEqual(['OO-1'])
      expect(ids(await town.next(1, 3_000))).toEqual(['OO-1'])
      expect(ids(await opened.next(1, 3_000))).toEqual(['OO-1'])
      // The dropped wall comes back with the last id it saw: OO-1, and OO-2 not a second time.
      const back = await stream('admin', dropped)
      expect(ids(await back.next(2, 2_000))).toEqual(['OO-1'])

      // And every stream goes on from there: the next change once, nothing before it again.
      await insert(s.db.sql, 'OO-3', '0201')
      const after = await Promise.all([wall, town, opened, back].map((r) => r.next(2, 2_000)))
      expect(after.map(ids)).toEqual([['OO-3'], ['OO-3'], ['OO-3'], ['OO-3']])
    },
    60_000,
  )

  it('a backlog bigger than one look (a 5,000-incident import) arrives whole and once: live, across a reconnect in its middle, and with a change committing during it', async () => {
    const wall = await stream('admin')
    const leaving = await stream('admin')
    await sleep(200)
    // Native: a writer numbered before the import, still open while it is sent (one session can't, embedded).
    const early = TEST_KIND === 'native' ? await holdOpen(s.db.sql, 'BK-0') : null
    await s.db.sql`
      INSERT INTO incidents (incident_id, reported_at, category_code, address, town_code)
      SELECT 'BK-' || g, now(), '0201', '城厢街道金城路440号', ${TOWN} FROM generate_series(1, 5000) g`
    const first = await wall.next(1, 5_000)
    await early?.commit()
    const expected = [...(early ? ['BK-0'] : []), ...Array.from({ length: 5000 }, (_, i) => `BK-${i + 1}`)].sort()
    const got = [...first, ...(await wall.next(expected.length - 1, 20_000))]
    expect(ids(got).sort()).toEqual(expected)
    if (early) expect(ids(got).at(-1)).toBe('BK-0') // after the import: it committed after the import's first look

    // A wall that leaves after 1,500 events and comes back with the id of the last one it read.
    const part = await leaving.next(1_500, 10_000)
    await leaving.close()
    const back = await stream('admin', part.at(-1)!.id)
    const rest = await back.next(expected.length - part.length, 20_000)
    expect([...ids(part), ...ids(rest)].sort()).toEqual(expected)
    expect(await back.next(1, 1_000)).toEqual([])
  }, 120_000)

  it.runIf(TEST_KIND === 'embedded')(
    'embedded: a second writer waits for the first to commit, so numbers commit in order and both arrive',
    async () => {
      const wall = await stream('admin')
      await sleep(200)
      const first = await holdOpen(s.db.sql, 'EO-1')
      let secondDone = false
      const second = insert(s.db.sql, 'EO-2', '0201').then((seq) => ((secondDone = true), seq))
      await sleep(1_000)
      // One session: the second write (and the stream's own reads) queue behind the open transaction.
      expect(secondDone).toBe(false)
      await first.commit()
      expect(BigInt(await second)).toBeGreaterThan(BigInt(first.seq))
      const got = await wall.next(2, 3_000)
      expect(ids(got)).toEqual(['EO-1', 'EO-2'])
      // Resuming after EO-1 gives EO-2 only.
      const back = await stream('admin', got[0]!.id)
      expect(ids(await back.next(2, 2_000))).toEqual(['EO-2'])
    },
    60_000,
  )
})
