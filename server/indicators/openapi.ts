/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import {
  AssessmentCreateSchema,
  AssessmentSchema,
  AssessmentsQuerySchema,
  AssessmentsResponseSchema,
  IndicatorsQuerySchema,
  IndicatorsResponseSchema,
  RankingConfigResponseSchema,
  RankingConfigSchema,
  RankingResponseSchema,
  RankingsQuerySchema,
} from './schema.ts'

const tag = 'Indicators and rankings'

export const indicatorOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/indicators',
    tag,
    query: IndicatorsQuerySchema,
    summary: "Raw indicator values of a month per town or village, with the previous month's and the change",
    ok: { description: "The indicators of the areas in the caller's scope", schema: IndicatorsResponseSchema },
  },
  {
    method: 'get',
    path: '/api/indicators/assessments',
    tag,
    query: AssessmentsQuerySchema,
    summary:
      'Entered 双十条 assessments of a month: the latest entry per indicator and area, with who and when, earlier entries as history',
    ok: { description: "The assessments of the areas in the caller's scope", schema: AssessmentsResponseSchema },
  },
  {
    method: 'post',
    path: '/api/indicators/assessments',
    tag,
    body: AssessmentCreateSchema,
    summary: 'Enter a 双十条 assessment of a town or village for a month (audited; the latest entry wins)',
    description:
      "400 naming the field (an indicator that is not entered, a month not begun, a share over 100); 404 for an area outside the caller's scope; 403 when a town's staff enter a result indicator (the district's departments assess those).",
    ok: { description: 'The assessment with its history', schema: AssessmentSchema, status: 201 },
  },
  {
    method: 'get',
    path: '/api/rankings',
    tag,
    query: RankingsQuerySchema,
    summary: 'The red/yellow/black ranking (红黄黑榜) of a month',
    description: 'A past month is a stored snapshot unless `refresh=true` recomputes it from the current data.',
    ok: { description: "The ranked areas in the caller's scope", schema: RankingResponseSchema },
  },
  {
    method: 'get',
    path: '/api/rankings/config',
    tag,
    summary: 'The ranking rules: indicators, weights, thresholds',
    ok: { description: 'The configuration', schema: RankingConfigResponseSchema },
  },
  {
    method: 'put',
    path: '/api/rankings/config',
    tag,
    body: RankingConfigSchema,
    summary: 'Replace the ranking rules (400 naming the field)',
    ok: { description: 'The configuration as saved', schema: RankingConfigResponseSchema },
  },
]
