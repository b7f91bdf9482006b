/**
 * `npm run reconcile -- OTHER.csv [--source NAME] [--report FILE]`: matches every row of another
 * address table (the police standard-address table, 标准地址) to the unified address base and
 * fills the review queue (GET /api/reconcile/review). Same columns as the address import.
 */
import { parseArgs } from 'node:util'

import { z } from 'zod'

import { loadConfig } from '../config.ts'
import { MATCH_LEVELS } from '../geocode/schema.ts'
import { ImportInputError } from '../imports/csv.ts'
import { terminalProgress } from '../ops/progress.ts'
import { reconcileFile, type ReconcileSummary } from '../reconcile/run.ts'
import { PAIR_STATUSES, SourceNameSchema } from '../reconcile/schema.ts'
import { log } from './boot.ts'
import { HandoffError, runOrHandOff } from './handoff.ts'

const USAGE =
  'usage: npm run reconcile -- OTHER.csv [--source NAME] [--report FILE]\n' +
  '  columns: address_id, address, lng, lat (required); crs wgs84|gcj02|bd09 (default wgs84); aliases and parts (ignored)\n' +
  '  --source  name of the other table; pairs and decisions are kept per source (default: the file name —\n' +
  '            give the same --source when the table comes back under another file name)\n' +
  '  --report  rejected lines report (default: OTHER.csv.reconcile-rejects.csv)'

const ArgsSchema = z.object({
  file: z.string().min(1),
  source: SourceNameSchema.optional(),
  report: z.string().min(1, 'must not be empty').optional(),
})

/**
 * The end-of-run lines: what the run did by status, the file's rows by level, the queue after.
 * @example summaryLines(s) // ['reconcile police.csv: 12 lines in 0.4 s — 5 matched, …', 'levels: room 3, …', 'queue …']
 */
export function summaryLines(s: ReconcileSummary): string[] {
  const levels = MATCH_LEVELS.filter((l) => s.levels[l]).map((l) => `${l} ${s.levels[l]}`)
  const queue = PAIR_STATUSES.map((st) => `${st} ${s.queue[st]}`)
  return [
    `reconcile ${s.source} (run ${s.runId}): ${s.total} lines in ${s.seconds} s — ${s.matched} matched, ${s.review} review, ` +
      `${s.unmatched} unmatched, ${s.unchanged} unchanged, ${s.rejected} rejected lines` +
      (s.rejected > 0 && s.reportPath ? ` (report: ${s.reportPath})` : ''),
    `  levels: ${levels.join(', ') || 'none'}`,
    `  pairs of ${s.source} now: ${queue.join(', ')}`,
    ...s.warnings.map((w) => `  warning: ${w}`),
  ]
}

async function main(): Promise<number> {
  let values: { source?: string | undefined; report?: string | undefined; help?: boolean | undefined }
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({
      options: { source: { type: 'string' }, report: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }))
  } catch (err) {
    log(`reconcile: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    log(USAGE)
    return 0
  }
  if (positionals.length !== 1) {
    log(`reconcile: give exactly one file (got ${positionals.length})\n${USAGE}`)
    return 2
  }
  const parsed = ArgsSchema.safeParse({ file: positionals[0], source: values.source, report: values.report })
  if (!parsed.success) {
    log(`reconcile: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}\n${USAGE}`)
    return 2
  }
  const args = parsed.data
  const opts = { ...(args.source !== undefined ? { source: args.source } : {}) }
  try {
    const summary = await runOrHandOff(
      loadConfig(),
      'reconcile',
      [args.file],
      opts,
      () => args.report ?? `${args.file}.reconcile-rejects.csv`,
      (db) =>
        reconcileFile(db, args.file, {
          ...opts,
          ...(args.report !== undefined ? { reportPath: args.report } : {}),
          progress: terminalProgress(),
        }),
    )
    for (const line of summaryLines(summary)) log(line)
    return 0
  } catch (err) {
    if (err instanceof ImportInputError || err instanceof HandoffError) {
      log(`reconcile: ${err.message}`)
      return 1
    }
    throw err
  }
}

process.exitCode = await main()
