/**
 * The collection registry: every layer served by OGC API – Features (/ogc) and by the exports
 * (/api/export) is one entry here. An entry says where its rows come from, its key (feature id
 * and paging order), geometry, optional time property, properties and extra filters, each as a
 * postgres.js fragment; server/ogc/features.ts builds every query from these parts.
 * Adding a layer (warnings, hazards, tasks with issue 6) is one more entry in COLLECTIONS.
 */
import type { PendingQuery, Row } from 'postgres'
import { z } from 'zod'
import { AreaCodeSchema } from '../areas/schema.ts'
import type { AreaLevel } from '../areas/schema.ts'
import { expandCategoryCodes } from '../categories/queries.ts'
import { CategoryListSchema } from '../categories/schema.ts'
import type { Tx } from '../db/index.ts'
import { parseInput } from '../http/errors.ts'
import { areaCondition } from '../incidents/query.ts'
import { findArea } from '../stats/queries.ts'

export type Fragment = PendingQuery<Row[]>
/** A piece of SQL built on the query's own connection (fragments must not cross transactions). */
export type SqlPart = (sql: Tx) => Fragment

/** A JSON Schema fragment, for queryables and the OpenAPI document. */
export type JsonSchema = { [key: string]: unknown }

/** One property of a collection's features. */
export interface PropertyDef {
  /** Name in GeoJSON `properties`, in CSV headers and in `properties=`. */
  name: string
  type: 'string' | 'integer' | 'number' | 'date-time'
  description: string
  /** The SQL expression (over the entry's `from`). */
  expr: SqlPart
}

/**
 * An extra query parameter (Part 3 "queryables as query parameters"). `resolve` validates the raw
 * value and looks up what it needs (400/404 on bad input); the returned part is the condition,
 * starting with AND. Resolving apart from building lets an export check its filters before it
 * starts streaming on another transaction.
 */
export interface FilterDef {
  name: string
  description: string
  schema: JsonSchema
  resolve(sql: Tx, raw: string): Promise<SqlPart>
}

export interface CollectionDef {
  id: string
  title: string
  description: string
  geometryType: 'Point' | 'MultiPolygon'
  /** FROM clause (a LEFT JOIN to a unique key is fine: PostgreSQL drops it from counts). */
  from: SqlPart
  /** What belongs to this collection (starting with AND), if the table holds more. */
  where?: SqlPart
  /** Feature id and keyset order: one unique, non-null column. */
  key: { expr: SqlPart; type: 'bigint' | 'text' }
  /** Geometry in EPSG:4326; may be null for some rows (an unplaced incident). */
  geometry: SqlPart
  /** The time property `datetime` (and the export's from/to) apply to; none = not temporal. */
  time?: { property: string; expr: SqlPart }
  properties: PropertyDef[]
  filters: FilterDef[]
}

/** Feature ids as they appear in URLs, per key type. */
export const KEY_SCHEMAS = {
  bigint: z.string().regex(/^\d{1,18}$/, 'a numeric feature id'),
  text: z.string().min(1).max(200),
} as const

const categoryFilter: FilterDef = {
  name: 'category',
  description: 'Category or item codes, comma-separated (`01` = all items of 治安, `0101` = 入室盗窃); see /api/categories.',
  schema: { type: 'string', pattern: '^\\d{2}(\\d{2})?(,\\d{2}(\\d{2})?)*$' },
  async resolve(sql, raw) {
    const { category } = parseInput(z.object({ category: CategoryListSchema }), { category: raw }, 'query')
    const items = await expandCategoryCodes(sql, category, 'query.category')
    return (s) => s`AND i.category_code = ANY(${items}::text[])`
  },
}

const incidentAreaFilter: FilterDef = {
  name: 'area',
  description: 'An administrative area code (town, village, grid or microgrid): incidents placed in it. The district code means all incidents.',
  schema: { type: 'string', pattern: '^\\d{6,20}$' },
  async resolve(sql, raw) {
    const { area } = parseInput(z.object({ area: AreaCodeSchema }), { area: raw }, 'query')
    const ref = await findArea(sql, area)
    return (s) => areaCondition(s, ref)
  },
}

const withinAreaFilter: FilterDef = {
  name: 'area',
  description: 'An administrative area code: only areas inside it (codes nest, e.g. 330109001 ⊃ 330109001001).',
  schema: { type: 'string', pattern: '^\\d{6,20}$' },
  async resolve(_sql, raw) {
    const { area } = parseInput(z.object({ area: AreaCodeSchema }), { area: raw }, 'query')
    // Digits only (validated), so LIKE sees no wildcards in the prefix.
    return (s) => s`AND a.code LIKE ${`${area}%`}`
  },
}

