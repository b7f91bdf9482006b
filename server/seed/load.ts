/**
 * Writes generated demo rows into the database. Every step is an upsert by key, so seeding
 * again with the same seed changes nothing and an interrupted seed can simply be re-run.
 */
import type { Sql } from 'postgres'

import { PLACEMENT_COLUMNS, placementValues } from '../addresses/locate.ts'
import { mergeAddressStage } from '../addresses/merge.ts'
import { ADDRESS_COPY_COLUMNS } from '../addresses/prepare.ts'
import type { AddressRow } from '../addresses/schema.ts'
import { canonicalName } from '../addresses/schema.ts'
import type { CopyValue, Db, Tx } from '../db/index.ts'
import { h3Cells } from '../geo/h3.ts'
import type { HazardSeedRow, SeedEvent, TaskSeedRow } from './hazards.ts'
import type { AreaLevel, AreaRow, IncidentRow } from './types.ts'

const LEVEL_ORDER: AreaLevel[] = ['district', 'town', 'village', 'grid', 'microgrid']
const AREA_BATCH = 1_000
/** Rows staged per upsert: bounds the staging table and gives the progress bar its steps. */
const STAGE_BATCH = 50_000

export type Progress = (done: number) => void

/** Upserts areas level by level (parents first, for the parent_code foreign key). */
export async function loadAreas(sql: Sql, areas: readonly AreaRow[], progress?: Progress): Promise<number> {
  let done = 0
  for (const level of LEVEL_ORDER) {
    const rows = areas.filter((a) => a.level === level)
    for (let i = 0; i < rows.length; i += AREA_BATCH) {
      const batch = rows.slice(i, i + AREA_BATCH)
      await sql`
        INSERT INTO admin_areas (code, name, level, parent_code, geom, label_point, population, properties)
        SELECT t.code, t.name, t.level, t.parent_code,
               ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(t.geojson), 4326)),
               ST_SetSRID(ST_Point(t.lng, t.lat), 4326),
               t.population, t.properties::jsonb
        FROM unnest(
          ${batch.map((a) => a.code)}::text[],
          ${batch.map((a) => a.name)}::text[],
          ${batch.map((a) => a.level)}::text[],
          ${batch.map((a) => a.parentCode)}::text[],
          ${batch.map((a) => JSON.stringify(a.geometry))}::text[],
          ${batch.map((a) => a.labelPoint[0])}::float8[],
          ${batch.map((a) => a.labelPoint[1])}::float8[],
          ${batch.map((a) => Math.round(a.population))}::int[],
          ${batch.map((a) => JSON.stringify(a.properties))}::text[]
        ) AS t(code, name, level, parent_code, geojson, lng, lat, population, properties)
        ON CONFLICT (code) DO UPDATE SET
          name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code,
          geom = EXCLUDED.geom, label_point = EXCLUDED.label_point, population = EXCLUDED.population,
          properties = EXCLUDED.properties, updated_at = now()`
      done += batch.length
      progress?.(done)
    }
  }
  return done
}

/** Groups an iterable into arrays of `size`. */
function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = []
  for (const item of items) {
    batch.push(item)
    if (batch.length >= size) {
      yield batch
      batch = []
    }
  }
  if (batch.length) yield batch
}

const pointEwkt = (lng: number, lat: number) => `SRID=4326;POINT(${lng} ${lat})`

function addressValues(a: AddressRow): CopyValue[] {
  const h = h3Cells(a.lng, a.lat)
  // Names in the canonical form the importer stores and the geocoder looks up (昇光村 → 升光村).
  const name = (s: string | null) => (s === null ? null : canonicalName(s))
  return [
    a.addressId,
    a.address,
    pointEwkt(a.lng, a.lat),
    name(a.town),
    name(a.village),
    a.groupNo,
    name(a.road),
    a.doorNo,
    name(a.compound),
    a.building,
    a.unit,
    a.room,
    a.aliases.map((x) => canonicalName(x) ?? x),
    a.townCode,
    a.villageCode,
    a.gridCode,
    a.microgridCode,
    h.r7,
    h.r8,
    h.r9,
    h.r10,
    'demo',
    a.townCode,
  ]
}

/**
 * Streams rows through an UNLOGGED staging table (`seed_stage_<target>`) shaped like `target`: COPY a batch in, let
 * `upsert` move it into the target, empty the stage, repeat. Bounded memory, idempotent.
 */
