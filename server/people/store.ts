/**
 * Houses and residents in the database (migrations 034, 035): the import's compare-and-write and
 * the reads of the API. Functions take a transaction (`db.withScope`): row-level security decides
 * which rows a caller sees, so a house or resident outside their areas is simply not found. Reads
 * give the masked personal fields; only `residentSealed` returns the sealed ones (for a reveal).
 */
import type { PendingQuery, Row } from 'postgres'

import type { Queryable, Tx } from '../db/index.ts'
import type { Crs } from '../geo/crs.ts'
import type { ReportPlacement } from '../geocode/place.ts'
import { placementColumns, placementValues } from '../geocode/place-sql.ts'
import { areaCondition } from '../shared/area-sql.ts'
import { placedColumns, placedPoint, placedProperties, type PlacedRow } from '../shared/placed.ts'
import type { AreaRef } from '../stats/schema.ts'
import {
  HOUSE_USE_NAMES,
  type HouseCounts,
  type HouseFeature,
  type HousePage,
  type HouseUse,
  KEY_CATEGORY_NAMES,
  type KeyCategory,
  type Registration,
  type Residence,
  RESIDENCE_NAMES,
  type Resident,
  type ResidentPage,
} from './schema.ts'

/** Where a record was placed from, as given (houses.place_input, residents.place_input). */
export type PlaceInput = LocationInput | { house: string }

/** A location as a line gives it (crs only with coordinates); a type, not an interface, so tx.json takes it. */
export type LocationInput = {
  addressId: string | null
  address: string | null
  lng: number | null
  lat: number | null
  crs: Crs | null
}

/**
 * A JSON text with object keys sorted (jsonb reorders keys, so stored and given inputs are compared this way).
 * @example canonicalJson({ b: 1, a: [2] }) // '{"a":[2],"b":1}'
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(v ?? null)
}

// ── Houses: import side ────────────────────────────────────────────────────────────────────

/** A house as an import gives it, personal fields sealed and masked. */
export interface HouseWrite {
  houseId: string
  placeInput: PlaceInput
  address: string | null
  room: string | null
  use: HouseUse
  groupRental: boolean
  rooms: number | null
  floorAreaM2: number | null
  ownerName: { sealed: string | null; masked: string | null }
  ownerPhone: { sealed: string | null; masked: string | null }
  source: string
}

/** What a stored house was given (for a re-import to compare with). */
export interface StoredHouse {
  id: string
  houseId: string
  placeInput: PlaceInput | null
  room: string | null
  use: HouseUse
  groupRental: boolean
  rooms: number | null
  floorAreaM2: number | null
  ownerNameSealed: string | null
  ownerNameMasked: string | null
  ownerPhoneSealed: string | null
  ownerPhoneMasked: string | null
}

/** Stored houses by source house_id, locked for the batch's update. */
export async function housesByHouseId(tx: Tx, houseIds: readonly string[]): Promise<Map<string, StoredHouse>> {
  const rows = await tx<StoredHouse[]>`
    SELECT id::text AS "id", house_id AS "houseId", place_input AS "placeInput", room, use, group_rental AS "groupRental",
           rooms, floor_area_m2 AS "floorAreaM2", owner_name_sealed AS "ownerNameSealed", owner_name_masked AS "ownerNameMasked",
           owner_phone_sealed AS "ownerPhoneSealed", owner_phone_masked AS "ownerPhoneMasked"
    FROM houses WHERE house_id = ANY(${houseIds as string[]}::text[]) FOR UPDATE`
  return new Map(rows.map((r) => [r.houseId, r]))
}

/** The address text to keep: as given, else the base's text of the placed address. */
function addressText(tx: Tx, given: string | null, p: ReportPlacement | null): PendingQuery<Row[]> {
  return tx`coalesce(${given}::text, (SELECT a.address FROM addresses a WHERE a.address_id = ${p?.addressId ?? null}::text))`
}

/**
 * Inserts a house with its placement; returns its id.
 * @example await insertHouse(tx, house, placement)
 */
