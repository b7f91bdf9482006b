/**
 * Probability distributions the warning models need: the regularized incomplete gamma function
 * (Numerical Recipes, 3rd ed., §6.1–6.2: Lanczos log-gamma, series and Lentz continued fraction),
 * and on top of it Poisson tails and the standard normal CDF. Written here rather than taken from
 * npm: the few routines are short, and the maintained math packages would be a large dependency
 * for four functions. Both Poisson tails and normal tail p-values come out of the same incomplete
 * gamma, which stays accurate in the far tails (relative error ~1e-14 for moderate arguments,
 * ~1e-10 for λ ≈ 10⁵ where the prefactor exp(a·ln x − x − lnΓ(a)) loses a few digits).
 */

const EPS = 1e-16
const FPMIN = 1e-300

// Lanczos approximation, g = 7, n = 9 (the widely published coefficient set; ~15 digits).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI)

/**
 * ln Γ(x) for x > 0 (Lanczos; reflection below 0.5).
 * @example logGamma(5) // ln 24 ≈ 3.178053830347945
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: x must be > 0, got ${x}`)
  // Reflection Γ(x)Γ(1−x) = π / sin(πx) keeps the series in its accurate range.
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const y = x - 1
  let a = LANCZOS[0]
  const t = y + 7.5
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (y + i)
  return HALF_LN_2PI + (y + 0.5) * Math.log(t) - t + Math.log(a)
}

/** Iterations allowed: both expansions need O(√max(a, x)) terms near the transition a ≈ x. */
function maxIterations(a: number, x: number): number {
  return 1000 + Math.ceil(50 * Math.sqrt(Math.max(a, x)))
}

/** ln of the common prefactor x^a e^(−x) / Γ(a). */
function logPrefactor(a: number, x: number): number {
  return a * Math.log(x) - x - logGamma(a)
}

/** P(a, x) by its power series (NR gser); converges fast for x < a + 1. */
function gammaPSeries(a: number, x: number): number {
  let ap = a
  let del = 1 / a
  let sum = del
  const max = maxIterations(a, x)
  for (let n = 0; n < max; n++) {
    ap += 1
    del *= x / ap
    sum += del
    if (Math.abs(del) < Math.abs(sum) * EPS) return sum * Math.exp(logPrefactor(a, x))
  }
  throw new Error(`incomplete gamma series did not converge (a=${a}, x=${x})`)
}

/** Q(a, x) by its continued fraction, modified Lentz (NR gcf); converges fast for x ≥ a + 1. */
function gammaQFraction(a: number, x: number): number {
  let b = x + 1 - a
  let c = 1 / FPMIN
  let d = 1 / b
  let h = d
  const max = maxIterations(a, x)
  for (let i = 1; i <= max; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < FPMIN) d = FPMIN
    c = b + an / c
    if (Math.abs(c) < FPMIN) c = FPMIN
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < EPS) return Math.exp(logPrefactor(a, x)) * h
  }
  throw new Error(`incomplete gamma continued fraction did not converge (a=${a}, x=${x})`)
}

function checkGammaArgs(a: number, x: number): void {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`incomplete gamma: a must be > 0, got ${a}`)
  if (!(x >= 0)) throw new RangeError(`incomplete gamma: x must be ≥ 0, got ${x}`)
}

/**
 * Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a).
 * @example regularizedGammaP(1, 2) // 1 − e^−2 ≈ 0.8646647167633873
 */
export function regularizedGammaP(a: number, x: number): number {
  checkGammaArgs(a, x)
  if (x === 0) return 0
  if (x === Infinity) return 1
  // Each branch computes the smaller of P and Q directly, so neither tail is lost to 1 − (≈1).
  return x < a + 1 ? gammaPSeries(a, x) : 1 - gammaQFraction(a, x)
}

/**
 * Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate when Q is tiny.
 * @example regularizedGammaQ(1, 2) // e^−2 ≈ 0.1353352832366127
 */
export function regularizedGammaQ(a: number, x: number): number {
  checkGammaArgs(a, x)
  if (x === 0) return 1
  if (x === Infinity) return 0
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQFraction(a, x)
}

