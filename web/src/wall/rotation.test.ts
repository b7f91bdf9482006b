import { describe, expect, it } from 'vitest'

import { rotationOrder, rotationStep } from './rotation.ts'

describe('rotationStep', () => {
  it('steps every dwell period and wraps round', () => {
    expect(rotationStep(0, 0, 10_000, 3)).toEqual({ index: 0, msToNext: 10_000 })
    expect(rotationStep(0, 9_999, 10_000, 3)).toEqual({ index: 0, msToNext: 1 })
    expect(rotationStep(0, 10_000, 10_000, 3)).toEqual({ index: 1, msToNext: 10_000 })
    expect(rotationStep(0, 25_000, 10_000, 3)).toEqual({ index: 2, msToNext: 5_000 })
    expect(rotationStep(0, 30_000, 10_000, 3)).toEqual({ index: 0, msToNext: 10_000 })
  })

  it('does not drift when the timer fired late', () => {
    // A timer due at 10 s that ran at 17 s still shows town 1 and waits only 3 s for town 2.
    expect(rotationStep(1_000, 18_000, 10_000, 5)).toEqual({ index: 1, msToNext: 3_000 })
  })

  it('has no focus without towns, and treats a clock set back as the start', () => {
    expect(rotationStep(0, 5_000, 10_000, 0).index).toBe(-1)
    expect(rotationStep(10_000, 5_000, 10_000, 4)).toEqual({ index: 0, msToNext: 10_000 })
  })
})

describe('rotationOrder', () => {
  it('orders by rank, unranked towns after by code, without duplicates', () => {
    const ranks = new Map<string, number | null>([
      ['c', 1],
      ['a', 2],
      ['d', null],
    ])
    expect(rotationOrder(['d', 'b', 'a', 'c', 'a'], ranks)).toEqual(['c', 'a', 'b', 'd'])
  })
})
