/**
 * Changes for the live stream: incidents (migrations/007), hazards, tasks and warnings (013, 014,
 * 015) number their inserts and updates from the one sequence incident_change_seq and record the
 * transaction that wrote them (027); so do task assignments (032), sent as `task.assigned`. A client's cursor (./cursor.ts) is a snapshot: it is sent the
 * changes of transactions that snapshot did not see, by transaction and then by number, so a
 * change that commits after a higher-numbered one is still sent.
 */
import type { Queryable } from '../db/index.ts'
import { pointOrNull } from '../geo/crs.ts'
import type { HazardFeature } from '../hazards/schema.ts'
import { hazardsChangedSince } from '../hazards/store.ts'
import type { Task, TaskAssigned } from '../tasks/schema.ts'
import { assignmentsBySeq, tasksChangedSince } from '../tasks/store.ts'
import type { WarningFeature } from '../warnings/schema.ts'
import { warningsChangedSince } from '../warnings/store.ts'
import { type Cursor, formatSnapshot, parseSnapshot, type Position, type Snapshot } from './cursor.ts'

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

/** One change as the stream sends it: `event: <type>`, `data: <data as JSON>`, at its place in sending order. */
export type StreamChange = Position &
  (
    | { type: 'incident'; data: IncidentChange['feature'] }
    | { type: 'hazard'; data: HazardFeature }
    | { type: 'task'; data: Task }
    | { type: 'task.assigned'; data: TaskAssigned }
    | { type: 'warning'; data: WarningFeature }
  )
export type StreamKind = StreamChange['type']

/** A change not yet sent: which table, and its place in sending order. */
export interface UnsentChange extends Position {
  type: StreamKind
}

/**
 * The changes a client at `cursor` has not been sent, in sending order (writing transaction, then
 * change number), at most `limit`, and the snapshot they belong to (the one they were read in, or
 * the cut batch's): a change of a transaction still in flight is not among them, and is found by
 * the next look from that snapshot, whatever numbers were sent meanwhile. One statement, so the
 * snapshot is exactly the one the rows were read in.
 * @example const { snapshot, changes } = await unsentChanges(tx, parseCursor('740:745:741')!, 1001)
 */
export async function unsentChanges(
  sql: Queryable,
  cursor: Cursor,
  limit: number,
): Promise<{ snapshot: Snapshot; changes: UnsentChange[] }> {
  const { seen, batch } = cursor
  // Built per table (one fragment per use): the range from the seen snapshot's xmin on is what the index serves.
  const where = () => sql`
    ${
      'snapshot' in seen
        ? sql`change_xid >= pg_snapshot_xmin(${formatSnapshot(seen.snapshot)}::pg_snapshot) AND NOT pg_visible_in_snapshot(change_xid, ${formatSnapshot(seen.snapshot)}::pg_snapshot)`
        : sql`change_seq > ${String(seen.seq)}::bigint`
    }
    ${
      batch
        ? sql`AND pg_visible_in_snapshot(change_xid, ${formatSnapshot(batch.snapshot)}::pg_snapshot)
            AND (change_xid, change_seq) > (${String(batch.after.xid)}::xid8, ${String(batch.after.seq)}::bigint)`
        : sql``
    }`
  const rows = await sql<{ snapshot: string; type: StreamKind | null; xid: string | null; seq: string | null }[]>`
    WITH unsent AS (
      (SELECT 'incident' AS type, change_xid, change_seq FROM incidents WHERE ${where()} ORDER BY change_xid, change_seq LIMIT ${limit})
      UNION ALL
      (SELECT 'hazard', change_xid, change_seq FROM hazards WHERE ${where()} ORDER BY change_xid, change_seq LIMIT ${limit})
      UNION ALL
      (SELECT 'task', change_xid, change_seq FROM tasks WHERE ${where()} ORDER BY change_xid, change_seq LIMIT ${limit})
      UNION ALL
      (SELECT 'warning', change_xid, change_seq FROM warnings WHERE ${where()} ORDER BY change_xid, change_seq LIMIT ${limit})
      UNION ALL
      (SELECT 'task.assigned', change_xid, change_seq FROM task_assignments WHERE ${where()} ORDER BY change_xid, change_seq LIMIT ${limit})
    )
    SELECT pg_current_snapshot()::text AS snapshot, u.type, u.xid, u.seq
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (SELECT type, change_xid::text AS xid, change_seq::text AS seq FROM unsent ORDER BY change_xid, change_seq LIMIT ${limit}) u ON true`
  const current = parseSnapshot(rows[0]!.snapshot)
  if (!current) throw new Error(`unreadable snapshot ${rows[0]!.snapshot}`)
  const changes = rows.filter((r) => r.type !== null).map((r) => ({ type: r.type!, xid: BigInt(r.xid!), seq: BigInt(r.seq!) }))
  // Going on with a batch: these are changes of the batch's snapshot, not of this statement's
  // (a transaction that committed since may sort before the batch's place: the next look finds it).
  return { snapshot: batch?.snapshot ?? current, changes }
}