function checkPoissonArgs(k: number, lambda: number): void {
  if (!Number.isInteger(k)) throw new RangeError(`poisson: k must be an integer, got ${k}`)
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`poisson: λ must be finite and ≥ 0, got ${lambda}`)
}

/**
 * P(X = k) for X ~ Poisson(λ), computed in log space (no overflow for large k or λ).
 * @example poissonPmf(2, 3) // 4.5 e^−3 ≈ 0.22404180765538775
 */
export function poissonPmf(k: number, lambda: number): number {
  checkPoissonArgs(k, lambda)
  if (k < 0) return 0
  if (lambda === 0) return k === 0 ? 1 : 0
  return Math.exp(k * Math.log(lambda) - lambda - logGamma(k + 1))
}

/**
 * P(X ≥ k) for X ~ Poisson(λ): the regularized gamma P(k, λ) (the Poisson–gamma identity).
 * @example poissonUpperTail(10, 3) // 0.0011024881301154797 (R: ppois(9, 3, lower.tail = FALSE))
 */
export function poissonUpperTail(k: number, lambda: number): number {
  checkPoissonArgs(k, lambda)
  if (k <= 0) return 1
  if (lambda === 0) return 0
  return regularizedGammaP(k, lambda)
}

/**
 * P(X ≤ k) for X ~ Poisson(λ): the regularized gamma Q(k + 1, λ).
 * @example poissonLowerTail(0, 3) // e^−3 ≈ 0.049787068367863944
 */
export function poissonLowerTail(k: number, lambda: number): number {
  checkPoissonArgs(k, lambda)
  if (k < 0) return 0
  if (lambda === 0) return 1
  return regularizedGammaQ(k + 1, lambda)
}

/**
 * Standard normal CDF Φ(z), via erfc(t) = Q(½, t²) so both tails keep full relative precision.
 * @example normalCdf(1.96) // 0.9750021048517795
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN
  const tail = 0.5 * regularizedGammaQ(0.5, (z * z) / 2)
  return z < 0 ? tail : 1 - tail
}

/**
 * Upper-tail probability 1 − Φ(z) (one-sided p of a z-score), accurate far in the tail.
 * @example normalUpperTail(3) // 0.0013498980316301
 */
export function normalUpperTail(z: number): number {
  return normalCdf(-z)
}

/**
 * Two-sided p-value of a z-score, P(|Z| ≥ |z|) = erfc(|z|/√2) = Q(½, z²/2).
 * @example twoSidedP(1.96) // 0.04999579029644097
 */
export function twoSidedP(z: number): number {
  if (Number.isNaN(z)) return NaN
  return regularizedGammaQ(0.5, (z * z) / 2)
}

// Acklam's rational approximation to the normal quantile (relative error < 1.15e-9), then one
// Halley step on our own normalCdf, which brings it to machine precision.
const QA = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239,
] as const
const QB = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1] as const
const QC = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783,
] as const
const QD = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const
const P_LOW = 0.02425

function acklam(p: number): number {
  const [a0, a1, a2, a3, a4, a5] = QA
  const [b0, b1, b2, b3, b4] = QB
  const [c0, c1, c2, c3, c4, c5] = QC
  const [d0, d1, d2, d3] = QD
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
  }
  if (p > 1 - P_LOW) return -acklam(1 - p)
  const q = p - 0.5
  const r = q * q
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
}

/**
 * The standard normal quantile Φ⁻¹(p) for 0 < p < 1 (±Infinity at 0 and 1).
 * @example normalQuantile(0.975) // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`)
  if (p === 0) return -Infinity
  if (p === 1) return Infinity
  // Work in the lower half so the refinement compares small probabilities, not 1 − tiny.
  if (p > 0.5) return -normalQuantile(1 - p)
  let x = acklam(p)
  const e = normalCdf(x) - p
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2)
  x -= u / (1 + (x * u) / 2)
  return x
}

/**
 * The two-sided critical |z| for a confidence level (0.90 → 1.645, 0.95 → 1.960, 0.99 → 2.576).
 * @example criticalZ(0.95) // 1.959963984540054
 */
export function criticalZ(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`criticalZ: confidence must be in (0, 1), got ${confidence}`)
  return normalQuantile(1 - (1 - confidence) / 2)
}
