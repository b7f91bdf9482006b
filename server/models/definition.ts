/**
 * Warning model definitions: the zod schemas are the single source of truth for what a model is
 * (types inferred here, exported for the web app). A definition is declarative — which incident
 * categories, which spatial unit, which window and baseline, which parameters, which thresholds
 * make a red / orange / yellow warning, how many reds one run may raise, how often it runs — and
 * one `kind` says which detector (server/models/kinds/*) reads it. Thresholds are checked for
 * order (red the strictest), so a definition that could never raise red before yellow is a 400,
 * not a silent surprise.
 *
 * What a model counts is named by category roles (`roles`, server/categories/roles.ts), which
 * each district binds to its own codes: the built-ins use roles only. Explicit catalogue codes
 * (`categories`) are still accepted — definitions stored before roles have them, and a district
 * may write its own — but not both in one definition. A model whose roles are unbound is "not
 * configured" (server/models/roles.ts): it is not run and raises nothing.
 */
import { z } from 'zod'

import { EMERGING_KINDS, EmergingParamsSchema } from '../analytics/index.ts'
import { CATEGORY_ROLES, CategoryRoleSchema } from '../categories/roles.ts'
import { CategoryCodeSchema } from '../categories/schema.ts'

export const LevelSchema = z.enum(['red', 'orange', 'yellow'])
export type Level = z.infer<typeof LevelSchema>
export const LEVEL_NAMES: Readonly<Record<Level, string>> = { red: '红色', orange: '橙色', yellow: '黄色' }
/** Most severe first. */
export const LEVELS: readonly Level[] = ['red', 'orange', 'yellow']

export const ModelKindSchema = z.enum([
  'surge',
  'hotspot',
  'emerging',
  'repeat_address',
  'near_repeat',
  'concentration',
  'dispute_escalation',
  'overdue',
  'group_rental',
  'registration_gap',
  'dispute_recurrence',
  'key_person_incident',
  'self_check_overdue',
  'gas_cylinder',
  'patrol_gap',
])
export type ModelKind = z.infer<typeof ModelKindSchema>

export const ModelIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{1,62}$/, 'a model id: lower-case letters, digits, - and _, 2–63 characters, starting with a letter')

const NameSchema = z.object({
  zh: z.string().trim().min(1, 'must not be empty').max(100),
  en: z.string().trim().min(1, 'must not be empty').max(100),
})

/** How often the scheduler runs the model. */
export const ScheduleSchema = z.object({
  everyMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  enabled: z.boolean().default(true),
})

/** Red warnings a model raises per run unless its definition says otherwise. */
export const DEFAULT_MAX_RED_PER_RUN = 10

const windowDays = (def: number, max = 730) => z.object({ days: z.number().int().min(1).max(max).default(def) }).prefault({})

/**
 * The fields every definition has. What it counts: `roles` (bound per district) or explicit
 * `categories` codes (a level-1 code means all its items); neither = every category (near-repeat
 * and dispute escalation: their kind's roles, server/models/roles.ts).
 */
const common = {
  id: ModelIdSchema,
  name: NameSchema,
  description: z.string().max(2000).default(''),
  roles: z.array(CategoryRoleSchema).max(CATEGORY_ROLES.length).default([]),
  categories: z.array(CategoryCodeSchema).max(50).default([]),
  schedule: ScheduleSchema.prefault({}),
  /** Open warnings (new, acknowledged) not re-triggered for this long expire. */
  expireAfterHours: z
    .number()
    .min(1)
    .max(24 * 365)
    .default(72),
  /**
   * At most this many red warnings per run: the strongest (server/models/red-cap.ts); the other
   * red findings are raised orange, saying so. Alarm fatigue: dozens of reds mean none.
   */
  maxRedPerRun: z.number().int().min(1).max(1000).default(DEFAULT_MAX_RED_PER_RUN),
  enabled: z.boolean().default(true),
}

