/**
 * Disputes and mediation (矛盾纠纷): the CSV line (parties in columns party1_… party4_, steps as a
 * JSON list in one cell), the API's queries, bodies and answers, as zod schemas. Catalogue values
 * are accepted as code or Chinese name. Parties' names and phones are stored sealed; answers
 * carry the masked forms unless a `pii` caller asks to reveal them.
 */
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { codeOrName, TimeInputSchema } from '../hazards/schema.ts'
import { aliasedCode, splitCell } from '../organisations/schema.ts'
import { absent, BOTH_OR_NEITHER, bothOrNeither, optionalText, PLACED_CSV_COLUMNS, PLACED_CSV_FIELDS } from '../shared/csv-fields.ts'
import {
  DayInputSchema,
  enumList,
  FROM_BEFORE_TO,
  fromBeforeTo,
  IdCursorSchema,
  ListLimitSchema,
  QueryBoolSchema,
} from '../shared/list-query.ts'
import { featurePageSchema, NumberMatchedSchema, PLACED_PROPERTIES, pointFeatureSchema } from '../shared/placed.ts'
import {
  DISPUTE_ACTION_NAMES,
  DISPUTE_LEVEL_NAMES,
  DISPUTE_STATUS_NAMES,
  DisputeActionSchema,
  DisputeLevelSchema,
  DisputeStatusSchema,
  FINAL_DISPUTE_STATUSES,
} from './states.ts'

export const DisputeTypeSchema = z.enum([
  'neighbour',
  'family',
  'marriage',
  'property',
  'labour',
  'land',
  'debt',
  'consumer',
  'traffic',
  'other',
])
export type DisputeType = z.infer<typeof DisputeTypeSchema>
export const DISPUTE_TYPE_NAMES: Readonly<Record<DisputeType, string>> = {
  neighbour: '邻里',
  family: '家庭',
  marriage: '婚姻',
  property: '物业',
  labour: '劳资',
  land: '土地',
  debt: '债务',
  consumer: '消费',
  traffic: '交通',
  other: '其他',
}

export const PartyRoleSchema = z.enum(['applicant', 'respondent', 'other'])
export type PartyRole = z.infer<typeof PartyRoleSchema>
export const PARTY_ROLE_NAMES: Readonly<Record<PartyRole, string>> = { applicant: '申请人', respondent: '被申请人', other: '其他' }

/** Parties per CSV line: columns party1_id … party4_phone. */
export const MAX_CSV_PARTIES = 4

const level = aliasedCode(DisputeLevelSchema, DISPUTE_LEVEL_NAMES, {
  村级: 'village',
  镇级: 'town',
  镇街: 'town',
  区级: 'district',
  线上: 'odr',
  odr: 'odr',
})
const status = aliasedCode(DisputeStatusSchema, DISPUTE_STATUS_NAMES, {
  已受理: 'open',
  成功: 'resolved',
  失败: 'failed',
  已撤回: 'withdrawn',
})
const type = aliasedCode(DisputeTypeSchema, DISPUTE_TYPE_NAMES, { 邻里纠纷: 'neighbour', 家庭纠纷: 'family', 婚姻家庭: 'marriage' })
const action = codeOrName(DisputeActionSchema, DISPUTE_ACTION_NAMES)
const yesNo = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return absent(v)
    const s = v.trim().toLowerCase()
    if (s === '') return undefined
    if (['是', '已确认', 'y', 'yes', 'true', '1'].includes(s)) return true
    if (['否', '未确认', 'n', 'no', 'false', '0'].includes(s)) return false
    return s
  },
  z.boolean({ error: 'yes or no (是/否, true/false, 1/0)' }).default(false),
)

/** One imported mediation step (a JSON object in the `steps` cell). */
export const DisputeStepCsvSchema = z.object({
  at: TimeInputSchema,
  level,
  action,
  note: z.preprocess(absent, z.string().trim().max(2000).optional()),
})
export type DisputeStepCsv = z.infer<typeof DisputeStepCsvSchema>

const stepsCell = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return absent(v) ?? []
    if (v.trim() === '') return []
    try {
      return JSON.parse(v) as unknown
    } catch {
      return 'not JSON'
    }
  },
  z.array(DisputeStepCsvSchema, { error: 'a JSON list of steps: [{"at": …, "level": …, "action": …, "note": …}]' }).max(100),
)

