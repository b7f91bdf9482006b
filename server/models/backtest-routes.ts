/**
 * Backtests over HTTP (issue 21):
 * - `GET /api/models/{id}/backtest[?periods=N]` (N 1–24, default 6): the model's hit rate and PAI
 *   against the naive baseline over the last N periods, computed now (or from the cache), with
 *   each period and a verdict (server/models/backtest.ts);
 * - `backtestCard(db, model)`: the one-line summary the model list and model card carry, from
 *   the cache only — a missing or stale one is computed in the background, one at a time, and
 *   the card says `computing` meanwhile.
 *
 * Costly (the model runs once per period), so results are cached per model version, number of
 * periods, category binding and end day: a new day, an edited definition or a rebinding of the
 * roles computes afresh, and nothing is older than six hours (late reports for past days).
 *
 * Scope: a model is judged on the whole district (its warnings come from district-wide data),
 * computed with the server's own connection. The answer holds no incident rows and no places; a
 * scoped account (town, grid) gets the ratios — hit rates, area shares, PAIs, verdict — without
 * the district's incident counts, which would reveal the other towns' totals.
 */
import { Router } from 'express'
import { z } from 'zod'

import { scopeOf } from '../auth/context.ts'
import type { Db, Scope } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import {
  backtestEnd,
  backtestModel,
  backtestPeriodDays,
  type BacktestResult,
  BacktestUnavailableError,
  DEFAULT_BACKTEST_PERIODS,
  MAX_BACKTEST_PERIODS,
  noBacktestReason,
} from './backtest.ts'
import { ModelIdSchema } from './definition.ts'
import { modelFilter, ModelNotConfiguredError } from './roles.ts'
import { ensureBuiltinModels, getModel, type Model } from './store.ts'

export const ParamsSchema = z.object({ id: ModelIdSchema })
export const BacktestQuerySchema = z.object({
  periods: z.coerce.number().int().min(1).max(MAX_BACKTEST_PERIODS).default(DEFAULT_BACKTEST_PERIODS),
})

/** A cached result is recomputed after this long even on the same day. */
const MAX_AGE_MS = 6 * 3600_000

/** The line on a model's card. */
export type BacktestCard =
  | {
      status: 'ready'
      verdict: BacktestResult['verdict']
      reason: string | null
      hitRate: number | null
      pai: number | null
      baselineHitRate: number | null
      baselinePai: number | null
      periods: number
      periodDays: number
      from: string
      to: string
      version: number | null
      computedAt: string
    }
  | { status: 'computing'; periods: number; periodDays: number }
  | { status: 'failed'; error: string; computedAt: string }
  | { status: 'not applicable'; reason: string }

interface Entry {
  key: string
  at: number
  result: BacktestResult | null
  error: string | null
  /** the computation in progress (for this key) */
  running: Promise<BacktestResult> | null
}

/**
 * What the cache must know to tell whether a result is still current: the version, the periods,
 * the end day and the item codes the model counts now.
 */
async function cacheKey(db: Db, model: Model, periods: number, end: string): Promise<string> {
  const items = (await modelFilter(db.sql, model.definition)).items
  return JSON.stringify([model.id, model.version, periods, end, items])
}

const slotOf = (model: Model, periods: number): string => `${model.id}|${model.version}|${periods}`

/** The cache of one database's backtests. */
class BacktestCache {
  private entries = new Map<string, Entry>()
  /** slots waiting for the background queue */
  private queued = new Set<string>()
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly db: Db) {}

  private fresh(e: Entry | undefined, key: string): Entry | null {
    return e && e.key === key && e.running === null && Date.now() - e.at < MAX_AGE_MS ? e : null
  }

  /** The result for the model: cached, joined while it is computed, or computed now. */
  async get(model: Model, periods: number, now = new Date()): Promise<BacktestResult> {
    const end = await backtestEnd(this.db.sql, now)
    return this.compute(slotOf(model, periods), await cacheKey(this.db, model, periods, end), model, periods, end)
  }

  /** The card line: cached, or `computing` while a background job computes it. */
  async card(model: Model, periods = DEFAULT_BACKTEST_PERIODS, now = new Date()): Promise<BacktestCard> {
    const periodDays = backtestPeriodDays(model.definition)
    if (periodDays === null) return { status: 'not applicable', reason: noBacktestReason(model.kind) ?? 'not a place forecast' }
    let key: string
    let end: string
    try {
      end = await backtestEnd(this.db.sql, now)
      key = await cacheKey(this.db, model, periods, end)
    } catch (err) {
      if (err instanceof ModelNotConfiguredError) return { status: 'not applicable', reason: `not configured: ${err.reason}` }
      // The model list must answer whatever a backtest's inputs do.
      return { status: 'failed', error: String(err instanceof Error ? err.message : err), computedAt: now.toISOString() }
    }
    const slot = slotOf(model, periods)
    const e = this.entries.get(slot)
    const done = this.fresh(e, key)
    if (done?.result) return cardOf(done.result, periods)
    if (done) return { status: 'failed', error: done.error ?? 'unknown error', computedAt: new Date(done.at).toISOString() }
    if (!(e?.key === key && e.running) && !this.queued.has(slot)) {
      // One background backtest at a time: a model list must not start ten at once.
      this.queued.add(slot)
      this.queue = this.queue
        .then(() => {
          this.queued.delete(slot)
          return this.compute(slot, key, model, periods, end)
        })
        .catch(() => undefined) // recorded in the entry; the card says 'failed'
    }
    return { status: 'computing', periods, periodDays }
  }

  private compute(slot: string, key: string, model: Model, periods: number, end: string): Promise<BacktestResult> {
    const cur = this.entries.get(slot)
    const done = this.fresh(cur, key)
    if (done?.result) return Promise.resolve(done.result)
    if (cur?.key === key && cur.running) return cur.running
    const running = backtestModel(this.db.sql, model.definition, { periods, end, modelId: model.id, version: model.version }).then(
      (result) => {
        this.entries.set(slot, { key, at: Date.now(), result, error: null, running: null })
        return result
      },
      (err: unknown) => {
        this.entries.set(slot, {
          key,
          at: Date.now(),
          result: null,
          error: String(err instanceof Error ? err.message : err),
          running: null,
        })
        throw err
      },
    )
    this.entries.set(slot, { key, at: Date.now(), result: null, error: null, running })
    return running
  }
}

