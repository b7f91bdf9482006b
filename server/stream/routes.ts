import type { Response } from 'express'
import { Router } from 'express'
import { z } from 'zod'

import { allowed, scopeOf } from '../auth/context.ts'
import { maskHazard, maskTask, maskTaskAssigned } from '../auth/pii.ts'
import type { Db, Scope } from '../db/index.ts'
import { parseInput } from '../http/errors.ts'
import { changeBodies, currentSnapshot, type StreamChange, unsentChanges } from './changes.ts'
import { commonFloor, type Cursor, formatCursor, isAhead, MAX_CURSOR_LENGTH, parseCursor, type Snapshot, wasSent } from './cursor.ts'

/** How often the stream looks for changes: well inside the 1 s the wall screen is promised. */
const POLL_MS = 250
/** A comment line this often keeps proxies and browsers from timing the connection out. */
const HEARTBEAT_MS = 15_000
const BATCH = 1_000

/** An event id or `since`: a cursor (./cursor.ts), or a change number from before migration 027. */
const CursorSchema = z
  .string()
  .max(MAX_CURSOR_LENGTH)
  .transform((text, ctx) => parseCursor(text) ?? (ctx.addIssue({ code: 'custom', message: 'an event id of this stream' }), z.NEVER))
export const StreamQuerySchema = z.object({
  /** Resume after this event id (EventSource sends it as the Last-Event-ID header instead). */
  since: CursorSchema.optional(),
})

interface Client {
  res: Response
  /** What this client has been sent. */
  cursor: Cursor
  /** The caller's area scope: what the database lets this client's changes include. */
  scope: Scope
  /** May see personal data unmasked (the `pii` permission); clients of one scope share a look, so it is masked per client. */
  pii: boolean
}

/**
 * A change's data as a client without `pii` may see it (a copy: clients share the look's rows).
 * @example JSON.stringify(shownData(change, false)) // hazard with description and responsible party masked
 */
function shownData(ch: StreamChange, pii: boolean): unknown {
  if (pii) return ch.data
  if (ch.type === 'hazard') return maskHazard(structuredClone(ch.data))
  if (ch.type === 'task') return maskTask(structuredClone(ch.data))
  if (ch.type === 'task.assigned') return maskTaskAssigned(structuredClone(ch.data))
  return ch.data
}

/** Clients with the same scope share one look per poll. */
const scopeKey = (scope: Scope) => (scope.areaCodes === null ? '*' : [...scope.areaCodes].sort().join(','))

/** Where a client stands after being sent everything its look found: all of that look's snapshot. */
const upTo = (snapshot: Snapshot): Cursor => ({ seen: { snapshot } })

/**
 * `GET /api/stream`: Server-Sent Events of new and changed incidents, hazards, tasks and warnings
 * (`event: incident|hazard|task|warning`), and of tasks given to a team or person
 * (`event: task.assigned`: the desk's badge and toast). One poller per process serves every client; each
 * client has its own cursor, sent as the event id: a snapshot of the database's transactions, not
 * a change number, because numbers are taken at write time and commit out of order. A client that
 * reconnects with Last-Event-ID gets exactly what it missed, including a change that was still
 * being written when later-numbered ones were sent.
 */
