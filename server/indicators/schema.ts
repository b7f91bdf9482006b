/**
 * Indicators and rankings (双十条, 晾晒排名): the indicator catalogue, the scoring configuration and
 * the API's queries and answers, as zod schemas shared with the web app (types inferred here).
 */
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { CategoryRoleSchema } from '../categories/roles.ts'
import { QueryBoolSchema } from '../shared/list-query.ts'
import { MonthSchema } from './month.ts'

/** The levels ranked: towns (乡镇街道) against towns, villages (村社) against all villages. */
export const RankLevelSchema = z.enum(['town', 'village'])
export type RankLevel = z.infer<typeof RankLevelSchema>

export const INDICATOR_IDS = [
  'incidents_per_10k',
  'traffic_casualties_per_10k',
  'fires_per_10k',
  'frauds_per_10k',
  'incidents_yoy_pct',
  'public_order_per_10k',
  'traffic_per_10k',
  'fire_per_10k',
  'disputes_per_10k',
  'fraud_per_10k',
  'production_safety_per_10k',
  'task_closeout_rate',
  'task_ontime_rate',
  'warning_response_hours',
  // 双十条 (server/indicators/double-ten.ts): computed from the full information view…
  'patrol_coverage_rate',
  'dispute_resolution_rate',
  'migrant_registration_rate',
  'hazard_rectification_rate',
  'self_check_ontime_rate',
  // …and assessed by people (table indicator_assessments): result indicators by district departments…
  'irregular_petitions',
  'villager_offences',
  'mass_incidents',
  'drug_cases',
  'major_disputes',
  // …process indicators by the towns themselves.
  'offender_support_rate',
  'village_rules_score',
  'key_person_control_rate',
  'publicity_score',
] as const
export const IndicatorIdSchema = z.enum(INDICATOR_IDS)
export type IndicatorId = z.infer<typeof IndicatorIdSchema>

export const DirectionSchema = z.enum(['lower_better', 'higher_better'])
export type Direction = z.infer<typeof DirectionSchema>

/** One indicator of the catalogue (server/indicators/definitions.ts). */
export const IndicatorDefinitionSchema = z.object({
  id: IndicatorIdSchema,
  kind: z.enum(['result', 'process']),
  nameZh: z.string(),
  nameEn: z.string(),
  unit: z.string(),
  /** Which way is better when the config does not say. */
  direction: DirectionSchema,
  /** Category item codes counted (incident indicators only; [] when not configured). */
  items: z.array(z.string()),
  /** The category role counted (server/categories/roles.ts); null: every item, or not an incident indicator. */
  role: CategoryRoleSchema.nullable(),
  /** False when its role is bound to no category of the district: no value is computed. */
  configured: z.boolean(),
  /** Why it is not configured (naming the role); null when it is. */
  reason: z.string().nullable(),
  /** How it is computed, in plain words (and what stands in for data we do not have). */
  note: z.string(),
  /** `computed` from the data, or `entered` by people (POST /api/indicators/assessments). */
  source: z.enum(['computed', 'entered']),
  /** Its place among the 双十条 (ten result, ten process indicators), with its 双十条 name; null: not one of them. */
  doubleTen: z.object({ kind: z.enum(['result', 'process']), nameZh: z.string() }).nullable(),
})
export type IndicatorDefinition = z.infer<typeof IndicatorDefinitionSchema>

/** An indicator's value for one area and window, with the counts behind it. */
export const IndicatorValueSchema = z.object({
  /** The indicator (a rate per 10,000 residents, a percentage or hours); null when undefined (no population, no base). */
  value: z.number().nullable(),
  /** The count behind it: incidents; tasks closed (on time); warnings answered. */
  n: z.number().int().nullable(),
  /** The base of a share: tasks due; warnings raised; incidents a year earlier. */
  base: z.number().int().nullable(),
  /** The value over the comparison window (the previous month, the same number of days). */
  previous: z.number().nullable(),
  /** value − previous, null when either is. */
  change: z.number().nullable(),
})
export type IndicatorValue = z.infer<typeof IndicatorValueSchema>

