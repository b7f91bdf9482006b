/**
 * The organisations import (import kind 'organisations'): the batched report import
 * (server/imports/batched.ts: rejects by line, import_runs), idempotent by the source's org_id.
 * Each line is placed on the address base (its address_id, else its text and coordinates), then
 * compared with the stored organisation (personal fields unsealed to compare): new ones are
 * inserted, changed ones rewritten, unchanged ones not written.
 */
import type { Readable } from 'node:stream'

import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import { createGeocoder, type Geocoder } from '../geocode/geocoder.ts'
import { placeOnAddressBase } from '../geocode/place-sql.ts'
import { type BatchedImportOptions, type BatchedImportSummary, type BatchOutcome, importBatched } from '../imports/batched.ts'
import {
  ORGANISATION_OPTIONAL_COLUMNS,
  ORGANISATION_REQUIRED_COLUMNS,
  type OrganisationCsvRow,
  OrganisationCsvRowSchema,
} from './schema.ts'
import { organisationValues, organisationValuesByOrgId, writeOrganisation } from './store.ts'

/** Valid lines per transaction. */
export const ORGANISATION_BATCH = 200

export type OrganisationImportSummary = BatchedImportSummary

export interface ImportOrganisationsOptions extends BatchedImportOptions {
  geocoder?: Geocoder
}

/**
 * Imports an organisations CSV (a path or a stream). Throws ImportInputError before loading
 * anything for a file that cannot be imported (missing columns); bad lines go to the rejects report.
 * @example const s = await importOrganisations(db, 'organisations.csv'); s.inserted
 */
export async function importOrganisations(
  db: Db,
  input: Readable | string,
  opts: ImportOrganisationsOptions = {},
): Promise<OrganisationImportSummary> {
  const geocoder = opts.geocoder ?? createGeocoder(db)
  return importBatched<OrganisationCsvRow>(db, input, opts, {
    kind: 'organisations',
    idColumn: 'org_id',
    required: ORGANISATION_REQUIRED_COLUMNS,
    optional: ORGANISATION_OPTIONAL_COLUMNS,
    schema: OrganisationCsvRowSchema,
    idOf: (r) => r.org_id,
    load: (rows, { source }) => loadOrganisationBatch(db, geocoder, rows, source),
    batchSize: ORGANISATION_BATCH,
    depth: 1,
    unplacedWarning: (n) => `${n} organisations could not be placed (stored without a point)`,
    outsideWarning: (n) => `${n} organisations came with a point outside the district: not placed by it`,
  })
}

/**
 * Stores one batch in one transaction (placed first, outside it).
 * @example await loadOrganisationBatch(db, geocoder, rows, 'orgs.csv') // { inserted: 3, … }
 */
async function loadOrganisationBatch(db: Db, geocoder: Geocoder, rows: OrganisationCsvRow[], source: string): Promise<BatchOutcome> {
  const o: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, unplaced: 0, outside: 0 }
  const placed = await placeOnAddressBase(
    db,
    geocoder,
    rows.map((r) => ({ addressId: r.address_id, address: r.address, lng: r.lng, lat: r.lat, crs: r.crs })),
  )
  await db.withScope(SYSTEM_SCOPE, async (tx) => {
    const before = await organisationValuesByOrgId(
      tx,
      rows.map((r) => r.org_id),
    )
    for (const [i, r] of rows.entries()) {
      const p = placed[i]!
      const old = before.get(r.org_id)
      if (old && JSON.stringify(old.values) === JSON.stringify(organisationValues(r, p))) {
        o.unchanged++
        continue
      }
      await writeOrganisation(tx, old?.id ?? null, r.org_id, r, p, source)
      if (old) o.updated++
      else o.inserted++
      if (!p.point) o.unplaced++
      if (p.outsideDistrict) o.outside!++
    }
  })
  return o
}
