import { createExpression, latest, type StylePropertySpecification } from '@maplibre/maplibre-gl-style-spec'
import { describe, expect, it } from 'vitest'

import {
  boxContains,
  cellPoints,
  cellsUrl,
  CLUSTER_RADIUS_EXPRESSION,
  clusterAt,
  clusterRadius,
  colourForCount,
  covers,
  HEAT_INTENSITY,
  HEAT_KERNEL_PEAK,
  HEAT_RADIUS_EXPRESSION,
  heatRadius,
  legendForCounts,
  padBox,
  parseCells,
  piecewiseLinear,
  resolutionForZoom,
  rgba,
} from './cells.ts'
import { countLegend } from './legend.ts'

describe('cell layers: what a view asks for', () => {
  it('uses the tiles’ resolution per whole zoom', () => {
    expect([9.9, 10, 10.99, 11, 12, 13.5, 14, 17].map(resolutionForZoom)).toEqual([7, 7, 7, 8, 9, 9, 10, 10])
  })

  it('pads a box and knows when loaded data still covers the view', () => {
    expect(padBox([0, 0, 2, 1], 0.5)).toEqual([-1, -0.5, 3, 1.5])
    expect(boxContains([0, 0, 2, 2], [0.5, 0.5, 2, 1])).toBe(true)
    expect(boxContains([0, 0, 2, 2], [0.5, 0.5, 2.1, 1])).toBe(false)
    const loaded = { res: 7, bbox: [0, 0, 2, 2] as [number, number, number, number], query: '?from=2026-10-01' }
    expect(covers(loaded, { ...loaded, bbox: [1, 1, 1.5, 1.5] })).toBe(true)
    expect(covers(loaded, { ...loaded, res: 8 })).toBe(false)
    expect(covers(loaded, { ...loaded, query: '?from=2026-10-01&area=330109001' })).toBe(false)
    expect(covers(loaded, { ...loaded, bbox: [1, 1, 2.5, 1.5] })).toBe(false)
    expect(covers(null, loaded)).toBe(false)
  })

  it('builds the /api/h3 URL from the filters, resolution and box', () => {
    expect(cellsUrl({ res: 8, bbox: [120.1, 30, 120.123456, 30.2], query: '?from=2026-10-01&category=01,0203&area=330109001' })).toBe(
      '/api/h3?from=2026-10-01&category=01,0203&area=330109001&res=8&bbox=120.10000,30.00000,120.12346,30.20000',
    )
    expect(cellsUrl({ res: 7, bbox: [0, 0, 1, 1], query: '' })).toBe('/api/h3?res=7&bbox=0.00000,0.00000,1.00000,1.00000')
  })

  it('parses the answer and drops malformed cells', () => {
    expect(
      parseCells({
        res: 7,
        cells: [
          { h3: '87309a452ffffff', count: 3 },
          { h3: 1, count: 2 },
        ],
        truncated: false,
      }),
    ).toEqual({ res: 7, cells: [{ h3: '87309a452ffffff', count: 3 }], truncated: false })
    expect(() => parseCells({ cells: [] })).toThrow(/res, cells/)
  })
})

