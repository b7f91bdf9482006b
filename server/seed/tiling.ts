/**
 * Partitions of a parent polygon into child regions, built on the exact overlay in geometry.ts:
 * - `voronoiPartition`: one region per seed (Voronoi cell ∩ parent); stray pieces of a cell cut off
 *   by a concave parent join the neighbour they share most boundary with, so regions stay whole.
 * - `growthPartition`: organic regions grown from seeds over a fine Voronoi "atom" mesh
 *   (multi-source Dijkstra over a noisy cost field, with per-region head starts calibrated towards
 *   target areas). Growth only ever claims neighbours, so each region is connected.
 */
import {
  type BBox,
  overlay,
  type Piece,
  pieceNeighbours,
  pointInRing,
  type Ring,
  ringArea,
  ringBBox,
  unionPieces,
  voronoiCells,
  type XY,
} from './geometry.ts'
import type { Rng } from './rng.ts'

/** A partition result: per region its rings (normally exactly one counter-clockwise outer ring). */
export interface PartitionResult {
  regions: Ring[][]
  /** Regions whose union is not a single hole-free ring (callers retry or accept). */
  irregular: number[]
}

/** A smooth noise field in [-1, 1] over a box (bilinear value noise with smoothstep). */
export type NoiseField = (x: number, y: number) => number

/**
 * Value noise with the given wavelength (in the same units as the box), from the rng.
 * @example const n = valueNoise(rng, [0, 0, 10, 10], 2); n(3.3, 4.1) // in [-1, 1]
 */
export function valueNoise(rng: Rng, bbox: BBox, wavelength: number): NoiseField {
  const cols = Math.ceil((bbox[2] - bbox[0]) / wavelength) + 2
  const rows = Math.ceil((bbox[3] - bbox[1]) / wavelength) + 2
  const values = new Float64Array(cols * rows)
  for (let i = 0; i < values.length; i++) values[i] = rng() * 2 - 1
  const smooth = (t: number) => t * t * (3 - 2 * t)
  return (x, y) => {
    const fx = Math.min(Math.max((x - bbox[0]) / wavelength, 0), cols - 1.000001)
    const fy = Math.min(Math.max((y - bbox[1]) / wavelength, 0), rows - 1.000001)
    const cx = Math.floor(fx)
    const cy = Math.floor(fy)
    const tx = smooth(fx - cx)
    const ty = smooth(fy - cy)
    const v = (c: number, r: number) => values[r * cols + c] as number
    const top = v(cx, cy) * (1 - tx) + v(cx + 1, cy) * tx
    const bottom = v(cx, cy + 1) * (1 - tx) + v(cx + 1, cy + 1) * tx
    return top * (1 - ty) + bottom * ty
  }
}

/**
 * Jittered-grid sample points inside a ring (one per grid cell, randomly placed): evenly spread,
 * never duplicated, cheap. `spacing` may vary over space (e.g. finer in the urban core).
 * @example jitteredPoints(rng, ring, () => 0.5).length // ≈ area / 0.25
 */
export function jitteredPoints(rng: Rng, ring: Ring, spacing: (x: number, y: number) => number, base?: number): XY[] {
  const [x0, y0, x1, y1] = ringBBox(ring)
  const step = base ?? spacing((x0 + x1) / 2, (y0 + y1) / 2)
  const out: XY[] = []
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      // Subdivide the cell where the local spacing is finer (power-of-two steps).
      const local = spacing(x + step / 2, y + step / 2)
      const k = Math.max(1, Math.min(8, 2 ** Math.round(Math.log2(step / local))))
      const s = step / k
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < k; i++) {
          const p: XY = [x + (i + 0.1 + 0.8 * rng()) * s, y + (j + 0.1 + 0.8 * rng()) * s]
          if (pointInRing(p, ring)) out.push(p)
        }
      }
    }
  }
  return out
}

function expand(b: BBox, by: number): BBox {
  return [b[0] - by, b[1] - by, b[2] + by, b[3] + by]
}