async function stagedUpsert<T>(
  db: Db,
  target: 'addresses' | 'incidents',
  columns: readonly string[],
  rows: Iterable<T>,
  toValues: (row: T) => CopyValue[],
  upsert: (sql: Sql) => Promise<unknown>,
  progress?: Progress,
): Promise<number> {
  const { sql } = db
  const stage = `seed_stage_${target}`
  await sql`DROP TABLE IF EXISTS ${sql(stage)}`
  await sql`CREATE UNLOGGED TABLE ${sql(stage)} AS SELECT ${sql([...columns])} FROM ${sql(target)} WITH NO DATA`
  let done = 0
  try {
    for (const batch of batches(rows, STAGE_BATCH)) {
      await db.copyIn(stage, columns, batch.map(toValues))
      await upsert(sql)
      await sql`TRUNCATE ${sql(stage)}`
      done += batch.length
      progress?.(done)
    }
  } finally {
    await sql`DROP TABLE IF EXISTS ${sql(stage)}`
  }
  return done
}

/** Streams addresses into the base, upserting by address_id. */
export function loadAddresses(db: Db, rows: Iterable<AddressRow>, progress?: Progress): Promise<number> {
  return stagedUpsert(
    db,
    'addresses',
    ADDRESS_COPY_COLUMNS,
    rows,
    addressValues,
    (sql) => mergeAddressStage(sql, 'seed_stage_addresses'),
    progress,
  )
}

const INCIDENT_COLUMNS = [
  'incident_id',
  'reported_at',
  'category_code',
  'address',
  'description',
  'source',
  'status',
  'input_lng',
  'input_lat',
  'input_crs',
  'geom',
  'address_id',
  ...PLACEMENT_COLUMNS,
  'properties',
] as const

function incidentValues(r: IncidentRow): CopyValue[] {
  const h = h3Cells(r.lng, r.lat)
  return [
    r.incidentId,
    r.reportedAt,
    r.categoryCode,
    r.address,
    r.description,
    r.source,
    r.status,
    r.lng,
    r.lat,
    'wgs84',
    pointEwkt(r.lng, r.lat),
    r.truthAddressId,
    ...placementValues(r, h),
    JSON.stringify({ demo: true, truth_address_id: r.truthAddressId }),
  ]
}

/** Streams demo incidents in, upserting by incident_id. */
export function loadIncidents(db: Db, rows: Iterable<IncidentRow>, progress?: Progress): Promise<number> {
  return stagedUpsert(
    db,
    'incidents',
    INCIDENT_COLUMNS,
    rows,
    incidentValues,
    (sql) => sql`
    INSERT INTO incidents AS i (${sql([...INCIDENT_COLUMNS])})
    SELECT ${sql([...INCIDENT_COLUMNS])} FROM seed_stage_incidents
    ON CONFLICT (incident_id) DO UPDATE SET
      reported_at = EXCLUDED.reported_at, category_code = EXCLUDED.category_code, address = EXCLUDED.address,
      description = EXCLUDED.description, source = EXCLUDED.source, status = EXCLUDED.status,
      input_lng = EXCLUDED.input_lng, input_lat = EXCLUDED.input_lat, input_crs = EXCLUDED.input_crs,
      geom = EXCLUDED.geom, address_id = EXCLUDED.address_id, town_code = EXCLUDED.town_code,
      village_code = EXCLUDED.village_code, grid_code = EXCLUDED.grid_code,
      microgrid_code = EXCLUDED.microgrid_code, h3_r7 = EXCLUDED.h3_r7, h3_r8 = EXCLUDED.h3_r8,
      h3_r9 = EXCLUDED.h3_r9, h3_r10 = EXCLUDED.h3_r10, properties = EXCLUDED.properties, updated_at = now()
    WHERE (i.reported_at, i.category_code, i.address, i.geom, i.status)
      IS DISTINCT FROM (EXCLUDED.reported_at, EXCLUDED.category_code, EXCLUDED.address, EXCLUDED.geom, EXCLUDED.status)`,
    progress,
  )
}

/**
 * Loads demo hazards and tasks with their histories (server/seed/hazards.ts), in one
 * transaction. Keyed by hazard_id and task ref: rows already there are left alone (with their
 * history), so seeding again changes nothing. Returns how many of each the seed holds.
 */
