/**
 * Graceful shutdown: stop accepting, end what never ends by itself (event streams, the model
 * scheduler), let in-flight requests finish within a deadline, then the caller closes the
 * database — for the embedded one that is what flushes PGlite and keeps its data directory whole.
 */
import type http from 'node:http'

/** Work to end when the server closes (app.locals.onClose); a promise is awaited within the deadline. */
export type CloseHook = () => void | Promise<void>

export interface DrainResult {
  /** Connections were still busy at the deadline and were cut. */
  forced: boolean
  ms: number
}

/** How often idle keep-alive connections are closed while draining (a finished request leaves one idle). */
const IDLE_SWEEP_MS = 100

/**
 * Closes an HTTP server gracefully: no new connections, `hooks` run at once, requests in flight
 * finish, idle keep-alive connections close; after `timeoutMs` every connection is cut.
 * @example const { forced } = await drainServer(server, app.locals.onClose, 20_000)
 */
export async function drainServer(server: http.Server, hooks: readonly CloseHook[], timeoutMs: number): Promise<DrainResult> {
  const started = performance.now()
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  const hooksDone = Promise.allSettled(hooks.map((hook) => Promise.resolve().then(hook)))
  server.closeIdleConnections()
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS)
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  try {
    const outcome = await Promise.race([Promise.all([closed, hooksDone]).then(() => 'drained' as const), deadline])
    if (outcome === 'timeout') {
      server.closeAllConnections()
      await closed
    }
    return { forced: outcome === 'timeout', ms: Math.round(performance.now() - started) }
  } finally {
    clearInterval(sweep)
    clearTimeout(timer)
  }
}

export interface SignalOptions {
  /** Exit 1 if stopping takes longer than this (a hung database close must not hang the process). */
  hardTimeoutMs: number
  /** Human-readable progress (stderr). */
  say: (msg: string) => void
  /** Exits the process (tests replace it). */
  exit?: (code: number) => void
}

/**
 * On the first SIGTERM or SIGINT runs `stop` once and exits 0 (1 if it failed or overran); a
 * second signal exits 1 at once, for an operator who will not wait. Returns the uninstaller.
 * @example onStopSignal(async () => { await server.close(); await db.close() }, { hardTimeoutMs: 35_000, say: log })
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => Promise<void>, opts: SignalOptions): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code))
  let stopping = false
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      opts.say(`${signal} again: exiting without waiting`)
      return exit(1)
    }
    stopping = true
    const hard = setTimeout(() => {
      opts.say(`shutdown did not finish in ${opts.hardTimeoutMs} ms: exiting`)
      exit(1)
    }, opts.hardTimeoutMs)
    hard.unref()
    stop(signal).then(
      () => {
        clearTimeout(hard)
        exit(0)
      },
      (err: unknown) => {
        clearTimeout(hard)
        opts.say(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`)
        exit(1)
      },
    )
  }
  process.on('SIGTERM', handler)
  process.on('SIGINT', handler)
  return () => {
    process.off('SIGTERM', handler)
    process.off('SIGINT', handler)
  }
}
