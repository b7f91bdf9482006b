import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { finishImportRun, startImportRun } from './runs.ts'

describe(`import job status API (${TEST_KIND})`, () => {
  let s: TestServer
  let done: number
  let running: number
  beforeAll(async () => {
    s = await startTestServer({ seed: 'none', web: false })
    done = await startImportRun(s.db.sql, { kind: 'addresses', file: 'base.csv', source: 'base.csv', reportPath: 'base.csv.rejects.csv' })
    await finishImportRun(s.db.sql, done, { status: 'done', counts: { read: 10, inserted: 8, updated: 0, unchanged: 0, rejected: 2 }, message: null })
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
})
