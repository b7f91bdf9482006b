/**
 * Web Mercator tile arithmetic (XYZ scheme, y down from the north), pure and shared by the tile
 * queries, the cache's invalidation index and the tests.
 */

/** Half the Web Mercator world width in metres (EPSG:3857). */
export const MERCATOR_HALF = 20037508.342789244
/** Tile coordinates per tile side (the MVT default; ST_AsMVT's too). */
export const EXTENT = 4096
/** Tile units kept around each tile so lines and labels cross tile edges cleanly (ST_AsMVTGeom's default). */
export const BUFFER = 64
/** The deepest zoom served. */
export const MAX_ZOOM = 22

/** [minX, minY, maxX, maxY]. */
export type Box = readonly [number, number, number, number]

export interface TileId {
  z: number
  x: number
  y: number
}

/**
 * A tile's bounds in EPSG:3857 metres, optionally grown by `buffer` tile units on every side.
 * @example tileBounds3857({ z: 0, x: 0, y: 0 }) // [-20037508.34, -20037508.34, 20037508.34, 20037508.34]
 */
export function tileBounds3857(t: TileId, buffer = 0): Box {
  const size = (2 * MERCATOR_HALF) / 2 ** t.z
  const pad = (size * buffer) / EXTENT
  const x0 = -MERCATOR_HALF + t.x * size
  const y1 = MERCATOR_HALF - t.y * size
  return [x0 - pad, y1 - size - pad, x0 + size + pad, y1 + pad]
}

/**
 * Longitude/latitude of an EPSG:3857 point.
 * @example mercatorToLngLat(0, 0) // [0, 0]
 */
export function mercatorToLngLat(x: number, y: number): [number, number] {
  const lng = (x / MERCATOR_HALF) * 180
  const lat = (Math.atan(Math.exp((y / MERCATOR_HALF) * Math.PI)) * 360) / Math.PI - 90
  return [lng, lat]
}

/**
 * EPSG:3857 metres of a longitude/latitude (latitude clamped to the Mercator limit).
 * @example lngLatToMercator(180, 0) // [20037508.34, 0]
 */
export function lngLatToMercator(lng: number, lat: number): [number, number] {
  const clamped = Math.max(-85.05112878, Math.min(85.05112878, lat))
  const y = (Math.log(Math.tan(((90 + clamped) * Math.PI) / 360)) / Math.PI) * MERCATOR_HALF
  return [(lng / 180) * MERCATOR_HALF, y]
}

/**
 * A tile's bounds in WGS84 [minLng, minLat, maxLng, maxLat]. Mercator keeps meridians and
 * parallels straight, so this box is exactly the tile (no curved edges to approximate).
 * @example tileBoundsLngLat({ z: 1, x: 1, y: 0 }) // [0, 0, 180, 85.0511…]
 */
export function tileBoundsLngLat(t: TileId, buffer = 0): Box {
  const [x0, y0, x1, y1] = tileBounds3857(t, buffer)
  const [lng0, lat0] = mercatorToLngLat(x0, y0)
  const [lng1, lat1] = mercatorToLngLat(x1, y1)
  return [lng0, lat0, lng1, lat1]
}

/**
 * The range of tiles at zoom `z` that a WGS84 box touches (inclusive).
 * @example tileRange(0, [120, 30, 121, 31]) // { x0: 0, y0: 0, x1: 0, y1: 0 }
 */
export function tileRange(z: number, box: Box): { x0: number; y0: number; x1: number; y1: number } {
  const n = 2 ** z
  const size = (2 * MERCATOR_HALF) / n
  const [mx0, my0] = lngLatToMercator(box[0], box[1])
  const [mx1, my1] = lngLatToMercator(box[2], box[3])
  const clamp = (v: number) => Math.max(0, Math.min(n - 1, v))
  return {
    x0: clamp(Math.floor((mx0 + MERCATOR_HALF) / size)),
    x1: clamp(Math.floor((mx1 + MERCATOR_HALF) / size)),
    y0: clamp(Math.floor((MERCATOR_HALF - my1) / size)),
    y1: clamp(Math.floor((MERCATOR_HALF - my0) / size)),
  }
}

/**
 * Whether two boxes overlap (touching edges count).
 * @example boxesIntersect([0, 0, 1, 1], [1, 1, 2, 2]) // true
 */
export function boxesIntersect(a: Box, b: Box): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/**
 * The overlap of two boxes, or null.
 * @example intersectBoxes([0, 0, 2, 2], [1, 1, 3, 3]) // [1, 1, 2, 2]
 */
export function intersectBoxes(a: Box, b: Box): Box | null {
  const r: Box = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])]
  return r[0] <= r[2] && r[1] <= r[3] ? r : null
}

/**
 * The H3 resolution whose cells draw at roughly 10–20 px at zoom `z` (res 7 up to z10,
 * then one finer resolution every ~1.5 zooms up to res 10, the finest the rollups keep).
 * @example h3ResolutionForZoom(12) // 9
 */
export function h3ResolutionForZoom(z: number): 7 | 8 | 9 | 10 {
  if (z <= 10) return 7
  if (z === 11) return 8
  if (z <= 13) return 9
  return 10
}

/**
 * Simplification tolerance in EPSG:3857 metres at zoom `z`: 4 tile units (half a pixel on a
 * 512 px tile), below anything visible but enough to drop most vertices of small areas at low zoom.
 * @example simplifyTolerance(0) // 39135.76 (40,075 km / 1024)
 */
export function simplifyTolerance(z: number): number {
  return (2 * MERCATOR_HALF) / 2 ** z / 1024
}
