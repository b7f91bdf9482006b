import { describe, expect, it } from 'vitest'

import { startHeartbeat } from './heartbeat.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('startHeartbeat', () => {
  it('beats on its interval, never two at once, keeps beating after a failure, and stops', async () => {
    let beats = 0
    let running = 0
    let most = 0
    const stop = startHeartbeat(async () => {
      beats++
      running++
      most = Math.max(most, running)
      await sleep(45) // a slow database: longer than the interval
      running--
      if (beats === 1) throw new Error('connection lost')
    }, 10)
    await sleep(300)
    stop()
    const seen = beats
    expect(seen).toBeGreaterThanOrEqual(3) // the failed first beat did not end it
    expect(most).toBe(1)
    await sleep(100)
    expect(beats).toBe(seen)
  })
})
