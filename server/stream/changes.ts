/**
 * Incident changes in order of incidents.change_seq (migrations/007), for the live stream.
 */
import type { Sql } from 'postgres'

/** One changed incident as the stream sends it (a GeoJSON Feature). */
export interface IncidentChange {
  seq: string
  feature: {
    type: 'Feature'
    id: number
    geometry: { type: 'Point'; coordinates: [number, number] } | null
    properties: Record<string, unknown>
  }
}

interface ChangeRow {
  seq: string
  id: string
  incident_id: string
  reported_at: Date
  category_code: string
  address: string | null
  status: string
  source: string | null
  geocode_level: string | null
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  lng: number | null
  lat: number | null
}

/**
 * Changes after `since` (a change_seq), oldest first, at most `limit`.
 * @example const batch = await changesSince(db.sql, '1042', 500)
 */
export async function changesSince(sql: Sql, since: string, limit: number): Promise<IncidentChange[]> {
  const rows = await sql<ChangeRow[]>`
    SELECT change_seq::text AS seq, id::text, incident_id, reported_at, category_code, address, status, source,
           geocode_level, town_code, village_code, grid_code, ST_X(geom) AS lng, ST_Y(geom) AS lat
    FROM incidents
    WHERE change_seq > ${since}::bigint
    ORDER BY change_seq
    LIMIT ${limit}`
  return rows.map((r) => ({
    seq: r.seq,
    feature: {
      type: 'Feature',
      id: Number(r.id),
      geometry: r.lng !== null && r.lat !== null ? { type: 'Point', coordinates: [r.lng, r.lat] } : null,
      properties: {
        id: Number(r.id),
        incidentId: r.incident_id,
        reportedAt: r.reported_at.toISOString(),
        category: r.category_code,
        address: r.address,
        status: r.status,
        source: r.source,
        geocodeLevel: r.geocode_level,
        townCode: r.town_code,
        villageCode: r.village_code,
        gridCode: r.grid_code,
      },
    },
  }))
}

/** The latest change_seq (where a new client without Last-Event-ID starts). */
export async function latestChange(sql: Sql): Promise<string> {
  const [row] = await sql<{ seq: string | null }[]>`SELECT max(change_seq)::text AS seq FROM incidents`
  return row?.seq ?? '0'
}
