import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startHeartbeat } from '../ops/heartbeat.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { beatImportRun, finishImportRun, startImportRun } from './runs.ts'

describe(`import job status API (${TEST_KIND})`, () => {
  let s: TestServer
  let done: number
  let running: number
  beforeAll(async () => {
    s = await startTestServer({ seed: 'none', web: false })
    done = await startImportRun(s.db.sql, { kind: 'addresses', file: 'base.csv', source: 'base.csv', reportPath: 'base.csv.rejects.csv' })
    await finishImportRun(s.db.sql, done, {
      status: 'done',
      counts: { read: 10, inserted: 8, updated: 0, unchanged: 0, rejected: 2 },
      message: null,
    })
    running = await startImportRun(s.db.sql, { kind: 'addresses', file: 'more.csv', source: null, reportPath: null })
  })
  afterAll(async () => {
    await s?.close()
  })
  const get = (p: string) => fetch(`${s.url}${p}`)

  it('lists runs newest first with their status and counts', async () => {
    const res = await get('/api/imports?kind=addresses')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { items: { id: number; status: string; rejected: number; finishedAt: string | null }[] }
    expect(body.items.map((r) => [r.id, r.status])).toEqual([
      [running, 'running'],
      [done, 'done'],
    ])
    expect(body.items[1]).toMatchObject({ read: 10, inserted: 8, rejected: 2, file: 'base.csv' })
    expect(body.items[0]!.finishedAt).toBeNull()
    expect(await (await get('/api/imports?kind=incidents')).json()).toEqual({ items: [] })
  })

  it('shows one run and answers 404 and 400', async () => {
    expect(await (await get(`/api/imports/${done}`)).json()).toMatchObject({ id: done, status: 'done' })
    expect((await get('/api/imports/99999')).status).toBe(404)
    const bad = await get('/api/imports?kind=parcels')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { details: { where: string }[] }).details[0]!.where).toBe('query.kind')
    expect((await get('/api/imports/abc')).status).toBe(400)
  })

  it('closes a run whose process died (no heartbeat for 3 minutes) as failed, and leaves live ones running', async () => {
    const dead = await startImportRun(s.db.sql, { kind: 'incidents', file: 'killed.csv', source: null, reportPath: null })
    const slow = await startImportRun(s.db.sql, { kind: 'incidents', file: 'slow.csv', source: null, reportPath: null })
    // What a process killed mid-import leaves: 'running', its last heartbeat 10 minutes ago; the slow one beat 2 minutes ago.
    const [last] = await s.db.sql<
      { t: Date }[]
    >`UPDATE import_runs SET heartbeat_at = date_trunc('second', now()) - interval '10 minutes' WHERE id = ${dead} RETURNING heartbeat_at AS t`
    await s.db.sql`UPDATE import_runs SET heartbeat_at = now() - interval '2 minutes' WHERE id = ${slow}`
    const body = (await (await get('/api/imports?kind=incidents')).json()) as {
      items: { id: number; status: string; finishedAt: string | null; message: string | null }[]
    }
    const byId = new Map(body.items.map((r) => [r.id, r]))
    expect(byId.get(dead)).toMatchObject({ status: 'failed', finishedAt: last!.t.toISOString() })
    expect(byId.get(dead)!.message).toBe(
      `interrupted: the process running it stopped (last heartbeat ${last!.t.toISOString().replace('.000Z', 'Z')})`,
    )
    expect(byId.get(slow)).toMatchObject({ status: 'running', finishedAt: null })
    expect(await (await get(`/api/imports/${running}`)).json()).toMatchObject({ status: 'running' })
    // A finished run is never reopened by a late heartbeat.
    await beatImportRun(s.db.sql, dead, { read: 5, inserted: 5, updated: 0, unchanged: 0, rejected: 0 })
    expect(await (await get(`/api/imports/${dead}`)).json()).toMatchObject({ status: 'failed', read: 0 })
  })

  it('a running import beats: its heartbeat advances and its counts so far show as progress, until stopped', async () => {
    const id = await startImportRun(s.db.sql, { kind: 'hazards', file: 'beating.csv', source: null, reportPath: null })
    await s.db.sql`UPDATE import_runs SET heartbeat_at = now() - interval '1 minute' WHERE id = ${id}`
    const counts = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 }
    const stop = startHeartbeat(() => beatImportRun(s.db.sql, id, counts), 50)
    counts.read = 120
    counts.inserted = 118
    counts.rejected = 2
    const beat = async () =>
      (
        await s.db.sql<
          { age: number; read: number }[]
        >`SELECT extract(epoch FROM now() - heartbeat_at)::float8 AS age, read FROM import_runs WHERE id = ${id}`
      )[0]!
    for (let i = 0; i < 100 && (await beat()).read !== 120; i++) await new Promise((r) => setTimeout(r, 20))
    expect((await beat()).age).toBeLessThan(10)
    expect(await (await get(`/api/imports/${id}`)).json()).toMatchObject({ status: 'running', read: 120, inserted: 118, rejected: 2 })
    stop()
    await new Promise((r) => setTimeout(r, 100))
    counts.read = 999
    await new Promise((r) => setTimeout(r, 150))
    expect((await beat()).read).toBe(120)
  })
})
