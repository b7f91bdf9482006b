import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon'
import { multiPolygon, point } from '@turf/helpers'
import type { MultiPolygon } from 'geojson'
import { describe, expect, it } from 'vitest'

import { areaKm2, crossings, distanceM, makeProjection, PolygonIndex, Polyline, toLngLat, toXY } from './geo.ts'
import { Rng } from './rng.ts'

/** A concave C-shaped polygon with a hole, plus a second part. */
const shape: MultiPolygon = {
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [120, 30],
        [120.03, 30],
        [120.03, 30.01],
        [120.01, 30.01],
        [120.01, 30.02],
        [120.03, 30.02],
        [120.03, 30.03],
        [120, 30.03],
        [120, 30],
      ],
      [
        [120.002, 30.002],
        [120.005, 30.002],
        [120.005, 30.005],
        [120.002, 30.005],
        [120.002, 30.002],
      ],
    ],
    [
      [
        [120.05, 30],
        [120.06, 30],
        [120.06, 30.01],
        [120.05, 30],
      ],
    ],
  ],
}

describe('PolygonIndex', () => {
  it('agrees with turf on random points (concave, hole, two parts)', () => {
    const index = new PolygonIndex(shape)
    const turfShape = multiPolygon(shape.coordinates)
    const rng = new Rng('pip')
    for (let i = 0; i < 5000; i++) {
      const x = 119.99 + rng.next() * 0.08
      const y = 29.99 + rng.next() * 0.05
      expect(index.contains(x, y)).toBe(booleanPointInPolygon(point([x, y]), turfShape))
    }
  })

  it('measures the distance to the boundary in metres', () => {
    const index = new PolygonIndex(shape)
    // 0.001° of latitude is ~110.6 m; the nearest edge of (120.015, 30.001) is the bottom one.
    expect(index.distanceToBoundaryM(120.015, 30.001)).toBeCloseTo(110.6, 0)
  })

  it('computes areas in km²', () => {
    const sq: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [120, 30],
            [120.01, 30],
            [120.01, 30.01],
            [120, 30.01],
            [120, 30],
          ],
        ],
      ],
    }
    expect(areaKm2(sq)).toBeCloseTo(0.964 * 1.106, 1)
  })
})

describe('projection and polylines', () => {
  it('round-trips through local metres', () => {
    const p = makeProjection(120.2, 30.1)
    const [x, y] = toXY(p, 120.25, 30.12)
    expect(toLngLat(p, x, y)).toEqual([120.25, 30.12])
    expect(distanceM([120, 30], [120, 30.001])).toBeCloseTo(110.6, 0)
  })

  it('walks, slices and crosses polylines', () => {
    const h = new Polyline([0, 50, 100], [0, 0, 0])
    const v = new Polyline([30, 30], [-10, 10])
    expect(h.length).toBe(100)
    expect(h.at(75)).toMatchObject({ x: 75, y: 0, ux: 1, uy: 0 })
    expect(h.at(120).x).toBe(120)
    expect(h.slice(10, 60).length).toBeCloseTo(50)
    const c = crossings(h, v)
    expect(c).toHaveLength(1)
    expect(c[0]).toMatchObject({ sa: 30, sb: 10, x: 30, y: 0 })
  })
})

describe('banded boundary distance', () => {
  it('matches the full scan within the radius and says Infinity beyond it', () => {
    const index = new PolygonIndex(shape)
    const rng = new Rng('dist')
    for (let i = 0; i < 2000; i++) {
      const x = 119.99 + rng.next() * 0.08
      const y = 29.99 + rng.next() * 0.05
      const full = index.distanceToBoundaryM(x, y)
      const banded = index.distanceToBoundaryM(x, y, 220)
      if (full <= 220) expect(banded).toBeCloseTo(full, 6)
      else expect(banded).toBe(Infinity)
    }
  })
})
