import type { AddressInfo } from 'node:net'
import http from 'node:http'
import { createApp } from './app.ts'
import type { Config } from './config.ts'
import type { Db } from './db/index.ts'

export interface RunningServer {
  url: string
  server: http.Server
  /** Stops accepting connections, finishes in-flight requests, then returns. */
  close(): Promise<void>
}

/** Starts the HTTP server on HOST:PORT (PORT 0 picks a free port). */
export async function listen(db: Db, config: Config): Promise<RunningServer> {
  const app = createApp(db, config)
  const server = http.createServer(app)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.PORT, config.HOST, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const hook of (app.locals.onClose ?? []) as (() => void)[]) hook()
        server.closeIdleConnections()
      }),
  }
}
