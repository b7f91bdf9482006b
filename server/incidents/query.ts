import type { PendingQuery, Row } from 'postgres'

import type { Tx } from '../db/index.ts'
import { pointOrNull } from '../geo/crs.ts'
import { areaCondition } from '../shared/area-sql.ts'
import type { AreaRef } from '../stats/schema.ts'
import { type CursorKey, encodeCursor, type IncidentFeature, type IncidentPage } from './query-schema.ts'

/** Filters of an incident list, resolved (area looked up, categories expanded to items). */
export interface IncidentFilter {
  from?: Date | undefined
  to?: Date | undefined
  /** Item codes; null = all. */
  items: readonly string[] | null
  area: AreaRef | null
  bbox?: readonly [number, number, number, number] | undefined
}

interface IncidentRow {
  id: string
  incident_id: string
  reported_at: Date
  /** reported_at with microseconds, UTC: the exact keyset value (a JS Date keeps only ms). */
  key_at: string
  category_code: string
  category_name: string
  address: string | null
  status: string
  source: string | null
  geocode_level: string | null
  geocode_score: number | null
  approximate: boolean
  outside_district: boolean
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  description: string | null
  lng: number | null
  lat: number | null
}

/**
 * The shared SELECT list of incident features (`i` = incidents, `c` = its category).
 * @example sql`SELECT ${columns(sql)} FROM incidents i JOIN incident_categories c ON c.code = i.category_code`
 */
function columns(sql: Tx): PendingQuery<Row[]> {
  return sql`
    i.id::text AS id, i.incident_id, i.reported_at,
    to_char(i.reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS key_at,
    i.category_code, c.name_zh AS category_name, i.address, i.status, i.source,
    i.geocode_level, i.geocode_score, i.approximate, i.outside_district, i.town_code, i.village_code, i.grid_code, i.description,
    ST_X(i.geom) AS lng, ST_Y(i.geom) AS lat`
}

/**
 * One page of incidents, newest first, keyset-paged on (reported_at DESC, id DESC) so each row
 * appears exactly once however rows are added meanwhile (before the cursor, that is).
 * @example await listIncidents(tx, { items: null, area: null }, 100, null) // { type: 'FeatureCollection', features, next }
 */
export async function listIncidents(sql: Tx, f: IncidentFilter, limit: number, after: CursorKey | null): Promise<IncidentPage> {
  const bbox = f.bbox ?? null
  // One row more than asked tells whether there is a next page without a count(*). The cursor's
  // time goes in as text: a parameter typed timestamptz passes through a JS Date, dropping microseconds.
  const rows = await sql<IncidentRow[]>`
    SELECT ${columns(sql)}
    FROM incidents i JOIN incident_categories c ON c.code = i.category_code
    WHERE (${f.from ?? null}::timestamptz IS NULL OR i.reported_at >= ${f.from ?? null}::timestamptz)
      AND (${f.to ?? null}::timestamptz IS NULL OR i.reported_at < ${f.to ?? null}::timestamptz)
      ${f.items ? sql`AND i.category_code = ANY(${f.items as string[]}::text[])` : sql``}
      ${areaCondition(sql, 'i', f.area)}
      ${bbox ? sql`AND i.geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)` : sql``}
      ${after ? sql`AND (i.reported_at, i.id) < (${after[0]}::text::timestamptz, ${after[1]}::bigint)` : sql``}
    ORDER BY i.reported_at DESC, i.id DESC
    LIMIT ${limit + 1}`
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    type: 'FeatureCollection',
    features: page.map(toFeature),
    next: rows.length > limit && last ? encodeCursor([last.key_at, Number(last.id)]) : null,
  }
}

/**
 * One incident by numeric id or by the source system's incident_id (the id wins when both match), or null.
 * @example await getIncident(tx, '42') // { type: 'Feature', id: 42, … }
 */
export async function getIncident(sql: Tx, idOrIncidentId: string): Promise<IncidentFeature | null> {
  // bigint range: longer digit strings can only be incident_ids.
  const id = /^\d{1,18}$/.test(idOrIncidentId) ? idOrIncidentId : null
  const [row] = await sql<IncidentRow[]>`
    SELECT ${columns(sql)}
    FROM incidents i JOIN incident_categories c ON c.code = i.category_code
    WHERE i.id = ${id}::bigint OR i.incident_id = ${idOrIncidentId}
    ORDER BY (i.id = ${id}::bigint) IS TRUE DESC
    LIMIT 1`
  return row ? toFeature(row) : null
}

/**
 * Maps a row to its GeoJSON Feature (RFC 7946: lon/lat order, null geometry when unplaced).
 * @example toFeature(row).geometry // { type: 'Point', coordinates: [120.27, 30.18] }
 */
function toFeature(r: IncidentRow): IncidentFeature {
  const id = Number(r.id)
  return {
    type: 'Feature',
    id,
    geometry: pointOrNull(r.lng, r.lat),
    properties: {
      id,
      incidentId: r.incident_id,
      reportedAt: r.reported_at.toISOString(),
      category: r.category_code,
      categoryName: r.category_name,
      address: r.address,
      status: r.status,
      source: r.source,
      geocodeLevel: r.geocode_level,
      geocodeScore: r.geocode_score,
      approximate: r.approximate,
      outsideDistrict: r.outside_district,
      townCode: r.town_code,
      villageCode: r.village_code,
      gridCode: r.grid_code,
      description: r.description,
    },
  }
}
