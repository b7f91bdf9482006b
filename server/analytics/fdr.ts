/**
 * Benjamini–Hochberg false discovery rate control (Benjamini & Hochberg 1995), as ArcGIS's Hot
 * Spot Analysis applies it when "Apply False Discovery Rate (FDR) Correction" is on: with
 * thousands of H3 cells tested at once, an uncorrected 95 % threshold would flag ~5 % of pure
 * noise cells as hot spots.
 */

function checkP(p: number, i: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value ${i} must be in [0, 1], got ${p}`)
}

/**
 * BH-adjusted p-values (q-values) in input order: q₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎ / j) over the sorted
 * p-values, the same numbers as R's p.adjust(p, "BH"). A hypothesis is rejected at FDR level α
 * exactly when its q-value is ≤ α, so one vector answers every confidence level.
 * @example benjaminiHochberg([0.01, 0.04, 0.03, 0.005]) // [0.02, 0.04, 0.04, 0.02]
 */
export function benjaminiHochberg(pValues: ArrayLike<number>): Float64Array {
  const m = pValues.length
  const q = new Float64Array(m)
  if (m === 0) return q
  for (let i = 0; i < m; i++) checkP(pValues[i] as number, i)
  // Sort indexes by p descending, then walk down keeping the running minimum (step-up procedure).
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => (pValues[b] as number) - (pValues[a] as number))
  let running = 1
  for (let r = 0; r < m; r++) {
    const i = order[r] as number
    const rank = m - r // 1-based rank in ascending order
    running = Math.min(running, ((pValues[i] as number) * m) / rank)
    q[i] = running
  }
  return q
}

/**
 * Which hypotheses BH rejects at FDR level α (true = significant).
 * @example fdrMask([0.01, 0.04, 0.03, 0.005], 0.03) // [true, false, false, true]
 */
export function fdrMask(pValues: ArrayLike<number>, alpha: number): boolean[] {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`fdrMask: alpha must be in (0, 1), got ${alpha}`)
  return Array.from(benjaminiHochberg(pValues), (q) => q <= alpha)
}
