/**
 * Incident ingest: geocodes a batch of incidents, places each one and upserts the batch in one
 * statement. Rollups (incident_h3_daily, incident_area_daily) follow by the statement-level
 * triggers of migrations/006_incident_rollups.sql.
 *
 * Placement, per incident:
 * - the address text matched at `compound` or finer (room, unit, building, door, compound): the
 *   match's point. A compound's point is its gate, within a few hundred metres of any building;
 * - otherwise, with coordinates: the coordinates, converted to WGS84. `road`, `village`, `town`
 *   and `district` matches are a road's or an area's representative point, possibly kilometres
 *   off: reported coordinates are better evidence, and without them the incident stays unplaced
 *   rather than piling up on a centroid and making a false hotspot;
 * - otherwise unplaced: stored with null geom, codes and cells (never dropped), its geocode level
 *   kept so a reviewer sees why (`GET /api/incidents/unplaced`).
 * Area codes come from the point in SQL (ST_Covers on microgrids, in the upsert itself), so text
 * and coordinate placements get codes the same way; H3 cells are computed here (server/geo/h3.ts).
 */
import type { Sql } from 'postgres'
import { codesOf, loadAreaLocator, NO_CODES, type AreaLocator } from '../addresses/locate.ts'
import type { Db } from '../db/index.ts'
import { toWgs84 } from '../geo/crs.ts'
import { h3Cells } from '../geo/h3.ts'
import type { Geocoder } from '../geocode/geocoder.ts'
import type { MatchInput } from '../geocode/match.ts'
import { levelRank, type GeocodeResult, type MatchLevel } from '../geocode/schema.ts'
import { IngestStatusSchema, type CategoryIndex, type IngestResult, type ResolvedIncident } from './schema.ts'

/** Text matches at this level or finer place an incident by themselves. */
export const PLACING_LEVEL: MatchLevel = 'compound'

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

/** Where an incident goes: a WGS84 point and how it was found, or nowhere. */
export interface Placement {
  point: [number, number] | null
  level: MatchLevel | null
  score: number | null
  addressId: string | null
}

/**
 * Places one incident from its geocoding result (if it had an address) and its coordinates.
 * @example place({ lng: 120.26, lat: 30.16, crs: 'wgs84' }, null).point // [120.26, 30.16]
 */
