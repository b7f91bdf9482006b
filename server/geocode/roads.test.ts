import { describe, expect, it } from 'vitest'
import { distanceM } from '../geo/crs.ts'
import { crossing, interpolateDoor, parsePath } from './roads.ts'

// A road running east along y = 30.16 (doors 1, 21, 41 north side; 2, 22 south side) and one
// running north along x = 120.2630, crossing it near door 41.
const east = parsePath('1 120.2600 30.1601,2 120.2600 30.1599,21 120.2610 30.1601,22 120.2610 30.1599,41 120.2620 30.1601')
const north = parsePath('1 120.2630 30.1550,21 120.2630 30.1595,41 120.2630 30.1650')

describe('parsePath', () => {
  it('reads number, lng, lat triples and skips junk', () => {
    expect(parsePath('1 120.1 30.1,x y z,21 120.2 30.2')).toEqual([
      { num: 1, lng: 120.1, lat: 30.1 },
      { num: 21, lng: 120.2, lat: 30.2 },
    ])
    expect(parsePath(null)).toEqual([])
  })
})

describe('crossing', () => {
  it('is the midpoint of the closest pair of doors', () => {
    const c = crossing(east, north)!
    expect(c.lng).toBeCloseTo((120.262 + 120.263) / 2, 6)
    expect(c.lat).toBeCloseTo((30.1601 + 30.1595) / 2, 6)
    expect(c.gapM).toBeCloseTo(distanceM(120.262, 30.1601, 120.263, 30.1595), 3)
  })
  it('is null for roads that never come within 400 m', () => {
    const far = parsePath('1 120.3000 30.2000,21 120.3010 30.2000')
    expect(crossing(east, far)).toBeNull()
    expect(crossing(east, [])).toBeNull()
  })
})

describe('interpolateDoor', () => {
  it('places a door between its same-side neighbours', () => {
    const p = interpolateDoor(east, 31)!
    expect(p.lng).toBeCloseTo(120.2615, 6)
    expect(p.lat).toBeCloseTo(30.1601, 6)
    const q = interpolateDoor(east, 12)!
    expect(q.lng).toBeCloseTo(120.2605, 9)
    expect(q.lat).toBeCloseTo(30.1599, 9)
  })
  it('does not guess beyond the sampled ends', () => {
    expect(interpolateDoor(east, 43)).toBeNull()
    expect(interpolateDoor(east, 24)).toBeNull()
  })
  it('returns the sample itself for a sampled number', () => {
    expect(interpolateDoor(east, 21)).toEqual({ lng: 120.261, lat: 30.1601 })
  })
})
