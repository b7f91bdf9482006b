/**
 * The JavaScript MVT encoder, for databases whose PostGIS lacks ST_AsMVT (PGlite's, built
 * without protobuf-c). The SQL has already clipped, transformed and snapped the geometry to
 * integer tile coordinates (render.ts), so all that is left is protobuf: @maplibre/vt-pbf, the
 * MapLibre project's maintained fork of vt-pbf (mapbox/vt-pbf has had no release since 2021),
 * typed, and already in the tree through maplibre-gl. We feed it geojson-vt-shaped features
 * built here, so no geojson-vt slicing runs.
 */
import { fromGeojsonVt } from '@maplibre/vt-pbf'

import { EXTENT } from './tile-math.ts'

/** A feature property value MVT can carry. */
export type PropValue = string | number | boolean

/** One feature in tile coordinates: type 1 = points, 2 = lines, 3 = polygons (rings flattened, winding marks holes). */
export interface TileFeature {
  id?: number | undefined
  type: 1 | 2 | 3
  /** Points: [[x, y], …]; lines: lines of [x, y]; polygons: rings of [x, y]. */
  geometry: number[][] | number[][][]
  properties: Record<string, PropValue>
}

export interface TileLayerData {
  name: string
  features: TileFeature[]
}

/** The layers argument of fromGeojsonVt, named without importing geojson-vt (not our dependency). */
type VtLayers = Parameters<typeof fromGeojsonVt>[0]

/**
 * Encodes layers as one MVT (protobuf) tile.
 * @example encodeTile([{ name: 'incidents', features: [{ id: 1, type: 1, geometry: [[10, 20]], properties: { category: '0101' } }] }])
 */
export function encodeTile(layers: readonly TileLayerData[]): Uint8Array {
  const input: Record<string, { features: TileFeature[] }> = {}
  for (const l of layers) input[l.name] = { features: l.features }
  // vt-pbf reads only `features` (type, geometry, tags, id) of a geojson-vt tile; the rest of
  // geojson-vt's tile shape is bookkeeping for its own slicing, which we do in SQL.
  const vtLayers = Object.fromEntries(
    Object.entries(input).map(([name, l]) => [
      name,
      { features: l.features.map((f) => ({ id: f.id, type: f.type, geometry: f.geometry, tags: f.properties })) },
    ]),
  ) as unknown as VtLayers
  return fromGeojsonVt(vtLayers, { version: 2, extent: EXTENT })
}

/** A GeoJSON geometry as ST_AsGeoJSON writes it, in tile coordinates. */
export interface TileGeoJson {
  type: string
  coordinates: unknown
}

/**
 * Converts ST_AsGeoJSON output (already in tile coordinates) to an MVT feature geometry, or null
 * for types a layer does not carry. MultiPolygons flatten to rings: MVT tells outer rings from
 * holes by winding, which the SQL has set; a MultiLineString is one feature of several lines.
 * @example toTileGeometry({ type: 'Point', coordinates: [3, 4] }) // { type: 1, geometry: [[3, 4]] }
 */
export function toTileGeometry(g: TileGeoJson): Pick<TileFeature, 'type' | 'geometry'> | null {
  switch (g.type) {
    case 'Point':
      return { type: 1, geometry: [g.coordinates as number[]] }
    case 'MultiPoint':
      return { type: 1, geometry: g.coordinates as number[][] }
    case 'LineString': {
      // A line needs two vertices; an empty or collapsed one is nothing to draw.
      const line = g.coordinates as number[][]
      return line.length >= 2 ? { type: 2, geometry: [line] } : null
    }
    case 'MultiLineString': {
      const lines = (g.coordinates as number[][][]).filter((l) => l.length >= 2)
      return lines.length > 0 ? { type: 2, geometry: lines } : null
    }
    case 'Polygon':
      return { type: 3, geometry: g.coordinates as number[][][] }
    case 'MultiPolygon':
      return { type: 3, geometry: (g.coordinates as number[][][][]).flat() }
    default:
      return null
  }
}

/**
 * Keeps the properties MVT can carry (null and nested values dropped, as ST_AsMVT does for jsonb).
 * @example mvtProperties({ a: 1, b: null, c: 'x' }) // { a: 1, c: 'x' }
 */
export function mvtProperties(props: Record<string, unknown>): Record<string, PropValue> {
  const out: Record<string, PropValue> = {}
  for (const [k, v] of Object.entries(props)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v
  }
  return out
}
