/**
 * Planar geometry for the synthetic boundaries, in a local equirectangular projection (km).
 *
 * Why not turf.intersect/union: polyclip-ts takes ~2–5 ms per small clip, far too slow for ~18,600
 * areas. Here every partition is an *overlay*: the parent polygon is cut by the cells of a Voronoi
 * diagram (convex, from d3-voronoi via turf.voronoi, with bit-identical shared vertices), and
 * crossing points are computed canonically (same inputs in the same order on both sides of an
 * edge), so neighbouring pieces share exactly equal vertices. Areas are unions of pieces, found by
 * cancelling shared edges — no floating-point gaps or overlaps, and no boolean-op library.
 */
import { featureCollection, point } from '@turf/helpers'
import { voronoi } from '@turf/voronoi'

import { flatRing, inFlatRing } from '../shared/point-in-polygon.ts'
import type { LngLat } from './reference.ts'

/** A projected point in km east/north of the projection origin. */
export type XY = [number, number]
/** An open ring (first point not repeated); outer rings are counter-clockwise. */
export type Ring = XY[]
export type BBox = [number, number, number, number]

/** Projection origin and km per degree at 30.1° N (WGS84 ellipsoid). */
export const PROJECTION = { lng0: 120.4, lat0: 30.1, kmPerDegLng: 96.388, kmPerDegLat: 110.854 } as const

/**
 * WGS84 lng/lat → local km.
 * @example project([120.4, 30.1]) // [0, 0]
 */
export function project(p: readonly [number, number]): XY {
  return [(p[0] - PROJECTION.lng0) * PROJECTION.kmPerDegLng, (p[1] - PROJECTION.lat0) * PROJECTION.kmPerDegLat]
}

/**
 * Local km → WGS84 lng/lat.
 * @example unproject([0, 0]) // [120.4, 30.1]
 */
export function unproject(p: XY): LngLat {
  return [PROJECTION.lng0 + p[0] / PROJECTION.kmPerDegLng, PROJECTION.lat0 + p[1] / PROJECTION.kmPerDegLat]
}

/**
 * Signed area (shoelace): positive for counter-clockwise rings.
 * @example ringArea([[0, 0], [1, 0], [0, 1]]) // 0.5
 */
export function ringArea(ring: readonly XY[]): number {
  let a = 0
  for (let i = 0, n = ring.length; i < n; i++) {
    const p = ring[i] as XY
    const q = ring[(i + 1) % n] as XY
    a += p[0] * q[1] - q[0] * p[1]
  }
  return a / 2
}

/**
 * Area centroid of a ring (falls back to the vertex mean for degenerate rings).
 * @example ringCentroid([[0, 0], [2, 0], [2, 2], [0, 2]]) // [1, 1]
 */
export function ringCentroid(ring: readonly XY[]): XY {
  let a = 0
  let cx = 0
  let cy = 0
  const n = ring.length
  const ox = (ring[0] as XY)[0]
  const oy = (ring[0] as XY)[1]
  for (let i = 0; i < n; i++) {
    const p = ring[i] as XY
    const q = ring[(i + 1) % n] as XY
    // Relative to the first vertex: keeps precision for small rings far from the origin.
    const px = p[0] - ox
    const py = p[1] - oy
    const qx = q[0] - ox
    const qy = q[1] - oy
    const f = px * qy - qx * py
    a += f
    cx += (px + qx) * f
    cy += (py + qy) * f
  }
  if (Math.abs(a) < 1e-18) {
    let sx = 0
    let sy = 0
    for (const p of ring) {
      sx += p[0]
      sy += p[1]
    }
    return [sx / n, sy / n]
  }
  return [ox + cx / (3 * a), oy + cy / (3 * a)]
}

/**
 * Bounding box [minX, minY, maxX, maxY] of points.
 * @example ringBBox([[0, 1], [2, -1]]) // [0, -1, 2, 1]
 */
