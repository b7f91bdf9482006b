/**
 * Near-repeat analysis: the Knox test (Knox 1964) as the Near Repeat Calculator (Ratcliffe 2009)
 * applies it to crime. Of all event pairs, count those close in space (≤ s metres) and in time
 * (≤ t days); under independence of place and time the expected count is
 * (space-close pairs × time-close pairs) / all pairs, and the Monte Carlo p-value comes from
 * permuting the event times over the events (which keeps both margins) — (1 + #perm ≥ observed)
 * / (1 + N), the usual unbiased estimate.
 *
 * Space-close pairs are found with a uniform grid of cell size s (only the 3 × 3 cells around an
 * event can hold a partner), so the work is O(n + close pairs), not O(n²); each permutation then
 * only re-checks the time gap of the space-close pairs. Coordinates are metres (any projected
 * grid) or WGS84 lng/lat, then measured by haversine with a degree grid wide enough for the
 * highest latitude in the data (no antimeridian handling: a district never straddles it).
 */
import { z } from 'zod'

import { distanceM } from '../geo/crs.ts'
import { createRng } from '../seed/rng.ts'

/** An event: x, y in metres (or lng, lat with coords 'lnglat'), t in days (any origin). */
export interface SpaceTimeEvent {
  x: number
  y: number
  t: number
}

export const CoordsSchema = z.enum(['metres', 'lnglat'])
export type Coords = z.infer<typeof CoordsSchema>

/** Parameters a near-repeat model definition embeds. */
export const KnoxParamsSchema = z.object({
  /** "close in space": distance ≤ spaceM metres */
  spaceM: z.number().positive().max(10_000),
  /** "close in time": |Δt| ≤ timeDays */
  timeDays: z.number().min(0).max(365),
  /** Monte Carlo permutations of the times (0 = no p-value) */
  permutations: z.number().int().min(0).max(9999).default(99),
  /** seed of the permutation stream: the same data and seed give the same p */
  seed: z.string().default('knox'),
  coords: CoordsSchema.default('metres'),
})
export type KnoxParams = z.infer<typeof KnoxParamsSchema>

export interface KnoxResult {
  n: number
  /** n(n − 1)/2 */
  pairs: number
  spaceClose: number
  timeClose: number
  /** pairs close in both space and time */
  observed: number
  /** spaceClose × timeClose / pairs */
  expected: number
  /** observed / expected (the Knox ratio; > 1 means near-repeats); NaN when expected is 0 */
  ratio: number
  /** Monte Carlo p-value (one-sided, "more close pairs than chance"); null without permutations */
  p: number | null
  permutations: number
}

const EARTH_M_PER_DEG = (6_371_008.8 * Math.PI) / 180

function checkEvents(events: readonly SpaceTimeEvent[]): void {
  events.forEach((e, i) => {
    if (!Number.isFinite(e.x) || !Number.isFinite(e.y) || !Number.isFinite(e.t)) {
      throw new RangeError(`event ${i}: x, y and t must be finite numbers`)
    }
  })
}

/**
 * All pairs (i < j) within spaceM of each other, as a flat [i0, j0, i1, j1, …] array (grid index).
 * @example spaceClosePairs([{ x: 0, y: 0, t: 0 }, { x: 30, y: 40, t: 9 }], 50) // Int32Array [0, 1]
 */
export function spaceClosePairs(events: readonly SpaceTimeEvent[], spaceM: number, coords: Coords = 'metres'): Int32Array {
  if (!(spaceM > 0)) throw new RangeError(`spaceM must be > 0, got ${spaceM}`)
  checkEvents(events)
  const n = events.length
  if (n < 2) return new Int32Array(0)
  let minX = Infinity
  let minY = Infinity
  let maxY = -Infinity
  let maxAbsLat = 0
  for (const e of events) {
    minX = Math.min(minX, e.x)
    minY = Math.min(minY, e.y)
    maxY = Math.max(maxY, e.y)
    maxAbsLat = Math.max(maxAbsLat, Math.abs(e.y))
  }
  // Cell sizes in the units of x and y; in degrees a metre of longitude shrinks with cos(lat),
  // so the cell is sized for the highest latitude (then it is at least s wide everywhere).
  const cellY = coords === 'lnglat' ? spaceM / EARTH_M_PER_DEG : spaceM
  const cellX = coords === 'lnglat' ? spaceM / (EARTH_M_PER_DEG * Math.cos((Math.min(maxAbsLat, 89) * Math.PI) / 180)) : spaceM
  const rows = Math.floor((maxY - minY) / cellY) + 3
  const gx = new Float64Array(n)
  const gy = new Float64Array(n)
  const buckets = new Map<number, number[]>()
  for (let i = 0; i < n; i++) {
    const e = events[i] as SpaceTimeEvent
    gx[i] = Math.floor((e.x - minX) / cellX) + 1
    gy[i] = Math.floor((e.y - minY) / cellY) + 1
    const key = (gx[i] as number) * rows + (gy[i] as number)
    const b = buckets.get(key)
    if (b) b.push(i)
    else buckets.set(key, [i])
  }
  const s2 = spaceM * spaceM
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const a = events[i] as SpaceTimeEvent
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const b = buckets.get(((gx[i] as number) + dx) * rows + (gy[i] as number) + dy)
        if (!b) continue
        for (const j of b) {
          if (j <= i) continue
          const c = events[j] as SpaceTimeEvent
          const close = coords === 'lnglat' ? distanceM(a.x, a.y, c.x, c.y) <= spaceM : (a.x - c.x) ** 2 + (a.y - c.y) ** 2 <= s2
          if (close) out.push(i, j)
        }
      }
    }
  }
  return Int32Array.from(out)
}

