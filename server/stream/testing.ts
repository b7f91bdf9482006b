/** Test helpers for the live stream: reading Server-Sent Events from a fetch response. */

export interface SseEvent<D> {
  id: string
  event: string
  data: D
}

/** A stream being read a few events at a time (the connection stays open between reads). */
export interface EventReader<D> {
  /** Events until `count` more arrived, the stream ended or `ms` passed. */
  next(count: number, ms: number): Promise<SseEvent<D>[]>
  /** Whether the server closed the stream. */
  readonly ended: boolean
  /** The last id the server sent (with an event or alone), as EventSource keeps it for Last-Event-ID. */
  readonly lastEventId: string
  close(): Promise<void>
}

/**
 * Reads a stream's events as they come, block by block, keeping the last event id as EventSource
 * does (an `id:` line sets it even in a block without data).
 * @example const r = eventReader<Feature>(await fetch(`${url}/api/stream`)); const [e] = await r.next(1, 3_000)
 */
export function eventReader<D>(res: Response): EventReader<D> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let ended = false
  let lastEventId = ''
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null
  const queued: SseEvent<D>[] = []

  function parse(): void {
    // One pass with a moving start: a look can send a thousand events in one chunk.
    let start = 0
    let end: number
    while ((end = buffer.indexOf('\n\n', start)) >= 0) {
      const block = buffer.slice(start, end)
      start = end + 2
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((l) => !l.startsWith(':') && l.includes(':'))
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
      )
      if (fields.id !== undefined) lastEventId = fields.id
      if (fields.data) queued.push({ id: lastEventId, event: fields.event!, data: JSON.parse(fields.data) as D })
    }
    buffer = buffer.slice(start)
  }

  return {
    async next(count, ms) {
      const deadline = Date.now() + ms
      while (queued.length < count && !ended && Date.now() < deadline) {
        // A read still waiting from an earlier call is reused: its chunk must not be lost.
        pending ??= reader.read()
        const chunk = await Promise.race([pending, new Promise<null>((r) => setTimeout(() => r(null), Math.max(0, deadline - Date.now())))])
        if (!chunk) break
        pending = null
        if (chunk.done) ended = true
        else {
          buffer += decoder.decode(chunk.value, { stream: true })
          parse()
        }
      }
      return queued.splice(0, count)
    },
    get ended() {
      return ended
    },
    get lastEventId() {
      return lastEventId
    },
    async close() {
      if (!ended) await reader.cancel().catch(() => undefined)
    },
  }
}

/**
 * Reads SSE events until `count` arrived, the stream ended or `ms` passed; `ended` says whether
 * the server closed it (else the reader is cancelled here).
 * @example const { events } = await readEvents<Feature>(await fetch(`${url}/api/stream`), 2, 5_000)
 */
export async function readEvents<D>(res: Response, count: number, ms: number): Promise<{ events: SseEvent<D>[]; ended: boolean }> {
  const r = eventReader<D>(res)
  const events = await r.next(count, ms)
  const ended = r.ended
  await r.close()
  return { events, ended }
}
