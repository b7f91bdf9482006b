/**
 * Model definitions (current and every version) and model runs in the database.
 */
import { isDeepStrictEqual } from 'node:util'

import { z } from 'zod'

import type { Queryable, Tx } from '../db/index.ts'
import { BUILTIN_MODELS } from './builtins.ts'
import { type ModelDefinition, ModelDefinitionSchema, ModelKindSchema } from './definition.ts'
import { type RunMode, RunModeSchema } from './mode.ts'

/** A model as the API answers. */
export const ModelSchema = z.object({
  id: z.string(),
  kind: ModelKindSchema,
  version: z.number().int(),
  builtin: z.boolean(),
  definition: ModelDefinitionSchema,
  updatedBy: z.string(),
  updatedAt: z.string(),
})
export type Model = z.infer<typeof ModelSchema>

export const ModelVersionSchema = z.object({ version: z.number().int(), createdBy: z.string(), createdAt: z.string() })
export type ModelVersion = z.infer<typeof ModelVersionSchema>

export const RunTriggerSchema = z.enum(['schedule', 'startup', 'manual'])
export type RunTrigger = z.infer<typeof RunTriggerSchema>
export const RunStatusSchema = z.enum(['queued', 'running', 'done', 'failed'])

/**
 * A run as the API answers (`definition` and `findings` only in the single-run answer). `mode`:
 * 'live' runs act on the warnings, 'preview' runs (a past as-of) only record their findings
 * (server/models/mode.ts); a preview's raised, updated and expired are 0.
 */
export const ModelRunSchema = z.object({
  id: z.number().int(),
  modelId: z.string(),
  modelVersion: z.number().int(),
  trigger: RunTriggerSchema,
  mode: RunModeSchema,
  status: RunStatusSchema,
  asOf: z.string(),
  dataFrom: z.string().nullable(),
  dataTo: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  findingsCount: z.number().int().nullable(),
  raised: z.number().int().nullable(),
  updated: z.number().int().nullable(),
  expired: z.number().int().nullable(),
  error: z.string().nullable(),
  definition: z.unknown().optional(),
  findings: z.unknown().optional(),
})
export type ModelRun = z.infer<typeof ModelRunSchema>

interface ModelRow {
  id: string
  kind: string
  version: number
  builtin: boolean
  definition: unknown
  updated_by: string
  updated_at: Date
}

function toModel(r: ModelRow): Model {
  return {
    id: r.id,
    kind: ModelKindSchema.parse(r.kind),
    version: r.version,
    builtin: r.builtin,
    definition: ModelDefinitionSchema.parse(r.definition),
    updatedBy: r.updated_by,
    updatedAt: r.updated_at.toISOString(),
  }
}

/**
 * Stores the built-in definitions that are not there yet. A built-in nobody has edited (every
 * version written by the system) that differs from the built-in as it is now — e.g. stored with
 * Xiaoshan's item codes before models named category roles — gets it as its next version, by
 * 'system'; an edited one is left alone (its explicit codes still work).
 * @example await ensureBuiltinModels(db.sql)
 */
export async function ensureBuiltinModels(sql: Queryable): Promise<void> {
  for (const def of BUILTIN_MODELS) {
    const json = sql.json(def as never)
    const inserted = await sql`
      INSERT INTO models (id, kind, version, definition, builtin, updated_by)
      VALUES (${def.id}, ${def.kind}, 1, ${json}, true, 'system')
      ON CONFLICT (id) DO NOTHING RETURNING id`
    if (inserted.length > 0) {
      await sql`INSERT INTO model_versions (model_id, version, definition, created_by) VALUES (${def.id}, 1, ${json}, 'system') ON CONFLICT DO NOTHING`
      continue
    }
    const [cur] = await sql<{ version: number; definition: unknown; untouched: boolean }[]>`
      SELECT m.version, m.definition, bool_and(v.created_by = 'system') AS untouched
      FROM models m JOIN model_versions v ON v.model_id = m.id
      WHERE m.id = ${def.id} AND m.builtin AND m.kind = ${def.kind}
      GROUP BY m.version, m.definition`
    if (!cur?.untouched) continue
    const stored = ModelDefinitionSchema.safeParse(cur.definition)
    if (stored.success && isDeepStrictEqual(stored.data, def)) continue
    // Only the first of two servers starting at once moves the version on.
    const moved = await sql`
      UPDATE models SET version = ${cur.version + 1}, definition = ${json}, updated_by = 'system', updated_at = now()
      WHERE id = ${def.id} AND version = ${cur.version} RETURNING id`
    if (moved.length > 0) {
      await sql`INSERT INTO model_versions (model_id, version, definition, created_by) VALUES (${def.id}, ${cur.version + 1}, ${json}, 'system') ON CONFLICT DO NOTHING`
    }
  }
}

