/**
 * The offline queue against fake-indexeddb (an in-memory IndexedDB) and a fake server (fetch):
 * order, keys, photos before their action, conflicts kept, and a reload that carries on.
 */
import 'fake-indexeddb/auto'

import { afterEach, describe, expect, it } from 'vitest'

import { backoffDelay, classifyStatus, createQueue, type NewAction, type OfflineQueue, withAttachments } from './queue.ts'

/** One request the fake server received. */
interface Seen {
  method: string
  path: string
  key: string | null
  csrf: string | null
  body: unknown
}

/** A fake server: records requests; `answer` decides each reply (a thrown error is no connection). */
function fakeServer(answer: (req: Seen, n: number) => Response | Promise<Response> = () => json(200, {})) {
  const seen: Seen[] = []
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers)
    const form = init?.body instanceof FormData ? init.body : null
    const file = form?.get('file')
    const req: Seen = {
      method: init?.method ?? 'GET',
      path: String(input),
      key: headers.get('idempotency-key'),
      csrf: headers.get('x-csrf-token'),
      body: form ? { file: file instanceof Blob ? { size: file.size, name: (file as File).name } : null } : JSON.parse(String(init?.body)),
    }
    seen.push(req)
    return answer(req, seen.length)
  }) as typeof globalThis.fetch
  return { seen, fetch }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

const action = (n: number, photos: NewAction['photos'] = []): NewAction => ({
  method: 'POST',
  path: `/api/tasks/${n}/transitions`,
  body: { action: 'submit', comment: `第 ${n} 条` },
  photos,
  label: `提交任务 #${n}`,
})

const photo = (name: string, bytes: number) => ({
  name,
  type: 'image/jpeg',
  blob: new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }),
})

let dbCount = 0
const open: OfflineQueue[] = []
/** A queue over its own database (or `dbName`'s, to reload), offline unless `online` says otherwise. */
function queue(fetch: typeof globalThis.fetch, opts: { dbName?: string; online?: boolean } = {}) {
  const dbName = opts.dbName ?? `queue-test-${++dbCount}`
  const q = createQueue({ fetch, csrf: () => 'csrf-1', dbName, auto: false, online: () => opts.online ?? false })
  open.push(q)
  return { q, dbName }
}

afterEach(() => {
  for (const q of open.splice(0)) q.close()
})

