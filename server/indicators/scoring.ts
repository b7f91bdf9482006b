/**
 * Scoring and the 红黄黑 list: pure functions from indicator values and the configuration.
 * Percentiles rather than min–max scaling, because one village with an outlier month would
 * otherwise squash every other village's score into a narrow band.
 */
import { round } from './compute.ts'
import { defaultDirection } from './definitions.ts'
import type { Colour, Direction, IndicatorId, RankingConfig } from './schema.ts'

/**
 * 0–100 per value: the share of the other areas it does better than (ties count half), 100 = best;
 * null values get null and do not count. A lone value scores 50. Values less than `tolerance`
 * apart tie: a difference smaller than chance would make is no difference.
 * @example percentileScores([1, 2, 3, null], 'lower_better') // [100, 50, 0, null]
 * @example percentileScores([1, 1.2, 3], 'lower_better', 0.5) // [75, 75, 0]
 */
export function percentileScores(values: readonly (number | null)[], direction: Direction, tolerance = 0): (number | null)[] {
  const present = values.filter((v): v is number => v !== null)
  const m = present.length
  return values.map((v) => {
    if (v === null) return null
    if (m === 1) return 50
    let better = 0
    let ties = 0
    for (const o of present) {
      if (Math.abs(o - v) <= tolerance) ties++
      else if (direction === 'lower_better' ? v < o : v > o) better++
    }
    // `ties` counts the value itself.
    return round(((better + (ties - 1) / 2) * 100) / (m - 1), 2)
  })
}

/**
 * Competition ranks, best (highest) score first: equal scores share a rank (1, 2, 2, 4); null scores get no rank.
 * @example competitionRanks([80, 95, 80, null]) // [2, 1, 2, null]
 */
export function competitionRanks(scores: readonly (number | null)[]): (number | null)[] {
  return scores.map((s) => (s === null ? null : 1 + scores.filter((o) => o !== null && o > s).length))
}

/**
 * How many areas a share of `n` covers (rounded up, so a non-zero share lists someone).
 * @example bandSize(0.1, 27) // 3
 */
export function bandSize(share: number, n: number): number {
  // 0.1 × 30 is 3.0000000000000004 in floating point: do not let it round up to 4.
  return Math.max(0, Math.ceil(share * n - 1e-9))
}

/**
 * The colour of a ranked area among `n` ranked areas (black, then yellow, then red; else null).
 * @example colourOf(27, 10, 27, DEFAULT_RANKING_CONFIG.colours) // 'black'
 */
export function colourOf(rank: number | null, score: number | null, n: number, c: RankingConfig['colours']): Colour | null {
  if (rank === null || score === null) return null
  const inBottom = (share: number) => rank > n - bandSize(share, n)
  if (inBottom(c.black.bottomShare) || score < c.black.maxScore) return 'black'
  if (inBottom(c.yellow.bottomShare) || score < c.yellow.maxScore) return 'yellow'
  if (rank <= bandSize(c.red.topShare, n) && score >= c.red.minScore) return 'red'
  return null
}

/** An area's scoring result. */
export interface Scored {
  score: number | null
  rank: number | null
  colour: Colour | null
  /** Each weighted indicator's 0–100 score. */
  parts: Record<string, number | null>
}

/**
 * Scores, ranks and colours the areas of one level from their indicator values.
 * @example scoreAreas([{ incidents_per_10k: 1 }, { incidents_per_10k: 2 }], { indicators: [{ id: 'incidents_per_10k', weight: 1 }], colours })[0].score // 100
 */
export function scoreAreas(
  values: readonly Partial<Record<IndicatorId, number | null>>[],
  config: RankingConfig,
  tolerance: Partial<Record<IndicatorId, number>> = {},
): Scored[] {
  const weighted = config.indicators.filter((w) => w.weight > 0)
  const parts = weighted.map((w) =>
    percentileScores(
      values.map((v) => v[w.id] ?? null),
      w.direction ?? defaultDirection(w.id),
      tolerance[w.id] ?? 0,
    ),
  )
  const scores = values.map((_, i) => {
    let sum = 0
    let weights = 0
    weighted.forEach((w, k) => {
      const p = parts[k]![i]
      if (p === null || p === undefined) return
      sum += p * w.weight
      weights += w.weight
    })
    // An area without a value for some indicator is scored on the others (weights renormalised).
    return weights === 0 ? null : round(sum / weights, 2)
  })
  const ranks = competitionRanks(scores)
  const n = scores.filter((s) => s !== null).length
  return values.map((_, i) => ({
    score: scores[i]!,
    rank: ranks[i]!,
    colour: colourOf(ranks[i]!, scores[i]!, n, config.colours),
    parts: Object.fromEntries(weighted.map((w, k) => [w.id, parts[k]![i]!])),
  }))
}
