import { z } from 'zod'

import { CrsSchema } from '../geo/crs.ts'
import { BboxSchema, InstantSchema } from '../incidents/query-schema.ts'
import { listLimit, QueryBoolSchema } from '../shared/list-query.ts'

export const ExportFormatSchema = z.enum(['geojson', 'csv'])
export type ExportFormat = z.infer<typeof ExportFormatSchema>

/** `/api/export/{layer}.{geojson|csv}`: the layer is a collection id (checked against the registry). */
export const ExportParamsSchema = z
  .object({ file: z.string().regex(/^[a-z][a-z0-9_]*\.(geojson|csv)$/, 'LAYER.geojson or LAYER.csv') })
  .transform(({ file }) => {
    const dot = file.lastIndexOf('.')
    return { layer: file.slice(0, dot), format: ExportFormatSchema.parse(file.slice(dot + 1)) }
  })

/**
 * The export query: the map's filters (the same schemas as GET /api/incidents) plus `crs`.
 * A layer's own filters (category, area) are strings here, validated by the layer's registry entry.
 */
export const ExportQuerySchema = z
  .object({
    from: InstantSchema.optional(),
    to: InstantSchema.optional(),
    bbox: BboxSchema.optional(),
    crs: CrsSchema.default('wgs84'),
    /** Personal text (names, phone and ID numbers) is masked in exports unless this is true and the caller may see it. */
    unmask: QueryBoolSchema.default(false),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: '`to` must be after `from` (it is exclusive)', path: ['to'] })
export const EXPORT_QUERY_KEYS = ['from', 'to', 'bbox', 'crs', 'unmask'] as const

export const ExportStatusSchema = z.enum(['running', 'finished', 'aborted', 'failed'])
export type ExportStatus = z.infer<typeof ExportStatusSchema>

/** One recorded export, as GET /api/exports shows it. */
export const ExportRecordSchema = z.object({
  id: z.number().int(),
  requestedBy: z.string(),
  layer: z.string(),
  format: ExportFormatSchema,
  filters: z.record(z.string(), z.string()),
  crs: CrsSchema,
  fileName: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  status: ExportStatusSchema,
  rows: z.number().int(),
  bytes: z.number().int(),
  message: z.string().nullable(),
})
export type ExportRecord = z.infer<typeof ExportRecordSchema>

/** `GET /api/exports` query. */
export const ExportListQuerySchema = z.object({
  limit: listLimit(1000, 50),
  layer: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .optional(),
})
