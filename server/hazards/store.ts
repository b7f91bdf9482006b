/**
 * Hazards in the database: insert, edit, transition, read, and the overdue query for the
 * warning models. Every write adds a hazard_events row in the same transaction, so the history
 * is complete by construction. Functions take a transaction (`db.withScope`) and never geocode
 * inside it: on the embedded database one connection serves all, and a nested geocoder
 * transaction would wait on it forever (placement happens before, server/geocode/place.ts).
 */
import type { ISql, PendingQuery, Row } from 'postgres'

import type { Queryable, Tx } from '../db/index.ts'
import { pointOrNull } from '../geo/crs.ts'
import type { ReportPlacement } from '../geocode/place.ts'
import { placementColumns, placementValues } from '../geocode/place-sql.ts'
import { areaCondition } from '../shared/area-sql.ts'
import { Conflict, NotFound } from '../shared/errors.ts'
import { shanghaiDay } from '../shared/time.ts'
import { historyEvent, type HistoryEventRow } from '../shared/workflow.ts'
import type { AreaRef } from '../stats/schema.ts'
import { daysOverdue } from '../tasks/overdue.ts'
import {
  type Attachment,
  HAZARD_CATEGORY_NAMES,
  HAZARD_SEVERITY_NAMES,
  HAZARD_SOURCE_NAMES,
  HAZARD_STATUS_NAMES,
  type HazardCategory,
  type HazardFeature,
  type HazardPage,
  type HazardSeverity,
  type HazardSource,
  type HazardStatus,
  type HistoryEvent,
  type OverdueHazard,
} from './schema.ts'
import { assertHazardMove } from './states.ts'

/** The fields a hazard is given (by the API, a CSV line or an edit), as stored. */
export interface HazardFields {
  source: HazardSource
  category: HazardCategory
  severity: HazardSeverity
  description: string
  place_name: string | null
  responsible_party: string | null
  due_date: string | null
  /** ISO 8601 UTC. */
  reported_at: string
  address: string | null
  lng: number | null
  lat: number | null
  /** Null when there are no coordinates. */
  crs: string | null
  attachments: Attachment[]
}

/** The fields that decide where a hazard is: a change re-places it. */
export const LOCATION_FIELDS = ['address', 'lng', 'lat', 'crs'] as const satisfies readonly (keyof HazardFields)[]

/** Changed fields, old and new: `{ due_date: { from: '2026-10-01', to: '2026-10-15' } }`. */
export type FieldChanges = Record<string, { from: unknown; to: unknown }>

/**
 * The fields that differ between two versions of a hazard (attachments compared as JSON).
 * @example diffHazardFields(a, { ...a, severity: 'major' }) // { severity: { from: 'general', to: 'major' } }
 */
export function diffHazardFields(before: HazardFields, after: HazardFields): FieldChanges {
  const changes: FieldChanges = {}
  for (const k of Object.keys(after) as (keyof HazardFields)[]) {
    const a = before[k]
    const b = after[k]
    if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) changes[k] = { from: a ?? null, to: b ?? null }
  }
  return changes
}

/**
 * Whether a set of changes moves the hazard (so it must be placed again).
 * @example movesHazard({ address: { from: 'a', to: 'b' } }) // true
 */
export function movesHazard(changes: FieldChanges): boolean {
  return LOCATION_FIELDS.some((k) => k in changes)
}

interface HazardRow {
  id: string
  hazard_id: string
  source: HazardSource
  category: HazardCategory
  severity: HazardSeverity
  status: HazardStatus
  description: string
  place_name: string | null
  responsible_party: string | null
  due_date: string | null
  reported_at: Date
  attachments: Attachment[]
  address: string | null
  input_lng: number | null
  input_lat: number | null
  input_crs: string | null
  geocode_level: string | null
  geocode_score: number | null
  approximate: boolean
  outside_district: boolean
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  microgrid_code: string | null
  created_by: string
  created_at: Date
  updated_at: Date
  closed_at: Date | null
  lng: number | null
  lat: number | null
  overdue: boolean
}

/**
 * The SELECT list of hazard rows (`h` = hazards), with `overdue` at the Shanghai day of `now`.
 * @example sql`SELECT ${hazardColumns(sql, now)} FROM hazards h`
 */
