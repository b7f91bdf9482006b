/**
 * The houses and residents imports (`houses FILE.csv`, `residents FILE.csv`): the batched report
 * import (server/imports/batched.ts: chunked reading, rejects report by line, import_runs),
 * idempotent by the source's house_id / person_id. A new id is inserted; a known one is compared
 * field by field — personal fields by their masked form, then the sealed value opened (ID numbers
 * by their keyed hash) — and written only if something changed; sealed values are sealed again
 * only when they change, and the record is placed again only when where it is changed. Houses and
 * residents without a house are placed on the address base (server/geocode/place-sql.ts); a
 * resident with a house_id takes their house's placement and follows it when it moves.
 */
import type { Readable } from 'node:stream'

import { idHash, maskName, maskNumber, seal, type SealedField, sealName, sealPhone, unseal } from '../auth/sealed.ts'
import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import type { Crs } from '../geo/crs.ts'
import { createGeocoder, type Geocoder } from '../geocode/geocoder.ts'
import type { ReportPlacement } from '../geocode/place.ts'
import { placeOnAddressBase } from '../geocode/place-sql.ts'
import { type BatchedImportOptions, type BatchedImportSummary, type BatchOutcome, importBatched } from '../imports/batched.ts'
import {
  HOUSE_OPTIONAL_COLUMNS,
  HOUSE_REQUIRED_COLUMNS,
  type HouseCsvRow,
  HouseCsvRowSchema,
  RESIDENT_OPTIONAL_COLUMNS,
  RESIDENT_REQUIRED_COLUMNS,
  type ResidentCsvRow,
  ResidentCsvRowSchema,
} from './schema.ts'
import {
  allHouseIds,
  canonicalJson,
  houseIdsBySourceId,
  housesByHouseId,
  type HouseWrite,
  insertHouse,
  insertResident,
  type LocationInput,
  type PlaceInput,
  residentsByPersonId,
  type ResidentWrite,
  updateHouse,
  updateResident,
} from './store.ts'

/** Valid lines per transaction. */
export const PEOPLE_BATCH = 500

export type PeopleImportSummary = BatchedImportSummary

export interface ImportPeopleOptions extends BatchedImportOptions {
  geocoder?: Geocoder
}

/**
 * Where a line says it is, as stored in place_input (crs only with coordinates).
 * @example locationOf({ address: '金城路440号' }) // { addressId: null, address: '金城路440号', lng: null, lat: null, crs: null }
 */
export function locationOf(r: {
  address_id?: string | undefined
  address?: string | undefined
  lng?: number | undefined
  lat?: number | undefined
  crs?: Crs | undefined
}): LocationInput {
  const coords = r.lng !== undefined && r.lat !== undefined
  return {
    addressId: r.address_id ?? null,
    address: r.address ?? null,
    lng: coords ? r.lng! : null,
    lat: coords ? r.lat! : null,
    crs: coords ? (r.crs ?? 'wgs84') : null,
  }
}

/**
 * A personal field as it will be stored: the stored one kept when the value is the same (masked
 * form equal, then the sealed value opened and compared), else sealed anew. `changed` says which.
 * @example keepOrSeal('王小明', { sealed: old, masked: '王**' }, sealName).changed // false if old opens to 王小明
 */
export function keepOrSeal(
  given: string | undefined,
  stored: SealedField | null,
  make: (v: string | undefined) => SealedField,
  mask: (v: string | undefined) => string | null,
): { field: SealedField; changed: boolean } {
  if (stored && mask(given) === stored.masked && (unseal(stored.sealed) ?? undefined) === given) return { field: stored, changed: false }
  return { field: make(given), changed: true }
}

/** Places the records that need it (null: keep where it is), in input order. */
async function placeSome(db: Db, geocoder: Geocoder, inputs: (LocationInput | null)[]): Promise<(ReportPlacement | null)[]> {
  const todo = inputs.flatMap((v, i) => (v ? [i] : []))
  const placed = await placeOnAddressBase(
    db,
    geocoder,
    todo.map((i) => {
      const v = inputs[i]!
      return { addressId: v.addressId, address: v.address, lng: v.lng, lat: v.lat, crs: v.crs ?? 'wgs84' }
    }),
  )
  const byIndex = new Map(todo.map((i, k) => [i, placed[k]!]))
  return inputs.map((_, i) => byIndex.get(i) ?? null)
}

