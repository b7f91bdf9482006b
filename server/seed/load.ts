/**
 * Writes generated demo rows into the database. Every step is an upsert by key, so seeding
 * again with the same seed changes nothing and an interrupted seed can simply be re-run.
 */
import type { Sql } from 'postgres'
import type { CopyValue, Db } from '../db/index.ts'
import { mergeAddressStage } from '../addresses/merge.ts'
import { ADDRESS_COPY_COLUMNS } from '../addresses/prepare.ts'
import { h3Cells } from '../geo/h3.ts'
import type { AddressRow, AreaLevel, AreaRow, IncidentRow } from './types.ts'

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
  return [
    a.addressId, a.address, pointEwkt(a.lng, a.lat), a.town, a.village, a.groupNo, a.road, a.doorNo, a.compound,
    a.building, a.unit, a.room, a.aliases, a.townCode, a.villageCode, a.gridCode, a.microgridCode,
    h.r7, h.r8, h.r9, h.r10, 'demo',
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
  return stagedUpsert(db, 'addresses', ADDRESS_COPY_COLUMNS, rows, addressValues, (sql) => mergeAddressStage(sql, 'seed_stage_addresses'), progress)
}

const INCIDENT_COLUMNS = [
  'incident_id', 'reported_at', 'category_code', 'address', 'description', 'source', 'status',
  'input_lng', 'input_lat', 'input_crs', 'geom', 'address_id', 'town_code', 'village_code', 'grid_code',
  'microgrid_code', 'h3_r7', 'h3_r8', 'h3_r9', 'h3_r10', 'properties',
] as const

function incidentValues(r: IncidentRow): CopyValue[] {
  const h = h3Cells(r.lng, r.lat)
  return [
    r.incidentId, r.reportedAt, r.categoryCode, r.address, r.description, r.source, r.status,
    r.lng, r.lat, 'wgs84', pointEwkt(r.lng, r.lat), r.truthAddressId, r.townCode, r.villageCode, r.gridCode,
    r.microgridCode, h.r7, h.r8, h.r9, h.r10, JSON.stringify({ demo: true, truth_address_id: r.truthAddressId }),
  ]
}

/** Streams demo incidents in, upserting by incident_id. */
export function loadIncidents(db: Db, rows: Iterable<IncidentRow>, progress?: Progress): Promise<number> {
  return stagedUpsert(db, 'incidents', INCIDENT_COLUMNS, rows, incidentValues, (sql) => sql`
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
  progress)
}