function hazardColumns(sql: Queryable, now: Date): PendingQuery<Row[]> {
  return sql`
    h.id::text AS id, h.hazard_id, h.source, h.category, h.severity, h.status, h.description, h.place_name,
    h.responsible_party, h.due_date::text AS due_date, h.reported_at, h.attachments, h.address,
    h.input_lng, h.input_lat, h.input_crs, h.geocode_level, h.geocode_score, h.approximate, h.outside_district,
    h.town_code, h.village_code, h.grid_code, h.microgrid_code, h.created_by, h.created_at, h.updated_at, h.closed_at,
    ST_X(h.geom) AS lng, ST_Y(h.geom) AS lat,
    ${overdueHazardSql(sql, now)} AS overdue`
}

/**
 * SQL for "this hazard (`h`) is overdue at `now`" (see server/tasks/overdue.ts for the rule).
 * @example sql`SELECT count(*) FROM hazards h WHERE ${overdueHazardSql(sql, now)}`
 */
export function overdueHazardSql(sql: ISql, now: Date): PendingQuery<Row[]> {
  return sql`coalesce(h.status <> 'closed' AND h.due_date < ${shanghaiDay(now)}::date, false)`
}

/** A row's given fields (what an edit or a re-import is compared with). */
function fieldsOf(r: HazardRow): HazardFields {
  return {
    source: r.source,
    category: r.category,
    severity: r.severity,
    description: r.description,
    place_name: r.place_name,
    responsible_party: r.responsible_party,
    due_date: r.due_date,
    reported_at: r.reported_at.toISOString(),
    address: r.address,
    lng: r.input_lng,
    lat: r.input_lat,
    crs: r.input_lng === null ? null : r.input_crs,
    attachments: r.attachments,
  }
}

/**
 * Maps a row to its GeoJSON Feature.
 * @example toHazardFeature(row).properties.categoryName // '消防安全'
 */
function toHazardFeature(r: HazardRow): HazardFeature {
  const id = Number(r.id)
  return {
    type: 'Feature',
    id,
    geometry: pointOrNull(r.lng, r.lat),
    properties: {
      id,
      hazardId: r.hazard_id,
      source: r.source,
      sourceName: HAZARD_SOURCE_NAMES[r.source],
      category: r.category,
      categoryName: HAZARD_CATEGORY_NAMES[r.category],
      severity: r.severity,
      severityName: HAZARD_SEVERITY_NAMES[r.severity],
      status: r.status,
      statusName: HAZARD_STATUS_NAMES[r.status],
      overdue: r.overdue,
      description: r.description,
      placeName: r.place_name,
      responsibleParty: r.responsible_party,
      dueDate: r.due_date,
      reportedAt: r.reported_at.toISOString(),
      attachments: r.attachments,
      address: r.address,
      geocodeLevel: r.geocode_level,
      geocodeScore: r.geocode_score,
      approximate: r.approximate,
      outsideDistrict: r.outside_district,
      townCode: r.town_code,
      villageCode: r.village_code,
      gridCode: r.grid_code,
      microgridCode: r.microgrid_code,
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      closedAt: r.closed_at?.toISOString() ?? null,
    },
  }
}

/** How a hazard came to be: who, by which way, in which state, with what note. */
export interface HazardOrigin {
  actor: string
  action: 'created' | 'imported'
  status: HazardStatus
  comment?: string | null
}

/**
 * Inserts a hazard with its placement and its 'created'/'imported' event; returns the new id.
 * Without a `hazardId` the hazard is named 'HZ-<id>'. A taken hazard_id is HTTP 409.
 * @example const id = await insertHazard(tx, null, fields, placement, { actor: 'anonymous', action: 'created', status: 'reported' })
 */
