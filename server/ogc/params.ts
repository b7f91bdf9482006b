/**
 * Query parameters of OGC API – Features Part 1 (`bbox`, `datetime`, `limit`, `f`) and of our
 * keyset paging (`cursor`), as zod schemas with small pure helpers.
 */
import { z } from 'zod'

export const DEFAULT_LIMIT = 10
export const MAX_LIMIT = 10_000

/** `limit`: 1..10,000, default 10 (Part 1's defaults); out of range is a 400, not a silent clamp. */
export const LimitSchema = z.coerce
  .number({ error: 'an integer from 1 to 10000' })
  .int('an integer from 1 to 10000')
  .min(1, 'an integer from 1 to 10000')
  .max(MAX_LIMIT, 'an integer from 1 to 10000')
  .default(DEFAULT_LIMIT)

/** `f`: the representation. Only JSON (GeoJSON for features) is offered. */
export const FormatSchema = z.enum(['json', 'geojson'], { error: 'only f=json (or geojson) is offered' }).optional()

/**
 * Splits a comma-separated list, trimming blanks away.
 * @example splitList(' a, b,,c ') // ['a', 'b', 'c']
 */
export function splitList(s: string): string[] {
  return s.split(',').map((v) => v.trim()).filter((v) => v !== '')
}

/**
 * `bbox`: 4 numbers (minLon,minLat,maxLon,maxLat) or 6 (with min/max height, which is ignored:
 * our features are flat) in CRS84. Boxes across the antimeridian are refused; nothing of ours is there.
 */
export const OgcBboxSchema = z
  .string()
  .transform((s) => s.split(',').map((v) => (v.trim() === '' ? NaN : Number(v))))
  .pipe(z.array(z.number({ error: 'numbers' })).refine((a) => a.length === 4 || a.length === 6, 'four numbers (minLon,minLat,maxLon,maxLat) or six with heights'))
  .transform((a): [number, number, number, number] => (a.length === 6 ? [a[0]!, a[1]!, a[3]!, a[4]!] : [a[0]!, a[1]!, a[2]!, a[3]!]))
  .refine(([x0, y0, x1, y1]) => [x0, x1].every((x) => x >= -180 && x <= 180) && [y0, y1].every((y) => y >= -90 && y <= 90), 'longitudes within ±180, latitudes within ±90')
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

const DATE = /^(\d{4})-(\d{2})-(\d{2})T?$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$/

/** One end of a `datetime` value: a whole day (Asia/Shanghai) or an instant. */
type Moment = { kind: 'day'; start: string; next: string } | { kind: 'instant'; at: string }

/**
 * Reads one moment: a date is the whole Asia/Shanghai day (as everywhere in this API; GDAL sends
 * dates with a trailing `T`); a date-time must carry its offset (RFC 3339). Null when malformed.
 * @example parseMoment('2026-10-01') // { kind: 'day', start: '2026-10-01T00:00:00+08:00', next: '2026-10-02T00:00:00+08:00' }
 * @example parseMoment('2026-10-01T08:00:00Z') // { kind: 'instant', at: '2026-10-01T08:00:00Z' }
 */
export function parseMoment(s: string): Moment | null {
  const d = DATE.exec(s)
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])]
    const date = new Date(Date.UTC(y, m - 1, day))
    if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== day) return null
    const next = new Date(Date.UTC(y, m - 1, day + 1)).toISOString().slice(0, 10)
    return { kind: 'day', start: `${s.slice(0, 10)}T00:00:00+08:00`, next: `${next}T00:00:00+08:00` }
  }
  if (DATE_TIME.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T')))) return { kind: 'instant', at: s.replace(' ', 'T') }
  return null
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
  const start = open(a) ? null : parseMoment(a)
  const end = open(b) ? null : parseMoment(b)
  if ((!open(a) && !start) || (!open(b) && !end)) return null
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
    ctx.addIssue({ code: 'custom', message: 'an RFC 3339 date-time (with offset) or date (Asia/Shanghai), or an interval start/end with `..` for an open end, start not after end' })
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

export const CursorSchema = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'a cursor from a `next` link').transform(decodeKey)
