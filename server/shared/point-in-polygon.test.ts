import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon'
import type { MultiPolygon, Polygon } from 'geojson'
import { describe, expect, it } from 'vitest'

import { flatRing, inFlatRing, polygonContains } from './point-in-polygon.ts'

/** A U-shaped village (concave: the notch between its arms belongs to its neighbour). */
const U = [0, 0, 3, 0, 3, 3, 2, 3, 2, 1, 1, 1, 1, 3, 0, 3]
/** A grid with a lake in the middle (a hole: no address is placed in the water). */
const LAKE: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [120, 30],
      [120.04, 30],
      [120.04, 30.04],
      [120, 30.04],
      [120, 30],
    ],
    [
      [120.01, 30.01],
      [120.01, 30.03],
      [120.03, 30.03],
      [120.03, 30.01],
      [120.01, 30.01],
    ],
  ],
}
/** A town in two pieces (an exclave across the river). */
const TWO_PIECES: MultiPolygon = {
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
    [
      [
        [120.05, 30],
        [120.06, 30],
        [120.06, 30.01],
        [120.05, 30.01],
        [120.05, 30],
      ],
    ],
  ],
}

describe('one point-in-polygon', () => {
  it('places points in a concave village by its real outline, not its box', () => {
    expect(inFlatRing(U, 0.5, 2)).toBe(true) // left arm
    expect(inFlatRing(U, 2.5, 2)).toBe(true) // right arm
    expect(inFlatRing(U, 1.5, 2)).toBe(false) // the notch
    expect(inFlatRing(U, 1.5, 0.5)).toBe(true) // the base
    expect(inFlatRing(U, 4, 1)).toBe(false)
    expect(inFlatRing(new Float64Array(U), 1.5, 2)).toBe(false) // the locator's typed arrays
  })

  it('reads one ring out of a buffer of many (the locator keeps all rings in one array)', () => {
    const buffer = [9, 9, 9, 9, ...U, 7, 7]
    expect(inFlatRing(buffer, 0.5, 2, 4, 4 + U.length)).toBe(true)
    expect(inFlatRing(buffer, 1.5, 2, 4, 4 + U.length)).toBe(false)
    expect(inFlatRing(buffer, 0.5, 2, 4, 4)).toBe(false) // an empty ring holds nothing
  })

  it('keeps the lake out of the grid and finds both pieces of a town', () => {
    const inGrid = polygonContains(LAKE)
    expect(inGrid(120.005, 30.02)).toBe(true) // on the shore
    expect(inGrid(120.02, 30.02)).toBe(false) // in the lake
    expect(inGrid(120.05, 30.02)).toBe(false) // outside
    const inTown = polygonContains(TWO_PIECES)
    expect(inTown(120.005, 30.005)).toBe(true)
    expect(inTown(120.055, 30.005)).toBe(true) // the exclave
    expect(inTown(120.03, 30.005)).toBe(false) // the river between
  })

  it('agrees with turf on 20,000 points around irregular rings, closed or not', () => {
    let seed = 7
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    for (const n of [5, 17, 64]) {
      const ring: number[][] = []
      for (let i = 0; i < n; i++) {
        const a = (i / n) * 2 * Math.PI
        const r = 0.01 * (0.4 + 0.6 * rnd())
        ring.push([120.2 + r * Math.cos(a), 30.1 + r * Math.sin(a)])
      }
      const closed: Polygon = { type: 'Polygon', coordinates: [[...ring, ring[0]!]] }
      const open = flatRing(ring)
      const contains = polygonContains(closed)
      let inside = 0
      for (let k = 0; k < 20_000 / 3; k++) {
        const x = 120.19 + rnd() * 0.02
        const y = 30.09 + rnd() * 0.02
        const turf = booleanPointInPolygon([x, y], closed)
        expect(inFlatRing(open, x, y)).toBe(turf)
        expect(contains(x, y)).toBe(turf)
        if (turf) inside++
      }
      expect(inside).toBeGreaterThan(1000) // the sample really straddles the outline
    }
  })

  it('flattens a ring of positions', () => {
    expect(
      flatRing([
        [0, 0],
        [2, 0],
        [2, 2],
      ]),
    ).toEqual([0, 0, 2, 0, 2, 2])
  })
})
