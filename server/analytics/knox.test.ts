import { describe, expect, it } from 'vitest'

import { distanceM } from '../geo/crs.ts'
import { deriveRng, uniform } from '../seed/rng.ts'
import { knoxTest, nearRepeatZones, spaceClosePairs, type SpaceTimeEvent, timeClosePairCount } from './knox.ts'

// Five events, s = 100 m, t = 7 days:
//   A (0, 0) day 0, B (50, 0) day 2, C (0, 80) day 30, D (1000, 0) day 1, E (1040, 30) day 3
// space-close pairs: A–B 50 m, A–C 80 m, B–C √(50² + 80²) = 94.3 m, D–E √(40² + 30²) = 50 m → 4
// time-close pairs: A, B, D, E are within 3 days of each other → C(4, 2) = 6; C is ≥ 27 days away
// close in both: A–B (2 days), D–E (2 days) → 2; A–C and B–C are 30 and 28 days apart
// all pairs: 5·4/2 = 10 → expected = 4 × 6 / 10 = 2.4, ratio = 2 / 2.4 = 0.8333
const TINY: SpaceTimeEvent[] = [
  { x: 0, y: 0, t: 0 },
  { x: 50, y: 0, t: 2 },
  { x: 0, y: 80, t: 30 },
  { x: 1000, y: 0, t: 1 },
  { x: 1040, y: 30, t: 3 },
]

/** Exact permutation p-value by enumerating all n! assignments of the times (tiny n only). */
function exactPermutationP(events: SpaceTimeEvent[], s: number, t: number): number {
  const times = events.map((e) => e.t)
  const count = (ts: number[]) => {
    let c = 0
    for (let i = 0; i < events.length; i++)
      for (let j = i + 1; j < events.length; j++) {
        const d = Math.hypot(events[i]!.x - events[j]!.x, events[i]!.y - events[j]!.y)
        if (d <= s && Math.abs(ts[i]! - ts[j]!) <= t) c++
      }
    return c
  }
  const observed = count(times)
  let atLeast = 0
  let total = 0
  const permute = (rest: number[], acc: number[]): void => {
    if (rest.length === 0) {
      total++
      if (count(acc) >= observed) atLeast++
      return
    }
    rest.forEach((x, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, x]))
  }
  permute(times, [])
  return atLeast / total
}

/** Uniform events in a w × w metre square over `days`, plus `repeats` near-repeats of them. */
function synthetic(seed: string, n: number, w: number, days: number, repeats = 0): SpaceTimeEvent[] {
  const rng = deriveRng('knox-test', seed)
  const events: SpaceTimeEvent[] = []
  for (let i = 0; i < n; i++) events.push({ x: uniform(rng, 0, w), y: uniform(rng, 0, w), t: uniform(rng, 0, days) })
  for (let r = 0; r < repeats; r++) {
    const parent = events[Math.floor(rng() * n)]!
    events.push({ x: parent.x + uniform(rng, -70, 70), y: parent.y + uniform(rng, -70, 70), t: parent.t + uniform(rng, 0, 7) })
  }
  return events
}

