/**
 * The collection registry: every layer served by OGC API – Features (/ogc) and by the exports
 * (/api/export) is one entry here. An entry says where its rows come from, its key (feature id
 * and paging order), geometry, optional time property, properties and extra filters, each as a
 * postgres.js fragment; server/ogc/features.ts builds every query from these parts.
 * Adding a layer (warnings, hazards, tasks with issue 6; the full view's with issue 26) is one more
 * entry in COLLECTIONS.
 */
import type { PendingQuery, Row } from 'postgres'
import { z } from 'zod'

import type { AreaLevel } from '../areas/schema.ts'
import { AreaCodeSchema } from '../areas/schema.ts'
import { expandCategoryCodes } from '../categories/queries.ts'
import { CategoryListSchema } from '../categories/schema.ts'
import type { Tx } from '../db/index.ts'
import { MATCH_LEVELS } from '../geocode/schema.ts'
import { HazardCategorySchema, HazardSourceSchema } from '../hazards/schema.ts'
import { parseInput } from '../http/errors.ts'
import { areaCondition } from '../shared/area-sql.ts'
import { findArea } from '../stats/queries.ts'
import { overdueTaskSql } from '../tasks/store.ts'
import { areaCodeFilters, codedAreaFilter, enumFilter, equalsFilter } from './filters.ts'
import { FULL_VIEW_COLLECTIONS } from './fullview-collections.ts'

export type Fragment = PendingQuery<Row[]>
/** A piece of SQL built on the query's own connection (fragments must not cross transactions). */
export type SqlPart = (sql: Tx) => Fragment

/** A JSON Schema fragment, for queryables and the OpenAPI document. */
export type JsonSchema = { [key: string]: unknown }

/** One property of a collection's features. */
export interface PropertyDef {
  /** Name in GeoJSON `properties`, in CSV headers and in `properties=`. */
  name: string
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date-time'
  description: string
  /** The SQL expression (over the entry's `from`). */
  expr: SqlPart
  /** Free text that may name people or carry phone and ID numbers: masked for callers without `pii`. */
  personal?: true
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
  /** 'Geometry' = mixed (a warning is a cell polygon, an area polygon or a point). */
  geometryType: 'Point' | 'LineString' | 'MultiPolygon' | 'Geometry'
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
  description:
    'An administrative area code (town, village, grid or microgrid): incidents placed in it. The district code means all incidents.',
  schema: { type: 'string', pattern: '^\\d{6,20}$' },
  async resolve(sql, raw) {
    const { area } = parseInput(z.object({ area: AreaCodeSchema }), { area: raw }, 'query')
    const ref = await findArea(sql, area)
    return (s) => areaCondition(s, 'i', ref)
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
  description:
    'Incidents as reported and geocoded (points, WGS84; approximate = the representative point of the road, village or town the address named; null geometry when they could not be placed). The feature id is the numeric id.',
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
    {
      name: 'geocodeLevel',
      type: 'string',
      description: 'How finely it was placed (room … district, none)',
      expr: (sql) => sql`i.geocode_level`,
    },
    { name: 'geocodeScore', type: 'number', description: 'Geocoding score', expr: (sql) => sql`i.geocode_score` },
    {
      name: 'approximate',
      type: 'boolean',
      description: 'The point only stands for the road, village or town the address named (no finer place was found)',
      expr: (sql) => sql`i.approximate`,
    },
    {
      name: 'outsideDistrict',
      type: 'boolean',
      description:
        'It came with a point outside the district, which was not used (unplaced unless its address named an area of the district)',
      expr: (sql) => sql`i.outside_district`,
    },
    { name: 'townCode', type: 'string', description: 'Town code', expr: (sql) => sql`i.town_code` },
    { name: 'villageCode', type: 'string', description: 'Village code', expr: (sql) => sql`i.village_code` },
    { name: 'gridCode', type: 'string', description: 'Grid code', expr: (sql) => sql`i.grid_code` },
    {
      name: 'description',
      type: 'string',
      description: 'Description (Chinese; names, phone and ID numbers masked without the right to see them)',
      expr: (sql) => sql`i.description`,
      personal: true,
    },
  ],
  filters: [
    categoryFilter,
    incidentAreaFilter,
    enumFilter('status', ['open', 'in_progress', 'closed', 'cancelled'], (s) => s`i.status`, 'Status'),
    equalsFilter('source', (s) => s`i.source`, 'Reporting source', { type: 'string', maxLength: 200 }),
    enumFilter('geocodeLevel', MATCH_LEVELS, (s) => s`i.geocode_level`, 'How finely it was placed'),
    ...areaCodeFilters('i'),
  ],
}