type Triple = { red: number; orange: number; yellow: number }

/** Thresholds where a smaller number is stronger evidence (p-values): red ≤ orange ≤ yellow. */
const pThresholds = (red: number, orange: number, yellow: number) =>
  z
    .object({ red: z.number().gt(0).max(0.5), orange: z.number().gt(0).max(0.5), yellow: z.number().gt(0).max(0.5) })
    .refine((t: Triple) => t.red <= t.orange, {
      message: 'red must be at most orange (a smaller p-value is stronger evidence)',
      path: ['red'],
    })
    .refine((t: Triple) => t.orange <= t.yellow, {
      message: 'orange must be at most yellow (a smaller p-value is stronger evidence)',
      path: ['orange'],
    })
    .prefault({ red, orange, yellow })

/** Thresholds where a larger number is more severe (counts, days, confidence): red ≥ orange ≥ yellow. */
const upThresholds = (red: number, orange: number, yellow: number, min: number, max: number, int = true) => {
  const n = int ? z.number().int().min(min).max(max) : z.number().min(min).max(max)
  return z
    .object({ red: n, orange: n, yellow: n })
    .refine((t: Triple) => t.red >= t.orange, { message: 'red must be at least orange', path: ['red'] })
    .refine((t: Triple) => t.orange >= t.yellow, { message: 'orange must be at least yellow', path: ['orange'] })
    .prefault({ red, orange, yellow })
}

/**
 * Thresholds where a smaller number is worse (rates, percent): red ≤ orange ≤ yellow; a value
 * below a threshold takes its level.
 */
const downThresholds = (red: number, orange: number, yellow: number, min: number, max: number) => {
  const n = z.number().min(min).max(max)
  return z
    .object({ red: n, orange: n, yellow: n })
    .refine((t: Triple) => t.red <= t.orange, { message: 'red must be at most orange (a lower rate is worse)', path: ['red'] })
    .refine((t: Triple) => t.orange <= t.yellow, { message: 'orange must be at most yellow (a lower rate is worse)', path: ['orange'] })
    .prefault({ red, orange, yellow })
}

const AreaLevelUnit = z.object({ kind: z.literal('area'), level: z.enum(['grid', 'village', 'town']) })
const H3Unit = z.object({ kind: z.literal('h3'), res: z.number().int().min(7).max(10) })

/** 1. Surge: the last `window.days` against the same weekdays of the previous `baseline.weeks` weeks, Poisson exceedance. */
export const SurgeDefinitionSchema = z.object({
  ...common,
  kind: z.literal('surge'),
  unit: z.discriminatedUnion('kind', [AreaLevelUnit, H3Unit]).prefault({ kind: 'area', level: 'grid' }),
  window: windowDays(7, 7),
  baseline: z
    .object({ kind: z.literal('same_weekdays'), weeks: z.number().int().min(1).max(52).default(8) })
    .prefault({ kind: 'same_weekdays' }),
  params: z
    .object({
      /** fewer incidents than this in the window never warn, however small the baseline */
      minCount: z.number().int().min(1).max(1000).default(5),
      /** judge Benjamini–Hochberg q-values over all units instead of raw p-values */
      fdr: z.boolean().default(true),
      /** the expected count never goes below this (an empty baseline is not "zero risk") */
      minExpected: z.number().min(0.01).max(100).default(0.5),
    })
    .prefault({}),
  thresholds: pThresholds(0.0001, 0.001, 0.01),
})

/** 2. Hot spot: Getis–Ord Gi* on H3 counts with k-ring weights, FDR-corrected; thresholds are confidence %. */
export const HotSpotDefinitionSchema = z.object({
  ...common,
  kind: z.literal('hotspot'),
  unit: H3Unit.prefault({ kind: 'h3', res: 8 }),
  window: windowDays(28, 365),
  baseline: z.object({ kind: z.literal('study_area') }).prefault({ kind: 'study_area' }),
  params: z
    .object({
      k: z.number().int().min(1).max(5).default(1),
      fdr: z.boolean().default(true),
      /** a hot cell with fewer incidents of its own than this is not a warning (it is hot by its neighbours) */
      minCount: z.number().int().min(0).max(1000).default(5),
    })
    .prefault({}),
  thresholds: upThresholds(99, 95, 90, 50, 99.99, false),
})

