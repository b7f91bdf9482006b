/**
 * Incident input (API bodies and CSV lines) and ingest results. The category field is checked for
 * shape here and resolved against `incident_categories` by `withCategories`, because the catalogue
 * lives in the database (migrations/002_categories.sql) and must not be copied into code.
 */
import { z } from 'zod'

import { CrsSchema } from '../geo/crs.ts'
import { MatchLevelSchema } from '../geocode/schema.ts'
import { absent, optionalCoordinate, optionalText } from '../shared/csv-fields.ts'
import { FROM_BEFORE_TO, fromBeforeTo, ListLimitSchema, QueryBoolSchema } from '../shared/list-query.ts'
import { InstantSchema } from './query-schema.ts'
import { reportTimeProblem } from './time.ts'

/** Timestamps without an offset are local time of the command center (Asia/Shanghai, no DST). */
export const DEFAULT_OFFSET = '+08:00'

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}:?\d{2})?$/

/**
 * Reads an ISO 8601 timestamp; without an offset it is +08:00. Returns null when it is not one.
 * @example parseReportedAt('2026-10-01 08:30:00')?.toISOString() // '2026-10-01T00:30:00.000Z'
 */
export function parseReportedAt(text: string): Date | null {
  const m = TIMESTAMP.exec(text.trim())
  if (!m) return null
  // Date() rolls impossible days over (2026-02-30 → 2026-03-02): the calendar day must exist as written.
  const [y, mo, day] = m[1]!.split('-').map(Number) as [number, number, number]
  const probe = new Date(Date.UTC(y, mo - 1, day))
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== day) return null
  const d = new Date(`${m[1]}T${m[2]}${m[3] ?? DEFAULT_OFFSET}`)
  return Number.isNaN(d.getTime()) ? null : d
}

/**
 * When something was reported (or found): an ISO 8601 time (no offset = +08:00) that can be true,
 * not more than 10 minutes after the server's clock (read when the input is checked) nor before
 * 2000 (server/incidents/time.ts). Shared by every report that carries a time (incidents, hazards).
 * @example ReportTimeSchema.safeParse('2030-01-01 08:00').success // false: in the future
 */
export const ReportTimeSchema = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const d = v instanceof Date ? v : parseReportedAt(v)
  if (!d || Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 time, e.g. 2026-10-01T08:30:00+08:00 (no offset = +08:00)' })
    return z.NEVER
  }
  const problem = reportTimeProblem(d, new Date())
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem })
    return z.NEVER
  }
  return d
})

/** Workflow states of an incident (the source systems' states map onto these). */
export const IncidentStatusSchema = z.enum(['open', 'in_progress', 'closed', 'cancelled'])

/** One incident as given: category still as text (an item code like '0101' or its Chinese name). */
export const IncidentInputSchema = z
  .object({
    incident_id: z.string().trim().min(1, 'must not be empty').max(64, 'at most 64 characters'),
    reported_at: ReportTimeSchema,
    category: z.string().trim().min(1, 'must not be empty').max(50),
    address: optionalText(500),
    lng: optionalCoordinate(-180, 180),
    lat: optionalCoordinate(-90, 90),
    crs: z.preprocess(absent, CrsSchema.default('wgs84')),
    description: optionalText(4000),
    source: optionalText(200),
    status: z.preprocess(absent, IncidentStatusSchema.default('open')),
  })
  .refine((v) => (v.lng === undefined) === (v.lat === undefined), { message: 'give both lng and lat, or neither', path: ['lng'] })
export type IncidentInputRaw = z.input<typeof IncidentInputSchema>
export type IncidentInput = z.infer<typeof IncidentInputSchema>

/** An incident with its category resolved to an item code of incident_categories (level 2). */
export type ResolvedIncident = IncidentInput & { category_code: string }

/** Level-2 category codes by code and by Chinese name. */
export type CategoryIndex = ReadonlyMap<string, string>

/**
 * The schema of one incident whose category must resolve in `categories`; unknown → issue at `category`.
 * @example withCategories(new Map([['0101', '0101'], ['入室盗窃', '0101']])).parse(x).category_code
 */
