import http from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'

import { drainServer, onStopSignal } from './shutdown.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A server whose `/slow` answers after `ms` and `/never` never does. */
async function serve(ms: number) {
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('done'), ms)
    // /never: no answer at all
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

describe('drainServer', () => {
  it('lets a request in flight finish, runs the hooks, refuses new connections', async () => {
    const { server, url } = await serve(400)
    const inFlight = fetch(`${url}/slow`).then(async (r) => ({ status: r.status, body: await r.text() }))
    await sleep(50)
    let hooked = false
    const draining = drainServer(server, [() => void (hooked = true)], 5_000)
    await sleep(50)
    await expect(fetch(`${url}/slow`)).rejects.toThrow()
    expect(await inFlight).toEqual({ status: 200, body: 'done' })
    const result = await draining
    expect(hooked).toBe(true)
    expect(result.forced).toBe(false)
    expect(result.ms).toBeGreaterThanOrEqual(300)
    expect(result.ms).toBeLessThan(3_000) // the keep-alive connection was closed, not waited out
  })

  it('cuts what is still running at the deadline, and waits for async hooks until then', async () => {
    const { server, url } = await serve(0)
    const hung = fetch(`${url}/never`).catch((err: unknown) => err)
    await sleep(50)
    const result = await drainServer(server, [() => new Promise<void>(() => undefined)], 300)
    expect(result.forced).toBe(true)
    expect(result.ms).toBeGreaterThanOrEqual(290)
    expect(result.ms).toBeLessThan(2_000)
    expect(await hung).toBeInstanceOf(Error)
  })
})

describe('onStopSignal', () => {
  let uninstall: (() => void) | null = null
  afterEach(() => {
    uninstall?.()
    uninstall = null
  })

  it('stops once and exits 0; a second signal exits 1 at once', async () => {
    const codes: number[] = []
    let stops = 0
    uninstall = onStopSignal(
      async () => {
        stops++
        await sleep(100)
      },
      { hardTimeoutMs: 5_000, say: () => undefined, exit: (c) => void codes.push(c) },
    )
    process.emit('SIGTERM')
    process.emit('SIGINT')
    expect(codes).toEqual([1])
    await sleep(200)
    expect(stops).toBe(1)
    expect(codes).toEqual([1, 0])
  })

  it('exits 1 when stopping fails or overruns', async () => {
    const codes: number[] = []
    const said: string[] = []
    uninstall = onStopSignal(() => Promise.reject(new Error('db close failed')), {
      hardTimeoutMs: 5_000,
      say: (m) => void said.push(m),
      exit: (c) => void codes.push(c),
    })
    process.emit('SIGTERM')
    await sleep(20)
    expect(codes).toEqual([1])
    expect(said.join('\n')).toMatch(/shutdown failed: db close failed/)
    uninstall()

    const codes2: number[] = []
    uninstall = onStopSignal(() => new Promise<void>(() => undefined), {
      hardTimeoutMs: 100,
      say: () => undefined,
      exit: (c) => void codes2.push(c),
    })
    process.emit('SIGTERM')
    await sleep(250)
    expect(codes2).toEqual([1])
  })
})
