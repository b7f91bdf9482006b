/** H3 cells for tiles: which cells a tile may show, and their shapes (h3-js; the database has no H3). */
import { cellToBoundary, cellToLatLng, cellToParent, POLYGON_TO_CELLS_FLAGS, polygonToCellsExperimental } from 'h3-js'

import { bigintToH3, h3ToBigintString } from '../geo/h3.ts'
import type { Box } from './tile-math.ts'

/**
 * Every cell at `res` that overlaps a WGS84 box, as bigint strings (how the rollups key cells).
 * @example candidateCells([120.26, 30.16, 120.27, 30.17], 7).length // 1–4
 */
export function candidateCells(box: Box, res: number): string[] {
  const [x0, y0, x1, y1] = box
  const ring = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ]
  return polygonToCellsExperimental([ring], res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true).map(h3ToBigintString)
}

/**
 * A cell's outline as WKT (WGS84), for the tile SQL to clip and encode like any polygon.
 * @example cellWkt('622351774887804927') // 'POLYGON((120.26 30.16,…))'
 */
export function cellWkt(cell: string): string {
  const ring = cellToBoundary(bigintToH3(cell), true)
  return `POLYGON((${ring.map(([lng, lat]) => `${lng} ${lat}`).join(',')}))`
}

/**
 * A cell's centre [lng, lat].
 * @example cellCenter('622351774887804927') // [120.2645…, 30.1617…]
 */
export function cellCenter(cell: string): [number, number] {
  const [lat, lng] = cellToLatLng(bigintToH3(cell))
  return [lng, lat]
}

/**
 * The WGS84 box of a cell's outline.
 * @example cellBox('622351774887804927') // [120.263…, 30.160…, 120.266…, 30.163…]
 */
export function cellBox(cell: string): Box {
  const ring = cellToBoundary(bigintToH3(cell), true)
  const xs = ring.map((p) => p[0]!)
  const ys = ring.map((p) => p[1]!)
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
}

/**
 * The res 7–10 cells an incident counts in, from its stored res-10 cell: the rollups store the
 * parents of the res-10 cell (server/geo/h3.ts), not the cells containing the point at each res.
 * @example storedCells('622351774887804927') // [res7, res8, res9, res10] as bigint strings
 */
export function storedCells(r10: string): string[] {
  const hex = bigintToH3(r10)
  return [7, 8, 9].map((r) => h3ToBigintString(cellToParent(hex, r))).concat(r10)
}
