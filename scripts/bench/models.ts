/**
 * `npm run bench:models [-- --kind native|embedded|both] [--periods N] [--period-days D] [--models a,b] [--db NAME]`:
 * the backtest of the warning models that forecast places (hot spot, emerging hot spot, surge,
 * repeat address, near-repeat, the concentrations, dispute escalation), through the product's own
 * backtest (server/models/backtest.ts, what `GET /api/models/{id}/backtest` answers): for each of
 * the last N periods (default 6; a period is the model's window, 4 weeks for the emerging hot
 * spot, 7 days for near-repeat — `--period-days 28` puts every model on one 4-week protocol) the
 * model runs as of the period's start and its warnings are scored against the period's incidents
 * of its categories on H3 res-9 cells: hit rate, area share and PAI = hit rate / area share, next
 * to the naive baseline measured in the same run — as many cells as the model flagged, the
 * busiest of the period before — and the verdict. Warnings are not written.
 * - embedded: the `small` demo seed (with the planted demo patterns) in .tmp/bench-models-small;
 * - native (DATABASE_URL): database onemap_bench_full (or `--db NAME`) on that cluster as it is (read only).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

import { type Db, openDatabase } from '../../server/db/index.ts'
import { backtestModel, backtestPeriodDays, type BacktestResult } from '../../server/models/backtest.ts'
import { BUILTIN_MODELS } from '../../server/models/builtins.ts'
import { seedDemo, seedStatus } from '../../server/seed/run.ts'
import { ensureEmbeddedTemplate } from '../../server/testing/db.ts'
import { ROOT_DIR } from '../../server/web/static.ts'

const { values } = parseArgs({
  options: {
    kind: { type: 'string' },
    periods: { type: 'string' },
    'period-days': { type: 'string' },
    models: { type: 'string' },
    cutoffs: { type: 'string' },
    db: { type: 'string' },
  },
})
const kinds = values.kind === 'both' || (!values.kind && process.env.DATABASE_URL) ? ['native', 'embedded'] : [values.kind ?? 'embedded']
const PERIODS = Number(values.periods ?? values.cutoffs ?? 6)
const PERIOD_DAYS = values['period-days'] ? Number(values['period-days']) : undefined
const MODELS = values.models ? values.models.split(',') : BUILTIN_MODELS.filter((d) => backtestPeriodDays(d) !== null).map((d) => d.id)
/** The fixed end of the embedded demo data (as the test harness), so runs compare. */
const SMALL_END = new Date('2026-11-01T00:00:00+08:00')

async function openBench(kind: string): Promise<Db> {
  if (kind === 'native') {
    if (!process.env.DATABASE_URL) throw new Error('native needs DATABASE_URL')
    const url = new URL(process.env.DATABASE_URL)
    url.pathname = `/${values.db ?? 'onemap_bench_full'}`
    // Read only: the detectors need no warning tables, so the shared bench database is not migrated.
    return openDatabase({ databaseUrl: url.toString(), dataDir: path.join(ROOT_DIR, '.tmp'), migrate: false })
  }
  const dir = path.join(ROOT_DIR, '.tmp', 'bench-models-small')
  if (!fs.existsSync(path.join(dir, 'pglite', 'PG_VERSION'))) {
    fs.mkdirSync(dir, { recursive: true })
    fs.cpSync(await ensureEmbeddedTemplate(), dir, { recursive: true })
  }
  const db = await openDatabase({ dataDir: dir })
  if (!(await seedStatus(db))) {
    process.stderr.write('seeding the small demo data (first run only)…\n')
    await seedDemo(db, { size: 'small', end: SMALL_END })
  }
  return db
}

async function bench(kind: string): Promise<void> {
  const t0 = Date.now()
  const db = await openBench(kind)
  try {
    const [n] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents`
    const rows: BacktestResult[] = []
    for (const id of MODELS) {
      const def = BUILTIN_MODELS.find((d) => d.id === id)
      if (!def) throw new Error(`no built-in model ${id}`)
      try {
        rows.push(await backtestModel(db.sql, def, { periods: PERIODS, ...(PERIOD_DAYS ? { periodDays: PERIOD_DAYS } : {}) }))
      } catch (err) {
        console.log(`${id}: ${String(err instanceof Error ? err.message : err)}`)
      }
    }
    const first = rows[0]
    console.log(
      `\n${kind}: ${n!.n.toLocaleString('en')} incidents; periods end ${first?.to ?? '—'}; ${PERIODS} periods each; ${first?.studyAreaCells.toLocaleString('en') ?? '—'} res-9 cells in the district (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    )
    const pct = (x: number | null) => (x !== null ? `${(x * 100).toFixed(2)} %` : '—')
    const num = (x: number | null) => (x !== null ? x.toFixed(1) : '—')
    console.log(
      '| model | period | warnings / period | flagged res-9 cells / period | area share | events | hit rate | PAI | baseline hit rate | baseline PAI | verdict | s |',
    )
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|')
    for (const r of rows) {
      const per = (f: (p: BacktestResult['periods'][number]) => number) => r.periods.reduce((s, p) => s + f(p), 0) / r.periods.length
      console.log(
        `| ${r.modelId} | ${r.periodDays} d | ${num(per((p) => p.warnings))} | ${num(per((p) => p.predictedCells))} | ${pct(r.areaShare)} | ${r.events} | ${pct(r.hitRate)} | ${num(r.pai)} | ${pct(r.baselineHitRate)} | ${num(r.baselinePai)} | ${r.verdict} | ${(r.durationMs / 1000).toFixed(1)} |`,
      )
    }
  } finally {
    await db.close()
  }
}

for (const kind of kinds) await bench(kind)