/**
 * Imports a houses CSV (a path or a stream). Throws ImportInputError before loading anything for
 * a file that cannot be imported (missing columns); bad lines go to the rejects report.
 * @example const s = await importHouses(db, 'data/examples/houses.csv'); s.inserted
 */
export async function importHouses(db: Db, input: Readable | string, opts: ImportPeopleOptions = {}): Promise<PeopleImportSummary> {
  const geocoder = opts.geocoder ?? createGeocoder(db)
  return importBatched<HouseCsvRow>(db, input, opts, {
    kind: 'houses',
    idColumn: 'house_id',
    required: HOUSE_REQUIRED_COLUMNS,
    optional: HOUSE_OPTIONAL_COLUMNS,
    schema: HouseCsvRowSchema,
    idOf: (r) => r.house_id,
    load: (rows, { source }) => loadHouseBatch(db, geocoder, rows, source),
    batchSize: PEOPLE_BATCH,
    depth: 1,
    unplacedWarning: (n) => `${n} houses could not be placed (stored without a point)`,
    outsideWarning: (n) => `${n} houses came with a point outside the district: kept with their coordinates, not placed by them`,
  })
}

/**
 * Stores one batch of house lines in one transaction: new ones inserted, changed ones updated
 * (placed again only when their location changed), unchanged ones left alone.
 */
async function loadHouseBatch(db: Db, geocoder: Geocoder, rows: HouseCsvRow[], source: string): Promise<BatchOutcome> {
  const o: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, unplaced: 0, outside: 0 }
  const before = await db.withScope(SYSTEM_SCOPE, (tx) =>
    housesByHouseId(
      tx,
      rows.map((r) => r.house_id),
    ),
  )
  const plans = rows.map((r) => {
    const old = before.get(r.house_id)
    const place = locationOf(r)
    const moved = !old || canonicalJson(old.placeInput) !== canonicalJson(place)
    const name = keepOrSeal(r.owner_name, old ? { sealed: old.ownerNameSealed, masked: old.ownerNameMasked } : null, sealName, maskName)
    const phone = keepOrSeal(
      r.owner_phone,
      old ? { sealed: old.ownerPhoneSealed, masked: old.ownerPhoneMasked } : null,
      sealPhone,
      maskNumber,
    )
    const write: HouseWrite = {
      houseId: r.house_id,
      placeInput: place,
      address: r.address ?? null,
      room: r.room ?? null,
      use: r.use,
      groupRental: r.group_rental,
      rooms: r.rooms ?? null,
      floorAreaM2: r.floor_area_m2 ?? null,
      ownerName: name.field,
      ownerPhone: phone.field,
      source,
    }
    const changed =
      !old ||
      moved ||
      name.changed ||
      phone.changed ||
      old.room !== write.room ||
      old.use !== write.use ||
      old.groupRental !== write.groupRental ||
      old.rooms !== write.rooms ||
      (old.floorAreaM2 === null ? null : Math.fround(old.floorAreaM2)) !==
        (write.floorAreaM2 === null ? null : Math.fround(write.floorAreaM2))
    return { old, write, moved, changed, place }
  })
  const placements = await placeSome(
    db,
    geocoder,
    plans.map((p) => (p.moved ? p.place : null)),
  )
  await db.withScope(SYSTEM_SCOPE, async (tx) => {
    for (const [i, p] of plans.entries()) {
      const placed = placements[i] ?? null
      if (placed && !placed.point) o.unplaced++
      if (placed?.outsideDistrict) o.outside!++
      if (!p.old) {
        await insertHouse(tx, p.write, placed!)
        o.inserted++
      } else if (!p.changed) o.unchanged++
      else {
        await updateHouse(tx, p.old.id, p.write, placed)
        o.updated++
      }
    }
  })
  return o
}

/**
 * Imports a residents CSV (a path or a stream). A line whose house_id names no house is rejected
 * (import the houses first); so is one with a bad category, date or order of dates.
 * @example const s = await importResidents(db, 'data/examples/residents.csv'); s.rejects
 */
