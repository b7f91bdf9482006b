import { describe, expect, it } from 'vitest'

import { distanceM } from '../geo/crs.ts'
import { doorLines, interpolateDoor, junction, parsePath } from './roads.ts'

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

describe('doorLines', () => {
  it('splits a road into its odd and even sides, in number order', () => {
    expect(doorLines(east).map((l) => l.map((p) => p.num))).toEqual([
      [1, 21, 41],
      [2, 22],
    ])
  })
})

describe('junction', () => {
  it('is where the door lines cross', () => {
    // An east road whose doors reach past x = 120.2630: both its sides cross the north road.
    const longEast = parsePath('1 120.2600 30.1601,21 120.2620 30.1601,41 120.2640 30.1601,2 120.2600 30.1599,22 120.2640 30.1599')
    const j = junction(longEast, north)!
    expect(j.gapM).toBe(0)
    expect(distanceM(j.lng, j.lat, 120.263, 30.16)).toBeLessThan(2)
  })
  it('is where a side road comes closest to the main road (a T-junction)', () => {
    // A road running north from 30 m south of the east road's south doors, near door 22.
    const side = parsePath('1 120.2612 30.1596,21 120.2612 30.1560')
    const j = junction(east, side)!
    expect(j.gapM).toBeGreaterThan(10)
    expect(j.gapM).toBeLessThan(80)
    expect(distanceM(j.lng, j.lat, 120.2611, 30.15975)).toBeLessThan(15)
  })
  it('is null for roads whose doors never come near each other', () => {
    const far = parsePath('1 120.3000 30.2000,21 120.3010 30.2000')
    expect(junction(east, far)).toBeNull()
    expect(junction(east, [])).toBeNull()
    // The north road passes 100 m east of the east road's last door: close, but not meeting.
    expect(junction(east, north)).toBeNull()
  })
  it('is null for a curving road that crosses another in two places', () => {
    const straight = parsePath('1 120.2600 30.1600,21 120.2700 30.1600')
    const loop = parsePath('1 120.2610 30.1590,21 120.2620 30.1610,41 120.2680 30.1610,61 120.2690 30.1590')
    expect(junction(straight, loop)).toBeNull()
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
