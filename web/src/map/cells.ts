/**
 * The H3 cell counts behind the cell layers (deck.gl's hexagons; MapLibre's heatmap and incident
 * clusters): which resolution and box a view asks `GET /api/h3` for, whether loaded data still
 * covers a view, and the numbers the layers are drawn with. Pure functions, no deck.gl (that
 * loads lazily).
 */
import type { ExpressionSpecification } from 'maplibre-gl'

import type { Bbox } from '../state/query.ts'
import { countBreaks, countLegend, HEAT_RAMP, type LegendStop } from './legend.ts'

/** One cell of `GET /api/h3` (server/tiles/schema.ts H3ResponseSchema). */
export interface CellCount {
  h3: string
  count: number
}

/** `GET /api/h3`'s answer. */
export interface CellsResponse {
  res: number
  cells: CellCount[]
  truncated: boolean
}

/** Checks the shape of a `GET /api/h3` answer (a server of another version must not break the map). */
export function parseCells(v: unknown): CellsResponse {
  const o = v as Partial<CellsResponse> | null
  if (!o || typeof o.res !== 'number' || !Array.isArray(o.cells)) throw new Error('/api/h3: expected { res, cells }')
  const cells = o.cells.filter((c): c is CellCount => typeof c?.h3 === 'string' && typeof c.count === 'number')
  return { res: o.res, cells, truncated: o.truncated === true }
}

/** Below this zoom incidents are drawn as cell clusters; from it on as points (our tiles). */
export const CLUSTER_MAXZOOM = 13

/** The H3 resolution drawn at a map zoom: the tiles' choice (server/tiles/tile-math.ts), so counts agree. */
export function resolutionForZoom(zoom: number): 7 | 8 | 9 | 10 {
  const z = Math.floor(zoom)
  if (z <= 10) return 7
  if (z === 11) return 8
  if (z <= 13) return 9
  return 10
}

/** A box grown by `f` of its size on every side, so small pans stay inside what was loaded. */
export function padBox(b: Bbox, f: number): Bbox {
  const dx = (b[2] - b[0]) * f
  const dy = (b[3] - b[1]) * f
  return [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy]
}

/** Whether `outer` contains `inner`. */
export function boxContains(outer: Bbox, inner: Bbox): boolean {
  return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3]
}

/** What a view needs loaded: a resolution, a box and the filter query (`?from=…&area=…`). */
export interface CellsRequest {
  res: number
  bbox: Bbox
  query: string
}

/**
 * Whether the loaded request still serves a view: same resolution and filters, view inside its box.
 * @example covers({ res: 7, bbox: [0, 0, 2, 2], query: '' }, { res: 7, bbox: [0.5, 0.5, 1, 1], query: '' }) // true
 */
export function covers(loaded: CellsRequest | null, want: CellsRequest): boolean {
  return loaded !== null && loaded.res === want.res && loaded.query === want.query && boxContains(loaded.bbox, want.bbox)
}

/** The `GET /api/h3` URL of a request: the filter query plus resolution and box (to ~1 m). */
export function cellsUrl(r: CellsRequest): string {
  const q = new URLSearchParams(r.query.startsWith('?') ? r.query.slice(1) : r.query)
  q.set('res', String(r.res))
  q.set('bbox', r.bbox.map((v) => v.toFixed(5)).join(','))
  return `/api/h3?${q.toString().replace(/%2C/g, ',')}`
}

/**
 * The H3 legend for the counts in view: breaks up to the 98th percentile, so one exceptional cell
 * does not flatten the scale; null when nothing is in view.
 */
export function legendForCounts(counts: readonly number[]): LegendStop[] | null {
  if (counts.length === 0) return null
  const sorted = [...counts].sort((a, b) => a - b)
  return countLegend(countBreaks(sorted[Math.floor((sorted.length - 1) * 0.98)]!))
}

/** An RGBA colour (0–255) from `#rrggbb` or `rgb(…)`/`rgba(…)` text. */
export function rgba(colour: string, alpha = 1): [number, number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour)
  if (hex) return [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16), parseInt(hex[3]!, 16), Math.round(alpha * 255)]
  const fn = /^rgba?\(([^)]+)\)$/.exec(colour)
  if (!fn) throw new Error(`not a colour: ${colour}`)
  const [r, g, b, a = '1'] = fn[1]!.split(',').map((s) => s.trim())
  return [Number(r), Number(g), Number(b), Math.round(Number(a) * alpha * 255)]
}

/** The legend colour of a count: the last stop whose lower bound it reaches (the first below all). */
export function colourForCount(count: number, stops: readonly LegendStop[]): string {
  let out = stops[0]?.colour ?? '#999999'
  for (const s of stops) if (count >= s.value) out = s.colour
  return out
}

/**
 * Piecewise-linear interpolation through knots [x, y] sorted by x, held flat beyond both ends.
 * @example piecewiseLinear(5, [[0, 0], [10, 100]]) // 50
 */
