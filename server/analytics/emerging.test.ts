import { gridDisk, gridRing, latLngToCell } from 'h3-js'
import { describe, expect, it } from 'vitest'

import { classifyEmergingPattern, emergingHotSpots, EmergingParamsSchema, type EmergingPattern } from './emerging.ts'
import { mannKendall } from './mann-kendall.ts'

/** A location's series: bins (1 hot, −1 cold, 0 neither) and a stand-in z-series for the trend. */
function pattern(bins: number[], z: number[] = bins): EmergingPattern {
  return classifyEmergingPattern(bins, mannKendall(z), 0.05)
}
const rising = (n: number) => Array.from({ length: n }, (_, t) => 2 + t) // MK: S = n(n−1)/2, p ≪ 0.05
const falling = (n: number) => rising(n).reverse()
const flat = [3, 2.5, 3.2, 2.8, 3.1, 2.6, 3, 2.7, 3.3, 2.9] // MK: S = 1, no trend

describe('classifyEmergingPattern: one constructed series per ArcGIS category', () => {
  it('new: only the final slice is hot', () => {
    expect(pattern([0, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toBe('new_hot')
  })
  it('consecutive: one run of ≥ 2 hot slices at the end, < 90 % hot, never hot before', () => {
    expect(pattern([0, 0, 0, 0, 0, 0, 0, 1, 1, 1])).toBe('consecutive_hot')
    // 9 of 10 hot in one final run is 90 %: no longer consecutive but persistent/intensifying.
    expect(pattern([0, 1, 1, 1, 1, 1, 1, 1, 1, 1], flat)).toBe('persistent_hot')
  })
  it('intensifying: ≥ 90 % hot incl. the final slice, z rising significantly', () => {
    expect(pattern([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], rising(10))).toBe('intensifying_hot')
    expect(pattern([1, 0, 1, 1, 1, 1, 1, 1, 1, 1], rising(10))).toBe('intensifying_hot') // 9/10 = 90 %
  })
  it('persistent: ≥ 90 % hot, no significant trend', () => {
    expect(pattern([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], flat)).toBe('persistent_hot')
  })
  it('diminishing: ≥ 90 % hot incl. the final slice, z falling significantly', () => {
    expect(pattern([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], falling(10))).toBe('diminishing_hot')
  })
  it('sporadic: final slice hot, hot on and off before, < 90 %, never cold', () => {
    expect(pattern([0, 1, 0, 0, 1, 1, 0, 0, 0, 1])).toBe('sporadic_hot')
    expect(pattern([1, 0, 0, 0, 0, 0, 0, 0, 1, 1])).toBe('sporadic_hot') // a final run, but hot before it
  })
  it('oscillating: final slice hot, some earlier slice cold, < 90 % hot', () => {
    expect(pattern([-1, 0, 1, 0, -1, 0, 0, 1, 0, 1])).toBe('oscillating_hot')
    expect(pattern([-1, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toBe('oscillating_hot') // not "new": it was cold
  })
  it('historical: ≥ 90 % hot but not the final slice', () => {
    expect(pattern([1, 1, 1, 1, 1, 1, 1, 1, 1, 0], flat)).toBe('historical_hot')
    expect(pattern([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0], flat)).toBe('historical_hot') // 11/12
  })
  it('cold spots mirror the rules (intensifying cold = z falling)', () => {
    expect(pattern([0, 0, 0, 0, 0, 0, 0, 0, 0, -1])).toBe('new_cold')
    expect(pattern([0, 0, 0, 0, 0, 0, 0, -1, -1, -1])).toBe('consecutive_cold')
    const neg = (xs: number[]) => xs.map((x) => -x)
    const allCold = Array(10).fill(-1) as number[]
    expect(pattern(allCold, neg(rising(10)))).toBe('intensifying_cold')
    expect(pattern(allCold, neg(falling(10)))).toBe('diminishing_cold')
    expect(pattern(allCold, neg(flat))).toBe('persistent_cold')
    expect(pattern([0, -1, 0, 0, -1, 0, 0, 0, 0, -1])).toBe('sporadic_cold')
    expect(pattern([1, 0, 0, 0, 0, 0, 0, 0, 0, -1])).toBe('oscillating_cold')
    expect(pattern([-1, -1, -1, -1, -1, -1, -1, -1, -1, 0], neg(flat))).toBe('historical_cold')
  })
  it('no pattern otherwise', () => {
    expect(pattern(Array(10).fill(0) as number[])).toBe('no_pattern')
    expect(pattern([0, 0, 1, 1, 0, 0, 0, 0, 0, 0])).toBe('no_pattern') // hot once, not now, < 90 %
  })
})

describe('emergingHotSpots on an H3 cube', () => {
  // Nine planted regions (a centre cell and its ring) 8 rings apart in a 469-cell study area,
  // on a flat background of 5 events per cell and week, 12 weeks. Deterministic: no noise needed,
  // the rules are about the shape over time.
  const centre = latLngToCell(30.1617, 120.2645, 9)
  const area = gridDisk(centre, 12)
  const ring = gridRing(centre, 8)
  const sites = {
    new: ring[0]!,
    consecutive: ring[6]!,
    intensifying: ring[12]!,
    persistent: ring[18]!,
    diminishing: ring[24]!,
    sporadic: ring[30]!,
    historical: ring[36]!,
    oscillating: ring[42]!,
  }
  const T = 12
  const extra: Record<keyof typeof sites, (t: number) => number> = {
    new: (t) => (t === T - 1 ? 12 : 0),
    consecutive: (t) => (t >= T - 3 ? 12 : 0),
    intensifying: (t) => 6 + 1.5 * t,
    persistent: (t) => [12, 10, 13, 11, 12, 10, 13, 11, 12, 10, 13, 11][t]!,
    diminishing: (t) => 6 + 1.5 * (T - 1 - t),
    sporadic: (t) => (t === 2 || t === 6 || t === T - 1 ? 12 : 0),
    historical: (t) => (t < T - 1 ? 12 : 0),
    oscillating: (t) => (t === T - 1 ? 12 : 0),
  }
  // The oscillating site is cold first: an empty patch (radius 2) in weeks 0–3, on a background of
  // 5 events per cell, so its neighbourhood sum (0) is far below the cube mean (7 cells × ~5.5).
  function counts(t: number): Map<string, number> {
    const m = new Map(area.map((c) => [c, 5]))
    if (t < 4) for (const c of gridDisk(sites.oscillating, 2)) m.set(c, 0)
    for (const [name, cell] of Object.entries(sites) as [keyof typeof sites, string][]) {
      for (const c of gridDisk(cell, 1)) m.set(c, (m.get(c) ?? 0) + extra[name](t))
    }
    return m
  }
  const slices = Array.from({ length: T }, (_, t) => counts(t))

  it('finds each planted pattern at its site (cube reference, same-slice neighbourhood)', () => {
    const results = new Map(emergingHotSpots(slices, { k: 1, studyArea: area }).map((r) => [r.cell, r]))
    for (const [name, cell] of Object.entries(sites)) {
      const r = results.get(cell)!
      expect({ name, pattern: r.pattern }).toEqual({ name, pattern: `${name}_hot` })
    }
    // The flat background far from every site: nothing.
    expect(results.get(gridRing(centre, 4)[0]!)!.pattern).toBe('no_pattern')
    const r = results.get(sites.intensifying)!
    expect(r.z).toHaveLength(T)
    expect(r.trend.z).toBeGreaterThan(3)
  })

  it('a space-time neighbourhood (timeLag 1) looks one week back, so hot spots fade a week late', () => {
    const results = new Map(emergingHotSpots(slices, { k: 1, timeLag: 1, studyArea: area }).map((r) => [r.cell, r]))
    for (const name of ['new', 'consecutive', 'intensifying', 'persistent', 'diminishing', 'sporadic', 'oscillating'] as const) {
      expect({ name, pattern: results.get(sites[name])!.pattern }).toEqual({ name, pattern: `${name}_hot` })
    }
    // The sporadic weeks 2 and 6 stay hot in weeks 3 and 7 (their window holds them) …
    expect(results.get(sites.sporadic)!.bins).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1])
    // … and the historical site (hot weeks 0–10) is still hot in week 11 through week 10: persistent.
    expect(results.get(sites.historical)!.pattern).toBe('persistent_hot')
  })

  it('per-slice reference removes district-wide swings', () => {
    // Double every count in the last week: with the cube reference every busy cell looks hotter
    // then; with the slice reference the z-scores of the last week are unchanged.
    const surged = slices.map((s, t) => (t === T - 1 ? new Map([...s].map(([c, v]) => [c, v * 2])) : s))
    const base = emergingHotSpots(slices, { reference: 'slice', studyArea: area })
    const moved = emergingHotSpots(surged, { reference: 'slice', studyArea: area })
    for (let i = 0; i < base.length; i += 37) expect(moved[i]!.z[T - 1]).toBeCloseTo(base[i]!.z[T - 1]!, 10)
    expect(() => emergingHotSpots(slices, { reference: 'slice', timeLag: 1 })).toThrow(RangeError)
  })

  it('parses model parameters with defaults', () => {
    expect(EmergingParamsSchema.parse({})).toEqual({
      k: 1,
      timeLag: 0,
      reference: 'cube',
      fdr: true,
      alpha: 0.1,
      trendAlpha: 0.05,
    })
  })
})
