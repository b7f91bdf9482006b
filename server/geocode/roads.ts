/**
 * Places along a road, from its sampled course (address_places.path): where two roads cross,
 * and where a door number missing from the base would be.
 */
import { distanceM } from '../geo/crs.ts'

/** A sampled door on a road: its number and point. */
export interface PathPoint {
  num: number
  lng: number
  lat: number
}

/**
 * Reads address_places.path ('number lng lat,…').
 * @example parsePath('1 120.1 30.1,21 120.2 30.2') // [{ num: 1, lng: 120.1, lat: 30.1 }, { num: 21, … }]
 */
export function parsePath(path: string | null): PathPoint[] {
  if (!path) return []
  return path.split(',').flatMap((p) => {
    const [n, x, y] = p.split(' ').map(Number)
    return Number.isFinite(n) && Number.isFinite(x) && Number.isFinite(y) ? [{ num: n as number, lng: x as number, lat: y as number }] : []
  })
}

/** Two roads further apart than this at their closest do not cross. */
const MAX_CROSSING_GAP_M = 400

/**
 * Where two roads cross: the midpoint of their closest pair of sampled doors, if close enough.
 * @example crossing(pathA, pathB) // { lng: 120.26, lat: 30.17, gapM: 35 }
 */
export function crossing(a: readonly PathPoint[], b: readonly PathPoint[]): { lng: number; lat: number; gapM: number } | null {
  let best: { lng: number; lat: number; gapM: number } | null = null
  for (const p of a) {
    for (const q of b) {
      const d = distanceM(p.lng, p.lat, q.lng, q.lat)
      if (!best || d < best.gapM) best = { lng: (p.lng + q.lng) / 2, lat: (p.lat + q.lat) / 2, gapM: d }
    }
  }
  return best && best.gapM <= MAX_CROSSING_GAP_M ? best : null
}

/**
 * Where door `num` would be: between the sampled doors on its side (same parity) that bracket it.
 * Null when no sample lies on both sides of it (beyond the ends we do not guess).
 * @example interpolateDoor(path, 431) // between doors 421 and 441
 */
export function interpolateDoor(path: readonly PathPoint[], num: number): { lng: number; lat: number } | null {
  let below: PathPoint | null = null
  let above: PathPoint | null = null
  for (const p of path) {
    if (p.num % 2 !== num % 2) continue
    if (p.num <= num && (!below || p.num > below.num)) below = p
    if (p.num >= num && (!above || p.num < above.num)) above = p
  }
  if (!below || !above) return null
  if (below.num === above.num) return { lng: below.lng, lat: below.lat }
  const t = (num - below.num) / (above.num - below.num)
  return { lng: below.lng + t * (above.lng - below.lng), lat: below.lat + t * (above.lat - below.lat) }
}
