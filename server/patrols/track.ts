/**
 * A patrol's track as given: WKT `LINESTRING(lng lat, …)` or a GeoJSON LineString (or a Feature
 * holding one), in WGS84, GCJ-02 or BD-09; parsed to WGS84 vertices. Pure functions, no database.
 */
import type { MultiPolygon, Polygon } from 'geojson'

import { type Crs, toWgs84 } from '../geo/crs.ts'
import { polygonContains } from '../shared/point-in-polygon.ts'

/** A track's vertices, [lng, lat] in WGS84. */
export type Track = [number, number][]

/** The most vertices a track may have (a GPS fix every 5 s for 12 hours is 8,640). */
export const MAX_TRACK_VERTICES = 20_000

/** A parsed track, or why it is not one. */
export type TrackResult = { ok: true; track: Track } | { ok: false; reason: string }

const WKT = /^\s*LINESTRING\s*(?:Z|M|ZM)?\s*\(([^()]*)\)\s*$/i

/**
 * Reads vertices from WKT or GeoJSON text (coordinates as given, not yet converted).
 * @example parseTrackText('LINESTRING(120.26 30.16, 120.27 30.17)') // { ok: true, track: [[120.26, 30.16], [120.27, 30.17]] }
 */
export function parseTrackText(text: string): TrackResult {
  const s = text.trim()
  if (s === '') return { ok: false, reason: 'must not be empty' }
  let coords: unknown
  if (s.startsWith('{')) {
    let json: unknown
    try {
      json = JSON.parse(s)
    } catch {
      return { ok: false, reason: 'not valid JSON (give a GeoJSON LineString or WKT LINESTRING(lng lat, …))' }
    }
    const g = json as { type?: unknown; geometry?: { type?: unknown; coordinates?: unknown }; coordinates?: unknown }
    const geometry = g.type === 'Feature' ? g.geometry : g
    if (!geometry || geometry.type !== 'LineString') return { ok: false, reason: 'a GeoJSON geometry of type LineString is expected' }
    coords = geometry.coordinates
  } else {
    const m = WKT.exec(s)
    if (!m) return { ok: false, reason: 'expected WKT LINESTRING(lng lat, lng lat, …) or a GeoJSON LineString' }
    coords = m[1]!.split(',').map((pair) =>
      pair
        .trim()
        .split(/\s+/)
        .map((v) => (v === '' ? NaN : Number(v))),
    )
  }
  if (!Array.isArray(coords)) return { ok: false, reason: 'coordinates must be an array of [lng, lat]' }
  const track: Track = []
  for (const [i, c] of coords.entries()) {
    if (!Array.isArray(c) || c.length < 2) return { ok: false, reason: `vertex ${i + 1}: expected lng lat` }
    const [lng, lat] = c as unknown[]
    if (typeof lng !== 'number' || typeof lat !== 'number' || !Number.isFinite(lng) || !Number.isFinite(lat))
      return { ok: false, reason: `vertex ${i + 1}: lng and lat must be numbers` }
    if (lng < -180 || lng > 180 || lat < -90 || lat > 90)
      return { ok: false, reason: `vertex ${i + 1}: (${lng}, ${lat}) is not a longitude, latitude` }
    track.push([lng, lat])
  }
  return checkTrack(track)
}

/**
 * Checks a track's shape: 2 to MAX_TRACK_VERTICES vertices, not all at one point.
 * @example checkTrack([[120.26, 30.16]]).ok // false
 */
export function checkTrack(track: Track): TrackResult {
  if (track.length < 2) return { ok: false, reason: 'a track needs at least 2 vertices' }
  if (track.length > MAX_TRACK_VERTICES) return { ok: false, reason: `at most ${MAX_TRACK_VERTICES} vertices` }
  const [x0, y0] = track[0]!
  if (track.every(([x, y]) => x === x0 && y === y0)) return { ok: false, reason: 'all vertices are the same point' }
  return { ok: true, track }
}

/**
 * A track's vertices converted from `crs` to WGS84.
 * @example trackToWgs84([[120.26896, 30.15924], [120.27, 30.16]], 'gcj02')[0] // ≈ [120.2645, 30.1617]
 */
export function trackToWgs84(track: Track, crs: Crs): Track {
  return crs === 'wgs84' ? track : track.map(([x, y]) => toWgs84(x, y, crs))
}

/**
 * A track as WKT for PostGIS (`ST_GeomFromText(…, 4326)`), full precision.
 * @example trackWkt([[120.26, 30.16], [120.27, 30.17]]) // 'LINESTRING(120.26 30.16,120.27 30.17)'
 */
export function trackWkt(track: Track): string {
  return `LINESTRING(${track.map(([x, y]) => `${x} ${y}`).join(',')})`
}

/**
 * Whether segments p1–p2 and q1–q2 cross or touch (orientation test).
 * @example segmentsMeet([0, 0], [2, 2], [0, 2], [2, 0]) // true
 */
export function segmentsMeet(p1: readonly number[], p2: readonly number[], q1: readonly number[], q2: readonly number[]): boolean {
  const o = (a: readonly number[], b: readonly number[], c: readonly number[]) =>
    Math.sign((b[1]! - a[1]!) * (c[0]! - b[0]!) - (b[0]! - a[0]!) * (c[1]! - b[1]!))
  const on = (a: readonly number[], b: readonly number[], c: readonly number[]) =>
    Math.min(a[0]!, c[0]!) <= b[0]! && b[0]! <= Math.max(a[0]!, c[0]!) && Math.min(a[1]!, c[1]!) <= b[1]! && b[1]! <= Math.max(a[1]!, c[1]!)
  const [o1, o2, o3, o4] = [o(p1, p2, q1), o(p1, p2, q2), o(q1, q2, p1), o(q1, q2, p2)]
  if (o1 !== o2 && o3 !== o4) return true
  return (o1 === 0 && on(p1, q1, p2)) || (o2 === 0 && on(p1, q2, p2)) || (o3 === 0 && on(q1, p1, q2)) || (o4 === 0 && on(q1, p2, q2))
}

/**
 * The bounding box of positions (a loop: outlines can have more vertices than a spread allows).
 * @example boundsOf([[1, 5], [3, 2]]) // [1, 2, 3, 5]
 */
export function boundsOf(points: readonly (readonly number[])[]): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const p of points) {
    const x = p[0]!
    const y = p[1]!
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  return [minX, minY, maxX, maxY]
}

/**
 * A test of "the track touches the district at all" for a district outline: a vertex inside, or
 * a segment crossing one of its edges (a track whose every vertex lies outside may still cut a
 * corner). Bounding boxes first: most tracks decide there or on their first vertex.
 * @example const touches = trackTouches(district); touches([[120.2, 30.1], [120.3, 30.2]]) // true
 */
export function trackTouches(area: Polygon | MultiPolygon): (track: Track) => boolean {
  const contains = polygonContains(area)
  const rings = (area.type === 'Polygon' ? [area.coordinates] : area.coordinates).flat()
  const [minX, minY, maxX, maxY] = boundsOf(rings.flat())
  return (track) => {
    const [tMinX, tMinY, tMaxX, tMaxY] = boundsOf(track)
    if (tMaxX < minX || tMinX > maxX || tMaxY < minY || tMinY > maxY) return false
    if (track.some(([x, y]) => contains(x, y))) return true
    for (let i = 1; i < track.length; i++) {
      const a = track[i - 1]!
      const b = track[i]!
      for (const ring of rings) {
        for (let k = 1; k < ring.length; k++) if (segmentsMeet(a, b, ring[k - 1]!, ring[k]!)) return true
      }
    }
    return false
  }
}
