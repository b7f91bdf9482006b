import { describe, expect, it } from 'vitest'

import { hostCheck, hostRange } from './host-check.ts'

describe('host check', () => {
  it('prints the median and range of the checks, rounded to ms', () => {
    expect(hostRange([131.4, 110.2, 120.6])).toBe('median 121 ms (110–131)')
    expect(hostRange([99.5])).toBe('median 100 ms (100–100)')
  })

  it('times real work (the loops are not optimised away)', () => {
    hostCheck()
    expect(hostCheck()).toBeGreaterThan(5)
  })
})