export async function insertHazard(
  tx: Tx,
  hazardId: string | null,
  f: HazardFields,
  p: ReportPlacement,
  origin: HazardOrigin,
): Promise<string> {
  if (hazardId !== null) {
    const [taken] = await tx<{ id: string }[]>`SELECT id::text FROM hazards WHERE hazard_id = ${hazardId}`
    if (taken)
      throw new Conflict(`hazard_id ${hazardId} exists already (hazard ${taken.id})`, { where: 'body.hazard_id', id: Number(taken.id) })
  }
  const [row] = await tx<{ id: string }[]>`
    WITH n AS (SELECT nextval(pg_get_serial_sequence('hazards', 'id')) AS id)
    INSERT INTO hazards (
      id, hazard_id, source, category, severity, status, description, place_name, responsible_party, due_date,
      reported_at, attachments, address, input_lng, input_lat, input_crs, ${placementColumns(tx)}, created_by, closed_at)
    SELECT n.id, coalesce(${hazardId}::text, 'HZ-' || n.id), ${f.source}, ${f.category}, ${f.severity}, ${origin.status},
           ${f.description}, ${f.place_name}, ${f.responsible_party}, ${f.due_date}::date, ${f.reported_at}::timestamptz,
           ${tx.json(f.attachments)}, ${f.address}, ${f.lng}::float8, ${f.lat}::float8, ${f.crs}::text,
           ${placementValues(tx, p)}, ${origin.actor}, CASE WHEN ${origin.status}::text = 'closed' THEN now() END
    FROM n
    RETURNING id::text`
  const id = row!.id
  await addHazardEvent(tx, id, {
    actor: origin.actor,
    action: origin.action,
    from: null,
    to: origin.status,
    comment: origin.comment ?? null,
    changes: {},
  })
  return id
}

/** One history row to add. */
export interface NewEvent {
  actor: string
  action: HistoryEvent['action']
  from: string | null
  to: string | null
  comment: string | null
  changes: FieldChanges
}

/** Appends one event to a hazard's history. */
export async function addHazardEvent(tx: Tx, hazardId: string, e: NewEvent): Promise<void> {
  await tx`
    INSERT INTO hazard_events (hazard_id, actor, action, from_status, to_status, comment, changes)
    VALUES (${hazardId}::bigint, ${e.actor}, ${e.action}, ${e.from}, ${e.to}, ${e.comment}, ${tx.json(e.changes as never)})`
}

/**
 * The numeric id of a hazard given its id or the source's hazard_id (the id wins), or null.
 * @example await resolveHazardId(tx, 'XS-2026-0001') // '17'
 */
export async function resolveHazardId(sql: Queryable, idOrHazardId: string): Promise<string | null> {
  const id = /^\d{1,18}$/.test(idOrHazardId) ? idOrHazardId : null
  const [row] = await sql<{ id: string }[]>`
    SELECT id::text FROM hazards WHERE id = ${id}::bigint OR hazard_id = ${idOrHazardId}
    ORDER BY (id = ${id}::bigint) IS TRUE DESC LIMIT 1`
  return row?.id ?? null
}

/** A hazard's row, optionally locked for update, or null. */
async function hazardRow(sql: Queryable, id: string, now: Date, lock: boolean): Promise<HazardRow | null> {
  const [row] = await sql<HazardRow[]>`
    SELECT ${hazardColumns(sql, now)} FROM hazards h WHERE h.id = ${id}::bigint ${lock ? sql`FOR UPDATE` : sql``}`
  return row ?? null
}

/**
 * One hazard as a Feature, or null.
 * @example (await getHazard(tx, '17', new Date()))?.properties.status // 'reported'
 */
export async function getHazard(sql: Queryable, id: string, now: Date): Promise<HazardFeature | null> {
  const row = await hazardRow(sql, id, now, false)
  return row ? toHazardFeature(row) : null
}

/** A hazard's given fields (for an edit to be merged into), or null. */
export async function getHazardFields(sql: Queryable, id: string): Promise<{ status: HazardStatus; fields: HazardFields } | null> {
  const row = await hazardRow(sql, id, new Date(), false)
  return row ? { status: row.status, fields: fieldsOf(row) } : null
}

/** Given fields of hazards by the source's hazard_id (for an import to compare with). */
export async function hazardFieldsByHazardId(
  tx: Tx,
  hazardIds: readonly string[],
): Promise<Map<string, { id: string; fields: HazardFields }>> {
  const rows = await tx<HazardRow[]>`
    SELECT ${hazardColumns(tx, new Date())} FROM hazards h WHERE h.hazard_id = ANY(${hazardIds as string[]}::text[]) FOR UPDATE`
  return new Map(rows.map((r) => [r.hazard_id, { id: r.id, fields: fieldsOf(r) }]))
}

