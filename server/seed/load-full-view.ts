/**
 * Writes the full view's demo rows (./full-view.ts) into the tables of migrations/034: houses,
 * residents, organisations and self-checks, disputes with parties and steps, patrols, devices and
 * their events, and the entered 双十条 assessments (./assessments.ts). Every name and phone is
 * sealed here (server/auth/sealed.ts), and ID numbers kept as their keyed hash, their masked form
 * and sealed: no personal field is written in the clear. Rows are COPYed into unlogged staging
 * tables (parameter arrays are slow on the embedded database) and moved from there keyed by their
 * ids with ON CONFLICT DO NOTHING (children by their own unique keys, assessments skipped where
 * the same indicator, area, month and enterer is there), so seeding again changes nothing, as for
 * hazards (./load.ts). All SQL is tagged templates: identifiers through `sql(name)`.
 */
import type { Helper, PendingQuery, Row } from 'postgres'

import { idHash, maskNumber, seal, sealName, sealPhone } from '../auth/sealed.ts'
import type { CopyValue, Db, Queryable } from '../db/index.ts'
import { h3Cells } from '../geo/h3.ts'
import type { FullViewData, SeedPlace } from './full-view.ts'

/** A staging table's name as an identifier (`sql(name)`), read as `s` by the statements. */
type Stage = Helper<string, []>
/** A statement over a staging table: its DDL, or the move of its rows into their table. */
type StageSql = (sql: Queryable, stage: Stage) => PendingQuery<Row[]>

/** The placement columns of a staging table (placeValues gives their values, in this order). */
const placeStage = (sql: Queryable) => sql`
  address text, lng float8, lat float8, level text, address_id text, town text, village text, grid text, microgrid text,
  r7 bigint, r8 bigint, r9 bigint, r10 bigint`
function placeValues(p: SeedPlace): CopyValue[] {
  const c = h3Cells(p.lng, p.lat)
  return [p.address, p.lng, p.lat, p.level, p.addressId, p.townCode, p.villageCode, p.gridCode, p.microgridCode, c.r7, c.r8, c.r9, c.r10]
}
/** The placement columns of a target table… */
const placeTarget = (sql: Queryable) => sql`
  geom, approximate, outside_district, geocode_level, geocode_score, address_id, town_code, village_code, grid_code, microgrid_code,
  h3_r7, h3_r8, h3_r9, h3_r10`
/** …and the staged values that fill them (stage alias `s`). */
const placeFromStage = (sql: Queryable) => sql`
  ST_SetSRID(ST_Point(s.lng, s.lat), 4326), false, false, s.level, 1, s.address_id, s.town, s.village, s.grid, s.microgrid,
  s.r7, s.r8, s.r9, s.r10`

/**
 * Creates a fresh unlogged staging table `seed_stage_fv_<name>` with `create`, COPYs the rows into
 * it (each row in the order of the columns `create` declares, read back from the catalogue), runs
 * `move` (which reads it as `s`) and drops it.
 */
async function staged(db: Db, name: string, create: StageSql, rows: readonly CopyValue[][], move: StageSql): Promise<void> {
  if (rows.length === 0) return
  const table = `seed_stage_fv_${name}`
  const { sql } = db
  const stage = sql(table)
  await sql`DROP TABLE IF EXISTS ${stage}`
  await create(sql, stage)
  try {
    const columns = await sql<{ name: string }[]>`
      SELECT attname AS name FROM pg_attribute WHERE attrelid = ${table}::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`
    await db.copyIn(
      table,
      columns.map((c) => c.name),
      rows,
    )
    await move(sql, stage)
  } finally {
    await sql`DROP TABLE IF EXISTS ${stage}`
  }
}

/** Counts of the full view's rows as seeded. */
export interface FullViewCounts {
  houses: number
  residents: number
  organisations: number
  self_checks: number
  disputes: number
  patrols: number
  devices: number
  device_events: number
  indicator_assessments: number
}

/**
 * Loads the full view's demo rows; returns how many of each the seed holds. Parents before
 * children (residents name their house, devices their organisation or house).
 * @example await loadFullView(db, generateFullView(sample, areas, tap.recent, { seed, end, houses: 8_000, organisations: 1_200, disputes: 900 }))
 */
