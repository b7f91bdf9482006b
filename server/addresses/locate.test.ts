import type { MultiPolygon, Polygon } from 'geojson'
import { describe, expect, it } from 'vitest'

import { h3Cells } from '../geo/h3.ts'
import { buildAreaLocator, codesOf, type LocatorArea, PLACEMENT_COLUMNS, placementValues, SNAP_M } from './locate.ts'

const square = (x0: number, y0: number, x1: number, y1: number): number[][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
]
const area = (code: string, geometry: MultiPolygon | Polygon): LocatorArea => ({
  code,
  microgridCode: code,
  gridCode: `g${code}`,
  villageCode: 'v1',
  townCode: 't1',
  geometry,
})

// Two microgrids side by side with a 0.0005° (~48 m) gap between them, one with a hole, one in
// two parts; the district covers all of it and more.
const A = area('A', { type: 'Polygon', coordinates: [square(120, 30, 120.01, 30.01), square(120.004, 30.004, 120.006, 30.006)] })
const B = area('B', { type: 'MultiPolygon', coordinates: [[square(120.0105, 30, 120.02, 30.01)], [square(120.03, 30, 120.04, 30.01)]] })
const district: Polygon = { type: 'Polygon', coordinates: [square(119.9, 29.9, 120.2, 30.2)] }
const locator = buildAreaLocator([A, B], [district])

describe('buildAreaLocator', () => {
  it('finds the microgrid containing a point, honouring holes and multipolygons', () => {
    expect(locator.locate(120.001, 30.001)).toEqual({ kind: 'in', area: A })
    expect(locator.locate(120.015, 30.005)).toEqual({ kind: 'in', area: B })
    expect(locator.locate(120.035, 30.005)).toEqual({ kind: 'in', area: B })
    // In A's hole: not in A, but within SNAP_M of it.
    expect(locator.locate(120.005, 30.005)).toEqual({ kind: 'near', area: A })
    expect(codesOf(locator.locate(120.015, 30.005))).toEqual({ townCode: 't1', villageCode: 'v1', gridCode: 'gB', microgridCode: 'B' })
  })

  it(`snaps a point in a gap to the nearest microgrid within ${SNAP_M} m`, () => {
    // The gap runs from 120.01 to 120.0105; nearer to B's edge.
    expect(locator.locate(120.0104, 30.005)).toEqual({ kind: 'near', area: B })
    expect(locator.locate(120.0101, 30.005)).toEqual({ kind: 'near', area: A })
  })

  it('leaves a point in the district but far from every microgrid without codes', () => {
    expect(locator.locate(120.1, 30.1)).toEqual({ kind: 'unlocated' })
    expect(codesOf({ kind: 'unlocated' })).toEqual({ townCode: null, villageCode: null, gridCode: null, microgridCode: null })
  })

  it('says outside for a point outside the district, even right next to a microgrid', () => {
    const tight = buildAreaLocator([A], [{ type: 'Polygon', coordinates: [square(120, 30, 120.01, 30.01)] }])
    expect(tight.locate(120.0101, 30.005)).toEqual({ kind: 'outside' })
    expect(tight.locate(121, 31)).toEqual({ kind: 'outside' })
  })

  it('without a district outline, counts points near no microgrid as outside', () => {
    const bare = buildAreaLocator([A], [])
    expect(bare.locate(120.1, 30.1)).toEqual({ kind: 'outside' })
    expect(bare.locate(120.0101, 30.005).kind).toBe('near')
  })

  // Speed is measured by npm run bench:import, not here.
  it('finds the right one of 10,000 adjacent squares for a million points', () => {
    const micro: LocatorArea[] = []
    for (let i = 0; i < 100; i++) {
      for (let j = 0; j < 100; j++)
        micro.push(
          area(`${i}-${j}`, {
            type: 'Polygon',
            coordinates: [square(120 + i * 0.004, 30 + j * 0.004, 120 + (i + 1) * 0.004, 30 + (j + 1) * 0.004)],
          }),
        )
    }
    const grid = buildAreaLocator(micro, [district])
    let hits = 0
    for (let k = 0; k < 1_000_000; k++) {
      const x = 120 + ((k * 7919) % 400_000) / 1e6
      const y = 30 + ((k * 104_729) % 400_000) / 1e6
      const loc = grid.locate(x, y)
      if (loc.kind === 'in' && loc.area.code === `${Math.floor((x - 120) / 0.004)}-${Math.floor((y - 30) / 0.004)}`) hits++
    }
    // Points exactly on an edge may go either way; all others must hit their own square.
    expect(hits).toBeGreaterThan(990_000)
  })
})

describe('placementValues', () => {
  it('gives one value per placement column: the area codes, then the cells of the point', () => {
    const codes = { townCode: '330109001', villageCode: '330109001001', gridCode: 'G1', microgridCode: null }
    const cells = h3Cells(120.27, 30.16)
    const values = placementValues(codes, cells)
    expect(values).toHaveLength(PLACEMENT_COLUMNS.length)
    const byColumn = Object.fromEntries(PLACEMENT_COLUMNS.map((c, i) => [c, values[i]]))
    expect(byColumn).toMatchObject({ town_code: '330109001', grid_code: 'G1', microgrid_code: null, h3_r7: cells.r7, h3_r10: cells.r10 })
  })
})
