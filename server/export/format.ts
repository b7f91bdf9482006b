/**
 * Pure pieces of the exports: file names, coordinate conversion, and the GeoJSON and CSV text
 * of a batch of features.
 */
import { stringify } from 'csv-stringify/sync'
import type { Geometry, Position } from 'geojson'

import { type Crs, fromWgs84 } from '../geo/crs.ts'
import type { CollectionDef } from '../ogc/collections.ts'
import type { OgcFeature } from '../ogc/features.ts'
import { shanghaiIso, shanghaiMinute } from '../shared/time.ts'
import type { ExportFormat } from './schema.ts'

/**
 * A from/to value for a file name: a date stays as given; an instant becomes its Asia/Shanghai
 * local time, minutes precision, without characters file systems dislike.
 * @example momentLabel('2026-10-01') // '2026-10-01'
 * @example momentLabel('2026-10-01T00:30:00Z') // '2026-10-01T0830'
 */
export function momentLabel(raw: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return raw
  const local = shanghaiMinute(new Date(raw))
  return `${local.slice(0, 10)}T${local.slice(11, 13)}${local.slice(14, 16)}`
}

/**
 * The download's file name: layer, area and time range (and the CRS when not WGS84).
 * @example exportFileName({ layer: 'incidents', format: 'geojson', area: '330109001', from: '2026-10-01', to: '2026-11-01', crs: 'wgs84' }) // 'incidents_330109001_2026-10-01_2026-11-01.geojson'
 * @example exportFileName({ layer: 'towns', format: 'csv', crs: 'gcj02' }) // 'towns_gcj02.csv'
 */
export function exportFileName(o: {
  layer: string
  format: ExportFormat
  area?: string | undefined
  from?: string | undefined
  to?: string | undefined
  crs: Crs
}): string {
  const parts = [o.layer]
  if (o.area) parts.push(o.area)
  if (o.from && o.to) parts.push(momentLabel(o.from), momentLabel(o.to))
  else if (o.from) parts.push(`from-${momentLabel(o.from)}`)
  else if (o.to) parts.push(`until-${momentLabel(o.to)}`)
  if (o.crs !== 'wgs84') parts.push(o.crs)
  return `${parts.join('_')}.${o.format}`
}

/**
 * A position converted from WGS84 to `crs` (gcoord), extra ordinates dropped.
 * @example convertPosition([120.2645, 30.1617], 'gcj02') // ≈ [120.26896, 30.15924]
 */
function convertPosition(p: Position, crs: Crs): Position {
  return fromWgs84(p[0]!, p[1]!, crs)
}

/**
 * A geometry with every position converted from WGS84 to `crs` (the same object for wgs84).
 * @example convertGeometry({ type: 'Point', coordinates: [120.2645, 30.1617] }, 'bd09').coordinates // ≈ [120.2755, 30.1676]
 */
export function convertGeometry<G extends Geometry | null>(g: G, crs: Crs): G {
  if (crs === 'wgs84' || g === null) return g
  const c = (p: Position) => convertPosition(p, crs)
  const geom: Geometry = g
  switch (geom.type) {
    case 'Point':
      return { ...geom, coordinates: c(geom.coordinates) } as G
    case 'MultiPoint':
    case 'LineString':
      return { ...geom, coordinates: geom.coordinates.map(c) } as G
    case 'MultiLineString':
    case 'Polygon':
      return { ...geom, coordinates: geom.coordinates.map((r) => r.map(c)) } as G
    case 'MultiPolygon':
      return { ...geom, coordinates: geom.coordinates.map((p) => p.map((r) => r.map(c))) } as G
    case 'GeometryCollection':
      return { ...geom, geometries: geom.geometries.map((x) => convertGeometry(x, crs)) } as G
  }
}

/**
 * Well-known text of a geometry (for the CSV of polygon layers).
 * @example toWkt({ type: 'Point', coordinates: [120.1, 30.2] }) // 'POINT(120.1 30.2)'
 */
