import { describe, expect, it } from 'vitest'

import { median } from './stats.ts'

describe('median', () => {
  it('takes the middle timing, the upper one of an even count, without reordering its input', () => {
    const xs = [5, 1, 3]
    expect(median(xs)).toBe(3)
    expect(xs).toEqual([5, 1, 3])
    expect(median([4, 1, 3, 2])).toBe(3)
    expect(median([7])).toBe(7)
  })
})
