/**
 * The warnings table: raising and re-triggering from model findings (one open warning per model
 * and subject: a repeat trigger updates it), expiry, transitions with their history, lists and
 * details as GeoJSON, and changes for the live stream.
 */
import { cellToBoundary, cellToLatLng, getResolution, latLngToCell } from 'h3-js'
import type { PendingQuery, Row } from 'postgres'

import type { Queryable, Tx } from '../db/index.ts'
import { bigintToH3, h3ToBigintString } from '../geo/h3.ts'
import { type Level, LEVEL_NAMES } from '../models/definition.ts'
import type { Finding, Place } from '../models/types.ts'
import { Conflict, NotFound } from '../shared/errors.ts'
import type { WarningEvent, WarningFeature, WarningPage } from './schema.ts'
import { assertWarningMove, WARNING_STATUS_NAMES, type WarningStatus } from './states.ts'

interface WarningRow {
  id: string
  model_id: string
  model_name: string | null
  model_version: number
  subject: string
  level: Level
  status: WarningStatus
  title: string
  explanation: string
  metrics: Record<string, unknown>
  geometry: { type: string; coordinates: unknown }
  h3_cell: string | null
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  address_id: string | null
  first_run_id: string
  last_run_id: string
  first_triggered_at: Date
  last_triggered_at: Date
  trigger_count: number
  created_at: Date
  updated_at: Date
  closed_at: Date | null
}

function columns(sql: Queryable): PendingQuery<Row[]> {
  return sql`w.id::text, w.model_id, m.definition->'name'->>'zh' AS model_name, w.model_version, w.subject, w.level, w.status,
    w.title, w.explanation, w.metrics, ST_AsGeoJSON(w.geom, 6)::json AS geometry, w.h3_cell::text AS h3_cell,
    w.town_code, w.village_code, w.grid_code, w.address_id, w.first_run_id::text, w.last_run_id::text,
    w.first_triggered_at, w.last_triggered_at, w.trigger_count, w.created_at, w.updated_at, w.closed_at`
}

function toFeature(r: WarningRow): WarningFeature {
  return {
    type: 'Feature',
    id: Number(r.id),
    geometry: r.geometry,
    properties: {
      id: Number(r.id),
      modelId: r.model_id,
      modelName: r.model_name ?? r.model_id,
      modelVersion: r.model_version,
      subject: r.subject,
      level: r.level,
      levelName: LEVEL_NAMES[r.level],
      status: r.status,
      statusName: WARNING_STATUS_NAMES[r.status],
      title: r.title,
      explanation: r.explanation,
      metrics: r.metrics,
      townCode: r.town_code,
      villageCode: r.village_code,
      gridCode: r.grid_code,
      addressId: r.address_id,
      h3: r.h3_cell ? bigintToH3(r.h3_cell) : null,
      firstRunId: Number(r.first_run_id),
      lastRunId: Number(r.last_run_id),
      firstTriggeredAt: r.first_triggered_at.toISOString(),
      lastTriggeredAt: r.last_triggered_at.toISOString(),
      triggerCount: r.trigger_count,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      closedAt: r.closed_at?.toISOString() ?? null,
    },
  }
}

/**
 * The GeoJSON polygon of an H3 cell (lng/lat, closed ring).
 * @example cellPolygon('88309a4539fffff').coordinates[0].length // 7
 */
export function cellPolygon(cell: string): { type: 'Polygon'; coordinates: number[][][] } {
  return { type: 'Polygon', coordinates: [cellToBoundary(cell, true)] }
}

/** Geometry, H3 cell and a point to find its areas by, for a finding's place. */
function placeParts(
  tx: Tx,
  place: Place,
): { geom: PendingQuery<Row[]>; cell: string | null; res: number | null; point: [number, number] | null; areaCode: string | null } {
  switch (place.kind) {
    case 'h3': {
      const [lat, lng] = cellToLatLng(place.cell)
      return {
        geom: tx`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(cellPolygon(place.cell))}), 4326)`,
        cell: h3ToBigintString(place.cell),
        res: getResolution(place.cell),
        point: [lng, lat],
        areaCode: null,
      }
    }
    case 'area':
      return {
        geom: tx`(SELECT geom FROM admin_areas WHERE code = ${place.code})`,
        cell: null,
        res: null,
        point: null,
        areaCode: place.code,
      }
    case 'point':
      return {
        geom: tx`ST_SetSRID(ST_MakePoint(${place.lng}, ${place.lat}), 4326)`,
        cell: h3ToBigintString(latLngToCell(place.lat, place.lng, 9)),
        res: 9,
        point: [place.lng, place.lat],
        areaCode: place.areaCode ?? null,
      }
  }
}