export async function insertHouse(tx: Tx, h: HouseWrite, p: ReportPlacement): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    INSERT INTO houses (house_id, place_input, address, room, use, group_rental, rooms, floor_area_m2,
                        owner_name_sealed, owner_name_masked, owner_phone_sealed, owner_phone_masked, source, ${placementColumns(tx)})
    SELECT ${h.houseId}, ${tx.json(h.placeInput)}, ${addressText(tx, h.address, p)}, ${h.room}, ${h.use}, ${h.groupRental},
           ${h.rooms}::int, ${h.floorAreaM2}::real, ${h.ownerName.sealed}, ${h.ownerName.masked}, ${h.ownerPhone.sealed},
           ${h.ownerPhone.masked}, ${h.source}, ${placementValues(tx, p)}
    RETURNING id::text`
  return row!.id
}

/**
 * Rewrites a house (its placement too unless `p` is null: unmoved); residents placed by the house
 * follow it when it moves.
 * @example await updateHouse(tx, '12', house, null)
 */
export async function updateHouse(tx: Tx, id: string, h: HouseWrite, p: ReportPlacement | null): Promise<void> {
  await tx`
    UPDATE houses SET place_input = ${tx.json(h.placeInput)}, room = ${h.room}, use = ${h.use}, group_rental = ${h.groupRental},
      rooms = ${h.rooms}::int, floor_area_m2 = ${h.floorAreaM2}::real, owner_name_sealed = ${h.ownerName.sealed},
      owner_name_masked = ${h.ownerName.masked}, owner_phone_sealed = ${h.ownerPhone.sealed},
      owner_phone_masked = ${h.ownerPhone.masked}, source = ${h.source}, updated_at = now()
    WHERE id = ${id}::bigint`
  if (!p) return
  await tx`
    UPDATE houses SET address = ${addressText(tx, h.address, p)}, (${placementColumns(tx)}) = (SELECT ${placementValues(tx, p)})
    WHERE id = ${id}::bigint`
  await tx`
    UPDATE residents SET address = (SELECT h.address FROM houses h WHERE h.id = residents.house_id),
      (${placementColumns(tx)}) = (SELECT ${placementColumns(tx)} FROM houses h WHERE h.id = residents.house_id), updated_at = now()
    WHERE house_id = ${id}::bigint`
}

// ── Residents: import side ─────────────────────────────────────────────────────────────────

/** A resident as an import gives them, personal fields sealed and masked. */
export interface ResidentWrite {
  personId: string
  /** The house's numeric id when placed by a house. */
  house: string | null
  placeInput: PlaceInput
  address: string | null
  residence: Residence
  registeredOn: string | null
  registrationExpires: string | null
  movedIn: string | null
  movedOut: string | null
  keyCategories: KeyCategory[]
  name: { sealed: string | null; masked: string | null }
  phone: { sealed: string | null; masked: string | null }
  id: { sealed: string | null; masked: string | null; hash: string | null }
  source: string
}

/** What a stored resident was given (for a re-import to compare with). */
export interface StoredResident {
  id: string
  personId: string
  placeInput: PlaceInput | null
  residence: Residence
  registeredOn: string | null
  registrationExpires: string | null
  movedIn: string | null
  movedOut: string | null
  keyCategories: KeyCategory[]
  nameSealed: string | null
  nameMasked: string | null
  phoneSealed: string | null
  phoneMasked: string | null
  idHash: string | null
  idSealed: string | null
  idMasked: string | null
}

/** Stored residents by source person_id, locked for the batch's update. */
export async function residentsByPersonId(tx: Tx, personIds: readonly string[]): Promise<Map<string, StoredResident>> {
  const rows = await tx<StoredResident[]>`
    SELECT id::text AS "id", person_id AS "personId", place_input AS "placeInput", residence,
           registered_on::text AS "registeredOn", registration_expires::text AS "registrationExpires",
           moved_in::text AS "movedIn", moved_out::text AS "movedOut", key_categories AS "keyCategories",
           name_sealed AS "nameSealed", name_masked AS "nameMasked", phone_sealed AS "phoneSealed",
           phone_masked AS "phoneMasked", id_hash AS "idHash",
           id_sealed AS "idSealed", id_masked AS "idMasked"
    FROM residents WHERE person_id = ANY(${personIds as string[]}::text[]) FOR UPDATE`
  return new Map(rows.map((r) => [r.personId, r]))
}

/** The numeric ids of houses by source house_id (those that exist). */
export async function houseIdsBySourceId(sql: Queryable, houseIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await sql<{ id: string; house_id: string }[]>`
    SELECT id::text, house_id FROM houses WHERE house_id = ANY(${houseIds as string[]}::text[])`
  return new Map(rows.map((r) => [r.house_id, r.id]))
}

/** Every source house_id (an import checks its lines' house_id against them before loading). */
export async function allHouseIds(sql: Queryable): Promise<Set<string>> {
  const rows = await sql<{ house_id: string }[]>`SELECT house_id FROM houses`
  return new Set(rows.map((r) => r.house_id))
}

/** The non-placement columns of a resident write, in the order of residentValues. */
function residentValues(tx: Tx, r: ResidentWrite): PendingQuery<Row[]> {
  return tx`${r.personId}, ${r.house}::bigint, ${tx.json(r.placeInput)}, ${r.residence}, ${r.registeredOn}::date,
    ${r.registrationExpires}::date, ${r.movedIn}::date, ${r.movedOut}::date, ${r.keyCategories as string[]}::text[],
    ${r.name.sealed}, ${r.name.masked}, ${r.id.hash}, ${r.id.masked}, ${r.id.sealed}, ${r.phone.sealed}, ${r.phone.masked}, ${r.source}`
}
/** The columns of residentValues. */
function residentColumnList(tx: Tx): PendingQuery<Row[]> {
  return tx`person_id, house_id, place_input, residence, registered_on, registration_expires, moved_in, moved_out,
    key_categories, name_sealed, name_masked, id_hash, id_masked, id_sealed, phone_sealed, phone_masked, source`
}

/**
 * Inserts a resident: placed as their house (`r.house`) or by `p`; returns the id.
 * @example await insertResident(tx, resident, null) // placed by the house
 */
export async function insertResident(tx: Tx, r: ResidentWrite, p: ReportPlacement | null): Promise<string> {
  const [row] = r.house
    ? await tx<{ id: string }[]>`
      INSERT INTO residents (${residentColumnList(tx)}, address, ${placementColumns(tx)})
      SELECT ${residentValues(tx, r)}, h.address, ${placementOfHouse(tx)} FROM houses h WHERE h.id = ${r.house}::bigint
      RETURNING id::text`
    : await tx<{ id: string }[]>`
      INSERT INTO residents (${residentColumnList(tx)}, address, ${placementColumns(tx)})
      SELECT ${residentValues(tx, r)}, ${addressText(tx, r.address, p)}, ${placementValues(tx, p!)}
      RETURNING id::text`
  return row!.id
}
/** The placement columns of the house `h`, in the order of placementColumns. */
function placementOfHouse(tx: Tx): PendingQuery<Row[]> {
  return tx`h.geom, h.approximate, h.outside_district, h.geocode_level, h.geocode_score, h.address_id, h.town_code, h.village_code,
    h.grid_code, h.microgrid_code, h.h3_r7, h.h3_r8, h.h3_r9, h.h3_r10`
}

/**
 * Rewrites a resident; `moved` re-places them (as their house, or by `p`).
 * @example await updateResident(tx, '7', resident, true, placement)
 */
export async function updateResident(tx: Tx, id: string, r: ResidentWrite, moved: boolean, p: ReportPlacement | null): Promise<void> {
  await tx`
    UPDATE residents SET (${residentColumnList(tx)}) = (SELECT ${residentValues(tx, r)}), updated_at = now()
    WHERE id = ${id}::bigint`
  if (!moved) return
  if (r.house)
    await tx`
      UPDATE residents SET address = h.address, (${placementColumns(tx)}) = (SELECT ${placementOfHouse(tx)})
      FROM houses h WHERE h.id = ${r.house}::bigint AND residents.id = ${id}::bigint`
  else
    await tx`
      UPDATE residents SET address = ${addressText(tx, r.address, p)}, (${placementColumns(tx)}) = (SELECT ${placementValues(tx, p!)})
      WHERE id = ${id}::bigint`
}

// ── Reads ──────────────────────────────────────────────────────────────────────────────────

interface HouseRow extends PlacedRow {
  id: string
  house_id: string
  room: string | null
  use: HouseUse
  group_rental: boolean
  rooms: number | null
  floor_area_m2: number | null
  owner_name_masked: string | null
  owner_phone_masked: string | null
  current_residents: number
  updated_at: Date
}

/** The SELECT list of house rows (`h` = houses), owner masked; `day` decides who lives there now. */
function houseColumns(sql: Queryable, day: string): PendingQuery<Row[]> {
  return sql`h.id::text AS id, h.house_id, h.room, h.use, h.group_rental, h.rooms, h.floor_area_m2, h.owner_name_masked,
    h.owner_phone_masked, ${placedColumns(sql, 'h')},
    (SELECT count(*)::int FROM residents r WHERE r.house_id = h.id AND ${currentSql(sql, day)}) AS current_residents, h.updated_at`
}

/**
 * A house row as its GeoJSON Feature (owner masked).
 * @example toHouseFeature(row).properties.useName // '出租'
 */
function toHouseFeature(r: HouseRow): HouseFeature {
  const id = Number(r.id)
  return {
    type: 'Feature',
    id,
    geometry: placedPoint(r),
    properties: {
      id,
      houseId: r.house_id,
      room: r.room,
      use: r.use,
      useName: HOUSE_USE_NAMES[r.use],
      groupRental: r.group_rental,
      rooms: r.rooms,
      floorAreaM2: r.floor_area_m2,
      ownerName: r.owner_name_masked,
      ownerPhone: r.owner_phone_masked,
      currentResidents: r.current_residents,
      ...placedProperties(r),
      updatedAt: r.updated_at.toISOString(),
    },
  }
}

/** One house as a Feature (its current residents counted at `day`), or null. */
export async function getHouse(sql: Queryable, id: string, day: string): Promise<HouseFeature | null> {
  const [row] = await sql<HouseRow[]>`SELECT ${houseColumns(sql, day)} FROM houses h WHERE h.id = ${id}::bigint`
  return row ? toHouseFeature(row) : null
}

/** Filters of a house list (area looked up already). */
export interface HouseFilter {
  area?: AreaRef | null | undefined
  use?: readonly HouseUse[] | undefined
  groupRental?: boolean | undefined
}

/**
 * One page of houses, newest first (keyset on id), each with its residents living there at `day`.
 * @example await listHouses(tx, { use: ['rented'] }, '2026-11-01', 100, null) // { type: 'FeatureCollection', features, next }
 */
export async function listHouses(sql: Queryable, f: HouseFilter, day: string, limit: number, after: string | null): Promise<HousePage> {
  const where = sql`
      ${areaCondition(sql, 'h', f.area)}
      ${f.use ? sql`AND h.use = ANY(${f.use as string[]}::text[])` : sql``}
      ${f.groupRental === undefined ? sql`` : sql`AND h.group_rental = ${f.groupRental}`}`
  const rows = await sql<HouseRow[]>`
    SELECT ${houseColumns(sql, day)} FROM houses h
    WHERE true ${where}
      ${after ? sql`AND h.id < ${after}::bigint` : sql``}
    ORDER BY h.id DESC
    LIMIT ${limit + 1}`
  const page = rows.slice(0, limit)
  // The first page says how many match (an officer's count of their town), as OGC's numberMatched.
  const matched = after === null ? await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM houses h WHERE true ${where}` : null
  return {
    type: 'FeatureCollection',
    features: page.map(toHouseFeature),
    next: rows.length > limit ? page.at(-1)!.id : null,
    ...(matched ? { numberMatched: matched[0]!.n } : {}),
  }
}

