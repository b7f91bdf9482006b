/**
 * The hazard import (`npm run import -- hazards FILE.csv`): the batched report import
 * (server/imports/batched.ts: chunked reading, rejects report by line, import_runs kind 'hazards'),
 * idempotent by the source's hazard_id. A new hazard_id is inserted (in the CSV's status, default
 * `reported`, with an 'imported' event); a known one is compared field by field and updated only
 * if something changed (an 'imported' event lists the changes; its status is left alone: the
 * workflow here owns it); an unchanged one is not written. Batches commit on their own.
 */
import type { Readable } from 'node:stream'

import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import { createGeocoder, type Geocoder } from '../geocode/geocoder.ts'
import { type BatchedImportOptions, type BatchedImportSummary, type BatchOutcome, importBatched } from '../imports/batched.ts'
import { HAZARD_OPTIONAL_COLUMNS, HAZARD_REQUIRED_COLUMNS, type HazardCsvRow, HazardCsvRowSchema } from './schema.ts'
import { diffHazardFields, hazardFieldsByHazardId, insertHazard, movesHazard, updateHazard } from './store.ts'
import { fieldsOfInput, placeFields } from './write.ts'

/** Valid lines per transaction: hazards are few, and each is a few statements. */
export const HAZARD_BATCH = 200

export type HazardImportSummary = BatchedImportSummary

export interface ImportHazardsOptions extends BatchedImportOptions {
  geocoder?: Geocoder
  /** Who the history names (default 'import:<source>'). */
  actor?: string
}

/**
 * Imports a hazards CSV (a path or a stream). Throws ImportInputError before loading anything
 * for a file that cannot be imported (missing columns); bad lines go to the rejects report.
 * @example const s = await importHazards(db, 'hazards.csv'); s.inserted
 */
export async function importHazards(db: Db, input: Readable | string, opts: ImportHazardsOptions = {}): Promise<HazardImportSummary> {
  const geocoder = opts.geocoder ?? createGeocoder(db)
  return importBatched<HazardCsvRow>(db, input, opts, {
    kind: 'hazards',
    idColumn: 'hazard_id',
    required: HAZARD_REQUIRED_COLUMNS,
    optional: HAZARD_OPTIONAL_COLUMNS,
    schema: HazardCsvRowSchema,
    idOf: (r) => r.hazard_id,
    load: (rows, { runId, source }) => loadHazardBatch(db, geocoder, rows, runId, opts.actor ?? `import:${source}`),
    batchSize: HAZARD_BATCH,
    // One batch at a time: each is a transaction of a few statements per hazard.
    depth: 1,
    unplacedWarning: (n) => `${n} hazards could not be placed (stored without a point)`,
    outsideWarning: (n) => `${n} hazards came with a point outside the district: kept with their coordinates, not placed by them`,
  })
}

/**
 * Stores one batch of valid lines in one transaction: new hazard_ids inserted, known ones
 * updated if a field changed (re-placed only if the change moves them), unchanged ones left.
 * @example await loadHazardBatch(db, geocoder, rows, 12, 'import:hazards.csv') // { inserted: 3, … }
 */
async function loadHazardBatch(db: Db, geocoder: Geocoder, rows: HazardCsvRow[], runId: number, actor: string): Promise<BatchOutcome> {
  const o: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, unplaced: 0, outside: 0 }
  const now = new Date()
  const fields = rows.map((r) => fieldsOfInput(r, now))
  // Compare before placing: unchanged and unmoved lines cost no geocoding.
  const before = await db.withScope(SYSTEM_SCOPE, (tx) =>
    hazardFieldsByHazardId(
      tx,
      rows.map((r) => r.hazard_id),
    ),
  )
  const needsPlace = rows.map((r, i) => {
    const old = before.get(r.hazard_id)
    return !old || movesHazard(diffHazardFields(old.fields, fields[i]!))
  })
  const placed = await placeFields(
    db,
    geocoder,
    fields.filter((_, i) => needsPlace[i]),
  )
  let k = 0
  const placements = rows.map((_, i) => (needsPlace[i] ? placed[k++]! : null))
  await db.withScope(SYSTEM_SCOPE, async (tx) => {
    for (const [i, r] of rows.entries()) {
      const old = before.get(r.hazard_id)
      const p = placements[i]!
      if (!old) {
        await insertHazard(tx, r.hazard_id, fields[i]!, p, { actor, action: 'imported', status: r.status, comment: `import run #${runId}` })
        o.inserted++
        if (!p.point) o.unplaced++
        if (p.outsideDistrict) o.outside!++
        continue
      }
      const changes = await updateHazard(tx, old.id, fields[i]!, p, { actor, action: 'imported', comment: `import run #${runId}` })
      if (Object.keys(changes).length === 0) o.unchanged++
      else o.updated++
      if (p && !p.point) o.unplaced++
      if (p?.outsideDistrict) o.outside!++
    }
  })
  return o
}
