/**
 * What every placed record of the full view (houses, residents, organisations, disputes, devices)
 * shares in its answers: where it is — the GeoJSON point, its address and how it was placed, its
 * area codes — read with one SELECT fragment and written with one mapper, and a by-id lookup that
 * takes either the numeric id or the source's id. Shared by the server and the web app (zod only
 * in the schemas; the SQL helpers take a postgres.js tag).
 */
import type { PendingQuery, Row } from 'postgres'
import { z } from 'zod'

import type { Queryable } from '../db/index.ts'

/** A GeoJSON point (RFC 7946: longitude, latitude). */
export const PointGeometrySchema = z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) })
export type PointGeometry = z.infer<typeof PointGeometrySchema>

/** The properties of where a record is, spread into each record's properties schema. */
export const PLACED_PROPERTIES = {
  address: z.string().nullable(),
  addressId: z.string().nullable(),
  geocodeLevel: z.string().nullable(),
  /** The point only stands for the road, village or town the address named. */
  approximate: z.boolean(),
  townCode: z.string().nullable(),
  villageCode: z.string().nullable(),
  gridCode: z.string().nullable(),
  microgridCode: z.string().nullable(),
}

/**
 * A point Feature of the given properties (null geometry when unplaced).
 * @example const HouseFeatureSchema = pointFeatureSchema(HousePropertiesSchema)
 */
export function pointFeatureSchema<P extends z.ZodType>(properties: P) {
  return z.object({ type: z.literal('Feature'), id: z.number().int(), geometry: PointGeometrySchema.nullable(), properties })
}

/** How many match a list's filters in the caller's areas: on the first page only (as OGC's numberMatched). */
export const NumberMatchedSchema = z.number().int().nonnegative().optional()

/**
 * A page of Features, newest first; `next` is the cursor of the following page.
 * @example const HousePageSchema = featurePageSchema(HouseFeatureSchema)
 */
export function featurePageSchema<F extends z.ZodType>(feature: F) {
  return z.object({ type: z.literal('FeatureCollection'), features: z.array(feature), next: z.string().nullable() })
}

/** The placement columns as placedColumns reads them. */
export interface PlacedRow {
  address: string | null
  address_id: string | null
  geocode_level: string | null
  approximate: boolean
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  microgrid_code: string | null
  lng: number | null
  lat: number | null
}

/**
 * The SELECT list of a placed table's placement columns, for the table aliased `alias`.
 * @example sql`SELECT h.id, ${placedColumns(sql, 'h')} FROM houses h`
 */
export function placedColumns(sql: Queryable, alias: string): PendingQuery<Row[]> {
  const t = sql(alias)
  return sql`${t}.address, ${t}.address_id, ${t}.geocode_level, ${t}.approximate, ${t}.town_code, ${t}.village_code,
    ${t}.grid_code, ${t}.microgrid_code, ST_X(${t}.geom) AS lng, ST_Y(${t}.geom) AS lat`
}

/**
 * A row's point, or null when it is unplaced.
 * @example placedPoint({ lng: 120.27, lat: 30.18 }) // { type: 'Point', coordinates: [120.27, 30.18] }
 */
export function placedPoint(r: Pick<PlacedRow, 'lng' | 'lat'>): PointGeometry | null {
  return r.lng === null || r.lat === null ? null : { type: 'Point', coordinates: [r.lng, r.lat] }
}

/**
 * A row's placement as answer properties (PLACED_PROPERTIES).
 * @example placedProperties(row).villageCode // '330109001001'
 */
export function placedProperties(r: PlacedRow): { [K in keyof typeof PLACED_PROPERTIES]: z.infer<(typeof PLACED_PROPERTIES)[K]> } {
  return {
    address: r.address,
    addressId: r.address_id,
    geocodeLevel: r.geocode_level,
    approximate: r.approximate,
    townCode: r.town_code,
    villageCode: r.village_code,
    gridCode: r.grid_code,
    microgridCode: r.microgrid_code,
  }
}

/** The full view's tables looked up by id, with the column of the source's id. */
export const SOURCE_ID_COLUMNS = {
  houses: 'house_id',
  residents: 'person_id',
  organisations: 'org_id',
  disputes: 'case_id',
  devices: 'device_id',
  patrols: 'patrol_id',
} as const
export type SourceIdTable = keyof typeof SOURCE_ID_COLUMNS

/**
 * The numeric id of a record given its id or the source's id (the numeric id wins), in the
 * caller's scope (row-level security), or null.
 * @example await resolveRecordId(tx, 'houses', 'H-0001') // '3'
 */
export async function resolveRecordId(sql: Queryable, table: SourceIdTable, idOrSourceId: string): Promise<string | null> {
  const id = /^\d{1,18}$/.test(idOrSourceId) ? idOrSourceId : null
  const [row] = await sql<{ id: string }[]>`
    SELECT id::text FROM ${sql(table)} WHERE id = ${id}::bigint OR ${sql(SOURCE_ID_COLUMNS[table])} = ${idOrSourceId}
    ORDER BY (id = ${id}::bigint) IS TRUE DESC LIMIT 1`
  return row?.id ?? null
}
