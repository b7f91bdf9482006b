import { describe, expect, it } from 'vitest'

import { pointInRing, type Ring, ringArea, type XY } from './geometry.ts'
import { createRng } from './rng.ts'
import { growthPartition, jitteredPoints, valueNoise, voronoiPartition } from './tiling.ts'

// A U shape (area 28): concave, so Voronoi cells can be cut in two by it.
const u: Ring = [
  [0, 0],
  [6, 0],
  [6, 6],
  [4, 6],
  [4, 2],
  [2, 2],
  [2, 6],
  [0, 6],
]
const total = (rings: Ring[][]) => rings.flat().reduce((s, r) => s + ringArea(r), 0)

describe('valueNoise', () => {
  it('stays in [-1, 1], is smooth and deterministic', () => {
    const n = valueNoise(createRng('n'), [0, 0, 10, 10], 2)
    const m = valueNoise(createRng('n'), [0, 0, 10, 10], 2)
    for (let x = 0; x <= 10; x += 0.37) {
      expect(Math.abs(n(x, 3))).toBeLessThanOrEqual(1)
      expect(Math.abs(n(x, 3) - n(x + 0.01, 3))).toBeLessThan(0.05)
      expect(n(x, 3)).toBe(m(x, 3))
    }
  })
})

describe('jitteredPoints', () => {
  it('spreads one point per cell inside the ring, finer where asked', () => {
    const rng = createRng('j')
    const pts = jitteredPoints(rng, u, (x) => (x < 2 ? 0.25 : 0.5), 0.5)
    expect(pts.every((p) => pointInRing(p, u))).toBe(true)
    const left = pts.filter((p) => p[0] < 2).length / 12 // left arm: 12 units²
    const right = pts.filter((p) => p[0] > 4).length / 12
    expect(left / right).toBeGreaterThan(3)
    expect(new Set(pts.map((p) => p.join())).size).toBe(pts.length)
  })
})

describe('voronoiPartition', () => {
  it('tiles a concave parent with one hole-free region per seed, joining cut-off pieces to a neighbour', () => {
    // Seed 2 sits in the bottom bar under the notch; its Voronoi cell reaches into both arms.
    const seeds: XY[] = [
      [1, 5],
      [5, 5],
      [3, 0.5],
      [1, 1],
      [5, 1],
    ]
    const { regions, irregular } = voronoiPartition(u, seeds)
    expect(irregular).toEqual([])
    expect(regions).toHaveLength(5)
    for (const [i, r] of regions.entries()) {
      expect(r).toHaveLength(1)
      expect(pointInRing(seeds[i]!, r[0]!)).toBe(true)
    }
    expect(total(regions)).toBeCloseTo(28, 10)
  })

  it('hands a Voronoi cell piece cut off by the notch to the neighbour it touches', () => {
    // The cell of (5, 4) also covers the top of the left arm, across the notch: an orphan piece.
    const { regions, irregular } = voronoiPartition(u, [
      [5, 4],
      [1, 1],
      [5, 1],
    ])
    expect(irregular).toEqual([])
    expect(pointInRing([1.5, 5], regions[0]![0]!)).toBe(false)
    expect(pointInRing([1.5, 5], regions[1]![0]!)).toBe(true)
    expect(total(regions)).toBeCloseTo(28, 10)
  })
})

describe('growthPartition', () => {
  it('grows connected regions that tile the parent and follow the target areas', () => {
    const rng = createRng('g')
    const sites = jitteredPoints(rng, u, () => 0.2)
    const a = sites.findIndex((p) => p[0] < 1 && p[1] > 5)
    const b = sites.findIndex((p) => p[0] > 5 && p[1] > 5)
    const result = growthPartition(u, sites, [a, b], { targets: [1, 3], iterations: 20 })
    expect(result.irregular).toEqual([])
    expect(total(result.regions)).toBeCloseTo(28, 8)
    expect(result.areas[1]! / result.areas[0]!).toBeGreaterThan(2)
    expect(result.areas[1]! / result.areas[0]!).toBeLessThan(4.5)
    expect(() => growthPartition(u, sites, [a, a])).toThrow(/share a piece/)
  })
})