export const PeriodSchema = z.object({ from: z.string(), to: z.string() })

export const AreaIndicatorsSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: RankLevelSchema,
  parentCode: z.string().nullable(),
  population: z.number().int().nullable(),
  indicators: z.record(IndicatorIdSchema, IndicatorValueSchema),
})
export type AreaIndicators = z.infer<typeof AreaIndicatorsSchema>

/** `GET /api/indicators`. */
export const IndicatorsResponseSchema = z.object({
  level: RankLevelSchema,
  month: MonthSchema,
  /** The days counted ([from, to)); the current month counts up to and including today. */
  period: PeriodSchema,
  previousPeriod: PeriodSchema,
  yearEarlierPeriod: PeriodSchema,
  /** When task and warning state was judged (the month's end, or now for the current month). */
  asOf: z.string(),
  complete: z.boolean(),
  definitions: z.array(IndicatorDefinitionSchema),
  areas: z.array(AreaIndicatorsSchema),
})
export type IndicatorsResponse = z.infer<typeof IndicatorsResponseSchema>

export const IndicatorsQuerySchema = z.object({
  level: RankLevelSchema.default('town'),
  month: MonthSchema.optional(),
  /** Only areas of `level` that are this area or lie within it (a town: its villages). */
  area: AreaCodeSchema.optional(),
})

export const RankingsQuerySchema = z.object({
  level: RankLevelSchema.default('town'),
  month: MonthSchema.optional(),
  /** Recompute a past month's snapshot from the current data. */
  refresh: QueryBoolSchema.default(false),
})

const Share = z.number().min(0, 'at least 0').max(1, 'at most 1')
const Score = z.number().min(0, 'at least 0').max(100, 'at most 100')

/** One indicator's part in the score. */
export const WeightSchema = z.strictObject({
  id: IndicatorIdSchema,
  weight: z.number().min(0, 'at least 0').max(100, 'at most 100'),
  /** Default: the catalogue's direction. */
  direction: DirectionSchema.optional(),
})

/**
 * The scoring configuration (GET/PUT /api/rankings/config). Each indicator scores an area 0–100
 * by its percentile among the level's areas (100 = best, ties share); the score is the weighted
 * mean of those (an area without a value for an indicator is scored on the others; an indicator
 * that is not configured — its category role unbound — weighs nothing for anyone). Colours:
 * - red (红榜, commended): among the best `topShare` of areas and scoring at least `minScore`;
 * - black (黑榜, named for rectification): among the worst `bottomShare`, or scoring under `maxScore`;
 * - yellow (黄榜, warned): not black, among the worst `bottomShare`, or scoring under `maxScore`;
 * - everyone else is on no list (colour null). Black is checked first, then yellow, then red.
 */
export const RankingConfigSchema = z
  .strictObject({
    indicators: z
      .array(WeightSchema)
      .min(1, 'at least one indicator')
      .superRefine((list, ctx) => {
        const seen = new Set<string>()
        list.forEach((w, i) => {
          if (seen.has(w.id)) ctx.addIssue({ code: 'custom', message: `${w.id} is listed twice`, path: [i, 'id'] })
          seen.add(w.id)
        })
        if (!list.some((w) => w.weight > 0))
          ctx.addIssue({ code: 'custom', message: 'at least one weight must be above 0', path: [0, 'weight'] })
      }),
    colours: z.strictObject({
      red: z.strictObject({ topShare: Share, minScore: Score }),
      yellow: z.strictObject({ bottomShare: Share, maxScore: Score }),
      black: z.strictObject({ bottomShare: Share, maxScore: Score }),
    }),
    /**
     * Rank statistics-only units (开发区, 农场, 围垦区…) with the towns. Default false: they are
     * listed apart (`apart`), with their values and no rank, since they have no town government to
     * commend or warn, and few residents to make their rates mean anything.
     */
    includeStatisticsOnly: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    const { red, yellow, black } = c.colours
    if (black.bottomShare > yellow.bottomShare) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not exceed colours.yellow.bottomShare (black is the worst part of the yellow band)',
        path: ['colours', 'black', 'bottomShare'],
      })
    }
    if (black.maxScore > yellow.maxScore) {
      ctx.addIssue({ code: 'custom', message: 'must not exceed colours.yellow.maxScore', path: ['colours', 'black', 'maxScore'] })
    }
    if (red.minScore <= yellow.maxScore) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be above colours.yellow.maxScore (a commended area cannot also be warned)',
        path: ['colours', 'red', 'minScore'],
      })
    }
    if (red.topShare + yellow.bottomShare > 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'colours.red.topShare + colours.yellow.bottomShare must not exceed 1',
        path: ['colours', 'red', 'topShare'],
      })
    }
  })
