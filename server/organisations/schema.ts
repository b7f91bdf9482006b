/**
 * Organisations (企业, 沿街商铺, 场所) and their self-check duty (企业自查): the CSV line, the API's
 * queries, bodies and answers, as zod schemas. Catalogue values are accepted as code or Chinese
 * name, so a file exported from a Chinese system imports as it is. Responsible persons' names and
 * phones are stored sealed (server/auth/sealed.ts); answers carry the masked forms.
 */
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { AttachmentsSchema, codeOrName, HAZARD_CATEGORY_NAMES, HazardCategorySchema, TimeInputSchema } from '../hazards/schema.ts'
import { absent, BOTH_OR_NEITHER, bothOrNeither, optionalText, PLACED_CSV_COLUMNS, PLACED_CSV_FIELDS } from '../shared/csv-fields.ts'
import { enumList, IdCursorSchema, ListLimitSchema, QueryBoolSchema } from '../shared/list-query.ts'
import { featurePageSchema, PLACED_PROPERTIES, pointFeatureSchema } from '../shared/placed.ts'

export const OrganisationTypeSchema = z.enum(['enterprise', 'shop', 'venue'])
export type OrganisationType = z.infer<typeof OrganisationTypeSchema>
export const ORGANISATION_TYPE_NAMES: Readonly<Record<OrganisationType, string>> = {
  enterprise: '企业',
  shop: '商铺',
  venue: '场所',
}

export const RiskCategorySchema = z.enum([
  'catering',
  'gas',
  'hazardous_chemicals',
  'rental',
  'ebike_charging',
  'crowded_venue',
  'production',
  'warehouse',
  'other',
])
export type RiskCategory = z.infer<typeof RiskCategorySchema>
export const RISK_CATEGORY_NAMES: Readonly<Record<RiskCategory, string>> = {
  catering: '餐饮',
  gas: '燃气',
  hazardous_chemicals: '危化',
  rental: '出租房',
  ebike_charging: '电动车充电',
  crowded_venue: '人员密集',
  production: '生产',
  warehouse: '仓储',
  other: '其他',
}

export const OrganisationStatusSchema = z.enum(['active', 'closed'])
export type OrganisationStatus = z.infer<typeof OrganisationStatusSchema>
export const ORGANISATION_STATUS_NAMES: Readonly<Record<OrganisationStatus, string>> = { active: '在营', closed: '已关闭' }

/** How an organisation stands with its self-check duty at a day. */
export const SelfCheckStateSchema = z.enum(['overdue', 'due', 'ok'])
export type SelfCheckState = z.infer<typeof SelfCheckStateSchema>

/** Days before the due day from which a self-check counts as `due`. */
export const SELF_CHECK_DUE_SOON_DAYS = 7

/**
 * A catalogue value given as its code, its Chinese name or one of its aliases (沿街商铺 for 商铺).
 * @example aliasedCode(OrganisationTypeSchema, ORGANISATION_TYPE_NAMES, { 沿街商铺: 'shop' }).parse('沿街商铺') // 'shop'
 */
export function aliasedCode<C extends string>(
  schema: z.ZodEnum<{ [K in C]: K }>,
  names: Readonly<Record<C, string>>,
  aliases: Readonly<Record<string, C>> = {},
) {
  return z.preprocess((v) => (typeof v === 'string' ? (aliases[v.trim()] ?? v) : v), codeOrName(schema, names))
}

/**
 * A list in one CSV cell: `;` (also `；`, `、`, `|`) separated, blanks dropped.
 * @example splitCell('餐饮; 燃气；') // ['餐饮', '燃气']
 */