export function place(input: Pick<ResolvedIncident, 'lng' | 'lat' | 'crs'>, match: GeocodeResult | null): Placement {
  const level = match?.level ?? null
  const kept = { level, score: match ? match.score : null }
  if (match && match.lng !== null && match.lat !== null && levelRank(match.level) <= levelRank(PLACING_LEVEL)) {
    return { point: [match.lng, match.lat], ...kept, addressId: match.addressId }
  }
  if (input.lng !== undefined && input.lat !== undefined) {
    return { point: toWgs84(input.lng, input.lat, input.crs), ...kept, addressId: null }
  }
  return { point: null, ...kept, addressId: null }
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
const locators = new WeakMap<Db, Promise<AreaLocator>>()

/** The area locator of a database, built once per process (boundaries are reference data). */
function areaLocator(db: Db): Promise<AreaLocator> {
  let l = locators.get(db)
  if (!l) {
    l = loadAreaLocator(db.sql)
    locators.set(db, l)
  }
  return l
}

export async function ingestIncidents(db: Db, geocoder: Geocoder, inputs: readonly ResolvedIncident[]): Promise<IngestResult[]> {
  if (inputs.length === 0) return []
  const ids = new Set(inputs.map((i) => i.incident_id))
  if (ids.size !== inputs.length) throw new Error('ingestIncidents: incident_id must be unique within a call')

  // One geocoder call for the batch; the coordinates rank candidates near them first.
  const withText = inputs.flatMap((v, i) => (v.address ? [i] : []))
  const queries: MatchInput[] = withText.map((i) => {
    const v = inputs[i]!
    return { address: v.address!, lng: v.lng, lat: v.lat, crs: v.crs }
  })
  const matches = new Map<number, GeocodeResult>()
  if (queries.length > 0) {
    const out = await geocoder.geocode(queries)
    out.forEach((m, k) => matches.set(withText[k]!, m.result))
  }
  const placements = inputs.map((v, i) => place(v, matches.get(i) ?? null))
  const cells = placements.map((p) => (p.point ? h3Cells(p.point[0], p.point[1]) : null))
  // Area codes in JS, as the address import does: PostGIS point-in-polygon on the detailed
  // microgrids cost ~0.5 ms a point, most of an ingest batch's time.
  const locator = await areaLocator(db)
  const codes = placements.map((p) => (p.point ? codesOf(locator.locate(p.point[0], p.point[1])) : NO_CODES))
  const col = <T>(f: (v: ResolvedIncident, i: number) => T) => inputs.map(f)
  const sql = db.sql

  // One statement: the input rows, their area codes from the point, the upsert, and the answer.
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
        ${col((_, i) => codes[i]!.gridCode)}::text[], ${col((_, i) => codes[i]!.microgridCode)}::text[]
      ) AS t(incident_id, reported_at, category_code, address, description, source, status, input_lng, input_lat, input_crs,
             lng, lat, geocode_level, geocode_score, address_id, h3_r7, h3_r8, h3_r9, h3_r10,
             town_code, village_code, grid_code, microgrid_code)
    ),
    placed AS (
      SELECT i.*, CASE WHEN i.lng IS NULL THEN NULL ELSE ST_SetSRID(ST_Point(i.lng, i.lat), 4326) END AS geom
      FROM input i
    ),
    up AS (
      INSERT INTO incidents AS x (
        incident_id, reported_at, category_code, address, description, source, status, input_lng, input_lat, input_crs,
        geom, geocode_level, geocode_score, address_id, town_code, village_code, grid_code, microgrid_code,
        h3_r7, h3_r8, h3_r9, h3_r10)
      SELECT p.incident_id, p.reported_at, p.category_code, p.address, p.description, p.source, p.status,
             p.input_lng, p.input_lat, p.input_crs, p.geom, p.geocode_level, p.geocode_score::real, p.address_id,
             p.town_code, p.village_code, p.grid_code, p.microgrid_code, p.h3_r7, p.h3_r8, p.h3_r9, p.h3_r10
      FROM placed p
      ON CONFLICT (incident_id) DO UPDATE SET
        reported_at = EXCLUDED.reported_at, category_code = EXCLUDED.category_code, address = EXCLUDED.address,
        description = EXCLUDED.description, source = EXCLUDED.source, status = EXCLUDED.status,
        input_lng = EXCLUDED.input_lng, input_lat = EXCLUDED.input_lat, input_crs = EXCLUDED.input_crs, geom = EXCLUDED.geom,
        geocode_level = EXCLUDED.geocode_level, geocode_score = EXCLUDED.geocode_score, address_id = EXCLUDED.address_id,
        town_code = EXCLUDED.town_code, village_code = EXCLUDED.village_code, grid_code = EXCLUDED.grid_code,
        microgrid_code = EXCLUDED.microgrid_code, h3_r7 = EXCLUDED.h3_r7, h3_r8 = EXCLUDED.h3_r8, h3_r9 = EXCLUDED.h3_r9,
        h3_r10 = EXCLUDED.h3_r10, updated_at = now()
      WHERE (x.reported_at, x.category_code, x.address, x.description, x.source, x.status, x.input_lng, x.input_lat, x.input_crs,
             ST_AsEWKB(x.geom), x.geocode_level, x.geocode_score, x.address_id, x.town_code, x.village_code, x.grid_code,
             x.microgrid_code, x.h3_r7, x.h3_r8, x.h3_r9, x.h3_r10)
        IS DISTINCT FROM
            (EXCLUDED.reported_at, EXCLUDED.category_code, EXCLUDED.address, EXCLUDED.description, EXCLUDED.source, EXCLUDED.status,
             EXCLUDED.input_lng, EXCLUDED.input_lat, EXCLUDED.input_crs, ST_AsEWKB(EXCLUDED.geom), EXCLUDED.geocode_level,
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
    }
  })
}
