/**
 * How fast this host is at the moment. Browser benchmarks on a shared VM swing by a quarter from
 * hour to hour with the neighbours' load, which the guest cannot see (no steal time shows in
 * /proc/stat). Timed before each load and printed beside the results, it tells a slower host from
 * slower code.
 */
import { median } from './stats.ts'

const STATE = {
  rows: Array.from({ length: 2_000 }, (_, i) => ({
    id: i,
    code: `3301090${i}`,
    name: `村${i}`,
    counts: [i, i * 2, i * 3],
    lng: 120.2 + i / 1e4,
  })),
}

/**
 * A fixed single-threaded workload: floating-point passes over 8 MB (memory bandwidth and the
 * JIT), then JSON round trips of a 2,000-row object (allocation and the garbage collector). Lower
 * is faster.
 * @example const ms = hostCheck() // about 100 ms on this 2-core VM when quiet, 130–185 when busy
 */
export function hostCheck(): number {
  const t0 = performance.now()
  const a = new Float64Array(1 << 20)
  let sum = 0
  for (let pass = 0; pass < 24; pass++) {
    for (let i = 0; i < a.length; i++) {
      a[i] = a[i]! * 0.999 + i
      sum += a[i]!
    }
  }
  for (let k = 0; k < 12; k++) sum += (JSON.parse(JSON.stringify(STATE)) as typeof STATE).rows.length
  if (Number.isNaN(sum)) throw new Error('unreachable: keeps the loops from being optimised away')
  return performance.now() - t0
}

/**
 * Host checks as a line for a benchmark's summary.
 * @example hostRange([120, 110, 131]) // 'median 120 ms (110–131)'
 */
export function hostRange(ms: readonly number[]): string {
  return `median ${Math.round(median(ms))} ms (${Math.round(Math.min(...ms))}–${Math.round(Math.max(...ms))})`
}