export function streamRoutes(db: Db): { router: Router; closeAll: () => void } {
  const router = Router()
  const clients = new Set<Client>()
  let timer: NodeJS.Timeout | null = null
  let polling = false
  /** closeAll has run: the server is draining. */
  let closing = false

  /**
   * One look for `clients` (one scope) from `from`, whose unsent changes include each client's
   * own: each client is sent those its own cursor has not had, each event's id saying where the
   * client stands once it has it.
   */
  async function look(scope: Scope, from: Cursor, group: Client[]): Promise<void> {
    // In the group's scope: row-level security decides which changes it gets.
    const { snapshot, sent, complete, last } = await db.withScope(scope, async (tx) => {
      const found = await unsentChanges(tx, from, BATCH + 1)
      const batch = found.changes.slice(0, BATCH)
      return {
        snapshot: found.snapshot,
        sent: await changeBodies(tx, batch, new Date()),
        complete: found.changes.length <= BATCH,
        last: batch.at(-1),
      }
    })
    for (const c of group) {
      const mine = sent.filter((ch) => !wasSent(c.cursor, ch))
      const partial = (after: { xid: bigint; seq: bigint }): Cursor => ({
        seen: c.cursor.seen,
        batch: { snapshot, after: { xid: after.xid, seq: after.seq } },
      })
      mine.forEach((ch, i) => {
        const id = complete && i === mine.length - 1 ? upTo(snapshot) : partial(ch)
        c.res.write(`id: ${formatCursor(id)}\nevent: ${ch.type}\ndata: ${JSON.stringify(shownData(ch, c.pii))}\n\n`)
      })
      // A batch cut short goes on from its last change; one read to the end leaves the whole snapshot seen.
      c.cursor = complete || !last ? upTo(snapshot) : partial(last)
    }
  }

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
      for (const group of groups.values()) {
        const scope = group[0]!.scope
        // Clients that have seen whole snapshots share one look from a snapshot none of them is
        // behind; the rare client in the middle of a batch (or with an old numeric id) looks alone.
        const settled: Snapshot[] = []
        const alone: Client[] = []
        for (const c of group) {
          if (!c.cursor.batch && 'snapshot' in c.cursor.seen) settled.push(c.cursor.seen.snapshot)
          else alone.push(c)
        }
        if (settled.length > 0)
          await look(
            scope,
            upTo(commonFloor(settled)),
            group.filter((c) => !alone.includes(c)),
          )
        for (const c of alone) if (clients.has(c)) await look(scope, c.cursor, [c])
      }
    } catch (err) {
      // A database hiccup (restart, lost connection) must not end the stream: try again next tick.
      console.error(JSON.stringify({ level: 'warn', msg: 'stream poll failed', error: String(err) }))
    } finally {
      polling = false
    }
  }

  router.get('/api/stream', async (req, res) => {
    if (closing) {
      // A client reconnecting at once comes back on its kept-alive socket, which the closed
      // server still reads: a stream opened now would hold the shutdown to its deadline. End it
      // at once and close the socket; EventSource (which gives up on any status but 200) comes
      // back after `retry`, to the restarted server.
      res
        .status(200)
        .set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' })
        .end('retry: 2000\n\n')
      return
    }
    const { since } = parseInput(StreamQuerySchema, req.query, 'query')
    const header = req.get('last-event-id')
    const last =
      header !== undefined
        ? parseInput(z.object({ 'last-event-id': CursorSchema }), { 'last-event-id': header }, 'query')['last-event-id']
        : since
    // Without an id: from now, that is every transaction this snapshot does not see yet. An id
    // from another database (ahead of this one's transactions) would wait for ids this one has
    // not reached: such a client starts from now too (the wall reloads its panels on reconnect).
    const now = await currentSnapshot(db.sql)
    const cursor = last && !isAhead(last, now) ? last : upTo(now)
    const scope = scopeOf(req)
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    })
    res.flushHeaders()
    // Tell EventSource how long to wait before reconnecting, and where this stream starts (an id
    // without data sets EventSource's Last-Event-ID without an event).
    const from = formatCursor(cursor)
    res.write(`retry: 2000\nid: ${from}\n: from ${from}\n\n`)
    const client: Client = { res, cursor, scope, pii: allowed(req, 'pii') }
    clients.add(client)
    timer ??= setInterval(() => void poll(), POLL_MS)
    // The heartbeat carries where the client stands, so a quiet client's reconnect starts near now.
    const heartbeat = setInterval(() => res.write(`: heartbeat\nid: ${formatCursor(client.cursor)}\n\n`), HEARTBEAT_MS)
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
      closing = true
      for (const c of clients) c.res.end()
      clients.clear()
      if (timer) clearInterval(timer)
      timer = null
    },
  }
}
