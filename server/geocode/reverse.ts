/**
 * Reverse geocoding: the nearest address of the base to a point, and the town, village, grid and
 * micro-grid that contain it.
 */
import type { Tx } from '../db/index.ts'
import type { MatchLevel } from './schema.ts'

/** Farther than this from every address, a point has no nearest address worth naming. */
export const REVERSE_MAX_M = 1_000

export interface AreaRef {
  code: string
  name: string
}

export interface ReverseResult {
  lng: number
  lat: number
  address: {
    addressId: string
    address: string
    level: MatchLevel
    lng: number
    lat: number
    distanceM: number
  } | null
  town: AreaRef | null
  village: AreaRef | null
  grid: AreaRef | null
  microgrid: AreaRef | null
}

/** The level an address row stands for: a room, a building, or a door. */
export function ownLevel(row: { room: string | null; unit: string | null; building: string | null }): MatchLevel {
  if (row.room) return 'room'
  if (row.unit) return 'unit'
  if (row.building) return 'building'
  return 'door'
}

/**
 * Reverse-geocodes a WGS84 point.
 * @example await reverseGeocode(tx, 120.2645, 30.1617) // { address: { addressId: 'A…', distanceM: 12.3, … }, town: { code: '330109001', … }, … }
 */
export async function reverseGeocode(tx: Tx, lng: number, lat: number): Promise<ReverseResult> {
  // KNN on degrees, then exact metres on the ten nearest: a degree of longitude is shorter here.
  const [nearest] = await tx<
    {
      address_id: string
      address: string
      room: string | null
      unit: string | null
      building: string | null
      lng: number
      lat: number
      d: number
    }[]
  >`
    SELECT n.*, ST_Distance(ST_SetSRID(ST_Point(n.lng, n.lat), 4326)::geography, ST_SetSRID(ST_Point(${lng}, ${lat}), 4326)::geography) AS d
    FROM (
      SELECT address_id, address, room, unit, building, ST_X(geom) AS lng, ST_Y(geom) AS lat
      FROM addresses
      ORDER BY geom <-> ST_SetSRID(ST_Point(${lng}, ${lat}), 4326)
      LIMIT 10
    ) n
    ORDER BY d, address_id
    LIMIT 1`
  const areas = await tx<{ code: string; name: string; level: string }[]>`
    SELECT code, name, level FROM admin_areas
    WHERE level IN ('town', 'village', 'grid', 'microgrid')
      AND ST_Covers(geom, ST_SetSRID(ST_Point(${lng}, ${lat}), 4326))
    ORDER BY code`
  const area = (level: string): AreaRef | null => {
    const a = areas.find((x) => x.level === level)
    return a ? { code: a.code, name: a.name } : null
  }
  return {
    lng,
    lat,
    address:
      nearest && nearest.d <= REVERSE_MAX_M
        ? {
            addressId: nearest.address_id,
            address: nearest.address,
            level: ownLevel(nearest),
            lng: nearest.lng,
            lat: nearest.lat,
            distanceM: Math.round(nearest.d * 10) / 10,
          }
        : null,
    town: area('town'),
    village: area('village'),
    grid: area('grid'),
    microgrid: area('microgrid'),
  }
}