export async function loadHazardsAndTasks(
  db: Db,
  data: { hazards: readonly HazardSeedRow[]; tasks: readonly TaskSeedRow[] },
): Promise<{ hazards: number; tasks: number }> {
  const { hazards, tasks } = data
  await db.sql.begin(async (tx) => {
    const hcol = <T>(f: (h: HazardSeedRow) => T) => hazards.map(f)
    const cells = hazards.map((h) => h3Cells(h.lng, h.lat))
    const created = await tx<{ id: string; hazard_id: string }[]>`
      INSERT INTO hazards (hazard_id, source, category, severity, status, description, place_name, responsible_party, due_date,
                           reported_at, attachments, address, input_lng, input_lat, input_crs, geom, geocode_level, address_id,
                           town_code, village_code, grid_code, microgrid_code, h3_r7, h3_r8, h3_r9, h3_r10,
                           created_by, created_at, updated_at, closed_at)
      SELECT t.hazard_id, t.source, t.category, t.severity, t.status, t.description, t.place_name, t.responsible_party, t.due_date,
             t.reported_at, t.attachments::jsonb, t.address, t.lng, t.lat, 'wgs84', ST_SetSRID(ST_Point(t.lng, t.lat), 4326), 'door',
             t.address_id, t.town_code, t.village_code, t.grid_code, t.microgrid_code, t.r7, t.r8, t.r9, t.r10,
             t.created_by, t.reported_at, t.updated_at, CASE WHEN t.status = 'closed' THEN t.updated_at END
      FROM unnest(
        ${hcol((h) => h.hazardId)}::text[], ${hcol((h) => h.source)}::text[], ${hcol((h) => h.category)}::text[],
        ${hcol((h) => h.severity)}::text[], ${hcol((h) => h.status)}::text[], ${hcol((h) => h.description)}::text[],
        ${hcol((h) => h.placeName)}::text[], ${hcol((h) => h.responsibleParty)}::text[], ${hcol((h) => h.dueDate)}::date[],
        ${hcol((h) => h.reportedAt.toISOString())}::timestamptz[], ${hcol((h) => JSON.stringify(h.attachments))}::text[],
        ${hcol((h) => h.address)}::text[], ${hcol((h) => h.lng)}::float8[], ${hcol((h) => h.lat)}::float8[],
        ${hcol((h) => h.addressId)}::text[], ${hcol((h) => h.townCode)}::text[], ${hcol((h) => h.villageCode)}::text[],
        ${hcol((h) => h.gridCode)}::text[], ${hcol((h) => h.microgridCode)}::text[],
        ${cells.map((c) => c.r7)}::bigint[], ${cells.map((c) => c.r8)}::bigint[], ${cells.map((c) => c.r9)}::bigint[], ${cells.map((c) => c.r10)}::bigint[],
        ${hcol((h) => h.events[0]!.actor)}::text[], ${hcol((h) => h.events.at(-1)!.at.toISOString())}::timestamptz[]
      ) AS t(hazard_id, source, category, severity, status, description, place_name, responsible_party, due_date, reported_at,
             attachments, address, lng, lat, address_id, town_code, village_code, grid_code, microgrid_code, r7, r8, r9, r10,
             created_by, updated_at)
      ON CONFLICT (hazard_id) DO NOTHING
      RETURNING id::text, hazard_id`
    const newHazards = new Map(created.map((r) => [r.hazard_id, r.id]))
    await insertSeedEvents(
      tx,
      'hazard_events',
      'hazard_id',
      hazards.flatMap((h) => (newHazards.has(h.hazardId) ? h.events.map((e) => ({ owner: newHazards.get(h.hazardId)!, e })) : [])),
    )

    const refs = [...new Set(tasks.flatMap((t) => (t.hazardRef ? [t.hazardRef] : [])))]
    const hazardIds = new Map(
      (await tx<{ id: string; hazard_id: string }[]>`SELECT id::text, hazard_id FROM hazards WHERE hazard_id = ANY(${refs}::text[])`).map(
        (r) => [r.hazard_id, r.id],
      ),
    )
    const labels = new Map(
      (
        await tx<{ code: string; lng: number; lat: number }[]>`
        SELECT code, ST_X(label_point) AS lng, ST_Y(label_point) AS lat FROM admin_areas WHERE code = ANY(${[...new Set(tasks.map((t) => t.areaCode))]}::text[])`
      ).map((r) => [r.code, [r.lng, r.lat] as [number, number]]),
    )
    // A task whose area is missing (boundaries of another seed) cannot be placed: skip it.
    const placed = tasks.filter((t) => labels.has(t.areaCode) && (!t.hazardRef || hazardIds.has(t.hazardRef)))
    const points = placed.map((t) => t.point ?? labels.get(t.areaCode)!)
    const tcells = points.map((p) => h3Cells(p[0], p[1]))
    const tcol = <T>(f: (t: TaskSeedRow, i: number) => T) => placed.map(f)
    const createdTasks = await tx<{ id: string; ref: string }[]>`
      INSERT INTO tasks (ref, title, description, source, hazard_id, area_code, area_level, town_code, village_code, grid_code,
                         assignee_team, due_date, status, geom, located_by, h3_r7, h3_r8, h3_r9, h3_r10, created_by, created_at,
                         updated_at, closed_at)
      SELECT t.ref, t.title, t.description, t.source, t.hazard_id, t.area_code, t.area_level, t.town_code, t.village_code, t.grid_code,
             t.team, t.due_date, t.status, ST_SetSRID(ST_Point(t.lng, t.lat), 4326), t.located_by, t.r7, t.r8, t.r9, t.r10,
             t.created_by, t.created_at, t.updated_at, CASE WHEN t.status = 'closed' THEN t.updated_at END
      FROM unnest(
        ${tcol((t) => t.ref)}::text[], ${tcol((t) => t.title)}::text[], ${tcol((t) => t.description)}::text[], ${tcol((t) => t.source)}::text[],
        ${tcol((t) => (t.hazardRef ? hazardIds.get(t.hazardRef)! : null))}::bigint[], ${tcol((t) => t.areaCode)}::text[],
        ${tcol((t) => t.areaLevel)}::text[], ${tcol((t) => t.townCode)}::text[], ${tcol((t) => t.villageCode)}::text[],
        ${tcol((t) => t.gridCode)}::text[], ${tcol((t) => t.assigneeTeam)}::text[], ${tcol((t) => t.dueDate)}::date[],
        ${tcol((t) => t.status)}::text[], ${tcol((_, i) => points[i]![0])}::float8[], ${tcol((_, i) => points[i]![1])}::float8[],
        ${tcol((t) => (t.point ? 'hazard' : 'area'))}::text[],
        ${tcells.map((c) => c.r7)}::bigint[], ${tcells.map((c) => c.r8)}::bigint[], ${tcells.map((c) => c.r9)}::bigint[], ${tcells.map((c) => c.r10)}::bigint[],
        ${tcol((t) => t.events[0]!.actor)}::text[], ${tcol((t) => t.events[0]!.at.toISOString())}::timestamptz[],
        ${tcol((t) => t.events.at(-1)!.at.toISOString())}::timestamptz[]
      ) AS t(ref, title, description, source, hazard_id, area_code, area_level, town_code, village_code, grid_code, team, due_date,
             status, lng, lat, located_by, r7, r8, r9, r10, created_by, created_at, updated_at)
      ON CONFLICT (ref) DO NOTHING
      RETURNING id::text, ref`
    const newTasks = new Map(createdTasks.map((r) => [r.ref, r.id]))
    await insertSeedEvents(
      tx,
      'task_events',
      'task_id',
      placed.flatMap((t) => (newTasks.has(t.ref) ? t.events.map((e) => ({ owner: newTasks.get(t.ref)!, e })) : [])),
    )
  })
  return { hazards: hazards.length, tasks: tasks.length }
}

/** Inserts demo history rows into hazard_events or task_events. */
async function insertSeedEvents(
  sql: Tx,
  table: 'hazard_events' | 'task_events',
  owner: 'hazard_id' | 'task_id',
  rows: readonly { owner: string; e: SeedEvent }[],
): Promise<void> {
  if (rows.length === 0) return
  await sql`
    INSERT INTO ${sql(table)} (${sql(owner)}, at, actor, action, from_status, to_status, comment)
    SELECT * FROM unnest(
      ${rows.map((r) => r.owner)}::bigint[], ${rows.map((r) => r.e.at.toISOString())}::timestamptz[], ${rows.map((r) => r.e.actor)}::text[],
      ${rows.map((r) => r.e.action)}::text[], ${rows.map((r) => r.e.from)}::text[], ${rows.map((r) => r.e.to)}::text[], ${rows.map((r) => r.e.comment)}::text[])`
}
