import http from 'node:http'
import type { AddressInfo } from 'node:net'

import { type AppOptions, createApp } from './app.ts'
import type { Config } from './config.ts'
import type { Db } from './db/index.ts'
import { type CloseHook, type DrainResult, drainServer } from './ops/shutdown.ts'

export interface RunningServer {
  url: string
  server: http.Server
  /**
   * Stops accepting connections, ends event streams and the model scheduler (app.locals.onClose),
   * lets in-flight requests finish (at most `timeoutMs`, default SHUTDOWN_TIMEOUT_SECONDS, then
   * connections are cut), then returns. The database stays open: its owner closes it after.
   */
  close(opts?: { timeoutMs?: number }): Promise<DrainResult>
}

/** Starts the HTTP server on HOST:PORT (PORT 0 picks a free port). */
export async function listen(db: Db, config: Config, opts: AppOptions = {}): Promise<RunningServer> {
  const app = createApp(db, config, opts)
  const server = http.createServer(app)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.PORT, config.HOST, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST
  let closing: Promise<DrainResult> | null = null
  return {
    url: `http://${host}:${port}`,
    server,
    // Once: a signal and a test teardown may both ask.
    close: (opts) =>
      (closing ??= drainServer(
        server,
        (app.locals.onClose ?? []) as CloseHook[],
        opts?.timeoutMs ?? config.SHUTDOWN_TIMEOUT_SECONDS * 1000,
      )),
  }
}
