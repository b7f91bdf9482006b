/**
 * Point-in-polygon in JavaScript over the microgrid polygons: which town, village, grid and
 * microgrid a point lies in, at millions of points per second (a round trip to PostGIS per
 * point would dominate an import). Polygons sit in a uniform grid of buckets over their boxes;
 * a point tests only the polygons of its bucket (bounding box, then even–odd crossing).
 *
 * Points in no microgrid (slivers between polygons, gaps in real grid data) that are inside the
 * district take the codes of the nearest microgrid within SNAP_M metres, else no codes at all:
 * a gap is a digitising artefact up to a few metres, but guessing across a river is worse than
 * admitting we do not know.
 */
import type { MultiPolygon, Polygon } from 'geojson'
import type { Sql } from 'postgres'

import type { StoredCells } from '../geo/h3.ts'
import { inFlatRing } from '../shared/point-in-polygon.ts'

/** How far (m) a point outside every microgrid may be from one and still take its codes. */
export const SNAP_M = 100

/**
 * One leaf area (a microgrid, or the deepest level a district has there: a grid, village or
 * town without children) with its own and its ancestors' codes.
 */
export interface LocatorArea {
  code: string
  microgridCode: string | null
  gridCode: string | null
  villageCode: string | null
  townCode: string | null
  geometry: MultiPolygon | Polygon
}

export interface AreaCodes {
  townCode: string | null
  villageCode: string | null
  gridCode: string | null
  microgridCode: string | null
}

/**
 * Where a point is: `in` a microgrid, `near` one (snapped), in the district but `unlocated`
 * (no codes), or `outside` the district.
 */
export type Location = { kind: 'in' | 'near'; area: LocatorArea } | { kind: 'unlocated' | 'outside' }

export const NO_CODES: AreaCodes = { townCode: null, villageCode: null, gridCode: null, microgridCode: null }

/** The columns a placed row keeps its areas and H3 cells in, in the order `placementValues` gives. */
export const PLACEMENT_COLUMNS = ['town_code', 'village_code', 'grid_code', 'microgrid_code', 'h3_r7', 'h3_r8', 'h3_r9', 'h3_r10'] as const

/**
 * A placed row's values for PLACEMENT_COLUMNS: its area codes, then its cells.
 * @example placementValues(NO_CODES, h3Cells(120.27, 30.16)) // [null, null, null, null, '6087…', …]
 */
export function placementValues(codes: AreaCodes, cells: StoredCells): (string | null)[] {
  return [codes.townCode, codes.villageCode, codes.gridCode, codes.microgridCode, cells.r7, cells.r8, cells.r9, cells.r10]
}

/**
 * The codes a location gives a row.
 * @example codesOf({ kind: 'outside' }) // all null
 */
export function codesOf(loc: Location): AreaCodes {
  if (loc.kind !== 'in' && loc.kind !== 'near') return NO_CODES
  const a = loc.area
  return { townCode: a.townCode, villageCode: a.villageCode, gridCode: a.gridCode, microgridCode: a.microgridCode }
}

/** Flat rings of many polygons: coordinates, ring ranges per polygon, a box per polygon. */
interface RingSet {
  coords: Float64Array
  /** Ring r spans coords[ringStart[r] .. ringStart[r + 1]) (x, y pairs, not closed). */
  ringStart: Int32Array
  /** Polygon p owns rings polyRings[p] .. polyRings[p + 1]. */
  polyRings: Int32Array
  /** x0, y0, x1, y1 per polygon. */
  bbox: Float64Array
  /** Which area each polygon belongs to (a MultiPolygon gives several). */
  owner: Int32Array
}

function polygonsOf(g: MultiPolygon | Polygon): number[][][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates
}

