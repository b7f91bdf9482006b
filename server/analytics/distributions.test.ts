import { describe, expect, it } from 'vitest'

import {
  criticalZ,
  logGamma,
  normalCdf,
  normalQuantile,
  normalUpperTail,
  poissonLowerTail,
  poissonPmf,
  poissonUpperTail,
  regularizedGammaP,
  regularizedGammaQ,
  twoSidedP,
} from './distributions.ts'

/** Relative closeness (the tails are tiny, so absolute tolerances would say nothing). */
function expectRel(actual: number, expected: number, rel = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected))
}

/** Independent check: P(X ≤ k) by summing e^−λ λ^i / i! with the recursion term_i = term_{i−1}·λ/i. */
function poissonCdfBySum(k: number, lambda: number): number {
  if (k < 0) return 0
  let term = Math.exp(-lambda)
  let sum = term
  for (let i = 1; i <= k; i++) {
    term *= lambda / i
    sum += term
  }
  return sum
}

/**
 * Independent check for large λ: Σ_{i ≥ k} of the pmf in log space, with ln i! as a plain sum of
 * logs (not our logGamma). Terms beyond λ + 40√λ are < 1e-300 of the peak.
 */
function poissonUpperBySum(k: number, lambda: number): number {
  const hi = Math.ceil(lambda + 40 * Math.sqrt(lambda) + 50)
  let logFact = 0
  for (let i = 2; i < k; i++) logFact += Math.log(i)
  let sum = 0
  for (let i = k; i <= hi; i++) {
    if (i >= 2) logFact += Math.log(i)
    sum += Math.exp(i * Math.log(lambda) - lambda - logFact)
  }
  return sum
}

describe('log-gamma and incomplete gamma', () => {
  it('matches factorials and Γ(½) = √π', () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14)
    expectRel(logGamma(5), Math.log(24), 1e-14)
    expectRel(logGamma(21), Math.log(2432902008176640000), 1e-14)
    expectRel(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14)
    expectRel(logGamma(0.1), Math.log(9.513507698668732), 1e-13) // Γ(0.1), reflection branch
  })

  it('has closed forms for a = 1: P(1, x) = 1 − e^−x', () => {
    for (const x of [0.1, 1, 2, 10, 50]) {
      expectRel(regularizedGammaP(1, x), -Math.expm1(-x), 1e-13)
      expectRel(regularizedGammaQ(1, x), Math.exp(-x), 1e-13)
    }
    expect(regularizedGammaP(3, 0)).toBe(0)
    expect(regularizedGammaQ(3, 0)).toBe(1)
  })
})

describe('Poisson tails', () => {
  it('P(X ≥ 10 | λ = 3) = 0.0011024881… (R: ppois(9, 3, lower.tail = FALSE) = 0.001102488)', () => {
    expectRel(poissonUpperTail(10, 3), 1 - poissonCdfBySum(9, 3), 1e-10)
    expect(poissonUpperTail(10, 3)).toBeCloseTo(0.001102488, 9)
  })

  it('agrees with exact sums for small k and λ', () => {
    for (const lambda of [0.2, 1, 3, 7.5, 20]) {
      for (let k = 0; k <= 30; k++) {
        const cdf = poissonCdfBySum(k, lambda)
        expectRel(poissonLowerTail(k, lambda), cdf, 1e-12)
        // Upper tail vs 1 − cdf is only compared where 1 − cdf is not itself cancellation noise.
        const upper = 1 - poissonCdfBySum(k - 1, lambda)
        if (upper > 1e-6) expectRel(poissonUpperTail(k, lambda), upper, 1e-9)
      }
    }
  })

  it('P(X ≥ 0) = 1, P(X ≥ 1) = 1 − e^−λ, and the two tails add up with the pmf', () => {
    expect(poissonUpperTail(0, 5)).toBe(1)
    expectRel(poissonUpperTail(1, 2), 1 - Math.exp(-2), 1e-14)
    expectRel(poissonPmf(2, 3), 4.5 * Math.exp(-3), 1e-13)
    for (const k of [1, 4, 9]) expectRel(poissonLowerTail(k - 1, 4) + poissonUpperTail(k, 4), 1, 1e-14)
    expect(poissonUpperTail(1, 0)).toBe(0)
    expect(poissonLowerTail(0, 0)).toBe(1)
  })

  it('stays accurate in the far tail and for large λ', () => {
    // Far tail: P(X ≥ 40 | λ = 3) ≈ 3.6e-27, where 1 − cdf would be 0.
    expectRel(poissonUpperTail(40, 3), poissonUpperBySum(40, 3), 1e-10)
    expectRel(poissonUpperTail(1100, 1000), poissonUpperBySum(1100, 1000), 1e-9)
    expectRel(poissonUpperTail(5300, 5000), poissonUpperBySum(5300, 5000), 1e-9)
    // By symmetry of the normal limit, P(X ≥ λ) → ½ from above for large λ.
    const half = poissonUpperTail(1_000_000, 1_000_000)
    expect(half).toBeGreaterThan(0.5)
    expect(half).toBeLessThan(0.5005)
  })

  it('rejects non-integer k and negative λ', () => {
    expect(() => poissonUpperTail(1.5, 2)).toThrow(RangeError)
    expect(() => poissonLowerTail(1, -1)).toThrow(RangeError)
  })
})

describe('normal distribution', () => {
  it('reproduces reference values (R: pnorm)', () => {
    expectRel(normalCdf(0), 0.5, 1e-15)
    expectRel(normalCdf(1.96), 0.9750021048517795, 1e-14)
    expectRel(normalCdf(-1.96), 0.024997895148220435, 1e-12)
    expectRel(normalUpperTail(3), 0.0013498980316301, 1e-12)
    expectRel(normalCdf(-5), 2.866515718791939e-7, 1e-12)
    expectRel(normalCdf(-10), 7.619853024160527e-24, 1e-12)
  })

  it('gives two-sided p-values: 1.645 → 0.0999, 1.96 → 0.04999579, 2.576 → 0.009995', () => {
    expectRel(twoSidedP(1.96), 0.04999579029644097, 1e-12)
    expectRel(twoSidedP(-1.96), 0.04999579029644097, 1e-12)
    expectRel(twoSidedP(1.6448536269514722), 0.1, 1e-12)
    expectRel(twoSidedP(2.5758293035489004), 0.01, 1e-12)
    expect(twoSidedP(0)).toBe(1)
  })

  it('inverts the CDF: the thresholds 1.645 / 1.960 / 2.576 (R: qnorm)', () => {
    expectRel(criticalZ(0.9), 1.6448536269514722, 1e-13)
    expectRel(criticalZ(0.95), 1.959963984540054, 1e-13)
    expectRel(criticalZ(0.99), 2.5758293035489004, 1e-13)
    expectRel(normalQuantile(1e-10), -6.361340902404056, 1e-12)
    expect(normalQuantile(0.5)).toBe(0)
    for (const p of [1e-300, 1e-12, 0.001, 0.02, 0.3, 0.7, 0.98, 0.999999]) {
      expectRel(normalCdf(normalQuantile(p)), p, 1e-12)
    }
    expect(normalQuantile(0)).toBe(-Infinity)
    expect(normalQuantile(1)).toBe(Infinity)
  })
})