/** The current snapshot: where a client that asks for no earlier changes starts. */
export async function currentSnapshot(sql: Queryable): Promise<Snapshot> {
  const [row] = await sql<{ snapshot: string }[]>`SELECT pg_current_snapshot()::text AS snapshot`
  const snapshot = parseSnapshot(row!.snapshot)
  if (!snapshot) throw new Error(`unreadable snapshot ${row!.snapshot}`)
  return snapshot
}

/**
 * The changes themselves, as the stream sends them, in the order given. A row changed again since
 * it was listed is left out: its newer change was written by a transaction the listing's snapshot
 * did not see, so the next look sends it.
 * @example const sent = await changeBodies(tx, changes, new Date())
 */
export async function changeBodies(sql: Queryable, changes: readonly UnsentChange[], now: Date = new Date()): Promise<StreamChange[]> {
  const wanted = (type: StreamKind) => changes.filter((c) => c.type === type).map((c) => c.seq)
  const [incidents, hazards, tasks, warnings, assignments] = await Promise.all([
    incidentsBySeq(sql, wanted('incident')),
    rowsBySeq(wanted('hazard'), (since, limit) => hazardsChangedSince(sql, since, limit, now)),
    rowsBySeq(wanted('task'), (since, limit) => tasksChangedSince(sql, since, limit, now)),
    rowsBySeq(wanted('warning'), (since, limit) => warningsChangedSince(sql, since, limit)),
    assignmentsBySeq(sql, wanted('task.assigned'), now),
  ])
  const out: StreamChange[] = []
  for (const c of changes) {
    const at = { xid: c.xid, seq: c.seq }
    const key = String(c.seq)
    if (c.type === 'incident') {
      const r = incidents.get(key)
      if (r) out.push({ ...at, type: 'incident', data: r.feature })
    } else if (c.type === 'hazard') {
      const r = hazards.get(key)
      if (r) out.push({ ...at, type: 'hazard', data: r.feature })
    } else if (c.type === 'task') {
      const r = tasks.get(key)
      if (r) out.push({ ...at, type: 'task', data: r.task })
    } else if (c.type === 'task.assigned') {
      const r = assignments.get(key)
      if (r) out.push({ ...at, type: 'task.assigned', data: r })
    } else {
      const r = warnings.get(key)
      if (r) out.push({ ...at, type: 'warning', data: r.feature })
    }
  }
  return out
}

/**
 * Finds the rows with the given change numbers through a reader of "changes after `since`, in
 * number order" (the owning domains' *ChangedSince). Each read starts just before the first number
 * not yet settled and asks for as many as remain, so numbers that follow one another take one read;
 * a number whose row has changed again since is settled as gone.
 * @example await rowsBySeq([12n, 13n, 40n], (since, limit) => hazardsChangedSince(tx, since, limit, now)) // Map { '12' → …, '13' → …, '40' → … }
 */
export async function rowsBySeq<T extends { seq: string }>(
  seqs: readonly bigint[],
  read: (since: string, limit: number) => Promise<T[]>,
): Promise<Map<string, T>> {
  const todo = [...new Set(seqs)].sort((a, b) => (a < b ? -1 : 1))
  const found = new Map<string, T>()
  let i = 0
  while (i < todo.length) {
    const rows = await read(String(todo[i]! - 1n), todo.length - i)
    if (rows.length === 0) break
    for (const r of rows) {
      const seq = BigInt(r.seq)
      while (i < todo.length && todo[i]! < seq) i++ // numbers passed over: those rows changed again
      if (i < todo.length && todo[i] === seq) {
        found.set(r.seq, r)
        i++
      }
    }
    const last = BigInt(rows[rows.length - 1]!.seq)
    while (i < todo.length && todo[i]! <= last) i++
  }
  return found
}

/** Incidents by change number, as the stream sends them. */
async function incidentsBySeq(sql: Queryable, seqs: readonly bigint[]): Promise<Map<string, IncidentChange>> {
  if (seqs.length === 0) return new Map()
  const rows = await sql<ChangeRow[]>`
    SELECT change_seq::text AS seq, id::text, incident_id, reported_at, category_code, address, status, source,
           geocode_level, town_code, village_code, grid_code, ST_X(geom) AS lng, ST_Y(geom) AS lat
    FROM incidents
    WHERE change_seq = ANY(${seqs.map(String)}::bigint[])`
  return new Map(rows.map((r) => [r.seq, toIncidentChange(r)]))
}

/** An incident row as the stream sends it (a GeoJSON Feature). */
function toIncidentChange(r: ChangeRow): IncidentChange {
  return {
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
  }
}
