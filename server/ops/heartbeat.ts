/**
 * Heartbeats of long jobs (migrations/020_run_heartbeats.sql, 021 for model runs): while a job
 * waits or runs, its process marks its row alive; a row still 'queued' or 'running' whose mark is
 * older than STALE_AFTER_MS belongs to a process that died, and is closed as failed when the runs
 * are next read.
 */
import type { ISql } from 'postgres'

/** How often a running job marks its row alive. */
export const HEARTBEAT_MS = 20_000

/**
 * How long without a mark means the job's process died: nine missed beats, so a process
 * that is only busy (a long statement, a paused VM) is never taken for dead.
 */
export const STALE_AFTER_MS = 180_000

/**
 * The tables of jobs that beat, each with the column its failure message goes in. Each has
 * status ('queued' or 'running' until it ends), finished_at and heartbeat_at.
 */
const MESSAGE_COLUMN = { import_runs: 'message', reconcile_runs: 'message', exports: 'message', model_runs: 'error' } as const
export type RunTable = keyof typeof MESSAGE_COLUMN

/**
 * Closes the runs of a table whose process died: queued or running with no heartbeat for `staleMs` →
 * 'failed', finished at their last heartbeat, with a message saying so. Returns their ids.
 * Readers of the runs call it first, so an API never shows a dead job as running.
 * @example await closeStaleRuns(db.sql, 'import_runs') // [12]: run 12's message reads 'interrupted: the process running it stopped (last heartbeat 2026-11-23T02:00:00Z)'
 */
export async function closeStaleRuns(sql: ISql, table: RunTable, staleMs: number = STALE_AFTER_MS): Promise<number[]> {
  const rows = await sql<{ id: string }[]>`
    UPDATE ${sql(table)} SET status = 'failed', finished_at = heartbeat_at,
      ${sql(MESSAGE_COLUMN[table])} = 'interrupted: the process running it stopped (last heartbeat '
        || to_char(heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ')'
    WHERE status IN ('queued', 'running') AND heartbeat_at < now() - make_interval(secs => ${staleMs / 1000})
    RETURNING id`
  return rows.map((r) => Number(r.id))
}

/**
 * Calls `beat` every `everyMs` until the returned function is called. The timer does not keep
 * the process alive, beats never overlap, and a failed one is simply tried again at the next tick
 * (the job's own outcome is what counts; nine failed beats in a row let readers close the row).
 * @example const stop = startHeartbeat(() => beatImportRun(db.sql, id, counts)); try { … } finally { stop() }
 */
export function startHeartbeat(beat: () => Promise<unknown>, everyMs: number = HEARTBEAT_MS): () => void {
  let busy = false
  const timer = setInterval(() => {
    if (busy) return
    busy = true
    beat().then(
      () => (busy = false),
      () => (busy = false),
    )
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}