function buildRingSet(geoms: readonly (MultiPolygon | Polygon)[]): RingSet {
  let nCoords = 0
  let nRings = 0
  let nPolys = 0
  for (const g of geoms) {
    for (const poly of polygonsOf(g)) {
      nPolys++
      for (const ring of poly) {
        nRings++
        nCoords += Math.max(0, ring.length - 1) * 2
      }
    }
  }
  const coords = new Float64Array(nCoords)
  const ringStart = new Int32Array(nRings + 1)
  const polyRings = new Int32Array(nPolys + 1)
  const bbox = new Float64Array(nPolys * 4)
  const owner = new Int32Array(nPolys)
  let c = 0
  let r = 0
  let p = 0
  geoms.forEach((g, gi) => {
    for (const poly of polygonsOf(g)) {
      polyRings[p] = r
      owner[p] = gi
      let x0 = Infinity
      let y0 = Infinity
      let x1 = -Infinity
      let y1 = -Infinity
      for (const ring of poly) {
        ringStart[r++] = c
        // GeoJSON rings repeat the first point at the end: drop it (the test closes the ring).
        for (let i = 0; i < ring.length - 1; i++) {
          const x = ring[i]![0]!
          const y = ring[i]![1]!
          coords[c++] = x
          coords[c++] = y
          if (x < x0) x0 = x
          if (x > x1) x1 = x
          if (y < y0) y0 = y
          if (y > y1) y1 = y
        }
      }
      bbox.set([x0, y0, x1, y1], p * 4)
      p++
    }
  })
  ringStart[r] = c
  polyRings[p] = r
  return { coords, ringStart, polyRings, bbox, owner }
}

/** Even–odd test of (x, y) against all rings of polygon p (outer and holes together). */
function inPolygon(s: RingSet, p: number, x: number, y: number): boolean {
  let inside = false
  for (let r = s.polyRings[p]!; r < s.polyRings[p + 1]!; r++)
    if (inFlatRing(s.coords, x, y, s.ringStart[r]!, s.ringStart[r + 1]!)) inside = !inside
  return inside
}

/** Metres per degree at a latitude (equirectangular: plenty over a few hundred metres). */
function metresPerDegree(lat: number): [number, number] {
  return [111_320 * Math.cos((lat * Math.PI) / 180), 110_574]
}

/** Squared distance (m²) from (x, y) to the rings of polygon p. */
function distanceSqToPolygon(s: RingSet, p: number, x: number, y: number, mx: number, my: number): number {
  const { coords, ringStart } = s
  let best = Infinity
  for (let r = s.polyRings[p]!; r < s.polyRings[p + 1]!; r++) {
    const a = ringStart[r]!
    const b = ringStart[r + 1]!
    for (let i = a, j = b - 2; i < b; j = i, i += 2) {
      const ax = (coords[j]! - x) * mx
      const ay = (coords[j + 1]! - y) * my
      const bx = (coords[i]! - x) * mx
      const by = (coords[i + 1]! - y) * my
      const dx = bx - ax
      const dy = by - ay
      const len = dx * dx + dy * dy
      const t = len > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len)) : 0
      const px = ax + t * dx
      const py = ay + t * dy
      const d = px * px + py * py
      if (d < best) best = d
    }
  }
  return best
}

/** A uniform grid of buckets over the polygons' boxes (CSR layout: start offsets, then items). */
interface Buckets {
  x0: number
  y0: number
  cw: number
  ch: number
  nx: number
  ny: number
  start: Int32Array
  items: Int32Array
}

