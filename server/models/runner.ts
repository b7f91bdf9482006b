/**
 * Runs one recorded model run: reads the definition, as-of time and mode the run was queued with,
 * detects, keeps the strongest reds red (at most the definition's `maxRedPerRun`, the rest orange:
 * red-cap.ts), and — a live run only — raises or updates warnings and expires stale ones in one
 * transaction; a preview (a past as-of, mode.ts) touches no warning. Records the outcome (window,
 * duration, counts, findings as raised). Findings are stored in a stable order with their numbers,
 * so two runs at the same as-of time over the same data can be compared field by field.
 */
import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import { recordModelRun } from '../ops/metrics.ts'
import { expireWarnings, upsertWarning } from '../warnings/store.ts'
import { detect } from './kinds/index.ts'
import { capRed } from './red-cap.ts'
import { failRun, finishRun, startRun } from './store.ts'
import type { Finding } from './types.ts'
import { byString } from './util.ts'

/** What a run records of a finding (everything but the geometry, which follows from the subject). */
export function findingRecord(f: Finding): {
  subject: string
  level: string
  title: string
  explanation: string
  metrics: Finding['metrics']
} {
  return { subject: f.subject, level: f.level, title: f.title, explanation: f.explanation, metrics: f.metrics }
}

/**
 * Executes a queued run (by id) to the end; never throws for a model failure (the run is
 * recorded as failed with the error).
 * @example await executeRun(db, '17')
 */
export async function executeRun(db: Db, runId: string): Promise<void> {
  const t0 = performance.now()
  let modelId = 'unknown' // for the run metric, also when the run fails before it is read
  try {
    const run = await startRun(db.sql, runId)
    modelId = run.modelId
    const detection = await detect(db.sql, run.definition, run.asOf)
    const sorted = [...detection.findings].sort((a, b) => byString(a.subject, b.subject))
    const findings = capRed(run.definition.kind, sorted, run.definition.maxRedPerRun)
    // A preview (a past as-of) must not raise, re-trigger or expire anything: last May's data
    // would otherwise turn today's warnings red or close them.
    const counts =
      run.mode === 'preview'
        ? { raised: 0, updated: 0, expired: 0 }
        : await db.withScope(SYSTEM_SCOPE, async (tx) => {
            let raised = 0
            let updated = 0
            for (const f of findings) {
              const r = await upsertWarning(tx, { modelId: run.modelId, version: run.version, runId, asOf: run.asOf }, f)
              if (r === 'raised') raised++
              else updated++
            }
            const expired = await expireWarnings(tx, run.modelId, runId, run.asOf, run.definition.expireAfterHours)
            return { raised, updated, expired }
          })
    await finishRun(db.sql, runId, {
      window: detection.window,
      durationMs: performance.now() - t0,
      ...counts,
      findingsCount: findings.length,
      findings: { notes: detection.notes, items: findings.map(findingRecord) },
    })
    recordModelRun(modelId, 'done', (performance.now() - t0) / 1000)
  } catch (err) {
    console.error(JSON.stringify({ level: 'warn', msg: 'model run failed', runId, error: String(err instanceof Error ? err.stack : err) }))
    await failRun(db.sql, runId, String(err instanceof Error ? err.message : err), performance.now() - t0).catch(() => undefined)
    recordModelRun(modelId, 'failed', (performance.now() - t0) / 1000)
  }
}
