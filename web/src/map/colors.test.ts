import type { Feature, MultiPolygon } from 'geojson'
import { describe, expect, it } from 'vitest'

import { colourAreas, findNeighbours, TOWN_PALETTE, withTownColours } from './colors.ts'

const square = (code: string, x: number, y: number, size = 1): Feature<MultiPolygon, Record<string, unknown>> => ({
  type: 'Feature',
  properties: { code },
  geometry: {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [x, y],
          [x + size, y],
          [x + size, y + size],
          [x, y + size],
          [x, y],
        ],
      ],
    ],
  },
})

/** An n×n grid of unit squares, codes in row-major order. */
const grid = (n: number) =>
  Array.from({ length: n * n }, (_, i) => square(String(100 + i), 120 + (i % n) * 0.01, 30 + Math.floor(i / n) * 0.01, 0.01))

describe('findNeighbours', () => {
  it('links areas that share edges or corners and nothing else', () => {
    const n = findNeighbours([square('a', 0, 0), square('b', 1, 0), square('c', 5, 5)])
    expect([...n[0]!]).toEqual([1])
    expect([...n[1]!]).toEqual([0])
    expect(n[2]!.size).toBe(0)
  })

  it('tolerates coordinates that differ by less than eps', () => {
    const n = findNeighbours([square('a', 0, 0), square('b', 1 + 1e-9, 0)])
    expect(n[0]!.has(1)).toBe(true)
  })
})

describe('colourAreas', () => {
  it('gives touching areas different colours and spreads the palette', () => {
    const features = grid(5)
    const colours = colourAreas(features)
    const neighbours = findNeighbours(features)
    neighbours.forEach((set, i) => {
      for (const j of set) expect(colours[i]).not.toBe(colours[j])
    })
    expect(new Set(colours).size).toBeGreaterThanOrEqual(5)
    expect(colours.every((c) => c >= 0 && c < TOWN_PALETTE.length)).toBe(true)
  })

  it('is stable for the same input', () => {
    expect(colourAreas(grid(4))).toEqual(colourAreas(grid(4)))
  })

  it('still answers when the palette is too small', () => {
    const colours = colourAreas(grid(3), 2)
    expect(colours.every((c) => c === 0 || c === 1)).toBe(true)
  })
})

describe('withTownColours', () => {
  it('adds a palette colour to every feature and keeps the other properties', () => {
    const fc = withTownColours({ type: 'FeatureCollection' as const, features: grid(2) })
    for (const f of fc.features) {
      expect(TOWN_PALETTE).toContain(f.properties!._fill)
      expect(f.properties!.code).toMatch(/^10\d$/)
    }
  })
})
