import { describe, expect, it } from 'vitest'

import { distanceM, fromWgs84, pointOrNull, toWgs84 } from './crs.ts'

describe('crs', () => {
  const wgs: [number, number] = [120.2645, 30.1617]

  it('shifts a Xiaoshan point by about 500 m into GCJ-02 and 1.1 km into BD-09', () => {
    const gcj = fromWgs84(...wgs, 'gcj02')
    const bd = fromWgs84(...wgs, 'bd09')
    expect(distanceM(...wgs, ...gcj)).toBeGreaterThan(450)
    expect(distanceM(...wgs, ...gcj)).toBeLessThan(560)
    expect(distanceM(...wgs, ...bd)).toBeGreaterThan(1000)
    expect(distanceM(...wgs, ...bd)).toBeLessThan(1250)
  })

  it('round-trips to within a metre', () => {
    for (const crs of ['gcj02', 'bd09'] as const) {
      const back = toWgs84(...fromWgs84(...wgs, crs), crs)
      expect(distanceM(...wgs, ...back)).toBeLessThan(1)
    }
    expect(toWgs84(...wgs, 'wgs84')).toEqual(wgs)
  })

  it('measures distance', () => {
    expect(distanceM(120.26, 30.16, 120.27, 30.16)).toBeCloseTo(961.4, 0)
    expect(distanceM(120.26, 30.16, 120.26, 30.17)).toBeCloseTo(1111.9, 0)
  })
  it('makes a GeoJSON point only from both coordinates', () => {
    expect(pointOrNull(120.27, 30.18)).toEqual({ type: 'Point', coordinates: [120.27, 30.18] })
    expect(pointOrNull(null, 30.18)).toBeNull()
    expect(pointOrNull(120.27, null)).toBeNull()
  })
})
