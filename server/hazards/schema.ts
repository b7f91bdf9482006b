/**
 * Hazards (隐患): request bodies, CSV rows, query strings and answers, as zod schemas shared with
 * the web app. Catalogue codes (source, category, severity) and their Chinese names live here;
 * inputs accept either, so a CSV exported from a Chinese system imports as is.
 */
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { AttachmentIdsSchema, LinkedAttachmentSchema } from '../attachments/schema.ts'
import { CrsSchema } from '../geo/crs.ts'
import { BboxSchema } from '../incidents/query-schema.ts'
import { ReportTimeSchema } from '../incidents/schema.ts'
import { absent, BOTH_OR_NEITHER, bothOrNeither, optionalCoordinate, optionalText } from '../shared/csv-fields.ts'
import { DayInputSchema, enumList, IdCursorSchema, ListLimitSchema, QueryBoolSchema } from '../shared/list-query.ts'
import { PointGeometrySchema } from '../shared/placed.ts'
import { HazardStatusSchema } from './states.ts'

export { HAZARD_STATUS_NAMES, type HazardStatus, HazardStatusSchema } from './states.ts'

/** Where a hazard was found: the three sources of the three-in-one register. */
export const HazardSourceSchema = z.enum(['self_check', 'grid_inspection', 'regulator_inspection'])
export type HazardSource = z.infer<typeof HazardSourceSchema>
export const HAZARD_SOURCE_NAMES: Readonly<Record<HazardSource, string>> = {
  self_check: '企业自查',
  grid_inspection: '网格巡查',
  regulator_inspection: '部门检查',
}

export const HazardCategorySchema = z.enum([
  'fire',
  'production_safety',
  'gas_cylinder',
  'ebike_charging',
  'road_traffic',
  'building',
  'hazardous_chemicals',
  'other',
])
export type HazardCategory = z.infer<typeof HazardCategorySchema>
export const HAZARD_CATEGORY_NAMES: Readonly<Record<HazardCategory, string>> = {
  fire: '消防安全',
  production_safety: '安全生产',
  gas_cylinder: '瓶装燃气',
  ebike_charging: '电动自行车充电',
  road_traffic: '道路交通',
  building: '房屋安全',
  hazardous_chemicals: '危险化学品',
  other: '其他',
}

/** 一般 / 较大 / 重大 (general / serious / major). */
export const HazardSeveritySchema = z.enum(['general', 'serious', 'major'])
export type HazardSeverity = z.infer<typeof HazardSeveritySchema>
export const HAZARD_SEVERITY_NAMES: Readonly<Record<HazardSeverity, string>> = {
  general: '一般',
  serious: '较大',
  major: '重大',
}

/**
 * A catalogue value given as its code or its Chinese name (with or without the 隐患 suffix).
 * @example codeOrName(HazardSeveritySchema, HAZARD_SEVERITY_NAMES).parse('重大隐患') // 'major'
 */
export function codeOrName<C extends string>(schema: z.ZodEnum<{ [K in C]: K }>, names: Readonly<Record<C, string>>) {
  const byName = new Map<string, C>(Object.entries<string>(names).map(([code, name]) => [name, code as C]))
  return z.preprocess(
    (v) => {
      if (typeof v !== 'string') return v
      const s = v.trim()
      return byName.get(s) ?? byName.get(s.replace(/隐患$/, '')) ?? s
    },
    z.enum(schema.options as [C, ...C[]], { error: `one of ${schema.options.map((c) => `${c} (${names[c]})`).join(', ')}` }),
  )
}

/** When a hazard was found: ISO 8601 (no offset = +08:00), not in the future nor before 2000 (as incidents). */
export const TimeInputSchema = ReportTimeSchema

/**
 * A photo or document by reference (URL or file-store id), never the file itself. A `ref` of 64
 * hex digits is an attachment uploaded here (POST /api/attachments): in an API body it must exist,
 * and it is linked to the hazard (listed in the detail's `attachments`).
 */
export const AttachmentSchema = z.object({
  ref: z.string().trim().min(1, 'must not be empty').max(1000),
  name: z.string().trim().max(200).optional(),
  type: z.enum(['photo', 'document', 'video']).optional(),
})
export type Attachment = z.infer<typeof AttachmentSchema>

/** Attachments: objects, or bare reference strings (a CSV cell holds them `|`-separated). */
export const AttachmentsSchema = z.preprocess(
  (v) => {
    if (typeof v === 'string')
      v = v
        .split('|')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    return Array.isArray(v) ? v.map((a) => (typeof a === 'string' ? { ref: a } : a)) : v
  },
  z.array(AttachmentSchema).max(50, 'at most 50 attachments'),
)

