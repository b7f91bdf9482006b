/**
 * The phone app's offline queue: what a grid worker does without a connection (accept, submit with
 * photos, report a hazard) is kept in IndexedDB with its photos and sent in order when the
 * connection returns. Each action carries an Idempotency-Key (each photo a key derived from it),
 * so a retry after a lost answer never does it twice; the server remembers answers for 24 h.
 *
 * How an answer is taken (docs/phone.md):
 * - 2xx: done, removed from the queue;
 * - no answer (offline, timeout), 5xx, 408, 429, 401 (log in again) or the 409 of a key still being
 *   processed (it has Retry-After): stays queued, attempts + 1, and the flush stops there (order
 *   is kept); the next try comes on the timer (backoff), on `online`, or when the app starts;
 * - 409, 422, 404, 403: `conflict` with the server's words (say the task was reassigned
 *   meanwhile), kept until the worker discards it;
 * - another 4xx: `failed` with the server's words, kept until discarded.
 * Conflicts and failures do not hold back the actions queued after them.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb'

import { csrfToken } from '../../api/csrf.ts'

/** One queued action, as the app shows it and sends it. */
export interface QueuedAction {
  id: string
  /** The Idempotency-Key of the action (crypto.randomUUID()); photo i is sent with `${key}:photo:${i}`. */
  key: string
  method: 'POST' | 'PATCH'
  path: string
  body: Record<string, unknown>
  /** Photos (downscaled by the caller), uploaded first; their ids are added to `body.attachments`. */
  photos: { name: string; type: string; blob: Blob }[]
  /** Shown to the worker, e.g. "提交任务 #42". */
  label: string
  createdAt: string
  state: 'queued' | 'sending' | 'conflict' | 'failed'
  /** The server's words for a conflict or failure, or why the last try did not get through. */
  error?: string
  attempts: number
}

/** What the caller gives to enqueue. */
export type NewAction = Omit<QueuedAction, 'id' | 'key' | 'createdAt' | 'state' | 'attempts'>

/** What one flush did: actions sent, actions that became conflicts or failures, actions still waiting to be sent. */
export interface FlushResult {
  sent: number
  conflicts: number
  left: number
}

export interface OfflineQueue {
  /** Stores the action (first), then tries to send the queue if the phone is online. */
  enqueue(a: NewAction): Promise<QueuedAction>
  /** Every action in the queue, oldest first. */
  list(): Promise<QueuedAction[]>
  /** Calls `fn` with the whole queue after every change; returns the unsubscribe function. */
  onChange(fn: (all: QueuedAction[]) => void): () => void
  /** Sends the waiting actions one at a time, oldest first, until one cannot get through. */
  flush(): Promise<FlushResult>
  /** Removes an action (a conflict or failure the worker has read, or one they no longer want). */
  discard(id: string): Promise<void>
  /** Puts a conflict or failure back in the queue to be sent again (same key), e.g. after logging in again. */
  retry(id: string): Promise<void>
  /** Stops the timer and the `online` listener and closes the database. */
  close(): void
}

export interface QueueOptions {
  fetch?: typeof fetch
  /** The CSRF token sent as `x-csrf-token` (default: the `onemap_csrf` cookie). */
  csrf?: () => string
  /** The IndexedDB database (default `onemap-m-offline`; tests use their own). */
  dbName?: string
  /** Send on `online` events, at start and on a timer while actions wait (default: in a browser). */
  auto?: boolean
  /** Whether the phone thinks it is online (default: navigator.onLine). */
  online?: () => boolean
  /** How long one request may take before it counts as no answer (default 90 s). */
  timeoutMs?: number
  /** Backoff randomness, 0–1 (tests fix it). */
  random?: () => number
}

/** A stored action: the action, its place in the queue, and the ids of the photos already uploaded. */
interface StoredAction extends QueuedAction {
  seq?: number
  uploaded: (string | null)[]
}

interface QueueDb extends DBSchema {
  actions: { key: number; value: StoredAction; indexes: { id: string } }
}

/** How one request ended, for the queue. */
export type Outcome = { kind: 'ok'; json: unknown } | { kind: 'retry' | 'conflict' | 'failed'; message: string }

/**
 * What the queue does with an HTTP status (see the module doc).
 * @example classifyStatus(201) // 'ok'
 * @example classifyStatus(409, true) // 'retry' (the key is still being processed)
 * @example classifyStatus(422) // 'conflict'
 */
export function classifyStatus(status: number, retryAfter = false): Outcome['kind'] {
  if (status >= 200 && status < 300) return 'ok'
  if (status >= 500 || status === 408 || status === 429 || status === 401) return 'retry'
  if (status === 409) return retryAfter ? 'retry' : 'conflict'
  if (status === 422 || status === 404 || status === 403) return 'conflict'
  return 'failed'
}

