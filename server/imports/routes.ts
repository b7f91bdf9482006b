import fs from 'node:fs'
import path from 'node:path'

import { Router } from 'express'
import { z } from 'zod'

import { auditRequest } from '../audit/request.ts'
import { allowed, authOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { closeStaleRuns } from '../ops/heartbeat.ts'
import { listLimit } from '../shared/list-query.ts'
import { ImportInputError } from './csv.ts'
import { type ImportJob, ImportJobs } from './jobs.ts'
import { JOB_OPTIONS, JOB_PERMISSION, JobKindSchema, mainFile, reportDirOf, runJob } from './kinds.ts'
import { getImportRun, ImportKindSchema, listImportRuns } from './runs.ts'
import { receiveUpload } from './upload.ts'

export const ListQuerySchema = z.object({
  kind: ImportKindSchema.optional(),
  limit: listLimit(500, 50),
})
export const IdParamsSchema = z.object({ id: z.coerce.number().int().positive() })

export const JobParamsSchema = z.object({ id: z.string().uuid() })
export const ReportParamsSchema = JobParamsSchema.extend({ n: z.coerce.number().int().min(0).max(100) })

/**
 * File imports:
 * - `POST /api/imports` (multipart: `kind`, `options` as JSON, files in `file`) queues a job and
 *   answers 202 with it; the work desk and the command line (handing its jobs to a running
 *   server) both use it;
 * - `GET /api/imports/jobs/{id}` its status, progress and summary; `…/reports/{n}` a report file;
 * - `GET /api/imports[?kind=&limit=]`, `GET /api/imports/{id}`: the lasting record (import_runs).
 */
export function importRoutes(db: Db, jobs: ImportJobs = new ImportJobs()): Router {
  const router = Router()
  router.post('/api/imports', async (req, res) => {
    const upload = await receiveUpload(req)
    try {
      const kind = parseInput(z.object({ kind: JobKindSchema }), upload.fields, 'body').kind
      const need = JOB_PERMISSION[kind]
      if (!allowed(req, need)) throw new HttpError(403, `a ${kind} import needs the ${need} permission`)
      let raw: unknown = {}
      try {
        raw = upload.fields.options ? JSON.parse(upload.fields.options) : {}
      } catch {
        throw new HttpError(400, 'body.options: not valid JSON')
      }
      const options = parseInput(JOB_OPTIONS[kind] as z.ZodType<Record<string, unknown>>, raw, 'body')
      if (kind !== 'onboard') mainFile(kind, upload.files)
      const actor = authOf(req)?.user.username ?? 'unknown'
      const job = jobs.start(
        kind,
        actor,
        (progress, id) => runJob(db, kind, upload.dir, upload.files, options, progress, reportDirOf(id), actor),
        () => upload.remove(),
      )
      await auditRequest(db, req, res, 'import', `import-job:${job.id}`, { kind, files: upload.files.map((f) => path.basename(f)) })
      res.status(202).location(`/api/imports/jobs/${job.id}`).json(jobView(job))
    } catch (err) {
      upload.remove()
      if (err instanceof ImportInputError) throw new HttpError(400, err.message)
      throw err
    }
  })
  router.get('/api/imports/jobs/:id', async (req, res) => {
    const { id } = parseInput(JobParamsSchema, req.params, 'params')
    const job = jobs.get(id)
    if (!job) throw new HttpError(404, `no import job ${id}`)
    res.json(jobView(job))
  })
  router.get('/api/imports/jobs/:id/reports/:n', async (req, res) => {
    const { id, n } = parseInput(ReportParamsSchema, req.params, 'params')
    const file = jobs.get(id)?.reports[n]
    if (!file || !fs.existsSync(file)) throw new HttpError(404, `no report ${n} of import job ${id}`)
    res.type('text/csv; charset=utf-8').attachment(path.basename(file)).send(fs.readFileSync(file))
  })
  router.get('/api/imports', async (req, res) => {
    const q = parseInput(ListQuerySchema, req.query, 'query')
    // A run whose process died is closed first (no heartbeat for 3 minutes), never shown as running.
    await closeStaleRuns(db.sql, 'import_runs')
    res.json({ items: await listImportRuns(db.sql, q) })
  })
  router.get('/api/imports/:id', async (req, res) => {
    const { id } = parseInput(IdParamsSchema, req.params, 'params')
    await closeStaleRuns(db.sql, 'import_runs')
    const run = await getImportRun(db.sql, id)
    if (!run) throw new HttpError(404, `no import run ${id}`)
    res.json(run)
  })
  return router
}

/** A job as the API shows it: report files by number, not by server path. */
function jobView(job: ImportJob) {
  const { reports, ...rest } = job
  return { ...rest, reports: reports.map((f, n) => ({ name: path.basename(f), url: `/api/imports/jobs/${job.id}/reports/${n}` })) }
}
