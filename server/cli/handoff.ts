/**
 * Handing a command-line job to the server that holds the embedded database: the CLI uploads
 * its files to the import endpoint (POST /api/imports, the work desk's too) with the local token
 * of DATA_DIR/server.json, shows the job's progress as its own, and saves the reports where it
 * would have written them.
 */
import fs from 'node:fs'
import path from 'node:path'

import { readServerFile, type ServerFile } from '../auth/local-token.ts'
import type { Config } from '../config.ts'
import type { Db } from '../db/index.ts'
import { type PhaseProgress, terminalProgress } from '../ops/progress.ts'
import { log, openConfiguredDb } from './boot.ts'

export class HandoffError extends Error {
  override name = 'HandoffError'
}

/**
 * The server holding this configuration's embedded database, if one is running (none for a
 * native database: any number of processes share it).
 * @example runningServer(loadConfig()) // { pid: 4242, url: 'http://127.0.0.1:8080', token: 'oml_…' } | null
 */
export function runningServer(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>): ServerFile | null {
  if (config.DATABASE_URL) return null
  return readServerFile(config.DATA_DIR)
}

interface JobView {
  id: string
  status: 'queued' | 'running' | 'done' | 'failed'
  progress: { phase: string; done: number; total: number } | null
  result: unknown
  error: string | null
  reports: { name: string; url: string }[]
}

/** The files of a boundary layer to upload: a .shp with its sidecars, else the file alone. */
export function filesToUpload(file: string): string[] {
  if (path.extname(file).toLowerCase() !== '.shp') return [file]
  const dir = path.dirname(file)
  const base = path.basename(file, path.extname(file)).toLowerCase()
  return fs
    .readdirSync(dir)
    .filter((n) => path.basename(n, path.extname(n)).toLowerCase() === base)
    .map((n) => path.join(dir, n))
}

/**
 * Uploads files as a job of `kind`, follows it to the end and returns its summary; `saveReport`
 * chooses where each report is saved (null: not saved). A refused or failed job is a
 * HandoffError with the server's one-sentence message.
 * @example const s = await handOff(server, 'boundaries', ['towns.zip'], { level: 'town' }, progress, () => 'towns.zip.report.csv')
 */
export async function handOff(
  server: ServerFile,
  kind: string,
  files: readonly string[],
  options: Record<string, unknown>,
  progress: PhaseProgress,
  saveReport: (name: string) => string | null,
): Promise<{ result: unknown; savedReports: string[] }> {
  const headers = { authorization: `Bearer ${server.token}` }
  const form = new FormData()
  form.set('kind', kind)
  form.set('options', JSON.stringify(options))
  for (const f of files) form.append('file', await fs.openAsBlob(f), path.basename(f))
  let res: Response
  try {
    res = await fetch(new URL('/api/imports', server.url), { method: 'POST', body: form, headers })
  } catch (err) {
    throw new HandoffError(
      `the server at ${server.url} (process ${server.pid}) holds the database but did not answer (${err instanceof Error ? err.message : String(err)}): try again when it is up, or stop it`,
    )
  }
  if (res.status !== 202) throw new HandoffError(`the server refused the ${kind} import: ${await messageOf(res)}`)
  let job = (await res.json()) as JobView
  let phase: string | null = null
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((r) => setTimeout(r, 300))
    const poll = await fetch(new URL(`/api/imports/jobs/${job.id}`, server.url), { headers })
    if (!poll.ok) throw new HandoffError(`lost track of import job ${job.id}: ${await messageOf(poll)}`)
    job = (await poll.json()) as JobView
    if (job.progress && job.progress.phase !== phase) {
      if (phase !== null) progress.stop()
      phase = job.progress.phase
      progress.start(phase, job.progress.total)
    }
    if (job.progress) progress.update(job.progress.done)
  }
  if (phase !== null) progress.stop()
  const savedReports: string[] = []
  for (const r of job.reports) {
    const target = saveReport(r.name)
    if (!target) continue
    const got = await fetch(new URL(r.url, server.url), { headers })
    if (got.ok) {
      fs.writeFileSync(target, Buffer.from(await got.arrayBuffer()))
      savedReports.push(target)
    }
  }
  if (job.status === 'failed') throw new HandoffError(job.error ?? 'the import failed')
  return { result: job.result, savedReports }
}

async function messageOf(res: Response): Promise<string> {
  const text = await res.text()
  try {
    const body = JSON.parse(text) as { error?: string; message?: string }
    return body.error ?? body.message ?? text
  } catch {
    return `${res.status} ${text.slice(0, 200)}`
  }
}

/**
 * Runs an import here, or, when a server holds the embedded database, hands it to that server
 * (the summary's reportPath is then where the report was saved here).
 * @example const s = await runOrHandOff(config, 'incidents', ['a.csv'], {}, () => 'a.csv.rejects.csv', (db) => importIncidents(db, 'a.csv'))
 */
export async function runOrHandOff<T>(
  config: Config,
  kind: string,
  files: readonly string[],
  options: Record<string, unknown>,
  saveReport: (name: string) => string | null,
  local: (db: Db) => Promise<T>,
): Promise<T> {
  const server = runningServer(config)
  if (server) {
    log(`the server at ${server.url} (process ${server.pid}) holds the database: handing the ${kind} import to it…`)
    const { result, savedReports } = await handOff(server, kind, files, options, terminalProgress(), saveReport)
    const out = result as T
    if (out && typeof out === 'object' && 'reportPath' in out) (out as { reportPath: string | null }).reportPath = savedReports[0] ?? null
    return out
  }
  const db = await openConfiguredDb(config)
  try {
    return await local(db)
  } finally {
    await db.close()
  }
}
