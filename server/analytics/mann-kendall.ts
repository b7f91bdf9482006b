/**
 * The Mann–Kendall trend test (Mann 1945; Kendall 1975), as Emerging Hot Spot Analysis applies
 * it to each location's series of Gi* z-scores: S = Σ_{i<j} sign(xⱼ − xᵢ), its variance under
 * "no trend" with the correction for tied values, the continuity-corrected z = (S ∓ 1)/√Var(S),
 * the two-sided normal p-value, and Kendall's τ (τ-b against time, which has no ties, so that a
 * series with tied values can still reach ±1; R's Kendall::MannKendall reports the same τ).
 * The normal approximation is what ArcGIS uses; for n < 10 it is rough, which is fine for a
 * screening tool but worth knowing.
 */
import { twoSidedP } from './distributions.ts'

export interface MannKendallResult {
  /** series length */
  n: number
  /** Mann–Kendall S: concordant minus discordant pairs against time */
  s: number
  /** variance of S under H0, tie-corrected */
  varS: number
  /** continuity-corrected standard score; 0 when S = 0 or the variance is 0 */
  z: number
  /** two-sided p-value from z */
  p: number
  /** Kendall's τ-b between the series and time, in [−1, 1] */
  tau: number
}

/**
 * Mann–Kendall trend test of a series in time order (non-finite values are not allowed).
 * @example mannKendall([1, 2, 3, 4, 5]) // { s: 10, varS: 50/3, z: 2.2045…, p: 0.0275, tau: 1, … }
 */
export function mannKendall(series: ArrayLike<number>): MannKendallResult {
  const n = series.length
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(series[i] as number)) throw new RangeError(`mannKendall: value ${i} is not finite`)
  }
  let s = 0
  // O(n²) pairs: the series are weekly slices (tens to a few hundred), so this is microseconds.
  for (let i = 0; i < n - 1; i++) {
    const xi = series[i] as number
    for (let j = i + 1; j < n; j++) s += Math.sign((series[j] as number) - xi)
  }
  // Tie groups: Σ t(t−1)(2t+5) for the variance and Σ t(t−1)/2 for τ-b.
  const counts = new Map<number, number>()
  for (let i = 0; i < n; i++) counts.set(series[i] as number, (counts.get(series[i] as number) ?? 0) + 1)
  let tieVar = 0
  let tiePairs = 0
  for (const t of counts.values()) {
    tieVar += t * (t - 1) * (2 * t + 5)
    tiePairs += (t * (t - 1)) / 2
  }
  const varS = (n * (n - 1) * (2 * n + 5) - tieVar) / 18
  const sd = Math.sqrt(varS)
  const z = varS > 0 ? (s > 0 ? (s - 1) / sd : s < 0 ? (s + 1) / sd : 0) : 0
  const n0 = (n * (n - 1)) / 2
  const denom = Math.sqrt((n0 - tiePairs) * n0)
  return { n, s, varS, z, p: varS > 0 ? twoSidedP(z) : 1, tau: denom > 0 ? s / denom : 0 }
}