function buildBuckets(s: RingSet): Buckets {
  const n = s.owner.length
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  for (let p = 0; p < n; p++) {
    x0 = Math.min(x0, s.bbox[p * 4]!)
    y0 = Math.min(y0, s.bbox[p * 4 + 1]!)
    x1 = Math.max(x1, s.bbox[p * 4 + 2]!)
    y1 = Math.max(y1, s.bbox[p * 4 + 3]!)
  }
  if (n === 0) return { x0: 0, y0: 0, cw: 1, ch: 1, nx: 1, ny: 1, start: new Int32Array(2), items: new Int32Array(0) }
  // About two buckets per polygon: a bucket then holds a handful of candidates.
  const w = Math.max(x1 - x0, 1e-9)
  const h = Math.max(y1 - y0, 1e-9)
  const cells = Math.max(1, n * 2)
  const nx = Math.max(1, Math.min(4096, Math.round(Math.sqrt((cells * w) / h))))
  const ny = Math.max(1, Math.min(4096, Math.round(cells / nx)))
  const cw = w / nx
  const ch = h / ny
  const range = (p: number): [number, number, number, number] => [
    Math.min(nx - 1, Math.max(0, Math.floor((s.bbox[p * 4]! - x0) / cw))),
    Math.min(ny - 1, Math.max(0, Math.floor((s.bbox[p * 4 + 1]! - y0) / ch))),
    Math.min(nx - 1, Math.max(0, Math.floor((s.bbox[p * 4 + 2]! - x0) / cw))),
    Math.min(ny - 1, Math.max(0, Math.floor((s.bbox[p * 4 + 3]! - y0) / ch))),
  ]
  const counts = new Int32Array(nx * ny + 1)
  for (let p = 0; p < n; p++) {
    const [a, b, c, d] = range(p)
    for (let j = b; j <= d; j++) for (let i = a; i <= c; i++) counts[j * nx + i]!++
  }
  const start = new Int32Array(nx * ny + 1)
  for (let k = 0; k < nx * ny; k++) start[k + 1] = start[k]! + counts[k]!
  const fill = start.slice(0, nx * ny)
  const items = new Int32Array(start[nx * ny]!)
  for (let p = 0; p < n; p++) {
    const [a, b, c, d] = range(p)
    for (let j = b; j <= d; j++) for (let i = a; i <= c; i++) items[fill[j * nx + i]!++] = p
  }
  return { x0, y0, cw, ch, nx, ny, start, items }
}

/** Polygons whose box contains (x, y) and whose rings contain it; the first such polygon or -1. */
function findContaining(s: RingSet, b: Buckets, x: number, y: number): number {
  const i = Math.floor((x - b.x0) / b.cw)
  const j = Math.floor((y - b.y0) / b.ch)
  if (i < 0 || j < 0 || i >= b.nx || j >= b.ny) return -1
  const k = j * b.nx + i
  const bbox = s.bbox
  for (let q = b.start[k]!; q < b.start[k + 1]!; q++) {
    const p = b.items[q]!
    if (x < bbox[p * 4]! || x > bbox[p * 4 + 2]! || y < bbox[p * 4 + 1]! || y > bbox[p * 4 + 3]!) continue
    if (inPolygon(s, p, x, y)) return p
  }
  return -1
}

/** The nearest polygon within `maxM` metres, or -1 (searches the buckets that box covers). */
function findNearest(s: RingSet, b: Buckets, x: number, y: number, maxM: number): number {
  const [mx, my] = metresPerDegree(y)
  const rx = maxM / mx
  const ry = maxM / my
  const i0 = Math.max(0, Math.floor((x - rx - b.x0) / b.cw))
  const i1 = Math.min(b.nx - 1, Math.floor((x + rx - b.x0) / b.cw))
  const j0 = Math.max(0, Math.floor((y - ry - b.y0) / b.ch))
  const j1 = Math.min(b.ny - 1, Math.floor((y + ry - b.y0) / b.ch))
  let best = -1
  let bestD = maxM * maxM
  const seen = new Set<number>()
  for (let j = j0; j <= j1; j++) {
    for (let i = i0; i <= i1; i++) {
      const k = j * b.nx + i
      for (let q = b.start[k]!; q < b.start[k + 1]!; q++) {
        const p = b.items[q]!
        if (seen.has(p)) continue
        seen.add(p)
        // Box distance first: most candidates are far.
        const bx = Math.max(s.bbox[p * 4]! - x, 0, x - s.bbox[p * 4 + 2]!) * mx
        const by = Math.max(s.bbox[p * 4 + 1]! - y, 0, y - s.bbox[p * 4 + 3]!) * my
        if (bx * bx + by * by > bestD) continue
        const d = distanceSqToPolygon(s, p, x, y, mx, my)
        if (d <= bestD) {
          bestD = d
          best = p
        }
      }
    }
  }
  return best
}