const EmergingCategoryListSchema = z.array(z.enum(EMERGING_KINDS)).max(8)
/**
 * Default level of each emerging pattern (hot side only; cold patterns never warn):
 * red — new, intensifying, consecutive (a place becoming or getting hotter: act now);
 * orange — persistent, oscillating (hot now and before: known problem places);
 * yellow — sporadic, diminishing (hot now but on and off, or cooling);
 * historical (hot before, not now) raises nothing unless added to a list.
 */
export const EMERGING_LEVELS = {
  red: ['new', 'intensifying', 'consecutive'],
  orange: ['persistent', 'oscillating'],
  yellow: ['sporadic', 'diminishing'],
} as const

/** 3. Emerging hot spot: H3 × week cube, Gi* per bin, Mann–Kendall, ArcGIS categories → levels. */
export const EmergingDefinitionSchema = z.object({
  ...common,
  kind: z.literal('emerging'),
  unit: H3Unit.prefault({ kind: 'h3', res: 8 }),
  window: z
    .object({ days: z.number().int().min(28).max(728).default(84) })
    .refine((w) => w.days % 7 === 0, { message: 'a whole number of weeks (the cube has weekly slices)', path: ['days'] })
    .prefault({}),
  baseline: z.object({ kind: z.enum(['cube', 'slice']).default('cube') }).prefault({}),
  params: EmergingParamsSchema.omit({ reference: true })
    .extend({
      /** a cell with fewer incidents over the whole cube is not a warning (hot by its neighbours only) */
      minCount: z.number().int().min(0).max(10_000).default(5),
      /** …nor one with fewer than this in the final week: a warning is about now */
      minLastCount: z.number().int().min(0).max(1000).default(2),
    })
    .prefault({}),
  thresholds: z
    .object({ red: EmergingCategoryListSchema, orange: EmergingCategoryListSchema, yellow: EmergingCategoryListSchema })
    .refine((t) => new Set([...t.red, ...t.orange, ...t.yellow]).size === t.red.length + t.orange.length + t.yellow.length, {
      message: 'a pattern may be in one level only',
      path: ['red'],
    })
    .prefault({ red: [...EMERGING_LEVELS.red], orange: [...EMERGING_LEVELS.orange], yellow: [...EMERGING_LEVELS.yellow] }),
})

const AddressUnit = z.object({ kind: z.literal('address') }).prefault({ kind: 'address' })
const NoBaseline = z.object({ kind: z.literal('none') }).prefault({ kind: 'none' })

/** 4. Repeat address: one address with yellow (orange, red) or more incidents in the window. */
export const RepeatAddressDefinitionSchema = z.object({
  ...common,
  kind: z.literal('repeat_address'),
  unit: AddressUnit,
  window: windowDays(30, 365),
  baseline: NoBaseline,
  params: z.object({}).prefault({}),
  thresholds: upThresholds(8, 6, 4, 2, 1000),
})

/** 5. Near-repeat: Knox test with Monte Carlo significance, then active near-repeat zones. */
export const NearRepeatDefinitionSchema = z.object({
  ...common,
  kind: z.literal('near_repeat'),
  unit: z.object({ kind: z.literal('zone') }).prefault({ kind: 'zone' }),
  /** the history the Knox test judges the near-repeat phenomenon on */
  window: windowDays(365, 730),
  baseline: z.object({ kind: z.literal('permutation') }).prefault({ kind: 'permutation' }),
  params: z
    .object({
      spaceM: z.number().positive().max(5000).default(200),
      timeDays: z.number().min(1).max(90).default(7),
      /** a zone is active when its latest linked pair ended within this many days */
      recentDays: z.number().min(1).max(90).default(7),
      permutations: z.number().int().min(19).max(9999).default(99),
      /** the Knox test must reach this p for any zone to warn */
      alpha: z.number().gt(0).max(0.2).default(0.05),
      seed: z.string().min(1).max(100).default('near-repeat'),
    })
    .prefault({}),
  /** events in an active zone */
  thresholds: upThresholds(5, 4, 3, 2, 1000),
})

