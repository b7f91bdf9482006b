import { describe, expect, it } from 'vitest'

import { ownWeight, shrunkRates } from './shrinkage.ts'

describe('empirical-Bayes shrunk rates', () => {
  it('pulls a small village with 3 incidents towards the mean, and leaves a large town near its own rate', () => {
    // 50 villages of 5,000 residents with 1 or 6 incidents (2 or 12 per 10k), one of 800 with 3 (37.5 per 10k).
    const areas = [...Array.from({ length: 50 }, (_, i) => ({ count: i % 2 ? 6 : 1, population: 5_000 })), { count: 3, population: 800 }]
    const rates = shrunkRates(areas).map((r) => (r ?? 0) * 10_000)
    const small = rates.at(-1)!
    expect(small).toBeLessThan(12) // far from its raw 37.5: no longer the worst of all
    // Villages of 5,000 keep much of their difference around the mean of 7.1 (2 → under 5, 12 → over 9).
    expect(rates[0]).toBeLessThan(5)
    expect(rates[1]).toBeGreaterThan(9)
    expect(small).toBeGreaterThan(rates[0]!) // but 3 of 800 is some evidence: above the quiet ones
  })
  it('keeps real differences between large populations', () => {
    const rates = shrunkRates([
      { count: 400, population: 100_000 },
      { count: 100, population: 100_000 },
      { count: 250, population: 100_000 },
    ]).map((r) => (r ?? 0) * 10_000)
    expect(rates[0]).toBeCloseTo(40, 0)
    expect(rates[1]).toBeCloseTo(10, 0)
  })
  it('gives the mean when the spread is no more than chance, and null without a population', () => {
    const rates = shrunkRates([
      { count: 1, population: 1000 },
      { count: 1, population: 1000 },
      { count: 0, population: 0 },
    ])
    expect(rates[0]).toBeCloseTo(0.001, 6)
    expect(rates[2]).toBeNull()
    expect(shrunkRates([])).toEqual([])
    expect(ownWeight(1e-7, 0.001, 800)).toBeCloseTo(0.0741, 3)
  })
})