export function ringBBox(ring: readonly XY[]): BBox {
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  for (const p of ring) {
    if (p[0] < x0) x0 = p[0]
    if (p[0] > x1) x1 = p[0]
    if (p[1] < y0) y0 = p[1]
    if (p[1] > y1) y1 = p[1]
  }
  return [x0, y0, x1, y1]
}

/**
 * Even–odd point-in-ring test on a ring of points (boundary points may go either way).
 * @example pointInRing([1, 1], [[0, 0], [2, 0], [2, 2], [0, 2]]) // true
 */
export function pointInRing(p: readonly [number, number], ring: readonly XY[]): boolean {
  return inFlatRing(flatRing(ring), p[0], p[1])
}

/**
 * Distance from a point to a ring's boundary.
 * @example distanceToRing([1, 1], [[0, 0], [4, 0], [4, 4], [0, 4]]) // 1
 */
export function distanceToRing(p: readonly [number, number], ring: readonly XY[]): number {
  let best = Infinity
  for (let i = 0, n = ring.length; i < n; i++) {
    const a = ring[i] as XY
    const b = ring[(i + 1) % n] as XY
    const dx = b[0] - a[0]
    const dy = b[1] - a[1]
    const len2 = dx * dx + dy * dy
    let t = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0
    t = t < 0 ? 0 : t > 1 ? 1 : t
    const ex = a[0] + t * dx - p[0]
    const ey = a[1] + t * dy - p[1]
    const d = ex * ex + ey * ey
    if (d < best) best = d
  }
  return Math.sqrt(best)
}

/**
 * True if two segments properly cross or touch (used to check that rings are simple).
 * @example segmentsIntersect([0, 0], [2, 2], [0, 2], [2, 0]) // true
 */
export function segmentsIntersect(a: XY, b: XY, c: XY, d: XY): boolean {
  const o1 = orient(a, b, c)
  const o2 = orient(a, b, d)
  const o3 = orient(c, d, a)
  const o4 = orient(c, d, b)
  if (o1 * o2 < 0 && o3 * o4 < 0) return true
  const on = (p: XY, q: XY, r: XY) =>
    Math.min(p[0], q[0]) <= r[0] && r[0] <= Math.max(p[0], q[0]) && Math.min(p[1], q[1]) <= r[1] && r[1] <= Math.max(p[1], q[1])
  return (o1 === 0 && on(a, b, c)) || (o2 === 0 && on(a, b, d)) || (o3 === 0 && on(c, d, a)) || (o4 === 0 && on(c, d, b))
}

function orient(a: XY, b: XY, c: XY): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/**
 * True if no two non-adjacent edges of the ring intersect (O(n²); for checks and small rings).
 * @example isSimpleRing([[0, 0], [1, 0], [1, 1], [0, 1]]) // true
 */
export function isSimpleRing(ring: readonly XY[]): boolean {
  const n = ring.length
  // Edge boxes first: most pairs are far apart.
  const box = new Float64Array(n * 4)
  for (let i = 0; i < n; i++) {
    const a = ring[i] as XY
    const b = ring[(i + 1) % n] as XY
    box[4 * i] = Math.min(a[0], b[0])
    box[4 * i + 1] = Math.min(a[1], b[1])
    box[4 * i + 2] = Math.max(a[0], b[0])
    box[4 * i + 3] = Math.max(a[1], b[1])
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue
      if (
        box[4 * i]! > box[4 * j + 2]! ||
        box[4 * j]! > box[4 * i + 2]! ||
        box[4 * i + 1]! > box[4 * j + 3]! ||
        box[4 * j + 1]! > box[4 * i + 3]!
      )
        continue
      if (segmentsIntersect(ring[i] as XY, ring[(i + 1) % n] as XY, ring[j] as XY, ring[(j + 1) % n] as XY)) return false
    }
  }
  return true
}

