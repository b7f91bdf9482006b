/**
 * Small planar geometry for the generator: a local metric projection, a banded point-in-polygon
 * index (turf's test is too slow for millions of points), distance to a boundary, polylines.
 */
import type { MultiPolygon } from 'geojson'

import type { Rng } from './rng.ts'

/** Metres per degree of latitude (spherical mean is close enough over a district). */
const M_PER_DEG_LAT = 110_574
/** Metres per degree of longitude at the equator. */
const M_PER_DEG_LNG = 111_320

/** A local equirectangular projection around an origin (accurate to ~0.1 % over 60 km). */
export interface Projection {
  lng0: number
  lat0: number
  kx: number
  ky: number
}

/**
 * Makes a projection centred on (lng0, lat0).
 * @example makeProjection(120.3, 30.1).ky // 110574
 */
export function makeProjection(lng0: number, lat0: number): Projection {
  return { lng0, lat0, kx: M_PER_DEG_LNG * Math.cos((lat0 * Math.PI) / 180), ky: M_PER_DEG_LAT }
}

/**
 * Degrees to local metres.
 * @example toXY(makeProjection(120, 30), 120, 30) // [0, 0]
 */
export function toXY(p: Projection, lng: number, lat: number): [number, number] {
  return [(lng - p.lng0) * p.kx, (lat - p.lat0) * p.ky]
}

/**
 * Local metres to degrees, rounded to 1e-7° (~1 cm) — the precision written to the CSV, so the
 * point tested for containment is exactly the point written.
 * @example toLngLat(makeProjection(120, 30), 0, 0) // [120, 30]
 */
export function toLngLat(p: Projection, x: number, y: number): [number, number] {
  return [round7(p.lng0 + x / p.kx), round7(p.lat0 + y / p.ky)]
}

/**
 * Rounds to 7 decimals.
 * @example round7(1.23456789) // 1.2345679
 */
export function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7
}

/**
 * Great-circle-free distance in metres between two lng/lat points (local flat approximation).
 * @example Math.round(distanceM([120, 30], [120, 30.001])) // 111
 */
export function distanceM(a: readonly [number, number], b: readonly [number, number]): number {
  const kx = M_PER_DEG_LNG * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180)
  const dx = (a[0] - b[0]) * kx
  const dy = (a[1] - b[1]) * M_PER_DEG_LAT
  return Math.sqrt(dx * dx + dy * dy)
}

/** Point-in-polygon for a (multi)polygon with holes, with edges bucketed in horizontal bands. */
export class PolygonIndex {
  readonly minX: number
  readonly minY: number
  readonly maxX: number
  readonly maxY: number
  /** Edge endpoints x1,y1,x2,y2 (degrees). */
  private readonly edges: Float64Array
  private readonly bandStart: Int32Array
  private readonly bandEdges: Int32Array
  private readonly bands: number
  private readonly invBandH: number

  /**
   * Indexes a MultiPolygon's rings.
   * @example new PolygonIndex(square).contains(120.05, 30.05)
   */
  constructor(geometry: MultiPolygon) {
    const segs: number[] = []
    let minX = Infinity
    let minY = Infinity
    let maxX = -Infinity
    let maxY = -Infinity
    for (const poly of geometry.coordinates) {
      for (const ring of poly) {
        for (let i = 0; i + 1 < ring.length; i++) {
          const a = ring[i]!
          const b = ring[i + 1]!
          segs.push(a[0]!, a[1]!, b[0]!, b[1]!)
          minX = Math.min(minX, a[0]!)
          maxX = Math.max(maxX, a[0]!)
          minY = Math.min(minY, a[1]!)
          maxY = Math.max(maxY, a[1]!)
        }
      }
    }
    if (segs.length === 0) throw new Error('empty polygon')
    this.edges = Float64Array.from(segs)
    this.minX = minX
    this.minY = minY
    this.maxX = maxX
    this.maxY = maxY
    const n = segs.length / 4
    this.bands = Math.max(1, Math.min(4096, Math.floor(n / 3)))
    this.invBandH = this.bands / Math.max(1e-12, maxY - minY)
    const counts = new Int32Array(this.bands + 1)
    const range = (e: number): [number, number] => {
      const y1 = this.edges[e * 4 + 1]!
      const y2 = this.edges[e * 4 + 3]!
      return [this.band(Math.min(y1, y2)), this.band(Math.max(y1, y2))]
    }
    for (let e = 0; e < n; e++) {
      const [b0, b1] = range(e)
      for (let b = b0; b <= b1; b++) counts[b + 1]!++
    }
    for (let b = 0; b < this.bands; b++) counts[b + 1]! += counts[b]!
    this.bandStart = counts
    this.bandEdges = new Int32Array(counts[this.bands]!)
    const fill = Int32Array.from(counts)
    for (let e = 0; e < n; e++) {
      const [b0, b1] = range(e)
      for (let b = b0; b <= b1; b++) this.bandEdges[fill[b]!++] = e
    }
  }