export type RankingConfig = z.infer<typeof RankingConfigSchema>
export type RankingConfigInput = z.input<typeof RankingConfigSchema>

/** `GET/PUT /api/rankings/config`. */
export const RankingConfigResponseSchema = z.object({
  version: z.number().int(),
  config: RankingConfigSchema,
  updatedBy: z.string(),
  updatedAt: z.string(),
})
export type RankingConfigResponse = z.infer<typeof RankingConfigResponseSchema>

export const ColourSchema = z.enum(['red', 'yellow', 'black'])
export type Colour = z.infer<typeof ColourSchema>
export const COLOUR_NAMES: Readonly<Record<Colour, string>> = { red: '红榜', yellow: '黄榜', black: '黑榜' }

/** One indicator of the scoring configuration as the ranking used it. */
export const RankingIndicatorSchema = z.object({
  id: IndicatorIdSchema,
  weight: z.number(),
  /** Not configured: left out of every score (the other weights count as a whole). */
  configured: z.boolean(),
  reason: z.string().nullable(),
  /** The items it counted (a snapshot is reused only while these stay the same). */
  items: z.array(z.string()),
})
export type RankingIndicator = z.infer<typeof RankingIndicatorSchema>

/** One area in a ranking. */
export const RankedAreaSchema = z.object({
  code: z.string(),
  name: z.string(),
  parentCode: z.string().nullable(),
  /** 0–100, two decimals; null when the area has no value for any weighted indicator. */
  score: z.number().nullable(),
  /** 1 = best; equal scores share a rank (1, 2, 2, 4). */
  rank: z.number().int().nullable(),
  previousScore: z.number().nullable(),
  previousRank: z.number().int().nullable(),
  /**
   * previousRank − rank (positive = moved up), when the move is meaningful (server/indicators/steady.ts:
   * villages at least 3 places and 10 % of the list); else null.
   */
  rankChange: z.number().int().nullable(),
  /** previousRank − rank however small (for analysts). */
  rawRankChange: z.number().int().nullable(),
  /** A statistics-only unit (listed apart unless the config ranks them). */
  statisticsOnly: z.boolean(),
  scoreChange: z.number().nullable(),
  /** null: on no list this month. */
  colour: ColourSchema.nullable(),
  previousColour: ColourSchema.nullable(),
  /** The indicator values the score was made from (villages: shrunk rates, minimum bases; see `rule`). */
  values: z.record(IndicatorIdSchema, z.number().nullable()),
  /** The values as measured, before any shrinkage or minimum base. */
  rawValues: z.record(IndicatorIdSchema, z.number().nullable()),
  /** Each weighted indicator's 0–100 score (percentile, 100 = best). */
  parts: z.record(z.string(), z.number().nullable()),
})
export type RankedArea = z.infer<typeof RankedAreaSchema>