/** Town, village and grid of an area code, or of the grid containing a point. */
async function areaCodes(
  tx: Tx,
  areaCode: string | null,
  point: [number, number] | null,
): Promise<{ town: string | null; village: string | null; grid: string | null }> {
  if (!areaCode && !point) return { town: null, village: null, grid: null }
  const start = areaCode
    ? tx`${areaCode}::text`
    : tx`(SELECT code FROM admin_areas WHERE level = 'grid' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(${point![0]}, ${point![1]}), 4326)) ORDER BY code LIMIT 1)`
  const [row] = await tx<{ town: string | null; village: string | null; grid: string | null }[]>`
    WITH RECURSIVE up AS (
      SELECT code, level, parent_code FROM admin_areas WHERE code = ${start}
      UNION ALL
      SELECT p.code, p.level, p.parent_code FROM admin_areas p JOIN up ON p.code = up.parent_code
    )
    SELECT (SELECT code FROM up WHERE level = 'town' LIMIT 1) AS town,
           (SELECT code FROM up WHERE level = 'village' LIMIT 1) AS village,
           (SELECT code FROM up WHERE level = 'grid' LIMIT 1) AS grid`
  return row ?? { town: null, village: null, grid: null }
}

async function addEvent(
  tx: Tx,
  warningId: string,
  e: {
    actor: string
    action: WarningEvent['action']
    from: string | null
    to: string | null
    comment?: string | null
    runId?: string | null
    details?: Record<string, unknown>
  },
): Promise<void> {
  await tx`
    INSERT INTO warning_events (warning_id, actor, action, from_status, to_status, comment, run_id, details)
    VALUES (${warningId}::bigint, ${e.actor}, ${e.action}, ${e.from}, ${e.to}, ${e.comment ?? null}, ${e.runId ?? null}::bigint,
            ${tx.json((e.details ?? {}) as never)})`
}

/** Who the model runner is in histories. */
export const SYSTEM_ACTOR = 'system'

/**
 * Raises a warning for a finding, or updates the open warning of the same model and subject
 * (level, numbers, geometry, last trigger): 'raised' or 'updated'.
 * @example await upsertWarning(tx, { modelId: 'surge', version: 2, runId: '9', asOf }, finding)
 */
export async function upsertWarning(
  tx: Tx,
  run: { modelId: string; version: number; runId: string; asOf: Date },
  f: Finding,
): Promise<'raised' | 'updated'> {
  const p = placeParts(tx, f.place)
  const codes = await areaCodes(tx, p.areaCode, p.point)
  const addressId = f.place.kind === 'point' ? (f.place.addressId ?? null) : null
  // OPEN_STATUSES written out: the planner uses the partial unique index warnings_open_subject_idx
  // (migration 015) only for this literal predicate, not for a bound array.
  const [open] = await tx<{ id: string; level: Level }[]>`
    SELECT id::text, level FROM warnings
    WHERE model_id = ${run.modelId} AND subject = ${f.subject} AND status IN ('new', 'acknowledged', 'tasked')
    FOR UPDATE`
  if (open) {
    await tx`
      UPDATE warnings SET model_version = ${run.version}, level = ${f.level}, title = ${f.title}, explanation = ${f.explanation},
        metrics = ${tx.json(f.metrics as never)}, geom = ${p.geom}, h3_cell = ${p.cell}::bigint, h3_res = ${p.res},
        town_code = ${codes.town}, village_code = ${codes.village}, grid_code = ${codes.grid}, address_id = ${addressId},
        last_run_id = ${run.runId}::bigint, last_triggered_at = greatest(last_triggered_at, ${run.asOf}),
        trigger_count = trigger_count + 1, updated_at = now()
      WHERE id = ${open.id}::bigint`
    await addEvent(tx, open.id, {
      actor: SYSTEM_ACTOR,
      action: 'retriggered',
      from: null,
      to: null,
      runId: run.runId,
      details: { fromLevel: open.level, toLevel: f.level },
    })
    return 'updated'
  }
  const [row] = await tx<{ id: string }[]>`
    INSERT INTO warnings (model_id, model_version, subject, level, title, explanation, metrics, geom, h3_cell, h3_res,
                          town_code, village_code, grid_code, address_id, first_run_id, last_run_id, first_triggered_at, last_triggered_at)
    VALUES (${run.modelId}, ${run.version}, ${f.subject}, ${f.level}, ${f.title}, ${f.explanation}, ${tx.json(f.metrics as never)},
            ${p.geom}, ${p.cell}::bigint, ${p.res}, ${codes.town}, ${codes.village}, ${codes.grid}, ${addressId},
            ${run.runId}::bigint, ${run.runId}::bigint, ${run.asOf}, ${run.asOf})
    RETURNING id::text`
  await addEvent(tx, row!.id, {
    actor: SYSTEM_ACTOR,
    action: 'raised',
    from: null,
    to: 'new',
    runId: run.runId,
    details: { level: f.level },
  })
  return 'raised'
}