describe('the offline queue', () => {
  it('keeps actions in order while offline and sends them in that order, each with its key and the CSRF token', async () => {
    const server = fakeServer()
    const { q } = queue(server.fetch)
    const a = await q.enqueue(action(1))
    const b = await q.enqueue(action(2))
    const c = await q.enqueue(action(3))
    expect(server.seen).toEqual([])
    expect((await q.list()).map((x) => [x.label, x.state, x.attempts])).toEqual([
      ['提交任务 #1', 'queued', 0],
      ['提交任务 #2', 'queued', 0],
      ['提交任务 #3', 'queued', 0],
    ])
    expect(new Set([a.key, b.key, c.key]).size).toBe(3)

    expect(await q.flush()).toEqual({ sent: 3, conflicts: 0, left: 0 })
    expect(server.seen.map((r) => [r.path, r.key, r.csrf])).toEqual([
      ['/api/tasks/1/transitions', a.key, 'csrf-1'],
      ['/api/tasks/2/transitions', b.key, 'csrf-1'],
      ['/api/tasks/3/transitions', c.key, 'csrf-1'],
    ])
    expect(server.seen[0]!.body).toEqual({ action: 'submit', comment: '第 1 条' })
    expect(await q.list()).toEqual([])
  })

  it('stops at an action that does not get through and retries it later with the same key, order kept', async () => {
    let down = true
    const server = fakeServer((req) => {
      if (down && req.path === '/api/tasks/2/transitions') throw new TypeError('Failed to fetch')
      return json(200, {})
    })
    const { q } = queue(server.fetch)
    await q.enqueue(action(1))
    const second = await q.enqueue(action(2))
    await q.enqueue(action(3))

    expect(await q.flush()).toEqual({ sent: 1, conflicts: 0, left: 2 })
    const waiting = await q.list()
    expect(waiting.map((x) => [x.label, x.state, x.attempts])).toEqual([
      ['提交任务 #2', 'queued', 1],
      ['提交任务 #3', 'queued', 0],
    ])
    expect(waiting[0]!.error).toMatch(/未连接/)

    // 503 and 429 and a key still being processed (409 with Retry-After) also wait.
    const statuses = [
      json(503, { error: 'busy' }),
      json(429, { error: 'slow down' }),
      json(409, { error: 'still running' }, { 'retry-after': '1' }),
    ]
    const flaky = fakeServer(() => statuses.shift() ?? json(200, {}))
    const { q: q2 } = queue(flaky.fetch)
    const only = await q2.enqueue(action(9))
    for (const attempts of [1, 2, 3]) {
      expect((await q2.flush()).left).toBe(1)
      expect((await q2.list())[0]!.attempts).toBe(attempts)
    }
    expect(await q2.flush()).toEqual({ sent: 1, conflicts: 0, left: 0 })
    expect(new Set(flaky.seen.map((r) => r.key))).toEqual(new Set([only.key]))

    down = false
    expect(await q.flush()).toEqual({ sent: 2, conflicts: 0, left: 0 })
    const tries = server.seen.filter((r) => r.path === '/api/tasks/2/transitions')
    expect(tries.map((r) => r.key)).toEqual([second.key, second.key])
    expect(server.seen.map((r) => r.path)).toEqual([
      '/api/tasks/1/transitions',
      '/api/tasks/2/transitions',
      '/api/tasks/2/transitions',
      '/api/tasks/3/transitions',
    ])
  })

  it('uploads the photos first, each with its derived key, and sends their ids with the action', async () => {
    let n = 0
    const server = fakeServer((req) => (req.path === '/api/attachments' ? json(201, { id: `${'a'.repeat(63)}${++n}` }) : json(200, {})))
    const { q } = queue(server.fetch)
    const a = await q.enqueue({
      ...action(4, [photo('p1.jpg', 1000), photo('p2.jpg', 2000)]),
      body: { action: 'submit', attachments: ['f'.repeat(64)] },
    })
    expect((await q.list())[0]!.photos.map((p) => [p.name, p.blob.size])).toEqual([
      ['p1.jpg', 1000],
      ['p2.jpg', 2000],
    ])
    await q.flush()
    expect(server.seen.map((r) => [r.path, r.key])).toEqual([
      ['/api/attachments', `${a.key}:photo:0`],
      ['/api/attachments', `${a.key}:photo:1`],
      ['/api/tasks/4/transitions', a.key],
    ])
    expect(server.seen[0]!.body).toEqual({ file: { size: 1000, name: 'p1.jpg' } })
    expect(server.seen[2]!.body).toEqual({ action: 'submit', attachments: ['f'.repeat(64), `${'a'.repeat(63)}1`, `${'a'.repeat(63)}2`] })
  })

  it('does not upload a photo again after the connection drops between two photos', async () => {
    let calls = 0
    const server = fakeServer((req) => {
      calls++
      if (calls === 2) throw new TypeError('network down')
      return req.path === '/api/attachments' ? json(201, { id: `id-${calls}` }) : json(200, {})
    })
    const { q } = queue(server.fetch)
    const a = await q.enqueue(action(5, [photo('p1.jpg', 10), photo('p2.jpg', 20)]))
    expect((await q.flush()).left).toBe(1)
    expect((await q.list())[0]!.error).toMatch(/^照片 2/)
    await q.flush()
    expect(server.seen.map((r) => r.key)).toEqual([`${a.key}:photo:0`, `${a.key}:photo:1`, `${a.key}:photo:1`, a.key])
    expect(server.seen[3]!.body).toEqual({ action: 'submit', comment: '第 5 条', attachments: ['id-1', 'id-3'] })
  })

  it('keeps a conflict with the server’s words, reports it, sends the actions after it, and drops it only when discarded', async () => {
    const server = fakeServer((req) =>
      req.path === '/api/tasks/2/transitions'
        ? json(409, { error: '任务已改派给其他人' })
        : req.path === '/api/tasks/3/transitions'
          ? json(400, { error: 'bad body' })
          : json(201, {}),
    )
    const { q } = queue(server.fetch)
    const seenStates: string[][] = []
    const off = q.onChange((all) => seenStates.push(all.map((a) => `${a.label}:${a.state}`)))
    await q.enqueue(action(1))
    const conflict = await q.enqueue(action(2))
    await q.enqueue(action(3))
    await q.enqueue(action(4))
    expect(await q.flush()).toEqual({ sent: 2, conflicts: 2, left: 0 })
    const kept = await q.list()
    expect(kept.map((a) => [a.label, a.state, a.error])).toEqual([
      ['提交任务 #2', 'conflict', '任务已改派给其他人'],
      ['提交任务 #3', 'failed', 'bad body'],
    ])
    expect(seenStates.at(-1)).toEqual(['提交任务 #2:conflict', '提交任务 #3:failed'])
    expect(seenStates.some((s) => s.includes('提交任务 #1:sending'))).toBe(true)

    // Flushing again sends neither: they wait for the worker.
    expect(await q.flush()).toEqual({ sent: 0, conflicts: 0, left: 0 })
    expect(server.seen).toHaveLength(4)
    await q.discard(conflict.id)
    expect((await q.list()).map((a) => a.label)).toEqual(['提交任务 #3'])
    expect(seenStates.at(-1)).toEqual(['提交任务 #3:failed'])
    off()
  })

  it('carries on after a reload: a new queue over the same database sends what the old one left, in order', async () => {
    const offline = fakeServer(() => {
      throw new TypeError('offline')
    })
    const { q, dbName } = queue(offline.fetch)
    const first = await q.enqueue(action(1, [photo('p.jpg', 50)]))
    await q.enqueue(action(2))
    await q.enqueue(action(3))
    await q.flush()
    q.close()

    const server = fakeServer((req) => (req.path === '/api/attachments' ? json(201, { id: 'photo-id' }) : json(200, {})))
    const { q: reloaded } = queue(server.fetch, { dbName })
    const before = await reloaded.list()
    expect(before.map((a) => [a.label, a.state, a.attempts])).toEqual([
      ['提交任务 #1', 'queued', 1],
      ['提交任务 #2', 'queued', 0],
      ['提交任务 #3', 'queued', 0],
    ])
    expect(before[0]!.photos[0]!.blob.size).toBe(50)
    // New actions go after the old ones.
    await reloaded.enqueue(action(4))
    expect(await reloaded.flush()).toEqual({ sent: 4, conflicts: 0, left: 0 })
    expect(server.seen.map((r) => r.key)).toEqual([`${first.key}:photo:0`, first.key, before[1]!.key, before[2]!.key, expect.any(String)])
    expect(server.seen.map((r) => r.path).slice(1)).toEqual([
      '/api/tasks/1/transitions',
      '/api/tasks/2/transitions',
      '/api/tasks/3/transitions',
      '/api/tasks/4/transitions',
    ])
  })

  it('sends at once when enqueued online, and a retried conflict goes with the same key', async () => {
    let refuse = true
    const server = fakeServer(() => (refuse ? json(403, { error: '无权操作' }) : json(200, {})))
    const { q } = queue(server.fetch, { online: true })
    const a = await q.enqueue(action(7))
    await q.flush()
    expect((await q.list())[0]).toMatchObject({ state: 'conflict', error: '无权操作' })
    refuse = false
    await q.retry(a.id)
    await q.flush()
    expect(await q.list()).toEqual([])
    expect(server.seen.map((r) => r.key)).toEqual([a.key, a.key])
  })
})

