/**
 * The gazetteer import (`npm run import -- gazetteer FILE.csv`): the batched CSV import
 * (server/imports/batched.ts: rejects report by line, import_runs kind 'gazetteer'), upserting by
 * (name, town_code) so a re-run changes nothing. Every batch that changes a row bumps the address
 * base version, so every server's geocoder reloads its dictionary with the new names.
 */
import type { Readable } from 'node:stream'

import { dictionaryChanged } from '../addresses/base.ts'
import { loadAreaLocator } from '../addresses/locate.ts'
import type { Db } from '../db/index.ts'
import { loadNameDictionary } from '../geocode/dictionary.ts'
import { type BatchedImportOptions, type BatchedImportSummary, type BatchOutcome, importBatched } from '../imports/batched.ts'
import { ImportInputError } from '../imports/csv.ts'
import { GAZETTEER_OPTIONAL_COLUMNS, GAZETTEER_REQUIRED_COLUMNS, type GazetteerRow, gazetteerRowSchema } from './schema.ts'

/** Lines per transaction: a gazetteer is a few hundred to a few thousand names. */
const GAZETTEER_BATCH = 500

/**
 * Imports a gazetteer CSV (a path or a stream). Aliases are checked against the names the
 * geocoder knows now, so load the address base first.
 * @example const s = await importGazetteer(db, 'data/gazetteer.csv'); s.inserted
 */
export async function importGazetteer(db: Db, input: Readable | string, opts: BatchedImportOptions = {}): Promise<BatchedImportSummary> {
  const [dict, locator] = await Promise.all([loadNameDictionary(db.sql), loadAreaLocator(db.sql).catch(() => null)])
  if (!locator)
    throw new ImportInputError(
      'admin_areas has no boundaries to place names in: load the boundaries first (npm run seed -- --only boundaries)',
    )
  return importBatched<GazetteerRow>(db, input, opts, {
    kind: 'gazetteer',
    idColumn: 'name',
    required: GAZETTEER_REQUIRED_COLUMNS,
    optional: GAZETTEER_OPTIONAL_COLUMNS,
    schema: gazetteerRowSchema({ dict, locator }),
    idOf: (r) => `${r.name}|${r.townCode ?? ''}`,
    load: (rows, { source }) => upsertGazetteer(db, rows, source),
    batchSize: GAZETTEER_BATCH,
    depth: 1,
    unplacedWarning: () => '',
  })
}

/**
 * Upserts a batch by (name, town_code); rows that would not change are not written.
 * @example await upsertGazetteer(db, [{ name: '宁围镇', aliasOf: '宁围街道', … }], 'demo') // { inserted: 1, … }
 */
export async function upsertGazetteer(db: Db, rows: readonly GazetteerRow[], source: string): Promise<BatchOutcome> {
  return db.sql.begin(async (tx) => {
    const written = await tx<{ inserted: boolean }[]>`
      INSERT INTO gazetteer AS g (name, alias_of, geom, level, town_code, source)
      SELECT r.name, r.alias_of, CASE WHEN r.lng IS NULL THEN NULL ELSE ST_SetSRID(ST_Point(r.lng, r.lat), 4326) END,
             r.level, r.town_code, ${source}
      FROM unnest(${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.aliasOf)}::text[], ${rows.map((r) => r.lng)}::float8[],
                  ${rows.map((r) => r.lat)}::float8[], ${rows.map((r) => r.level)}::text[], ${rows.map((r) => r.townCode)}::text[])
           AS r(name, alias_of, lng, lat, level, town_code)
      ON CONFLICT (name, (coalesce(town_code, ''))) DO UPDATE SET
        alias_of = EXCLUDED.alias_of, geom = EXCLUDED.geom, level = EXCLUDED.level, source = EXCLUDED.source, updated_at = now()
      WHERE (g.alias_of, g.geom, g.level) IS DISTINCT FROM (EXCLUDED.alias_of, EXCLUDED.geom, EXCLUDED.level)
      RETURNING (xmax = 0) AS inserted`
    const inserted = written.filter((w) => w.inserted).length
    const updated = written.length - inserted
    if (written.length > 0) await dictionaryChanged(tx)
    return { inserted, updated, unchanged: rows.length - written.length, unplaced: 0 }
  })
}