/** 6. Category concentration: per area per 10,000 people against the district rate (exact Poisson). */
export const ConcentrationDefinitionSchema = z.object({
  ...common,
  kind: z.literal('concentration'),
  unit: AreaLevelUnit.prefault({ kind: 'area', level: 'village' }),
  window: windowDays(90, 730),
  baseline: z.object({ kind: z.literal('district_rate') }).prefault({ kind: 'district_rate' }),
  params: z
    .object({
      minCount: z.number().int().min(1).max(1000).default(3),
      /** the area's rate must be at least this many times the district's */
      minRatio: z.number().min(1).max(100).default(1.5),
      fdr: z.boolean().default(true),
    })
    .prefault({}),
  thresholds: pThresholds(0.001, 0.01, 0.05),
})

/** 7. Dispute escalation risk (民转刑): repeated disputes at one address in the window. */
export const DisputeDefinitionSchema = z.object({
  ...common,
  kind: z.literal('dispute_escalation'),
  unit: AddressUnit,
  window: windowDays(60, 365),
  baseline: NoBaseline,
  params: z
    .preprocess(
      // Stored before roles: `escalateCategories` alone said everything (no roles were meant).
      (p) =>
        p && typeof p === 'object' && !Array.isArray(p) && 'escalateCategories' in p && !('escalateRoles' in p)
          ? { ...p, escalateRoles: [] }
          : p,
      z.object({
        /** incidents of these roles at the address (fights) raise the level one step */
        escalateRoles: z.array(CategoryRoleSchema).max(CATEGORY_ROLES.length).default(['fight']),
        /** …and of these explicit catalogue codes */
        escalateCategories: z.array(CategoryCodeSchema).max(20).default([]),
      }),
    )
    .prefault({}),
  /** disputes at the address in the window */
  thresholds: upThresholds(5, 4, 3, 2, 1000),
})

/** 8. Overdue hazards and tasks: not closed out by their due date. */
export const OverdueDefinitionSchema = z.object({
  ...common,
  kind: z.literal('overdue'),
  unit: z.object({ kind: z.literal('item') }).prefault({ kind: 'item' }),
  window: windowDays(1, 1),
  baseline: z.object({ kind: z.literal('due_date') }).prefault({ kind: 'due_date' }),
  params: z
    .object({
      hazards: z.boolean().default(true),
      tasks: z.boolean().default(true),
      /** an overdue major hazard is red whatever the days */
      majorIsRed: z.boolean().default(true),
    })
    .prefault({}),
  /** days overdue */
  thresholds: upThresholds(30, 7, 1, 1, 3650),
})

/** Escalation by linked incidents (fights), as dispute escalation does. */
const escalationParams = {
  /** a linked incident of these roles (fights) raises the level one step */
  escalateRoles: z.array(CategoryRoleSchema).max(CATEGORY_ROLES.length).default(['fight']),
  /** …and of these explicit catalogue codes */
  escalateCategories: z.array(CategoryCodeSchema).max(20).default([]),
}

/** The 重点人员 categories of residents (migration 034). */
export const KeyCategorySchema = z.enum([
  'community_correction',
  'released_prisoner',
  'drug',
  'mental_illness',
  'petition',
  'juvenile',
  'other',
])
export type KeyCategory = z.infer<typeof KeyCategorySchema>