interface ResidentRow extends PlacedRow {
  id: string
  person_id: string
  house: string | null
  house_source_id: string | null
  residence: Residence
  registered_on: string | null
  registration_expires: string | null
  registration: Registration
  moved_in: string | null
  moved_out: string | null
  current: boolean
  key_categories: KeyCategory[]
  name_masked: string | null
  id_masked: string | null
  phone_masked: string | null
  updated_at: Date
}

/**
 * SQL for a resident's (`r`) 居住登记 at `day`: 'none' (never registered), 'expired', or 'valid'.
 * @example sql`SELECT ${registrationSql(sql, '2026-11-01')} FROM residents r`
 */
export function registrationSql(sql: Queryable, day: string): PendingQuery<Row[]> {
  return sql`CASE WHEN r.registered_on IS NULL THEN 'none'
    WHEN r.registration_expires IS NOT NULL AND r.registration_expires < ${day}::date THEN 'expired' ELSE 'valid' END`
}

/**
 * SQL for "the resident (`r`) lives there at `day`": moved in by then (or unknown), not moved out.
 * @example sql`SELECT count(*) FROM residents r WHERE ${currentSql(sql, '2026-11-01')}`
 */
export function currentSql(sql: Queryable, day: string): PendingQuery<Row[]> {
  return sql`((r.moved_in IS NULL OR r.moved_in <= ${day}::date) AND (r.moved_out IS NULL OR r.moved_out > ${day}::date))`
}

