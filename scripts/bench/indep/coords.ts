/**
 * The Chinese map datums callers' phones report positions in, written here from the standard
 * public formulas (no library): GCJ-02 (the national "offset" datum used by AMap/Tencent) from
 * WGS84, and BD-09 (Baidu) from GCJ-02, with iterative inverses for the tests.
 */

/** Semi-major axis of the Krasovsky 1940 ellipsoid the GCJ-02 offset is computed on. */
const KRASOVSKY_A = 6378245.0
/** Its first eccentricity squared. */
const KRASOVSKY_EE = 0.006693421622965943
/** BD-09's angular constant (π · 3000 / 180). */
const BD_X_PI = (Math.PI * 3000.0) / 180.0

/** A coordinate reference system of a caller position. */
export type Crs = 'wgs84' | 'gcj02' | 'bd09'

/**
 * Whether a point lies outside the box where the GCJ-02 offset is applied (rough China bounds).
 * @example outOfChina(2.35, 48.85) // true
 */
export function outOfChina(lng: number, lat: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271
}

/**
 * The latitude part of the GCJ-02 offset polynomial (x = lng − 105, y = lat − 35).
 * @example Number.isFinite(offsetLat(15, -5)) // true
 */
function offsetLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320.0 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0
  return r
}

/**
 * The longitude part of the GCJ-02 offset polynomial (x = lng − 105, y = lat − 35).
 * @example Number.isFinite(offsetLng(15, -5)) // true
 */
function offsetLng(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0
  return r
}

/**
 * WGS84 → GCJ-02 (identity outside China).
 * @example wgs84ToGcj02(116.404, 39.915) // [116.41024449916938, 39.91640428150164]
 */
export function wgs84ToGcj02(lng: number, lat: number): [number, number] {
  if (outOfChina(lng, lat)) return [lng, lat]
  const radLat = (lat / 180.0) * Math.PI
  let magic = Math.sin(radLat)
  magic = 1 - KRASOVSKY_EE * magic * magic
  const sqrtMagic = Math.sqrt(magic)
  const dLat = (offsetLat(lng - 105.0, lat - 35.0) * 180.0) / (((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic)) * Math.PI)
  const dLng = (offsetLng(lng - 105.0, lat - 35.0) * 180.0) / ((KRASOVSKY_A / sqrtMagic) * Math.cos(radLat) * Math.PI)
  return [lng + dLng, lat + dLat]
}

/**
 * GCJ-02 → BD-09.
 * @example gcj02ToBd09(116.404, 39.915) // [116.41036949371029, 39.92133699351021]
 */
export function gcj02ToBd09(lng: number, lat: number): [number, number] {
  const z = Math.sqrt(lng * lng + lat * lat) + 0.00002 * Math.sin(lat * BD_X_PI)
  const theta = Math.atan2(lat, lng) + 0.000003 * Math.cos(lng * BD_X_PI)
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006]
}

/**
 * BD-09 → GCJ-02 (the standard closed-form approximation).
 * @example bd09ToGcj02(116.404, 39.915) // [116.39762729119315, 39.90865673957631]
 */
export function bd09ToGcj02(lng: number, lat: number): [number, number] {
  const x = lng - 0.0065
  const y = lat - 0.006
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * BD_X_PI)
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * BD_X_PI)
  return [z * Math.cos(theta), z * Math.sin(theta)]
}

/**
 * GCJ-02 → WGS84 by fixed-point iteration on the forward transform (accurate to ~1e-9°).
 * @example gcj02ToWgs84(...wgs84ToGcj02(120.26, 30.16)) // ≈ [120.26, 30.16]
 */
export function gcj02ToWgs84(lng: number, lat: number): [number, number] {
  let w: [number, number] = [lng, lat]
  for (let i = 0; i < 30; i++) {
    const g = wgs84ToGcj02(w[0], w[1])
    const dx = g[0] - lng
    const dy = g[1] - lat
    w = [w[0] - dx, w[1] - dy]
    if (Math.abs(dx) < 1e-12 && Math.abs(dy) < 1e-12) break
  }
  return w
}

/**
 * A WGS84 point in the given CRS, rounded to 1e-7° like every point of this set.
 * @example toCrs('bd09', 120.26, 30.16) // ~[120.2716, 30.1632]
 */
export function toCrs(crs: Crs, lng: number, lat: number): [number, number] {
  const p = crs === 'wgs84' ? [lng, lat] : crs === 'gcj02' ? wgs84ToGcj02(lng, lat) : gcj02ToBd09(...wgs84ToGcj02(lng, lat))
  return [Math.round(p[0]! * 1e7) / 1e7, Math.round(p[1]! * 1e7) / 1e7]
}

/**
 * A point in the given CRS back to WGS84 (for the tests and for reading answers).
 * @example fromCrs('gcj02', ...toCrs('gcj02', 120.26, 30.16)) // ≈ [120.26, 30.16]
 */
export function fromCrs(crs: Crs, lng: number, lat: number): [number, number] {
  if (crs === 'wgs84') return [lng, lat]
  return gcj02ToWgs84(...(crs === 'gcj02' ? ([lng, lat] as [number, number]) : bd09ToGcj02(lng, lat)))
}
