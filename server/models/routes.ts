/**
 * Warning models over HTTP:
 * - `GET /api/models`: every model with its current definition, latest run, and whether it is
 *   configured (`configured`, `reason` naming each unbound category role: such a model never runs);
 * - `GET /api/models/{id}[?version=N]`: one model (current or an old version) with its versions;
 *   both answer each model's `backtest` line (./backtest-routes.ts: cached, or `computing`);
 * - `PUT /api/models/{id}`: create or edit a definition (validated; an edit is a new version);
 * - `POST /api/models/{id}/runs` `{ asOf?, mode? }`: queue a run now, 202 with the run (poll its
 *   status). A past `asOf` (over 10 minutes ago) is a preview: findings only, no warning touched
 *   (mode.ts); `mode: 'preview'` previews now too; `mode: 'live'` with a past `asOf`, or an `asOf`
 *   ahead of now, is a 400;
 * - `GET /api/models/{id}/runs?limit=&mode=`: its runs, newest first;
 * - `GET /api/models/{id}/runs/{runId}`, `GET /api/model-runs/{id}`: one run with the definition it
 *   used and its findings.
 */
import { Router } from 'express'
import { z } from 'zod'

import { auditRequest } from '../audit/request.ts'
import { scopeOf } from '../auth/context.ts'
import { loadRoles } from '../categories/roles-store.ts'
import { type Db, type Scope, SYSTEM_SCOPE } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { InstantSchema } from '../incidents/query-schema.ts'
import { closeStaleRuns } from '../ops/heartbeat.ts'
import { listLimit } from '../shared/list-query.ts'
import { backtestCache } from './backtest-routes.ts'
import { unknownCategories } from './data.ts'
import { ModelDefinitionSchema, ModelIdSchema } from './definition.ts'
import { LIVE_TOLERANCE_MS, runModeAt, RunModeSchema } from './mode.ts'
import { modelConfigState } from './roles.ts'
import type { ModelService } from './service.ts'
import { getModel, getRun, listModels, listRuns, modelVersions, saveModel } from './store.ts'

export const ModelParamsSchema = z.object({ id: ModelIdSchema })
export const ModelQuerySchema = z.object({ version: z.coerce.number().int().min(1).optional() })
export const RunParamsSchema = z.object({ id: z.string().regex(/^\d{1,18}$/, 'a run id') })
export const ModelRunParamsSchema = z.object({ id: ModelIdSchema, runId: z.string().regex(/^\d{1,18}$/, 'a run id') })
export const RunListQuerySchema = z.object({ limit: listLimit(500, 50), mode: RunModeSchema.optional() })
/**
 * `POST /api/models/{id}/runs`: judge the data as at `asOf` (default now). A past `asOf`
 * previews (reproduces a run, or asks what the model would have said): it never acts on warnings.
 */
export const RunRequestSchema = z.object({ asOf: InstantSchema.optional(), mode: RunModeSchema.optional() }).prefault({})
export type RunRequest = z.infer<typeof RunRequestSchema>

/** Category codes of a definition that the catalogue does not know: a 400 naming each (unbound roles are allowed: the model shows as not configured). */
async function checkCategories(db: Db, def: z.infer<typeof ModelDefinitionSchema>): Promise<void> {
  const lists: [string, readonly string[]][] = [['categories', def.categories]]
  if (def.kind === 'dispute_escalation') lists.push(['params.escalateCategories', def.params.escalateCategories])
  const issues: { where: string; message: string }[] = []
  for (const [field, codes] of lists) {
    const unknown = new Set(await unknownCategories(db.sql, codes))
    codes.forEach((c, i) => unknown.has(c) && issues.push({ where: `body.${field}.${i}`, message: `unknown category ${c}` }))
  }
  if (issues.length > 0) throw new HttpError(400, `invalid body: ${issues.map((i) => `${i.where}: ${i.message}`).join('; ')}`, issues)
}