/** The SELECT list of resident rows (`r` = residents), masked. */
function residentColumns(sql: Queryable, day: string): PendingQuery<Row[]> {
  return sql`
    r.id::text AS id, r.person_id, r.house_id::text AS house, (SELECT h.house_id FROM houses h WHERE h.id = r.house_id) AS house_source_id,
    r.residence, r.registered_on::text AS registered_on, r.registration_expires::text AS registration_expires,
    ${registrationSql(sql, day)} AS registration, r.moved_in::text AS moved_in, r.moved_out::text AS moved_out,
    ${currentSql(sql, day)} AS current, r.key_categories, r.name_masked, r.id_masked, r.phone_masked, ${placedColumns(sql, 'r')},
    r.updated_at`
}

/**
 * A resident row as the API gives it, masked.
 * @example toResident(row).residenceName // '流动'
 */
function toResident(r: ResidentRow): Resident {
  return {
    id: Number(r.id),
    personId: r.person_id,
    house: r.house && r.house_source_id ? { id: Number(r.house), houseId: r.house_source_id } : null,
    residence: r.residence,
    residenceName: RESIDENCE_NAMES[r.residence],
    registeredOn: r.registered_on,
    registrationExpires: r.registration_expires,
    registration: r.registration,
    movedIn: r.moved_in,
    movedOut: r.moved_out,
    current: r.current,
    keyCategories: r.key_categories,
    keyCategoryNames: r.key_categories.map((k) => KEY_CATEGORY_NAMES[k]),
    name: r.name_masked,
    idNumber: r.id_masked,
    phone: r.phone_masked,
    unmasked: false,
    ...placedProperties(r),
    lng: r.lng,
    lat: r.lat,
    updatedAt: r.updated_at.toISOString(),
  }
}

