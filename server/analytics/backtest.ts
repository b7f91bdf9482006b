/**
 * Backtest metrics for hot spot forecasts (Chainey, Tompson & Uhlig 2008): of the next period's
 * events, the share that fell in the predicted cells (hit rate), the share of the study area
 * those cells cover, and their ratio, the Predictive Accuracy Index PAI = hit % / area %
 * (1 = no better than spreading attention evenly). H3 cells of one resolution have near-equal
 * areas within a district, so area share is a cell-count share. The naive baseline — "next
 * period looks like the last one" — is what any model must beat.
 */

export interface BacktestMetrics {
  /** all actual events (inside predicted cells or not) */
  events: number
  /** events in predicted cells */
  hits: number
  /** hits / events (NaN without events) */
  hitRate: number
  predictedCells: number
  studyAreaCells: number
  /** predictedCells / studyAreaCells */
  areaShare: number
  /** hitRate / areaShare (NaN without events or without predicted cells) */
  pai: number
}

/**
 * Hit rate, area share and PAI of predicted cells against actual per-cell event counts.
 * @example backtestMetrics(['a', 'b'], new Map([['a', 6], ['c', 4]]), 100) // hitRate 0.6, areaShare 0.02, pai 30
 */
export function backtestMetrics(predicted: Iterable<string>, actual: ReadonlyMap<string, number>, studyAreaCells: number): BacktestMetrics {
  const cells = new Set(predicted)
  if (!(studyAreaCells > 0)) throw new RangeError(`studyAreaCells must be > 0, got ${studyAreaCells}`)
  if (cells.size > studyAreaCells) throw new RangeError(`${cells.size} predicted cells in a study area of ${studyAreaCells}`)
  let events = 0
  let hits = 0
  for (const [cell, n] of actual) {
    if (!(n >= 0)) throw new RangeError(`count for ${cell} must be ≥ 0, got ${n}`)
    events += n
    if (cells.has(cell)) hits += n
  }
  const hitRate = events > 0 ? hits / events : NaN
  const areaShare = cells.size / studyAreaCells
  return {
    events,
    hits,
    hitRate,
    predictedCells: cells.size,
    studyAreaCells,
    areaShare,
    pai: areaShare > 0 ? hitRate / areaShare : NaN,
  }
}

/**
 * The n highest-scoring cells (score > 0), ties broken by cell id so the choice is reproducible.
 * @example topCells(new Map([['a', 1], ['b', 5], ['c', 5]]), 2) // ['b', 'c']
 */
export function topCells(scores: ReadonlyMap<string, number>, n: number): string[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`)
  return [...scores]
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n)
    .map(([cell]) => cell)
}

/**
 * Naive baseline forecast: last period's n busiest cells.
 * @example naiveBaseline(lastWeekCounts, 50) // the 50 cells with most events last week
 */
export function naiveBaseline(lastPeriod: ReadonlyMap<string, number>, n: number): string[] {
  return topCells(lastPeriod, n)
}

/** One backtest period: what the model and the naive baseline flagged and caught. */
export interface PeriodScore {
  /** events of the period (the model's categories, anywhere in the study area) */
  events: number
  /** events in the model's flagged cells */
  hits: number
  /** the model's flagged cells / the study area's cells */
  areaShare: number
  /** events in the baseline's cells (last period's busiest, as many as the model flagged) */
  baselineHits: number
  baselineAreaShare: number
}

/** Scores pooled over periods (Chainey et al.: hits over events, mean area share). */
export interface PooledScore {
  events: number
  hits: number
  baselineHits: number
  hitRate: number
  areaShare: number
  pai: number
  baselineHitRate: number
  baselineAreaShare: number
  baselinePai: number
}

/**
 * Pools periods: hit rate = Σ hits / Σ events, area share = the mean of the periods' shares,
 * PAI = hit rate / area share (NaN without events or without flagged cells), for the model and
 * the baseline alike — the same pooling `npm run bench:models` prints.
 * @example pooledScore([{ events: 10, hits: 6, areaShare: 0.02, baselineHits: 4, baselineAreaShare: 0.02 }]).pai // 30
 */
export function pooledScore(periods: readonly PeriodScore[]): PooledScore {
  const sum = (f: (p: PeriodScore) => number) => periods.reduce((s, p) => s + f(p), 0)
  const n = periods.length
  const events = sum((p) => p.events)
  const hits = sum((p) => p.hits)
  const baselineHits = sum((p) => p.baselineHits)
  const hitRate = events > 0 ? hits / events : NaN
  const baselineHitRate = events > 0 ? baselineHits / events : NaN
  const areaShare = n > 0 ? sum((p) => p.areaShare) / n : NaN
  const baselineAreaShare = n > 0 ? sum((p) => p.baselineAreaShare) / n : NaN
  return {
    events,
    hits,
    baselineHits,
    hitRate,
    areaShare,
    pai: areaShare > 0 ? hitRate / areaShare : NaN,
    baselineHitRate,
    baselineAreaShare,
    baselinePai: baselineAreaShare > 0 ? baselineHitRate / baselineAreaShare : NaN,
  }
}

export const BACKTEST_VERDICTS = ['beats baseline', 'matches baseline', 'below baseline', 'insufficient data'] as const
export type BacktestVerdict = (typeof BACKTEST_VERDICTS)[number]

/** Within this relative difference of the baseline's PAI a model "matches" it (period-to-period noise). */
export const MATCH_TOLERANCE = 0.05
/** Fewer events than this over all periods, and no verdict is given. */
export const MIN_VERDICT_EVENTS = 30

/**
 * The verdict on a pooled score: the model's PAI against the baseline's, ±5 % counting as a
 * match; 'insufficient data' when there were too few events, the model flagged nothing in any
 * period, or the baseline had nothing to flag (no events in the periods before).
 * @example backtestVerdict({ events: 500, pai: 12.4, baselinePai: 12 }) // 'matches baseline'
 * @example backtestVerdict({ events: 500, pai: 8.6, baselinePai: 12 }) // 'below baseline'
 */
export function backtestVerdict(s: Pick<PooledScore, 'events' | 'pai' | 'baselinePai'>, tolerance = MATCH_TOLERANCE): BacktestVerdict {
  if (s.events < MIN_VERDICT_EVENTS || !Number.isFinite(s.pai) || !Number.isFinite(s.baselinePai) || !(s.baselinePai > 0))
    return 'insufficient data'
  const ratio = s.pai / s.baselinePai
  return ratio >= 1 + tolerance ? 'beats baseline' : ratio <= 1 - tolerance ? 'below baseline' : 'matches baseline'
}
