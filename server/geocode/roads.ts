/**
 * Places along a road, from its sampled course (address_places.path): where two roads cross,
 * and where a door number missing from the base would be.
 */
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

/**
 * Door lines closer than this at their closest still meet: a side road's doors stop short of the
 * main road's (a T-junction), and doors stand back from the kerb.
 */
const MEET_M = 80
/** Crossings further apart than this are two places (a curving road crossing twice): no answer. */
const SPREAD_M = 150

type XY = [number, number]

const boxes = new WeakMap<readonly PathPoint[], [number, number, number, number]>()

/** A path's bounding box [west, south, east, north], computed once per path. */
function boxOf(path: readonly PathPoint[]): [number, number, number, number] {
  let box = boxes.get(path)
  if (!box) {
    box = [Infinity, Infinity, -Infinity, -Infinity]
    for (const p of path) {
      if (p.lng < box[0]) box[0] = p.lng
      if (p.lat < box[1]) box[1] = p.lat
      if (p.lng > box[2]) box[2] = p.lng
      if (p.lat > box[3]) box[3] = p.lat
    }
    boxes.set(path, box)
  }
  return box
}

/**
 * Metres east and north of (0°, lat0°) in an equirectangular plane whose scale is that of the
 * whole degree of latitude lat0 (exact to a few parts in a thousand across a district, and the
 * same plane for every road of it, so projected lines can be kept).
 */
function projector(lat0: number): { to: (lng: number, lat: number) => XY; from: (p: XY) => { lng: number; lat: number } } {
  const mx = 111_320 * Math.cos(((lat0 + 0.5) * Math.PI) / 180)
  const my = 110_574
  return { to: (lng, lat) => [lng * mx, (lat - lat0) * my], from: ([x, y]) => ({ lng: x / mx, lat: lat0 + y / my }) }
}

const projected = new WeakMap<readonly PathPoint[], { lat0: number; lines: XY[][] }>()

/** A path's door lines in the plane of latitude degree lat0, projected once per path. */
function projectedLines(path: readonly PathPoint[], lat0: number): XY[][] {
  const known = projected.get(path)
  if (known && known.lat0 === lat0) return known.lines
  const proj = projector(lat0)
  const lines = doorLines(path).map((l) => l.map((p) => proj.to(p.lng, p.lat)))
  projected.set(path, { lat0, lines })
  return lines
}

/**
 * A road's door lines: its odd and its even doors, each in number order (one line a side of the
 * street, as doors are numbered).
 * @example doorLines(parsePath('1 120 30,3 120.001 30,2 120 29.9999')).length // 2
 */
export function doorLines(path: readonly PathPoint[]): PathPoint[][] {
  const odd = path.filter((p) => p.num % 2 !== 0).sort((a, b) => a.num - b.num)
  const even = path.filter((p) => p.num % 2 === 0).sort((a, b) => a.num - b.num)
  return [odd, even].filter((l) => l.length > 0)
}

/** Where segments ab and cd cross (both ends included), or null. */
function segmentCrossing(a: XY, b: XY, c: XY, d: XY): XY | null {
  const r: XY = [b[0] - a[0], b[1] - a[1]]
  const s: XY = [d[0] - c[0], d[1] - c[1]]
  const den = r[0] * s[1] - r[1] * s[0]
  if (Math.abs(den) < 1e-9) return null
  const t = ((c[0] - a[0]) * s[1] - (c[1] - a[1]) * s[0]) / den
  const u = ((c[0] - a[0]) * r[1] - (c[1] - a[1]) * r[0]) / den
  return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? [a[0] + t * r[0], a[1] + t * r[1]] : null
}

/** The point of segment ab nearest to p. */
function nearestOnSegment(p: XY, a: XY, b: XY): XY {
  const dx = b[0] - a[0]
  const dy = b[1] - a[1]
  const len2 = dx * dx + dy * dy
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2))
  return [a[0] + t * dx, a[1] + t * dy]
}

/** A polyline's segments (a single point is a segment of length 0). */
const segments = (line: XY[]): [XY, XY][] => (line.length === 1 ? [[line[0]!, line[0]!]] : line.slice(1).map((p, i) => [line[i]!, p]))

/**
 * Where two roads meet: where their door lines cross (the mean of the crossings, when the
 * lines of both sides cross), else where they come closest if within MEET_M (a T-junction).
 * Null when they never meet, or cross in places further apart than SPREAD_M (no one junction).
 * @example junction(eastRoad, northRoad) // { lng: 120.263, lat: 30.16, gapM: 0 }
 */
export function junction(a: readonly PathPoint[], b: readonly PathPoint[]): { lng: number; lat: number; gapM: number } | null {
  if (a.length === 0 || b.length === 0) return null
  // Most pairs of roads are far apart: their boxes, grown by MEET_M, do not even touch.
  const ba = boxOf(a)
  const bb = boxOf(b)
  const mLat = MEET_M / 110_574
  const mLng = MEET_M / (111_320 * Math.cos((ba[1] * Math.PI) / 180))
  if (ba[0] - mLng > bb[2] || bb[0] - mLng > ba[2] || ba[1] - mLat > bb[3] || bb[1] - mLat > ba[3]) return null
  const lat0 = Math.floor(a[0]!.lat)
  const proj = projector(lat0)
  const la = projectedLines(a, lat0)
  const lb = projectedLines(b, lat0)
  const hits: XY[] = []
  for (const x of la)
    for (const y of lb) {
      const sy = segments(y)
      for (const [p, q] of segments(x)) {
        // Most segment pairs are far apart: their boxes do not overlap.
        const x0 = Math.min(p[0], q[0])
        const x1 = Math.max(p[0], q[0])
        const y0 = Math.min(p[1], q[1])
        const y1 = Math.max(p[1], q[1])
        for (const [r, s] of sy) {
          if (Math.max(r[0], s[0]) < x0 || Math.min(r[0], s[0]) > x1 || Math.max(r[1], s[1]) < y0 || Math.min(r[1], s[1]) > y1) continue
          const h = segmentCrossing(p, q, r, s)
          if (h) hits.push(h)
        }
      }
    }
  if (hits.length > 0) {
    const mean: XY = [hits.reduce((t, h) => t + h[0], 0) / hits.length, hits.reduce((t, h) => t + h[1], 0) / hits.length]
    if (hits.some((h) => Math.hypot(h[0] - mean[0], h[1] - mean[1]) > SPREAD_M / 2)) return null
    return { ...proj.from(mean), gapM: 0 }
  }
  let best: { p: XY; q: XY; d: number } | null = null
  const consider = (p: XY, segs: [XY, XY][]) => {
    for (const [r, s] of segs) {
      const q = nearestOnSegment(p, r, s)
      const d = Math.hypot(p[0] - q[0], p[1] - q[1])
      if (!best || d < best.d) best = { p, q, d }
    }
  }
  for (const x of la)
    for (const y of lb) {
      for (const p of x) consider(p, segments(y))
      for (const p of y) consider(p, segments(x))
    }
  const found = best as { p: XY; q: XY; d: number } | null
  if (!found || found.d > MEET_M) return null
  return { ...proj.from([(found.p[0] + found.q[0]) / 2, (found.p[1] + found.q[1]) / 2]), gapM: found.d }
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