/** Filters of a resident list (area and house looked up already). */
export interface ResidentFilter {
  area?: AreaRef | null | undefined
  /** A house's numeric id. */
  house?: string | undefined
  residence?: readonly Residence[] | undefined
  /** Categories (any of them), or 'any' among them for every key person. */
  key?: readonly string[] | undefined
  registration?: Registration | undefined
  /** Only those living there at the day. */
  current?: boolean | undefined
}

/** The conditions of a resident filter on `residents r` (each `AND …`), `day` deciding registration and who lives there. */
function residentWhere(sql: Queryable, f: ResidentFilter, day: string) {
  const key = f.key?.filter((k) => k !== 'any') ?? []
  return sql`
      ${areaCondition(sql, 'r', f.area)}
      ${f.house ? sql`AND r.house_id = ${f.house}::bigint` : sql``}
      ${f.residence ? sql`AND r.residence = ANY(${f.residence as string[]}::text[])` : sql``}
      ${f.key?.includes('any') ? sql`AND r.key_categories <> '{}'` : key.length > 0 ? sql`AND r.key_categories && ${key}::text[]` : sql``}
      ${f.registration ? sql`AND ${registrationSql(sql, day)} = ${f.registration}` : sql``}
      ${f.current ? sql`AND ${currentSql(sql, day)}` : sql``}`
}

/**
 * One page of residents (masked), newest first (keyset on id); `day` decides `registration`.
 * @example await listResidents(tx, { registration: 'expired' }, '2026-11-01', 100, null) // { residents, next }
 */