const HazardIdSchema = z.string().trim().min(1, 'must not be empty').max(64, 'at most 64 characters')

/** Fields every hazard input has (the API body and the CSV row). */
const hazardFields = {
  source: codeOrName(HazardSourceSchema, HAZARD_SOURCE_NAMES),
  category: codeOrName(HazardCategorySchema, HAZARD_CATEGORY_NAMES),
  severity: z.preprocess(absent, codeOrName(HazardSeveritySchema, HAZARD_SEVERITY_NAMES).default('general')),
  description: z.string().trim().min(1, 'must not be empty').max(4000, 'at most 4000 characters'),
  place_name: optionalText(200),
  responsible_party: optionalText(200),
  due_date: z.preprocess(absent, DayInputSchema.optional()),
  address: optionalText(500),
  lng: optionalCoordinate(-180, 180),
  lat: optionalCoordinate(-90, 90),
  crs: z.preprocess(absent, CrsSchema.default('wgs84')),
  attachments: z.preprocess(absent, AttachmentsSchema.default([])),
}

/** `POST /api/hazards`: a new hazard, always `reported` (its workflow starts here). */
export const HazardCreateSchema = z
  .object({
    hazard_id: z.preprocess(absent, HazardIdSchema.optional()),
    reported_at: z.preprocess(absent, TimeInputSchema.optional()),
    ...hazardFields,
  })
  .refine(bothOrNeither, BOTH_OR_NEITHER)
export type HazardCreateRaw = z.input<typeof HazardCreateSchema>
export type HazardCreate = z.infer<typeof HazardCreateSchema>

/**
 * One line of a hazards CSV. The source's `hazard_id` and `reported_at` are required (a re-run
 * must produce the same row); `status` is the state a new hazard starts in (the source system
 * may have progressed it) and is not applied to a hazard already here, whose workflow is ours.
 */
export const HazardCsvRowSchema = z
  .object({
    hazard_id: HazardIdSchema,
    reported_at: TimeInputSchema,
    status: z.preprocess(
      absent,
      codeOrName(HazardStatusSchema, { reported: '已上报', confirmed: '已确认', rectifying: '整改中', closed: '已销号' }).default(
        'reported',
      ),
    ),
    ...hazardFields,
  })
  .refine(bothOrNeither, BOTH_OR_NEITHER)
export type HazardCsvRow = z.infer<typeof HazardCsvRowSchema>

export const HAZARD_REQUIRED_COLUMNS = ['hazard_id', 'reported_at', 'source', 'category', 'description'] as const
export const HAZARD_OPTIONAL_COLUMNS = [
  'severity',
  'status',
  'place_name',
  'responsible_party',
  'due_date',
  'address',
  'lng',
  'lat',
  'crs',
  'attachments',
] as const

/**
 * `PATCH /api/hazards/{id}`: the fields to change (null clears an optional one). Status is not
 * here: it moves by `POST /api/hazards/{id}/transitions`, so every step is an event.
 */
export const HazardPatchSchema = z
  .strictObject(
    {
      category: codeOrName(HazardCategorySchema, HAZARD_CATEGORY_NAMES).optional(),
      severity: codeOrName(HazardSeveritySchema, HAZARD_SEVERITY_NAMES).optional(),
      description: z.string().trim().min(1, 'must not be empty').max(4000).optional(),
      place_name: z.string().trim().max(200).nullable().optional(),
      responsible_party: z.string().trim().max(200).nullable().optional(),
      due_date: DayInputSchema.nullable().optional(),
      address: z.string().trim().max(500).nullable().optional(),
      lng: z.number().finite().min(-180).max(180).nullable().optional(),
      lat: z.number().finite().min(-90).max(90).nullable().optional(),
      crs: CrsSchema.optional(),
      attachments: AttachmentsSchema.optional(),
      comment: z.string().trim().max(2000).optional(),
    },
    {
      error: (i) =>
        i.code === 'unrecognized_keys' ? `not editable: ${i.keys.join(', ')} (status moves by POST …/transitions)` : undefined,
    },
  )
  .refine((v) => (v.lng === undefined) === (v.lat === undefined) && (v.lng === null) === (v.lat === null), BOTH_OR_NEITHER)
  .refine((v) => Object.keys(v).some((k) => k !== 'comment'), { message: 'give at least one field to change' })
export type HazardPatch = z.infer<typeof HazardPatchSchema>

