/**
 * Queries over any registered collection (server/ogc/collections.ts): filtered counts, keyset
 * pages, single features, extents, and a cursor over all matching rows for the exports.
 */
import type { Geometry } from 'geojson'

import { maskPii } from '../auth/mask.ts'
import type { Tx } from '../db/index.ts'
import { invalidField } from '../shared/errors.ts'
import type { CollectionDef, Fragment, PropertyDef, SqlPart } from './collections.ts'
import type { Bbox, TimeRange } from './params.ts'

/** What selects the features of a collection, filters already resolved. */
export interface ItemFilter {
  bbox: Bbox | null
  time: TimeRange | null
  /** Resolved extra filters (category, area …). */
  filters: SqlPart[]
}

export type PropertyValue = string | number | boolean | null

/** A feature of any collection (RFC 7946: lon/lat, WGS84; null geometry allowed). */
export interface OgcFeature {
  type: 'Feature'
  id: string | number
  geometry: Geometry | null
  properties: Record<string, PropertyValue>
}

/** A row of the feature SELECT: key, geometry (parsed GeoJSON) and one column per property. */
export type FeatureRow = { __key: string; __geometry: Geometry | null } & Record<string, unknown>

/**
 * Resolves the extra filters given in `raw` (name → raw value); unknown names never get here
 * (the request schema rejects them).
 * @example await resolveFilters(tx, incidents, { category: '01' }) // [part]
 */
export async function resolveFilters(sql: Tx, def: CollectionDef, raw: Record<string, string | undefined>): Promise<SqlPart[]> {
  const parts: SqlPart[] = []
  for (const f of def.filters) {
    const value = raw[f.name]
    if (value !== undefined) parts.push(await f.resolve(sql, value))
  }
  return parts
}

/**
 * The WHERE conditions (each starting with AND) of a filter on a collection.
 * @example sql`SELECT count(*) FROM ${def.from(sql)} WHERE true ${conditions(sql, def, filter)}`
 */
function conditions(sql: Tx, def: CollectionDef, f: ItemFilter): Fragment {
  if (f.time && !def.time) throw invalidField('query.datetime', `collection ${def.id} has no time property`)
  // Fresh fragments for every use: a postgres.js fragment is not meant to be embedded twice.
  let out = def.where ? def.where(sql) : sql``
  for (const part of f.filters) out = sql`${out} ${part(sql)}`
  if (f.bbox) {
    const [x0, y0, x1, y1] = f.bbox
    out = sql`${out} AND ST_Intersects(${def.geometry(sql)}, ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, 4326))`
  }
  // Bounds go in as text cast in SQL: a JS Date would drop microseconds.
  const time = def.time?.expr
  if (f.time && time) {
    if (f.time.gte) out = sql`${out} AND ${time(sql)} >= ${f.time.gte}::text::timestamptz`
    if (f.time.lt) out = sql`${out} AND ${time(sql)} < ${f.time.lt}::text::timestamptz`
    if (f.time.lte) out = sql`${out} AND ${time(sql)} <= ${f.time.lte}::text::timestamptz`
  }
  return out
}

/**
 * The SELECT list: key, geometry as GeoJSON and the chosen properties under their own names.
 * 15 decimals: full double precision, so coordinates equal GET /api/incidents' (ST_X/ST_Y) exactly.
 * @example sql`SELECT ${selectList(sql, def, def.properties)} FROM ${def.from(sql)}`
 */
function selectList(sql: Tx, def: CollectionDef, props: readonly PropertyDef[]): Fragment {
  let out = sql`${def.key.expr(sql)}::text AS __key, ST_AsGeoJSON(${def.geometry(sql)}, 15)::json AS __geometry`
  for (const p of props) out = sql`${out}, ${p.expr(sql)} AS ${sql(p.name)}`
  return out
}

/**
 * A property's value as JSON: times as ISO strings, numbers as numbers (int8 arrives as text).
 * @example propertyValue({ type: 'integer' } as PropertyDef, '42') // 42
 */
export function propertyValue(p: PropertyDef, v: unknown): PropertyValue {
  if (v === null || v === undefined) return null
  switch (p.type) {
    case 'date-time':
      return v instanceof Date ? v.toISOString() : String(v)
    case 'integer':
    case 'number':
      return Number(v)
    case 'boolean':
      return v === true || v === 't' || v === 'true'
    default:
      return String(v)
  }
}

/**
 * Maps a row to its GeoJSON Feature (numeric keys become numeric ids, which GDAL uses as FIDs).
 * @example toFeature(incidents, row, incidents.properties).id // 42
 */
export function toFeature(def: CollectionDef, row: FeatureRow, props: readonly PropertyDef[]): OgcFeature {
  const properties: Record<string, PropertyValue> = {}
  for (const p of props) properties[p.name] = propertyValue(p, row[p.name])
  return {
    type: 'Feature',
    id: def.key.type === 'bigint' ? Number(row.__key) : row.__key,
    geometry: row.__geometry,
    properties,
  }
}

/**
 * Masks the personal free-text properties of features in place (server/auth/mask.ts), for
 * callers without the `pii` permission and in exports by default.
 * @example maskPersonal(incidents, page.features)
 */
export function maskPersonal<F extends { properties: Record<string, PropertyValue> }>(def: CollectionDef, features: F[]): F[] {
  const personal = def.properties.filter((p) => p.personal).map((p) => p.name)
  if (personal.length === 0) return features
  for (const f of features) {
    for (const name of personal) {
      const v = f.properties[name]
      if (typeof v === 'string') f.properties[name] = maskPii(v)
    }
  }
  return features
}

/**
 * How many features match (numberMatched).
 * @example await countItems(tx, incidents, { bbox: null, time: null, filters: [] }) // 50000
 */
