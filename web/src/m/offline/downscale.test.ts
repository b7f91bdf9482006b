import { describe, expect, it } from 'vitest'

import { fitWithin } from './downscale.ts'

describe('fitWithin', () => {
  it('brings the longer side down to the limit and keeps the shape', () => {
    expect(fitWithin(4000, 3000, 1600)).toEqual({ width: 1600, height: 1200 })
    expect(fitWithin(3024, 4032, 1600)).toEqual({ width: 1200, height: 1600 })
  })

  it('never enlarges, and never reaches zero', () => {
    expect(fitWithin(800, 600, 1600)).toEqual({ width: 800, height: 600 })
    expect(fitWithin(10_000, 1, 1600)).toEqual({ width: 1600, height: 1 })
  })
})
