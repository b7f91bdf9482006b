/**
 * Devices and their events in the database: the imports' batch writes, the list (with each
 * device's latest event and whether it is alerting), one device, and a device's events. Reads
 * take a transaction (`db.withScope`): row-level security scopes devices by their placement and
 * events by their device (migration 034). Writes never geocode inside a transaction: placement
 * happens before (server/geocode/place-sql.ts).
 */
import crypto from 'node:crypto'

import type { PendingQuery, Row } from 'postgres'

import type { Queryable, Tx } from '../db/index.ts'
import { pointOrNull } from '../geo/crs.ts'
import type { ReportPlacement } from '../geocode/place.ts'
import { placementValues } from '../geocode/place-sql.ts'
import { areaCondition } from '../shared/area-sql.ts'
import { placedColumns, placedPoint, placedProperties, type PlacedRow } from '../shared/placed.ts'
import type { AreaRef } from '../stats/schema.ts'
import {
  DEVICE_EVENT_KIND_NAMES,
  DEVICE_KIND_NAMES,
  type DeviceCsvRow,
  type DeviceEvent,
  type DeviceEventCsvRow,
  type DeviceEventKind,
  type DeviceEventPage,
  type DeviceFeature,
  type DeviceKind,
  type DevicePage,
  type DeviceStatus,
} from './schema.ts'

/** How long an alarm or fault keeps a device alerting without a later `online` or `test`. */
export const ALERT_WINDOW_MS = 24 * 3600_000

/**
 * The hash of a device line as given: equal hashes mean a re-run has nothing to write.
 * @example deviceHash(row) // '9a0e…'
 */
export function deviceHash(r: DeviceCsvRow): string {
  const given = [
    r.device_id,
    r.kind,
    r.name ?? null,
    r.status,
    r.installed_at ?? null,
    r.org_id ?? null,
    r.house_id ?? null,
    r.address_id ?? null,
    r.address ?? null,
    r.lng ?? null,
    r.lat ?? null,
    r.lng === undefined ? null : r.crs,
    r.expected_refill_days ?? null,
    r.source ?? null,
  ]
  return crypto.createHash('sha256').update(JSON.stringify(given)).digest('hex')
}

/**
 * Whether a device line says where the device is itself (else it takes its organisation's or house's place).
 * @example hasOwnPlace({ address: '金城路440号' }) // true
 */
export function hasOwnPlace(r: Pick<DeviceCsvRow, 'address_id' | 'address' | 'lng'>): boolean {
  return r.address_id !== undefined || r.address !== undefined || r.lng !== undefined
}

/** The stored input hashes of devices by device_id. */
export async function deviceHashes(tx: Tx, deviceIds: readonly string[]): Promise<Map<string, string | null>> {
  const rows = await tx<{ device_id: string; input_hash: string | null }[]>`
    SELECT device_id, input_hash FROM devices WHERE device_id = ANY(${deviceIds as string[]}::text[])`
  return new Map(rows.map((r) => [r.device_id, r.input_hash]))
}

/** A device line to write: its parent's numeric ids and, with its own address, its placement. */
export interface DeviceWrite {
  row: DeviceCsvRow
  organisationId: string | null
  houseId: string | null
  /** Its own placement; null: take the organisation's or house's (or none). */
  placement: ReportPlacement | null
}

/**
 * Inserts or rewrites one device (by device_id) with its placement: its own, or copied from its
 * organisation or house. Returns whether it was new and whether it is placed.
 * @example await upsertDevice(tx, { row, organisationId: '3', houseId: null, placement: null }) // { inserted: true, placed: true }
 */