describe('cell layers: how they are drawn', () => {
  it('interpolates linearly between knots and holds flat beyond them', () => {
    const knots: [number, number][] = [
      [0, 0],
      [10, 100],
      [20, 50],
    ]
    expect(piecewiseLinear(5, knots)).toBe(50)
    expect(piecewiseLinear(15, knots)).toBe(75)
    expect(piecewiseLinear(-3, knots)).toBe(0)
    expect(piecewiseLinear(30, knots)).toBe(50)
  })

  it('scales the legend to the 98th percentile of the counts in view', () => {
    expect(legendForCounts([])).toBeNull()
    const counts = [...Array.from({ length: 99 }, () => 4), 1000]
    expect(legendForCounts(counts)!.map((s) => s.value)).toEqual([1, 2, 3, 5, 10])
    expect(legendForCounts([1, 50, 50])!.map((s) => s.value)).toEqual([1, 3, 5, 20, 30])
  })

  it('colours a count by the last break it reaches', () => {
    const stops = countLegend([1, 2, 5, 10, 20], ['#000001', '#000002', '#000003', '#000004', '#000005'])
    expect([0, 1, 4, 5, 19, 20, 500].map((n) => colourForCount(n, stops))).toEqual([
      '#000001',
      '#000001',
      '#000002',
      '#000003',
      '#000004',
      '#000005',
      '#000005',
    ])
  })

  it('reads hex and rgb(a) colours', () => {
    expect(rgba('#3f51b5', 0.75)).toEqual([63, 81, 181, 191])
    expect(rgba('rgba(33,102,172,0.5)')).toEqual([33, 102, 172, 128])
    expect(rgba('rgb(178, 24, 43)')).toEqual([178, 24, 43, 255])
    expect(() => rgba('red')).toThrow(/not a colour/)
  })

  it('sizes clusters by count and the heat kernel by zoom', () => {
    expect(clusterRadius(1)).toBe(2.5)
    expect(clusterRadius(100)).toBe(12)
    expect(clusterRadius(900)).toBe(22)
    expect(clusterRadius(5000)).toBe(22)
    expect(clusterRadius(25)).toBeGreaterThan(clusterRadius(4))
    expect(heatRadius(6)).toBe(22)
    expect(heatRadius(9)).toBe(31)
    expect(heatRadius(11)).toBe(34)
    expect(heatRadius(20)).toBe(70)
    // Each resolution step halves the cell spacing on screen, and the kernel shrinks with it.
    expect(heatRadius(10.9)).toBeGreaterThan(heatRadius(11))
  })

  it('finds the cluster under a point: inside its circle, the nearest when circles overlap', () => {
    const clusters = [
      { h3: 'big', count: 100, x: 100, y: 100 },
      { h3: 'small', count: 1, x: 108, y: 100 },
    ]
    expect(clusterAt({ x: 100, y: 111 }, clusters)).toBe('big')
    expect(clusterAt({ x: 100, y: 114 }, clusters)).toBeNull()
    expect(clusterAt({ x: 107, y: 100 }, clusters)).toBe('small')
    expect(clusterAt({ x: 0, y: 0 }, clusters)).toBeNull()
  })

  it('draws the same radii in the style as the hit tests use (knotsExpression)', () => {
    // Evaluated as MapLibre does, for a feature's count and a zoom.
    const evaluate = (expr: unknown, spec: unknown, zoom: number, count = 0) => {
      const parsed = createExpression(expr, 'value', spec as StylePropertySpecification)
      if (parsed.result !== 'success') throw new Error(parsed.value.map((e) => e.message).join('; '))
      return parsed.value.evaluate({ zoom }, { type: 'Point', properties: { count }, geometry: [] } as never) as number
    }
    for (const count of [0, 1, 3, 10, 57, 100, 400, 900, 5000]) {
      expect(evaluate(CLUSTER_RADIUS_EXPRESSION, latest.paint_circle['circle-radius'], 10, count), String(count)).toBeCloseTo(
        clusterRadius(count),
        6,
      )
    }
    for (const zoom of [6, 8, 9, 10.5, 10.99, 11, 11.5, 12, 13.99, 14, 16, 20]) {
      expect(evaluate(HEAT_RADIUS_EXPRESSION, latest.paint_heatmap['heatmap-radius'], zoom), String(zoom)).toBeCloseTo(heatRadius(zoom), 6)
    }
  })

  it('weighs each cell point by its share of the busiest cell, at its centre', () => {
    const centres: Record<string, [number, number]> = { a: [120.1, 30.1], b: [120.2, 30.2], c: [120.3, 30.3] }
    const points = cellPoints(
      [
        { h3: 'a', count: 5 },
        { h3: 'b', count: 20 },
        { h3: 'c', count: 1 },
      ],
      (h3) => centres[h3]!,
    )
    expect(points.features.map((f) => f.geometry.coordinates)).toEqual([centres.a, centres.b, centres.c])
    expect(points.features.map((f) => f.properties)).toEqual([
      { h3: 'a', count: 5, weight: 0.25 },
      { h3: 'b', count: 20, weight: 1 },
      { h3: 'c', count: 1, weight: 0.05 },
    ])
    expect(cellPoints([], () => [0, 0]).features).toEqual([])
    // The busiest cell's kernel peaks at the top of the heat ramp.
    expect(1 * HEAT_INTENSITY * HEAT_KERNEL_PEAK).toBeCloseTo(1, 9)
  })
})
