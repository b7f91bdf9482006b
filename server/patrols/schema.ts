/**
 * Patrols (巡防): CSV rows, query strings and answers, as zod schemas. A patrol is a team's walk
 * or drive with its GPS track; the areas the track passed through are computed when it is stored.
 */
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { CrsSchema } from '../geo/crs.ts'
import { InstantSchema } from '../incidents/query-schema.ts'
import { ReportTimeSchema } from '../incidents/schema.ts'
import { absent } from '../shared/csv-fields.ts'
import { FROM_BEFORE_TO, fromBeforeTo, IdCursorSchema, listLimit, ListLimitSchema } from '../shared/list-query.ts'
import { parseTrackText, type Track, trackToWgs84 } from './track.ts'

/** The track cell: WKT or GeoJSON text (coordinates as given; converted with the row's crs). */
const TrackTextSchema = z.string().transform((s, ctx): Track => {
  const r = parseTrackText(s)
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.reason })
    return z.NEVER
  }
  return r.track
})

/**
 * One line of a patrols CSV: the track converted to WGS84; `ended_at` not before `started_at`.
 * Whether the track touches the district is checked by the import (it needs the district's outline).
 */
export const PatrolCsvRowSchema = z
  .object({
    patrol_id: z.string().trim().min(1, 'must not be empty').max(64, 'at most 64 characters'),
    team: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
    members: z.preprocess(absent, z.coerce.number().int('a whole number').min(1).max(1000).default(1)),
    started_at: ReportTimeSchema,
    ended_at: ReportTimeSchema,
    track: TrackTextSchema,
    crs: z.preprocess(absent, CrsSchema.default('wgs84')),
    source: z.preprocess(absent, z.string().trim().max(200).optional()),
  })
  .refine((r) => r.ended_at >= r.started_at, { message: 'is before started_at', path: ['ended_at'] })
  .transform((r) => ({ ...r, track: trackToWgs84(r.track, r.crs) }))
export type PatrolCsvRow = z.infer<typeof PatrolCsvRowSchema>

export const PATROL_REQUIRED_COLUMNS = ['patrol_id', 'team', 'started_at', 'ended_at', 'track'] as const
export const PATROL_OPTIONAL_COLUMNS = ['members', 'crs', 'source'] as const

/** `GET /api/patrols`: newest start first; `from`/`to` bound the start time. */
export const PatrolListQuerySchema = z
  .object({
    area: AreaCodeSchema.optional(),
    team: z.string().trim().min(1).max(200).optional(),
    from: InstantSchema.optional(),
    to: InstantSchema.optional(),
    limit: ListLimitSchema,
    cursor: IdCursorSchema.optional(),
  })
  .refine(fromBeforeTo, FROM_BEFORE_TO)
export type PatrolListQuery = z.infer<typeof PatrolListQuerySchema>

/** `{id}` in patrol URLs: the numeric id or the source's patrol_id. */
export const PatrolParamsSchema = z.object({ id: z.string().trim().min(1).max(200) })

/** `GET /api/patrols/coverage`. */
export const PatrolCoverageQuerySchema = z.object({
  area: AreaCodeSchema.optional(),
  /** The moment the coverage is judged at (default now). */
  asOf: InstantSchema.optional(),
  /** The period: patrols that ended in the `days` days up to `asOf`. */
  days: z.coerce.number().int('a whole number').min(1).max(366).default(7),
  /** Grids per page (a district has thousands): 1–1,000, 500 by default. */
  limit: listLimit(1000, 500),
  /** The `next` of the previous page: the last grid code it listed. */
  cursor: AreaCodeSchema.optional(),
})
export type PatrolCoverageQuery = z.infer<typeof PatrolCoverageQuerySchema>

const LineStringSchema = z.object({ type: z.literal('LineString'), coordinates: z.array(z.tuple([z.number(), z.number()])) })

export const PatrolPropertiesSchema = z.object({
  id: z.number().int(),
  patrolId: z.string(),
  team: z.string(),
  members: z.number().int(),
  startedAt: z.string(),
  endedAt: z.string(),
  /** The track's length on the ground (metres). */
  lengthM: z.number().nullable(),
  /** The areas the track passed through. */
  townCodes: z.array(z.string()),
  villageCodes: z.array(z.string()),
  gridCodes: z.array(z.string()),
  source: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type PatrolProperties = z.infer<typeof PatrolPropertiesSchema>

/** A patrol as an RFC 7946 Feature with its track. */
export const PatrolFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.number().int(),
  geometry: LineStringSchema.nullable(),
  properties: PatrolPropertiesSchema,
})
export type PatrolFeature = z.infer<typeof PatrolFeatureSchema>

/** `GET /api/patrols`: newest start first; `next` is the cursor of the following page. */
export const PatrolPageSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(PatrolFeatureSchema),
  next: z.string().nullable(),
})
export type PatrolPage = z.infer<typeof PatrolPageSchema>

/** One grid's patrol coverage. */
export const GridCoverageSchema = z.object({
  code: z.string(),
  name: z.string(),
  villageCode: z.string().nullable(),
  townCode: z.string().nullable(),
  /** The end of the last patrol through the grid up to asOf; null: never patrolled. */
  lastPatrolEnd: z.string().nullable(),
  /** Whole days from that end to asOf; null: never patrolled. */
  daysSince: z.number().int().nullable(),
  /** Patrols through the grid that ended in the period. */
  patrols: z.number().int(),
  /** At least one patrol in the period. */
  covered: z.boolean(),
})
export type GridCoverage = z.infer<typeof GridCoverageSchema>

/**
 * `GET /api/patrols/coverage`: one row per grid of the caller's scope (or the area), by code, in
 * pages (`next`: the cursor of the following one); `covered` and `total` count every grid, not the page.
 */
export const PatrolCoverageSchema = z.object({
  asOf: z.string(),
  days: z.number().int(),
  area: z.string().nullable(),
  grids: z.array(GridCoverageSchema),
  /** Grids covered in the period, of all the scope's (or the area's) grids. */
  covered: z.number().int(),
  total: z.number().int(),
  next: z.string().nullable(),
})
export type PatrolCoverage = z.infer<typeof PatrolCoverageSchema>
