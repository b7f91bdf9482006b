import { describe, expect, it } from 'vitest'

import { benjaminiHochberg, fdrMask } from './fdr.ts'

describe('Benjamini–Hochberg', () => {
  it('adjusts a hand-computed example (R: p.adjust(c(.01, .04, .03, .005), "BH"))', () => {
    // m = 4; sorted p: 0.005 (rank 1), 0.01 (2), 0.03 (3), 0.04 (4)
    // m·p/rank: 0.02, 0.02, 0.04, 0.04; running minimum from the top: 0.04, 0.04, 0.02, 0.02
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005])
    expect(Array.from(q).map((x) => Number(x.toFixed(12)))).toEqual([0.02, 0.04, 0.04, 0.02])
  })

  it('enforces monotonicity: a larger p never gets a smaller q', () => {
    // m·p/rank = 0.05 for every rank of 0.01, 0.02, …, 0.05 → all 0.05
    const q = benjaminiHochberg([0.05, 0.01, 0.03, 0.02, 0.04])
    for (const x of q) expect(x).toBeCloseTo(0.05, 14)
    // 0.001, 0.2 with m = 2: 0.002 and min(0.2·2/2) = 0.2
    expect(Array.from(benjaminiHochberg([0.2, 0.001]))).toEqual([0.2, 0.002])
  })

  it('caps at 1 and handles empty input and ties', () => {
    expect(Array.from(benjaminiHochberg([0.9, 0.95, 1]))).toEqual([1, 1, 1])
    expect(benjaminiHochberg([]).length).toBe(0)
    // Ties: both 0.02 get rank 2 in effect (m·p/2 = 0.02·3/2 = 0.03, the running minimum covers rank 1)
    const q = benjaminiHochberg([0.02, 0.02, 0.5])
    expect(q[0]).toBeCloseTo(0.03, 14)
    expect(q[1]).toBeCloseTo(0.03, 14)
    expect(q[2]).toBeCloseTo(0.5, 14)
  })

  it('gives the BH rejection set at α (largest i with p₍ᵢ₎ ≤ iα/m, and all below it)', () => {
    // α = 0.03, m = 4: thresholds 0.0075, 0.015, 0.0225, 0.03 → p₍₁₎ = 0.005 ✓, p₍₂₎ = 0.01 ✓,
    // p₍₃₎ = 0.03 ✗, p₍₄₎ = 0.04 ✗ → reject the 0.005 and 0.01 hypotheses.
    expect(fdrMask([0.01, 0.04, 0.03, 0.005], 0.03)).toEqual([true, false, false, true])
    // Step-up: p₍₁₎ = 0.04 fails its own 0.05/3, but p₍₃₎ = 0.049 ≤ 3·0.05/3 rejects all three.
    expect(fdrMask([0.04, 0.045, 0.049], 0.05)).toEqual([true, true, true])
  })

  it('rejects invalid p-values', () => {
    expect(() => benjaminiHochberg([0.1, Number.NaN])).toThrow(RangeError)
    expect(() => benjaminiHochberg([1.5])).toThrow(RangeError)
  })
})