/**
 * A hazard's history, oldest first.
 * @example (await hazardHistory(tx, '17'))[0].action // 'created'
 */
export async function hazardHistory(sql: Queryable, id: string): Promise<HistoryEvent[]> {
  const rows = await sql<HistoryEventRow<HistoryEvent['action']>[]>`
    SELECT id::text, at, actor, action, from_status AS "from", to_status AS "to", comment, changes
    FROM hazard_events WHERE hazard_id = ${id}::bigint ORDER BY at, id`
  return rows.map(historyEvent)
}

/**
 * Rewrites a hazard's given fields (and its placement, unless `placement` is null: unmoved) and
 * records the changes as one event. No-op (no event, no new change_seq) without changes.
 * Closed hazards are history: HTTP 409.
 * @example await updateHazard(tx, '17', fields, null, { actor, action: 'edited', comment: null })
 */
export async function updateHazard(
  tx: Tx,
  id: string,
  f: HazardFields,
  placement: ReportPlacement | null,
  how: { actor: string; action: 'edited' | 'imported'; comment: string | null },
): Promise<FieldChanges> {
  const row = await hazardRow(tx, id, new Date(), true)
  if (!row) throw new NotFound(`no hazard ${id}`)
  const changes = diffHazardFields(fieldsOf(row), f)
  if (Object.keys(changes).length === 0) return changes
  if (row.status === 'closed' && how.action === 'edited')
    throw new Conflict(`hazard ${id} is closed: it can no longer be edited`, { status: row.status })
  await tx`
    UPDATE hazards SET
      source = ${f.source}, category = ${f.category}, severity = ${f.severity}, description = ${f.description},
      place_name = ${f.place_name}, responsible_party = ${f.responsible_party}, due_date = ${f.due_date}::date,
      reported_at = ${f.reported_at}::timestamptz, attachments = ${tx.json(f.attachments)}, address = ${f.address},
      input_lng = ${f.lng}::float8, input_lat = ${f.lat}::float8, input_crs = ${f.crs}::text, updated_at = now()
    WHERE id = ${id}::bigint`
  if (placement) {
    await tx`UPDATE hazards SET (${placementColumns(tx)}) = (SELECT ${placementValues(tx, placement)}) WHERE id = ${id}::bigint`
  }
  await addHazardEvent(tx, id, { actor: how.actor, action: how.action, from: null, to: null, comment: how.comment, changes })
  return changes
}

/**
 * Moves a hazard to `to` if its workflow allows (else HTTP 409 naming both states) and records
 * who, when, from, to and the comment. Returns the state it left.
 * @example await transitionHazard(tx, '17', 'confirmed', 'grid-12', '现场核实属实')
 */
export async function transitionHazard(tx: Tx, id: string, to: HazardStatus, actor: string, comment: string | null): Promise<HazardStatus> {
  const [row] = await tx<{ status: HazardStatus }[]>`SELECT status FROM hazards WHERE id = ${id}::bigint FOR UPDATE`
  if (!row) throw new NotFound(`no hazard ${id}`)
  assertHazardMove(id, row.status, to)
  await tx`
    UPDATE hazards SET status = ${to}, updated_at = now(), closed_at = CASE WHEN ${to}::text = 'closed' THEN now() END
    WHERE id = ${id}::bigint`
  await addHazardEvent(tx, id, { actor, action: 'transition', from: row.status, to, comment, changes: {} })
  return row.status
}

/** Filters of a hazard list (area looked up already). */
export interface HazardFilter {
  status?: readonly HazardStatus[] | undefined
  category?: readonly HazardCategory[] | undefined
  severity?: readonly HazardSeverity[] | undefined
  source?: readonly HazardSource[] | undefined
  area?: AreaRef | null | undefined
  overdue?: boolean | undefined
  bbox?: readonly [number, number, number, number] | undefined
}

