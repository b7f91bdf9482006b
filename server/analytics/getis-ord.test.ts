import { areNeighborCells, gridDisk, gridDistance, latLngToCell } from 'h3-js'
import { describe, expect, it } from 'vitest'

import { deriveRng, poisson } from '../seed/rng.ts'
import { classifyHotSpots, getisOrdGiStar, giStar, h3Neighbourhoods, h3StudyArea, HotSpotParamsSchema } from './getis-ord.ts'

const CENTRE = latLngToCell(30.1617, 120.2645, 9) // Xiaoshan, res 9 (~174 m edge)

describe('Getis–Ord Gi* on H3', () => {
  it('matches a hand computation on the 7-cell disk (k = 1)', () => {
    const disk = gridDisk(CENTRE, 1)
    const ring = disk.filter((c) => c !== CENTRE)
    const a = ring[0]!
    const aNeighbours = ring.filter((c) => c !== a && areNeighborCells(a, c))
    expect(aNeighbours).toHaveLength(2) // each ring cell touches two ring cells and the centre
    // Values: centre 4, A 10, the other five ring cells 1.
    const counts = new Map(disk.map((c) => [c, c === CENTRE ? 4 : c === a ? 10 : 1]))
    // n = 7, Σx = 19, X̄ = 19/7, Σx² = 16 + 100 + 5 = 121, S² = 121/7 − (19/7)² = 486/49, S = √486/7.
    // A ring cell's neighbourhood is itself, the centre and its two ring neighbours: W = Σw = Σw² = 4,
    // so the denominator is S·√[(7·4 − 4²)/6] = S·√2 = √972/7.
    // A and its two ring neighbours: Σ = 10 + 4 + 1 + 1 = 16 → (16 − 4·19/7)/(√972/7) = 36/√972 = 2/√3.
    // The three far ring cells: Σ = 1 + 4 + 1 + 1 = 7 → (7 − 76/7)/(√972/7) = −27/√972 = −√3/2.
    // The centre's neighbourhood is all 7 cells: n·W − W² = 0, no comparison is possible → z = 0.
    const results = getisOrdGiStar(counts, { k: 1, studyArea: disk })
    const byCell = new Map(results.map((r) => [r.cell, r]))
    expect(results).toHaveLength(7)
    for (const c of ring) {
      const near = c === a || aNeighbours.includes(c)
      const r = byCell.get(c)!
      expect(r.neighbours).toBe(4)
      expect(r.localSum).toBe(near ? 16 : 7)
      expect(r.z).toBeCloseTo(near ? 2 / Math.sqrt(3) : -Math.sqrt(3) / 2, 12)
      expect(r.p).toBeCloseTo(near ? 0.2482130789 : 0.3864762307, 8) // erfc(|z|/√2)
    }
    expect(byCell.get(CENTRE)).toMatchObject({ neighbours: 7, localSum: 19, z: 0, p: 1 })
  })

  it('agrees with a brute-force textbook computation on a 19-cell disk', () => {
    const disk = gridDisk(CENTRE, 2)
    const values = disk.map((_, i) => (i * 7) % 5) // 0..4, uneven
    const counts = new Map(disk.map((c, i) => [c, values[i]!]))
    const results = new Map(getisOrdGiStar(counts, { k: 1, studyArea: disk }).map((r) => [r.cell, r.z]))
    const n = disk.length
    const sum = values.reduce((s, x) => s + x, 0)
    const mean = sum / n
    const s = Math.sqrt(values.reduce((t, x) => t + x * x, 0) / n - mean * mean)
    disk.forEach((ci) => {
      let wx = 0
      let w = 0
      disk.forEach((cj, j) => {
        if (gridDistance(ci, cj) <= 1) {
          wx += values[j]!
          w += 1
        }
      })
      const expected = (wx - mean * w) / (s * Math.sqrt((n * w - w * w) / (n - 1)))
      expect(results.get(ci)).toBeCloseTo(expected, 12)
    })
  })

  it('takes the cells with data plus their k-ring as the default study area, zeros included', () => {
    expect(h3StudyArea([CENTRE], 1)).toEqual([...gridDisk(CENTRE, 1)].sort())
    expect(h3StudyArea([CENTRE], 2)).toHaveLength(19)
    const results = getisOrdGiStar(new Map([[CENTRE, 5]]), { k: 1 })
    expect(results).toHaveLength(7)
    expect(results.filter((r) => r.count === 0)).toHaveLength(6)
    // Counts outside an explicit study area are ignored.
    const far = latLngToCell(30.3, 120.5, 9)
    const inside = getisOrdGiStar(
      new Map([
        [CENTRE, 5],
        [far, 100],
      ]),
      { studyArea: gridDisk(CENTRE, 1) },
    )
    expect(inside.map((r) => r.cell)).not.toContain(far)
  })

  it('gives z = 0 where nothing varies, and rejects mixed resolutions', () => {
    const disk = gridDisk(CENTRE, 2)
    for (const r of getisOrdGiStar(new Map(disk.map((c) => [c, 3])), { studyArea: disk })) {
      expect(r.z).toBe(0)
      expect(r.p).toBe(1)
    }
    expect(() => h3Neighbourhoods([CENTRE, latLngToCell(30.1617, 120.2645, 8)], 1)).toThrow(/mixed resolutions/)
  })

  it('works on plain index arrays (the space-time code uses the same core)', () => {
    // Path 0–1–2 with self: values 0, 10, 0 → cell 1's neighbourhood is everything → z = 0;
    // cells 0 and 2: Σ = 10, W = 2, n = 3, X̄ = 10/3, S = √(100/3 − 100/9) = √200/3,
    // denominator S·√((6 − 4)/2) = √200/3 → z = (10 − 20/3)/(√200/3) = 10/√200 = 1/√2.
    const { z } = giStar(
      [0, 10, 0],
      [
        [0, 1],
        [0, 1, 2],
        [1, 2],
      ],
    )
    expect(z[0]).toBeCloseTo(Math.SQRT1_2, 12)
    expect(z[1]).toBe(0)
    expect(z[2]).toBeCloseTo(Math.SQRT1_2, 12)
  })
})

