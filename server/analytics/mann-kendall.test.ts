import { describe, expect, it } from 'vitest'

import { twoSidedP } from './distributions.ts'
import { mannKendall } from './mann-kendall.ts'

describe('Mann–Kendall', () => {
  it('[1, 2, 3, 4, 5]: S = 10, Var = 5·4·15/18 = 50/3, z = 9/√(50/3) = 2.2045, τ = 1', () => {
    const r = mannKendall([1, 2, 3, 4, 5])
    expect(r.s).toBe(10)
    expect(r.varS).toBeCloseTo(50 / 3, 12)
    expect(r.z).toBeCloseTo(9 / Math.sqrt(50 / 3), 12) // 2.204540768...
    expect(r.z).toBeCloseTo(2.2045407685, 9)
    expect(r.p).toBeCloseTo(0.0274863361, 9) // 2(1 − Φ(2.2045408)) = erfc(2.2045408/√2) (Python math.erfc)
    expect(r.tau).toBe(1)
  })

  it('a decreasing series mirrors it', () => {
    const r = mannKendall([5, 4, 3, 2, 1])
    expect(r.s).toBe(-10)
    expect(r.z).toBeCloseTo(-9 / Math.sqrt(50 / 3), 12)
    expect(r.tau).toBe(-1)
  })

  it('[1, 2, 2, 3] with one tie: S = 5, Var = (156 − 18)/18, τ-b = 5/√30', () => {
    // pairs (i<j): 1→2 +, 1→2 +, 1→3 +, 2→2 0, 2→3 +, 2→3 + → S = 5
    // n(n−1)(2n+5) = 4·3·13 = 156; one tie group t = 2: 2·1·9 = 18 → Var = 138/18 = 7.6667
    // z = (5 − 1)/√7.6667 = 1.44463; n0 = 6, tied pairs n1 = 1 → τ-b = 5/√(5·6) = 0.912871
    const r = mannKendall([1, 2, 2, 3])
    expect(r.s).toBe(5)
    expect(r.varS).toBeCloseTo(138 / 18, 12)
    expect(r.z).toBeCloseTo(4 / Math.sqrt(138 / 18), 12)
    expect(r.p).toBeCloseTo(twoSidedP(4 / Math.sqrt(138 / 18)), 14)
    expect(r.tau).toBeCloseTo(5 / Math.sqrt(30), 12)
  })

  it('[3, 1, 3, 1, 3, 1] (two tie groups of 3): S = −3, Var = (330 − 2·42)/18, no trend', () => {
    // sign(xj − xi) over i<j: i=0 (3): 1:−,2:0,3:−,4:0,5:− = −3; i=1 (1): +,0,+,0 = +2;
    // i=2 (3): −,0,− = −2; i=3 (1): +,0 = +1; i=4 (3): − = −1 → S = −3
    // n(n−1)(2n+5) = 6·5·17 = 510, tie groups t = 3: 3·2·11 = 66 each → Var = (510 − 132)/18 = 21
    const r = mannKendall([3, 1, 3, 1, 3, 1])
    expect(r.s).toBe(-3)
    expect(r.varS).toBeCloseTo(21, 12)
    expect(r.z).toBeCloseTo(-2 / Math.sqrt(21), 12)
    // τ-b: n0 = 15, tied pairs = 3 + 3 = 6 → −3/√(9·15)
    expect(r.tau).toBeCloseTo(-3 / Math.sqrt(135), 12)
  })

  it('a constant or one-value series has no trend', () => {
    expect(mannKendall([2, 2, 2])).toMatchObject({ s: 0, varS: 0, z: 0, p: 1, tau: 0 })
    expect(mannKendall([7])).toMatchObject({ s: 0, z: 0, p: 1 })
  })
})
