/**
 * The model service: one queue of runs per process (runs execute one at a time — the embedded
 * database has one connection anyway, and two runs of one model must not race on its warnings),
 * the in-process scheduler (each enabled definition every `schedule.everyMinutes`, judged from
 * the recorded runs, so a restart does not rerun everything), and the optional run of every
 * enabled model at start-up. A model that is not configured (a category role it needs is unbound,
 * server/models/roles.ts) is never queued: the scheduler skips it and a manual run is a 409.
 * Scheduled and start-up runs judge "now" and are live; a run for a past as-of is a preview that
 * touches no warning (server/models/mode.ts).
 */
import { loadRoles } from '../categories/roles-store.ts'
import type { Db } from '../db/index.ts'
import { closeStaleRuns, startHeartbeat } from '../ops/heartbeat.ts'
import { Conflict, NotFound } from '../shared/errors.ts'
import { type RunMode, runModeAt } from './mode.ts'
import { modelConfigState } from './roles.ts'
import { executeRun } from './runner.ts'
import {
  beatModelRun,
  createRun,
  ensureBuiltinModels,
  failRun,
  getModel,
  getRun,
  lastRunRequested,
  listModels,
  type ModelRun,
  type RunTrigger,
} from './store.ts'

export interface ModelServiceOptions {
  /** Run every enabled model on its schedule. */
  scheduler: boolean
  /** Run every enabled model once when started. */
  runOnStart: boolean
  /** How often the scheduler looks for due models. */
  tickMs: number
  /** The service's clock: the scheduler's, and what "now" is for a run's mode (tests fix it). */
  now?: () => Date
}

/** What to run: the data as at `asOf` (default now), live or preview (default: by `asOf`, mode.ts). */
export interface RunRequest {
  trigger: RunTrigger
  asOf?: Date
  actor: string
  mode?: RunMode
}

export interface ModelService {
  /** Built-in definitions stored (memoised): every route awaits it. */
  ready(): Promise<void>
  /** The service's clock. */
  now(): Date
  /** Queues a run of the model's current definition; answers the queued run at once. */
  enqueue(modelId: string, r: RunRequest): Promise<ModelRun>
  /** Queues a run and waits for it to finish; answers the finished run. */
  runNow(modelId: string, r: Partial<RunRequest>): Promise<ModelRun>
  /** Resolves when the queue is empty. */
  idle(): Promise<void>
  /** Starts the scheduler / the start-up runs as configured. */
  start(): void
  /** Stops the scheduler (runs in progress finish; queued ones are not started). */
  stop(): void
}

/**
 * Creates the model service (does not start the scheduler).
 * @example const models = createModelService(db, { scheduler: true, runOnStart: true, tickMs: 30_000 })
 */
export function createModelService(db: Db, opts: ModelServiceOptions): ModelService {
  const now = opts.now ?? (() => new Date())
  let readyPromise: Promise<void> | null = null
  let chain: Promise<void> = Promise.resolve()
  let pending = 0
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  const active = new Set<string>()

  const ready = (): Promise<void> => {
    readyPromise ??= ensureBuiltinModels(db.sql).catch((err: unknown) => {
      readyPromise = null
      throw err
    })
    return readyPromise
  }

  async function enqueueWait(modelId: string, r: RunRequest): Promise<{ run: ModelRun; done: Promise<void> }> {
    await ready()
    const model = await getModel(db.sql, modelId)
    if (!model) throw new NotFound(`no model ${modelId}`)
    // A role it needs is unbound in this district: nothing to count, so no run at all.
    const state = modelConfigState(model.definition, await loadRoles(db.sql))
    if (!state.configured) {
      throw new Conflict(
        `model ${modelId} is not configured: ${state.reason}; bind the roles (PUT /api/category-roles or npm run import -- roles FILE.json)`,
        { configured: false, reason: state.reason },
      )
    }
    const at = now()
    const asOf = r.asOf ?? at
    const mode = r.mode ?? (runModeAt(asOf, at) === 'preview' ? 'preview' : 'live')
    const run = await createRun(db.sql, model, { trigger: r.trigger, asOf, actor: r.actor, mode })
    const id = String(run.id)
    // Alive while it waits in this process's queue and while it runs: readers close it if we die.
    const stopHeartbeat = startHeartbeat(() => beatModelRun(db.sql, id))
    pending++
    active.add(modelId)
    const done = chain.then(async () => {
      try {
        if (!stopped) await executeRun(db, id)
        else await failRun(db.sql, id, 'not started: the model service was stopped first', 0).catch(() => undefined)
      } finally {
        stopHeartbeat()
        pending--
        active.delete(modelId)
      }
    })
    chain = done
    return { run, done }
  }

  async function tick(first: boolean): Promise<void> {
    try {
      await ready()
      // Not configured (a role unbound): skipped, not run and failed every tick.
      const roles = await loadRoles(db.sql)
      const models = (await listModels(db.sql)).filter((m) => m.definition.enabled && modelConfigState(m.definition, roles).configured)
      const last = await lastRunRequested(db.sql)
      const t = now()
      for (const m of models) {
        if (stopped || active.has(m.id)) continue
        if (first && opts.runOnStart) {
          await enqueueWait(m.id, { trigger: 'startup', actor: 'system' })
          continue
        }
        if (!opts.scheduler || !m.definition.schedule.enabled) continue
        const prev = last.get(m.id)
        if (!prev || t.getTime() - prev.getTime() >= m.definition.schedule.everyMinutes * 60_000) {
          await enqueueWait(m.id, { trigger: 'schedule', actor: 'system' })
        }
      }
    } catch (err) {
      // A database hiccup must not stop the scheduler: the next tick tries again.
      console.error(JSON.stringify({ level: 'warn', msg: 'model scheduler tick failed', error: String(err) }))
    }
  }

  return {
    ready,
    now,
    async enqueue(modelId, r) {
      return (await enqueueWait(modelId, r)).run
    },
    async runNow(modelId, r) {
      const { run, done } = await enqueueWait(modelId, { ...r, trigger: r.trigger ?? 'manual', actor: r.actor ?? 'system' })
      await done
      return (await getRun(db.sql, String(run.id)))!
    },
    async idle() {
      while (pending > 0) await chain
    },
    start() {
      if (!opts.scheduler && !opts.runOnStart) return
      stopped = false
      // Runs a dead process left behind never finish: close them (only those no process beats for,
      // so another server's live runs go on), then look at once.
      void closeStaleRuns(db.sql, 'model_runs')
        .catch(() => [])
        .then(() => tick(true))
      if (opts.scheduler) timer = setInterval(() => void tick(false), opts.tickMs)
    },
    stop() {
      stopped = true
      if (timer) clearInterval(timer)
      timer = null
    },
  }
}
