import { describe, expect, it } from 'vitest'

import { categoryConcentration, poissonMeanCi, ratePer10k, rateRatioTest, rateVsReference } from './rates.ts'

/** Independent P(X ≥ k | λ) = 1 − Σ_{i<k} e^−λ λ^i / i! (fine where the tail is not tiny). */
function upperBySum(k: number, lambda: number): number {
  let term = Math.exp(-lambda)
  let cdf = 0
  for (let i = 0; i < k; i++) {
    cdf += term
    term *= lambda / (i + 1)
  }
  return 1 - cdf
}

describe('rates', () => {
  it('rate per 10,000: 37 events among 52,000 residents = 7.1154', () => {
    expect(ratePer10k(37, 52_000)).toBeCloseTo(370_000 / 52_000, 12)
    expect(() => ratePer10k(1, 0)).toThrow(RangeError)
  })

  it('exact Poisson CI (R: poisson.test(5)$conf.int = 1.623486 11.668332)', () => {
    const [lo, hi] = poissonMeanCi(5)
    expect(lo).toBeCloseTo(1.623486, 5)
    expect(hi).toBeCloseTo(11.668332, 5)
    // O = 0: [0, −ln 0.025]; O = 1: lower −ln 0.975 (P(X ≥ 1 | μ) = 1 − e^−μ = 0.025)
    expect(poissonMeanCi(0)).toEqual([0, expect.closeTo(-Math.log(0.025), 8)])
    expect(poissonMeanCi(1)[0]).toBeCloseTo(-Math.log(0.975), 9)
  })

  it('tests an observed count against an expected one', () => {
    // 12 events where 4.5 were expected: ratio 2.667, P(X ≥ 12 | 4.5) by summing the pmf
    const r = rateRatioTest(12, 4.5)
    expect(r.ratio).toBeCloseTo(12 / 4.5, 12)
    expect(r.pHigher).toBeCloseTo(upperBySum(12, 4.5), 12)
    expect(r.pHigher).toBeLessThan(0.005)
    expect(r.pLower).toBeGreaterThan(0.99)
    expect(r.ciLow).toBeGreaterThan(1) // the whole 95 % interval of the ratio is above 1
    expect(rateRatioTest(0, 0).ratio).toBeNaN()
  })

  it('compares an area with a reference rate per 10,000', () => {
    // 52,000 residents × 4.1 per 10k = 21.32 expected
    const r = rateVsReference(37, 52_000, 4.1)
    expect(r.expected).toBeCloseTo(21.32, 10)
    expect(r.ratio).toBeCloseTo(37 / 21.32, 12)
    expect(r.pHigher).toBeCloseTo(upperBySum(37, 21.32), 12)
  })

  it('measures category concentration (location quotient)', () => {
    // 30 of an area's 100 events are thefts; district-wide 1,000 of 10,000 → expected 10, LQ 3
    const r = categoryConcentration({ count: 30, total: 100, referenceCount: 1000, referenceTotal: 10_000 })
    expect(r.expected).toBeCloseTo(10, 12)
    expect(r.ratio).toBeCloseTo(3, 12)
    expect(r.pHigher).toBeCloseTo(upperBySum(30, 10), 12) // ≈ 7e-7
    expect(r.pHigher).toBeLessThan(1e-5)
  })
})