/** `GET /api/rankings`. */
export const RankingResponseSchema = z.object({
  level: RankLevelSchema,
  month: MonthSchema,
  period: PeriodSchema,
  complete: z.boolean(),
  /** How the answer was made: computed now for the current month (cached briefly), or a stored snapshot. */
  source: z.enum(['live', 'snapshot', 'computed']),
  computedAt: z.string(),
  configVersion: z.number().int(),
  /** The configured indicators' weights; an unconfigured one is listed with its reason and weighs nothing. */
  indicators: z.array(RankingIndicatorSchema),
  /** Over the whole ranked list (a scoped caller's `areas` hold their own rows; `total` is what their rank is out of). */
  counts: z.object({ red: z.number().int(), yellow: z.number().int(), black: z.number().int(), total: z.number().int() }),
  areas: z.array(RankedAreaSchema),
  /** Statistics-only units, unranked (empty when the config ranks them with the towns). */
  apart: z.array(RankedAreaSchema),
  /** How values and rank changes were steadied, in words (server/indicators/steady.ts). */
  rule: z.string(),
  /**
   * The entered assessments the ranking read (how many, the newest id): a stored month is
   * recomputed when one is entered later, as assessments of a month are made after it ends.
   */
  assessments: z.string(),
  /** The ranking method's version: a snapshot made by another is recomputed. */
  method: z.number().int(),
})
export type RankingResponse = z.infer<typeof RankingResponseSchema>

/** The indicators people enter (assessments), not computed from the data. */
export const ENTERED_IDS = [
  'irregular_petitions',
  'villager_offences',
  'mass_incidents',
  'drug_cases',
  'major_disputes',
  'offender_support_rate',
  'village_rules_score',
  'key_person_control_rate',
  'publicity_score',
] as const satisfies readonly IndicatorId[]
export const EnteredIdSchema = z.enum(ENTERED_IDS, {
  error: (i) => `${JSON.stringify(i.input)} is not an entered indicator (entered: ${ENTERED_IDS.join(', ')})`,
})
export type EnteredId = z.infer<typeof EnteredIdSchema>

/** `POST /api/indicators/assessments`: one assessment of an area for a month (the latest entry wins). */
export const AssessmentCreateSchema = z.strictObject({
  indicator: EnteredIdSchema,
  /** A town or village code in the caller's scope. */
  area: AreaCodeSchema,
  month: MonthSchema,
  /** In the indicator's unit: a count (起, 人) or 0–100 (%, 分), checked against it. */
  value: z.number().finite().min(0, 'at least 0').max(1_000_000, 'at most 1000000'),
  comment: z.string().trim().max(2000, 'at most 2000 characters').nullable().default(null),
})
export type AssessmentCreate = z.infer<typeof AssessmentCreateSchema>

/** One entry: the value, who entered it and when. */
export const AssessmentEntrySchema = z.object({
  id: z.number().int(),
  value: z.number(),
  comment: z.string().nullable(),
  enteredBy: z.string(),
  enteredAt: z.string(),
})
export type AssessmentEntry = z.infer<typeof AssessmentEntrySchema>

/** An indicator's assessment of an area for a month: the latest entry, the earlier ones as history (newest first). */
export const AssessmentSchema = AssessmentEntrySchema.extend({
  indicator: EnteredIdSchema,
  area: z.string(),
  areaName: z.string(),
  month: MonthSchema,
  history: z.array(AssessmentEntrySchema),
})
export type Assessment = z.infer<typeof AssessmentSchema>

export const AssessmentsQuerySchema = z.object({
  /** Default: the current month. */
  month: MonthSchema.optional(),
  /** This area and the areas within it (a town: its villages). */
  area: AreaCodeSchema.optional(),
  indicator: EnteredIdSchema.optional(),
})

/** `GET /api/indicators/assessments`. */
export const AssessmentsResponseSchema = z.object({ month: MonthSchema, assessments: z.array(AssessmentSchema) })
export type AssessmentsResponse = z.infer<typeof AssessmentsResponseSchema>