/**
 * A collection of one administrative level of admin_areas.
 * @example adminCollection('towns', 'town', '乡镇/街道 (towns)').key.type // 'text'
 */
function adminCollection(id: string, level: AreaLevel, title: string): CollectionDef {
  return {
    id,
    title,
    description: `Administrative areas of level ${level} (polygons, WGS84); the feature id is the area code.`,
    geometryType: 'MultiPolygon',
    from: (sql) => sql`admin_areas a`,
    where: (sql) => sql`AND a.level = ${level}`,
    key: { expr: (sql) => sql`a.code`, type: 'text' },
    geometry: (sql) => sql`a.geom`,
    properties: [
      { name: 'code', type: 'string', description: 'Area code', expr: (sql) => sql`a.code` },
      { name: 'name', type: 'string', description: 'Name', expr: (sql) => sql`a.name` },
      { name: 'level', type: 'string', description: 'Administrative level', expr: (sql) => sql`a.level` },
      { name: 'parentCode', type: 'string', description: 'Code of the containing area', expr: (sql) => sql`a.parent_code` },
      { name: 'population', type: 'integer', description: 'Resident population, when known', expr: (sql) => sql`a.population` },
    ],
    filters: [withinAreaFilter],
  }
}

const incidents: CollectionDef = {
  id: 'incidents',
  title: '警情 (incidents)',
  description: 'Incidents as reported and geocoded (points, WGS84; null geometry when they could not be placed). The feature id is the numeric id.',
  geometryType: 'Point',
  from: (sql) => sql`incidents i LEFT JOIN incident_categories c ON c.code = i.category_code`,
  key: { expr: (sql) => sql`i.id`, type: 'bigint' },
  geometry: (sql) => sql`i.geom`,
  time: { property: 'reportedAt', expr: (sql) => sql`i.reported_at` },
  // The same properties as GET /api/incidents.
  properties: [
    { name: 'id', type: 'integer', description: 'Numeric id', expr: (sql) => sql`i.id` },
    { name: 'incidentId', type: 'string', description: 'The source system’s id', expr: (sql) => sql`i.incident_id` },
    { name: 'reportedAt', type: 'date-time', description: 'When it was reported', expr: (sql) => sql`i.reported_at` },
    { name: 'category', type: 'string', description: 'Category item code', expr: (sql) => sql`i.category_code` },
    { name: 'categoryName', type: 'string', description: 'Category item name (Chinese)', expr: (sql) => sql`c.name_zh` },
    { name: 'address', type: 'string', description: 'Address as reported', expr: (sql) => sql`i.address` },
    { name: 'status', type: 'string', description: 'Status', expr: (sql) => sql`i.status` },
    { name: 'source', type: 'string', description: 'Reporting source', expr: (sql) => sql`i.source` },
    { name: 'geocodeLevel', type: 'string', description: 'How finely it was placed (room … district, none)', expr: (sql) => sql`i.geocode_level` },
    { name: 'geocodeScore', type: 'number', description: 'Geocoding score', expr: (sql) => sql`i.geocode_score` },
    { name: 'townCode', type: 'string', description: 'Town code', expr: (sql) => sql`i.town_code` },
    { name: 'villageCode', type: 'string', description: 'Village code', expr: (sql) => sql`i.village_code` },
    { name: 'gridCode', type: 'string', description: 'Grid code', expr: (sql) => sql`i.grid_code` },
  ],
  filters: [categoryFilter, incidentAreaFilter],
}

/** Every collection, in the order /ogc/collections lists them. */
export const COLLECTIONS: readonly CollectionDef[] = [
  adminCollection('towns', 'town', '乡镇/街道 (towns)'),
  adminCollection('villages', 'village', '村/社区 (villages and communities)'),
  adminCollection('grids', 'grid', '网格 (grids)'),
  adminCollection('microgrids', 'microgrid', '微网格 (micro-grids)'),
  incidents,
]

/**
 * The collection with this id, or undefined.
 * @example findCollection('incidents')?.time?.property // 'reportedAt'
 */
export function findCollection(id: string): CollectionDef | undefined {
  return COLLECTIONS.find((c) => c.id === id)
}