/** Every model, by id. */
export async function listModels(sql: Queryable): Promise<Model[]> {
  const rows = await sql<ModelRow[]>`SELECT id, kind, version, builtin, definition, updated_by, updated_at FROM models ORDER BY id`
  return rows.map(toModel)
}

/**
 * One model, at its current version or at `version` (null if either is missing).
 * @example await getModel(db.sql, 'surge', 1)
 */
export async function getModel(sql: Queryable, id: string, version?: number): Promise<Model | null> {
  const [row] =
    version === undefined
      ? await sql<ModelRow[]>`SELECT id, kind, version, builtin, definition, updated_by, updated_at FROM models WHERE id = ${id}`
      : await sql<ModelRow[]>`
          SELECT m.id, m.kind, v.version, m.builtin, v.definition, v.created_by AS updated_by, v.created_at AS updated_at
          FROM models m JOIN model_versions v ON v.model_id = m.id AND v.version = ${version}
          WHERE m.id = ${id}`
  return row ? toModel(row) : null
}

/** A model's versions, newest first. */
export async function modelVersions(sql: Queryable, id: string): Promise<ModelVersion[]> {
  const rows = await sql<{ version: number; created_by: string; created_at: Date }[]>`
    SELECT version, created_by, created_at FROM model_versions WHERE model_id = ${id} ORDER BY version DESC`
  return rows.map((r) => ({ version: r.version, createdBy: r.created_by, createdAt: r.created_at.toISOString() }))
}

/**
 * Saves a definition: a new model at version 1, or the next version of an existing one (the
 * old versions stay). Saving the same definition again keeps the version. Returns the model.
 * @example await saveModel(tx, def, 'analyst-3')
 */
export async function saveModel(tx: Tx, def: ModelDefinition, actor: string): Promise<{ model: Model; changed: boolean }> {
  const json = tx.json(def as never)
  const [cur] = await tx<{ version: number; kind: string; same: boolean }[]>`
    SELECT version, kind, definition = ${json}::jsonb AS same FROM models WHERE id = ${def.id} FOR UPDATE`
  if (cur?.same) return { model: (await getModel(tx, def.id))!, changed: false }
  const version = (cur?.version ?? 0) + 1
  if (cur) {
    await tx`UPDATE models SET kind = ${def.kind}, version = ${version}, definition = ${json}, updated_by = ${actor}, updated_at = now() WHERE id = ${def.id}`
  } else {
    await tx`INSERT INTO models (id, kind, version, definition, builtin, updated_by) VALUES (${def.id}, ${def.kind}, ${version}, ${json}, false, ${actor})`
  }
  await tx`INSERT INTO model_versions (model_id, version, definition, created_by) VALUES (${def.id}, ${version}, ${json}, ${actor})`
  return { model: (await getModel(tx, def.id))!, changed: true }
}

