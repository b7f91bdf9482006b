/**
 * A model's backtest on the current data (issue 21, "models beat the naive baseline, or say they
 * do not"): for each of the last N periods, the model is run as of the period's start — reading
 * only data before it — and its warnings are scored against the period's incidents of the
 * model's categories on H3 res-9 cells (~0.1 km²): hit rate, area share and PAI
 * (server/analytics/backtest.ts), beside the naive baseline that flags as many cells as the
 * model did: the busiest cells of the period before. Pooled over the periods, with a verdict.
 *
 * A period is the span a model's warnings speak for: its window, at most four weeks (surge 7
 * days: a week judged against earlier weeks speaks for the next week; hot spot, emerging hot
 * spot, repeat address, dispute and concentration 28 days: a longer window is the history the
 * model judges on, not a horizon, and tuning it must not change what it is scored on), and the
 * near-repeat link time (7 days: a series' next event is expected within it). Overdue items and
 * the full-view models (group rental, registration gaps, …) are not place forecasts: no backtest.
 *
 * Periods end at the last whole day with data (today's start, or the day after the newest
 * incident when the data stops earlier), so the numbers are fixed for a day. Nothing is written:
 * the detectors run directly, no run is recorded and no warning is touched.
 */
import { cellToChildren, cellToParent, getResolution, latLngToCell, polygonToCells } from 'h3-js'

import {
  backtestMetrics,
  type BacktestVerdict,
  backtestVerdict,
  MIN_VERDICT_EVENTS,
  naiveBaseline,
  type PooledScore,
  pooledScore,
} from '../analytics/index.ts'
import type { Queryable } from '../db/index.ts'
import { addDays, dayStart, shanghaiDay } from '../shared/time.ts'
import { districtCells, h3DailyCounts } from './data.ts'
import type { ModelDefinition } from './definition.ts'
import { sumByUnit } from './kinds/hotspot.ts'
import { detect } from './kinds/index.ts'
import { modelFilter } from './roles.ts'
import type { Place } from './types.ts'

/** The cells hits and areas are counted on (~0.1 km², about a block). */
export const BACKTEST_RES = 9
/** Periods when the caller names none. */
export const DEFAULT_BACKTEST_PERIODS = 6
export const MAX_BACKTEST_PERIODS = 24
/** The longest period: four weeks, what a month's patrol plan is made for. */
export const MAX_PERIOD_DAYS = 28

/**
 * Why a kind has no backtest, or null when it is a place forecast scored on incidents. Overdue
 * items and the full-view models (issue 26) warn about houses, villages, disputes, people,
 * organisations, cylinders and patrols, not where incidents will be: they are validated on
 * planted patterns (server/models/full-view-models.db.test.ts) instead.
 * @example noBacktestReason('group_rental') // 'not a place forecast: its warnings are about houses and their residents (validated on planted patterns)'
 */
export function noBacktestReason(kind: ModelDefinition['kind']): string | null {
  const about: Partial<Record<ModelDefinition['kind'], string>> = {
    overdue: 'overdue items',
    group_rental: 'houses and their residents',
    registration_gap: "villages' migrant registration",
    dispute_recurrence: 'dispute chains and their mediation',
    key_person_incident: "incidents near key persons' homes",
    self_check_overdue: "organisations' self-checks",
    gas_cylinder: 'gas cylinder deliveries and fillings',
    patrol_gap: 'patrol coverage',
  }
  const what = about[kind]
  if (!what) return null
  return `not a place forecast: its warnings are about ${what}${kind === 'overdue' ? '' : ' (validated on planted patterns)'}`
}

/**
 * Days one backtest period spans for a definition, or null when the kind is not a place forecast.
 * @example backtestPeriodDays(hotspotBuiltin) // 28
 */
export function backtestPeriodDays(def: ModelDefinition): number | null {
  if (noBacktestReason(def.kind) !== null) return null
  switch (def.kind) {
    case 'near_repeat':
      return Math.max(1, Math.round(def.params.timeDays))
    default:
      return Math.min(def.window.days, MAX_PERIOD_DAYS)
  }
}