  /**
   * The band of a latitude, clamped.
   * @example index.band(index.minY) // 0
   */
  private band(y: number): number {
    return Math.max(0, Math.min(this.bands - 1, Math.floor((y - this.minY) * this.invBandH)))
  }

  /**
   * Whether a lng/lat point lies inside (even–odd rule over all rings, so holes work).
   * @example index.contains(120.05, 30.05) // true
   */
  contains(x: number, y: number): boolean {
    if (x < this.minX || x > this.maxX || y < this.minY || y > this.maxY) return false
    const b = this.band(y)
    const e = this.edges
    let inside = false
    for (let i = this.bandStart[b]!; i < this.bandStart[b + 1]!; i++) {
      const k = this.bandEdges[i]! * 4
      const y1 = e[k + 1]!
      const y2 = e[k + 3]!
      if (y1 > y !== y2 > y) {
        const x1 = e[k]!
        const xint = x1 + ((y - y1) * (e[k + 2]! - x1)) / (y2 - y1)
        if (x < xint) inside = !inside
      }
    }
    return inside
  }

  /**
   * The start vertex of every boundary edge, in ring order.
   * @example index.vertices()[0] // [lng, lat]
   */
  vertices(): [number, number][] {
    const out: [number, number][] = []
    for (let k = 0; k < this.edges.length; k += 4) out.push([this.edges[k]!, this.edges[k + 1]!])
    return out
  }

  /**
   * Distance in metres from a lng/lat point to the nearest boundary edge (inside or outside).
   * With `maxM`, only edges in the bands within maxM are read (fast on detailed boundaries), and
   * Infinity means "farther than maxM".
   * @example index.distanceToBoundaryM(120.05, 30.0) // ~0 on the edge
   */
  distanceToBoundaryM(x: number, y: number, maxM = Infinity): number {
    const kx = M_PER_DEG_LNG * Math.cos((y * Math.PI) / 180)
    let best = Infinity
    if (!Number.isFinite(maxM)) {
      for (let k = 0; k < this.edges.length; k += 4) best = Math.min(best, this.edgeDist2(k, x, y, kx))
      return Math.sqrt(best)
    }
    const dy = maxM / M_PER_DEG_LAT
    if (y + dy < this.minY || y - dy > this.maxY) return Infinity
    const dx = maxM / kx
    if (x + dx < this.minX || x - dx > this.maxX) return Infinity
    for (let b = this.band(y - dy); b <= this.band(y + dy); b++) {
      for (let i = this.bandStart[b]!; i < this.bandStart[b + 1]!; i++) {
        best = Math.min(best, this.edgeDist2(this.bandEdges[i]! * 4, x, y, kx))
      }
    }
    const d = Math.sqrt(best)
    return d <= maxM ? d : Infinity
  }

  /**
   * Squared distance in m² from a point to the edge starting at offset k of the edge array.
   * @example this.edgeDist2(0, 120, 30, 96000)
   */
  private edgeDist2(k: number, x: number, y: number, kx: number): number {
    const e = this.edges
    const ax = (e[k]! - x) * kx
    const ay = (e[k + 1]! - y) * M_PER_DEG_LAT
    const dx = (e[k + 2]! - x) * kx - ax
    const dy = (e[k + 3]! - y) * M_PER_DEG_LAT - ay
    const len2 = dx * dx + dy * dy
    const t = len2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0
    const px = ax + t * dx
    const py = ay + t * dy
    return px * px + py * py
  }
}

/**
 * Area in km² of a MultiPolygon (outer rings minus holes), on the local flat approximation.
 * @example areaKm2(oneKmSquare) // ≈ 1
 */
export function areaKm2(geometry: MultiPolygon): number {
  let total = 0
  for (const poly of geometry.coordinates) {
    poly.forEach((ring, i) => {
      const a = Math.abs(ringAreaM2(ring))
      total += i === 0 ? a : -a
    })
  }
  return total / 1e6
}

/**
 * Signed shoelace area of a lng/lat ring in m².
 * @example Math.abs(ringAreaM2(ring)) > 0
 */
function ringAreaM2(ring: readonly (readonly number[])[]): number {
  if (ring.length < 3) return 0
  const lat0 = ring[0]![1]!
  const kx = M_PER_DEG_LNG * Math.cos((lat0 * Math.PI) / 180)
  let s = 0
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!
    const b = ring[i + 1]!
    s += a[0]! * kx * (b[1]! * M_PER_DEG_LAT) - b[0]! * kx * (a[1]! * M_PER_DEG_LAT)
  }
  return s / 2
}

/**
 * A uniformly random lng/lat point inside an index's polygon (rejection in its bounding box),
 * or null after `tries` misses (a sliver polygon).
 * @example randomPointIn(index, rng) // [lng, lat] inside
 */
