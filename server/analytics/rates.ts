/**
 * Rates and their exact Poisson tests, for "is this area's rate (or this category's share) higher
 * than the reference?" warnings: rate per 10,000 residents, the observed/expected ratio with
 * one-sided exact Poisson p-values, the exact (Garwood 1936) confidence interval, and the
 * location quotient for category concentration. Counts are small in most areas, where the normal
 * approximation would flag noise, hence exact tails.
 */
import { poissonLowerTail, poissonUpperTail, regularizedGammaP } from './distributions.ts'

export interface RateTest {
  observed: number
  expected: number
  /** observed / expected (Infinity when expected is 0 and something was observed) */
  ratio: number
  /** P(X ≥ observed | expected): small = significantly more than expected */
  pHigher: number
  /** P(X ≤ observed | expected): small = significantly fewer than expected */
  pLower: number
  /** exact confidence interval of the ratio */
  ciLow: number
  ciHigh: number
}

/**
 * Events per 10,000 people.
 * @example ratePer10k(37, 52_000) // 7.115…
 */
export function ratePer10k(count: number, population: number): number {
  if (!(population > 0)) throw new RangeError(`ratePer10k: population must be > 0, got ${population}`)
  if (!(count >= 0)) throw new RangeError(`ratePer10k: count must be ≥ 0, got ${count}`)
  return (count / population) * 10_000
}

/** The x with P(a, x) = p (the gamma quantile), by bisection: slow-ish but cannot fail. */
function gammaQuantile(p: number, a: number): number {
  let lo = 0
  let hi = Math.max(1, a)
  while (regularizedGammaP(a, hi) < p) hi *= 2
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2
    if (regularizedGammaP(a, mid) < p) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

/**
 * Exact (Garwood) confidence interval of a Poisson mean given an observed count.
 * @example poissonMeanCi(5, 0.95) // [1.6235, 11.6683]
 */
export function poissonMeanCi(observed: number, confidence = 0.95): [number, number] {
  if (!Number.isInteger(observed) || observed < 0) throw new RangeError(`observed must be a count, got ${observed}`)
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`)
  const tail = (1 - confidence) / 2
  // Lower: the mean whose P(X ≥ O) = tail, i.e. P(O, μ) = tail; upper: P(X ≤ O) = tail ⇔ P(O + 1, μ) = 1 − tail.
  const low = observed === 0 ? 0 : gammaQuantile(tail, observed)
  const high = gammaQuantile(1 - tail, observed + 1)
  return [low, high]
}

/**
 * Exact Poisson test of an observed count against an expected count (e.g. population × reference rate).
 * @example rateRatioTest(12, 4.5).pHigher // P(X ≥ 12 | 4.5) ≈ 0.0036
 */
export function rateRatioTest(observed: number, expected: number, confidence = 0.95): RateTest {
  if (!Number.isInteger(observed) || observed < 0) throw new RangeError(`observed must be a count, got ${observed}`)
  if (!(expected >= 0) || !Number.isFinite(expected)) throw new RangeError(`expected must be finite and ≥ 0, got ${expected}`)
  const [lo, hi] = poissonMeanCi(observed, confidence)
  return {
    observed,
    expected,
    ratio: expected > 0 ? observed / expected : observed > 0 ? Infinity : NaN,
    pHigher: poissonUpperTail(observed, expected),
    pLower: poissonLowerTail(observed, expected),
    ciLow: expected > 0 ? lo / expected : NaN,
    ciHigh: expected > 0 ? hi / expected : NaN,
  }
}

/**
 * An area's count against a reference rate per 10,000 (e.g. the district's): expected = pop × rate.
 * @example rateVsReference(37, 52_000, 4.1).ratio // 37 / 21.32 ≈ 1.74
 */
export function rateVsReference(count: number, population: number, referencePer10k: number, confidence = 0.95): RateTest {
  if (!(population > 0)) throw new RangeError(`population must be > 0, got ${population}`)
  return rateRatioTest(count, (population * referencePer10k) / 10_000, confidence)
}

/**
 * Category concentration: is category c over-represented among an area's events compared with
 * the reference (district)? expected = area total × reference share; ratio = location quotient.
 * @example categoryConcentration({ count: 30, total: 100, referenceCount: 1000, referenceTotal: 10000 }).ratio // 3
 */
export function categoryConcentration(
  input: { count: number; total: number; referenceCount: number; referenceTotal: number },
  confidence = 0.95,
): RateTest {
  const { count, total, referenceCount, referenceTotal } = input
  if (!(referenceTotal > 0)) throw new RangeError('categoryConcentration: referenceTotal must be > 0')
  if (count > total) throw new RangeError('categoryConcentration: count exceeds total')
  return rateRatioTest(count, (total * referenceCount) / referenceTotal, confidence)
}