/**
 * Voronoi cells of sites clipped to a box, as counter-clockwise open rings in site order. Shared
 * edges of neighbouring cells have bit-identical vertices (d3-voronoi builds cells from one edge
 * list), which the overlay relies on. Sites must be distinct and inside the box.
 * @example voronoiCells([[0, 0], [2, 0]], [-1, -1, 3, 1]) // two rectangles split at x = 1
 */
export function voronoiCells(sites: readonly XY[], bbox: BBox): Ring[] {
  if (sites.length === 1) {
    return [
      [
        [bbox[0], bbox[1]],
        [bbox[2], bbox[1]],
        [bbox[2], bbox[3]],
        [bbox[0], bbox[3]],
      ],
    ]
  }
  const fc = voronoi(featureCollection(sites.map((s) => point(s))), { bbox })
  return fc.features.map((f, i) => {
    if (!f) throw new Error(`voronoiCells: no cell for site ${i} (duplicate site?)`)
    const coords = f.geometry.coordinates[0] as XY[]
    const ring: Ring = []
    // d3 rings are clockwise and closed: reverse and drop the repeat (and any exact duplicates).
    for (let k = coords.length - 2; k >= 0; k--) {
      const p = coords[k] as XY
      const last = ring[ring.length - 1]
      if (!last || last[0] !== p[0] || last[1] !== p[1]) ring.push(p)
    }
    if (ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1]) ring.pop()
    return ring
  })
}

/** Thrown when an overlay meets a configuration it cannot resolve (should not happen). */
export class OverlayError extends Error {}

/** Working vertex: `src` ≥ 0 = the edge leaving it lies on parent edge `src`; < 0 = on cell edge −1−src. */
interface WV {
  x: number
  y: number
  src: number
}

function lexLess(a: XY, b: XY): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])
}

/** Side of x relative to the directed line p→q (left > 0), computed the same way for q→p (negated). */
function sideOf(p: XY, q: XY, x: number, y: number): number {
  if (lexLess(p, q)) return (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0])
  return -((p[0] - q[0]) * (y - q[1]) - (p[1] - q[1]) * (x - q[0]))
}

/** Intersection of segment a–b's line with segment p–q's line, independent of either's direction. */
function canonicalCrossing(a: XY, b: XY, p: XY, q: XY): XY {
  const [A, B] = lexLess(a, b) ? [a, b] : [b, a]
  const [P, Q] = lexLess(p, q) ? [p, q] : [q, p]
  const rx = B[0] - A[0]
  const ry = B[1] - A[1]
  const sx = Q[0] - P[0]
  const sy = Q[1] - P[1]
  const den = rx * sy - ry * sx
  let t = den === 0 ? 0.5 : ((P[0] - A[0]) * sy - (P[1] - A[1]) * sx) / den
  t = t < 0 ? 0 : t > 1 ? 1 : t
  return [A[0] + t * rx, A[1] + t * ry]
}