const partyColumns = Object.fromEntries(
  Array.from({ length: MAX_CSV_PARTIES }, (_, i) => i + 1).flatMap((n) => [
    [`party${n}_id`, optionalText(64)],
    [
      `party${n}_role`,
      z.preprocess(absent, aliasedCode(PartyRoleSchema, PARTY_ROLE_NAMES, { 被申请方: 'respondent', 申请方: 'applicant' }).optional()),
    ],
    [`party${n}_name`, optionalText(50)],
    [
      `party${n}_phone`,
      z.preprocess(
        absent,
        z
          .string()
          .trim()
          .regex(/^[0-9+\- ]{5,20}$/, 'a phone number')
          .optional(),
      ),
    ],
  ]),
) as Record<string, z.ZodType<string | undefined>>

/** A party of a case as a CSV line gives it. */
export interface DisputeCsvParty {
  party_id: string
  role: PartyRole
  name: string | null
  phone: string | null
}

/**
 * One line of a disputes CSV. Parties: up to four column groups `partyN_id, partyN_role,
 * partyN_name, partyN_phone` (a group with a name or phone needs an id; the role defaults to
 * applicant for the first, respondent for the others). Steps: a JSON list in `steps`. A final
 * status needs `outcome_at`; `judicial_confirmation` only for a resolved case.
 */
export const DisputeCsvRowSchema = z
  .object({
    case_id: z.string().trim().min(1, 'must not be empty').max(64, 'at most 64 characters'),
    type,
    summary: optionalText(4000),
    reported_at: TimeInputSchema,
    level,
    status: z.preprocess(absent, status.default('open')),
    outcome_at: z.preprocess(absent, TimeInputSchema.optional()),
    judicial_confirmation: yesNo,
    incident_ids: z.preprocess((v) => (typeof v === 'string' ? splitCell(v) : (absent(v) ?? [])), z.array(z.string().max(64)).max(50)),
    steps: stepsCell,
    ...partyColumns,
    ...PLACED_CSV_FIELDS,
  })
  .refine(bothOrNeither, BOTH_OR_NEITHER)
  .refine((v) => FINAL_DISPUTE_STATUSES.includes(v.status) === (v.outcome_at !== undefined), {
    message: 'outcome_at is given exactly when the status is resolved, failed or withdrawn',
    path: ['outcome_at'],
  })
  .refine((v) => !v.judicial_confirmation || v.status === 'resolved', {
    message: 'only a resolved case has a judicial confirmation',
    path: ['judicial_confirmation'],
  })
  .refine((v) => v.outcome_at === undefined || v.outcome_at >= v.reported_at, { message: 'before reported_at', path: ['outcome_at'] })
  .superRefine((v, ctx) => {
    const raw = v as Record<string, unknown>
    const ids = new Set<string>()
    for (let n = 1; n <= MAX_CSV_PARTIES; n++) {
      const id = raw[`party${n}_id`] as string | undefined
      if (id === undefined) {
        if (raw[`party${n}_name`] !== undefined || raw[`party${n}_phone`] !== undefined)
          ctx.addIssue({ code: 'custom', message: 'a party with a name or phone needs an id', path: [`party${n}_id`] })
        continue
      }
      if (ids.has(id)) ctx.addIssue({ code: 'custom', message: `party ${id} given twice`, path: [`party${n}_id`] })
      ids.add(id)
    }
  })
export type DisputeCsvRow = z.infer<typeof DisputeCsvRowSchema>

/**
 * The parties of a CSV line, in column order.
 * @example csvParties({ party1_id: 'P1', party1_name: '张三' })[0] // { party_id: 'P1', role: 'applicant', name: '张三', phone: null }
 */
export function csvParties(row: Record<string, unknown>): DisputeCsvParty[] {
  const out: DisputeCsvParty[] = []
  for (let n = 1; n <= MAX_CSV_PARTIES; n++) {
    const id = row[`party${n}_id`] as string | undefined
    if (!id) continue
    out.push({
      party_id: id,
      role: (row[`party${n}_role`] as PartyRole | undefined) ?? (n === 1 ? 'applicant' : 'respondent'),
      name: (row[`party${n}_name`] as string | undefined) ?? null,
      phone: (row[`party${n}_phone`] as string | undefined) ?? null,
    })
  }
  return out
}

/**
 * "The same parties again" as one value: the sorted party ids joined by '|', null without parties.
 * @example partyKey(['P9', 'P10']) // 'P10|P9'
 */
export function partyKey(ids: readonly string[]): string | null {
  return ids.length === 0 ? null : [...new Set(ids)].sort().join('|')
}