/**
 * Expires the model's new and acknowledged warnings last triggered more than `hours` before
 * `asOf` (tasked ones wait for their task); returns how many.
 * @example await expireWarnings(tx, 'surge', '9', asOf, 72)
 */
export async function expireWarnings(tx: Tx, modelId: string, runId: string | null, asOf: Date, hours: number): Promise<number> {
  const cutoff = new Date(asOf.getTime() - hours * 3600_000)
  const stale = await tx<{ id: string; status: WarningStatus }[]>`
    SELECT id::text, status FROM warnings
    WHERE model_id = ${modelId} AND status IN ('new', 'acknowledged') AND last_triggered_at < ${cutoff}
    ORDER BY id FOR UPDATE`
  if (stale.length === 0) return 0
  await tx`UPDATE warnings SET status = 'expired', closed_at = now(), updated_at = now() WHERE id = ANY(${stale.map((s) => s.id)}::bigint[])`
  for (const s of stale) {
    await addEvent(tx, s.id, {
      actor: SYSTEM_ACTOR,
      action: 'expired',
      from: s.status,
      to: 'expired',
      runId,
      comment: `${hours} 小时未再触发`,
    })
  }
  return stale.length
}

/**
 * One warning as a GeoJSON Feature, or null.
 * @example await getWarning(db.sql, '42')
 */
export async function getWarning(sql: Queryable, id: string): Promise<WarningFeature | null> {
  const [row] = await sql<
    WarningRow[]
  >`SELECT ${columns(sql)} FROM warnings w LEFT JOIN models m ON m.id = w.model_id WHERE w.id = ${id}::bigint`
  return row ? toFeature(row) : null
}

/** A warning's history, oldest first. */
export async function warningHistory(sql: Queryable, id: string): Promise<WarningEvent[]> {
  const rows = await sql<
    {
      id: string
      at: Date
      actor: string
      action: WarningEvent['action']
      from_status: string | null
      to_status: string | null
      comment: string | null
      run_id: string | null
      details: Record<string, unknown>
    }[]
  >`
    SELECT id::text, at, actor, action, from_status, to_status, comment, run_id::text, details
    FROM warning_events WHERE warning_id = ${id}::bigint ORDER BY at, id`
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    from: r.from_status,
    to: r.to_status,
    comment: r.comment,
    runId: r.run_id === null ? null : Number(r.run_id),
    details: r.details,
  }))
}

/**
 * A warning's tasks not yet closed (销号), oldest first — every one, also a task outside the
 * caller's areas (migrations/028: a definer function answering only ids and statuses).
 * @example await openTasksOf(tx, '42') // [{ id: 7, status: 'in_progress' }]
 */
export async function openTasksOf(tx: Queryable, warningId: string): Promise<{ id: number; status: string }[]> {
  const rows = await tx<{ id: string; status: string }[]>`SELECT id::text, status FROM warning_open_tasks(${warningId}::bigint)`
  return rows.map((r) => ({ id: Number(r.id), status: r.status }))
}

/**
 * Moves a warning (HTTP 404 if missing, 409 if the lifecycle forbids it) and records who, when
 * and why. Resolving it while a task it raised is still open needs a `reason` (409 naming the
 * tasks without one); the override is recorded with the reason and the tasks. `byPerson` false
 * lets the system reach 'tasked'.
 * @example await transitionWarning(tx, '42', 'acknowledged', 'duty-officer', '已签收')
 * @example await transitionWarning(tx, '42', 'resolved', 'chief', null, true, '现场已核实为误报，任务另行撤销')
 */
export async function transitionWarning(
  tx: Tx,
  id: string,
  to: WarningStatus,
  actor: string,
  comment: string | null,
  byPerson = true,
  reason: string | null = null,
): Promise<{ from: WarningStatus; to: WarningStatus }> {
  const [row] = await tx<{ status: WarningStatus }[]>`SELECT status FROM warnings WHERE id = ${id}::bigint FOR UPDATE`
  if (!row) throw new NotFound(`no warning ${id}`)
  assertWarningMove(id, row.status, to, byPerson)
  const open = to === 'resolved' ? await openTasksOf(tx, id) : []
  if (open.length > 0 && !reason) {
    const list = open.map((t) => `#${t.id} (${t.status})`).join(', ')
    throw new Conflict(
      `warning ${id}: ${open.length === 1 ? 'task' : 'tasks'} ${list} raised from it ${open.length === 1 ? 'is' : 'are'} still open: close ${open.length === 1 ? 'it' : 'them'} first, or give body.reason saying why the warning is resolved anyway`,
      { openTasks: open, field: 'body.reason' },
    )
  }
  const closing = to === 'resolved' || to === 'expired'
  await tx`UPDATE warnings SET status = ${to}, updated_at = now(), closed_at = ${closing ? tx`now()` : tx`NULL`} WHERE id = ${id}::bigint`
  const details = { ...(reason ? { reason } : {}), ...(open.length > 0 ? { overrideOpenTasks: open.map((t) => t.id) } : {}) }
  await addEvent(tx, id, { actor, action: 'transition', from: row.status, to, comment, details })
  return { from: row.status, to }
}