export async function upsertDevice(tx: Tx, w: DeviceWrite): Promise<{ inserted: boolean; placed: boolean }> {
  const r = w.row
  const place: PendingQuery<Row[]> = w.placement
    ? tx`SELECT ${r.address ?? null}::text AS address, ${placementValues(tx, w.placement)}`
    : w.organisationId
      ? tx`SELECT coalesce(${r.address ?? null}::text, address), geom, approximate, outside_district, geocode_level, geocode_score, address_id,
                  town_code, village_code, grid_code, microgrid_code, h3_r7, h3_r8, h3_r9, h3_r10
           FROM organisations WHERE id = ${w.organisationId}::bigint`
      : w.houseId
        ? tx`SELECT coalesce(${r.address ?? null}::text, address), geom, approximate, outside_district, geocode_level, geocode_score, address_id,
                    town_code, village_code, grid_code, microgrid_code, h3_r7, h3_r8, h3_r9, h3_r10
             FROM houses WHERE id = ${w.houseId}::bigint`
        : tx`SELECT ${r.address ?? null}::text, NULL::geometry, false, false, NULL::text, NULL::real, NULL::text, NULL::text, NULL::text,
                    NULL::text, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint`
  const [out] = await tx<{ inserted: boolean; placed: boolean }[]>`
    WITH pl (address, geom, approximate, outside_district, geocode_level, geocode_score, address_id, town_code, village_code, grid_code,
             microgrid_code, h3_r7, h3_r8, h3_r9, h3_r10) AS (${place})
    INSERT INTO devices AS d (device_id, kind, name, status, installed_at, organisation_id, house_id, expected_refill_days, source, input_hash,
                              address, geom, approximate, outside_district, geocode_level, geocode_score, address_id, town_code, village_code,
                              grid_code, microgrid_code, h3_r7, h3_r8, h3_r9, h3_r10)
    SELECT ${r.device_id}, ${r.kind}, ${r.name ?? null}::text, ${r.status}, ${r.installed_at ?? null}::date, ${w.organisationId}::bigint,
           ${w.houseId}::bigint, ${r.expected_refill_days ?? null}::int, ${r.source ?? null}::text, ${deviceHash(r)},
           pl.address, pl.geom, coalesce(pl.approximate, false), coalesce(pl.outside_district, false), pl.geocode_level, pl.geocode_score, pl.address_id, pl.town_code,
           pl.village_code, pl.grid_code, pl.microgrid_code, pl.h3_r7, pl.h3_r8, pl.h3_r9, pl.h3_r10
    FROM (SELECT 1) one LEFT JOIN pl ON true
    ON CONFLICT (device_id) DO UPDATE SET
      kind = EXCLUDED.kind, name = EXCLUDED.name, status = EXCLUDED.status, installed_at = EXCLUDED.installed_at,
      organisation_id = EXCLUDED.organisation_id, house_id = EXCLUDED.house_id, expected_refill_days = EXCLUDED.expected_refill_days,
      source = EXCLUDED.source, input_hash = EXCLUDED.input_hash, address = EXCLUDED.address, geom = EXCLUDED.geom,
      approximate = EXCLUDED.approximate, outside_district = EXCLUDED.outside_district,
      geocode_level = EXCLUDED.geocode_level, geocode_score = EXCLUDED.geocode_score, address_id = EXCLUDED.address_id,
      town_code = EXCLUDED.town_code, village_code = EXCLUDED.village_code, grid_code = EXCLUDED.grid_code,
      microgrid_code = EXCLUDED.microgrid_code, h3_r7 = EXCLUDED.h3_r7, h3_r8 = EXCLUDED.h3_r8, h3_r9 = EXCLUDED.h3_r9,
      h3_r10 = EXCLUDED.h3_r10, updated_at = now()
    RETURNING (d.xmax = 0) AS inserted, d.geom IS NOT NULL AS placed`
  return out!
}

/** An event line to write: its device's numeric id and, if it came with a place, where. */
export interface EventWrite {
  row: DeviceEventCsvRow
  deviceId: string
  placement: ReportPlacement | null
}

/**
 * Inserts a batch of events in one statement; a re-sent one (same device, time and kind) is left
 * as it is. Returns how many were new.
 * @example await insertDeviceEvents(tx, writes) // 4998
 */