/** A snapshot model: it judges the state at the as-of time, not a window of events. */
const SnapshotWindow = windowDays(1, 1)
const SnapshotBaseline = z.object({ kind: z.literal('state') }).prefault({ kind: 'state' })

/**
 * 9. Group rental (群租): per house, current residents per room (rooms null or 0 count as 1); a
 * house with fewer than `minOccupants` residents never warns.
 */
export const GroupRentalDefinitionSchema = z.object({
  ...common,
  kind: z.literal('group_rental'),
  unit: z.object({ kind: z.literal('house') }).prefault({ kind: 'house' }),
  window: SnapshotWindow,
  baseline: SnapshotBaseline,
  params: z.object({ minOccupants: z.number().int().min(1).max(1000).default(6) }).prefault({}),
  /** persons per room */
  thresholds: upThresholds(4, 3, 2, 0.5, 100, false),
})

/**
 * 10. Registration gap (流动人口纳管率): per village, the share of current migrants with a valid
 * residence registration; thresholds are rates in percent, red the lowest.
 */
export const RegistrationGapDefinitionSchema = z.object({
  ...common,
  kind: z.literal('registration_gap'),
  unit: AreaLevelUnit.extend({ level: z.literal('village') }).prefault({ kind: 'area', level: 'village' }),
  window: SnapshotWindow,
  baseline: SnapshotBaseline,
  params: z
    .object({
      /** villages with fewer current migrants never warn */
      minMigrants: z.number().int().min(1).max(100_000).default(20),
      /** how many of the worst houses the explanation names */
      worstHouses: z.number().int().min(0).max(10).default(3),
    })
    .prefault({}),
  /** registered share of current migrants, percent: below red is red */
  thresholds: downThresholds(90, 95, 97, 0, 100),
})

/**
 * 11. Dispute recurrence (民转刑, mediation history): a chain of disputes of the same parties (or,
 * without parties, at the same address) within `lookbackDays`, with a failed mediation and its
 * newest dispute within `window.days`; levelled by its length, one step up with a linked fight.
 */
export const DisputeRecurrenceDefinitionSchema = z.object({
  ...common,
  kind: z.literal('dispute_recurrence'),
  unit: z.object({ kind: z.literal('chain') }).prefault({ kind: 'chain' }),
  /** the chain's newest dispute must be this recent */
  window: windowDays(90, 365),
  baseline: NoBaseline,
  params: z
    .object({
      /** how far back a chain reaches */
      lookbackDays: z.number().int().min(1).max(1830).default(365),
      ...escalationParams,
    })
    .prefault({}),
  /** disputes in the chain */
  thresholds: upThresholds(4, 3, 2, 2, 1000),
})

/**
 * 12. Incidents near a key person's home (重点人员周边警情): incidents (the model's roles or
 * categories; default all) within `radiusM` of a current key person's home in the window.
 */
export const KeyPersonIncidentDefinitionSchema = z.object({
  ...common,
  kind: z.literal('key_person_incident'),
  unit: z.object({ kind: z.literal('resident') }).prefault({ kind: 'resident' }),
  window: windowDays(7, 90),
  baseline: NoBaseline,
  params: z
    .object({
      radiusM: z.number().positive().max(2000).default(50),
      /** the key-person categories considered; [] = all */
      categories: z.array(KeyCategorySchema).max(7).default([]),
    })
    .prefault({}),
  /** incidents near the home in the window */
  thresholds: upThresholds(3, 2, 1, 1, 1000),
})

/**
 * 13. Overdue self-checks (企业自查逾期): organisations with a self-check duty, by days past their
 * next check; the last `failStreak` checks all failing is at least orange (red when also overdue).
 */