describe('the queue’s rules', () => {
  it('classifies answers', () => {
    expect([200, 201, 204].map((s) => classifyStatus(s))).toEqual(['ok', 'ok', 'ok'])
    expect([500, 502, 503, 408, 429, 401].map((s) => classifyStatus(s))).toEqual(Array(6).fill('retry'))
    expect([409, 422, 404, 403].map((s) => classifyStatus(s))).toEqual(Array(4).fill('conflict'))
    expect(classifyStatus(409, true)).toBe('retry')
    expect([400, 413, 415].map((s) => classifyStatus(s))).toEqual(['failed', 'failed', 'failed'])
  })

  it('backs off from 5 s to at most 5 min', () => {
    expect([1, 2, 3, 7, 8, 20].map((n) => backoffDelay(n, () => 0.5))).toEqual([5000, 10000, 20000, 300000, 300000, 300000])
    expect(backoffDelay(1, () => 0)).toBe(4000)
    expect(backoffDelay(1, () => 1)).toBe(6000)
  })

  it('adds photo ids to the attachments an action already names', () => {
    expect(withAttachments({ a: 1 }, [])).toEqual({ a: 1 })
    expect(withAttachments({ attachments: ['x'] }, ['y'])).toEqual({ attachments: ['x', 'y'] })
  })
})
