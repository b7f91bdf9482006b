/**
 * `npm run bench:models [-- --kind native|embedded|both] [--cutoffs N] [--res 8|9|10]`: backtest of the hot-spot
 * type warning models (hot spot, emerging hot spot, surge, repeat address, near-repeat). For each
 * cut-off (every 4 weeks back from the end of the data), each model is run as of the cut-off —
 * it reads only data before it — and its warnings are scored against the next 4 weeks'
 * incidents of the model's categories on H3 res-9 cells (~0.1 km²): hit rate (share of those
 * incidents inside the flagged cells), area share (flagged cells / the district's cells) and PAI =
 * hit rate / area share, next to a naive baseline that flags the same number of cells: the
 * busiest cells of the 4 weeks before the cut-off. Totals are pooled over the cut-offs.
 * Warnings are not written: the detectors run directly.
 * - embedded: the `small` demo seed (with the planted demo patterns) in .tmp/bench-models-small;
 * - native (DATABASE_URL): database onemap_bench_full on that cluster as it is (read only).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { cellToChildren, latLngToCell, polygonToCells } from 'h3-js'
import { backtestMetrics, naiveBaseline } from '../../server/analytics/index.ts'
import { openDatabase, type Db } from '../../server/db/index.ts'
import { BUILTIN_MODELS } from '../../server/models/builtins.ts'
import { districtCells, h3DailyCounts } from '../../server/models/data.ts'
import { modelFilter } from '../../server/models/roles.ts'
import type { ModelDefinition } from '../../server/models/definition.ts'
import { detect } from '../../server/models/kinds/index.ts'
import type { Finding } from '../../server/models/types.ts'
import { addDays, dayStart } from '../../server/models/util.ts'
import { seedDemo, seedStatus } from '../../server/seed/run.ts'
import { ensureEmbeddedTemplate } from '../../server/testing/db.ts'
import { ROOT_DIR } from '../../server/web/static.ts'

const { values } = parseArgs({ options: { kind: { type: 'string' }, cutoffs: { type: 'string' }, res: { type: 'string' } } })
const kinds = values.kind === 'both' || (!values.kind && process.env.DATABASE_URL) ? ['native', 'embedded'] : [values.kind ?? 'embedded']
const CUTOFFS = Number(values.cutoffs ?? 3)
const HORIZON_DAYS = 28
/** The cells hits and areas are counted on (`--res`, 8–10; default 9). */
const EVAL_RES = Number(values.res ?? 9)
const MODELS = ['hotspot', 'emerging', 'surge', 'repeat-address', 'near-repeat']
/** The fixed end of the embedded demo data (as the test harness), so runs compare. */
const SMALL_END = new Date('2026-11-01T00:00:00+08:00')

