import type { Response } from 'express'
import { Router } from 'express'
import { z } from 'zod'
import { scopeOf } from '../auth/context.ts'
import type { Db, Scope } from '../db/index.ts'
import { parseInput } from '../http/errors.ts'
import { changesSince, latestChange } from './changes.ts'

/** How often the stream looks for changes: well inside the 1 s the wall screen is promised. */
const POLL_MS = 250
/** A comment line this often keeps proxies and browsers from timing the connection out. */
const HEARTBEAT_MS = 15_000
const BATCH = 1_000

const StreamQuerySchema = z.object({
  /** Resume after this event id (EventSource sends it as the Last-Event-ID header instead). */
  since: z.string().regex(/^\d{1,19}$/, 'an event id (digits)').optional(),
})
const LastEventIdSchema = z.string().regex(/^\d{1,19}$/, 'an event id (digits)')

interface Client {
  res: Response
  cursor: string
  /** The caller's area scope: what the database lets this client's changes include. */
  scope: Scope
}

/** Clients with the same scope share one query per poll. */
const scopeKey = (scope: Scope) => (scope.areaCodes === null ? '*' : [...scope.areaCodes].sort().join(','))

/**
 * `GET /api/stream`: Server-Sent Events of new and changed incidents, hazards, tasks and
 * warnings (`event: incident|hazard|task|warning`), each with its change number (one sequence for all) as
 * the event id. One poller per process serves every client; each client has its own cursor,
 * so a client that reconnects with Last-Event-ID gets exactly what it missed.
 */
export function streamRoutes(db: Db): { router: Router; closeAll: () => void } {
  const router = Router()
  const clients = new Set<Client>()
  let timer: NodeJS.Timeout | null = null
  let polling = false

  async function poll(): Promise<void> {
    if (polling || clients.size === 0) return
    polling = true
    try {
      const groups = new Map<string, Client[]>()
      for (const c of clients) {
        const key = scopeKey(c.scope)
        const group = groups.get(key)
        if (group) group.push(c)
        else groups.set(key, [c])
      }
      // Where every table stood before looking: scoped clients whose batch came back short move
      // past the changes they may not see, so the next poll does not scan them again.
      const head = groups.size > 1 || !groups.has('*') ? await latestChange(db.sql) : null
      for (const group of groups.values()) {
        const min = group.reduce((m, c) => (BigInt(c.cursor) < BigInt(m) ? c.cursor : m), group[0]!.cursor)
        // In the group's scope: row-level security decides which changes it gets.
        const changes = await db.withScope(group[0]!.scope, (tx) => changesSince(tx, min, BATCH))
        for (const c of group) {
          for (const ch of changes) {
            if (BigInt(ch.seq) <= BigInt(c.cursor)) continue
            c.res.write(`id: ${ch.seq}\nevent: ${ch.type}\ndata: ${JSON.stringify(ch.data)}\n\n`)
            c.cursor = ch.seq
          }
          if (head !== null && c.scope.areaCodes !== null && changes.length < BATCH && BigInt(head) > BigInt(c.cursor)) c.cursor = head
        }
      }
    } catch (err) {
      // A database hiccup (restart, lost connection) must not end the stream: try again next tick.
      console.error(JSON.stringify({ level: 'warn', msg: 'stream poll failed', error: String(err) }))
    } finally {
      polling = false
    }
  }

  router.get('/api/stream', async (req, res) => {
    const { since } = parseInput(StreamQuerySchema, req.query, 'query')
    const header = req.get('last-event-id')
    const last = header !== undefined ? parseInput(z.object({ 'last-event-id': LastEventIdSchema }), { 'last-event-id': header }, 'query')['last-event-id'] : since
    const cursor = last ?? (await latestChange(db.sql))
    const scope = scopeOf(req)
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    })
    res.flushHeaders()
    // Tell EventSource how long to wait before reconnecting, and where this stream starts.
    res.write(`retry: 2000\n: from ${cursor}\n\n`)
    const client: Client = { res, cursor, scope }
    clients.add(client)
    timer ??= setInterval(() => void poll(), POLL_MS)
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS)
    req.on('close', () => {
      clearInterval(heartbeat)
      clients.delete(client)
      if (clients.size === 0 && timer) {
        clearInterval(timer)
        timer = null
      }
    })
  })

  return {
    router,
    closeAll() {
      for (const c of clients) c.res.end()
      clients.clear()
      if (timer) clearInterval(timer)
      timer = null
    },
  }
}
