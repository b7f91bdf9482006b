/**
 * The disputes import (import kind 'disputes'): the batched report import
 * (server/imports/batched.ts: rejects by line, import_runs), idempotent by the source's case_id.
 * One line is one case with up to four parties (party1_… party4_ columns; party_key = their sorted
 * ids) and its mediation steps (a JSON list in `steps`). Each line is placed on the address base,
 * then compared with the stored case: the case, its parties and its imported steps are each
 * rewritten only when they changed. A case worked on here (a step taken through the API) keeps
 * its level, status, outcome and confirmation, and those steps: the workflow here owns it.
 */
import type { Readable } from 'node:stream'

import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import { createGeocoder, type Geocoder } from '../geocode/geocoder.ts'
import { placeOnAddressBase } from '../geocode/place-sql.ts'
import { type BatchedImportOptions, type BatchedImportSummary, type BatchOutcome, importBatched } from '../imports/batched.ts'
import {
  csvParties,
  DISPUTE_OPTIONAL_COLUMNS,
  DISPUTE_REQUIRED_COLUMNS,
  type DisputeCsvRow,
  DisputeCsvRowSchema,
  partyKey,
} from './schema.ts'
import { disputeValues, disputeValuesByCaseId, keepLocalWorkflow, writeDispute } from './store.ts'

/** Valid lines per transaction. */
export const DISPUTE_BATCH = 200

export type DisputeImportSummary = BatchedImportSummary

export interface ImportDisputesOptions extends BatchedImportOptions {
  geocoder?: Geocoder
  /** Who the imported steps name (default 'import:<source>'). */
  actor?: string
}

/**
 * Imports a disputes CSV (a path or a stream). Throws ImportInputError before loading anything
 * for a file that cannot be imported (missing columns); bad lines go to the rejects report.
 * @example const s = await importDisputes(db, 'disputes.csv'); s.inserted
 */
export async function importDisputes(db: Db, input: Readable | string, opts: ImportDisputesOptions = {}): Promise<DisputeImportSummary> {
  const geocoder = opts.geocoder ?? createGeocoder(db)
  return importBatched<DisputeCsvRow>(db, input, opts, {
    kind: 'disputes',
    idColumn: 'case_id',
    required: DISPUTE_REQUIRED_COLUMNS,
    optional: DISPUTE_OPTIONAL_COLUMNS,
    schema: DisputeCsvRowSchema,
    idOf: (r) => r.case_id,
    load: (rows, { source }) => loadDisputeBatch(db, geocoder, rows, source, opts.actor ?? `import:${source}`),
    batchSize: DISPUTE_BATCH,
    depth: 1,
    unplacedWarning: (n) => `${n} disputes could not be placed (stored without a point)`,
    outsideWarning: (n) => `${n} disputes came with a point outside the district: not placed by it`,
  })
}

/**
 * Stores one batch in one transaction (placed first, outside it).
 * @example await loadDisputeBatch(db, geocoder, rows, 'disputes.csv', 'import:disputes.csv') // { inserted: 3, … }
 */
async function loadDisputeBatch(db: Db, geocoder: Geocoder, rows: DisputeCsvRow[], source: string, actor: string): Promise<BatchOutcome> {
  const o: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, unplaced: 0, outside: 0 }
  const placed = await placeOnAddressBase(
    db,
    geocoder,
    rows.map((r) => ({ addressId: r.address_id, address: r.address, lng: r.lng, lat: r.lat, crs: r.crs })),
  )
  await db.withScope(SYSTEM_SCOPE, async (tx) => {
    const before = await disputeValuesByCaseId(
      tx,
      rows.map((r) => r.case_id),
    )
    for (const [i, r] of rows.entries()) {
      const p = placed[i]!
      const old = before.get(r.case_id) ?? null
      const parties = csvParties(r)
      const values = keepLocalWorkflow(disputeValues(r, parties, p, partyKey(parties.map((x) => x.party_id))), old?.values)
      const wrote = await writeDispute(tx, old, r, values, p, source, actor)
      if (!wrote) {
        o.unchanged++
        continue
      }
      if (old) o.updated++
      else o.inserted++
      if (!p.point) o.unplaced++
      if (p.outsideDistrict) o.outside!++
    }
  })
  return o
}