export async function insertDeviceEvents(sql: Queryable, events: readonly EventWrite[]): Promise<number> {
  if (events.length === 0) return 0
  const col = <T>(f: (e: EventWrite) => T) => events.map(f)
  const [row] = await sql<{ n: number }[]>`
    WITH ins AS (
      INSERT INTO device_events (device_id, at, kind, value, station, address, address_id, geom, details, source)
      SELECT e.device_id, e.at, e.kind, e.value, e.station, e.address, e.address_id,
             CASE WHEN e.lng IS NULL THEN NULL ELSE ST_SetSRID(ST_Point(e.lng, e.lat), 4326) END, e.details::jsonb, e.source
      FROM unnest(${col((e) => e.deviceId)}::bigint[], ${col((e) => e.row.at.toISOString())}::timestamptz[], ${col((e) => e.row.kind)}::text[],
                  ${col((e) => e.row.value ?? null)}::float8[], ${col((e) => e.row.station ?? null)}::text[],
                  ${col((e) => e.row.address ?? null)}::text[], ${col((e) => e.placement?.addressId ?? e.row.address_id ?? null)}::text[],
                  ${col((e) => e.placement?.point?.[0] ?? null)}::float8[], ${col((e) => e.placement?.point?.[1] ?? null)}::float8[],
                  ${col((e) => JSON.stringify(e.row.details))}::text[], ${col((e) => e.row.source ?? null)}::text[])
        AS e (device_id, at, kind, value, station, address, address_id, lng, lat, details, source)
      ON CONFLICT (device_id, at, kind) DO NOTHING
      RETURNING 1)
    SELECT count(*)::int AS n FROM ins`
  return row!.n
}

interface DeviceRow extends PlacedRow {
  id: string
  device_id: string
  kind: DeviceKind
  name: string | null
  status: DeviceStatus
  installed_at: string | null
  org_id: string | null
  house_source_id: string | null
  expected_refill_days: number | null
  created_at: Date
  updated_at: Date
  alerting: boolean
  last_at: Date | null
  last_kind: DeviceEventKind | null
  last_value: number | null
}

/**
 * SQL for "device `d` is alerting at `now`": an alarm or fault in the 24 h up to now with no later
 * `online` or `test` (up to now).
 * @example sql`SELECT count(*) FROM devices d WHERE ${alertingSql(sql, now)}`
 */
export function alertingSql(sql: Queryable, now: Date): PendingQuery<Row[]> {
  const since = new Date(now.getTime() - ALERT_WINDOW_MS)
  return sql`EXISTS (
    SELECT 1 FROM device_events a
    WHERE a.device_id = d.id AND a.kind IN ('alarm', 'fault') AND a.at > ${since} AND a.at <= ${now}
      AND NOT EXISTS (SELECT 1 FROM device_events r
                      WHERE r.device_id = d.id AND r.kind IN ('online', 'test') AND r.at > a.at AND r.at <= ${now}))`
}

const deviceColumns = (sql: Queryable, now: Date) => sql`
  d.id::text AS id, d.device_id, d.kind, d.name, d.status, d.installed_at::text AS installed_at,
  (SELECT o.org_id FROM organisations o WHERE o.id = d.organisation_id) AS org_id,
  (SELECT h.house_id FROM houses h WHERE h.id = d.house_id) AS house_source_id,
  d.expected_refill_days, ${placedColumns(sql, 'd')}, d.created_at, d.updated_at,
  ${alertingSql(sql, now)} AS alerting, l.at AS last_at, l.kind AS last_kind, l.value AS last_value`

/** The latest event of `d` up to now (LEFT JOIN LATERAL … l). */
const latestJoin = (sql: Queryable, now: Date) => sql`
  LEFT JOIN LATERAL (SELECT e.at, e.kind, e.value FROM device_events e WHERE e.device_id = d.id AND e.at <= ${now}
                     ORDER BY e.at DESC, e.id DESC LIMIT 1) l ON true`

/**
 * A row as its GeoJSON Feature.
 * @example toDeviceFeature(row).properties.kindName // '烟感'
 */
function toDeviceFeature(r: DeviceRow): DeviceFeature {
  const id = Number(r.id)
  return {
    type: 'Feature',
    id,
    geometry: placedPoint(r),
    properties: {
      id,
      deviceId: r.device_id,
      kind: r.kind,
      kindName: DEVICE_KIND_NAMES[r.kind],
      name: r.name,
      status: r.status,
      installedAt: r.installed_at,
      orgId: r.org_id,
      houseId: r.house_source_id,
      expectedRefillDays: r.expected_refill_days,
      ...placedProperties(r),
      alerting: r.alerting,
      latestEvent:
        r.last_at && r.last_kind
          ? { at: r.last_at.toISOString(), kind: r.last_kind, kindName: DEVICE_EVENT_KIND_NAMES[r.last_kind], value: r.last_value }
          : null,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    },
  }
}

/**
 * One device as a Feature with its latest event, or null.
 * @example (await getDevice(tx, '17', new Date()))?.properties.alerting // false
 */
