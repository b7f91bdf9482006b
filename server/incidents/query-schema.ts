import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { CategoryListSchema } from '../categories/schema.ts'
import { FROM_BEFORE_TO, fromBeforeTo, listLimit } from '../shared/list-query.ts'
import { PointGeometrySchema } from '../shared/placed.ts'
import { dayStart } from '../shared/time.ts'

/**
 * A point in time for `from`/`to`: an ISO date (`2026-10-01` = the start of that Asia/Shanghai
 * day) or an ISO datetime with offset (`2026-10-01T08:00:00+08:00`, `…Z`). `to` is exclusive, so
 * `from=2026-10-01&to=2026-10-02` is exactly the Shanghai day of 1 October.
 */
export const InstantSchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'an ISO date (YYYY-MM-DD, Asia/Shanghai) or datetime with offset' })
  .transform((s) => (s.length === 10 ? dayStart(s) : new Date(s)))

/** `bbox=minLng,minLat,maxLng,maxLat` in WGS84. */
export const BboxSchema = z
  .string()
  .transform((s) => s.split(',').map((v) => (v.trim() === '' ? NaN : Number(v))))
  .pipe(
    z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)], {
      error: 'four numbers: minLng,minLat,maxLng,maxLat',
    }),
  )
  .refine(([x0, y0, x1, y1]) => x0 <= x1 && y0 <= y1, 'min must not exceed max')

/** The keyset position after the last row of a page: reported_at (microsecond text) and id. */
export const CursorKeySchema = z.tuple([z.iso.datetime({ offset: true, precision: 6 }), z.number().int().positive()])
export type CursorKey = z.infer<typeof CursorKeySchema>

/**
 * Encodes a keyset position as an opaque cursor (base64url JSON).
 * @example encodeCursor(['2026-10-31T15:59:59.000000Z', 42]) // 'WyIyMDI2LTEwLTMxVDE1OjU5OjU5LjAwMDAwMFoiLDQyXQ'
 */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/**
 * Decodes a cursor's JSON, or undefined when it is not base64url JSON (the schema then rejects it).
 * @example decodeCursor('WyJ4IiwxXQ') // ['x', 1]
 */
function decodeCursor(s: string): unknown {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

export const CursorSchema = z.string().transform(decodeCursor).pipe(CursorKeySchema)

export const MAX_LIMIT = 10_000

/** `GET /api/incidents` query. */
export const IncidentListQuerySchema = z
  .object({
    from: InstantSchema.optional(),
    to: InstantSchema.optional(),
    category: CategoryListSchema.optional(),
    area: AreaCodeSchema.optional(),
    bbox: BboxSchema.optional(),
    limit: listLimit(MAX_LIMIT, 100),
    cursor: CursorSchema.optional(),
  })
  .refine(fromBeforeTo, FROM_BEFORE_TO)
export type IncidentListQuery = z.infer<typeof IncidentListQuerySchema>

/** `GET /api/incidents/{id}`: the numeric id or the source system's incident_id. */
export const IncidentParamsSchema = z.object({ id: z.string().min(1).max(200) })

/** Properties of an incident Feature. */
export const IncidentPropertiesSchema = z.object({
  id: z.number().int(),
  incidentId: z.string(),
  reportedAt: z.string(),
  category: z.string(),
  categoryName: z.string(),
  address: z.string().nullable(),
  status: z.string(),
  source: z.string().nullable(),
  geocodeLevel: z.string().nullable(),
  geocodeScore: z.number().nullable(),
  /** The point only stands for the road, village or town the address named (see server/geocode/place.ts). */
  approximate: z.boolean(),
  /** It came with a point outside the district, which was not used: unplaced unless its address named an area. */
  outsideDistrict: z.boolean(),
  townCode: z.string().nullable(),
  villageCode: z.string().nullable(),
  gridCode: z.string().nullable(),
  /** Names, phone and ID numbers masked for callers without the `pii` permission. */
  description: z.string().nullable(),
})
export type IncidentProperties = z.infer<typeof IncidentPropertiesSchema>

/** An incident as an RFC 7946 Feature; geometry null when it could not be placed. */
export const IncidentFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.number().int(),
  geometry: PointGeometrySchema.nullable(),
  properties: IncidentPropertiesSchema,
})
export type IncidentFeature = z.infer<typeof IncidentFeatureSchema>

/** `GET /api/incidents`: a page of features, newest first; `next` is the cursor for the following page. */
export const IncidentPageSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(IncidentFeatureSchema),
  next: z.string().nullable(),
})
export type IncidentPage = z.infer<typeof IncidentPageSchema>