export function randomPointIn(index: PolygonIndex, rng: Rng, tries = 5000, also?: PolygonIndex): [number, number] | null {
  for (let i = 0; i < tries; i++) {
    const x = round7(index.minX + rng.next() * (index.maxX - index.minX))
    const y = round7(index.minY + rng.next() * (index.maxY - index.minY))
    if (index.contains(x, y) && (!also || also.contains(x, y))) return [x, y]
  }
  return null
}

/** A point on a polyline and the unit direction of travel there. */
export interface Station {
  x: number
  y: number
  ux: number
  uy: number
}

/** A polyline in local metres, parametrised by arc length. */
export class Polyline {
  readonly xs: readonly number[]
  readonly ys: readonly number[]
  /** Cumulative length at each vertex. */
  readonly cum: readonly number[]
  readonly length: number

  /**
   * Builds a polyline from vertices (at least two).
   * @example new Polyline([0, 10], [0, 0]).length // 10
   */
  constructor(xs: readonly number[], ys: readonly number[]) {
    if (xs.length < 2 || xs.length !== ys.length) throw new Error('a polyline needs two vertices')
    this.xs = xs
    this.ys = ys
    const cum = [0]
    for (let i = 1; i < xs.length; i++) cum.push(cum[i - 1]! + Math.hypot(xs[i]! - xs[i - 1]!, ys[i]! - ys[i - 1]!))
    this.cum = cum
    this.length = cum[cum.length - 1]!
  }

  /**
   * The point at arc length s (extrapolated straight beyond either end).
   * @example new Polyline([0, 10], [0, 0]).at(4).x // 4
   */
  at(s: number): Station {
    const n = this.xs.length
    let i = 0
    if (s >= this.length) i = n - 2
    else if (s > 0) {
      let lo = 0
      let hi = n - 1
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1
        if (this.cum[mid]! <= s) lo = mid
        else hi = mid
      }
      i = lo
    }
    const segLen = this.cum[i + 1]! - this.cum[i]!
    const ux = segLen > 0 ? (this.xs[i + 1]! - this.xs[i]!) / segLen : 1
    const uy = segLen > 0 ? (this.ys[i + 1]! - this.ys[i]!) / segLen : 0
    const t = s - this.cum[i]!
    return { x: this.xs[i]! + ux * t, y: this.ys[i]! + uy * t, ux, uy }
  }

  /**
   * The sub-polyline between arc lengths s0 < s1 (may extend beyond the ends).
   * @example new Polyline([0, 10], [0, 0]).slice(2, 12).length // 10
   */
  slice(s0: number, s1: number): Polyline {
    const a = this.at(s0)
    const b = this.at(s1)
    const xs = [a.x]
    const ys = [a.y]
    for (let i = 1; i < this.xs.length - 1; i++) {
      if (this.cum[i]! > s0 && this.cum[i]! < s1) {
        xs.push(this.xs[i]!)
        ys.push(this.ys[i]!)
      }
    }
    xs.push(b.x)
    ys.push(b.y)
    return new Polyline(xs, ys)
  }
}

/**
 * Where two polylines cross: arc lengths on each and the point, for every crossing.
 * @example crossings(h, v) // [{ sa, sb, x, y }]
 */
export function crossings(a: Polyline, b: Polyline): { sa: number; sb: number; x: number; y: number }[] {
  const out: { sa: number; sb: number; x: number; y: number }[] = []
  for (let i = 0; i + 1 < a.xs.length; i++) {
    for (let j = 0; j + 1 < b.xs.length; j++) {
      const hit = segmentCross(a.xs[i]!, a.ys[i]!, a.xs[i + 1]!, a.ys[i + 1]!, b.xs[j]!, b.ys[j]!, b.xs[j + 1]!, b.ys[j + 1]!)
      if (!hit) continue
      const [t, u] = hit
      const x = a.xs[i]! + t * (a.xs[i + 1]! - a.xs[i]!)
      const y = a.ys[i]! + t * (a.ys[i + 1]! - a.ys[i]!)
      out.push({
        sa: a.cum[i]! + t * (a.cum[i + 1]! - a.cum[i]!),
        sb: b.cum[j]! + u * (b.cum[j + 1]! - b.cum[j]!),
        x,
        y,
      })
    }
  }
  return out
}

/**
 * Parameters (t on the first, u on the second segment) where two segments cross, or null.
 * @example segmentCross(0,0,2,0, 1,-1,1,1) // [0.5, 0.5]
 */
export function segmentCross(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
): [number, number] | null {
  const rx = bx - ax
  const ry = by - ay
  const sx = dx - cx
  const sy = dy - cy
  const den = rx * sy - ry * sx
  if (Math.abs(den) < 1e-12) return null
  const t = ((cx - ax) * sy - (cy - ay) * sx) / den
  const u = ((cx - ax) * ry - (cy - ay) * rx) / den
  return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? [t, u] : null
}