export function withCategories(categories: CategoryIndex) {
  return IncidentInputSchema.transform((v, ctx): ResolvedIncident => {
    const code = categories.get(v.category)
    if (code) return { ...v, category_code: code }
    ctx.addIssue({
      code: 'custom',
      path: ['category'],
      message: `unknown category "${v.category}" (give an item code like 0101 or its Chinese name)`,
    })
    return z.NEVER
  })
}

/**
 * `POST /api/incidents/reports`: an event a grid worker or town officer reports from the field
 * (事件上报) — what and where; it is an incident with the source 网格上报 and the reporter's name.
 * The point must lie in the caller's areas.
 */
export const FieldReportSchema = z.strictObject({
  category: z.string().trim().min(1, 'must not be empty').max(50),
  description: z.string().trim().min(1, 'say what happened').max(4000, 'at most 4000 characters'),
  lng: z.number().finite().min(-180).max(180),
  lat: z.number().finite().min(-90).max(90),
  address: z.string().trim().max(500, 'at most 500 characters').optional(),
  /** When it happened; default now. */
  reported_at: ReportTimeSchema.optional(),
})
export type FieldReport = z.infer<typeof FieldReportSchema>

export const MAX_INCIDENTS = 10_000

/**
 * `POST /api/incidents` body: one incident or an array of them; incident ids unique within it.
 * @example incidentBodySchema(categories).parse([{ incident_id: 'A1', reported_at: '2026-10-01 08:00:00', category: '0101' }])
 */
export function incidentBodySchema(categories: CategoryIndex) {
  // A single object is read as a list of one, so issues are always at `body.<index>.<field>`.
  return z.preprocess(
    (v) => (Array.isArray(v) ? v : [v]),
    z
      .array(withCategories(categories))
      .min(1, 'give at least one incident')
      .max(MAX_INCIDENTS, `at most ${MAX_INCIDENTS} incidents`)
      .superRefine((items, ctx) => {
        const first = new Map<string, number>()
        items.forEach((v, i) => {
          const j = first.get(v.incident_id)
          if (j === undefined) first.set(v.incident_id, i)
          else
            ctx.addIssue({ code: 'custom', path: [i, 'incident_id'], message: `duplicate incident_id "${v.incident_id}" (also item ${j})` })
        })
      }),
  )
}

export const IngestStatusSchema = z.enum(['created', 'updated', 'unchanged'])

/**
 * What happened to one incident. `placed` = it has a point and area codes; `approximate` = that
 * point only stands for the road, village or town its text named (no H3 cells);
 * `outsideDistrict` = its coordinates (or its address's point) lie outside the district and were
 * not used: it is unplaced unless its text named an area of the district.
 */
export const IngestResultSchema = z.object({
  incidentId: z.string(),
  id: z.string(),
  status: IngestStatusSchema,
  level: MatchLevelSchema.nullable(),
  placed: z.boolean(),
  approximate: z.boolean(),
  outsideDistrict: z.boolean(),
})
export type IngestResult = z.infer<typeof IngestResultSchema>

/**
 * `GET /api/incidents/unplaced?limit=&cursor=&outside=` (cursor: the last id of the previous
 * page; `outside=true` only those outside the district, `false` only the others).
 */
export const UnplacedQuerySchema = z.object({
  limit: ListLimitSchema,
  cursor: z.coerce.number().int().nonnegative().optional(),
  outside: QueryBoolSchema.optional(),
})

/** `GET /api/incidents/placement?from=&to=`: the span of reported_at (`to` exclusive; both optional). */
export const PlacementQuerySchema = z
  .object({ from: InstantSchema.optional(), to: InstantSchema.optional() })
  .refine(fromBeforeTo, FROM_BEFORE_TO)
export type PlacementQuery = z.infer<typeof PlacementQuerySchema>

/**
 * How the incidents of a span were placed. `placed` = `precise` + `approximate` (a point in the
 * district and the codes of its area); `unplaced` = no point; `outsideDistrict` = came with a point
 * outside the district, which was not used (each of them is also counted as unplaced, or as
 * approximate when its text named an area of the district).
 */
export const PlacementCountsSchema = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  total: z.number().int(),
  placed: z.number().int(),
  precise: z.number().int(),
  approximate: z.number().int(),
  unplaced: z.number().int(),
  outsideDistrict: z.number().int(),
})
export type PlacementCounts = z.infer<typeof PlacementCountsSchema>
