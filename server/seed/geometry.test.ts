import { describe, expect, it } from 'vitest'

import {
  clipRingToCell,
  distanceToRing,
  isSimpleRing,
  overlay,
  pieceNeighbours,
  pointInRing,
  project,
  type Ring,
  ringArea,
  ringCentroid,
  unionPieces,
  unproject,
  voronoiCells,
  type XY,
} from './geometry.ts'
import { createRng } from './rng.ts'

const square: Ring = [
  [0, 0],
  [4, 0],
  [4, 4],
  [0, 4],
]
// A U shape: a horizontal cut through the arms gives two pieces.
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

describe('projection', () => {
  it('round-trips and measures about 96 km per degree of longitude at 30° N', () => {
    const p: [number, number] = [120.262, 30.162]
    const back = unproject(project(p))
    expect(back[0]).toBeCloseTo(p[0], 12)
    expect(back[1]).toBeCloseTo(p[1], 12)
    expect(project([121.4, 30.1])[0]).toBeCloseTo(96.39, 2)
  })
})

describe('ring helpers', () => {
  it('computes signed area, centroid, containment and distance', () => {
    expect(ringArea(square)).toBe(16)
    expect(ringArea([...square].reverse())).toBe(-16)
    expect(ringCentroid(square)).toEqual([2, 2])
    expect(pointInRing([1, 1], square)).toBe(true)
    expect(pointInRing([3, 4.5], u)).toBe(false)
    expect(pointInRing([3, 3], u)).toBe(false)
    expect(distanceToRing([1, 1], square)).toBe(1)
    expect(isSimpleRing(u)).toBe(true)
    expect(
      isSimpleRing([
        [0, 0],
        [2, 2],
        [2, 0],
        [0, 2],
      ]),
    ).toBe(false)
  })
})

describe('voronoiCells', () => {
  it('returns counter-clockwise cells in site order that tile the box', () => {
    const cells = voronoiCells(
      [
        [1, 1],
        [3, 3],
      ],
      [0, 0, 4, 4],
    )
    expect(cells).toHaveLength(2)
    for (const c of cells) expect(ringArea(c)).toBeGreaterThan(0)
    expect(ringArea(cells[0]!) + ringArea(cells[1]!)).toBeCloseTo(16, 12)
    expect(pointInRing([1, 1], cells[0]!)).toBe(true)
  })
})

describe('clipRingToCell', () => {
  it('keeps the part of the parent inside a convex cell', () => {
    const left: Ring = [
      [-1, -1],
      [2, -1],
      [2, 5],
      [-1, 5],
    ]
    const parts = clipRingToCell(square, left)
    expect(parts).toHaveLength(1)
    expect(ringArea(parts[0]!)).toBeCloseTo(8, 12)
  })
  it('splits a concave parent into separate pieces', () => {
    const band: Ring = [
      [-1, 3],
      [7, 3],
      [7, 5],
      [-1, 5],
    ]
    const parts = clipRingToCell(u, band)
    expect(parts).toHaveLength(2)
    for (const p of parts) expect(ringArea(p)).toBeCloseTo(4, 12)
  })
  it('returns nothing for a disjoint cell and the parent for a covering cell', () => {
    expect(
      clipRingToCell(square, [
        [10, 10],
        [11, 10],
        [11, 11],
      ]),
    ).toEqual([])
    expect(
      ringArea(
        clipRingToCell(square, [
          [-1, -1],
          [5, -1],
          [5, 5],
          [-1, 5],
        ])[0]!,
      ),
    ).toBe(16)
  })
})

describe('overlay + unionPieces', () => {
  const rng = createRng('overlay')
  const sites: XY[] = []
  while (sites.length < 60) {
    const p: XY = [rng() * 6, rng() * 6]
    if (pointInRing(p, u)) sites.push(p)
  }
  const cells = voronoiCells(sites, [-1, -1, 7, 7])
  const pieces = overlay(u, cells)

  it('tiles the parent exactly', () => {
    const total = pieces.reduce((s, p) => s + p.area, 0)
    expect(total).toBeCloseTo(ringArea(u), 10)
  })
  it('gives neighbours bit-identical shared edges, so the union is the parent outline', () => {
    const union = unionPieces(pieces.map((p) => p.ring))
    expect(union).toHaveLength(1)
    expect(ringArea(union[0]!)).toBeCloseTo(ringArea(u), 10)
    expect(isSimpleRing(union[0]!)).toBe(true)
  })
  it('finds neighbours symmetrically', () => {
    const nb = pieceNeighbours(pieces)
    nb.forEach((m, i) => {
      for (const [j, len] of m) expect(nb[j]!.get(i)).toBeCloseTo(len, 12)
    })
    expect(nb.every((m) => m.size > 0)).toBe(true)
  })
  it('unions a subset into rings with the subset area', () => {
    const subset = pieces.filter((p) => p.centroid[0] < 3)
    const union = unionPieces(subset.map((p) => p.ring))
    const area = union.reduce((s, r) => s + ringArea(r), 0)
    expect(area).toBeCloseTo(
      subset.reduce((s, p) => s + p.area, 0),
      10,
    )
  })
})