/** Pieces of the parent per Voronoi cell of `sites`, and piece adjacency. */
function mesh(parent: Ring, sites: readonly XY[]) {
  const bb = ringBBox(parent)
  const margin = Math.max(bb[2] - bb[0], bb[3] - bb[1]) * 0.05 + 1e-6
  const cells = voronoiCells(sites, expand(bb, margin))
  const pieces = overlay(parent, cells)
  const neighbours = pieceNeighbours(pieces)
  // The piece of each cell that holds the site (a cell cut by a concave parent has several).
  const home = new Int32Array(sites.length).fill(-1)
  pieces.forEach((p, i) => {
    const site = sites[p.cell] as XY
    if (home[p.cell]! < 0 || pointInRing(site, p.ring)) home[p.cell] = i
  })
  return { pieces, neighbours, home }
}

/** Gives every unassigned piece to the assigned neighbour it shares most boundary with. */
function fillUnassigned(owner: Int32Array, neighbours: readonly Map<number, number>[]): void {
  let left = owner.reduce((n, o) => n + (o < 0 ? 1 : 0), 0)
  while (left > 0) {
    let progressed = false
    for (let i = 0; i < owner.length; i++) {
      if (owner[i]! >= 0) continue
      let best = -1
      let bestLen = -1
      for (const [j, len] of neighbours[i] as Map<number, number>) {
        if (owner[j]! >= 0 && len > bestLen) {
          best = j
          bestLen = len
        }
      }
      if (best >= 0) {
        owner[i] = owner[best] as number
        left--
        progressed = true
      }
    }
    if (!progressed) throw new Error('partition: pieces not connected to any region')
  }
}

function collect(pieces: readonly Piece[], owner: Int32Array, regions: number): PartitionResult {
  const groups: Ring[][] = Array.from({ length: regions }, () => [])
  pieces.forEach((p, i) => groups[owner[i] as number]!.push(p.ring))
  const out: Ring[][] = []
  const irregular: number[] = []
  groups.forEach((rings, r) => {
    const union = rings.length === 1 ? rings : unionPieces(rings)
    const outers = union.filter((ring) => ringArea(ring) > 0)
    if (outers.length !== 1 || union.length !== 1) irregular.push(r)
    out.push(union)
  })
  return { regions: out, irregular }
}

/**
 * Splits a parent ring into one region per seed (seeds must be distinct and inside the parent).
 * @example voronoiPartition(villageRing, gridSeeds).regions.length // gridSeeds.length
 */
export function voronoiPartition(parent: Ring, seeds: readonly XY[]): PartitionResult {
  if (seeds.length === 1) return { regions: [[parent]], irregular: [] }
  const { pieces, neighbours, home } = mesh(parent, seeds)
  const owner = new Int32Array(pieces.length).fill(-1)
  home.forEach((pi, r) => {
    if (pi < 0) throw new Error(`voronoiPartition: seed ${r} has no piece`)
    owner[pi] = r
  })
  fillUnassigned(owner, neighbours)
  return collect(pieces, owner, seeds.length)
}

/** Binary min-heap of (key, a, b) triples. */
class Heap {
  private keys: number[] = []
  private as: number[] = []
  private bs: number[] = []
  get size(): number {
    return this.keys.length
  }
  push(key: number, a: number, b: number): void {
    const k = this.keys
    let i = k.length
    k.push(key)
    this.as.push(a)
    this.bs.push(b)
    while (i > 0) {
      const p = (i - 1) >> 1
      if ((k[p] as number) <= key) break
      this.swap(i, p)
      i = p
    }
  }
  pop(): [number, number, number] {
    const k = this.keys
    const top: [number, number, number] = [k[0] as number, this.as[0] as number, this.bs[0] as number]
    const last = k.length - 1
    this.swap(0, last)
    k.pop()
    this.as.pop()
    this.bs.pop()
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < k.length && (k[l] as number) < (k[m] as number)) m = l
      if (r < k.length && (k[r] as number) < (k[m] as number)) m = r
      if (m === i) break
      this.swap(i, m)
      i = m
    }
    return top
  }
  private swap(i: number, j: number): void {
    const k = this.keys
    const a = this.as
    const b = this.bs
    const tk = k[i] as number
    k[i] = k[j] as number
    k[j] = tk
    const ta = a[i] as number
    a[i] = a[j] as number
    a[j] = ta
    const tb = b[i] as number
    b[i] = b[j] as number
    b[j] = tb
  }
}

