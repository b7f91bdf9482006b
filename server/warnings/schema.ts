/**
 * Warnings over HTTP: query strings, bodies and answers as zod schemas shared with the web app.
 * Bodies are snake_case (as tasks), answers camelCase.
 */
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import { InstantSchema } from '../incidents/query-schema.ts'
import { LevelSchema, ModelIdSchema } from '../models/definition.ts'
import { commaList, DayInputSchema, enumList, FROM_BEFORE_TO, fromBeforeTo, IdCursorSchema, ListLimitSchema } from '../shared/list-query.ts'
import { WarningStatusSchema } from './states.ts'

export { WARNING_STATUS_NAMES, type WarningStatus, WarningStatusSchema } from './states.ts'

/** `GET /api/warnings`: newest first, keyset `cursor`; `from`/`to` overlap the triggered period. */
export const WarningListQuerySchema = z
  .object({
    level: enumList(LevelSchema).optional(),
    status: enumList(WarningStatusSchema).optional(),
    model: commaList(ModelIdSchema, 'give at least one model id').optional(),
    area: AreaCodeSchema.optional(),
    from: InstantSchema.optional(),
    to: InstantSchema.optional(),
    limit: ListLimitSchema,
    cursor: IdCursorSchema.optional(),
  })
  .refine(fromBeforeTo, FROM_BEFORE_TO)
export type WarningListQuery = z.infer<typeof WarningListQuerySchema>

export const WarningParamsSchema = z.object({ id: z.string().regex(/^\d{1,18}$/, 'a warning id') })

/**
 * `POST /api/warnings/{id}/transitions`. `reason`: why a warning is resolved while a task it
 * raised is still open — without it that is a 409 naming the tasks; with it the override is
 * recorded in the warning's history (who, why, which tasks).
 */
export const WarningTransitionSchema = z.object({
  to: WarningStatusSchema,
  comment: z.string().trim().max(2000, 'at most 2000 characters').optional(),
  reason: z.string().trim().min(2, 'say why in a few words').max(2000, 'at most 2000 characters').optional(),
})
export type WarningTransition = z.infer<typeof WarningTransitionSchema>

/**
 * `POST /api/warnings/{id}/tasks`: every field optional (one click); what is missing comes from the
 * warning — title, description (its explanation), area (its grid, else village, else town),
 * point, a team named after the area, due in 7 days.
 */
export const WarningTaskBodySchema = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().trim().max(4000).optional(),
    area_code: AreaCodeSchema.optional(),
    assignee_team: z.string().trim().min(1).max(200).optional(),
    /** A person to assign it to (a user's id; checked as for `POST /api/tasks`). */
    assignee_user: z.union([z.number().int().positive(), z.string().regex(/^\d{1,18}$/)], { error: 'a user id' }).optional(),
    due_date: DayInputSchema.optional(),
    ref: z.string().trim().min(1).max(64).optional(),
    comment: z.string().trim().max(2000).optional(),
  })
  .prefault({})
export type WarningTaskBody = z.infer<typeof WarningTaskBodySchema>

export const WarningPropertiesSchema = z.object({
  id: z.number().int(),
  modelId: z.string(),
  modelName: z.string(),
  modelVersion: z.number().int(),
  subject: z.string(),
  level: LevelSchema,
  levelName: z.string(),
  status: WarningStatusSchema,
  statusName: z.string(),
  title: z.string(),
  explanation: z.string(),
  metrics: z.record(z.string(), z.unknown()),
  townCode: z.string().nullable(),
  villageCode: z.string().nullable(),
  gridCode: z.string().nullable(),
  addressId: z.string().nullable(),
  /** H3 cell (hex) of a cell warning, or the res-9 cell of a point warning. */
  h3: z.string().nullable(),
  firstRunId: z.number().int(),
  lastRunId: z.number().int(),
  firstTriggeredAt: z.string(),
  lastTriggeredAt: z.string(),
  triggerCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
})
export type WarningProperties = z.infer<typeof WarningPropertiesSchema>

export const WarningFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.number().int(),
  geometry: z.object({ type: z.string(), coordinates: z.unknown() }),
  properties: WarningPropertiesSchema,
})
export type WarningFeature = z.infer<typeof WarningFeatureSchema>

export const WarningEventSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.enum(['raised', 'retriggered', 'transition', 'expired']),
  from: z.string().nullable(),
  to: z.string().nullable(),
  comment: z.string().nullable(),
  runId: z.number().int().nullable(),
  details: z.record(z.string(), z.unknown()),
})
export type WarningEvent = z.infer<typeof WarningEventSchema>

/** `GET /api/warnings/{id}`: the feature with its history (oldest first) and its tasks. */
export const WarningDetailSchema = WarningFeatureSchema.extend({
  history: z.array(WarningEventSchema),
  tasks: z.array(z.unknown()),
})
export type WarningDetail = z.infer<typeof WarningDetailSchema>

/** `GET /api/warnings`. */
export const WarningPageSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(WarningFeatureSchema),
  next: z.string().nullable(),
})
export type WarningPage = z.infer<typeof WarningPageSchema>