export interface BacktestPeriod {
  /** first day of the period (the model ran as of its start) */
  from: string
  /** the day after the period */
  to: string
  warnings: number
  predictedCells: number
  baselineCells: number
  events: number
  hits: number
  baselineHits: number
  hitRate: number | null
  areaShare: number
  pai: number | null
  baselineHitRate: number | null
  baselineAreaShare: number
  baselinePai: number | null
}

export interface BacktestResult {
  modelId: string
  version: number | null
  kind: ModelDefinition['kind']
  periodDays: number
  /** the days the periods cover: [from, to) */
  from: string
  to: string
  resolution: number
  studyAreaCells: number
  periods: BacktestPeriod[]
  /** pooled over the periods (numbers that are not finite are null) */
  hitRate: number | null
  areaShare: number | null
  pai: number | null
  baselineHitRate: number | null
  baselineAreaShare: number | null
  baselinePai: number | null
  events: number
  hits: number
  baselineHits: number
  verdict: BacktestVerdict
  /** why there is no verdict, in words; null with one */
  reason: string | null
  computedAt: string
  durationMs: number
}

const finite = (x: number): number | null => (Number.isFinite(x) ? Number(x.toPrecision(6)) : null)

/**
 * The res-9 cells a place covers: an H3 cell's children (or its parent when finer), an area's
 * polygon filled, a point's cell.
 * @example await placeCells(sql, { kind: 'h3', cell: '88309a4539fffff' }, new Map()) // its 7 res-9 children
 */
export async function placeCells(sql: Queryable, p: Place, areaCache: Map<string, string[]>, res = BACKTEST_RES): Promise<string[]> {
  if (p.kind === 'h3') {
    const r = getResolution(p.cell)
    return r === res ? [p.cell] : r < res ? cellToChildren(p.cell, res) : [cellToParent(p.cell, res)]
  }
  if (p.kind === 'point') return [latLngToCell(p.lat, p.lng, res)]
  let cells = areaCache.get(p.code)
  if (!cells) {
    const [row] = await sql<{ g: string | null; lng: number | null; lat: number | null }[]>`
      SELECT ST_AsGeoJSON(geom) AS g, ST_X(label_point) AS lng, ST_Y(label_point) AS lat FROM admin_areas WHERE code = ${p.code}`
    const set = new Set<string>()
    if (row?.g) {
      const g = JSON.parse(row.g) as { type: string; coordinates: number[][][] | number[][][][] }
      const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][]
      for (const poly of polys) for (const c of polygonToCells(poly, res, true)) set.add(c)
    }
    // An area smaller than a cell still covers the cell it lies in.
    if (set.size === 0 && row?.lng != null && row.lat != null) set.add(latLngToCell(row.lat, row.lng, res))
    cells = [...set]
    areaCache.set(p.code, cells)
  }
  return cells
}

/**
 * The day the backtest's periods end: today's start (Asia/Shanghai), or the day after the newest
 * incident when the data stops before today (a demo or a loaded history).
 * @example await backtestEnd(db.sql, new Date()) // '2026-11-01' on the demo seeded to that day
 */
export async function backtestEnd(sql: Queryable, now: Date): Promise<string> {
  const today = shanghaiDay(now)
  const [row] = await sql<
    { day: string | null }[]
  >`SELECT max(day)::text AS day FROM incident_h3_daily WHERE res = ${BACKTEST_RES}::smallint AND day < ${today}::date`
  return row?.day ? addDays(row.day, 1) : today
}

/** The data cannot score a backtest (the route answers 409 with the message). */
export class BacktestUnavailableError extends Error {
  override name = 'BacktestUnavailableError'
}

export interface BacktestOptions {
  /** how many periods back (default 6) */
  periods?: number
  /** the day after the last period (default: backtestEnd) */
  end?: string
  /** override the kind's period (the bench's fixed 28-day protocol) */
  periodDays?: number
  now?: Date
  /** the model's id and version for the answer (default: the definition's id, no version) */
  modelId?: string
  version?: number
}