export async function loadFullView(db: Db, data: FullViewData): Promise<FullViewCounts> {
  await loadHouses(db, data)
  await loadResidents(db, data)
  await loadOrganisations(db, data)
  await loadDisputes(db, data)
  await loadPatrols(db, data)
  await loadDevices(db, data)
  await loadAssessments(db, data)
  return {
    houses: data.houses.length,
    residents: data.residents.length,
    organisations: data.organisations.length,
    self_checks: data.organisations.reduce((s, o) => s + o.selfChecks.length, 0),
    disputes: data.disputes.length,
    patrols: data.patrols.length,
    devices: data.devices.length,
    device_events: data.devices.reduce((s, d) => s + d.events.length, 0),
    indicator_assessments: data.assessments.length,
  }
}

async function loadHouses(db: Db, data: FullViewData): Promise<void> {
  const rows = data.houses.map((h) => {
    const n = sealName(h.ownerName)
    const p = sealPhone(h.ownerPhone)
    return [
      h.houseId, h.room, h.use, h.groupRental, h.rooms, h.floorAreaM2, n.sealed, n.masked, p.sealed, p.masked, ...placeValues(h.place),
    ] // prettier-ignore
  })
  await staged(
    db,
    'houses',
    (sql, stage) => sql`
      CREATE UNLOGGED TABLE ${stage} (house_id text, room text, use text, group_rental boolean, rooms int, area real,
                                      on_s text, on_m text, op_s text, op_m text, ${placeStage(sql)})`,
    rows,
    (sql, stage) => sql`
      INSERT INTO houses (house_id, address, room, use, group_rental, rooms, floor_area_m2, owner_name_sealed, owner_name_masked,
                          owner_phone_sealed, owner_phone_masked, ${placeTarget(sql)}, source)
      SELECT s.house_id, s.address, s.room, s.use, s.group_rental, s.rooms, s.area, s.on_s, s.on_m, s.op_s, s.op_m,
             ${placeFromStage(sql)}, 'demo'
      FROM ${stage} s
      ON CONFLICT (house_id) DO NOTHING`,
  )
}

async function loadResidents(db: Db, data: FullViewData): Promise<void> {
  const rows = data.residents.map((r) => {
    const n = sealName(r.name)
    const p = sealPhone(r.phone)
    return [
      r.personId, r.houseId, r.residence, r.registeredOn, r.registrationExpires, r.movedIn, r.movedOut, r.keyCategories,
      n.sealed, n.masked, idHash(r.idNumber), maskNumber(r.idNumber), seal(r.idNumber), p.sealed, p.masked, ...placeValues(r.place),
    ] // prettier-ignore
  })
  await staged(
    db,
    'residents',
    (sql, stage) => sql`
      CREATE UNLOGGED TABLE ${stage} (person_id text, house_ref text, residence text, registered_on date, expires date, moved_in date,
                                      moved_out date, keys text[], n_s text, n_m text, id_hash text, id_m text, id_s text,
                                      p_s text, p_m text, ${placeStage(sql)})`,
    rows,
    (sql, stage) => sql`
      INSERT INTO residents (person_id, house_id, residence, registered_on, registration_expires, moved_in, moved_out, key_categories,
                             name_sealed, name_masked, id_hash, id_masked, id_sealed, phone_sealed, phone_masked, address,
                             ${placeTarget(sql)}, source)
      SELECT s.person_id, h.id, s.residence, s.registered_on, s.expires, s.moved_in, s.moved_out, s.keys, s.n_s, s.n_m, s.id_hash,
             s.id_m, s.id_s, s.p_s, s.p_m, s.address, ${placeFromStage(sql)}, 'demo'
      FROM ${stage} s LEFT JOIN houses h ON h.house_id = s.house_ref
      ON CONFLICT (person_id) DO NOTHING`,
  )
}

