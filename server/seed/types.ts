import type { MultiPolygon } from 'geojson'

export type AreaLevel = 'district' | 'town' | 'village' | 'grid' | 'microgrid'

/** One administrative area as the seed produces it (one row of admin_areas). */
export interface AreaRow {
  code: string
  name: string
  level: AreaLevel
  parentCode: string | null
  /** WGS84 lon/lat, valid, non-empty. */
  geometry: MultiPolygon
  /** A point inside the polygon for the label: [lng, lat]. */
  labelPoint: [number, number]
  population: number
  /** e.g. { type: '街道' | '镇' | '统计单位', synthetic_boundary: true, kind: 'urban' | 'rural' } */
  properties: Record<string, unknown>
}

/** One demo incident (one row of incidents). */
export interface IncidentRow {
  incidentId: string
  reportedAt: Date
  /** A level-2 item code from migrations/002_categories.sql, e.g. '0101'. */
  categoryCode: string
  /** The address text as a reporter typed it (with realistic noise). */
  address: string
  description: string
  source: string
  status: 'open' | 'closed'
  /** True location (WGS84) and the address it was generated from. */
  lng: number
  lat: number
  truthAddressId: string
  townCode: string
  villageCode: string
  gridCode: string
  microgridCode: string
}