export interface GrowthOptions {
  /** Multiplies travel cost: e.g. 1 + 0.5·noise(x, y) gives meandering borders. */
  cost?: (x: number, y: number) => number
  /** Target area per region (relative); head starts are tuned towards them. */
  targets?: readonly number[]
  /** Calibration rounds (default 12). */
  iterations?: number
}

/**
 * Grows one region per seed site over the Voronoi pieces of `sites` inside the parent.
 * `seedSites[r]` is the index in `sites` where region r starts. All fronts move at the same speed
 * (a graph version of the additively weighted Voronoi diagram); region sizes are steered by head
 * starts, which — unlike per-region speeds — cannot make one front overtake and encircle another.
 * @example growthPartition(outline, atoms, seatIndexes, { targets }).regions.length // seatIndexes.length
 */
export function growthPartition(
  parent: Ring,
  sites: readonly XY[],
  seedSites: readonly number[],
  opts: GrowthOptions = {},
): PartitionResult & { areas: number[] } {
  const { pieces, neighbours, home } = mesh(parent, sites)
  const R = seedSites.length
  const cost = opts.cost ?? (() => 1)
  // Travel cost between adjacent pieces: centroid distance × the cost field at the midpoint.
  // (Compressed rows: offsets into flat neighbour and cost arrays — the growth loop runs often.)
  const offsets = new Int32Array(pieces.length + 1)
  neighbours.forEach((nb, i) => {
    offsets[i + 1] = (offsets[i] as number) + nb.size
  })
  const nbIndex = new Int32Array(offsets[pieces.length] as number)
  const nbCost = new Float64Array(offsets[pieces.length] as number)
  neighbours.forEach((nb, i) => {
    const a = (pieces[i] as Piece).centroid
    let k = offsets[i] as number
    for (const j of nb.keys()) {
      const b = (pieces[j] as Piece).centroid
      nbIndex[k] = j
      nbCost[k++] = Math.hypot(b[0] - a[0], b[1] - a[1]) * Math.max(0.05, cost((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
    }
  })
  const starts = seedSites.map((s, r) => {
    const pi = home[s] as number
    if (pi < 0) throw new Error(`growthPartition: seed ${r} is outside the parent`)
    return pi
  })
  if (new Set(starts).size !== R) throw new Error('growthPartition: two seeds share a piece')
  const head = new Float64Array(R)
  const grow = (): Int32Array => {
    const owner = new Int32Array(pieces.length).fill(-1)
    const heap = new Heap()
    starts.forEach((pi, r) => heap.push(-(head[r] as number), pi, r))
    while (heap.size > 0) {
      const [t, pi, r] = heap.pop()
      if (owner[pi]! >= 0) continue
      owner[pi] = r
      for (let k = offsets[pi] as number, e = offsets[pi + 1] as number; k < e; k++) {
        const j = nbIndex[k] as number
        if ((owner[j] as number) < 0) heap.push(t + (nbCost[k] as number), j, r)
      }
    }
    fillUnassigned(owner, neighbours)
    return owner
  }
  const areasOf = (owner: Int32Array) => {
    const areas = new Array<number>(R).fill(0)
    pieces.forEach((p, i) => {
      const r = owner[i] as number
      areas[r] = (areas[r] as number) + p.area
    })
    return areas
  }
  let owner = grow()
  if (opts.targets) {
    const total = pieces.reduce((s, p) => s + p.area, 0)
    const tSum = opts.targets.reduce((s, t) => s + t, 0)
    const targets = opts.targets.map((t) => (t / tSum) * total)
    let best = owner
    let bestErr = Infinity
    for (let it = 0; it <= (opts.iterations ?? 12); it++) {
      const areas = areasOf(owner)
      let err = 0
      for (let r = 0; r < R; r++) err = Math.max(err, Math.abs(Math.log((areas[r] as number) / (targets[r] as number))))
      if (err < bestErr) {
        best = owner
        bestErr = err
      }
      if (it === (opts.iterations ?? 12)) break
      // Head start in "radius" units: move each front by part of its equivalent-radius shortfall.
      for (let r = 0; r < R; r++) {
        head[r] = (head[r] as number) + 0.5 * (Math.sqrt((targets[r] as number) / Math.PI) - Math.sqrt((areas[r] as number) / Math.PI))
      }
      owner = grow()
    }
    owner = best
  }
  return { ...collect(pieces, owner, R), areas: areasOf(owner) }
}