describe('classifyHotSpots', () => {
  const area = gridDisk(CENTRE, 12) // 469 cells, ~2 km radius

  function noise(seed: string, lambda = 2): Map<string, number> {
    const rng = deriveRng('gi-star-test', seed)
    return new Map(area.map((c) => [c, poisson(rng, lambda)]))
  }

  it('maps q-values to red / orange / yellow and flags cold spots separately', () => {
    const results = [
      { cell: 'a', z: 3.1, p: 0.002 },
      { cell: 'b', z: 2.1, p: 0.036 },
      { cell: 'c', z: 1.7, p: 0.089 },
      { cell: 'd', z: -2.7, p: 0.007 },
      { cell: 'e', z: 0.4, p: 0.69 },
    ]
    const plain = classifyHotSpots(results, { fdr: false })
    expect(plain.map((r) => [r.kind, r.confidence, r.level])).toEqual([
      ['hot', 99, 'red'],
      ['hot', 95, 'orange'],
      ['hot', 90, 'yellow'],
      ['cold', 99, null],
      ['none', 0, null],
    ])
    // BH with m = 5: sorted p 0.002, 0.007, 0.036, 0.089, 0.69 → 5p/rank = 0.01, 0.0175, 0.06,
    // 0.11125, 0.69 → q = 0.01, 0.0175, 0.06, 0.11125, 0.69: a stays red, d drops to 95 %,
    // b drops to 90 % (yellow), c is no longer significant.
    const fdr = classifyHotSpots(results, { fdr: true })
    expect(fdr.map((r) => r.q)).toEqual([0.01, 0.06, 0.11125, 0.0175, 0.69].map((x) => expect.closeTo(x, 12)))
    expect(fdr.map((r) => [r.kind, r.confidence, r.level])).toEqual([
      ['hot', 99, 'red'],
      ['hot', 90, 'yellow'],
      ['none', 0, null],
      ['cold', 95, null],
      ['none', 0, null],
    ])
    expect(classifyHotSpots(results, { fdr: false, minConfidence: 95 })[2]!.kind).toBe('none')
  })

  it('finds a hot spot planted in Poisson noise', () => {
    const counts = noise('planted')
    // Plant: the centre and its ring get +6 events each (λ 2 → 8).
    for (const c of gridDisk(CENTRE, 1)) counts.set(c, counts.get(c)! + 6)
    const classes = classifyHotSpots(getisOrdGiStar(counts, { k: 1, studyArea: area }), { fdr: true })
    const centre = classes.find((r) => r.cell === CENTRE)!
    expect(centre.kind).toBe('hot')
    expect(centre.level).toBe('red')
    // The red cells are all near the plant (their neighbourhoods overlap the planted disk). BH
    // bounds the *share* of false discoveries at α, so a stray yellow cell elsewhere is allowed:
    // with this seed one noise cell at distance 10 has q = 0.056 among 10 discoveries.
    const hot = classes.filter((r) => r.kind === 'hot')
    for (const r of hot.filter((h) => h.level === 'red')) expect(gridDistance(r.cell, CENTRE)).toBeLessThanOrEqual(2)
    expect(hot.filter((r) => gridDistance(r.cell, CENTRE) <= 1).length).toBeGreaterThanOrEqual(6)
    expect(hot.filter((r) => gridDistance(r.cell, CENTRE) > 2).length / hot.length).toBeLessThanOrEqual(0.1)
  })

  it('finds (almost) nothing in pure noise after FDR, unlike the uncorrected test', () => {
    let fdrHits = 0
    let rawHits = 0
    const seeds = ['n1', 'n2', 'n3', 'n4', 'n5']
    for (const seed of seeds) {
      const results = getisOrdGiStar(noise(seed), { k: 1, studyArea: area })
      fdrHits += classifyHotSpots(results, { fdr: true }).filter((r) => r.kind !== 'none').length
      rawHits += classifyHotSpots(results, { fdr: false }).filter((r) => r.kind !== 'none').length
    }
    const tested = seeds.length * area.length
    // Uncorrected, ~10 % of null cells pass the 90 % level (both tails); BH keeps the whole map's
    // chance of any false alarm near α, so at most a stray cell or two over 2,345 tests.
    expect(rawHits / tested).toBeGreaterThan(0.05)
    expect(fdrHits).toBeLessThanOrEqual(3)
  })

  it('parses model parameters with defaults', () => {
    expect(HotSpotParamsSchema.parse({})).toEqual({ k: 1, fdr: true, minConfidence: 90 })
    expect(() => HotSpotParamsSchema.parse({ k: 9 })).toThrow()
  })
})