export async function countItems(sql: Tx, def: CollectionDef, f: ItemFilter): Promise<number> {
  const [row] = await sql<{ n: string }[]>`SELECT count(*) AS n FROM ${def.from(sql)} WHERE true ${conditions(sql, def, f)}`
  return Number(row?.n ?? 0)
}

/**
 * The keyset condition: rows after the last key of the previous page.
 * @example sql`… WHERE true ${afterKey(sql, def, '42')}` // AND i.id > 42
 */
function afterKey(sql: Tx, def: CollectionDef, after: string | null): Fragment {
  if (after === null) return sql``
  return def.key.type === 'bigint' ? sql`AND ${def.key.expr(sql)} > ${after}::bigint` : sql`AND ${def.key.expr(sql)} > ${after}::text`
}

/**
 * Up to `limit` rows in key order after the key `after` (null: from the start).
 * @example (await pageRows(tx, incidents, filter, 1000, '41', incidents.properties))[0].__key // '42'
 */
export async function pageRows(
  sql: Tx,
  def: CollectionDef,
  f: ItemFilter,
  limit: number,
  after: string | null,
  props: readonly PropertyDef[],
): Promise<FeatureRow[]> {
  return sql<FeatureRow[]>`
    SELECT ${selectList(sql, def, props)}
    FROM ${def.from(sql)}
    WHERE true ${conditions(sql, def, f)} ${afterKey(sql, def, after)}
    ORDER BY ${def.key.expr(sql)}
    LIMIT ${limit}`
}

/**
 * One page in key order after `after`, and the key to continue from (null on the last page).
 * Paging by key, not offset, so rows added meanwhile neither repeat nor push others off a page.
 * @example await pageItems(tx, incidents, filter, 10, null, incidents.properties) // { features, nextKey: '10' }
 */
export async function pageItems(
  sql: Tx,
  def: CollectionDef,
  f: ItemFilter,
  limit: number,
  after: string | null,
  props: readonly PropertyDef[],
): Promise<{ features: OgcFeature[]; nextKey: string | null }> {
  // One row more than asked tells whether a next page exists.
  const rows = await pageRows(sql, def, f, limit + 1, after, props)
  const page = rows.slice(0, limit)
  return {
    features: page.map((r) => toFeature(def, r, props)),
    nextKey: rows.length > limit ? (page.at(-1)?.__key ?? null) : null,
  }
}

/**
 * One feature by id (as text; the caller has checked it against the key type), or null.
 * @example await getItem(tx, towns, '330109001', towns.properties) // { type: 'Feature', id: '330109001', … }
 */
export async function getItem(sql: Tx, def: CollectionDef, id: string, props: readonly PropertyDef[]): Promise<OgcFeature | null> {
  const key = def.key.type === 'bigint' ? sql`${id}::bigint` : sql`${id}::text`
  const [row] = await sql<FeatureRow[]>`
    SELECT ${selectList(sql, def, props)}
    FROM ${def.from(sql)}
    WHERE ${def.key.expr(sql)} = ${key} ${def.where ? def.where(sql) : sql``}`
  return row ? toFeature(def, row, props) : null
}

/**
 * All matching rows in key order, `batch` at a time, through a server-side cursor: memory stays
 * flat whatever the size. Breaking out of the loop closes the cursor.
 * @example for await (const rows of streamItems(tx, incidents, filter, incidents.properties, 1000)) write(rows)
 */
export function streamItems(
  sql: Tx,
  def: CollectionDef,
  f: ItemFilter,
  props: readonly PropertyDef[],
  batch: number,
): AsyncIterable<FeatureRow[]> {
  return sql<FeatureRow[]>`
    SELECT ${selectList(sql, def, props)}
    FROM ${def.from(sql)}
    WHERE true ${conditions(sql, def, f)}
    ORDER BY ${def.key.expr(sql)}`.cursor(batch)
}

export interface Extent {
  bbox: Bbox
  /** [first, last] of the time property (ISO), when the collection has one. */
  interval: [string | null, string | null] | null
}

/**
 * A collection's extent: the district's bounding box (everything we hold lies in it; computing
 * the extent of a million incidents per request would not pay) and the time span, read from
 * the ends of the time index.
 * @example await collectionExtent(tx, incidents) // { bbox: [120.1, 29.9, 120.7, 30.4], interval: ['2025-11-01T…', '2026-10-31T…'] }
 */
export async function collectionExtent(sql: Tx, def: CollectionDef): Promise<Extent> {
  const [d] = await sql<{ xmin: number | null; ymin: number | null; xmax: number | null; ymax: number | null }[]>`
    SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
    FROM (SELECT ST_Extent(geom) AS e FROM admin_areas WHERE level = 'district') x`
  const bbox: Bbox =
    d && d.xmin !== null && d.ymin !== null && d.xmax !== null && d.ymax !== null ? [d.xmin, d.ymin, d.xmax, d.ymax] : [-180, -90, 180, 90]
  if (!def.time) return { bbox, interval: null }
  const t = def.time.expr
  const end = (dir: Fragment) => sql`
    SELECT ${t(sql)} FROM ${def.from(sql)} WHERE ${t(sql)} IS NOT NULL ${def.where ? def.where(sql) : sql``} ORDER BY ${t(sql)} ${dir} LIMIT 1`
  // ORDER BY … LIMIT 1 rather than min()/max(): it still uses the time index through the join.
  const [span] = await sql<{ lo: Date | null; hi: Date | null }[]>`SELECT (${end(sql`ASC`)}) AS lo, (${end(sql`DESC`)}) AS hi`
  return { bbox, interval: [span?.lo?.toISOString() ?? null, span?.hi?.toISOString() ?? null] }
}