export async function listResidents(
  sql: Queryable,
  f: ResidentFilter,
  day: string,
  limit: number,
  after: string | null,
): Promise<ResidentPage> {
  const where = residentWhere(sql, f, day)
  const rows = await sql<ResidentRow[]>`
    SELECT ${residentColumns(sql, day)} FROM residents r
    WHERE true ${where}
      ${after ? sql`AND r.id < ${after}::bigint` : sql``}
    ORDER BY r.id DESC
    LIMIT ${limit + 1}`
  const page = rows.slice(0, limit)
  const matched = after === null ? await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM residents r WHERE true ${where}` : null
  return {
    residents: page.map(toResident),
    next: rows.length > limit ? page.at(-1)!.id : null,
    ...(matched ? { numberMatched: matched[0]!.n } : {}),
  }
}

/** One resident (masked), or null. */
export async function getResident(sql: Queryable, id: string, day: string): Promise<Resident | null> {
  const [row] = await sql<ResidentRow[]>`SELECT ${residentColumns(sql, day)} FROM residents r WHERE r.id = ${id}::bigint`
  return row ? toResident(row) : null
}

/** A resident's sealed personal fields (for a `pii` caller who asks to reveal them). */
export async function residentSealed(
  sql: Queryable,
  id: string,
): Promise<{ name: string | null; phone: string | null; idNumber: string | null } | null> {
  const [row] = await sql<{ name: string | null; phone: string | null; id_number: string | null }[]>`
    SELECT name_sealed AS name, phone_sealed AS phone, id_sealed AS id_number FROM residents WHERE id = ${id}::bigint`
  return row ? { name: row.name, phone: row.phone, idNumber: row.id_number } : null
}

/**
 * Counts of a house's residents living there at `day`.
 * @example await houseCounts(tx, '3', '2026-11-01') // { residents: 5, migrants: 4, registered: 1, unregisteredMigrants: 1, keyPersons: 0 }
 */
export async function houseCounts(sql: Queryable, houseId: string, day: string): Promise<HouseCounts> {
  const [c] = await sql<{ residents: number; migrants: number; registered: number; unregistered: number; key: number }[]>`
    SELECT count(*)::int AS residents,
           count(*) FILTER (WHERE r.residence = 'migrant')::int AS migrants,
           count(*) FILTER (WHERE r.residence = 'registered')::int AS registered,
           count(*) FILTER (WHERE r.residence = 'migrant' AND ${registrationSql(sql, day)} <> 'valid')::int AS unregistered,
           count(*) FILTER (WHERE r.key_categories <> '{}')::int AS key
    FROM residents r WHERE r.house_id = ${houseId}::bigint AND ${currentSql(sql, day)}`
  return {
    residents: c!.residents,
    migrants: c!.migrants,
    registered: c!.registered,
    unregisteredMigrants: c!.unregistered,
    keyPersons: c!.key,
  }
}

/** A resident row for the CSV export: masked and sealed fields side by side (the route picks). */
export interface ResidentExportRow {
  id: string
  person_id: string
  house_source_id: string | null
  residence: Residence
  registered_on: string | null
  registration_expires: string | null
  moved_in: string | null
  moved_out: string | null
  key_categories: KeyCategory[]
  name_masked: string | null
  id_masked: string | null
  phone_masked: string | null
  name_sealed: string | null
  id_sealed: string | null
  phone_sealed: string | null
  address: string | null
  town_code: string | null
  village_code: string | null
  grid_code: string | null
}

/**
 * The residents of the caller's areas (row-level security) that pass the filter (as the list's),
 * by id; sealed columns only when `sealed` (an unmasked export).
 * @example await residentsForExport(tx, { residence: ['migrant'], registration: 'expired' }, '2026-11-01', false)
 */
export async function residentsForExport(sql: Queryable, f: ResidentFilter, day: string, sealed: boolean): Promise<ResidentExportRow[]> {
  return sql<ResidentExportRow[]>`
    SELECT r.id::text, r.person_id, h.house_id AS house_source_id, r.residence, r.registered_on::text AS registered_on,
           r.registration_expires::text AS registration_expires, r.moved_in::text AS moved_in, r.moved_out::text AS moved_out,
           r.key_categories, r.name_masked, r.id_masked, r.phone_masked,
           ${sealed ? sql`r.name_sealed, r.id_sealed, r.phone_sealed` : sql`NULL::text AS name_sealed, NULL::text AS id_sealed, NULL::text AS phone_sealed`},
           r.address, r.town_code, r.village_code, r.grid_code
    FROM residents r LEFT JOIN houses h ON h.id = r.house_id
    WHERE true ${residentWhere(sql, f, day)}
    ORDER BY r.id`
}