export function splitCell(v: string): string[] {
  return v
    .split(/[;；、|]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

const riskList = z.preprocess(
  (v) => (typeof v === 'string' ? splitCell(v) : (absent(v) ?? [])),
  z
    .array(aliasedCode(RiskCategorySchema, RISK_CATEGORY_NAMES, { 电动自行车充电: 'ebike_charging', 危险化学品: 'hazardous_chemicals' }))
    .max(9),
)

/**
 * One line of an organisations CSV. `self_check_every_days` and `self_check_checklist` (a hazard
 * category of server/hazards/checklists.ts, code or name) come together: the duty, or none.
 */
export const OrganisationCsvRowSchema = z
  .object({
    org_id: z.string().trim().min(1, 'must not be empty').max(64, 'at most 64 characters'),
    name: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
    type: aliasedCode(OrganisationTypeSchema, ORGANISATION_TYPE_NAMES, { 沿街商铺: 'shop', 店铺: 'shop', 单位: 'enterprise' }),
    risk_categories: riskList,
    status: z.preprocess(
      absent,
      aliasedCode(OrganisationStatusSchema, ORGANISATION_STATUS_NAMES, { 正常: 'active', 注销: 'closed' }).default('active'),
    ),
    responsible_name: optionalText(50),
    responsible_phone: z.preprocess(
      absent,
      z
        .string()
        .trim()
        .regex(/^[0-9+\- ]{5,20}$/, 'a phone number')
        .optional(),
    ),
    self_check_every_days: z.preprocess(absent, z.coerce.number().int('a whole number of days').min(1).max(366).optional()),
    self_check_checklist: z.preprocess(absent, codeOrName(HazardCategorySchema, HAZARD_CATEGORY_NAMES).optional()),
    ...PLACED_CSV_FIELDS,
  })
  .refine(bothOrNeither, BOTH_OR_NEITHER)
  .refine((v) => (v.self_check_every_days === undefined) === (v.self_check_checklist === undefined), {
    message: 'give self_check_every_days and self_check_checklist together, or neither',
    path: ['self_check_checklist'],
  })
export type OrganisationCsvRow = z.infer<typeof OrganisationCsvRowSchema>

export const ORGANISATION_REQUIRED_COLUMNS = ['org_id', 'name', 'type'] as const
export const ORGANISATION_OPTIONAL_COLUMNS = [
  'risk_categories',
  'status',
  'responsible_name',
  'responsible_phone',
  'self_check_every_days',
  'self_check_checklist',
  ...PLACED_CSV_COLUMNS,
] as const

/** `GET /api/organisations`: `q` finds organisations whose name contains it (the desk's self-check picker). */
export const OrganisationListQuerySchema = z.object({
  q: z.string().trim().min(1, 'must not be empty').max(50, 'at most 50 characters').optional(),
  area: AreaCodeSchema.optional(),
  type: enumList(OrganisationTypeSchema).optional(),
  risk: enumList(RiskCategorySchema).optional(),
  selfCheck: SelfCheckStateSchema.optional(),
  limit: ListLimitSchema,
  cursor: IdCursorSchema.optional(),
})
export type OrganisationListQuery = z.infer<typeof OrganisationListQuerySchema>

/** `{id}` in organisation URLs: the numeric id or the source's org_id. */
export const OrganisationParamsSchema = z.object({ id: z.string().trim().min(1).max(200) })

/** `GET /api/organisations/{id}?reveal=true`: the responsible person unmasked (callers with `pii`; recorded). */
export const RevealQuerySchema = z.object({ reveal: QueryBoolSchema.optional() })

/** One checked item of a self-check: its id in the checklist, passed or not, a note and photos. */
export const SelfCheckResultSchema = z.object({
  item: z.string().trim().min(1, 'must not be empty').max(20),
  ok: z.boolean(),
  note: z.preprocess(absent, z.string().trim().max(2000, 'at most 2000 characters').optional()),
  photos: z.preprocess(absent, AttachmentsSchema.optional()),
})
export type SelfCheckResult = z.infer<typeof SelfCheckResultSchema>

/**
 * `POST /api/organisations/{id}/self-checks`: one self-check. `checklist` defaults to the
 * organisation's own; each item must be on it, once. Re-sent with the same `checkedAt`, it is
 * the same check (nothing new is registered).
 */
export const SelfCheckBodySchema = z
  .object({
    checkedAt: TimeInputSchema,
    checklist: z.preprocess(absent, codeOrName(HazardCategorySchema, HAZARD_CATEGORY_NAMES).optional()),
    results: z.array(SelfCheckResultSchema).min(1, 'give at least one item').max(100),
  })
  .refine((v) => new Set(v.results.map((r) => r.item)).size === v.results.length, {
    message: 'each item at most once',
    path: ['results'],
  })
export type SelfCheckBody = z.infer<typeof SelfCheckBodySchema>

export const OrganisationPropertiesSchema = z.object({
  id: z.number().int(),
  orgId: z.string(),
  name: z.string(),
  type: OrganisationTypeSchema,
  typeName: z.string(),
  riskCategories: z.array(RiskCategorySchema),
  status: OrganisationStatusSchema,
  /** Masked (`王**`) unless revealed on the detail route. */
  responsibleName: z.string().nullable(),
  responsiblePhone: z.string().nullable(),
  selfCheckEveryDays: z.number().int().nullable(),
  selfCheckChecklist: HazardCategorySchema.nullable(),
  lastSelfCheck: z.string().nullable(),
  /** The day the next self-check is due (Shanghai), null without a duty. */
  nextSelfCheckDue: z.string().nullable(),
  /** Days past the due day (0 when not overdue), null without a duty. */
  daysOverdue: z.number().int().nullable(),
  selfCheckState: SelfCheckStateSchema.nullable(),
  ...PLACED_PROPERTIES,
  updatedAt: z.string(),
})
export type OrganisationProperties = z.infer<typeof OrganisationPropertiesSchema>

export const OrganisationFeatureSchema = pointFeatureSchema(OrganisationPropertiesSchema)
export type OrganisationFeature = z.infer<typeof OrganisationFeatureSchema>

export const OrganisationPageSchema = featurePageSchema(OrganisationFeatureSchema)
export type OrganisationPage = z.infer<typeof OrganisationPageSchema>

export const SelfCheckSchema = z.object({
  id: z.number().int(),
  checkedAt: z.string(),
  checklist: HazardCategorySchema,
  items: z.number().int(),
  failedItems: z.array(z.string()),
  hazardIds: z.array(z.string()),
  actor: z.string(),
})
export type SelfCheck = z.infer<typeof SelfCheckSchema>

/** `GET /api/organisations/{id}`: the feature, its self-checks (newest first), hazards and devices at it. */
export const OrganisationDetailSchema = OrganisationFeatureSchema.extend({
  selfChecks: z.array(SelfCheckSchema),
  hazards: z.array(
    z.object({
      id: z.number().int(),
      hazardId: z.string(),
      source: z.string(),
      category: z.string(),
      severity: z.string(),
      status: z.string(),
      reportedAt: z.string(),
    }),
  ),
  devices: z.array(z.object({ id: z.number().int(), deviceId: z.string(), kind: z.string(), status: z.string() })),
})
export type OrganisationDetail = z.infer<typeof OrganisationDetailSchema>

/** `POST /api/organisations/{id}/self-checks`: the check as stored, and whether this request stored it. */
export const SelfCheckAnswerSchema = z.object({
  created: z.boolean(),
  selfCheck: SelfCheckSchema,
  organisation: OrganisationDetailSchema,
})
export type SelfCheckAnswer = z.infer<typeof SelfCheckAnswerSchema>