export interface AreaLocator {
  /** Where a WGS84 point is (see Location). */
  locate(lng: number, lat: number): Location
  /** How many microgrids it knows. */
  readonly size: number
}

/**
 * Builds a locator over microgrids and the district outline. Without a district outline, points
 * near no microgrid count as outside.
 * @example const loc = buildAreaLocator(micro, [district]); codesOf(loc.locate(120.26, 30.16)).gridCode
 */
export function buildAreaLocator(micro: readonly LocatorArea[], district: readonly (MultiPolygon | Polygon)[]): AreaLocator {
  const rings = buildRingSet(micro.map((m) => m.geometry))
  const buckets = buildBuckets(rings)
  const outline = buildRingSet(district)
  const outlineBuckets = buildBuckets(outline)
  const inDistrict = (x: number, y: number) => findContaining(outline, outlineBuckets, x, y) >= 0
  return {
    size: micro.length,
    locate(lng, lat) {
      const p = findContaining(rings, buckets, lng, lat)
      if (p >= 0) return { kind: 'in', area: micro[rings.owner[p]!]! }
      if (district.length > 0 && !inDistrict(lng, lat)) return { kind: 'outside' }
      const near = findNearest(rings, buckets, lng, lat, SNAP_M)
      if (near >= 0) return { kind: 'near', area: micro[rings.owner[near]!]! }
      return district.length > 0 ? { kind: 'unlocated' } : { kind: 'outside' }
    },
  }
}

interface AreaDbRow {
  code: string
  level: string
  parent_code: string | null
  geojson: string | null
}

/** What a locator is built from (plain data: it can be sent to worker threads). */
export interface LocatorData {
  micro: LocatorArea[]
  district: (MultiPolygon | Polygon)[]
}

/**
 * Reads the leaf areas (with their grid, village and town by parent_code) and the district
 * outline from admin_areas. Leaves are microgrids where a district has them; a district without
 * microgrids (or a village without grids) is located by its deepest level.
 * @example buildAreaLocator(...Object.values(await loadLocatorData(db.sql)))
 */
export async function loadLocatorData(sql: Sql): Promise<LocatorData> {
  // 15 decimals: ST_AsGeoJSON's default of 9 would move edges by up to 0.1 mm.
  const rows = await sql<AreaDbRow[]>`
    SELECT a.code, a.level, a.parent_code,
           CASE WHEN a.level = 'district' OR NOT EXISTS (SELECT 1 FROM admin_areas c WHERE c.parent_code = a.code)
                THEN ST_AsGeoJSON(a.geom, 15) END AS geojson
    FROM admin_areas a`
  const byCode = new Map(rows.map((r) => [r.code, r]))
  const ancestor = (code: string | null, level: string): string | null => {
    // From the leaf itself: a grid leaf is its own grid.
    for (let c = code, hops = 0; c !== null && hops < 10; hops++) {
      const r = byCode.get(c)
      if (!r) return null
      if (r.level === level) return r.code
      c = r.parent_code
    }
    return null
  }
  const micro: LocatorArea[] = []
  const district: (MultiPolygon | Polygon)[] = []
  for (const r of rows) {
    if (r.geojson === null) continue
    const geometry = JSON.parse(r.geojson) as MultiPolygon | Polygon
    if (r.level === 'district') district.push(geometry)
    else {
      micro.push({
        code: r.code,
        microgridCode: ancestor(r.code, 'microgrid'),
        gridCode: ancestor(r.code, 'grid'),
        villageCode: ancestor(r.code, 'village'),
        townCode: ancestor(r.code, 'town'),
        geometry,
      })
    }
  }
  micro.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
  return { micro, district }
}

/**
 * Loads the locator of this database's areas.
 * @example const locator = await loadAreaLocator(db.sql); locator.locate(120.26, 30.16)
 */
export async function loadAreaLocator(sql: Sql): Promise<AreaLocator> {
  const data = await loadLocatorData(sql)
  return buildAreaLocator(data.micro, data.district)
}