/**
 * The wait before the next try after `attempts` tries that did not get through: 5 s doubling to at
 * most 5 min, ±20 % so that many phones coming back online do not all send at once.
 * @example backoffDelay(1, () => 0.5) // 5000
 * @example backoffDelay(10, () => 0.5) // 300000
 */
export function backoffDelay(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(300_000, 5_000 * 2 ** Math.max(0, attempts - 1))
  return Math.round(base * (0.8 + 0.4 * random()))
}

/**
 * The body sent for an action: its own fields, with the uploaded photos' ids added to any
 * attachments it already names.
 * @example withAttachments({ comment: 'ok' }, ['ab…']) // { comment: 'ok', attachments: ['ab…'] }
 */
export function withAttachments(body: Record<string, unknown>, ids: readonly string[]): Record<string, unknown> {
  if (ids.length === 0) return body
  const before = Array.isArray(body.attachments) ? (body.attachments as unknown[]) : []
  return { ...body, attachments: [...before, ...ids] }
}

/** The server's message in a JSON refusal (`{ error }`), else the status. */
function messageOf(status: number, text: string): string {
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { error?: unknown }).error === 'string') {
      return (parsed as { error: string }).error
    }
  } catch {
    // not JSON: the status says it
  }
  return `HTTP ${status}`
}

/** A copy without the stored-only fields. */
function publicAction(s: StoredAction): QueuedAction {
  const { seq: _seq, uploaded: _uploaded, ...action } = s
  return action
}

/**
 * Opens the offline queue (one per page; actions from earlier visits carry on where they stopped).
 * @example const queue = createQueue(); await queue.enqueue({ method: 'POST', path: '/api/tasks/42/transitions', body: { action: 'submit' }, photos, label: '提交任务 #42' })
 */
