/**
 * The device imports (kinds 'devices' and 'device_events'): the batched CSV import
 * (server/imports/batched.ts: rejects by line, import_runs).
 * - Devices are idempotent by device_id: a new one is inserted, a changed line rewrites it, an
 *   unchanged one is not written. A device with an address of its own is placed on the address
 *   base (placeOnAddressBase); one without takes its organisation's or house's placement (org_id,
 *   house_id: those imports' source ids; an unknown one rejects the line).
 * - Events are a time series, imported in batches of thousands with one INSERT … ON CONFLICT DO
 *   NOTHING each: a re-sent event (same device, time and kind) is the same event. A line naming
 *   a device that is not registered is rejected. A delivery's point (address_id, address, lng/lat)
 *   is placed on the address base.
 */
import type { Readable } from 'node:stream'

import type { z } from 'zod'

import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import { createGeocoder, type Geocoder } from '../geocode/geocoder.ts'
import type { ReportPlacement } from '../geocode/place.ts'
import { type AddressBaseInput, placeOnAddressBase } from '../geocode/place-sql.ts'
import { type BatchedImportOptions, type BatchedImportSummary, type BatchOutcome, importBatched } from '../imports/batched.ts'
import {
  DEVICE_EVENT_OPTIONAL_COLUMNS,
  DEVICE_EVENT_REQUIRED_COLUMNS,
  DEVICE_OPTIONAL_COLUMNS,
  DEVICE_REQUIRED_COLUMNS,
  type DeviceCsvRow,
  DeviceCsvRowSchema,
  type DeviceEventCsvRow,
  DeviceEventCsvRowSchema,
} from './schema.ts'
import { deviceHash, deviceHashes, type EventWrite, hasOwnPlace, insertDeviceEvents, upsertDevice } from './store.ts'

/** Device lines per transaction (a few statements each). */
export const DEVICE_BATCH = 500
/** Event lines per statement: one multi-row INSERT … SELECT FROM unnest per batch. */
export const DEVICE_EVENT_BATCH = 5_000

export type DeviceImportSummary = BatchedImportSummary
export interface ImportDevicesOptions extends BatchedImportOptions {
  geocoder?: Geocoder
}

/** Numeric ids by source id, of every row of a table (read once per import: the rejects need them while lines are checked). */
async function idsBySourceId(db: Db, table: 'organisations' | 'houses' | 'devices'): Promise<Map<string, string>> {
  const key = { organisations: 'org_id', houses: 'house_id', devices: 'device_id' }[table]
  const rows = await db.withScope(
    SYSTEM_SCOPE,
    (tx) => tx<{ k: string; id: string }[]>`SELECT ${tx(key)} AS k, id::text AS id FROM ${tx(table)}`,
  )
  return new Map(rows.map((r) => [r.k, r.id]))
}

/**
 * Places the rows that came with a place of their own (address_id, address or lng/lat); null for the others.
 * @example await placeOwn(db, geocoder, rows) // [ReportPlacement, null, …]
 */
async function placeOwn(
  db: Db,
  geocoder: Geocoder,
  rows: readonly Pick<DeviceCsvRow, 'address_id' | 'address' | 'lng' | 'lat' | 'crs'>[],
): Promise<(ReportPlacement | null)[]> {
  const own = rows.flatMap((r, i) => (hasOwnPlace(r) ? [i] : []))
  const inputs: AddressBaseInput[] = own.map((i) => {
    const r = rows[i]!
    return { addressId: r.address_id ?? null, address: r.address ?? null, lng: r.lng ?? null, lat: r.lat ?? null, crs: r.crs }
  })
  const placed = inputs.length > 0 ? await placeOnAddressBase(db, geocoder, inputs) : []
  const out: (ReportPlacement | null)[] = rows.map(() => null)
  own.forEach((i, k) => (out[i] = placed[k]!))
  return out
}

/**
 * Imports a devices CSV (a path or a stream). Throws ImportInputError before loading anything
 * for a file that cannot be imported (missing columns); bad lines go to the rejects report.
 * @example const s = await importDevices(db, 'devices.csv'); s.inserted
 */
