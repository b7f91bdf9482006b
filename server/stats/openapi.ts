/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import { z } from 'zod'

import { AreaCodeSchema } from '../areas/schema.ts'
import type { ApiOperation } from '../openapi/operation.ts'
import {
  AreaStatsQuerySchema,
  AreaStatsResponseSchema,
  SummaryQuerySchema,
  SummaryResponseSchema,
  TimeseriesQuerySchema,
  TimeseriesResponseSchema,
} from './schema.ts'

const tag = 'Statistics'

export const statsOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/stats/summary',
    tag,
    query: SummaryQuerySchema,
    summary: "Incident counts of a period against the previous one, for the district, an area or the caller's areas",
    ok: { description: 'The counts', schema: SummaryResponseSchema },
  },
  {
    method: 'get',
    path: '/api/stats/timeseries',
    tag,
    query: TimeseriesQuerySchema,
    summary: 'Incident counts per day, week or month',
    ok: { description: 'One count per bucket', schema: TimeseriesResponseSchema },
  },
  {
    method: 'get',
    path: '/api/areas/:code/stats',
    tag,
    params: z.object({ code: AreaCodeSchema }),
    query: AreaStatsQuerySchema,
    summary: "One area's counts of a period, by category",
    ok: { description: "The area's statistics", schema: AreaStatsResponseSchema },
    errors: { 404: "No such area in the caller's scope" },
  },
]