export async function getDevice(sql: Queryable, id: string, now: Date): Promise<DeviceFeature | null> {
  const [row] = await sql<DeviceRow[]>`SELECT ${deviceColumns(sql, now)} FROM devices d ${latestJoin(sql, now)} WHERE d.id = ${id}::bigint`
  return row ? toDeviceFeature(row) : null
}

/** Filters of a device list (area looked up already). */
export interface DeviceFilter {
  area?: AreaRef | null | undefined
  kind?: readonly DeviceKind[] | undefined
  alerting?: boolean | undefined
}

/**
 * One page of devices, newest first (keyset on id); the first page (no cursor) says how many match
 * in the caller's areas (`numberMatched`).
 * @example await listDevices(tx, { alerting: true }, new Date(), 100, null) // { type: 'FeatureCollection', features, next, numberMatched: 3 }
 */
export async function listDevices(sql: Queryable, f: DeviceFilter, now: Date, limit: number, after: string | null): Promise<DevicePage> {
  const where = sql`
      ${areaCondition(sql, 'd', f.area)}
      ${f.kind ? sql`AND d.kind = ANY(${f.kind as string[]}::text[])` : sql``}
      ${f.alerting === undefined ? sql`` : sql`AND ${alertingSql(sql, now)} = ${f.alerting}`}`
  const rows = await sql<DeviceRow[]>`
    SELECT ${deviceColumns(sql, now)}
    FROM devices d ${latestJoin(sql, now)}
    WHERE true ${where}
      ${after ? sql`AND d.id < ${after}::bigint` : sql``}
    ORDER BY d.id DESC
    LIMIT ${limit + 1}`
  const page = rows.slice(0, limit)
  // The first page says how many match: a town's count of its alerting devices.
  const matched = after === null ? await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM devices d WHERE true ${where}` : null
  return {
    type: 'FeatureCollection',
    features: page.map(toDeviceFeature),
    next: rows.length > limit ? page.at(-1)!.id : null,
    ...(matched ? { numberMatched: matched[0]!.n } : {}),
  }
}

/** Filters of a device's events. */
export interface DeviceEventFilter {
  from?: Date | undefined
  to?: Date | undefined
  kind?: readonly DeviceEventKind[] | undefined
}

/**
 * One page of a device's events, newest first (keyset on (at, id)).
 * @example await deviceEvents(tx, '17', 'SD-0001', { kind: ['alarm'] }, 100, null) // { deviceId: 'SD-0001', events, next }
 */
export async function deviceEvents(
  sql: Queryable,
  id: string,
  deviceId: string,
  f: DeviceEventFilter,
  limit: number,
  after: string | null,
): Promise<DeviceEventPage> {
  const rows = await sql<
    {
      id: string
      at: Date
      kind: DeviceEventKind
      value: number | null
      station: string | null
      address: string | null
      address_id: string | null
      lng: number | null
      lat: number | null
      details: Record<string, unknown>
    }[]
  >`
    SELECT e.id::text AS id, e.at, e.kind, e.value, e.station, e.address, e.address_id, ST_X(e.geom) AS lng, ST_Y(e.geom) AS lat, e.details
    FROM device_events e
    WHERE e.device_id = ${id}::bigint
      ${f.from ? sql`AND e.at >= ${f.from}` : sql``}
      ${f.to ? sql`AND e.at < ${f.to}` : sql``}
      ${f.kind ? sql`AND e.kind = ANY(${f.kind as string[]}::text[])` : sql``}
      ${after ? sql`AND (e.at, e.id) < (SELECT at, id FROM device_events WHERE id = ${after}::bigint)` : sql``}
    ORDER BY e.at DESC, e.id DESC
    LIMIT ${limit + 1}`
  const page = rows.slice(0, limit)
  const events: DeviceEvent[] = page.map((r) => ({
    id: Number(r.id),
    at: r.at.toISOString(),
    kind: r.kind,
    kindName: DEVICE_EVENT_KIND_NAMES[r.kind],
    value: r.value,
    station: r.station,
    address: r.address,
    addressId: r.address_id,
    point: pointOrNull(r.lng, r.lat),
    details: r.details,
  }))
  return { deviceId, events, next: rows.length > limit ? page.at(-1)!.id : null }
}
