/**
 * What the boundary readers return (re-exported by ./index.ts).
 */
import type { Geometry } from 'geojson'

export type BoundaryFormat = 'geojson' | 'shapefile' | 'geopackage'

/** What the file itself says about its coordinates. */
export type DeclaredCrs =
  | { kind: 'geographic'; name: 'wgs84' | 'cgcs2000' | 'other'; text: string | null } // lon/lat degrees
  | { kind: 'unknown'; text: null } // no .prj / no srs: assumed lon/lat by the caller

export type BoundaryValue = string | number | boolean | null

export interface BoundaryFeature {
  /** 1-based feature number in the file/layer (reported to users as "feature N"). */
  index: number
  properties: Record<string, BoundaryValue>
  /** Polygon or MultiPolygon (or anything else the file holds; the caller rejects non-polygons), lon/lat after reprojection. null for empty shapes. */
  geometry: Geometry | null
}

export interface BoundarySource {
  format: BoundaryFormat
  file: string
  /** gpkg table / shapefile base name inside a zip */
  layer: string | null
  /** all polygon layers found (zip with several .shp, gpkg with several tables) */
  layers: string[]
  crs: DeclaredCrs
  /** A projected CRS (e.g. CGCS2000 / 3-degree Gauss-Kruger CM 120E, EPSG:4549) reprojected to lon/lat by the reader: named here, else null. */
  reprojectedFrom: string | null
  /** The DBF text encoding used (shapefile), e.g. 'gbk' or 'utf-8'. */
  encoding: string | null
  /** 'cpg', 'ldid', 'detected', 'option' */
  encodingReason: string | null
  /** Attribute field names in file order. */
  fields: string[]
  features: BoundaryFeature[]
  warnings: string[]
}

export interface BoundaryReadOptions {
  /** The DBF text encoding (wins over .cpg, the language driver id and detection). */
  encoding?: string
  /** The layer: a GeoPackage table, or a shapefile's base name inside a zip. */
  layer?: string
}

/** The file cannot be read at all: one clear sentence naming the file and what is wrong. */
export class BoundaryReadError extends Error {
  override name = 'BoundaryReadError'
}