export async function importDevices(db: Db, input: Readable | string, opts: ImportDevicesOptions = {}): Promise<DeviceImportSummary> {
  const geocoder = opts.geocoder ?? createGeocoder(db)
  const orgs = await idsBySourceId(db, 'organisations')
  const houses = await idsBySourceId(db, 'houses')
  const schema: z.ZodType<DeviceCsvRow, unknown> = DeviceCsvRowSchema.refine((r) => r.org_id === undefined || orgs.has(r.org_id), {
    message: 'no organisation with this org_id (import the organisations first)',
    path: ['org_id'],
  }).refine((r) => r.house_id === undefined || houses.has(r.house_id), {
    message: 'no house with this house_id (import the houses first)',
    path: ['house_id'],
  })
  return importBatched<DeviceCsvRow>(db, input, opts, {
    kind: 'devices',
    idColumn: 'device_id',
    required: DEVICE_REQUIRED_COLUMNS,
    optional: DEVICE_OPTIONAL_COLUMNS,
    schema,
    idOf: (r) => r.device_id,
    prepare: (raw, source) => {
      if (!raw.source) raw.source = source
    },
    load: async (rows) => {
      const o: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, unplaced: 0, outside: 0 }
      const before = await db.withScope(SYSTEM_SCOPE, (tx) =>
        deviceHashes(
          tx,
          rows.map((r) => r.device_id),
        ),
      )
      // Unchanged lines cost nothing: no geocoding, no write.
      const changed = rows.filter((r) => before.get(r.device_id) !== deviceHash(r))
      o.unchanged = rows.length - changed.length
      const placements = await placeOwn(db, geocoder, changed)
      await db.withScope(SYSTEM_SCOPE, async (tx) => {
        for (const [i, r] of changed.entries()) {
          const p = placements[i]!
          const w = await upsertDevice(tx, {
            row: r,
            organisationId: r.org_id ? orgs.get(r.org_id)! : null,
            houseId: r.house_id ? houses.get(r.house_id)! : null,
            placement: p,
          })
          if (w.inserted) o.inserted++
          else o.updated++
          if (!w.placed) o.unplaced++
          if (p?.outsideDistrict) o.outside!++
        }
      })
      return o
    },
    batchSize: DEVICE_BATCH,
    depth: 1,
    unplacedWarning: (n) => `${n} devices could not be placed (no address of their own, nor a placed organisation or house)`,
    outsideWarning: (n) => `${n} devices came with a point outside the district: kept, not placed by it`,
  })
}

/** The key an event is known by: device, time and kind (the rejects report's duplicates name it). */
export function eventKey(r: Pick<DeviceEventCsvRow, 'device_id' | 'at' | 'kind'>): string {
  return `${r.device_id}|${r.at.toISOString()}|${r.kind}`
}

/**
 * Imports a device events CSV (a path or a stream): fast, a multi-row insert per batch of
 * DEVICE_EVENT_BATCH lines. Lines naming an unknown device_id are rejected by line.
 * @example const s = await importDeviceEvents(db, 'device-events.csv'); s.inserted
 */
export async function importDeviceEvents(db: Db, input: Readable | string, opts: ImportDevicesOptions = {}): Promise<DeviceImportSummary> {
  const geocoder = opts.geocoder ?? createGeocoder(db)
  const devices = await idsBySourceId(db, 'devices')
  const schema: z.ZodType<DeviceEventCsvRow, unknown> = DeviceEventCsvRowSchema.refine((r) => devices.has(r.device_id), {
    message: 'no device with this device_id (import the devices first)',
    path: ['device_id'],
  })
  return importBatched<DeviceEventCsvRow>(db, input, opts, {
    kind: 'device_events',
    idColumn: 'device_id',
    required: DEVICE_EVENT_REQUIRED_COLUMNS,
    optional: DEVICE_EVENT_OPTIONAL_COLUMNS,
    schema,
    idOf: eventKey,
    prepare: (raw, source) => {
      if (!raw.source) raw.source = source
    },
    load: async (rows) => {
      const placements = await placeOwn(db, geocoder, rows)
      const writes: EventWrite[] = rows.map((row, i) => ({ row, deviceId: devices.get(row.device_id)!, placement: placements[i]! }))
      const inserted = await db.withScope(SYSTEM_SCOPE, (tx) => insertDeviceEvents(tx, writes))
      const placed = placements.filter((p) => p !== null)
      return {
        inserted,
        updated: 0,
        unchanged: rows.length - inserted,
        unplaced: placed.filter((p) => !p.point).length,
        outside: placed.filter((p) => p.outsideDistrict).length,
      }
    },
    batchSize: DEVICE_EVENT_BATCH,
    // One batch in the database while the next is read and checked.
    depth: 2,
    unplacedWarning: (n) => `${n} events came with an address that could not be placed (stored without a point)`,
    outsideWarning: (n) => `${n} events came with a point outside the district: kept without it`,
  })
}