describe('Knox test', () => {
  it('counts pairs on a hand-computed set of five events', () => {
    const r = knoxTest(TINY, { spaceM: 100, timeDays: 7, permutations: 0 })
    expect(r).toMatchObject({ n: 5, pairs: 10, spaceClose: 4, timeClose: 6, observed: 2, p: null })
    expect(r.expected).toBeCloseTo(2.4, 12)
    expect(r.ratio).toBeCloseTo(2 / 2.4, 12)
    expect(Array.from(spaceClosePairs(TINY, 100))).toEqual([0, 1, 0, 2, 1, 2, 3, 4])
    expect(timeClosePairCount([0, 2, 30, 1, 3], 7)).toBe(6)
    expect(timeClosePairCount([0, 1, 5], 2)).toBe(1)
    // Boundaries are inclusive: exactly s metres and exactly t days count.
    expect(
      knoxTest(
        [
          { x: 0, y: 0, t: 0 },
          { x: 100, y: 0, t: 7 },
        ],
        { spaceM: 100, timeDays: 7, permutations: 0 },
      ).observed,
    ).toBe(1)
  })

  it('approximates the exact permutation p-value (all 5! = 120 orders enumerated)', () => {
    const exact = exactPermutationP(TINY, 100, 7)
    const r = knoxTest(TINY, { spaceM: 100, timeDays: 7, permutations: 1999, seed: 'tiny' })
    expect(Math.abs(r.p! - exact)).toBeLessThan(0.03)
    // Same seed, same answer.
    expect(knoxTest(TINY, { spaceM: 100, timeDays: 7, permutations: 1999, seed: 'tiny' }).p).toBe(r.p)
  })

  it('finds the grid-index pairs a brute-force O(n²) scan finds', () => {
    const events = synthetic('brute', 600, 3000, 100)
    const fast = Array.from(spaceClosePairs(events, 150))
    const slow: number[] = []
    for (let i = 0; i < events.length; i++)
      for (let j = i + 1; j < events.length; j++)
        if (Math.hypot(events[i]!.x - events[j]!.x, events[i]!.y - events[j]!.y) <= 150) slow.push(i, j)
    const key = (a: number[]) => {
      const out: string[] = []
      for (let k = 0; k < a.length; k += 2) out.push(`${a[k]}-${a[k + 1]}`)
      return out.sort()
    }
    expect(key(fast)).toEqual(key(slow))
    expect(slow.length).toBeGreaterThan(0)
  })

  it('works on lng/lat with haversine distances', () => {
    // Three points in Xiaoshan: 0.001° of latitude ≈ 111 m, 0.001° of longitude ≈ 96 m at 30.16°N.
    const pts = [
      { x: 120.26, y: 30.16, t: 0 },
      { x: 120.261, y: 30.16, t: 1 },
      { x: 120.26, y: 30.161, t: 2 },
    ]
    expect(distanceM(120.26, 30.16, 120.261, 30.16)).toBeCloseTo(96.2, 0)
    expect(Array.from(spaceClosePairs(pts, 100, 'lnglat'))).toEqual([0, 1])
    expect(Array.from(spaceClosePairs(pts, 112, 'lnglat'))).toEqual([0, 1, 0, 2])
  })

  it('flags a planted near-repeat pattern and not shuffled (independent) data', () => {
    // 1,500 uniform events in 8 km × 8 km over a year, plus 150 repeats within ~100 m and 7 days.
    const planted = knoxTest(synthetic('planted', 1500, 8000, 365, 150), { spaceM: 150, timeDays: 10, permutations: 99, seed: 'p' })
    expect(planted.ratio).toBeGreaterThan(2)
    expect(planted.p).toBe(1 / 100)
    for (const seed of ['null-1', 'null-2', 'null-3']) {
      const r = knoxTest(synthetic(seed, 1650, 8000, 365), { spaceM: 150, timeDays: 10, permutations: 99, seed })
      expect(r.ratio).toBeGreaterThan(0.6)
      expect(r.ratio).toBeLessThan(1.5)
      expect(r.p!).toBeGreaterThan(0.01)
    }
  })

  it('handles 10,000 events quickly (grid index, no all-pairs scan)', () => {
    const events = synthetic('big', 10_000, 20_000, 365)
    const started = performance.now()
    const r = knoxTest(events, { spaceM: 200, timeDays: 14, permutations: 99 })
    const ms = performance.now() - started
    // ~ n²/2 · πs²/A ≈ 15,700 space-close pairs
    expect(r.spaceClose).toBeGreaterThan(12_000)
    expect(r.spaceClose).toBeLessThan(20_000)
    expect(ms).toBeLessThan(3000)
  })
})

describe('nearRepeatZones', () => {
  // now = day 100, s = 100 m, t = 7 days, recent = the last 7 days
  const events: SpaceTimeEvent[] = [
    { x: 0, y: 0, t: 90 }, // 0: earlier event of an active zone (linked to 1)
    { x: 40, y: 30, t: 96 }, // 1: recent, 50 m and 6 days from 0
    { x: 80, y: 30, t: 99 }, // 2: recent, 40 m and 3 days from 1 → chained into the same zone
    { x: 5000, y: 0, t: 20 }, // 3, 4: a near-repeat pair, but long ago
    { x: 5010, y: 0, t: 22 },
    { x: 9000, y: 0, t: 98 }, // 5: recent but alone
    { x: 9000, y: 50, t: 80 }, // 6: close to 5 in space, 18 days earlier: not a near-repeat
    { x: 2000, y: 0, t: 97 }, // 7, 8: a second active zone, smaller and older
    { x: 2000, y: 90, t: 95 },
    { x: 0, y: 10, t: 101 }, // 9: after now: ignored
  ]

  it('returns the recent chained pairs, newest first', () => {
    const zones = nearRepeatZones(events, 100, 7, 100)
    expect(zones.map((z) => z.events)).toEqual([
      [0, 1, 2],
      [7, 8],
    ])
    expect(zones[0]).toMatchObject({ firstT: 90, lastT: 99, centre: { x: 40, y: 20 } })
    expect(zones[1]).toMatchObject({ firstT: 95, lastT: 97, centre: { x: 2000, y: 45 } })
  })

  it('looks further back with a longer recent window', () => {
    const zones = nearRepeatZones(events, 100, 7, 100, { recentDays: 90 })
    expect(zones.map((z) => z.events)).toEqual([
      [0, 1, 2],
      [7, 8],
      [3, 4],
    ])
  })
})
