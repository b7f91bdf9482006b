/**
 * Incident ingest: geocodes a batch of incidents, places each one (server/geocode/place.ts: the
 * rule every report follows) and upserts the batch in one statement. Rollups (incident_h3_daily,
 * incident_area_daily) follow by the statement-level triggers of migrations/006 and 012.
 */
import type { Sql } from 'postgres'

import type { Db } from '../db/index.ts'
import type { Geocoder } from '../geocode/geocoder.ts'
import { placeReports } from '../geocode/place.ts'
import { type CategoryIndex, type IngestResult, IngestStatusSchema, type ResolvedIncident } from './schema.ts'

/**
 * Level-2 categories by item code and by Chinese name (both keys map to the code).
 * @example (await loadCategoryIndex(db.sql)).get('入室盗窃') // '0101'
 */
export async function loadCategoryIndex(sql: Sql): Promise<CategoryIndex> {
  const rows = await sql<{ code: string; name: string }[]>`SELECT code, name_zh AS name FROM incident_categories WHERE level = 2`
  const index = new Map<string, string>()
  for (const r of rows) {
    index.set(r.code, r.code)
    index.set(r.name, r.code)
  }
  return index
}

interface UpsertRow {
  incident_id: string
  status: string
  id: string
}

/**
 * Geocodes, places and upserts incidents (ids must be unique in the call); results in input order.
 * Rows whose every stored value is unchanged are not written (their updated_at stays).
 * @example const [r] = await ingestIncidents(db, createGeocoder(db), [incident]); r.status // 'created'
 */
