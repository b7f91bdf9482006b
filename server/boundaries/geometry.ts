/**
 * Small pure helpers on boundary geometries before they reach PostGIS.
 */
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson'

import { toWgs84 } from '../geo/crs.ts'
import type { BoundaryCrs } from './schema.ts'

/**
 * Whether a geometry is areal (a Polygon or MultiPolygon with at least one ring).
 * @example isAreal({ type: 'Point', coordinates: [0, 0] }) // false
 */
export function isAreal(g: Geometry | null): g is Polygon | MultiPolygon {
  if (g === null) return false
  if (g.type === 'Polygon') return g.coordinates.length > 0 && (g.coordinates[0]?.length ?? 0) > 0
  if (g.type === 'MultiPolygon') return g.coordinates.some((p) => (p[0]?.length ?? 0) > 0)
  return false
}

/**
 * A polygon's coordinates shifted from `crs` to WGS84 (CGCS2000 is taken as WGS84: they differ
 * by centimetres; GCJ-02 and BD-09 move by hundreds of metres).
 * @example toWgs84Polygon({ type: 'Polygon', coordinates: [[[120.27, 30.16], …]] }, 'gcj02').coordinates[0][0] // ≈ [120.2655, 30.1624]
 */
export function toWgs84Polygon<G extends Polygon | MultiPolygon>(g: G, crs: BoundaryCrs): G {
  if (crs === 'wgs84' || crs === 'cgcs2000') return g
  const move = (p: Position): Position => toWgs84(p[0]!, p[1]!, crs)
  if (g.type === 'Polygon') return { ...g, coordinates: g.coordinates.map((r) => r.map(move)) }
  return { ...g, coordinates: (g as MultiPolygon).coordinates.map((poly) => poly.map((r) => r.map(move))) }
}

/**
 * The bounding box of polygons' outer rings, [west, south, east, north], or null when empty.
 * @example boxOf([{ type: 'Polygon', coordinates: [[[1, 2], [3, 2], [3, 4], [1, 2]]] }]) // [1, 2, 3, 4]
 */
export function boxOf(gs: readonly (Polygon | MultiPolygon)[]): [number, number, number, number] | null {
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity
  for (const g of gs) {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
    for (const p of polys)
      for (const [x, y] of p[0] ?? []) {
        if (x! < w) w = x!
        if (x! > e) e = x!
        if (y! < s) s = y!
        if (y! > n) n = y!
      }
  }
  return w === Infinity ? null : [w, s, e, n]
}
