/**
 * Idempotency keys from the users' side, on a real server with login required: a grid worker on
 * a phone (session cookie and CSRF header, as the desk sends them) whose connection drops
 * retries a task step, a hazard report and a photo upload with the same key, one after another
 * and all at once; each happens once, and every retry reads the first answer. A key reused for
 * another request is 422, another user's same key is their own, an expired key runs again, a
 * refusal is refused again, and a scoped worker still acts within their grid.
 */
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureFirstAdmin } from '../auth/bootstrap.ts'
import { scopeOfUser } from '../auth/context.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { jsonFingerprint } from './key.ts'

const PASSWORD = 'correct-horse-battery-staple'

interface Answer {
  status: number
  replayed: string | null
  text: string
  json: { error?: string; details?: { where: string; message: string }[]; id?: number; status?: string } & Record<string, unknown>
}

describe(`idempotency keys (${TEST_KIND})`, () => {
  let s: TestServer
  let adminToken = ''
  /** Phone logins: the session and CSRF cookies, and the CSRF token echoed in its header. */
  const phones: Record<string, { cookie: string; csrf: string }> = {}
  const userIds: Record<string, string> = {}
  let gridA = ''
  let gridB = ''
  let pointA: [number, number] = [0, 0]

  /** A request as the phone app sends it (web/src/api/client.ts sendJson), with an optional key. */
  const send = async (who: string, method: string, path: string, body?: unknown, key?: string): Promise<Answer> => {
    const headers: Record<string, string> =
      who === 'admin' ? { authorization: `Bearer ${adminToken}` } : { cookie: phones[who]!.cookie, 'x-csrf-token': phones[who]!.csrf }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (key !== undefined) headers['idempotency-key'] = key
    const res = await fetch(`${s.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
    const text = await res.text()
    return {
      status: res.status,
      replayed: res.headers.get('idempotent-replayed'),
      text,
      json: text ? (JSON.parse(text) as Answer['json']) : {},
    }
  }
  const login = async (username: string) => {
    const res = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    })
    expect(res.status).toBe(200)
    const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!)
    const csrf = cookies.find((c) => c.startsWith('onemap_csrf='))!.slice('onemap_csrf='.length)
    return { cookie: cookies.join('; '), csrf }
  }
  const newTask = async (area: string, title: string) => {
    const r = await send('admin', 'POST', '/api/tasks', { title, area_code: area, assignee_team: '网格', due_date: '2099-01-01' })
    expect(r.status, r.text).toBe(201)
    return r.json.id!
  }
  const count = async (q: Promise<{ n: number }[]>) => (await q)[0]!.n
  const transitions = (taskId: number, to: string) =>
    count(
      s.db.sql<
        { n: number }[]
      >`SELECT count(*)::int AS n FROM task_events WHERE task_id = ${taskId} AND action = 'transition' AND to_status = ${to}`,
    )
  const audits = (taskId: number) =>
    count(
      s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'task.transition' AND target = ${`task:${taskId}`}`,
    )
  const hazards = (description: string) =>
    count(s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM hazards WHERE description = ${description}`)
  const hazard = (description: string) => ({
    source: 'grid_inspection',
    category: 'fire',
    severity: 'general',
    description,
    lng: pointA[0],
    lat: pointA[1],
  })

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required' })
    const first = await ensureFirstAdmin(s.db)
    const res = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: first!.password }),
    })
    adminToken = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('onemap_session='))!
      .split(';')[0]!
      .slice('onemap_session='.length)
    const grids = await s.db.sql<{ code: string; lng: number; lat: number }[]>`
      SELECT code, ST_X(label_point) AS lng, ST_Y(label_point) AS lat FROM admin_areas WHERE level = 'grid' ORDER BY code LIMIT 2`
    gridA = grids[0]!.code
    gridB = grids[1]!.code
    pointA = [grids[0]!.lng, grids[0]!.lat]
    for (const username of ['grid-a', 'grid-a2']) {
      const u = await send('admin', 'POST', '/api/users', { username, password: PASSWORD, role: 'grid', areaCodes: [gridA] })
      expect(u.status, u.text).toBe(201)
      userIds[username] = String(u.json.id)
      phones[username] = await login(username)
    }
  })
  afterAll(async () => {
    await s?.close()
  })

  it('a task step retried after a dropped connection happens once; every retry reads the first answer', async () => {
    const taskId = await newTask(gridA, '清理楼道堆物')
    const path = `/api/tasks/${taskId}/transitions`
    const step = { to: 'accepted', comment: '收到，马上去' }
    const first = await send('grid-a', 'POST', path, step, 'phone-1-accept')
    expect(first.status, first.text).toBe(200)
    expect(first.replayed).toBeNull()
    expect(first.json.status).toBe('accepted')
    for (let i = 0; i < 3; i++) {
      // The same body re-serialised in another key order is the same request.
      const again = await send('grid-a', 'POST', path, { comment: '收到，马上去', to: 'accepted' }, 'phone-1-accept')
      expect(again.status).toBe(200)
      expect(again.replayed).toBe('true')
      expect(again.text).toBe(first.text)
    }
    expect(await transitions(taskId, 'accepted')).toBe(1)
    expect(await audits(taskId)).toBe(1)
    const stored = await s.db.sql`SELECT owner, method, path, state, status FROM idempotency_keys WHERE key = 'phone-1-accept'`
    expect(stored).toEqual([{ owner: `user:${userIds['grid-a']}`, method: 'POST', path, state: 'done', status: 200 }])

    // Without the server's answer the phone cannot know the step is done: without a key the
    // same step again is refused by the workflow, as before.
    const plain = await send('grid-a', 'POST', path, step)
    expect(plain.status).toBe(409)
    expect(plain.replayed).toBeNull()
  })

  it('five copies sent at once: one step, the others wait (409) or read its answer', async () => {
    const taskId = await newTask(gridA, '检查灭火器')
    const path = `/api/tasks/${taskId}/transitions`
    const step = { to: 'accepted' }
    const answers = await Promise.all(Array.from({ length: 5 }, () => send('grid-a', 'POST', path, step, 'phone-1-burst')))
    const done = answers.filter((a) => a.status === 200)
    const waiting = answers.filter((a) => a.status === 409)
    expect(done.length + waiting.length, JSON.stringify(answers.map((a) => a.status))).toBe(5)
    expect(done.filter((a) => a.replayed === null)).toHaveLength(1)
    for (const a of done) expect(a.text).toBe(done[0]!.text)
    for (const a of waiting)
      expect(a.json.error).toBe('a request with this Idempotency-Key is still being processed: retry when it is done')
    // Those told to wait retry, and read the same answer.
    for (const _ of waiting) {
      const again = await send('grid-a', 'POST', path, step, 'phone-1-burst')
      expect(again.replayed).toBe('true')
      expect(again.text).toBe(done[0]!.text)
    }
    expect(await transitions(taskId, 'accepted')).toBe(1)
    expect(await audits(taskId)).toBe(1)
  })

  it('a key used for another request is 422 naming the header; another user’s same key is their own', async () => {
    const taskId = await newTask(gridA, '巡查沿街店铺')
    const path = `/api/tasks/${taskId}/transitions`
    expect((await send('grid-a', 'POST', path, { to: 'accepted' }, 'phone-1-reuse')).status).toBe(200)
    const otherBody = await send('grid-a', 'POST', path, { to: 'accepted', comment: '另一个' }, 'phone-1-reuse')
    expect(otherBody.status).toBe(422)
    expect(otherBody.json.error).toBe(
      `Idempotency-Key was already used for another request (POST ${path} with another body): send a new key for a new request`,
    )
    expect(otherBody.json.details).toEqual([{ where: 'headers.Idempotency-Key', message: 'already used for another request' }])
    const otherPath = await send('grid-a', 'POST', '/api/hazards', hazard('钥匙重复使用'), 'phone-1-reuse')
    expect(otherPath.status).toBe(422)
    expect(otherPath.json.error).toContain(`(POST ${path})`)
    expect(await hazards('钥匙重复使用')).toBe(0)

    // A colleague's phone happens to use the same key: a request of their own, run.
    const colleague = await send('grid-a2', 'POST', path, { to: 'in_progress' }, 'phone-1-reuse')
    expect(colleague.status, colleague.text).toBe(200)
    expect(colleague.replayed).toBeNull()
    expect(colleague.json.status).toBe('in_progress')
    expect(await transitions(taskId, 'in_progress')).toBe(1)
  })

  it('a hazard report retried is one hazard; without a key two reports are two', async () => {
    const report = hazard('楼道电动车充电，飞线')
    const first = await send('grid-a', 'POST', '/api/hazards', report, 'phone-1-hazard')
    expect(first.status, first.text).toBe(201)
    const again = await send('grid-a', 'POST', '/api/hazards', report, 'phone-1-hazard')
    expect(again).toMatchObject({ status: 201, replayed: 'true', text: first.text })
    expect(await hazards(report.description)).toBe(1)

    const plain = hazard('无钥匙上报两次')
    expect((await send('grid-a', 'POST', '/api/hazards', plain)).status).toBe(201)
    expect((await send('grid-a', 'POST', '/api/hazards', plain)).status).toBe(201)
    expect(await hazards(plain.description)).toBe(2)
  })

  it('an expired key runs again, and expired entries are pruned', async () => {
    const report = hazard('过期后再报')
    expect((await send('grid-a', 'POST', '/api/hazards', report, 'phone-1-old')).status).toBe(201)
    expect((await send('grid-a2', 'POST', '/api/hazards', hazard('另一人的旧钥匙'), 'phone-2-old')).status).toBe(201)
    await s.db.sql`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key IN ('phone-1-old', 'phone-2-old')`
    const later = await send('grid-a', 'POST', '/api/hazards', report, 'phone-1-old')
    expect(later.status).toBe(201)
    expect(later.replayed).toBeNull()
    expect(await hazards(report.description)).toBe(2)
    // The new claim pruned the other expired entry.
    expect(await s.db.sql`SELECT key FROM idempotency_keys WHERE key IN ('phone-1-old', 'phone-2-old') ORDER BY key`).toEqual([
      { key: 'phone-1-old' },
    ])
  })

  it('a refused request retried is refused the same way, without running', async () => {
    const bad = { ...hazard('日期错误'), due_date: '2026-02-30' }
    const first = await send('grid-a', 'POST', '/api/hazards', bad, 'phone-1-bad')
    expect(first.status).toBe(400)
    expect(first.json.error).toContain('body.due_date')
    const again = await send('grid-a', 'POST', '/api/hazards', bad, 'phone-1-bad')
    expect(again).toMatchObject({ status: 400, replayed: 'true', text: first.text })
  })

  it('a malformed key is 400 naming the header, and nothing runs', async () => {
    // (A header carries Latin-1 at most: 'schlüssel' is the non-ASCII key a client can send.)
    for (const key of ['', 'has space', 'k'.repeat(256), 'schl\u00fcssel']) {
      const r = await send('grid-a', 'POST', '/api/hazards', hazard('坏钥匙'), key)
      expect(r.status, key).toBe(400)
      expect(r.json.error, key).toMatch(/^invalid header: Idempotency-Key: /)
      expect(r.json.details![0]!.where).toBe('headers.Idempotency-Key')
    }
    expect(await hazards('坏钥匙')).toBe(0)
  })

  it('a worker keyed still acts within their grid only: another grid’s task is a 404, kept as such', async () => {
    const taskId = await newTask(gridB, '别的网格的任务')
    const path = `/api/tasks/${taskId}/transitions`
    const r = await send('grid-a', 'POST', path, { to: 'accepted' }, 'phone-1-scope')
    expect(r.status).toBe(404)
    expect((await send('grid-a', 'POST', path, { to: 'accepted' }, 'phone-1-scope')).replayed).toBe('true')
    expect(await transitions(taskId, 'accepted')).toBe(0)
    // The stored answers are the server's own: a scoped transaction cannot read them.
    const scope = scopeOfUser({ id: userIds['grid-a']!, role: 'grid', areaCodes: [gridA] })
    await expect(s.db.withScope(scope, (tx) => tx`SELECT count(*) FROM idempotency_keys`)).rejects.toThrow(/permission denied/)
  })

  it('a key still being processed is 409; one whose server died is taken over after the lease', async () => {
    const report = hazard('处理中的请求')
    const fingerprint = jsonFingerprint(report)
    await s.db.sql`
      INSERT INTO idempotency_keys (owner, key, method, path, fingerprint, claim, expires_at)
      VALUES (${`user:${userIds['grid-a']}`}, 'phone-1-running', 'POST', '/api/hazards', ${fingerprint}, gen_random_uuid(), now() + interval '1 day')`
    const busy = await send('grid-a', 'POST', '/api/hazards', report, 'phone-1-running')
    expect(busy.status).toBe(409)
    expect(busy.json.error).toBe('a request with this Idempotency-Key is still being processed: retry when it is done')
    expect(await hazards(report.description)).toBe(0)
    await s.db.sql`UPDATE idempotency_keys SET created_at = now() - interval '10 minutes' WHERE key = 'phone-1-running'`
    const taken = await send('grid-a', 'POST', '/api/hazards', report, 'phone-1-running')
    expect(taken.status).toBe(201)
    expect(await hazards(report.description)).toBe(1)
  })

  it('the API reference documents the header and its 409 and 422 on the writes, not on the login', async () => {
    interface Op {
      parameters?: { name: string; in: string; required?: boolean }[]
      responses: Record<string, { description: string; headers?: Record<string, unknown> }>
    }
    const res = await fetch(`${s.url}/api/openapi.json`, { headers: { authorization: `Bearer ${adminToken}` } })
    const doc = (await res.json()) as { paths: Record<string, Record<string, Op>> }
    const writes: [string, string][] = [
      ['/api/tasks/{id}/transitions', 'post'],
      ['/api/tasks/{id}', 'patch'],
      ['/api/hazards', 'post'],
      ['/api/hazards/{id}/transitions', 'post'],
      ['/api/attachments', 'post'],
      ['/api/incidents', 'post'],
      ['/api/warnings/{id}/transitions', 'post'],
    ]
    for (const [path, method] of writes) {
      const op = doc.paths[path]![method]!
      expect(op.parameters, path).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }))
      expect(op.parameters!.find((p) => p.name === 'Idempotency-Key')!.required ?? false).toBe(false)
      expect(op.responses['409']!.description, path).toContain('Idempotency-Key')
      expect(op.responses['422']!.description, path).toContain('Idempotency-Key')
      const ok = Object.entries(op.responses).find(([code]) => code.startsWith('2'))![1]
      expect(Object.keys(ok.headers ?? {}), path).toEqual(['Idempotent-Replayed'])
    }
    expect(doc.paths['/api/auth/login']!.post!.parameters ?? []).not.toContainEqual(expect.objectContaining({ name: 'Idempotency-Key' }))
    expect(doc.paths['/api/tasks']!.get!.parameters).not.toContainEqual(expect.objectContaining({ name: 'Idempotency-Key' }))
  })

  it('a photo upload retried with a new multipart boundary is replayed; its upload audited once', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a6' } })
      .jpeg()
      .toBuffer()
    const upload = async (key: string) => {
      const form = new FormData()
      form.append('file', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), '现场.jpg')
      const res = await fetch(`${s.url}/api/attachments`, {
        method: 'POST',
        headers: { cookie: phones['grid-a']!.cookie, 'x-csrf-token': phones['grid-a']!.csrf, 'idempotency-key': key },
        body: form,
      })
      return { status: res.status, replayed: res.headers.get('idempotent-replayed'), text: await res.text() }
    }
    const first = await upload('phone-1-photo')
    expect(first.status, first.text).toBe(201)
    const again = await upload('phone-1-photo')
    expect(again).toEqual({ status: 201, replayed: 'true', text: first.text })
    const id = (JSON.parse(first.text) as { id: string }).id
    expect(
      await count(s.db.sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'attachment.upload' AND target = ${`attachment:${id}`}`),
    ).toBe(1)
  })
})