/** `POST /api/hazards/{id}/transitions`. */
export const HazardTransitionSchema = z.object({
  to: HazardStatusSchema,
  comment: z.string().trim().max(2000, 'at most 2000 characters').optional(),
  /** Uploaded attachments' ids (POST /api/attachments), recorded on this step. */
  attachments: AttachmentIdsSchema.optional(),
})
export type HazardTransition = z.infer<typeof HazardTransitionSchema>

/** `GET /api/hazards`. */
export const HazardListQuerySchema = z.object({
  status: enumList(HazardStatusSchema).optional(),
  category: enumList(HazardCategorySchema).optional(),
  severity: enumList(HazardSeveritySchema).optional(),
  source: enumList(HazardSourceSchema).optional(),
  area: AreaCodeSchema.optional(),
  overdue: QueryBoolSchema.optional(),
  bbox: BboxSchema.optional(),
  limit: ListLimitSchema,
  cursor: IdCursorSchema.optional(),
})
export type HazardListQuery = z.infer<typeof HazardListQuerySchema>

/** `{id}` in hazard URLs: the numeric id or the source's hazard_id. */
export const HazardParamsSchema = z.object({ id: z.string().trim().min(1).max(200) })

/** One step of a hazard's or a task's history. */
export const HistoryEventSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.enum(['created', 'transition', 'edited', 'imported']),
  from: z.string().nullable(),
  to: z.string().nullable(),
  comment: z.string().nullable(),
  /** Edited fields: `{ field: { from, to } }`. */
  changes: z.record(z.string(), z.unknown()),
})
export type HistoryEvent = z.infer<typeof HistoryEventSchema>

export const HazardPropertiesSchema = z.object({
  id: z.number().int(),
  hazardId: z.string(),
  source: HazardSourceSchema,
  sourceName: z.string(),
  category: HazardCategorySchema,
  categoryName: z.string(),
  severity: HazardSeveritySchema,
  severityName: z.string(),
  status: HazardStatusSchema,
  statusName: z.string(),
  overdue: z.boolean(),
  description: z.string(),
  placeName: z.string().nullable(),
  responsibleParty: z.string().nullable(),
  dueDate: z.string().nullable(),
  reportedAt: z.string(),
  attachments: z.array(AttachmentSchema),
  address: z.string().nullable(),
  geocodeLevel: z.string().nullable(),
  geocodeScore: z.number().nullable(),
  /** The point only stands for the road, village or town the address named. */
  approximate: z.boolean(),
  /** It came with a point outside the district, which was not used (server/geocode/place.ts). */
  outsideDistrict: z.boolean(),
  townCode: z.string().nullable(),
  villageCode: z.string().nullable(),
  gridCode: z.string().nullable(),
  microgridCode: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
})
export type HazardProperties = z.infer<typeof HazardPropertiesSchema>

/** A hazard as an RFC 7946 Feature (null geometry when it could not be placed). */
export const HazardFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.number().int(),
  geometry: PointGeometrySchema.nullable(),
  properties: HazardPropertiesSchema,
})
export type HazardFeature = z.infer<typeof HazardFeatureSchema>

/**
 * `GET /api/hazards/{id}`: the feature with its history, its tasks, and the attachments stored
 * here with the event each came with (`properties.attachments` are the references as given).
 */
export const HazardDetailSchema = HazardFeatureSchema.extend({
  history: z.array(HistoryEventSchema),
  attachments: z.array(LinkedAttachmentSchema),
  tasks: z.array(z.object({ id: z.number().int(), title: z.string(), status: z.string(), dueDate: z.string(), overdue: z.boolean() })),
})
export type HazardDetail = z.infer<typeof HazardDetailSchema>

/** `GET /api/hazards`: newest first; `next` is the cursor of the following page. */
export const HazardPageSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(HazardFeatureSchema),
  next: z.string().nullable(),
})
export type HazardPage = z.infer<typeof HazardPageSchema>

/** One overdue hazard, for the warning models (`overdueHazards`). */
export const OverdueHazardSchema = z.object({
  id: z.number().int(),
  hazardId: z.string(),
  category: HazardCategorySchema,
  severity: HazardSeveritySchema,
  status: HazardStatusSchema,
  dueDate: z.string(),
  daysOverdue: z.number().int(),
  responsibleParty: z.string().nullable(),
  townCode: z.string().nullable(),
  villageCode: z.string().nullable(),
  gridCode: z.string().nullable(),
  microgridCode: z.string().nullable(),
  h3r9: z.string().nullable(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
})
export type OverdueHazard = z.infer<typeof OverdueHazardSchema>
