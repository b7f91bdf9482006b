/**
 * The live stream (`GET /api/stream`) read with fetch: resumes with a Last-Event-ID header after
 * any drop, backs off between attempts, and treats a silent connection (no heartbeat) as dropped —
 * a network drop can leave a socket half-open that never errors by itself.
 */
import { apiUrl } from '../api/client.ts'
import { type BackoffOptions, reconnectDelay, STREAM_BACKOFF } from './backoff.ts'
import { createSseParser } from './sse.ts'

/** Where a live connection stands. */
export type StreamState = 'connecting' | 'live' | 'reconnecting'

/** The server sends a heartbeat every 15 s; two missed ones mean the connection is dead. */
const SILENCE_MS = 35_000

export interface StreamHandlers {
  /** One event: its type (incident, hazard, task, warning), parsed data and id. */
  onEvent(type: string, data: unknown, id: string): void
  /** Connection state changes; `attempt` counts failed attempts since the last good connection. */
  onState(state: StreamState, attempt: number): void
  /** A connection opened (first or after a drop): time to refresh what polls may have missed. */
  onOpen(reconnected: boolean): void
}

export interface LiveStream {
  close(): void
  /** The id the next connection resumes after. */
  readonly lastEventId: string
}

/** Waits `ms`, or less if `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        resolve()
      },
      { once: true },
    )
  })
}

/**
 * Opens the stream and keeps it open until `close()`.
 * @example const s = openStream({ onEvent, onState, onOpen }); … s.close()
 */
export function openStream(handlers: StreamHandlers, backoff: BackoffOptions = STREAM_BACKOFF): LiveStream {
  const stopped = new AbortController()
  let lastEventId = ''
  let attempt = 0
  let everOpen = false

  const parser = () =>
    createSseParser(
      {
        event(e) {
          lastEventId = e.lastEventId
          let data: unknown
          try {
            data = JSON.parse(e.data)
          } catch {
            return // not JSON: nothing the wall can show
          }
          handlers.onEvent(e.type, data, e.lastEventId)
        },
        comment(text) {
          // `: from ID` says where a fresh stream starts (an opaque snapshot id, docs/stream.md):
          // resume from there even if no event came.
          const m = /^from (\S+)$/.exec(text)
          if (m && lastEventId === '') lastEventId = m[1]!
        },
      },
      lastEventId,
    )

  /** One connection: resolves when it ends for any reason. */
  async function connectOnce(): Promise<void> {
    const conn = new AbortController()
    const onStop = () => conn.abort()
    stopped.signal.addEventListener('abort', onStop, { once: true })
    let watchdog: ReturnType<typeof setTimeout> | undefined
    const feed = () => {
      clearTimeout(watchdog)
      watchdog = setTimeout(() => conn.abort(), SILENCE_MS)
    }
    try {
      feed()
      const res = await fetch(apiUrl('/api/stream'), {
        headers: lastEventId ? { 'Last-Event-ID': lastEventId, accept: 'text/event-stream' } : { accept: 'text/event-stream' },
        cache: 'no-store',
        signal: conn.signal,
      })
      if (!res.ok || !res.body) return
      const reconnected = everOpen
      everOpen = true
      attempt = 0
      handlers.onState('live', 0)
      handlers.onOpen(reconnected)
      const p = parser()
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
      for (;;) {
        feed()
        const { value, done } = await reader.read()
        if (done) return
        p.push(value)
      }
    } catch {
      // Refused, reset, aborted by the watchdog: all mean "reconnect".
    } finally {
      clearTimeout(watchdog)
      stopped.signal.removeEventListener('abort', onStop)
    }
  }

  void (async () => {
    handlers.onState('connecting', 0)
    while (!stopped.signal.aborted) {
      await connectOnce()
      if (stopped.signal.aborted) break
      attempt++
      handlers.onState(everOpen ? 'reconnecting' : 'connecting', attempt)
      await sleep(reconnectDelay(attempt, backoff), stopped.signal)
    }
  })()

  return {
    close: () => stopped.abort(),
    get lastEventId() {
      return lastEventId
    },
  }
}