async function loadOrganisations(db: Db, data: FullViewData): Promise<void> {
  const rows = data.organisations.map((o) => {
    const n = sealName(o.responsibleName)
    const p = sealPhone(o.responsiblePhone)
    return [
      o.orgId, o.name, o.type, o.riskCategories, n.sealed, n.masked, p.sealed, p.masked, o.selfCheckEveryDays, o.selfCheckChecklist,
      o.createdAt, ...placeValues(o.place),
    ] // prettier-ignore
  })
  await staged(
    db,
    'organisations',
    (sql, stage) => sql`
      CREATE UNLOGGED TABLE ${stage} (org_id text, name text, type text, risks text[], n_s text, n_m text, p_s text, p_m text,
                                      every int, checklist text, created_at timestamptz, ${placeStage(sql)})`,
    rows,
    (sql, stage) => sql`
      INSERT INTO organisations (org_id, name, type, risk_categories, responsible_name_sealed, responsible_name_masked,
                                 responsible_phone_sealed, responsible_phone_masked, self_check_every_days, self_check_checklist, address,
                                 ${placeTarget(sql)}, source, created_at)
      SELECT s.org_id, s.name, s.type, s.risks, s.n_s, s.n_m, s.p_s, s.p_m, s.every, s.checklist, s.address, ${placeFromStage(sql)},
             'demo', s.created_at
      FROM ${stage} s
      ON CONFLICT (org_id) DO NOTHING`,
  )
  const checks = data.organisations.flatMap((o) =>
    o.selfChecks.map((c) => [o.orgId, c.checkedAt, o.selfCheckChecklist, c.items, c.failedItems, c.actor] as CopyValue[]),
  )
  await staged(
    db,
    'self_checks',
    (sql, stage) => sql`
      CREATE UNLOGGED TABLE ${stage} (org_ref text, at timestamptz, checklist text, items int, failed text[], actor text)`,
    checks,
    (sql, stage) => sql`
      INSERT INTO self_checks (organisation_id, checked_at, checklist, items, failed_items, actor, source, created_at)
      SELECT o.id, s.at, s.checklist, s.items, s.failed, s.actor, 'demo', s.at
      FROM ${stage} s JOIN organisations o ON o.org_id = s.org_ref
      ON CONFLICT (organisation_id, checked_at) DO NOTHING`,
  )
}

async function loadDisputes(db: Db, data: FullViewData): Promise<void> {
  const rows = data.disputes.map((d) => [
    d.caseId, d.type, d.summary, d.reportedAt, d.level, d.status, d.outcomeAt, d.judicialConfirmation, d.incidentIds, d.partyKey,
    ...placeValues(d.place),
  ]) // prettier-ignore
  await staged(
    db,
    'disputes',
    (sql, stage) => sql`
      CREATE UNLOGGED TABLE ${stage} (case_id text, type text, summary text, reported_at timestamptz, dlevel text, status text,
                                      outcome_at timestamptz, judicial boolean, incidents text[], party_key text, ${placeStage(sql)})`,
    rows,
    (sql, stage) => sql`
      INSERT INTO disputes (case_id, type, summary, reported_at, level, status, outcome_at, judicial_confirmation, incident_ids,
                            party_key, address, ${placeTarget(sql)}, source)
      SELECT s.case_id, s.type, s.summary, s.reported_at, s.dlevel, s.status, s.outcome_at, s.judicial, s.incidents, s.party_key,
             s.address, ${placeFromStage(sql)}, 'demo'
      FROM ${stage} s
      ON CONFLICT (case_id) DO NOTHING`,
  )
  const parties = data.disputes.flatMap((d) =>
    d.parties.map((x) => {
      const n = sealName(x.name)
      const p = sealPhone(x.phone)
      return [d.caseId, x.partyId, x.role, n.sealed, n.masked, p.sealed, p.masked] as CopyValue[]
    }),
  )
  await staged(
    db,
    'dispute_parties',
    (sql, stage) => sql`
      CREATE UNLOGGED TABLE ${stage} (case_ref text, party_id text, role text, n_s text, n_m text, p_s text, p_m text)`,
    parties,
    (sql, stage) => sql`
      INSERT INTO dispute_parties (dispute_id, party_id, role, name_sealed, name_masked, phone_sealed, phone_masked)
      SELECT d.id, s.party_id, s.role, s.n_s, s.n_m, s.p_s, s.p_m
      FROM ${stage} s JOIN disputes d ON d.case_id = s.case_ref
      ON CONFLICT DO NOTHING`,
  )
  const steps = data.disputes.flatMap((d) => d.steps.map((x) => [d.caseId, x.at, x.level, x.action, x.note, x.actor] as CopyValue[]))
  await staged(
    db,
    'dispute_steps',
    (sql, stage) => sql`
      CREATE UNLOGGED TABLE ${stage} (case_ref text, at timestamptz, slevel text, action text, note text, actor text)`,
    steps,
    (sql, stage) => sql`
      INSERT INTO dispute_steps (dispute_id, at, level, action, note, actor)
      SELECT d.id, s.at, s.slevel, s.action, s.note, s.actor
      FROM ${stage} s JOIN disputes d ON d.case_id = s.case_ref
      ON CONFLICT DO NOTHING`,
  )
}

