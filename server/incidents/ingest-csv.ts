/**
 * The incident import: the batched report import (server/imports/batched.ts: chunked reading,
 * rejects report, import_runs kind 'incidents'), each batch of ~2,000 valid lines through
 * ingestIncidents. Unlike the address import it is not all or nothing: every batch commits on
 * its own (one upsert statement), so a failure midway leaves the earlier batches in; re-running
 * the file is safe (idempotent: unchanged rows are not written).
 */
import type { Readable } from 'node:stream'

import type { Db } from '../db/index.ts'
import { createGeocoder, type Geocoder } from '../geocode/geocoder.ts'
import { type BatchedImportOptions, type BatchedImportSummary, importBatched } from '../imports/batched.ts'
import { countIngested } from '../ops/metrics.ts'
import { ingestIncidents, loadCategoryIndex } from './ingest.ts'
import { type ResolvedIncident, withCategories } from './schema.ts'

export const INCIDENT_REQUIRED_COLUMNS = ['incident_id', 'reported_at', 'category'] as const
export const INCIDENT_OPTIONAL_COLUMNS = ['address', 'lng', 'lat', 'crs', 'description', 'source', 'status'] as const

/** Valid lines per ingestIncidents call: one geocoder round and one upsert statement each. */
export const INCIDENT_BATCH = 2_000

export type IncidentImportSummary = BatchedImportSummary

export interface ImportIncidentsOptions extends BatchedImportOptions {
  /** import_runs.source, and each incident's source when its line has none. */
  source?: string
  geocoder?: Geocoder
}

/**
 * Imports an incident CSV (a path or a stream). Throws ImportInputError before loading anything
 * for a file that cannot be imported (missing columns); bad lines go to the rejects report.
 * @example const s = await importIncidents(db, 'incidents.csv'); s.inserted
 */
export async function importIncidents(db: Db, input: Readable | string, opts: ImportIncidentsOptions = {}): Promise<IncidentImportSummary> {
  const geocoder = opts.geocoder ?? createGeocoder(db)
  const schema = withCategories(await loadCategoryIndex(db.sql))
  return importBatched<ResolvedIncident>(db, input, opts, {
    kind: 'incidents',
    idColumn: 'incident_id',
    required: INCIDENT_REQUIRED_COLUMNS,
    optional: INCIDENT_OPTIONAL_COLUMNS,
    schema,
    idOf: (r) => r.incident_id,
    prepare: (raw, source) => {
      if (!raw.source) raw.source = source
    },
    // One upsert statement per batch; two batches in flight: one in the database while the next
    // is geocoded and placed in JS, so the two cores work at once. Their ids are distinct and the
    // rollup trigger locks in key order (migrations/012), so they cannot collide.
    load: async (rows) => {
      const o = { inserted: 0, updated: 0, unchanged: 0, unplaced: 0, outside: 0 }
      const results = await ingestIncidents(db, geocoder, rows)
      countIngested('csv', results)
      for (const r of results) {
        if (r.status === 'created') o.inserted++
        else if (r.status === 'updated') o.updated++
        else o.unchanged++
        if (!r.placed) o.unplaced++
        if (r.outsideDistrict) o.outside++
      }
      return o
    },
    batchSize: INCIDENT_BATCH,
    depth: 2,
    unplacedWarning: (n) => `${n} incidents could not be placed (stored without a point: GET /api/incidents/unplaced)`,
    outsideWarning: (n) =>
      `${n} incidents came with a point outside the district: kept with their coordinates, not placed by them (GET /api/incidents/unplaced?outside=true lists those their address did not place either)`,
  })
}