/** What a one-click task takes from its warning. */
export interface WarningForTask {
  id: string
  status: WarningStatus
  title: string
  explanation: string
  areaCode: string | null
  areaName: string | null
  lng: number
  lat: number
}

/** The warning (locked) with what a task from it defaults to; 404 if missing. */
export async function warningForTask(tx: Tx, id: string): Promise<WarningForTask> {
  const [row] = await tx<
    {
      id: string
      status: WarningStatus
      title: string
      explanation: string
      area_code: string | null
      area_name: string | null
      lng: number
      lat: number
    }[]
  >`
    SELECT w.id::text, w.status, w.title, w.explanation, coalesce(w.grid_code, w.village_code, w.town_code) AS area_code,
           (SELECT name FROM admin_areas WHERE code = coalesce(w.grid_code, w.village_code, w.town_code)) AS area_name,
           ST_X(ST_PointOnSurface(w.geom)) AS lng, ST_Y(ST_PointOnSurface(w.geom)) AS lat
    FROM warnings w WHERE w.id = ${id}::bigint FOR UPDATE`
  if (!row) throw new NotFound(`no warning ${id}`)
  return {
    id: row.id,
    status: row.status,
    title: row.title,
    explanation: row.explanation,
    areaCode: row.area_code,
    areaName: row.area_name,
    lng: row.lng,
    lat: row.lat,
  }
}

export interface WarningFilter {
  level?: string[] | undefined
  status?: string[] | undefined
  model?: string[] | undefined
  /** An area code with its level (district = everything). */
  area?: { code: string; level: string } | null
  from?: Date | undefined
  to?: Date | undefined
}

/**
 * A page of warnings, newest first (keyset on id), as a FeatureCollection with `next`.
 * @example await listWarnings(db.sql, { level: ['red'] }, 100, null)
 */
export async function listWarnings(sql: Queryable, f: WarningFilter, limit: number, after: string | null): Promise<WarningPage> {
  const area = f.area && f.area.level !== 'district' ? f.area.code : null
  const rows = await sql<WarningRow[]>`
    SELECT ${columns(sql)} FROM warnings w LEFT JOIN models m ON m.id = w.model_id
    WHERE true
      ${f.level ? sql`AND w.level = ANY(${f.level}::text[])` : sql``}
      ${f.status ? sql`AND w.status = ANY(${f.status}::text[])` : sql``}
      ${f.model ? sql`AND w.model_id = ANY(${f.model}::text[])` : sql``}
      ${area ? sql`AND (w.town_code = ${area} OR w.village_code = ${area} OR w.grid_code = ${area})` : sql``}
      ${f.from ? sql`AND w.last_triggered_at >= ${f.from}` : sql``}
      ${f.to ? sql`AND w.first_triggered_at < ${f.to}` : sql``}
      ${after ? sql`AND w.id < ${after}::bigint` : sql``}
    ORDER BY w.id DESC
    LIMIT ${limit + 1}`
  const page = rows.slice(0, limit)
  return { type: 'FeatureCollection', features: page.map(toFeature), next: rows.length > limit ? page.at(-1)!.id : null }
}

/**
 * Warnings changed after `since` (the change_seq shared with incidents, hazards and tasks),
 * oldest change first, at most `limit`: for the live stream.
 * @example const batch = await warningsChangedSince(db.sql, '1042', 500)
 */
export async function warningsChangedSince(
  sql: Queryable,
  since: string,
  limit: number,
): Promise<{ seq: string; feature: WarningFeature }[]> {
  const rows = await sql<(WarningRow & { seq: string })[]>`
    SELECT w.change_seq::text AS seq, ${columns(sql)}
    FROM warnings w LEFT JOIN models m ON m.id = w.model_id
    WHERE w.change_seq > ${since}::bigint ORDER BY w.change_seq LIMIT ${limit}`
  return rows.map((r) => ({ seq: r.seq, feature: toFeature(r) }))
}
