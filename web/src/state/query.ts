/** The map's filters as the query strings of each API that takes them. */
import type { Filters } from './url.ts'

/** A WGS84 box: minLng, minLat, maxLng, maxLat. */
export type Bbox = [number, number, number, number]

/** Builds `?a=1&b=2` from the entries that have a value (empty string when none do). */
export function queryString(params: Record<string, string | null | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, v)
  const s = q.toString().replace(/%2C/g, ',')
  return s ? `?${s}` : ''
}

const categoryParam = (f: Filters) => (f.categories.length > 0 ? f.categories.join(',') : null)

/** Incident points (`/tiles/incidents/…`) and cell counts (`/api/h3`): period, categories and area. */
export function tileQuery(f: Filters): string {
  return queryString({ from: f.from, to: f.to, category: categoryParam(f), area: f.area })
}

/** `GET /api/stats/timeseries` over a domain (the histogram shows more than the chosen period). */
export function timeseriesQuery(f: Filters, domain: { from: string; to: string }, bucket: 'day' | 'week' | 'month'): string {
  return queryString({ from: domain.from, to: domain.to, bucket, category: categoryParam(f), area: f.area })
}

/** `GET /api/incidents` (and the cell sparkline): every filter, plus an optional box. */
export function incidentsQuery(f: Filters, bbox: Bbox | null, limit: number): string {
  return queryString({
    from: f.from,
    to: f.to,
    category: categoryParam(f),
    area: f.area,
    bbox: bbox ? formatBbox(bbox) : null,
    limit: String(limit),
  })
}

/** A box as the API's `bbox` parameter, to ~1 m. */
export function formatBbox(b: Bbox): string {
  return b.map((v) => v.toFixed(5)).join(',')
}

/** Layers the export offers (collection ids of /ogc and /api/export). */
export const EXPORT_LAYERS = ['incidents', 'warnings', 'hazards', 'tasks'] as const
export type ExportLayer = (typeof EXPORT_LAYERS)[number]

/**
 * `GET /api/export/{layer}.{format}` with the map's filters and the view's box. Incidents take the
 * period and categories; warnings, hazards and tasks are drawn whatever the period (open items),
 * so they export by area and box only.
 */
export function exportUrl(layer: ExportLayer, format: 'geojson' | 'csv', f: Filters, bbox: Bbox): string {
  const timed = layer === 'incidents'
  return `/api/export/${layer}.${format}${queryString({
    from: timed ? f.from : null,
    to: timed ? f.to : null,
    category: timed ? categoryParam(f) : null,
    area: f.area,
    bbox: formatBbox(bbox),
  })}`
}