/**
 * One page of hazards, newest first (keyset on id: each row once however many are added).
 * @example await listHazards(tx, { overdue: true }, new Date(), 100, null) // { type: 'FeatureCollection', features, next }
 */
export async function listHazards(sql: Queryable, f: HazardFilter, now: Date, limit: number, after: string | null): Promise<HazardPage> {
  const list = (v: readonly string[] | undefined) => (v ? (v as string[]) : null)
  const bbox = f.bbox ?? null
  const rows = await sql<HazardRow[]>`
    SELECT ${hazardColumns(sql, now)}
    FROM hazards h
    WHERE true
      ${f.status ? sql`AND h.status = ANY(${list(f.status)}::text[])` : sql``}
      ${f.category ? sql`AND h.category = ANY(${list(f.category)}::text[])` : sql``}
      ${f.severity ? sql`AND h.severity = ANY(${list(f.severity)}::text[])` : sql``}
      ${f.source ? sql`AND h.source = ANY(${list(f.source)}::text[])` : sql``}
      ${areaCondition(sql, 'h', f.area)}
      ${f.overdue === undefined ? sql`` : sql`AND ${overdueHazardSql(sql, now)} = ${f.overdue}`}
      ${bbox ? sql`AND h.geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)` : sql``}
      ${after ? sql`AND h.id < ${after}::bigint` : sql``}
    ORDER BY h.id DESC
    LIMIT ${limit + 1}`
  const page = rows.slice(0, limit)
  return {
    type: 'FeatureCollection',
    features: page.map(toHazardFeature),
    next: rows.length > limit ? page.at(-1)!.id : null,
  }
}

/**
 * Hazards overdue at `now` (not closed, due date before the Shanghai day of `now`), most
 * overdue first: what the 'overdue' warning model reads.
 * @example const late = await overdueHazards(db.sql, new Date('2026-11-01T00:00:00+08:00'))
 */
export async function overdueHazards(sql: Queryable, now: Date): Promise<OverdueHazard[]> {
  const rows = await sql<
    {
      id: string
      hazard_id: string
      category: HazardCategory
      severity: HazardSeverity
      status: HazardStatus
      due_date: string
      responsible_party: string | null
      town_code: string | null
      village_code: string | null
      grid_code: string | null
      microgrid_code: string | null
      h3_r9: string | null
      lng: number | null
      lat: number | null
    }[]
  >`
    SELECT h.id::text, h.hazard_id, h.category, h.severity, h.status, h.due_date::text AS due_date, h.responsible_party,
           h.town_code, h.village_code, h.grid_code, h.microgrid_code, h.h3_r9::text AS h3_r9,
           ST_X(h.geom) AS lng, ST_Y(h.geom) AS lat
    FROM hazards h
    WHERE ${overdueHazardSql(sql, now)}
    ORDER BY h.due_date, h.id`
  return rows.map((r) => ({
    id: Number(r.id),
    hazardId: r.hazard_id,
    category: r.category,
    severity: r.severity,
    status: r.status,
    dueDate: r.due_date,
    daysOverdue: daysOverdue(r.due_date, now),
    responsibleParty: r.responsible_party,
    townCode: r.town_code,
    villageCode: r.village_code,
    gridCode: r.grid_code,
    microgridCode: r.microgrid_code,
    h3r9: r.h3_r9,
    lng: r.lng,
    lat: r.lat,
  }))
}

/**
 * Hazards changed after `since` (a change_seq, shared with incidents and tasks), oldest change
 * first, at most `limit`: for the live stream.
 * @example const batch = await hazardsChangedSince(db.sql, '1042', 500, new Date())
 */
export async function hazardsChangedSince(
  sql: Queryable,
  since: string,
  limit: number,
  now: Date,
): Promise<{ seq: string; feature: HazardFeature }[]> {
  const rows = await sql<(HazardRow & { seq: string })[]>`
    SELECT h.change_seq::text AS seq, ${hazardColumns(sql, now)}
    FROM hazards h WHERE h.change_seq > ${since}::bigint ORDER BY h.change_seq LIMIT ${limit}`
  return rows.map((r) => ({ seq: r.seq, feature: toHazardFeature(r) }))
}
