/** The auto-rotating focus: the map flies from town to town on a fixed timer. */

export interface RotationStep {
  /** Index of the town in focus (into the rotation order). */
  index: number
  /** Milliseconds until the next step. */
  msToNext: number
}

/**
 * Which town is in focus at `nowMs` when the rotation began at `startMs` and dwells `dwellMs` on
 * each of `count` towns (wrapping round). Derived from the clock rather than counted, so a
 * throttled timer (background tab, busy screen) never makes the rotation drift or skip.
 * @example rotationStep(0, 25_000, 10_000, 3) // { index: 2, msToNext: 5000 }
 */
export function rotationStep(startMs: number, nowMs: number, dwellMs: number, count: number): RotationStep {
  if (count <= 0 || dwellMs <= 0) return { index: -1, msToNext: Math.max(dwellMs, 1_000) }
  const elapsed = Math.max(0, nowMs - startMs)
  const step = Math.floor(elapsed / dwellMs)
  return { index: step % count, msToNext: dwellMs - (elapsed % dwellMs) }
}

/**
 * The rotation order: towns by rank when a ranking exists (worst last, so the black list is seen
 * in turn like everyone else), the rest by code; stable whatever order the APIs answer in.
 * @example rotationOrder(['2', '1', '3'], new Map([['3', 1]])) // ['3', '1', '2']
 */
export function rotationOrder(codes: readonly string[], ranks: ReadonlyMap<string, number | null>): string[] {
  const rankOf = (c: string) => ranks.get(c) ?? Number.POSITIVE_INFINITY
  return [...new Set(codes)].sort((a, b) => rankOf(a) - rankOf(b) || a.localeCompare(b))
}
