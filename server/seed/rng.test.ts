import { describe, expect, it } from 'vitest'

import {
  aliasSampler,
  apportion,
  createRng,
  deriveRng,
  exponential,
  normal,
  pick,
  poisson,
  randInt,
  shuffle,
  weightedIndex,
} from './rng.ts'

const draw = (seed: string, n: number) => {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => rng())
}

describe('createRng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    expect(draw('a', 5)).toEqual(draw('a', 5))
    expect(draw('a', 5)).not.toEqual(draw('b', 5))
  })
  it('returns floats in [0, 1) with a flat histogram', () => {
    const xs = draw('flat', 100_000)
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...xs)).toBeLessThan(1)
    const bins = new Array(10).fill(0)
    for (const x of xs) bins[Math.floor(x * 10)]++
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500)
  })
  it('derives independent streams from labels', () => {
    const a = deriveRng('s', 'town', 1)
    const b = deriveRng('s', 'town', 2)
    expect(a()).not.toBe(b())
    expect(deriveRng('s', 'x')()).toBe(deriveRng('s', 'x')())
  })
})

describe('helpers', () => {
  it('randInt covers both ends and nothing else', () => {
    const rng = createRng('int')
    const seen = new Set<number>()
    for (let i = 0; i < 1000; i++) seen.add(randInt(rng, 1, 6))
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6])
  })
  it('pick throws on empty input', () => {
    expect(() => pick(createRng('x'), [])).toThrow()
  })
  it('weightedIndex and aliasSampler follow the weights and skip zero weights', () => {
    const rng = createRng('w')
    const sample = aliasSampler([1, 0, 3])
    const a = [0, 0, 0]
    const b = [0, 0, 0]
    for (let i = 0; i < 40_000; i++) {
      a[weightedIndex(rng, [1, 0, 3])]!++
      b[sample(rng)]!++
    }
    for (const counts of [a, b]) {
      expect(counts[1]).toBe(0)
      expect(counts[2]! / counts[0]!).toBeGreaterThan(2.7)
      expect(counts[2]! / counts[0]!).toBeLessThan(3.3)
    }
  })
  it('normal, poisson and exponential have the requested means', () => {
    const rng = createRng('m')
    const n = 20_000
    let sn = 0
    let sn2 = 0
    let sp = 0
    let spl = 0
    let se = 0
    for (let i = 0; i < n; i++) {
      const x = normal(rng, 5, 2)
      sn += x
      sn2 += x * x
      sp += poisson(rng, 3)
      spl += poisson(rng, 80)
      se += exponential(rng, 2)
    }
    expect(sn / n).toBeCloseTo(5, 1)
    expect(Math.sqrt(sn2 / n - (sn / n) ** 2)).toBeCloseTo(2, 1)
    expect(sp / n).toBeCloseTo(3, 1)
    expect(spl / n).toBeGreaterThan(79.5)
    expect(spl / n).toBeLessThan(80.5)
    expect(se / n).toBeCloseTo(2, 1)
    expect(poisson(rng, 0)).toBe(0)
  })
  it('shuffle permutes a copy', () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8]
    const out = shuffle(createRng('s'), input)
    expect(out).not.toEqual(input)
    expect([...out].sort()).toEqual(input)
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })
})

describe('apportion', () => {
  it('splits exactly, proportionally, with a minimum', () => {
    expect(apportion(10, [1, 1, 2])).toEqual([3, 2, 5])
    const parts = apportion(2035, [5, 0, 100, 1], 1)
    expect(parts.reduce((a, b) => a + b, 0)).toBe(2035)
    expect(Math.min(...parts)).toBe(1)
    expect(() => apportion(2, [1, 1, 1], 1)).toThrow()
  })
})
