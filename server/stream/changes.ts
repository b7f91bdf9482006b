/**
 * Changes in order of change_seq, for the live stream: incidents (migrations/007), hazards,
 * tasks and warnings (013, 014, 015) all number their inserts and updates from the one sequence
 * incident_change_seq, so the kinds merge into one order of event ids.
 */
import type { Sql } from 'postgres'
import type { HazardFeature } from '../hazards/schema.ts'
import { hazardsChangedSince, type Queryable } from '../hazards/store.ts'
import type { Task } from '../tasks/schema.ts'
import { tasksChangedSince } from '../tasks/store.ts'
import type { WarningFeature } from '../warnings/schema.ts'
import { warningsChangedSince } from '../warnings/store.ts'
import { pointOrNull } from '../geo/crs.ts'

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

/** One change as the stream sends it: `event: <type>`, `id: <seq>`, `data: <data as JSON>`. */
export type StreamChange =
  | { type: 'incident'; seq: string; data: IncidentChange['feature'] }
  | { type: 'hazard'; seq: string; data: HazardFeature }
  | { type: 'task'; seq: string; data: Task }
  | { type: 'warning'; seq: string; data: WarningFeature }

/**
 * Changes of every kind after `since` (a change_seq), oldest first, at most `limit`. Each kind
 * gives its first `limit`; the first `limit` of their merge are the first `limit` overall.
 * @example const batch = await changesSince(db.sql, '1042', 500)
 */
export async function changesSince(sql: Queryable, since: string, limit: number, now: Date = new Date()): Promise<StreamChange[]> {
  const [incidents, hazards, tasks, warnings] = await Promise.all([
    incidentChangesSince(sql, since, limit),
    hazardsChangedSince(sql, since, limit, now),
    tasksChangedSince(sql, since, limit, now),
    warningsChangedSince(sql, since, limit),
  ])
  const all: StreamChange[] = [
    ...incidents.map((c): StreamChange => ({ type: 'incident', seq: c.seq, data: c.feature })),
    ...hazards.map((c): StreamChange => ({ type: 'hazard', seq: c.seq, data: c.feature })),
    ...tasks.map((c): StreamChange => ({ type: 'task', seq: c.seq, data: c.task })),
    ...warnings.map((c): StreamChange => ({ type: 'warning', seq: c.seq, data: c.feature })),
  ]
  return all.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1)).slice(0, limit)
}

/**
 * Incident changes after `since` (a change_seq), oldest first, at most `limit`.
 * @example const batch = await incidentChangesSince(db.sql, '1042', 500)
 */
export async function incidentChangesSince(sql: Queryable, since: string, limit: number): Promise<IncidentChange[]> {
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
      geometry: pointOrNull(r.lng, r.lat),
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

/** The latest change_seq of any kind (where a new client without Last-Event-ID starts). */
export async function latestChange(sql: Sql): Promise<string> {
  // One statement: the four tables share the sequence, so the latest change is the greatest.
  const [row] = await sql<{ seq: string }[]>`
    SELECT coalesce(greatest((SELECT max(change_seq) FROM incidents), (SELECT max(change_seq) FROM hazards),
                             (SELECT max(change_seq) FROM tasks), (SELECT max(change_seq) FROM warnings)), 0)::text AS seq`
  return row?.seq ?? '0'
}
