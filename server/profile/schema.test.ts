import { describe, expect, it } from 'vitest'

import { ProfileInputSchema, utcOffset, zoomToFit } from './schema.ts'

describe('profile schema', () => {
  it('takes only time zones the day counting honours (UTC+8 all year)', () => {
    expect(utcOffset('Asia/Shanghai', new Date('2026-07-01'))).toBe('+08:00')
    expect(ProfileInputSchema.safeParse({ timeZone: 'Asia/Shanghai' }).success).toBe(true)
    expect(ProfileInputSchema.safeParse({ timeZone: 'Asia/Hong_Kong' }).success).toBe(true)
    expect(ProfileInputSchema.safeParse({ timeZone: 'Asia/Urumqi' }).success).toBe(false)
    expect(ProfileInputSchema.safeParse({ timeZone: 'Mars/Olympus' }).success).toBe(false)
  })
  it('fits a county-sized box at a district zoom', () => {
    // 德清县 is about 0.55° × 0.3°: the whole county on an 800-pixel map.
    const z = zoomToFit([119.75, 30.4, 120.3, 30.7])
    expect(z).toBeGreaterThan(9)
    expect(z).toBeLessThan(11)
  })
})