interface RunRow {
  id: string
  model_id: string
  model_version: number
  trigger: RunTrigger
  mode: RunMode
  status: z.infer<typeof RunStatusSchema>
  as_of: Date
  data_from: Date | null
  data_to: Date | null
  requested_by: string
  requested_at: Date
  started_at: Date | null
  finished_at: Date | null
  duration_ms: number | null
  findings_count: number | null
  raised: number | null
  updated: number | null
  expired: number | null
  error: string | null
  definition?: unknown
  findings?: unknown
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null

function toRun(r: RunRow): ModelRun {
  return {
    id: Number(r.id),
    modelId: r.model_id,
    modelVersion: r.model_version,
    trigger: r.trigger,
    mode: r.mode,
    status: r.status,
    asOf: r.as_of.toISOString(),
    dataFrom: iso(r.data_from),
    dataTo: iso(r.data_to),
    requestedBy: r.requested_by,
    requestedAt: r.requested_at.toISOString(),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    durationMs: r.duration_ms,
    findingsCount: r.findings_count,
    raised: r.raised,
    updated: r.updated,
    expired: r.expired,
    error: r.error,
    ...(r.definition !== undefined ? { definition: r.definition } : {}),
    ...(r.findings !== undefined ? { findings: r.findings } : {}),
  }
}

const RUN_COLUMNS = [
  'id',
  'model_id',
  'model_version',
  'trigger',
  'mode',
  'status',
  'as_of',
  'data_from',
  'data_to',
  'requested_by',
  'requested_at',
  'started_at',
  'finished_at',
  'duration_ms',
  'findings_count',
  'raised',
  'updated',
  'expired',
  'error',
] as const

/**
 * Records a queued run of the model's current version with the definition it will use (live
 * unless `mode` says preview: the caller decides, server/models/mode.ts).
 * @example await createRun(db.sql, model, { trigger: 'manual', asOf: new Date(), actor: 'chief' })
 */
export async function createRun(
  sql: Queryable,
  model: Model,
  r: { trigger: RunTrigger; asOf: Date; actor: string; mode?: RunMode },
): Promise<ModelRun> {
  const [row] = await sql<RunRow[]>`
    INSERT INTO model_runs (model_id, model_version, definition, trigger, mode, as_of, requested_by)
    VALUES (${model.id}, ${model.version}, ${sql.json(model.definition as never)}, ${r.trigger}, ${r.mode ?? 'live'}, ${r.asOf}, ${r.actor})
    RETURNING ${sql([...RUN_COLUMNS])}`
  return toRun(row!)
}

/** The definition, as-of time and mode a run was queued with, and marks it running (only from queued: a closed run stays closed). */
export async function startRun(
  sql: Queryable,
  id: string,
): Promise<{ modelId: string; version: number; definition: ModelDefinition; asOf: Date; mode: RunMode }> {
  const [row] = await sql<{ model_id: string; model_version: number; definition: unknown; as_of: Date; mode: RunMode }[]>`
    UPDATE model_runs SET status = 'running', started_at = now() WHERE id = ${id}::bigint AND status = 'queued'
    RETURNING model_id, model_version, definition, as_of, mode`
  if (!row) throw new Error(`no queued model run ${id}`)
  return {
    modelId: row.model_id,
    version: row.model_version,
    definition: ModelDefinitionSchema.parse(row.definition),
    asOf: row.as_of,
    mode: row.mode,
  }
}

/** Records a finished run. */
export async function finishRun(
  sql: Queryable,
  id: string,
  r: {
    window: { from: Date; to: Date }
    durationMs: number
    raised: number
    updated: number
    expired: number
    findings: unknown
    findingsCount: number
  },
): Promise<void> {
  await sql`
    UPDATE model_runs SET status = 'done', finished_at = now(), duration_ms = ${Math.round(r.durationMs)}, data_from = ${r.window.from},
      data_to = ${r.window.to}, raised = ${r.raised}, updated = ${r.updated}, expired = ${r.expired},
      findings_count = ${r.findingsCount}, findings = ${sql.json(r.findings as never)}
    WHERE id = ${id}::bigint`
}

/** Records a failed run (one already ended keeps its outcome). */
export async function failRun(sql: Queryable, id: string, error: string, durationMs: number): Promise<void> {
  await sql`UPDATE model_runs SET status = 'failed', finished_at = now(), duration_ms = ${Math.round(durationMs)}, error = ${error.slice(0, 4000)}
    WHERE id = ${id}::bigint AND status IN ('queued', 'running')`
}

/**
 * Marks a queued or running run alive (migrations/021_model_run_heartbeats.sql): its process has
 * it in hand. An ended run is left alone, so a late beat never reopens it.
 * @example const stop = startHeartbeat(() => beatModelRun(db.sql, run.id))
 */
export async function beatModelRun(sql: Queryable, id: string): Promise<void> {
  await sql`UPDATE model_runs SET heartbeat_at = now() WHERE id = ${id}::bigint AND status IN ('queued', 'running')`
}

/** One run with its definition and findings, or null. */
export async function getRun(sql: Queryable, id: string): Promise<ModelRun | null> {
  const [row] = await sql<RunRow[]>`SELECT ${sql([...RUN_COLUMNS])}, definition, findings FROM model_runs WHERE id = ${id}::bigint`
  return row ? toRun(row) : null
}

/**
 * A model's runs, newest first (of one mode if `mode` is given).
 * @example await listRuns(db.sql, 'surge', 20, 'preview')
 */
export async function listRuns(sql: Queryable, modelId: string, limit: number, mode?: RunMode): Promise<ModelRun[]> {
  const rows = await sql<RunRow[]>`
    SELECT ${sql([...RUN_COLUMNS])} FROM model_runs
    WHERE model_id = ${modelId} ${mode ? sql`AND mode = ${mode}` : sql``}
    ORDER BY id DESC LIMIT ${limit}`
  return rows.map(toRun)
}

/**
 * When each model's latest live run was requested (any trigger): the scheduler's memory. A
 * preview keeps no warning current, so it does not put the next scheduled run off.
 */
export async function lastRunRequested(sql: Queryable): Promise<Map<string, Date>> {
  const rows = await sql<
    { model_id: string; at: Date }[]
  >`SELECT model_id, max(requested_at) AS at FROM model_runs WHERE mode = 'live' GROUP BY model_id`
  return new Map(rows.map((r) => [r.model_id, r.at]))
}