const warnings: CollectionDef = {
  id: 'warnings',
  title: '预警 (warnings)',
  description: 'Warnings raised by the warning models (H3 cell or area polygons, or points; WGS84). The feature id is the numeric id.',
  geometryType: 'Geometry',
  from: (sql) => sql`warnings w`,
  key: { expr: (sql) => sql`w.id`, type: 'bigint' },
  geometry: (sql) => sql`w.geom`,
  time: { property: 'lastTriggeredAt', expr: (sql) => sql`w.last_triggered_at` },
  properties: [
    { name: 'id', type: 'integer', description: 'Numeric id', expr: (sql) => sql`w.id` },
    { name: 'model', type: 'string', description: 'Warning model id', expr: (sql) => sql`w.model_id` },
    { name: 'level', type: 'string', description: 'red, orange or yellow', expr: (sql) => sql`w.level` },
    { name: 'status', type: 'string', description: 'new, acknowledged, tasked, resolved or expired', expr: (sql) => sql`w.status` },
    { name: 'title', type: 'string', description: 'Title (Chinese)', expr: (sql) => sql`w.title` },
    {
      name: 'explanation',
      type: 'string',
      description: 'The numbers that triggered it, in words (Chinese)',
      expr: (sql) => sql`w.explanation`,
    },
    { name: 'firstTriggeredAt', type: 'date-time', description: 'First triggered', expr: (sql) => sql`w.first_triggered_at` },
    { name: 'lastTriggeredAt', type: 'date-time', description: 'Last triggered', expr: (sql) => sql`w.last_triggered_at` },
    { name: 'triggerCount', type: 'integer', description: 'Runs that triggered it', expr: (sql) => sql`w.trigger_count` },
    { name: 'townCode', type: 'string', description: 'Town code', expr: (sql) => sql`w.town_code` },
    { name: 'villageCode', type: 'string', description: 'Village code', expr: (sql) => sql`w.village_code` },
    { name: 'gridCode', type: 'string', description: 'Grid code', expr: (sql) => sql`w.grid_code` },
  ],
  filters: [
    enumFilter('level', ['red', 'orange', 'yellow'], (s) => s`w.level`, 'Warning level'),
    enumFilter('status', ['new', 'acknowledged', 'tasked', 'resolved', 'expired'], (s) => s`w.status`, 'Warning status'),
    codedAreaFilter('w', 'Warnings in this area'),
    equalsFilter('model', (s) => s`w.model_id`, 'Warning model id', { type: 'string', pattern: '^[a-z][a-z0-9_-]{1,62}$' }),
    ...areaCodeFilters('w'),
  ],
}

const hazards: CollectionDef = {
  id: 'hazards',
  title: '隐患 (hazards)',
  description: 'The hazards register (points, WGS84; null geometry when they could not be placed). The feature id is the numeric id.',
  geometryType: 'Point',
  from: (sql) => sql`hazards h`,
  key: { expr: (sql) => sql`h.id`, type: 'bigint' },
  geometry: (sql) => sql`h.geom`,
  time: { property: 'reportedAt', expr: (sql) => sql`h.reported_at` },
  properties: [
    { name: 'id', type: 'integer', description: 'Numeric id', expr: (sql) => sql`h.id` },
    { name: 'hazardId', type: 'string', description: 'The source system’s id', expr: (sql) => sql`h.hazard_id` },
    { name: 'source', type: 'string', description: 'self_check, grid_inspection or regulator_inspection', expr: (sql) => sql`h.source` },
    { name: 'category', type: 'string', description: 'Hazard category', expr: (sql) => sql`h.category` },
    { name: 'severity', type: 'string', description: 'general, serious or major', expr: (sql) => sql`h.severity` },
    { name: 'status', type: 'string', description: 'reported, confirmed, rectifying or closed', expr: (sql) => sql`h.status` },
    {
      name: 'description',
      type: 'string',
      description: 'Description (Chinese; names, phone and ID numbers masked without the right to see them)',
      expr: (sql) => sql`h.description`,
      personal: true,
    },
    {
      name: 'placeName',
      type: 'string',
      description: 'Premises (names, phone and ID numbers masked without the right to see them)',
      expr: (sql) => sql`h.place_name`,
      personal: true,
    },
    {
      name: 'dueDate',
      type: 'string',
      description: 'Last day to rectify (YYYY-MM-DD)',
      expr: (sql) => sql`to_char(h.due_date, 'YYYY-MM-DD')`,
    },
    { name: 'reportedAt', type: 'date-time', description: 'When it was reported', expr: (sql) => sql`h.reported_at` },
    { name: 'address', type: 'string', description: 'Address as reported', expr: (sql) => sql`h.address` },
    { name: 'townCode', type: 'string', description: 'Town code', expr: (sql) => sql`h.town_code` },
    { name: 'villageCode', type: 'string', description: 'Village code', expr: (sql) => sql`h.village_code` },
    { name: 'gridCode', type: 'string', description: 'Grid code', expr: (sql) => sql`h.grid_code` },
  ],
  filters: [
    enumFilter('status', ['reported', 'confirmed', 'rectifying', 'closed'], (s) => s`h.status`, 'Hazard status'),
    enumFilter('severity', ['general', 'serious', 'major'], (s) => s`h.severity`, 'Severity'),
    codedAreaFilter('h', 'Hazards in this area'),
    enumFilter('source', HazardSourceSchema.options, (s) => s`h.source`, 'How it was found'),
    enumFilter('category', HazardCategorySchema.options, (s) => s`h.category`, 'Hazard category'),
    ...areaCodeFilters('h'),
  ],
}

