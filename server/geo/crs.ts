import gcoord from 'gcoord'
import { z } from 'zod'

/**
 * Coordinate systems in use in China: WGS84 (GPS, what we store), GCJ-02 (the "Mars" datum of
 * Amap and Tencent maps, ~500 m off at Xiaoshan) and BD-09 (Baidu, ~1.1 km off).
 */
export const CrsSchema = z.enum(['wgs84', 'gcj02', 'bd09'])
export type Crs = z.infer<typeof CrsSchema>

const GCOORD = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const

/**
 * A point in `crs` as WGS84 (gcoord does the datum shift; wgs84 passes through).
 * @example toWgs84(120.26896, 30.15924, 'gcj02') // ≈ [120.2645, 30.1617]
 */
export function toWgs84(lng: number, lat: number, crs: Crs): [number, number] {
  if (crs === 'wgs84') return [lng, lat]
  const [x, y] = gcoord.transform([lng, lat], GCOORD[crs], gcoord.WGS84) as [number, number]
  return [x, y]
}

/**
 * A WGS84 point in `crs`.
 * @example fromWgs84(120.2645, 30.1617, 'gcj02') // ≈ [120.26896, 30.15924]
 */
export function fromWgs84(lng: number, lat: number, crs: Crs): [number, number] {
  if (crs === 'wgs84') return [lng, lat]
  const [x, y] = gcoord.transform([lng, lat], gcoord.WGS84, GCOORD[crs]) as [number, number]
  return [x, y]
}

/**
 * Great-circle distance in metres (haversine; plenty for the few km a district spans).
 * @example distanceM(120.26, 30.16, 120.27, 30.16) // ≈ 961
 */
export function distanceM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const r = Math.PI / 180
  const dLat = (lat2 - lat1) * r
  const dLng = (lng2 - lng1) * r
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLng / 2) ** 2
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(a)))
}

/**
 * A GeoJSON Point from stored coordinates, or null for an unplaced row (RFC 7946: lon, lat).
 * @example pointOrNull(120.27, 30.18) // { type: 'Point', coordinates: [120.27, 30.18] }
 */
export function pointOrNull(lng: number | null, lat: number | null): { type: 'Point'; coordinates: [number, number] } | null {
  return lng === null || lat === null ? null : { type: 'Point', coordinates: [lng, lat] }
}
