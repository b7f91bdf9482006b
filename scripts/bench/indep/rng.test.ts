import { describe, expect, it } from 'vitest'

import { hash128, Rng } from './rng.ts'

describe('Rng', () => {
  it('is a pure function of its seed string', () => {
    const a = new Rng('seed-1')
    const b = new Rng('seed-1')
    const c = new Rng('seed-2')
    const xs = Array.from({ length: 50 }, () => a.u32())
    expect(Array.from({ length: 50 }, () => b.u32())).toEqual(xs)
    expect(Array.from({ length: 50 }, () => c.u32())).not.toEqual(xs)
    expect(hash128('x')).toEqual(hash128('x'))
  })

  it('draws integers in range, roughly uniformly', () => {
    const r = new Rng('u')
    const counts = new Array<number>(6).fill(0)
    for (let i = 0; i < 60_000; i++) counts[r.int(6)]!++
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500)
    for (let i = 0; i < 1000; i++) {
      const v = r.between(3, 5)
      expect(v >= 3 && v <= 5 && Number.isInteger(v)).toBe(true)
      const f = r.next()
      expect(f >= 0 && f < 1).toBe(true)
    }
  })

  it('forks independent streams that do not depend on the parent having been used', () => {
    const a = new Rng('p')
    a.u32()
    a.u32()
    expect(a.fork('x').u32()).toBe(new Rng('p').fork('x').u32())
    expect(a.fork('x').u32()).not.toBe(a.fork('y').u32())
  })

  it('weighted and pick respect their inputs', () => {
    const r = new Rng('w')
    for (let i = 0; i < 200; i++)
      expect(
        r.weighted([
          ['a', 1],
          ['b', 0],
        ]),
      ).toBe('a')
    expect(() => r.pick([])).toThrow()
    const xs = r.shuffle([1, 2, 3, 4, 5])
    expect([...xs].sort()).toEqual([1, 2, 3, 4, 5])
  })
})