export const DISPUTE_REQUIRED_COLUMNS = ['case_id', 'type', 'reported_at', 'level'] as const
export const DISPUTE_OPTIONAL_COLUMNS = [
  'summary',
  'status',
  'outcome_at',
  'judicial_confirmation',
  'incident_ids',
  'steps',
  ...Array.from({ length: MAX_CSV_PARTIES }, (_, i) => i + 1).flatMap((n) => [
    `party${n}_id`,
    `party${n}_role`,
    `party${n}_name`,
    `party${n}_phone`,
  ]),
  ...PLACED_CSV_COLUMNS,
] as const

/** `GET /api/disputes`: `from`/`to` are days (Shanghai) of reported_at, `to` exclusive. */
export const DisputeListQuerySchema = z
  .object({
    area: AreaCodeSchema.optional(),
    type: enumList(DisputeTypeSchema).optional(),
    level: enumList(DisputeLevelSchema).optional(),
    status: enumList(DisputeStatusSchema).optional(),
    from: DayInputSchema.optional(),
    to: DayInputSchema.optional(),
    limit: ListLimitSchema,
    cursor: IdCursorSchema.optional(),
  })
  .refine(fromBeforeTo, FROM_BEFORE_TO)
export type DisputeListQuery = z.infer<typeof DisputeListQuerySchema>

/** `{id}` in dispute URLs: the numeric id or the source's case_id. */
export const DisputeParamsSchema = z.object({ id: z.string().trim().min(1).max(200) })

/** `GET /api/disputes/{id}?reveal=true`: parties unmasked (callers with `pii`; recorded). */
export const DisputeRevealQuerySchema = z.object({ reveal: QueryBoolSchema.optional() })

/** `POST /api/disputes/{id}/steps`: one mediation step (`registered` comes only with the case). */
export const DisputeStepBodySchema = z.object({
  at: TimeInputSchema,
  level: codeOrName(DisputeLevelSchema, DISPUTE_LEVEL_NAMES),
  action: codeOrName(DisputeActionSchema.exclude(['registered']), {
    mediation: DISPUTE_ACTION_NAMES.mediation,
    escalated: DISPUTE_ACTION_NAMES.escalated,
    agreement: DISPUTE_ACTION_NAMES.agreement,
    failed: DISPUTE_ACTION_NAMES.failed,
    judicial_confirmation: DISPUTE_ACTION_NAMES.judicial_confirmation,
    withdrawn: DISPUTE_ACTION_NAMES.withdrawn,
    note: DISPUTE_ACTION_NAMES.note,
  }),
  note: z.preprocess(absent, z.string().trim().max(2000, 'at most 2000 characters').optional()),
})
export type DisputeStepBody = z.infer<typeof DisputeStepBodySchema>

export const DisputePropertiesSchema = z.object({
  id: z.number().int(),
  caseId: z.string(),
  type: DisputeTypeSchema,
  typeName: z.string(),
  /** Masked (maskPii) for callers without `pii`. */
  summary: z.string().nullable(),
  reportedAt: z.string(),
  level: DisputeLevelSchema,
  levelName: z.string(),
  status: DisputeStatusSchema,
  statusName: z.string(),
  outcomeAt: z.string().nullable(),
  judicialConfirmation: z.boolean(),
  incidentIds: z.array(z.string()),
  parties: z.number().int(),
  ...PLACED_PROPERTIES,
  updatedAt: z.string(),
})
export type DisputeProperties = z.infer<typeof DisputePropertiesSchema>

export const DisputeFeatureSchema = pointFeatureSchema(DisputePropertiesSchema)
export type DisputeFeature = z.infer<typeof DisputeFeatureSchema>

export const DisputePageSchema = featurePageSchema(DisputeFeatureSchema).extend({ numberMatched: NumberMatchedSchema })
export type DisputePage = z.infer<typeof DisputePageSchema>

export const DisputePartySchema = z.object({
  partyId: z.string(),
  role: PartyRoleSchema,
  roleName: z.string(),
  /** Masked unless revealed. */
  name: z.string().nullable(),
  phone: z.string().nullable(),
})
export type DisputeParty = z.infer<typeof DisputePartySchema>

export const DisputeStepSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  level: DisputeLevelSchema,
  action: DisputeActionSchema,
  actionName: z.string(),
  note: z.string().nullable(),
  actor: z.string(),
})
export type DisputeStep = z.infer<typeof DisputeStepSchema>

/** `GET /api/disputes/{id}`: the case with its parties, its steps (oldest first) and the linked incidents the caller can see. */
export const DisputeDetailSchema = DisputeFeatureSchema.extend({
  parties: z.array(DisputePartySchema),
  steps: z.array(DisputeStepSchema),
  incidents: z.array(z.object({ id: z.number().int(), incidentId: z.string(), reportedAt: z.string(), category: z.string() })),
})
export type DisputeDetail = z.infer<typeof DisputeDetailSchema>