const caches = new WeakMap<Db, BacktestCache>()

/** The backtest cache of a database (one per process and database). */
export function backtestCache(db: Db): BacktestCache {
  let c = caches.get(db)
  if (!c) caches.set(db, (c = new BacktestCache(db)))
  return c
}

/**
 * The card line of a finished backtest.
 * @example cardOf(result, 6) // { status: 'ready', verdict: 'beats baseline', pai: 26.1, baselinePai: 22.4, … }
 */
export function cardOf(r: BacktestResult, periods: number): BacktestCard {
  return {
    status: 'ready',
    verdict: r.verdict,
    reason: r.reason,
    hitRate: r.hitRate,
    pai: r.pai,
    baselineHitRate: r.baselineHitRate,
    baselinePai: r.baselinePai,
    periods,
    periodDays: r.periodDays,
    from: r.from,
    to: r.to,
    version: r.version,
    computedAt: r.computedAt,
  }
}

/** A backtest as a caller may see it: a scoped account gets no district incident counts. */
export type BacktestAnswer = (
  | BacktestResult
  | (Omit<BacktestResult, 'events' | 'hits' | 'baselineHits' | 'periods'> & {
      periods: Omit<BacktestResult['periods'][number], 'events' | 'hits' | 'baselineHits'>[]
    })
) & {
  scope: 'district'
  countsShown: boolean
}

/**
 * The answer for a caller's scope: district-wide callers see everything; a town or grid account
 * the ratios only (the model is judged district-wide; the counts would be other towns' totals).
 * @example forScope(result, { role: 'town', userId: '7', areaCodes: ['330109001'] }).events // undefined
 */
export function forScope(r: BacktestResult, scope: Scope): BacktestAnswer {
  if (scope.areaCodes === null) return { ...r, scope: 'district', countsShown: true }
  const { events: _e, hits: _h, baselineHits: _b, periods, ...rest } = r
  return {
    ...rest,
    periods: periods.map(({ events: _pe, hits: _ph, baselineHits: _pb, ...p }) => p),
    scope: 'district',
    countsShown: false,
  }
}

/**
 * `now`: the clock the periods end by (tests fix it to their data's end).
 * @example app.use(backtestRoutes(db))
 */
export function backtestRoutes(db: Db, now: () => Date = () => new Date()): Router {
  const router = Router()
  router.get('/api/models/:id/backtest', async (req, res) => {
    const { id } = parseInput(ParamsSchema, req.params, 'params')
    const { periods } = parseInput(BacktestQuerySchema, req.query, 'query')
    await ensureBuiltinModels(db.sql)
    const model = await getModel(db.sql, id)
    if (!model) throw new HttpError(404, `no model ${id}`)
    if (backtestPeriodDays(model.definition) === null)
      throw new HttpError(404, `model ${id} has no backtest: a ${model.kind} model is not a place forecast`)
    let result: BacktestResult
    try {
      result = await backtestCache(db).get(model, periods, now())
    } catch (err) {
      if (err instanceof ModelNotConfiguredError)
        throw new HttpError(409, `${err.message}; bind the roles to backtest it`, { configured: false, reason: err.reason })
      if (err instanceof BacktestUnavailableError) throw new HttpError(409, `model ${id} cannot be backtested: ${err.message}`)
      throw err
    }
    res.json(forScope(result, scopeOf(req)))
  })
  return router
}