export function createQueue(opts: QueueOptions = {}): OfflineQueue {
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))
  const csrf = opts.csrf ?? (() => csrfToken())
  const inBrowser = typeof window !== 'undefined'
  const auto = opts.auto ?? inBrowser
  const online = opts.online ?? (() => typeof navigator === 'undefined' || navigator.onLine !== false)
  const timeoutMs = opts.timeoutMs ?? 90_000
  const random = opts.random ?? Math.random
  const listeners = new Set<(all: QueuedAction[]) => void>()
  let timer: ReturnType<typeof setTimeout> | null = null
  let running: Promise<FlushResult> | null = null
  let again = false
  let closed = false

  const dbPromise: Promise<IDBPDatabase<QueueDb>> = openDB<QueueDb>(opts.dbName ?? 'onemap-m-offline', 1, {
    upgrade(db) {
      const store = db.createObjectStore('actions', { keyPath: 'seq', autoIncrement: true })
      store.createIndex('id', 'id', { unique: true })
    },
  }).then(async (db) => {
    // An action left 'sending' by a page that closed mid-send is sent again (its key makes that safe).
    const tx = db.transaction('actions', 'readwrite')
    for await (const cursor of tx.store.iterate()) {
      if (cursor.value.state === 'sending') await cursor.update({ ...cursor.value, state: 'queued' })
    }
    await tx.done
    return db
  })

  const all = async (): Promise<StoredAction[]> => (await dbPromise).getAll('actions')
  const list = async (): Promise<QueuedAction[]> => (await all()).map(publicAction)
  const put = async (a: StoredAction): Promise<void> => {
    await (await dbPromise).put('actions', a)
  }
  const notify = async (): Promise<void> => {
    if (listeners.size === 0) return
    const snapshot = await list()
    for (const fn of listeners) fn(snapshot)
  }

  /** One request with the CSRF token and a time limit; no answer is a `retry`. */
  const request = async (path: string, init: RequestInit & { headers: Record<string, string> }): Promise<Outcome> => {
    let res: Response
    try {
      const signal = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(timeoutMs) : undefined
      res = await doFetch(path, {
        ...init,
        credentials: 'same-origin',
        headers: { accept: 'application/json', 'x-csrf-token': csrf(), ...init.headers },
        ...(signal ? { signal } : {}),
      })
    } catch (err) {
      return { kind: 'retry', message: `未连接到服务器（${err instanceof Error ? err.message : String(err)}）` }
    }
    const text = await res.text().catch(() => '')
    const kind = classifyStatus(res.status, res.headers.has('retry-after'))
    if (kind !== 'ok') return { kind, message: messageOf(res.status, text) }
    try {
      return { kind: 'ok', json: text ? JSON.parse(text) : null }
    } catch {
      return { kind: 'ok', json: null }
    }
  }

  /** Sends one action: its photos not yet uploaded, then the action itself. */
  const send = async (a: StoredAction): Promise<Outcome> => {
    for (const [i, photo] of a.photos.entries()) {
      if (a.uploaded[i]) continue
      const form = new FormData()
      form.append('file', photo.blob, photo.name)
      const out = await request('/api/attachments', { method: 'POST', body: form, headers: { 'idempotency-key': `${a.key}:photo:${i}` } })
      if (out.kind !== 'ok') return { kind: out.kind, message: `照片 ${i + 1}：${out.message}` }
      const id = (out.json as { id?: unknown } | null)?.id
      if (typeof id !== 'string') return { kind: 'failed', message: `照片 ${i + 1}：服务器未返回编号` }
      a.uploaded[i] = id
      await put(a)
    }
    const ids = a.uploaded.filter((id): id is string => typeof id === 'string')
    return request(a.path, {
      method: a.method,
      body: JSON.stringify(withAttachments(a.body, ids)),
      headers: { 'content-type': 'application/json', 'idempotency-key': a.key },
    })
  }

  /** One pass over the queue, oldest first, until it is empty of waiting actions or one cannot get through. */
  const pass = async (): Promise<FlushResult & { blocked: boolean }> => {
    let sent = 0
    let conflicts = 0
    let blocked = false
    for (;;) {
      const next = (await all()).find((a) => a.state === 'queued' || a.state === 'sending')
      if (!next || closed) break
      await put({ ...next, state: 'sending' })
      await notify()
      const out = await send({ ...next, state: 'sending' })
      const db = await dbPromise
      // Discarded meanwhile: nothing to record.
      const current = await db.getFromIndex('actions', 'id', next.id)
      if (out.kind === 'ok') {
        if (current) await db.delete('actions', current.seq!)
        sent++
        await notify()
        continue
      }
      if (!current) continue
      if (out.kind === 'retry') {
        await put({ ...current, state: 'queued', attempts: current.attempts + 1, error: out.message })
        await notify()
        blocked = true
        break
      }
      await put({ ...current, state: out.kind, attempts: current.attempts + 1, error: out.message })
      conflicts++
      await notify()
    }
    const left = (await all()).filter((a) => a.state === 'queued' || a.state === 'sending').length
    return { sent, conflicts, left, blocked }
  }

  /** Runs passes under a lock (one tab at a time where the browser has Web Locks). */
  const locked = async (): Promise<FlushResult & { blocked: boolean }> => {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
    if (!locks) return pass()
    const result = await locks.request('onemap-m-offline-queue', { ifAvailable: true }, async (lock) => {
      return lock ? pass() : null
    })
    // Another tab is sending: it will get through or set its own timer.
    return result ?? { sent: 0, conflicts: 0, left: (await all()).filter((a) => a.state === 'queued').length, blocked: true }
  }

  /** Sets the timer for the next try while actions wait. */
  const schedule = async (): Promise<void> => {
    if (!auto || closed) return
    if (timer) clearTimeout(timer)
    timer = null
    const waiting = (await all()).filter((a) => a.state === 'queued')
    if (waiting.length === 0 || closed) return
    timer = setTimeout(() => void flush(), backoffDelay(Math.max(1, waiting[0]!.attempts), random))
  }

  const flush = (): Promise<FlushResult> => {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      const total = { sent: 0, conflicts: 0, left: 0 }
      let blocked: boolean
      // An action enqueued during a pass is sent by a pass after it, unless the connection failed.
      do {
        again = false
        const r = await locked()
        total.sent += r.sent
        total.conflicts += r.conflicts
        total.left = r.left
        blocked = r.blocked
      } while (again && !blocked && !closed)
      return total
    })().finally(() => {
      running = null
      void schedule()
    })
    return running
  }

  const onOnline = () => void flush()
  if (auto && inBrowser) {
    window.addEventListener('online', onOnline)
    if (online()) void flush()
    else void schedule()
  }

  return {
    async enqueue(a) {
      const action: StoredAction = {
        ...a,
        id: crypto.randomUUID(),
        key: crypto.randomUUID(),
        createdAt: new Date().toISOString(),
        state: 'queued',
        attempts: 0,
        uploaded: a.photos.map(() => null),
      }
      await (await dbPromise).add('actions', action)
      await notify()
      if (online()) void flush()
      return publicAction(action)
    },
    list,
    onChange(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    flush,
    async discard(id) {
      const db = await dbPromise
      const found = await db.getFromIndex('actions', 'id', id)
      if (found) await db.delete('actions', found.seq!)
      await notify()
    },
    async retry(id) {
      const found = await (await dbPromise).getFromIndex('actions', 'id', id)
      if (!found || found.state === 'queued' || found.state === 'sending') return
      const { error: _error, ...rest } = found
      await put({ ...rest, state: 'queued' })
      await notify()
      if (online()) void flush()
    },
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      if (inBrowser) window.removeEventListener('online', onOnline)
      void dbPromise.then((db) => db.close())
    },
  }
}