const tasks: CollectionDef = {
  id: 'tasks',
  title: '整治任务 (rectification tasks)',
  description:
    'Rectification tasks (points: the hazard’s or warning’s point, else the assigned area’s label point; WGS84). The feature id is the numeric id.',
  geometryType: 'Point',
  from: (sql) => sql`tasks t`,
  key: { expr: (sql) => sql`t.id`, type: 'bigint' },
  geometry: (sql) => sql`t.geom`,
  time: { property: 'createdAt', expr: (sql) => sql`t.created_at` },
  properties: [
    { name: 'id', type: 'integer', description: 'Numeric id', expr: (sql) => sql`t.id` },
    {
      name: 'title',
      type: 'string',
      description: 'Title (Chinese; names, phone and ID numbers masked without the right to see them)',
      expr: (sql) => sql`t.title`,
      personal: true,
    },
    { name: 'source', type: 'string', description: 'warning, hazard or manual', expr: (sql) => sql`t.source` },
    { name: 'warningId', type: 'integer', description: 'The warning it came from', expr: (sql) => sql`t.warning_id` },
    { name: 'hazardId', type: 'integer', description: 'The hazard it came from', expr: (sql) => sql`t.hazard_id` },
    {
      name: 'status',
      type: 'string',
      description: 'issued, accepted, in_progress, submitted, closed or returned',
      expr: (sql) => sql`t.status`,
    },
    { name: 'areaCode', type: 'string', description: 'Assigned town, village or grid', expr: (sql) => sql`t.area_code` },
    { name: 'townCode', type: 'string', description: 'Town code', expr: (sql) => sql`t.town_code` },
    { name: 'villageCode', type: 'string', description: 'Village code', expr: (sql) => sql`t.village_code` },
    { name: 'gridCode', type: 'string', description: 'Grid code', expr: (sql) => sql`t.grid_code` },
    { name: 'assigneeTeam', type: 'string', description: 'Responsible team', expr: (sql) => sql`t.assignee_team` },
    {
      name: 'dueDate',
      type: 'string',
      description: 'Last day to close it (YYYY-MM-DD)',
      expr: (sql) => sql`to_char(t.due_date, 'YYYY-MM-DD')`,
    },
    { name: 'overdue', type: 'boolean', description: 'Past its due date and not closed', expr: (sql) => overdueTaskSql(sql, new Date()) },
    { name: 'createdAt', type: 'date-time', description: 'When it was issued', expr: (sql) => sql`t.created_at` },
  ],
  filters: [
    enumFilter('status', ['issued', 'accepted', 'in_progress', 'submitted', 'closed', 'returned'], (s) => s`t.status`, 'Task status'),
    codedAreaFilter('t', 'Tasks in this area'),
    enumFilter('source', ['warning', 'hazard', 'manual'], (s) => s`t.source`, 'Where it came from'),
    ...areaCodeFilters('t'),
  ],
}

/** Every collection, in the order /ogc/collections lists them. */
export const COLLECTIONS: readonly CollectionDef[] = [
  adminCollection('towns', 'town', '乡镇/街道 (towns)'),
  adminCollection('villages', 'village', '村/社区 (villages and communities)'),
  adminCollection('grids', 'grid', '网格 (grids)'),
  adminCollection('microgrids', 'microgrid', '微网格 (micro-grids)'),
  incidents,
  warnings,
  hazards,
  tasks,
  ...FULL_VIEW_COLLECTIONS,
]

/**
 * The collection with this id, or undefined.
 * @example findCollection('incidents')?.time?.property // 'reportedAt'
 */
export function findCollection(id: string): CollectionDef | undefined {
  return COLLECTIONS.find((c) => c.id === id)
}