/** Cuts working rings by the left half-plane of cell edge e; may split a ring into several. */
function clipByCellEdge(ring: WV[], e: number, cell: Ring, parent: Ring): WV[][] {
  const m = cell.length
  const p = cell[e] as XY
  const q = cell[(e + 1) % m] as XY
  const n = ring.length
  const s = new Float64Array(n)
  let nIn = 0
  let start = -1
  for (let i = 0; i < n; i++) {
    const v = ring[i] as WV
    const si = sideOf(p, q, v.x, v.y)
    s[i] = si
    if (si >= 0) nIn++
    else if (start < 0) start = i
  }
  if (nIn === n) return [ring]
  if (nIn === 0) return []
  const crossingPoint = (v: WV, w: WV): XY => {
    if (v.src >= 0) return canonicalCrossing(parent[v.src] as XY, parent[(v.src + 1) % parent.length] as XY, p, q)
    const e2 = -1 - v.src
    if ((e2 + 1) % m === e) return p // corner shared by cell edges e2 and e
    if ((e + 1) % m === e2) return q
    // Lines of non-adjacent cell edges meet outside the cell: a temporary vertex, cut off later.
    return canonicalCrossing([v.x, v.y], [w.x, w.y], p, q)
  }
  const chains: WV[][] = []
  let cur: WV[] | null = null
  for (let k = 0; k < n; k++) {
    const i = (start + k) % n
    const j = (i + 1) % n
    const v = ring[i] as WV
    const inI = (s[i] as number) >= 0
    if (inI) cur?.push(v)
    if (inI !== (s[j] as number) >= 0) {
      const [x, y] = crossingPoint(v, ring[j] as WV)
      if (!inI) cur = [{ x, y, src: v.src }]
      else if (cur) {
        cur.push({ x, y, src: -1 - e })
        chains.push(cur)
        cur = null
      }
    }
  }
  if (chains.length === 1) return chains
  // Several pieces: pair crossings along the cut line (inside intervals) and follow exit → entry.
  const dx = q[0] - p[0]
  const dy = q[1] - p[1]
  const marks: { u: number; chain: number; entry: boolean }[] = []
  chains.forEach((c, ci) => {
    const a = c[0] as WV
    const b = c[c.length - 1] as WV
    marks.push({ u: (a.x - p[0]) * dx + (a.y - p[1]) * dy, chain: ci, entry: true })
    marks.push({ u: (b.x - p[0]) * dx + (b.y - p[1]) * dy, chain: ci, entry: false })
  })
  marks.sort((a, b) => a.u - b.u)
  const next = new Int32Array(chains.length).fill(-1)
  for (let k = 0; k + 1 < marks.length; k += 2) {
    const a = marks[k]!
    const b = marks[k + 1]!
    if (a.entry === b.entry) throw new OverlayError('overlay: crossings do not alternate along the cut')
    if (a.entry) next[b.chain] = a.chain
    else next[a.chain] = b.chain
  }
  const out: WV[][] = []
  const seen = new Uint8Array(chains.length)
  for (let c0 = 0; c0 < chains.length; c0++) {
    if (seen[c0]) continue
    const r: WV[] = []
    let c = c0
    while (!seen[c]) {
      seen[c] = 1
      for (const v of chains[c] as WV[]) r.push(v)
      c = next[c] as number
      if (c < 0) throw new OverlayError('overlay: open chain')
    }
    out.push(r)
  }
  return out
}

/** Drops exact consecutive duplicates (both neighbours drop the same ones: their points are equal). */
function dedupe(ring: XY[]): XY[] {
  const out: XY[] = []
  for (const p of ring) {
    const last = out[out.length - 1]
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p)
  }
  while (out.length > 1 && out[0]![0] === out[out.length - 1]![0] && out[0]![1] === out[out.length - 1]![1]) out.pop()
  return out
}

/**
 * The parts of a (simple, counter-clockwise) parent ring inside a convex counter-clockwise cell.
 * Crossing points are canonical, so the cell's neighbour gets bit-identical points on their edge.
 * @example clipRingToCell(square, halfPlaneCell) // [ring of the left half]
 */
export function clipRingToCell(parent: Ring, cell: Ring): Ring[] {
  let rings: WV[][] = [parent.map((p, i) => ({ x: p[0], y: p[1], src: i }))]
  for (let e = 0; e < cell.length && rings.length > 0; e++) {
    const next: WV[][] = []
    for (const r of rings) for (const piece of clipByCellEdge(r, e, cell, parent)) next.push(piece)
    rings = next
  }
  const out: Ring[] = []
  for (const r of rings) {
    const ring = dedupe(r.map((v) => [v.x, v.y] as XY))
    if (ring.length >= 3 && ringArea(ring) > 0) out.push(ring)
  }
  return out
}

/** A uniform grid over a ring's edges, to find the cells that its boundary can touch. */
export class EdgeGrid {
  private readonly cells = new Map<number, number[]>()
  private readonly x0: number
  private readonly y0: number
  private readonly size: number
  private readonly cols: number
  private readonly rows: number

