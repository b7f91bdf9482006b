import type { FeatureCollection, MultiPolygon, Point } from 'geojson'

/** Boundary levels the map draws. */
export const BOUNDARY_LEVELS = ['district', 'town', 'village', 'grid'] as const
export type BoundaryLevel = (typeof BOUNDARY_LEVELS)[number]

/** Levels that have label points. */
export const LABEL_LEVELS = ['town', 'village', 'grid'] as const
export type LabelLevel = (typeof LABEL_LEVELS)[number]

/** `GET /api/config` */
export interface AppConfig {
  /** An external raster tile URL template ({z}/{x}/{y}), or null (the default: nothing leaves the machine). */
  basemapTileUrl: string | null
  district: {
    code: string
    name: string
    /** [west, south, east, north], WGS84 */
    bbox: [number, number, number, number]
  }
}

/** Properties of every boundary polygon and label point. */
export type AreaProperties = {
  code: string
  name: string
  level: string
  parent_code: string | null
  population: number | null
}

export type BoundaryCollection = FeatureCollection<MultiPolygon, AreaProperties>
export type LabelCollection = FeatureCollection<Point, AreaProperties>