export function toWkt(g: Geometry | null): string {
  if (g === null) return ''
  const pos = (p: Position) => `${p[0]} ${p[1]}`
  const ring = (r: Position[]) => `(${r.map(pos).join(',')})`
  switch (g.type) {
    case 'Point':
      return `POINT(${pos(g.coordinates)})`
    case 'MultiPoint':
      return `MULTIPOINT(${g.coordinates.map((p) => `(${pos(p)})`).join(',')})`
    case 'LineString':
      return `LINESTRING${ring(g.coordinates)}`
    case 'MultiLineString':
      return `MULTILINESTRING(${g.coordinates.map(ring).join(',')})`
    case 'Polygon':
      return `POLYGON(${g.coordinates.map(ring).join(',')})`
    case 'MultiPolygon':
      return `MULTIPOLYGON(${g.coordinates.map((p) => `(${p.map(ring).join(',')})`).join(',')})`
    case 'GeometryCollection':
      return `GEOMETRYCOLLECTION(${g.geometries.map(toWkt).join(',')})`
  }
}

/**
 * CSV columns of a layer: its properties, then lng/lat for points or wkt for other geometries.
 * @example csvColumns(incidents).slice(-2) // ['lng', 'lat']
 */
export function csvColumns(def: CollectionDef): string[] {
  return [...def.properties.map((p) => p.name), ...(def.geometryType === 'Point' ? ['lng', 'lat'] : ['wkt'])]
}

/**
 * A date-time value as a CSV cell: ISO 8601 in Asia/Shanghai time with its offset
 * (`2026-10-04T10:00:00+08:00`). A CSV is read by people (Excel), who would take a UTC `…Z`
 * time for local; the offset keeps it exact for programs.
 * @example csvTime('2026-10-04T02:00:00.000Z') // '2026-10-04T10:00:00+08:00'
 */
export function csvTime(v: unknown): unknown {
  if (typeof v !== 'string' && !(v instanceof Date)) return v
  const d = new Date(v)
  return Number.isNaN(d.getTime()) ? v : shanghaiIso(d)
}

/**
 * One CSV record of a (converted) feature, in csvColumns order; times in Asia/Shanghai (csvTime).
 * @example csvRecord(incidents, feature).slice(-2) // [120.27, 30.18]
 */
export function csvRecord(def: CollectionDef, f: OgcFeature): (string | number | boolean | null)[] {
  const values = def.properties.map((p) => {
    const v = f.properties[p.name] ?? null
    return p.type === 'date-time' ? (csvTime(v) as typeof v) : v
  })
  if (def.geometryType !== 'Point') return [...values, toWkt(f.geometry)]
  const point = f.geometry?.type === 'Point' ? f.geometry.coordinates : null
  return [...values, point?.[0] ?? null, point?.[1] ?? null]
}

/**
 * The text of a batch of features in the export format. The first CSV batch carries a BOM and
 * the header (Excel needs the BOM to read UTF-8 Chinese); GeoJSON features after the first one
 * start with a comma.
 * @example batchText(incidents, 'csv', features, true) // '\ufeffid,incidentId,…\r\n…'
 */
export function batchText(def: CollectionDef, format: ExportFormat, features: OgcFeature[], first: boolean): string {
  if (format === 'csv') {
    return stringify(
      features.map((f) => csvRecord(def, f)),
      { header: first, bom: first, columns: csvColumns(def), record_delimiter: 'windows' },
    )
  }
  return features.map((f, i) => (first && i === 0 ? '' : ',\n') + JSON.stringify(f)).join('')
}

/**
 * What comes before the first feature: the FeatureCollection opening (GeoJSON) or nothing
 * (CSV: the header goes with the first batch; an empty export still gets it, see exportTail).
 * @example exportHead('geojson', 'wgs84') // '{"type":"FeatureCollection","features":[\n'
 */
export function exportHead(format: ExportFormat, crs: Crs): string {
  if (format === 'csv') return ''
  // RFC 7946 coordinates are WGS84; other systems are named in a foreign member.
  const crsMember = crs === 'wgs84' ? '' : `"coordinateSystem":${JSON.stringify(crs)},`
  return `{"type":"FeatureCollection",${crsMember}"features":[\n`
}

/**
 * What closes the file; a CSV without rows still gets its header.
 * @example exportTail(incidents, 'geojson', 3) // '\n]}\n'
 */
export function exportTail(def: CollectionDef, format: ExportFormat, rows: number): string {
  if (format === 'geojson') return '\n]}\n'
  return rows === 0 ? stringify([], { header: true, bom: true, columns: csvColumns(def), record_delimiter: 'windows' }) : ''
}
