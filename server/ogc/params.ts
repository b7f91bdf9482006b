/**
 * Query parameters of OGC API – Features Part 1 (`bbox`, `datetime`, `limit`, `f`) and of our
 * keyset paging (`cursor`), as zod schemas with small pure helpers.
 */
import { z } from 'zod'

import { addDays } from '../shared/time.ts'

/**
 * 1,000 features a page unless asked (a page of incidents is about 0.5 MB of GeoJSON); at most
 * 10,000. Part 1's default of 10 makes a client walking a collection ask 5,000 times for the demo
 * incidents, so a `next` link never asks for less than the default (see nextLimit).
 */
export const DEFAULT_LIMIT = 1_000
export const MAX_LIMIT = 10_000

/**
 * `limit`: a positive integer, default 1,000; above 10,000 it is read as 10,000 (Part 1: a limit
 * over the maximum is not an error); zero, negative or not an integer is a 400.
 */
export const LimitSchema = z.coerce
  .number({ error: 'a positive integer' })
  .int('a positive integer')
  .min(1, 'a positive integer')
  .transform((n) => Math.min(n, MAX_LIMIT))
  .default(DEFAULT_LIMIT)

/**
 * The `limit` a `next` link asks for: the page asked for, but at least the default, so a client
 * that opened with a small page (GDAL before 3.9 sends limit=10) walks the rest in full pages.
 * @example nextLimit(10) // 1000
 * @example nextLimit(5000) // 5000
 */
export function nextLimit(limit: number): number {
  return Math.max(limit, DEFAULT_LIMIT)
}

/** `f`: the representation. Only JSON (GeoJSON for features) is offered. */
export const FormatSchema = z.enum(['json', 'geojson'], { error: 'only f=json (or geojson) is offered' }).optional()

/**
 * Splits a comma-separated list, trimming blanks away.
 * @example splitList(' a, b,,c ') // ['a', 'b', 'c']
 */
export function splitList(s: string): string[] {
  return s
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
}

/**
 * `bbox`: 4 numbers (minLon,minLat,maxLon,maxLat) or 6 (with min/max height, which is ignored:
 * our features are flat) in CRS84. Boxes across the antimeridian are refused; nothing of ours is there.
 */
export const OgcBboxSchema = z
  .string()
  .transform((s) => s.split(',').map((v) => (v.trim() === '' ? NaN : Number(v))))
  .pipe(
    z
      .array(z.number({ error: 'numbers' }))
      .refine((a) => a.length === 4 || a.length === 6, 'four numbers (minLon,minLat,maxLon,maxLat) or six with heights'),
  )
  .transform((a): [number, number, number, number] => (a.length === 6 ? [a[0]!, a[1]!, a[3]!, a[4]!] : [a[0]!, a[1]!, a[2]!, a[3]!]))
  .refine(
    ([x0, y0, x1, y1]) => [x0, x1].every((x) => x >= -180 && x <= 180) && [y0, y1].every((y) => y >= -90 && y <= 90),
    'longitudes within ±180, latitudes within ±90',
  )
  .refine(([x0, y0, x1, y1]) => x0 <= x1 && y0 <= y1, 'min must not exceed max (boxes across the antimeridian are not supported)')
export type Bbox = [number, number, number, number]

/**
 * A time range to match a collection's time property against. Bounds are ISO text (kept as text
 * so microseconds survive into PostgreSQL); `lt` is an exclusive end, `lte` an inclusive one.
 */
export interface TimeRange {
  gte: string | null
  lt: string | null
  lte: string | null
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
// RFC 3339 date-time: seconds required, `T`, and an offset (Z or ±hh:mm).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt]([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(\.\d{1,9})?([Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/

/** One end of a `datetime` value: a whole day (Asia/Shanghai) or an instant. */
type Moment = { kind: 'day'; start: string; next: string } | { kind: 'instant'; at: string }

/**
 * True when year, month and day name a real calendar day.
 * @example realDay(2026, 2, 30) // false
 */
function realDay(y: number, m: number, d: number): boolean {
  const date = new Date(0)
  date.setUTCFullYear(y, m - 1, d) // not Date.UTC, which reads years 0–99 as 1900–1999
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

// An offset whose '+' arrived as a space: QGIS puts a filter's `+08:00` into the query string
// unencoded, and a query string reads '+' as a space. Nothing else could end that way.
const SPACED_OFFSET = /(T[\d:.]+) ((?:[01]\d|2[0-3]):[0-5]\d)$/

/**
 * Reads one moment, strictly RFC 3339: a full-date is the whole Asia/Shanghai day (as everywhere
 * in this API); a date-time needs seconds and its offset. Anything else (`2026-11-01T`, no
 * seconds, no offset, a space for `T`) is null. The one allowance: an offset's '+' that a query
 * string turned into a space (`…T00:00:00 08:00`) is read as the '+' it was.
 * @example parseMoment('2026-10-01') // { kind: 'day', start: '2026-10-01T00:00:00+08:00', next: '2026-10-02T00:00:00+08:00' }
 * @example parseMoment('2026-10-01T08:00:00Z') // { kind: 'instant', at: '2026-10-01T08:00:00Z' }
 * @example parseMoment('2026-11-01T') // null
 */
export function parseMoment(s: string): Moment | null {
  const d = DATE.exec(s)
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])]
    if (!realDay(y, m, day)) return null
    const next = addDays(s, 1)
    return { kind: 'day', start: `${s}T00:00:00+08:00`, next: `${next}T00:00:00+08:00` }
  }
  const text = s.replace(SPACED_OFFSET, '$1+$2')
  const t = DATE_TIME.exec(text)
  if (t && realDay(Number(t[1]), Number(t[2]), Number(t[3]))) return { kind: 'instant', at: text.toUpperCase() }
  return null
}

