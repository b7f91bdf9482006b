import { describe, expect, it } from 'vitest'

import { reconnectDelay, shouldReload } from './backoff.ts'

const noJitter = { baseMs: 1_000, maxMs: 30_000, jitter: 0 }

describe('reconnectDelay', () => {
  it('doubles from the base up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => reconnectDelay(a, noJitter))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000])
  })

  it('treats attempt 0 or less as the first and never overflows', () => {
    expect(reconnectDelay(0, noJitter)).toBe(1000)
    expect(reconnectDelay(10_000, noJitter)).toBe(30000)
  })

  it('jitters within ±jitter/2 of the delay', () => {
    const opts = { baseMs: 1_000, maxMs: 30_000, jitter: 0.2 }
    expect(reconnectDelay(3, opts, () => 0)).toBe(3600)
    expect(reconnectDelay(3, opts, () => 1)).toBe(4400)
    expect(reconnectDelay(3, opts, () => 0.5)).toBe(4000)
  })
})

describe('shouldReload', () => {
  const min = 60_000
  it('reloads only after a long outage with many attempts, and only when the server is back', () => {
    expect(shouldReload({ downSinceMs: 0, nowMs: 11 * min, attempts: 12, serverUp: true })).toBe(true)
    expect(shouldReload({ downSinceMs: 0, nowMs: 11 * min, attempts: 12, serverUp: false })).toBe(false)
    expect(shouldReload({ downSinceMs: 0, nowMs: 5 * min, attempts: 12, serverUp: true })).toBe(false)
    expect(shouldReload({ downSinceMs: 0, nowMs: 11 * min, attempts: 3, serverUp: true })).toBe(false)
    expect(shouldReload({ downSinceMs: null, nowMs: 11 * min, attempts: 12, serverUp: true })).toBe(false)
  })
})