/**
 * Number of pairs with |tᵢ − tⱼ| ≤ timeDays (sort and sweep, O(n log n)).
 * @example timeClosePairCount([0, 1, 5], 2) // 1
 */
export function timeClosePairCount(times: ArrayLike<number>, timeDays: number): number {
  const sorted = Float64Array.from(times).sort()
  let count = 0
  let j = 0
  for (let i = 0; i < sorted.length; i++) {
    // j = first index whose time is within timeDays before sorted[i]
    while ((sorted[i] as number) - (sorted[j] as number) > timeDays) j++
    count += i - j
  }
  return count
}

function countBoth(pairs: Int32Array, times: ArrayLike<number>, timeDays: number): number {
  let count = 0
  for (let k = 0; k < pairs.length; k += 2) {
    if (Math.abs((times[pairs[k] as number] as number) - (times[pairs[k + 1] as number] as number)) <= timeDays) count++
  }
  return count
}

/**
 * Knox test for near-repeats with a seeded Monte Carlo p-value.
 * @example knoxTest(events, { spaceM: 200, timeDays: 14, permutations: 99 }).ratio // > 1: near-repeats
 */
export function knoxTest(events: readonly SpaceTimeEvent[], params: z.input<typeof KnoxParamsSchema>): KnoxResult {
  const p = KnoxParamsSchema.parse(params)
  const n = events.length
  const pairs = (n * (n - 1)) / 2
  const close = spaceClosePairs(events, p.spaceM, p.coords)
  const times = Float64Array.from(events, (e) => e.t)
  const spaceClose = close.length / 2
  const timeClose = timeClosePairCount(times, p.timeDays)
  const observed = countBoth(close, times, p.timeDays)
  const expected = pairs > 0 ? (spaceClose * timeClose) / pairs : 0
  let pValue: number | null = null
  if (p.permutations > 0 && n >= 2) {
    const rng = createRng(p.seed)
    const shuffled = Float64Array.from(times)
    let atLeast = 0
    for (let r = 0; r < p.permutations; r++) {
      // Fisher–Yates in place: each round is a fresh uniform permutation of the times.
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1))
        const t = shuffled[i] as number
        shuffled[i] = shuffled[j] as number
        shuffled[j] = t
      }
      if (countBoth(close, shuffled, p.timeDays) >= observed) atLeast++
    }
    pValue = (1 + atLeast) / (1 + p.permutations)
  }
  return {
    n,
    pairs,
    spaceClose,
    timeClose,
    observed,
    expected,
    ratio: expected > 0 ? observed / expected : NaN,
    p: pValue,
    permutations: p.permutations,
  }
}

export interface NearRepeatZone {
  /** indexes into the input events, ascending */
  events: number[]
  /** mean position of the zone's events (same units as the input) */
  centre: { x: number; y: number }
  firstT: number
  lastT: number
}

/**
 * Active near-repeat zones: groups of events linked by pairs close in space (≤ spaceM) and time
 * (≤ timeDays) whose later event happened within `recentDays` (default timeDays) before `now`;
 * linked pairs are chained (union–find), newest zone first. Events after `now` are ignored.
 * @example nearRepeatZones(events, 200, 14, todayInDays) // [{ events: [3, 8, 9], … }]
 */
export function nearRepeatZones(
  events: readonly SpaceTimeEvent[],
  spaceM: number,
  timeDays: number,
  now: number,
  options: { recentDays?: number; coords?: Coords } = {},
): NearRepeatZone[] {
  const recent = options.recentDays ?? timeDays
  const since = now - recent
  // Only events that can be in a qualifying pair: the earlier one is at most timeDays before `since`.
  const keep: number[] = []
  events.forEach((e, i) => {
    if (e.t <= now && e.t >= since - timeDays) keep.push(i)
  })
  const sub = keep.map((i) => events[i] as SpaceTimeEvent)
  const close = spaceClosePairs(sub, spaceM, options.coords ?? 'metres')
  const parent = Int32Array.from(sub, (_, i) => i)
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number
      i = parent[i] as number
    }
    return i
  }
  const linked = new Uint8Array(sub.length)
  for (let k = 0; k < close.length; k += 2) {
    const a = close[k] as number
    const b = close[k + 1] as number
    const ta = (sub[a] as SpaceTimeEvent).t
    const tb = (sub[b] as SpaceTimeEvent).t
    if (Math.abs(ta - tb) > timeDays || Math.max(ta, tb) < since) continue
    linked[a] = 1
    linked[b] = 1
    parent[find(a)] = find(b)
  }
  const groups = new Map<number, number[]>()
  for (let i = 0; i < sub.length; i++) {
    if (!linked[i]) continue
    const root = find(i)
    const g = groups.get(root)
    if (g) g.push(i)
    else groups.set(root, [i])
  }
  const zones: NearRepeatZone[] = [...groups.values()].map((members) => {
    let x = 0
    let y = 0
    let firstT = Infinity
    let lastT = -Infinity
    for (const i of members) {
      const e = sub[i] as SpaceTimeEvent
      x += e.x
      y += e.y
      firstT = Math.min(firstT, e.t)
      lastT = Math.max(lastT, e.t)
    }
    return {
      events: members.map((i) => keep[i] as number).sort((a, b) => a - b),
      centre: { x: x / members.length, y: y / members.length },
      firstT,
      lastT,
    }
  })
  return zones.sort((a, b) => b.lastT - a.lastT || b.events.length - a.events.length || (a.events[0] as number) - (b.events[0] as number))
}
