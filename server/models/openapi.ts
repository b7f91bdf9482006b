/** The documented operations of ./routes.ts and ./backtest-routes.ts (server/openapi/operation.ts). */
import { z } from 'zod'

import type { ApiOperation } from '../openapi/operation.ts'
import { BacktestQuerySchema, ParamsSchema as BacktestParamsSchema } from './backtest-routes.ts'
import { ModelDefinitionSchema } from './definition.ts'
import {
  ModelParamsSchema,
  ModelQuerySchema,
  ModelRunParamsSchema,
  RunListQuerySchema,
  RunParamsSchema,
  RunRequestSchema,
} from './routes.ts'
import { ModelRunSchema, ModelSchema, ModelVersionSchema } from './store.ts'

const tag = 'Warning models'
/** A model card: the model, whether it is configured, and its latest runs (its backtest line is described in words). */
const ModelCardSchema = ModelSchema.extend({
  configured: z.boolean(),
  /** Why it cannot run (a category role is unbound), or null. */
  reason: z.string().nullable(),
  lastRun: ModelRunSchema.nullable(),
  lastLiveRun: ModelRunSchema.nullable(),
})
const noModel = { 404: 'No such model' } as const
const runView = "Town and grid accounts get a run's counts, not its findings (which name places all over the district)."

export const modelOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/models',
    tag,
    summary: 'Every warning model with its definition, latest runs, backtest line, and whether it is configured',
    description: 'A model whose category roles are unbound is not configured (`reason` names them) and never runs.',
    ok: { description: 'The models', schema: z.object({ items: z.array(ModelCardSchema) }) },
  },
  {
    method: 'get',
    path: '/api/models/:id',
    tag,
    params: ModelParamsSchema,
    query: ModelQuerySchema,
    summary: 'One model (current or an old `version`) with its versions',
    ok: { description: 'The model', schema: ModelCardSchema.extend({ versions: z.array(ModelVersionSchema) }) },
    errors: noModel,
  },
  {
    method: 'put',
    path: '/api/models/:id',
    tag,
    params: ModelParamsSchema,
    body: ModelDefinitionSchema,
    summary: 'Create or edit a model definition (an edit is a new version)',
    description: '`id` may be left out of the body: it is the one in the URL. Catalogue codes are checked against the catalogue.',
    ok: { description: 'The model as saved (201 when created)' },
    errors: { 409: "The definition would change the model's kind" },
  },
  {
    method: 'post',
    path: '/api/models/:id/runs',
    tag,
    params: ModelParamsSchema,
    body: RunRequestSchema,
    summary: 'Queue a run now (poll the Location)',
    description:
      'A past `asOf` (over 10 minutes ago) is a preview: findings only, no warning touched; `mode: preview` previews now too. `mode: live` with a past `asOf`, or an `asOf` ahead of now, is a 400.',
    ok: { status: 202, description: 'The queued run', schema: ModelRunSchema },
    errors: noModel,
  },
  {
    method: 'get',
    path: '/api/models/:id/runs',
    tag,
    params: ModelParamsSchema,
    query: RunListQuerySchema,
    summary: "A model's runs, newest first",
    ok: { description: 'The runs', schema: z.object({ items: z.array(ModelRunSchema) }) },
    errors: noModel,
  },
  {
    method: 'get',
    path: '/api/models/:id/runs/:runId',
    tag,
    params: ModelRunParamsSchema,
    summary: 'One run of a model with the definition it used and its findings',
    description: runView,
    ok: { description: 'The run', schema: ModelRunSchema },
    errors: { 404: 'No such run of this model' },
  },
  {
    method: 'get',
    path: '/api/model-runs/:id',
    tag,
    params: RunParamsSchema,
    summary: 'One run by its id',
    description: runView,
    ok: { description: 'The run', schema: ModelRunSchema },
    errors: { 404: 'No such run' },
  },
  {
    method: 'get',
    path: '/api/models/:id/backtest',
    tag,
    params: BacktestParamsSchema,
    query: BacktestQuerySchema,
    summary: "Backtest: the model's hit rate and PAI against the naive baseline over the last `periods`",
    description:
      "Cached per model version, periods, category binding and end day. Town and grid accounts get the ratios, not the district's counts.",
    ok: { description: 'Each period and a verdict' },
    errors: {
      404: 'No such model, or a kind that has no backtest',
      409: 'The model is not configured, or cannot be backtested on the data',
    },
  },
]