/**
 * True for a start too early for the database (before year 1): an open start in effect. QGIS
 * asks `0000-01-01T00:00:00Z/…` for a filter with only an upper bound.
 * @example beforeYearOne({ kind: 'instant', at: '0000-01-01T00:00:00Z' }) // true
 */
function beforeYearOne(m: Moment): boolean {
  return (m.kind === 'day' ? m.start : m.at).startsWith('0000-')
}

/**
 * Parses `datetime`: an instant, or an interval `start/end` whose ends may be open (`..` or empty).
 * Intervals are closed (a date end includes its whole day). Null when malformed or reversed.
 * @example parseDatetime('2026-10-01/..') // { gte: '2026-10-01T00:00:00+08:00', lt: null, lte: null }
 * @example parseDatetime('../2026-10-31T16:00:00Z') // { gte: null, lt: null, lte: '2026-10-31T16:00:00Z' }
 */
export function parseDatetime(s: string): TimeRange | null {
  const parts = s.split('/')
  if (parts.length === 1) {
    const m = parseMoment(s)
    if (!m) return null
    return m.kind === 'day' ? { gte: m.start, lt: m.next, lte: null } : { gte: m.at, lt: null, lte: m.at }
  }
  if (parts.length !== 2) return null
  const [a, b] = parts as [string, string]
  const open = (v: string) => v === '..' || v === ''
  const parsedStart = open(a) ? null : parseMoment(a)
  const end = open(b) ? null : parseMoment(b)
  if ((!open(a) && !parsedStart) || (!open(b) && !end)) return null
  const start = parsedStart && !beforeYearOne(parsedStart) ? parsedStart : null
  const range: TimeRange = {
    gte: start ? (start.kind === 'day' ? start.start : start.at) : null,
    lt: end?.kind === 'day' ? end.next : null,
    lte: end?.kind === 'instant' ? end.at : null,
  }
  const upper = range.lt ?? range.lte
  if (range.gte && upper && Date.parse(range.gte) > Date.parse(upper)) return null
  return range
}

/** `datetime` as a TimeRange. */
export const DatetimeSchema = z.string().transform((s, ctx) => {
  const range = parseDatetime(s)
  if (!range) {
    ctx.addIssue({
      code: 'custom',
      message:
        'an RFC 3339 date-time with seconds and offset (2026-11-01T08:00:00+08:00 or …Z) or a full date (that Asia/Shanghai day), or an interval start/end with `..` for an open end, start not after end',
    })
    return z.NEVER
  }
  return range
})

/**
 * Encodes a keyset position (the last key of a page) as an opaque cursor.
 * @example encodeKey('42') // 'NDI'
 */
export function encodeKey(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url')
}

/**
 * Decodes a cursor back to its key (validated against the collection's key type by the caller).
 * @example decodeKey('NDI') // '42'
 */
export function decodeKey(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8')
}

export const CursorSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,200}$/, 'a cursor from a `next` link')
  .transform(decodeKey)

export const CRS84_URI = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
/** CGCS2000 (China Geodetic Coordinate System 2000), geographic: latitude first, per EPSG. */
export const CGCS2000_URI = 'http://www.opengis.net/def/crs/EPSG/0/4490'
/** The CRSs features are offered in (Part 2), CRS84 first (the storage CRS). */
export const SUPPORTED_CRS = [CRS84_URI, CGCS2000_URI] as const
export type CrsUri = (typeof SUPPORTED_CRS)[number]

/**
 * `crs` / `bbox-crs`: one of SUPPORTED_CRS, as its URI or a safe CURIE (`[EPSG:4490]`, `[OGC:CRS84]`).
 * Anything else is a 400 naming the ones offered.
 */
export const CrsSchema = z.string().transform((v, ctx): CrsUri => {
  const curie = /^\[(EPSG):(\d+)\]$|^\[OGC:(CRS84)\]$/.exec(v)
  const uri = curie ? (curie[3] ? CRS84_URI : `http://www.opengis.net/def/crs/EPSG/0/${curie[2]}`) : v.replace(/^https:/, 'http:')
  const found = SUPPORTED_CRS.find((c) => c === uri)
  if (!found) {
    ctx.addIssue({ code: 'custom', message: `one of ${SUPPORTED_CRS.join(', ')}` })
    return z.NEVER
  }
  return found
})

/**
 * True when coordinates in this CRS come latitude first (EPSG:4490 is a geographic CRS whose
 * EPSG axis order is latitude, longitude; CGCS2000 and WGS84 agree to well under a metre here,
 * so the numbers are the same, only their order changes).
 * @example latFirst(CGCS2000_URI) // true
 */
export function latFirst(crs: CrsUri): boolean {
  return crs === CGCS2000_URI
}

/**
 * A GeoJSON geometry's coordinates with each position's first two numbers swapped (in place).
 * @example swapAxes({ type: 'Point', coordinates: [120.2, 30.1] }) // { type: 'Point', coordinates: [30.1, 120.2] }
 */
export function swapAxes<G extends { type: string }>(g: G): G {
  const swap = (c: unknown): unknown => {
    if (Array.isArray(c) && typeof c[0] === 'number') return [c[1], c[0], ...c.slice(2)]
    return Array.isArray(c) ? c.map(swap) : c
  }
  const geom = g as unknown as { coordinates?: unknown; geometries?: { type: string }[] }
  if (geom.coordinates !== undefined) geom.coordinates = swap(geom.coordinates)
  if (geom.geometries) geom.geometries.forEach(swapAxes)
  return g
}
