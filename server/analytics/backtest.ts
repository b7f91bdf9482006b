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
export function backtestMetrics(
  predicted: Iterable<string>,
  actual: ReadonlyMap<string, number>,
  studyAreaCells: number,
): BacktestMetrics {
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