  constructor(
    readonly ring: Ring,
    size: number,
  ) {
    const [x0, y0, x1, y1] = ringBBox(ring)
    this.x0 = x0
    this.y0 = y0
    this.size = size
    this.cols = Math.floor((x1 - x0) / size) + 1
    this.rows = Math.floor((y1 - y0) / size) + 1
    for (let i = 0, n = ring.length; i < n; i++) {
      const a = ring[i] as XY
      const b = ring[(i + 1) % n] as XY
      this.forCells([Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])], (k) => {
        const list = this.cells.get(k)
        if (list) list.push(i)
        else this.cells.set(k, [i])
      })
    }
  }

  private forCells(b: BBox, fn: (key: number) => void): void {
    const cx0 = Math.max(0, Math.floor((b[0] - this.x0) / this.size))
    const cy0 = Math.max(0, Math.floor((b[1] - this.y0) / this.size))
    const cx1 = Math.min(this.cols - 1, Math.floor((b[2] - this.x0) / this.size))
    const cy1 = Math.min(this.rows - 1, Math.floor((b[3] - this.y0) / this.size))
    for (let cy = cy0; cy <= cy1; cy++) for (let cx = cx0; cx <= cx1; cx++) fn(cy * this.cols + cx)
  }

  /** True if some edge's box overlaps b (a cheap, conservative "boundary may pass here"). */
  touches(b: BBox): boolean {
    let hit = false
    const n = this.ring.length
    this.forCells(b, (k) => {
      if (hit) return
      for (const i of this.cells.get(k) ?? []) {
        const p = this.ring[i] as XY
        const q = this.ring[(i + 1) % n] as XY
        if (Math.max(p[0], q[0]) >= b[0] && Math.min(p[0], q[0]) <= b[2] && Math.max(p[1], q[1]) >= b[1] && Math.min(p[1], q[1]) <= b[3]) {
          hit = true
          return
        }
      }
    })
    return hit
  }
}

/** One piece of an overlay: the part of the parent inside one Voronoi cell (a cell may give several). */
export interface Piece {
  cell: number
  ring: Ring
  area: number
  centroid: XY
}

/**
 * Overlays a parent ring with Voronoi cells whose sites all lie inside it: pieces tile the parent.
 * Cells away from the boundary are kept whole (their d3 vertices untouched).
 * @example overlay(townRing, voronoiCells(sites, box)).length // ≥ sites.length
 */
export function overlay(parent: Ring, cells: readonly Ring[], gridSize?: number): Piece[] {
  const [x0, y0, x1, y1] = ringBBox(parent)
  // Small parents: testing every edge is cheaper than building a grid.
  const grid = parent.length > 256 ? new EdgeGrid(parent, gridSize ?? Math.max(x1 - x0, y1 - y0) / 64) : null
  const touches = (b: BBox) => {
    if (grid) return grid.touches(b)
    for (let i = 0, n = parent.length; i < n; i++) {
      const p = parent[i] as XY
      const q = parent[(i + 1) % n] as XY
      if (Math.max(p[0], q[0]) >= b[0] && Math.min(p[0], q[0]) <= b[2] && Math.max(p[1], q[1]) >= b[1] && Math.min(p[1], q[1]) <= b[3])
        return true
    }
    return false
  }
  const pieces: Piece[] = []
  cells.forEach((cell, ci) => {
    const bb = ringBBox(cell)
    const rings = touches(bb) ? clipRingToCell(parent, cell) : [cell]
    for (const ring of rings) pieces.push({ cell: ci, ring, area: ringArea(ring), centroid: ringCentroid(ring) })
  })
  return pieces
}

/**
 * Interns points by exact coordinates: equal points get equal small integer ids (numeric keys
 * avoid building millions of strings, which dominated the run time).
 */