async function loadPatrols(db: Db, data: FullViewData): Promise<void> {
  const rows = data.patrols.map((p) => [
    p.patrolId, p.team, p.members, p.startedAt, p.endedAt, `LINESTRING(${p.track.map(([x, y]) => `${x} ${y}`).join(',')})`, p.lengthM,
    p.townCodes, p.villageCodes, p.gridCodes,
  ]) // prettier-ignore
  await staged(
    db,
    'patrols',
    (sql, stage) => sql`
      CREATE UNLOGGED TABLE ${stage} (patrol_id text, team text, members int, started_at timestamptz, ended_at timestamptz, wkt text,
                                      length_m real, towns text[], villages text[], grids text[])`,
    rows,
    (sql, stage) => sql`
      INSERT INTO patrols (patrol_id, team, members, started_at, ended_at, track, length_m, town_codes, village_codes, grid_codes, source)
      SELECT s.patrol_id, s.team, s.members, s.started_at, s.ended_at, ST_GeomFromText(s.wkt, 4326), s.length_m, s.towns, s.villages,
             s.grids, 'demo'
      FROM ${stage} s
      ON CONFLICT (patrol_id) DO NOTHING`,
  )
}

async function loadDevices(db: Db, data: FullViewData): Promise<void> {
  const rows = data.devices.map((d) => [
    d.deviceId, d.kind, d.name, d.installedAt, d.orgRef, d.houseRef, d.expectedRefillDays, ...placeValues(d.place),
  ]) // prettier-ignore
  await staged(
    db,
    'devices',
    (sql, stage) => sql`
      CREATE UNLOGGED TABLE ${stage} (device_id text, kind text, name text, installed_at date, org_ref text, house_ref text, refill int,
                                      ${placeStage(sql)})`,
    rows,
    (sql, stage) => sql`
      INSERT INTO devices (device_id, kind, name, installed_at, organisation_id, house_id, expected_refill_days, address,
                           ${placeTarget(sql)}, source)
      SELECT s.device_id, s.kind, s.name, s.installed_at, o.id, h.id, s.refill, s.address, ${placeFromStage(sql)}, 'demo'
      FROM ${stage} s LEFT JOIN organisations o ON o.org_id = s.org_ref LEFT JOIN houses h ON h.house_id = s.house_ref
      ON CONFLICT (device_id) DO NOTHING`,
  )
  const events = data.devices.flatMap((d) =>
    d.events.map(
      (e) => [d.deviceId, e.at, e.kind, e.station, e.place?.address, e.place?.addressId, e.place?.lng, e.place?.lat] as CopyValue[],
    ),
  )
  await staged(
    db,
    'device_events',
    (sql, stage) => sql`
      CREATE UNLOGGED TABLE ${stage} (device_ref text, at timestamptz, kind text, station text, address text, address_id text,
                                      lng float8, lat float8)`,
    events,
    (sql, stage) => sql`
      INSERT INTO device_events (device_id, at, kind, station, address, address_id, geom, source)
      SELECT d.id, s.at, s.kind, s.station, s.address, s.address_id,
             CASE WHEN s.lng IS NULL THEN NULL ELSE ST_SetSRID(ST_Point(s.lng, s.lat), 4326) END, 'demo'
      FROM ${stage} s JOIN devices d ON d.device_id = s.device_ref
      ON CONFLICT (device_id, at, kind) DO NOTHING`,
  )
}

/** The entered 双十条 assessments: one entry per indicator, area, month and enterer, skipped when it is there. */
async function loadAssessments(db: Db, data: FullViewData): Promise<void> {
  const rows = data.assessments.map((a) => [a.indicator, a.area, `${a.month}-01`, a.value, a.comment, a.enteredBy, a.enteredAt])
  await staged(
    db,
    'assessments',
    (sql, stage) => sql`
      CREATE UNLOGGED TABLE ${stage} (indicator text, area text, month date, value float8, comment text, entered_by text,
                                      entered_at timestamptz)`,
    rows,
    (sql, stage) => sql`
      INSERT INTO indicator_assessments (indicator_id, area_code, month, value, comment, entered_by, entered_at)
      SELECT s.indicator, s.area, s.month, s.value, s.comment, s.entered_by, s.entered_at
      FROM ${stage} s
      WHERE NOT EXISTS (SELECT 1 FROM indicator_assessments a
                        WHERE a.indicator_id = s.indicator AND a.month = s.month AND a.area_code = s.area AND a.entered_by = s.entered_by)`,
  )
}
