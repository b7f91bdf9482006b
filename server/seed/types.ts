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

/** One address of the unified address base (one row of addresses), WGS84. */
export interface AddressRow {
  addressId: string
  /** Full canonical text, e.g. 浙江省杭州市萧山区城厢街道金城路438号 or …金色家园3幢2单元501室 */
  address: string
  lng: number
  lat: number
  town: string
  village: string
  groupNo: string | null
  road: string | null
  doorNo: string | null
  compound: string | null
  building: string | null
  unit: string | null
  room: string | null
  aliases: string[]
  townCode: string
  villageCode: string
  gridCode: string
  microgridCode: string
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