/** @example app.use(modelRoutes(db, models)) */
export function modelRoutes(db: Db, models: ModelService): Router {
  const router = Router()

  router.get('/api/models', async (_req, res) => {
    await models.ready()
    await closeStaleRuns(db.sql, 'model_runs')
    const items = await listModels(db.sql)
    const runs = await Promise.all(items.map((m) => listRuns(db.sql, m.id, 1)))
    const live = await Promise.all(items.map((m) => listRuns(db.sql, m.id, 1, 'live')))
    const roles = await loadRoles(db.sql)
    const backtests = await Promise.all(items.map((m) => backtestCache(db).card(m, undefined, models.now())))
    res.json({
      items: items.map((m, i) => ({
        ...m,
        ...modelConfigState(m.definition, roles),
        lastRun: runs[i]![0] ?? null,
        lastLiveRun: live[i]![0] ?? null,
        backtest: backtests[i],
      })),
    })
  })

  router.get('/api/models/:id', async (req, res) => {
    const { id } = parseInput(ModelParamsSchema, req.params, 'params')
    const { version } = parseInput(ModelQuerySchema, req.query, 'query')
    await models.ready()
    await closeStaleRuns(db.sql, 'model_runs')
    const model = await getModel(db.sql, id, version)
    if (!model) throw new HttpError(404, version ? `no version ${version} of model ${id}` : `no model ${id}`)
    const state = modelConfigState(model.definition, await loadRoles(db.sql))
    res.json({
      ...model,
      ...state,
      versions: await modelVersions(db.sql, id),
      lastRun: (await listRuns(db.sql, id, 1))[0] ?? null,
      lastLiveRun: (await listRuns(db.sql, id, 1, 'live'))[0] ?? null,
      backtest: await backtestCache(db).card(model, undefined, models.now()),
    })
  })

  router.put('/api/models/:id', async (req, res) => {
    const { id } = parseInput(ModelParamsSchema, req.params, 'params')
    const body: unknown = req.body
    const withId = body && typeof body === 'object' && !Array.isArray(body) ? { id, ...body } : body
    const def = parseInput(ModelDefinitionSchema, withId, 'body')
    if (def.id !== id)
      throw new HttpError(400, `invalid body: body.id: ${def.id} is not the id in the URL (${id})`, [
        { where: 'body.id', message: 'must match the URL' },
      ])
    await checkCategories(db, def)
    await models.ready()
    const existing = await getModel(db.sql, id)
    if (existing && existing.kind !== def.kind) {
      throw new HttpError(409, `model ${id} is a ${existing.kind} model; a definition cannot change its kind (save it under a new id)`, {
        kind: existing.kind,
      })
    }
    const { model, changed } = await db.withScope(SYSTEM_SCOPE, (tx) => saveModel(tx, def, actorOf(req)))
    if (changed || !existing)
      await auditRequest(db, req, res, 'model.update', `model:${id}`, { version: model.version, created: !existing })
    const state = modelConfigState(model.definition, await loadRoles(db.sql))
    res.status(existing ? 200 : 201).json({ ...model, ...state, changed, versions: await modelVersions(db.sql, id) })
  })

  router.post('/api/models/:id/runs', async (req, res) => {
    const { id } = parseInput(ModelParamsSchema, req.params, 'params')
    const { asOf, mode } = parseInput(RunRequestSchema, req.body ?? {}, 'body')
    const byDate = asOf ? runModeAt(asOf, models.now()) : 'live'
    const minutes = LIVE_TOLERANCE_MS / 60_000
    if (byDate === 'future') {
      throw new HttpError(
        400,
        `invalid body: body.asOf: more than ${minutes} minutes ahead of now (there is no data from the future to judge)`,
        [{ where: 'body.asOf', message: 'in the future' }],
      )
    }
    if (mode === 'live' && byDate === 'preview') {
      throw new HttpError(
        400,
        `invalid body: body.mode: a run for a past date (asOf over ${minutes} minutes ago) is a preview and cannot act on live warnings`,
        [{ where: 'body.mode', message: 'live needs asOf now' }],
      )
    }
    const run = await models.enqueue(id, { trigger: 'manual', actor: actorOf(req), mode: mode ?? byDate, ...(asOf ? { asOf } : {}) })
    await auditRequest(db, req, res, 'model.run', `model:${id}`, { runId: run.id, asOf: asOf ?? null, mode: run.mode })
    res.status(202).location(`/api/model-runs/${run.id}`).json(run)
  })

  router.get('/api/models/:id/runs', async (req, res) => {
    const { id } = parseInput(ModelParamsSchema, req.params, 'params')
    const { limit, mode } = parseInput(RunListQuerySchema, req.query, 'query')
    await models.ready()
    if (!(await getModel(db.sql, id))) throw new HttpError(404, `no model ${id}`)
    await closeStaleRuns(db.sql, 'model_runs') // runs whose process died: failed, not queued or running forever
    res.json({ items: await listRuns(db.sql, id, limit, mode) })
  })

  router.get('/api/models/:id/runs/:runId', async (req, res) => {
    const { id, runId } = parseInput(ModelRunParamsSchema, req.params, 'params')
    await closeStaleRuns(db.sql, 'model_runs')
    const run = await getRun(db.sql, runId)
    if (!run || run.modelId !== id) throw new HttpError(404, `no run ${runId} of model ${id}`)
    res.json(forCaller(run, scopeOf(req)))
  })

  router.get('/api/model-runs/:id', async (req, res) => {
    const { id } = parseInput(RunParamsSchema, req.params, 'params')
    await closeStaleRuns(db.sql, 'model_runs')
    const run = await getRun(db.sql, id)
    if (!run) throw new HttpError(404, `no model run ${id}`)
    res.json(forCaller(run, scopeOf(req)))
  })

  return router
}

/**
 * A run as a caller may see it: a run's findings name places all over the district, so a town
 * officer or grid worker gets its counts and not its findings (their own warnings, in their scope,
 * are at /api/warnings).
 * @example forCaller(run, { areaCodes: ['330109001'] }).findings // undefined, findingsHidden: true
 */
export function forCaller<R extends { findings?: unknown }>(
  run: R,
  scope: Pick<Scope, 'areaCodes'>,
): R | (Omit<R, 'findings'> & { findingsHidden: true }) {
  if (scope.areaCodes === null) return run
  const { findings: _hidden, ...rest } = run
  return { ...rest, findingsHidden: true as const }
}
