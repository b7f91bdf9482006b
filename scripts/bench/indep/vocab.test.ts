import { describe, expect, it } from 'vitest'

import {
  COMPOUND_FIRST,
  COMPOUND_SECOND,
  homophonePairs,
  homophonesOf,
  NEVER_SLIP,
  READINGS,
  ROAD_FIRST,
  ROAD_SECOND,
  sameSyllable,
} from './vocab.ts'

describe('homophone table', () => {
  it('has well over 80 pairs, most of them of different tones', () => {
    const pairs = homophonePairs()
    expect(pairs.length).toBeGreaterThan(80)
    expect(pairs.filter((p) => p.differentTone).length).toBeGreaterThan(80)
  })

  it('lists each character once, with a tone 1–4', () => {
    for (const [ch, r] of READINGS) {
      expect(Array.from(ch)).toHaveLength(1)
      expect([1, 2, 3, 4]).toContain(r.tone)
    }
  })

  it('offers same-syllable characters, different tones first, never numerals or address words', () => {
    expect(homophonesOf('银')).toContain('音')
    expect(homophonesOf('达')[0]).toBe('大')
    expect(sameSyllable('华', '花')).toBe(true)
    expect(sameSyllable('华', '音')).toBe(false)
    for (const ch of READINGS.keys()) {
      for (const h of homophonesOf(ch)) {
        expect(NEVER_SLIP.has(h)).toBe(false)
        expect(sameSyllable(ch, h)).toBe(true)
      }
    }
  })

  it('covers most stem characters, so most names can take a slip', () => {
    const stems = ROAD_FIRST + ROAD_SECOND + COMPOUND_FIRST + COMPOUND_SECOND
    const covered = Array.from(stems).filter((c) => homophonesOf(c).length > 0).length
    expect(covered / stems.length).toBeGreaterThan(0.8)
  })
})
