/**
 * The median of timings (the upper middle one for an even count, as the benchmarks have always
 * printed it).
 * @example median([3, 1, 2]) // 2
 */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
}