export async function ingestIncidents(db: Db, geocoder: Geocoder, inputs: readonly ResolvedIncident[]): Promise<IngestResult[]> {
  if (inputs.length === 0) return []
  const ids = new Set(inputs.map((i) => i.incident_id))
  if (ids.size !== inputs.length) throw new Error('ingestIncidents: incident_id must be unique within a call')

  const placements = await placeReports(
    db,
    geocoder,
    inputs.map((v) => ({ address: v.address, lng: v.lng, lat: v.lat, crs: v.crs })),
  )
  const cells = placements.map((p) => p.cells)
  const codes = placements.map((p) => p.codes)
  const col = <T>(f: (v: ResolvedIncident, i: number) => T) => inputs.map(f)
  const sql = db.sql

  // One statement: the input rows with their placements, the upsert, and the answer.
  // The final SELECT sees the table as it was before the statement, so rows the upsert skipped
  // (unchanged) are found there with their id.
  const rows = await sql<UpsertRow[]>`
    WITH input AS (
      SELECT * FROM unnest(
        ${col((v) => v.incident_id)}::text[], ${col((v) => v.reported_at.toISOString())}::timestamptz[],
        ${col((v) => v.category_code)}::text[], ${col((v) => v.address ?? null)}::text[],
        ${col((v) => v.description ?? null)}::text[], ${col((v) => v.source ?? null)}::text[], ${col((v) => v.status)}::text[],
        ${col((v) => v.lng ?? null)}::float8[], ${col((v) => v.lat ?? null)}::float8[],
        ${col((v) => (v.lng === undefined ? null : v.crs))}::text[],
        ${col((_, i) => placements[i]!.point?.[0] ?? null)}::float8[], ${col((_, i) => placements[i]!.point?.[1] ?? null)}::float8[],
        ${col((_, i) => placements[i]!.level)}::text[], ${col((_, i) => placements[i]!.score)}::float8[],
        ${col((_, i) => placements[i]!.addressId)}::text[],
        ${col((_, i) => cells[i]?.r7 ?? null)}::bigint[], ${col((_, i) => cells[i]?.r8 ?? null)}::bigint[],
        ${col((_, i) => cells[i]?.r9 ?? null)}::bigint[], ${col((_, i) => cells[i]?.r10 ?? null)}::bigint[],
        ${col((_, i) => codes[i]!.townCode)}::text[], ${col((_, i) => codes[i]!.villageCode)}::text[],
        ${col((_, i) => codes[i]!.gridCode)}::text[], ${col((_, i) => codes[i]!.microgridCode)}::text[],
        ${col((_, i) => String(placements[i]!.approximate))}::text[]::boolean[],
        ${col((_, i) => String(placements[i]!.outsideDistrict))}::text[]::boolean[]
      ) AS t(incident_id, reported_at, category_code, address, description, source, status, input_lng, input_lat, input_crs,
             lng, lat, geocode_level, geocode_score, address_id, h3_r7, h3_r8, h3_r9, h3_r10,
             town_code, village_code, grid_code, microgrid_code, approximate, outside_district)
    ),
    placed AS (
      SELECT i.*, CASE WHEN i.lng IS NULL THEN NULL ELSE ST_SetSRID(ST_Point(i.lng, i.lat), 4326) END AS geom
      FROM input i
    ),
    up AS (
      INSERT INTO incidents AS x (
        incident_id, reported_at, category_code, address, description, source, status, input_lng, input_lat, input_crs,
        geom, approximate, outside_district, geocode_level, geocode_score, address_id, town_code, village_code, grid_code, microgrid_code,
        h3_r7, h3_r8, h3_r9, h3_r10)
      SELECT p.incident_id, p.reported_at, p.category_code, p.address, p.description, p.source, p.status,
             p.input_lng, p.input_lat, p.input_crs, p.geom, p.approximate, p.outside_district, p.geocode_level, p.geocode_score::real, p.address_id,
             p.town_code, p.village_code, p.grid_code, p.microgrid_code, p.h3_r7, p.h3_r8, p.h3_r9, p.h3_r10
      FROM placed p
      ON CONFLICT (incident_id) DO UPDATE SET
        reported_at = EXCLUDED.reported_at, category_code = EXCLUDED.category_code, address = EXCLUDED.address,
        description = EXCLUDED.description, source = EXCLUDED.source, status = EXCLUDED.status,
        input_lng = EXCLUDED.input_lng, input_lat = EXCLUDED.input_lat, input_crs = EXCLUDED.input_crs, geom = EXCLUDED.geom,
        approximate = EXCLUDED.approximate, outside_district = EXCLUDED.outside_district, geocode_level = EXCLUDED.geocode_level, geocode_score = EXCLUDED.geocode_score, address_id = EXCLUDED.address_id,
        town_code = EXCLUDED.town_code, village_code = EXCLUDED.village_code, grid_code = EXCLUDED.grid_code,
        microgrid_code = EXCLUDED.microgrid_code, h3_r7 = EXCLUDED.h3_r7, h3_r8 = EXCLUDED.h3_r8, h3_r9 = EXCLUDED.h3_r9,
        h3_r10 = EXCLUDED.h3_r10, updated_at = now()
      WHERE (x.reported_at, x.category_code, x.address, x.description, x.source, x.status, x.input_lng, x.input_lat, x.input_crs,
             ST_AsEWKB(x.geom), x.approximate, x.outside_district, x.geocode_level, x.geocode_score, x.address_id, x.town_code, x.village_code, x.grid_code,
             x.microgrid_code, x.h3_r7, x.h3_r8, x.h3_r9, x.h3_r10)
        IS DISTINCT FROM
            (EXCLUDED.reported_at, EXCLUDED.category_code, EXCLUDED.address, EXCLUDED.description, EXCLUDED.source, EXCLUDED.status,
             EXCLUDED.input_lng, EXCLUDED.input_lat, EXCLUDED.input_crs, ST_AsEWKB(EXCLUDED.geom), EXCLUDED.approximate, EXCLUDED.outside_district, EXCLUDED.geocode_level,
             EXCLUDED.geocode_score, EXCLUDED.address_id, EXCLUDED.town_code, EXCLUDED.village_code, EXCLUDED.grid_code,
             EXCLUDED.microgrid_code, EXCLUDED.h3_r7, EXCLUDED.h3_r8, EXCLUDED.h3_r9, EXCLUDED.h3_r10)
      RETURNING x.id, x.incident_id, (x.xmax = 0) AS inserted
    )
    SELECT i.incident_id,
           coalesce(up.id, old.id)::text AS id,
           CASE WHEN up.id IS NULL THEN 'unchanged' WHEN up.inserted THEN 'created' ELSE 'updated' END AS status
    FROM input i
    LEFT JOIN up ON up.incident_id = i.incident_id
    LEFT JOIN incidents old ON old.incident_id = i.incident_id`
  const byId = new Map(rows.map((r) => [r.incident_id, r]))
  return inputs.map((v, i) => {
    const r = byId.get(v.incident_id)
    if (!r) throw new Error(`ingestIncidents: no result for ${v.incident_id}`)
    return {
      incidentId: v.incident_id,
      id: r.id,
      status: IngestStatusSchema.parse(r.status),
      level: placements[i]!.level,
      placed: placements[i]!.point !== null,
      approximate: placements[i]!.approximate,
      outsideDistrict: placements[i]!.outsideDistrict,
    }
  })
}
