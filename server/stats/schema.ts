import { z } from 'zod'

import { AreaCodeSchema, AreaLevelSchema } from '../areas/schema.ts'
import { CategoryListSchema } from '../categories/schema.ts'
import { FROM_BEFORE_TO, fromBeforeTo } from '../shared/list-query.ts'
import { DayStringSchema } from './period.ts'

/**
 * A period of whole Asia/Shanghai days: `from` inclusive, `to` exclusive (both `YYYY-MM-DD`).
 * Default: the last 30 days up to and including today.
 */
const PeriodQueryShape = {
  from: DayStringSchema.optional(),
  to: DayStringSchema.optional(),
}

export const SummaryQuerySchema = z
  .object({
    area: AreaCodeSchema.optional(),
    ...PeriodQueryShape,
    /** Count as at this instant (default now): a running period ends there, comparisons cut at the same time. */
    until: z.iso.datetime({ offset: true }).optional(),
  })
  .refine(fromBeforeTo, FROM_BEFORE_TO)

export const BucketSchema = z.enum(['day', 'week', 'month'])

export const TimeseriesQuerySchema = z
  .object({
    area: AreaCodeSchema.optional(),
    category: CategoryListSchema.optional(),
    bucket: BucketSchema.default('day'),
    ...PeriodQueryShape,
  })
  .refine(fromBeforeTo, FROM_BEFORE_TO)

export const AreaStatsQuerySchema = z.object(PeriodQueryShape).refine(fromBeforeTo, FROM_BEFORE_TO)

export const PeriodSchema = z.object({ from: z.string(), to: z.string() })

/**
 * What was counted: days [from, to); when `until` is set (a period still running, or its
 * comparison), the last day only up to that instant (Asia/Shanghai, ISO 8601 with +08:00).
 */
export const CountWindowSchema = PeriodSchema.extend({ until: z.string().nullable() })
export type CountWindowOut = z.infer<typeof CountWindowSchema>

export const AreaRefSchema = z.object({ code: z.string(), name: z.string(), level: AreaLevelSchema })
export type AreaRef = z.infer<typeof AreaRefSchema>

/** A count with its 同比 (year earlier) and 环比 (previous period) bases and percentage changes. */
export const ComparedCountSchema = z.object({
  n: z.number().int(),
  yearEarlier: z.number().int(),
  /** Percent change vs a year earlier, one decimal; null when that base is 0. */
  yoyPct: z.number().nullable(),
  previous: z.number().int(),
  /** Percent change vs the previous period of equal length, one decimal; null when that base is 0. */
  popPct: z.number().nullable(),
})
export type ComparedCount = z.infer<typeof ComparedCountSchema>

const NamedCountShape = { code: z.string(), nameZh: z.string(), nameEn: z.string() }

/** `GET /api/stats/summary`. */
export const SummaryResponseSchema = z.object({
  /** The area counted; for a scoped caller without `area`, their areas together (`areas` lists them). */
  area: AreaRefSchema,
  areas: z.array(AreaRefSchema),
  /** The period asked for. */
  period: PeriodSchema,
  /** The part of it that has happened (a running period ends now) and was counted. */
  counted: CountWindowSchema,
  /** 同比: the same days a year earlier, cut at the same time of day. */
  yearEarlierPeriod: CountWindowSchema,
  /**
   * 环比: `previous_month` (the calendar month(s) before, up to the same day and time) for a
   * period of whole months, else `previous_span` (the days of equal length just before).
   */
  previousPeriod: CountWindowSchema.extend({ kind: z.enum(['previous_month', 'previous_span']) }),
  total: ComparedCountSchema,
  categories: z.array(
    ComparedCountSchema.extend({
      ...NamedCountShape,
      items: z.array(ComparedCountSchema.extend(NamedCountShape)),
    }),
  ),
})
export type SummaryResponse = z.infer<typeof SummaryResponseSchema>

/** `GET /api/stats/timeseries`: every bucket of the period, empty ones 0. */
export const TimeseriesResponseSchema = z.array(z.object({ bucket: z.string(), n: z.number().int() }))
export type TimeseriesResponse = z.infer<typeof TimeseriesResponseSchema>

/** `GET /api/areas/{code}/stats`. */
export const AreaStatsResponseSchema = z.object({
  area: AreaRefSchema,
  period: PeriodSchema,
  total: z.number().int(),
  categories: z.array(z.object({ ...NamedCountShape, n: z.number().int() })),
  /** Direct children with their totals and counts by level-1 category code (only non-zero ones). */
  children: z.array(AreaRefSchema.extend({ total: z.number().int(), categories: z.record(z.string(), z.number().int()) })),
})
export type AreaStatsResponse = z.infer<typeof AreaStatsResponseSchema>
