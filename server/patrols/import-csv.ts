/**
 * The patrol import (kind 'patrols'): the batched CSV import (server/imports/batched.ts: rejects
 * by line, import_runs), idempotent by the source's patrol_id. A line is rejected for a bad track
 * (not WKT/GeoJSON, fewer than 2 vertices), `ended_at` before `started_at`, or a track that never
 * touches the district. Stored tracks get their length and the areas they passed through (SQL).
 */
import type { Readable } from 'node:stream'

import type { MultiPolygon, Polygon } from 'geojson'
import type { z } from 'zod'

import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import { type BatchedImportOptions, type BatchedImportSummary, importBatched } from '../imports/batched.ts'
import { PATROL_OPTIONAL_COLUMNS, PATROL_REQUIRED_COLUMNS, type PatrolCsvRow, PatrolCsvRowSchema } from './schema.ts'
import { upsertPatrols } from './store.ts'
import { trackTouches } from './track.ts'

/** Lines per transaction: each is one row of a multi-row upsert and an area overlay. */
export const PATROL_BATCH = 500

export type PatrolImportSummary = BatchedImportSummary
export type ImportPatrolsOptions = BatchedImportOptions

/**
 * The district's outline (the district-level area), or null when none is loaded.
 * @example const outline = await districtOutline(db)
 */
export async function districtOutline(db: Db): Promise<Polygon | MultiPolygon | null> {
  const [row] = await db.withScope(
    SYSTEM_SCOPE,
    (tx) => tx<{ g: string }[]>`SELECT ST_AsGeoJSON(geom) AS g FROM admin_areas WHERE level = 'district' ORDER BY code LIMIT 1`,
  )
  return row ? (JSON.parse(row.g) as Polygon | MultiPolygon) : null
}

/**
 * Imports a patrols CSV (a path or a stream). Throws ImportInputError before loading anything
 * for a file that cannot be imported (missing columns); bad lines go to the rejects report.
 * @example const s = await importPatrols(db, 'patrols.csv'); s.inserted
 */
export async function importPatrols(db: Db, input: Readable | string, opts: ImportPatrolsOptions = {}): Promise<PatrolImportSummary> {
  const outline = await districtOutline(db)
  const touches = outline ? trackTouches(outline) : () => true
  const schema: z.ZodType<PatrolCsvRow, unknown> = PatrolCsvRowSchema.refine((r) => touches(r.track), {
    message: 'lies entirely outside the district',
    path: ['track'],
  })
  return importBatched<PatrolCsvRow>(db, input, opts, {
    kind: 'patrols',
    idColumn: 'patrol_id',
    required: PATROL_REQUIRED_COLUMNS,
    optional: PATROL_OPTIONAL_COLUMNS,
    schema,
    idOf: (r) => r.patrol_id,
    prepare: (raw, source) => {
      if (!raw.source) raw.source = source
    },
    load: async (rows) => {
      const o = await db.withScope(SYSTEM_SCOPE, (tx) => upsertPatrols(tx, rows))
      return { ...o, unplaced: 0 }
    },
    batchSize: PATROL_BATCH,
    depth: 1,
    unplacedWarning: (n) => `${n} patrols have no track`,
  })
}
