/**
 * Reconciliation of another address table (the police standard-address table, 标准地址) with the
 * unified address base (统一地址): the shapes of pairs, the review queue, decisions and runs.
 * Shared with the web app.
 */
import { z } from 'zod'

import { GeocodeResultSchema, MatchLevelSchema } from '../geocode/schema.ts'
import { listLimit } from '../shared/list-query.ts'

/**
 * Where a pair stands: `matched` accepted automatically, `review` waiting for a person,
 * `accepted` / `rejected` decided by a person, `unmatched` no place found.
 */
export const PAIR_STATUSES = ['matched', 'review', 'accepted', 'rejected', 'unmatched'] as const
export const PairStatusSchema = z.enum(PAIR_STATUSES)
export type PairStatus = z.infer<typeof PairStatusSchema>

/** What a run may set by itself; `accepted` and `rejected` only come from a person. */
export type MachineStatus = Extract<PairStatus, 'matched' | 'review' | 'unmatched'>

/** The automatic acceptance rule's thresholds (see rules.ts). */
export const AUTO_ACCEPT = { minScore: 0.9, maxDistanceM: 100 } as const

/**
 * Accepting a place farther than this (metres) from the other table's point needs a note saying
 * why: at that distance it is more likely another place of the same name than a survey error.
 */
export const FAR_ACCEPT_M = 500

/** The source name of an other table (default: the file's name). */
export const SourceNameSchema = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters')

/** The place proposed for (or linked to) a row of the other table. Points are WGS84. */
export const ProposedSchema = z.object({
  /** Null for a coarse proposal (a road, a compound, a unit without its own row). */
  addressId: z.string().nullable(),
  address: z.string().nullable(),
  level: MatchLevelSchema,
  /** The geocoder's score; null for an address a reviewer chose outside its candidates. */
  score: z.number().min(0).max(1).nullable(),
  /** Metres between the other row's point and this place. */
  distanceM: z.number().nonnegative().nullable(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
})
export type Proposed = z.infer<typeof ProposedSchema>

/** One pair: a row of the other table and its place in the base. */
export const PairSchema = z.object({
  id: z.number().int().positive(),
  source: z.string(),
  otherId: z.string(),
  other: z.object({ address: z.string(), lng: z.number(), lat: z.number() }),
  /** Null when nothing was found (`unmatched`). */
  proposed: ProposedSchema.nullable(),
  status: PairStatusSchema,
  /** Why the pair needs (or needed) a person, in plain words; e.g. 门牌级匹配，坐标相距 230 米. */
  reason: z.string().nullable(),
  /** The geocoder's candidates, best first, without addresses rejected for this row. */
  candidates: z.array(GeocodeResultSchema),
  /** Addresses a person rejected for this row: never proposed for it again. */
  rejectedIds: z.array(z.string()),
  decidedBy: z.string().nullable(),
  decidedAt: z.iso.datetime({ offset: true }).nullable(),
  note: z.string().nullable(),
  runId: z.number().int().nullable(),
  updatedAt: z.iso.datetime({ offset: true }),
})
export type Pair = z.infer<typeof PairSchema>

const positiveId = z.coerce.number({ error: 'must be a number' }).int('must be an integer').positive('must be positive')

/** `GET /api/reconcile/review?source=&status=review&limit=&cursor=` */
export const ReviewQuerySchema = z.object({
  source: SourceNameSchema.optional(),
  status: PairStatusSchema.default('review'),
  limit: listLimit(500, 50),
  /** `next` of the previous page (opaque to callers). */
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,17}$/, 'not a cursor from a previous page')
    .optional(),
})
export type ReviewQuery = z.infer<typeof ReviewQuerySchema>

/** A keyset page of the review queue, in pair id order; `total` counts the whole filter. */
export const ReviewPageSchema = z.object({
  items: z.array(PairSchema),
  next: z.string().nullable(),
  total: z.number().int().nonnegative(),
})
export type ReviewPage = z.infer<typeof ReviewPageSchema>

/** `POST /api/reconcile/review/{id}` path. */
export const PairParamsSchema = z.object({ id: positiveId })

/** `POST /api/reconcile/review/{id}` body. */
export const DecisionSchema = z
  .object({
    decision: z.enum(['accept', 'reject']),
    /** Accept this address instead of the proposal (a candidate, or any address of the base). */
    addressId: z.string().trim().min(1, 'must not be empty').max(64, 'at most 64 characters').optional(),
    note: z.string().trim().max(500, 'at most 500 characters').optional(),
  })
  .refine((d) => d.decision === 'accept' || d.addressId === undefined, {
    message: 'addressId goes only with decision "accept"',
    path: ['addressId'],
  })
export type Decision = z.infer<typeof DecisionSchema>

/** Counts of one run: every line of the file is counted once. */
export const RunCountsSchema = z.object({
  /** Data lines read. */
  total: z.number().int().nonnegative(),
  /** Pairs this run wrote as matched / review / unmatched. */
  matched: z.number().int().nonnegative(),
  review: z.number().int().nonnegative(),
  unmatched: z.number().int().nonnegative(),
  /** Rows whose pair was already what this run would make it (not written). */
  unchanged: z.number().int().nonnegative(),
  /** Bad lines (in the report). */
  rejected: z.number().int().nonnegative(),
})
export type RunCounts = z.infer<typeof RunCountsSchema>

export const ZERO_RUN_COUNTS: RunCounts = { total: 0, matched: 0, review: 0, unmatched: 0, unchanged: 0, rejected: 0 }

/** One reconciliation run. */
export const RunSchema = RunCountsSchema.extend({
  id: z.number().int().positive(),
  source: z.string(),
  file: z.string(),
  reportPath: z.string().nullable(),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
  status: z.enum(['running', 'done', 'failed']),
  message: z.string().nullable(),
})
export type Run = z.infer<typeof RunSchema>

/** `GET /api/reconcile/runs?source=&limit=` */
export const RunsQuerySchema = z.object({
  source: SourceNameSchema.optional(),
  limit: listLimit(200, 20),
})

/** Newest first. */
export const RunsResponseSchema = z.object({ items: z.array(RunSchema) })
