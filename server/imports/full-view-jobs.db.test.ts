/**
 * The full information view as an operator loads it: the example files of data/examples uploaded
 * through the import endpoint (the desk's imports page, the CLI's hand-off), one kind after another
 * in the order their references need — houses before residents, organisations before devices,
 * devices before their events. Each job ends done with every line accounted for, the rows are in
 * their tables, personal data is not stored in the clear, and uploading the same files again
 * changes nothing.
 */
import fs from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureFirstAdmin } from '../auth/bootstrap.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'

const PASSWORD = 'correct-horse-battery-staple'
const EXAMPLES = path.resolve(import.meta.dirname, '../../data/examples')

/** Each kind, its example file and the table its rows land in, in load order. */
const FILES = [
  ['houses', 'houses.csv', 'houses'],
  ['residents', 'residents.csv', 'residents'],
  ['organisations', 'organisations.csv', 'organisations'],
  ['disputes', 'disputes.csv', 'disputes'],
  ['patrols', 'patrols.csv', 'patrols'],
  ['devices', 'devices.csv', 'devices'],
  ['device_events', 'device-events.csv', 'device_events'],
] as const

interface Job {
  id: string
  status: string
  result: { read: number; inserted: number; updated: number; unchanged: number; rejected: number } | null
}

describe(`full-view import jobs from the example files (${TEST_KIND})`, () => {
  let s: TestServer
  let token = ''
  const call = (p: string, init: RequestInit = {}) =>
    fetch(`${s.url}${p}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } })
  const runJob = async (kind: string, file: string): Promise<Job> => {
    const form = new FormData()
    form.set('kind', kind)
    form.append('file', new Blob([fs.readFileSync(path.join(EXAMPLES, file))]), file)
    const res = await call('/api/imports', { method: 'POST', body: form })
    expect(res.status, `${kind}: ${res.status}`).toBe(202)
    let job = (await res.json()) as Job
    for (let i = 0; i < 600 && (job.status === 'queued' || job.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 100))
      job = (await (await call(`/api/imports/jobs/${job.id}`)).json()) as Job
    }
    return job
  }
  const count = async (table: string) => (await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM ${s.db.sql(table)}`)[0]!.n
  /** Data lines of a CSV file (quoted fields may hold newlines: count records, not lines). */
  const records = (file: string) => {
    const text = fs.readFileSync(path.join(EXAMPLES, file), 'utf8')
    let n = 0
    let quoted = false
    for (const ch of text) {
      if (ch === '"') quoted = !quoted
      else if (ch === '\n' && !quoted) n++
    }
    return n - 1 + (text.endsWith('\n') ? 0 : 1)
  }

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required' })
    const first = await ensureFirstAdmin(s.db)
    const login = async (username: string, password: string) => {
      const res = await fetch(`${s.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      })
      return res.headers
        .getSetCookie()
        .find((c) => c.startsWith('onemap_session='))!
        .split(';')[0]!
        .slice('onemap_session='.length)
    }
    token = await login('admin', first!.password)
    const created = await call('/api/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'command', password: PASSWORD, role: 'command' }),
    })
    expect(created.status).toBe(201)
    token = await login('command', PASSWORD)
  }, 300_000)
  afterAll(async () => {
    await s?.close()
  })

  it('loads every example file as a job, each line loaded or rejected, and the rows are in their tables', async () => {
    for (const [kind, file, table] of FILES) {
      const job = await runJob(kind, file)
      expect(job.status, kind).toBe('done')
      const r = job.result!
      expect(r.read, kind).toBe(records(file))
      expect(r.inserted + r.rejected, kind).toBe(r.read)
      expect(r.inserted, kind).toBeGreaterThan(0)
      expect(await count(table), kind).toBe(r.inserted)
    }
  }, 300_000)

  it('stores no name, ID number or phone of the files in the clear', async () => {
    const [dump] = await s.db.sql<{ text: string }[]>`
      SELECT concat_ws(' ', (SELECT json_agg(r)::text FROM residents r), (SELECT json_agg(h)::text FROM houses h),
                       (SELECT json_agg(o)::text FROM organisations o), (SELECT json_agg(p)::text FROM dispute_parties p)) AS text`
    for (const secret of ['张伟', '330109199001011234', '13812340001', '王建国', '13805710001', '陈静', '13900000001', '王小明']) {
      expect(dump!.text, secret).not.toContain(secret)
    }
  })

  it('changes nothing when the same files are uploaded again', async () => {
    for (const [kind, file, table] of FILES) {
      const before = await count(table)
      const job = await runJob(kind, file)
      expect(job.status, kind).toBe('done')
      expect(job.result, kind).toMatchObject({ inserted: 0, updated: 0 })
      expect(await count(table), kind).toBe(before)
    }
  }, 300_000)
})
