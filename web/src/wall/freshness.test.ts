import { describe, expect, it } from 'vitest'

import { formatAge, isStale, shanghaiClock, weekdayName } from './freshness.ts'

describe('formatAge', () => {
  it('says how long ago, in both languages', () => {
    expect(formatAge(1_000, 'zh')).toBe('刚刚')
    expect(formatAge(12_000, 'zh')).toBe('12 秒前')
    expect(formatAge(65_000, 'zh')).toBe('1 分钟前')
    expect(formatAge(2 * 3_600_000, 'en')).toBe('2 h ago')
    expect(formatAge(3 * 86_400_000, 'zh')).toBe('3 天前')
    expect(formatAge(-5, 'en')).toBe('just now')
  })
})

describe('isStale', () => {
  it('is stale while the stream reconnects, or when data is old', () => {
    expect(isStale({ stream: 'reconnecting', lastDataMs: 1000, nowMs: 1000 })).toBe(true)
    expect(isStale({ stream: 'live', lastDataMs: 0, nowMs: 60_000 })).toBe(false)
    expect(isStale({ stream: 'live', lastDataMs: 0, nowMs: 4 * 60_000 })).toBe(true)
    expect(isStale({ stream: 'connecting', lastDataMs: null, nowMs: 4 * 60_000 })).toBe(false)
  })
})

describe('shanghaiClock', () => {
  it('reads Shanghai time across the UTC date line', () => {
    expect(shanghaiClock(new Date('2026-11-22T16:05:09Z'))).toEqual({ time: '00:05:09', date: '2026-11-23', weekday: 1 })
    expect(weekdayName(1, 'zh')).toBe('星期一')
  })
})