export async function importResidents(db: Db, input: Readable | string, opts: ImportPeopleOptions = {}): Promise<PeopleImportSummary> {
  const geocoder = opts.geocoder ?? createGeocoder(db)
  const houses = await db.withScope(SYSTEM_SCOPE, (tx) => allHouseIds(tx))
  const schema = ResidentCsvRowSchema.superRefine((r, ctx) => {
    if (r.house_id !== undefined && !houses.has(r.house_id))
      ctx.addIssue({ code: 'custom', path: ['house_id'], message: `no house ${r.house_id} (import the houses first)` })
  })
  return importBatched<ResidentCsvRow>(db, input, opts, {
    kind: 'residents',
    idColumn: 'person_id',
    required: RESIDENT_REQUIRED_COLUMNS,
    optional: RESIDENT_OPTIONAL_COLUMNS,
    schema,
    idOf: (r) => r.person_id,
    load: (rows, { source }) => loadResidentBatch(db, geocoder, rows, source),
    batchSize: PEOPLE_BATCH,
    depth: 1,
    unplacedWarning: (n) => `${n} residents could not be placed (stored without a point)`,
    outsideWarning: (n) => `${n} residents came with a point outside the district: kept with their coordinates, not placed by them`,
  })
}

/** Stores one batch of resident lines in one transaction (as loadHouseBatch). */
async function loadResidentBatch(db: Db, geocoder: Geocoder, rows: ResidentCsvRow[], source: string): Promise<BatchOutcome> {
  const o: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, unplaced: 0, outside: 0 }
  const { before, houseIds } = await db.withScope(SYSTEM_SCOPE, async (tx) => ({
    before: await residentsByPersonId(
      tx,
      rows.map((r) => r.person_id),
    ),
    houseIds: await houseIdsBySourceId(
      tx,
      rows.flatMap((r) => (r.house_id ? [r.house_id] : [])),
    ),
  }))
  const plans = rows.map((r) => {
    const old = before.get(r.person_id)
    // A house that vanished since the line was checked: placed by the line's own location.
    const house = r.house_id ? (houseIds.get(r.house_id) ?? null) : null
    const place: PlaceInput = house ? { house: r.house_id! } : locationOf(r)
    const moved = !old || canonicalJson(old.placeInput) !== canonicalJson(place)
    const name = keepOrSeal(r.name, old ? { sealed: old.nameSealed, masked: old.nameMasked } : null, sealName, maskName)
    const phone = keepOrSeal(r.phone, old ? { sealed: old.phoneSealed, masked: old.phoneMasked } : null, sealPhone, maskNumber)
    const hash = idHash(r.id_number)
    const idChanged = !old || old.idHash !== hash
    const write: ResidentWrite = {
      personId: r.person_id,
      house,
      placeInput: place,
      address: r.address ?? null,
      residence: r.residence,
      registeredOn: r.registered_on ?? null,
      registrationExpires: r.registration_expires ?? null,
      movedIn: r.moved_in ?? null,
      movedOut: r.moved_out ?? null,
      keyCategories: r.key_categories,
      name: name.field,
      phone: phone.field,
      // The stored ciphertext is kept while the number is the same (its hash says so).
      id: idChanged
        ? { sealed: seal(r.id_number ?? null), masked: maskNumber(r.id_number), hash }
        : { sealed: old.idSealed, masked: old.idMasked, hash },
      source,
    }
    const changed =
      !old ||
      moved ||
      name.changed ||
      phone.changed ||
      idChanged ||
      old.residence !== write.residence ||
      old.registeredOn !== write.registeredOn ||
      old.registrationExpires !== write.registrationExpires ||
      old.movedIn !== write.movedIn ||
      old.movedOut !== write.movedOut ||
      canonicalJson(old.keyCategories) !== canonicalJson(write.keyCategories)
    return { old, write, moved, changed, place }
  })
  const placements = await placeSome(
    db,
    geocoder,
    plans.map((p) => (p.moved && !('house' in p.place) ? p.place : null)),
  )
  await db.withScope(SYSTEM_SCOPE, async (tx) => {
    for (const [i, p] of plans.entries()) {
      const placed = placements[i] ?? null
      if (placed && !placed.point) o.unplaced++
      if (placed?.outsideDistrict) o.outside!++
      if (!p.old) {
        await insertResident(tx, p.write, placed)
        o.inserted++
      } else if (!p.changed) o.unchanged++
      else {
        await updateResident(tx, p.old.id, p.write, p.moved, placed)
        o.updated++
      }
    }
  })
  return o
}