export function piecewiseLinear(x: number, knots: readonly (readonly [number, number])[]): number {
  if (x <= knots[0]![0]) return knots[0]![1]
  for (let i = 1; i < knots.length; i++) {
    const [x0, y0] = knots[i - 1]!
    const [x1, y1] = knots[i]!
    if (x <= x1) return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0)
  }
  return knots[knots.length - 1]![1]
}

/**
 * The same interpolation as a MapLibre expression on `input` (linear between the knots, flat
 * beyond both ends), so the style draws what piecewiseLinear computes; knots may be colours.
 * @example knotsExpression(['zoom'], [[0, 0], [10, 100]]) // ['interpolate', ['linear'], ['zoom'], 0, 0, 10, 100]
 */
export function knotsExpression(
  input: ExpressionSpecification,
  knots: readonly (readonly [number, number | string])[],
): ExpressionSpecification {
  return ['interpolate', ['linear'], input, ...knots.flat()] as ExpressionSpecification
}

const CLUSTER_RADIUS_KNOTS: readonly [number, number][] = [
  [1, 2.5],
  [10, 12],
  [30, 22],
]

/** A cluster's radius in pixels: area grows with the count (2.5 px for 1, 12 for 10, 22 for 30 and up). */
export function clusterRadius(count: number): number {
  return piecewiseLinear(Math.sqrt(Math.max(count, 0)), CLUSTER_RADIUS_KNOTS)
}

/** clusterRadius as the clusters' `circle-radius`, on a cell point's `count`. */
export const CLUSTER_RADIUS_EXPRESSION = knotsExpression(['sqrt', ['max', ['get', 'count'], 0]], CLUSTER_RADIUS_KNOTS)

const HEAT_RADIUS_KNOTS: readonly [number, number][] = [
  [8, 22],
  [10, 40],
  [10.99, 52],
  [11, 34],
  [11.99, 56],
  [12, 32],
  [13.99, 60],
  [14, 30],
  [17, 70],
]

/**
 * The heatmap kernel radius in pixels at a zoom: cell centres are about a cell apart on screen,
 * and the kernel spans the gap so the surface is smooth (resolutions step at z11, z12 and z14).
 */
export function heatRadius(zoom: number): number {
  return piecewiseLinear(zoom, HEAT_RADIUS_KNOTS)
}

/** heatRadius as the heatmap's `heatmap-radius` (by zoom). */
export const HEAT_RADIUS_EXPRESSION = knotsExpression(['zoom'], HEAT_RADIUS_KNOTS)

/** The heatmap's colour ramp as its `heatmap-color` (on the density, 0 → 1). */
export const HEAT_COLOUR_EXPRESSION = knotsExpression(['heatmap-density'], HEAT_RAMP)

/**
 * MapLibre's heatmap kernel at its centre: a point of weight 1 and intensity 1 reaches this density
 * (1/√(2π), from its Gaussian; the kernel is cut at 3σ = the radius, so neighbours a radius apart
 * add under 2 %).
 */
export const HEAT_KERNEL_PEAK = 0.3989422804014327

/** The heatmap's `heatmap-intensity`: the busiest cell's point (weight 1) reaches the top of the ramp. */
export const HEAT_INTENSITY = 1 / HEAT_KERNEL_PEAK

/** A cell as a point at its centre, for the heatmap and clusters; `weight` is its share of the busiest cell. */
export interface CellPointProperties {
  h3: string
  count: number
  weight: number
}

/**
 * The loaded cells as points at their centres (`centre(h3)` gives [lng, lat]), each weighted by
 * its count over the busiest cell's, so the heatmap's scale follows the data as deck.gl's did.
 * @example cellPoints([{ h3: 'a', count: 5 }, { h3: 'b', count: 10 }], () => [120, 30]).features[0].properties // { h3: 'a', count: 5, weight: 0.5 }
 */
export function cellPoints(
  cells: readonly CellCount[],
  centre: (h3: string) => [number, number],
): GeoJSON.FeatureCollection<GeoJSON.Point, CellPointProperties> {
  const max = cells.reduce((m, c) => Math.max(m, c.count), 0)
  return {
    type: 'FeatureCollection',
    features: cells.map((c) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: centre(c.h3) },
      properties: { h3: c.h3, count: c.count, weight: max > 0 ? c.count / max : 0 },
    })),
  }
}

/**
 * The cluster under a screen point: the nearest one whose circle (clusterRadius, plus its 0.8 px
 * outline) holds the point, or null. Clusters are circles of a known pixel size, so a hit test
 * here is exact and spares a GPU picking pass (slow under software WebGL).
 * @example clusterAt({ x: 10, y: 10 }, [{ h3: 'a', count: 100, x: 15, y: 10 }]) // 'a' (radius 12)
 */
export function clusterAt(point: { x: number; y: number }, clusters: readonly (CellCount & { x: number; y: number })[]): string | null {
  let best: { h3: string; d: number } | null = null
  for (const c of clusters) {
    const d = Math.hypot(c.x - point.x, c.y - point.y)
    if (d <= clusterRadius(c.count) + 0.8 && (!best || d < best.d)) best = { h3: c.h3, d }
  }
  return best?.h3 ?? null
}
