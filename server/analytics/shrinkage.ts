/**
 * Empirical-Bayes shrinkage of rates on small populations (Marshall 1991, global method). A village
 * of 800 residents with 3 incidents has a raw rate of 37.5 per 10,000, higher than any town's; with
 * a month's counts that small the raw rate is mostly noise, and a ranking by it swings hundreds of
 * places from one month to the next. The shrunk rate pulls each area towards the overall rate in
 * proportion to how little its own count can tell: large populations keep their own rate, small
 * ones move most of the way to the mean.
 */

/** One area's count and population. */
export interface RateInput {
  count: number
  population: number
}

/**
 * Shrunk rates (per unit population, like count / population), in input order; null where the
 * population is missing or 0. With no spread between areas beyond chance, every rate is the mean.
 * @example shrunkRates([{ count: 400, population: 100_000 }, { count: 100, population: 100_000 }, { count: 3, population: 800 }]) // [~0.0040, ~0.0010, ~0.0025]
 */
export function shrunkRates(areas: readonly RateInput[]): (number | null)[] {
  const usable = areas.filter((a) => a.population > 0)
  const totalPop = usable.reduce((s, a) => s + a.population, 0)
  if (usable.length === 0 || totalPop === 0) return areas.map(() => null)
  const mean = usable.reduce((s, a) => s + a.count, 0) / totalPop
  // Population-weighted variance of the raw rates, less what Poisson noise alone would give.
  const spread = usable.reduce((s, a) => s + a.population * (a.count / a.population - mean) ** 2, 0) / totalPop
  const between = Math.max(0, spread - mean / (totalPop / usable.length))
  return areas.map((a) => {
    if (!(a.population > 0)) return null
    return mean + ownWeight(between, mean, a.population) * (a.count / a.population - mean)
  })
}

/**
 * How far an area's own rate counts in its shrunk rate (0 = all mean, 1 = all its own).
 * @example ownWeight(1e-7, 0.001, 800) // 0.074…
 */
export function ownWeight(between: number, mean: number, population: number): number {
  return between + mean / population === 0 ? 0 : between / (between + mean / population)
}