class PointIds {
  private readonly byX = new Map<number, Map<number, number>>()
  readonly points: XY[] = []
  id(p: XY): number {
    let byY = this.byX.get(p[0])
    if (!byY) this.byX.set(p[0], (byY = new Map()))
    let id = byY.get(p[1])
    if (id === undefined) {
      id = this.points.length
      this.points.push(p)
      byY.set(p[1], id)
    }
    return id
  }
}

/** Directed edge a→b as one number (ids stay far below 2^26). */
const edgeKey = (a: number, b: number) => a * 67_108_864 + b

/**
 * Piece adjacency from shared (reversed) edges, with the shared length per neighbour.
 * @example pieceNeighbours(pieces)[0] // Map { 3 => 0.41, 7 => 0.12 }
 */
export function pieceNeighbours(pieces: readonly Piece[]): Map<number, number>[] {
  const ids = new PointIds()
  const ringIds = pieces.map((pc) => pc.ring.map((p) => ids.id(p)))
  const owner = new Map<number, number>()
  ringIds.forEach((r, i) => {
    for (let k = 0, n = r.length; k < n; k++) owner.set(edgeKey(r[k] as number, r[(k + 1) % n] as number), i)
  })
  return pieces.map((pc, i) => {
    const nb = new Map<number, number>()
    const r = pc.ring
    const rid = ringIds[i] as number[]
    for (let k = 0, n = r.length; k < n; k++) {
      const j = owner.get(edgeKey(rid[(k + 1) % n] as number, rid[k] as number))
      if (j !== undefined && j !== i) {
        const a = r[k] as XY
        const b = r[(k + 1) % n] as XY
        nb.set(j, (nb.get(j) ?? 0) + Math.hypot(b[0] - a[0], b[1] - a[1]))
      }
    }
    return nb
  })
}

/**
 * The boundary rings of a union of pieces that share exact edges: internal edges cancel. Returns
 * counter-clockwise outer rings and clockwise holes.
 * @example unionPieces([leftHalf, rightHalf]) // [the whole square]
 */
export function unionPieces(rings: readonly Ring[]): Ring[] {
  const ids = new PointIds()
  const ringIds = rings.map((r) => r.map((p) => ids.id(p)))
  const edges = new Set<number>()
  for (const r of ringIds) for (let k = 0, n = r.length; k < n; k++) edges.add(edgeKey(r[k] as number, r[(k + 1) % n] as number))
  // Boundary edges by start point; several per point only where the union pinches.
  const out = new Map<number, number[]>()
  let count = 0
  for (const r of ringIds) {
    for (let k = 0, n = r.length; k < n; k++) {
      const a = r[k] as number
      const b = r[(k + 1) % n] as number
      if (edges.has(edgeKey(b, a))) continue
      const list = out.get(a)
      if (list) list.push(b)
      else out.set(a, [b])
      count++
    }
  }
  const result: Ring[] = []
  while (count > 0) {
    const start = out.keys().next().value as number
    const ring: Ring = []
    let at = start
    for (;;) {
      const list = out.get(at)
      if (!list) throw new OverlayError('unionPieces: open boundary')
      const next = list.pop() as number
      if (list.length === 0) out.delete(at)
      count--
      ring.push(ids.points[at] as XY)
      at = next
      if (at === start) break
    }
    result.push(ring)
  }
  return result.map(dropCollinearSpikes)
}

/** Removes zero-width spikes (a→b→a) that can appear where pieces touch at a single vertex. */
function dropCollinearSpikes(ring: Ring): Ring {
  let r = ring
  let changed = true
  while (changed && r.length > 3) {
    changed = false
    for (let i = 0; i < r.length; i++) {
      const a = r[(i + r.length - 1) % r.length] as XY
      const c = r[(i + 1) % r.length] as XY
      if (a[0] === c[0] && a[1] === c[1]) {
        r = r.filter((_, k) => k !== i && k !== (i + 1) % r.length)
        changed = true
        break
      }
    }
  }
  return r
}
