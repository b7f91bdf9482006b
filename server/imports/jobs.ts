/**
 * Import jobs run by the server for the import endpoint (the work desk and the command line,
 * which hands its jobs to a running server): one at a time, in arrival order, because every
 * import writes the same tables and an embedded database has one connection. A job's progress
 * is the importer's own phases; its result is the importer's summary. Jobs live in memory
 * (import_runs keeps the lasting record of each run).
 */
import crypto from 'node:crypto'

import type { PhaseProgress } from '../ops/progress.ts'

export interface ImportJob {
  id: string
  kind: string
  status: 'queued' | 'running' | 'done' | 'failed'
  /** The phase under way, with its counts (total 0: unknown). */
  progress: { phase: string; done: number; total: number } | null
  result: unknown
  error: string | null
  /** Report files the job wrote, served by GET /api/imports/jobs/{id}/reports/{n}. */
  reports: string[]
  createdBy: string
  createdAt: Date
  finishedAt: Date | null
}

const KEEP_MS = 24 * 3600_000

export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>()
  private tail: Promise<void> = Promise.resolve()

  /**
   * Queues `work`; it gets a progress reporter and returns its summary and report files.
   * @example const job = jobs.start('boundaries', 'admin', (p) => importBoundaries(db, f, { level: 'town', progress: p }).then((s) => ({ result: s, reports: [] })))
   */
  start(
    kind: string,
    createdBy: string,
    work: (progress: PhaseProgress, jobId: string) => Promise<{ result: unknown; reports: string[] }>,
    cleanup?: () => void,
  ): ImportJob {
    this.prune()
    const job: ImportJob = {
      id: crypto.randomUUID(),
      kind,
      status: 'queued',
      progress: null,
      result: null,
      error: null,
      reports: [],
      createdBy,
      createdAt: new Date(),
      finishedAt: null,
    }
    this.jobs.set(job.id, job)
    const progress: PhaseProgress = {
      start(phase, total) {
        job.progress = { phase, done: 0, total }
      },
      update(done) {
        if (job.progress) job.progress.done = done
      },
      stop() {
        if (job.progress) job.progress.done = Math.max(job.progress.done, job.progress.total)
      },
    }
    this.tail = this.tail.then(async () => {
      job.status = 'running'
      try {
        const out = await work(progress, job.id)
        job.result = out.result
        job.reports = out.reports
        job.status = 'done'
      } catch (err) {
        job.status = 'failed'
        job.error = err instanceof Error ? err.message : String(err)
      } finally {
        job.finishedAt = new Date()
        cleanup?.()
      }
    })
    return job
  }

  get(id: string): ImportJob | null {
    return this.jobs.get(id) ?? null
  }

  /** Waits for every queued job (tests, shutdown). */
  idle(): Promise<void> {
    return this.tail
  }

  private prune(): void {
    const old = Date.now() - KEEP_MS
    for (const [id, j] of this.jobs) if (j.finishedAt && j.finishedAt.getTime() < old) this.jobs.delete(id)
  }
}
