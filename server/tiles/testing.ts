/** Tile decoding for tests and the benchmark (uses the dev dependencies @mapbox/vector-tile and pbf). */
import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'

import { EXTENT, lngLatToMercator, tileBounds3857, type TileId } from './tile-math.ts'

export interface DecodedFeature {
  id: number | undefined
  type: number
  properties: Record<string, string | number | boolean>
  /** Rings (polygons) or one ring of points, in tile coordinates. */
  geometry: [number, number][][]
}

/**
 * Decodes MVT bytes to plain layers of features.
 * @example decodeTile(bytes).towns?.length // 12
 */
export function decodeTile(bytes: Uint8Array): Record<string, DecodedFeature[]> {
  const tile = new VectorTile(new PbfReader(bytes))
  const out: Record<string, DecodedFeature[]> = {}
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: DecodedFeature[] = []
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i)
      features.push({
        id: f.id,
        type: f.type,
        properties: f.properties,
        geometry: f.loadGeometry().map((r) => r.map((p) => [p.x, p.y] as [number, number])),
      })
    }
    out[name] = features
  }
  return out
}

/**
 * A WGS84 point in a tile's coordinates (0–4096, y down), unrounded.
 * @example toTileCoords({ z: 0, x: 0, y: 0 }, 0, 0) // [2048, 2048]
 */
export function toTileCoords(t: TileId, lng: number, lat: number): [number, number] {
  const [x0, , x1, y1] = tileBounds3857(t)
  const [mx, my] = lngLatToMercator(lng, lat)
  const scale = EXTENT / (x1 - x0)
  return [(mx - x0) * scale, (y1 - my) * scale]
}

/**
 * The tile containing a WGS84 point at zoom z.
 * @example tileAt(10, 120.26, 30.16) // { z: 10, x: 854, y: 422 }
 */
export function tileAt(z: number, lng: number, lat: number): TileId {
  const [tx, ty] = toTileCoords({ z: 0, x: 0, y: 0 }, lng, lat)
  const n = 2 ** z
  return { z, x: Math.floor((tx / EXTENT) * n), y: Math.floor((ty / EXTENT) * n) }
}

/**
 * Signed area of a ring by the shoelace formula in tile coordinates (y down): MVT wants outer
 * rings positive (clockwise on screen).
 * @example ringArea([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]) // 1
 */
export function ringArea(ring: readonly (readonly [number, number])[]): number {
  let s = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += (ring[j]![0] - ring[i]![0]) * (ring[j]![1] + ring[i]![1])
  return s / 2
}

/**
 * A decoded polygon feature as WKT (tile coordinates): each positive ring starts a polygon,
 * negative rings are its holes, as MVT readers classify them.
 * @example featureWkt({ geometry: [[[0, 0], [4, 0], [4, 4], [0, 0]]], … }) // 'MULTIPOLYGON(((0 0,4 0,4 4,0 0)))'
 */
export function featureWkt(f: DecodedFeature): string {
  const polys: [number, number][][][] = []
  for (const ring of f.geometry) {
    const a = ringArea(ring)
    if (a === 0) continue
    const closed = ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1] ? ring : [...ring, ring[0]!]
    if (a > 0 || polys.length === 0) polys.push([closed])
    else polys.at(-1)!.push(closed)
  }
  return `MULTIPOLYGON(${polys.map((p) => `(${p.map((r) => `(${r.map(([x, y]) => `${x} ${y}`).join(',')})`).join(',')})`).join(',')})`
}