/**
 * Backtests a definition over the last `periods` periods before `end` (see the module comment).
 * @example const r = await backtestModel(db.sql, hotspotBuiltin, { periods: 6 }) // r.verdict
 */
export async function backtestModel(sql: Queryable, def: ModelDefinition, opts: BacktestOptions = {}): Promise<BacktestResult> {
  const t0 = performance.now()
  const periodDays = opts.periodDays ?? backtestPeriodDays(def)
  if (periodDays === null) throw new RangeError(`a ${def.kind} model is not a place forecast: it has no backtest`)
  const n = opts.periods ?? DEFAULT_BACKTEST_PERIODS
  if (!Number.isInteger(n) || n < 1 || n > MAX_BACKTEST_PERIODS) throw new RangeError(`periods must be 1–${MAX_BACKTEST_PERIODS}, got ${n}`)
  const end = opts.end ?? (await backtestEnd(sql, opts.now ?? new Date()))
  const cats = (await modelFilter(sql, def)).items
  const study = await districtCells(sql, BACKTEST_RES)
  // Without the district's boundary there is no area to share out (a database of addresses only).
  if (study.length === 0) throw new BacktestUnavailableError('no district boundary to score the warnings on (load the boundaries first)')
  const areaCache = new Map<string, string[]>()
  const periods: BacktestPeriod[] = []
  for (let k = n; k >= 1; k--) {
    const from = addDays(end, -periodDays * k)
    const to = addDays(from, periodDays)
    const { findings } = await detect(sql, def, dayStart(from))
    const predicted = new Set<string>()
    for (const f of findings) for (const c of await placeCells(sql, f.place, areaCache)) predicted.add(c)
    const actual = sumByUnit(await h3DailyCounts(sql, BACKTEST_RES, cats, from, to))
    const before = sumByUnit(await h3DailyCounts(sql, BACKTEST_RES, cats, addDays(from, -periodDays), from))
    const cells = Math.max(study.length, predicted.size)
    const m = backtestMetrics(predicted, actual, cells)
    const baseline = naiveBaseline(before, predicted.size)
    const b = backtestMetrics(baseline, actual, cells)
    periods.push({
      from,
      to,
      warnings: findings.length,
      predictedCells: predicted.size,
      baselineCells: baseline.length,
      events: m.events,
      hits: m.hits,
      baselineHits: b.hits,
      hitRate: finite(m.hitRate),
      areaShare: finite(m.areaShare) ?? 0,
      pai: finite(m.pai),
      baselineHitRate: finite(b.hitRate),
      baselineAreaShare: finite(b.areaShare) ?? 0,
      baselinePai: finite(b.pai),
    })
  }
  const pooled: PooledScore = pooledScore(periods)
  const verdict = backtestVerdict(pooled)
  const flagged = periods.some((p) => p.predictedCells > 0)
  const reason =
    verdict !== 'insufficient data'
      ? null
      : !flagged
        ? `the model raised no warning as of the start of any of the ${n} periods`
        : pooled.events < MIN_VERDICT_EVENTS
          ? `only ${pooled.events} incidents in the ${n} periods`
          : 'no incidents in the periods before, so the baseline had nothing to flag'
  return {
    modelId: opts.modelId ?? def.id,
    version: opts.version ?? null,
    kind: def.kind,
    periodDays,
    from: periods[0]!.from,
    to: end,
    resolution: BACKTEST_RES,
    studyAreaCells: study.length,
    periods,
    hitRate: finite(pooled.hitRate),
    areaShare: finite(pooled.areaShare),
    pai: finite(pooled.pai),
    baselineHitRate: finite(pooled.baselineHitRate),
    baselineAreaShare: finite(pooled.baselineAreaShare),
    baselinePai: finite(pooled.baselinePai),
    events: pooled.events,
    hits: pooled.hits,
    baselineHits: pooled.baselineHits,
    verdict,
    reason,
    computedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
  }
}