export const SelfCheckOverdueDefinitionSchema = z.object({
  ...common,
  kind: z.literal('self_check_overdue'),
  unit: z.object({ kind: z.literal('organisation') }).prefault({ kind: 'organisation' }),
  window: SnapshotWindow,
  baseline: z.object({ kind: z.literal('duty') }).prefault({ kind: 'duty' }),
  params: z.object({ failStreak: z.number().int().min(2).max(50).default(3) }).prefault({}),
  /** days overdue */
  thresholds: upThresholds(30, 14, 1, 1, 3650),
})

/**
 * 14. Gas cylinders (液化气钢瓶): deliveries to points away from the cylinders' registered
 * customers, per point; and cylinders filled far more often than they should need.
 */
export const GasCylinderDefinitionSchema = z.object({
  ...common,
  kind: z.literal('gas_cylinder'),
  unit: z.object({ kind: z.literal('point') }).prefault({ kind: 'point' }),
  window: windowDays(90, 365),
  baseline: z.object({ kind: z.literal('registered_customer') }).prefault({ kind: 'registered_customer' }),
  params: z
    .object({
      /** a delivery farther than this from the registered customer is to an unregistered point */
      toleranceM: z.number().positive().max(10_000).default(100),
      /** delivery points without an address are grouped on cells this wide */
      cellM: z.number().positive().max(1000).default(50),
      /** a cylinder needs at least this many fillings in the window to judge its cycle */
      minFillings: z.number().int().min(2).max(1000).default(3),
      /** fillings whose median interval is below this share of the expected refill days warn (yellow) */
      cycleRatio: z.number().gt(0).max(1).default(0.5),
    })
    .prefault({}),
  /** deliveries to one unregistered point in the window */
  thresholds: upThresholds(6, 4, 2, 1, 1000),
})

/**
 * 15. Patrol gaps (巡防空白): grids no patrol track covered for days, while their incidents rise.
 */
export const PatrolGapDefinitionSchema = z.object({
  ...common,
  kind: z.literal('patrol_gap'),
  unit: AreaLevelUnit.extend({ level: z.literal('grid') }).prefault({ kind: 'area', level: 'grid' }),
  /** the recent span whose incidents are compared with the span before it */
  window: windowDays(14, 90),
  baseline: z.object({ kind: z.literal('previous_window') }).prefault({ kind: 'previous_window' }),
  params: z
    .object({
      /** how far back patrols are looked for (never patrolled: this many days) */
      lookbackDays: z.number().int().min(1).max(730).default(60),
      /** incidents in the recent window, at least */
      minIncidents: z.number().int().min(1).max(10_000).default(5),
      /** …and at least this many times the window before */
      riseRatio: z.number().min(1).max(100).default(1.5),
    })
    .prefault({}),
  /** days since a patrol covered the grid */
  thresholds: upThresholds(21, 14, 7, 1, 730),
})

/** A model definition (request body of PUT /api/models/{id}, and what the database stores). */
export const ModelDefinitionSchema = z
  .discriminatedUnion('kind', [
    SurgeDefinitionSchema,
    HotSpotDefinitionSchema,
    EmergingDefinitionSchema,
    RepeatAddressDefinitionSchema,
    NearRepeatDefinitionSchema,
    ConcentrationDefinitionSchema,
    DisputeDefinitionSchema,
    OverdueDefinitionSchema,
    GroupRentalDefinitionSchema,
    RegistrationGapDefinitionSchema,
    DisputeRecurrenceDefinitionSchema,
    KeyPersonIncidentDefinitionSchema,
    SelfCheckOverdueDefinitionSchema,
    GasCylinderDefinitionSchema,
    PatrolGapDefinitionSchema,
  ])
  .superRefine((d, ctx) => {
    if (d.roles.length > 0 && d.categories.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: "name roles or categories, not both (roles are bound to each district's codes)",
        path: ['categories'],
      })
    }
  })
export type ModelDefinitionInput = z.input<typeof ModelDefinitionSchema>
export type ModelDefinition = z.infer<typeof ModelDefinitionSchema>
export type DefinitionOf<K extends ModelKind> = Extract<ModelDefinition, { kind: K }>