async function openBench(kind: string): Promise<Db> {
  if (kind === 'native') {
    if (!process.env.DATABASE_URL) throw new Error('native needs DATABASE_URL')
    const url = new URL(process.env.DATABASE_URL)
    url.pathname = '/onemap_bench_full'
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

/** Res-9 cells a finding flags. */
async function flaggedCells(db: Db, f: Finding, geoms: Map<string, string[]>): Promise<string[]> {
  const p = f.place
  if (p.kind === 'h3') return cellToChildren(p.cell, EVAL_RES) // a res-8 cell is its 7 res-9 children (itself at res 8)
  if (p.kind === 'point') return [latLngToCell(p.lat, p.lng, EVAL_RES)]
  let cells = geoms.get(p.code)
  if (!cells) {
    const [row] = await db.sql<{ g: string; lng: number; lat: number }[]>`
      SELECT ST_AsGeoJSON(geom) AS g, ST_X(label_point) AS lng, ST_Y(label_point) AS lat FROM admin_areas WHERE code = ${p.code}`
    const g = JSON.parse(row!.g) as { coordinates: number[][][][] }
    const set = new Set<string>()
    for (const poly of g.coordinates) for (const c of polygonToCells(poly, EVAL_RES, true)) set.add(c)
    if (set.size === 0) set.add(latLngToCell(row!.lat, row!.lng, EVAL_RES))
    cells = [...set]
    geoms.set(p.code, cells)
  }
  return cells
}

function sumCells(rows: readonly { unit: string; n: number }[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const r of rows) m.set(r.unit, (m.get(r.unit) ?? 0) + r.n)
  return m
}

interface Row {
  model: string
  warnings: number
  cells: number
  events: number
  hits: number
  naiveHits: number
  areaShare: number
  naiveArea: number
  seconds: number
}

async function bench(kind: string): Promise<void> {
  const t0 = Date.now()
  const db = await openBench(kind)
  try {
    const [last] = await db.sql<{ day: string | null; n: number }[]>`SELECT max(day)::text AS day, (SELECT count(*)::int FROM incidents) AS n FROM incident_h3_daily WHERE res = 9`
    if (!last?.day) throw new Error('no incidents')
    const endDay = addDays(last.day, 1)
    const study = await districtCells(db.sql, EVAL_RES)
    const geoms = new Map<string, string[]>()
    console.log(`\n${kind}: ${last.n.toLocaleString('en')} incidents up to ${last.day}; ${study.length.toLocaleString('en')} res-${EVAL_RES} cells in the district; ${CUTOFFS} cut-offs × ${HORIZON_DAYS} days (opened in ${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    const rows: Row[] = []
    for (const id of MODELS) {
      const def = BUILTIN_MODELS.find((d) => d.id === id) as ModelDefinition
      const cats = (await modelFilter(db.sql, def)).items
      const row: Row = { model: id, warnings: 0, cells: 0, events: 0, hits: 0, naiveHits: 0, areaShare: 0, naiveArea: 0, seconds: 0 }
      for (let k = CUTOFFS; k >= 1; k--) {
        const cut = addDays(endDay, -HORIZON_DAYS * k)
        const t1 = Date.now()
        const { findings } = await detect(db.sql, def, dayStart(cut))
        row.seconds += (Date.now() - t1) / 1000
        const predicted = new Set<string>()
        for (const f of findings) for (const c of await flaggedCells(db, f, geoms)) predicted.add(c)
        const actual = sumCells(await h3DailyCounts(db.sql, EVAL_RES, cats, cut, addDays(cut, HORIZON_DAYS)))
        const before = sumCells(await h3DailyCounts(db.sql, EVAL_RES, cats, addDays(cut, -HORIZON_DAYS), cut))
        const m = backtestMetrics(predicted, actual, Math.max(study.length, predicted.size))
        const naive = backtestMetrics(naiveBaseline(before, predicted.size), actual, Math.max(study.length, predicted.size))
        row.warnings += findings.length
        row.cells += predicted.size
        row.events += m.events
        row.hits += m.hits
        row.naiveHits += naive.hits
        row.areaShare += m.areaShare / CUTOFFS
        row.naiveArea += naive.areaShare / CUTOFFS
      }
      rows.push(row)
    }
    const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)} %` : '—')
    const num = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—')
    console.log(`| model | warnings / cut-off | flagged res-${EVAL_RES} cells / cut-off | area share | events in next 4 wk | hit rate | PAI | naive hit rate | naive PAI | detect s / cut-off |`)
    console.log('|---|---|---|---|---|---|---|---|---|---|')
    for (const r of rows) {
      const hit = r.events > 0 ? r.hits / r.events : NaN
      const naiveHit = r.events > 0 ? r.naiveHits / r.events : NaN
      const pai = r.areaShare > 0 ? hit / r.areaShare : NaN
      const naivePai = r.naiveArea > 0 ? naiveHit / r.naiveArea : NaN
      console.log(`| ${r.model} | ${num(r.warnings / CUTOFFS)} | ${num(r.cells / CUTOFFS)} | ${pct(r.areaShare)} | ${r.events} | ${pct(hit)} | ${num(pai)} | ${pct(naiveHit)} | ${num(naivePai)} | ${(r.seconds / CUTOFFS).toFixed(2)} |`)
    }
  } finally {
    await db.close()
  }
}

for (const kind of kinds) await bench(kind)
