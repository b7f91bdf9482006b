/** The wall's numbers, computed from the API's answers (pure: the same inputs give the same screen). */
import type {
  AreaStatsResponse,
  Colour,
  RankedArea,
  RankingResponse,
  SummaryResponse,
  Task,
  WarningFeature,
} from '../../../server/shared/api.ts'
import { OPEN_TASK_STATUSES, OPEN_WARNING_STATUSES } from '../../../server/shared/api.ts'
import { addDays, addMonthsToDay, shanghaiDay } from '../../../server/shared/time.ts'

// The open statuses are the server's (one list per domain), re-exported for data.ts.
export { OPEN_TASK_STATUSES, OPEN_WARNING_STATUSES }

/** The periods the wall asks for, as Shanghai days ([from, to)). */
export interface WallPeriods {
  today: { from: string; to: string }
  month: { from: string; to: string }
}

/**
 * Today and this calendar month (Shanghai days) for an instant. The server counts both up to now
 * and compares them with the same elapsed span (today 00:00–now a year earlier; the month with the
 * same days and time of the month before).
 * @example wallPeriods(new Date('2026-11-22T16:30:00Z')) // { today: { from: '2026-11-23', to: '2026-11-24' }, month: { from: '2026-11-01', to: '2026-12-01' } }
 */
export function wallPeriods(now: Date): WallPeriods {
  const today = shanghaiDay(now)
  const first = `${today.slice(0, 8)}01`
  return { today: { from: today, to: addDays(today, 1) }, month: { from: first, to: addMonthsToDay(first, 1) } }
}

export interface Kpis {
  today: number
  /** The same day a year earlier, over the same hours as today so far. */
  yearEarlier: number
  /** 同比 in percent (one decimal), null when last year's count is 0. */
  yoyPct: number | null
  /** The hours compared, e.g. '00:00–00:23'; null once a whole day is compared. */
  span: string | null
  month: number
  /** 环比 for the month: the same days (and time) of the month before. */
  monthPrevious: number
  monthPopPct: number | null
  redWarnings: number
  openTasks: number
  overdueTasks: number
}

/**
 * The hours of a day counted so far, from a summary's cut (`until`, Shanghai time with +08:00).
 * @example daySpan('2026-12-06T00:23:00+08:00') // '00:00–00:23'
 */
export function daySpan(until: string | null): string | null {
  return until === null ? null : `00:00–${until.slice(11, 16)}`
}

/**
 * The KPI cards from the summaries and the lists. The lists may be wider than needed (all open
 * warnings, all tasks): the filters are applied here, so the numbers follow one definition.
 * @example computeKpis({ today, month, warnings, tasks }).redWarnings
 */
export function computeKpis(input: {
  today: SummaryResponse
  month: SummaryResponse
  warnings: readonly WarningFeature[]
  tasks: readonly Task[]
}): Kpis {
  const open = input.tasks.filter((t) => OPEN_TASK_STATUSES.includes(t.status))
  return {
    today: input.today.total.n,
    yearEarlier: input.today.total.yearEarlier,
    yoyPct: input.today.total.yoyPct,
    span: daySpan(input.today.counted.until),
    month: input.month.total.n,
    monthPrevious: input.month.total.previous,
    monthPopPct: input.month.total.popPct,
    redWarnings: input.warnings.filter((w) => w.properties.level === 'red' && OPEN_WARNING_STATUSES.includes(w.properties.status)).length,
    openTasks: open.length,
    overdueTasks: open.filter((t) => t.overdue).length,
  }
}

/** One town's numbers for the rotating focus card. */
export interface TownFocus {
  code: string
  name: string
  today: number
  month: number
  warnings: number
  redWarnings: number
  openTasks: number
  overdueTasks: number
  rank: number | null
  rankOf: number
  score: number | null
  colour: Colour | null
  rankChange: number | null
}

/**
 * Incidents per area from one area's stats: its children's totals (the district's answer covers
 * every town in one request) and its own.
 * @example totalsByArea(districtStats).get('330109001') // 12
 */
export function totalsByArea(...answers: readonly (AreaStatsResponse | null)[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const a of answers) {
    if (!a) continue
    for (const c of a.children) out.set(c.code, c.total)
    out.set(a.area.code, a.total)
  }
  return out
}

/** The area code a warning or task carries at an area's level. */
function codeAt(level: string, r: { townCode?: string | null; villageCode?: string | null; gridCode?: string | null }): string | null {
  return (level === 'grid' ? r.gridCode : level === 'village' ? r.villageCode : r.townCode) ?? null
}

/**
 * An area's focus numbers (a town; for a grid worker their grid or village): incidents from the
 * stats totals, warnings and tasks counted by the code they carry at the area's level, rank from
 * the ranking out of every ranked town (a town officer is sent their own row only).
 * @example townFocus('330109001', '城厢街道', { today, month, warnings, tasks, ranking })
 */
export function townFocus(
  code: string,
  name: string,
  src: {
    today: ReadonlyMap<string, number> | null
    month: ReadonlyMap<string, number> | null
    warnings: readonly WarningFeature[]
    tasks: readonly Task[]
    ranking: RankingResponse | null
    level?: string
  },
): TownFocus {
  const level = src.level ?? 'town'
  const warnings = src.warnings.filter((w) => codeAt(level, w.properties) === code && OPEN_WARNING_STATUSES.includes(w.properties.status))
  const tasks = src.tasks.filter((t) => codeAt(level, t) === code && OPEN_TASK_STATUSES.includes(t.status))
  const ranked: RankedArea | undefined = src.ranking?.areas.find((a) => a.code === code)
  return {
    code,
    name,
    today: src.today?.get(code) ?? 0,
    month: src.month?.get(code) ?? 0,
    warnings: warnings.length,
    redWarnings: warnings.filter((w) => w.properties.level === 'red').length,
    openTasks: tasks.length,
    overdueTasks: tasks.filter((t) => t.overdue).length,
    rank: ranked?.rank ?? null,
    rankOf: src.ranking?.counts.total ?? 0,
    score: ranked?.score ?? null,
    colour: ranked?.colour ?? null,
    rankChange: ranked?.rankChange ?? null,
  }
}

/**
 * The ranking as the wall lists it: by rank (unranked last), then code.
 * @example sortedRanking(ranking)[0]?.rank // 1
 */
export function sortedRanking(ranking: RankingResponse | null): RankedArea[] {
  if (!ranking) return []
  const r = (a: RankedArea) => a.rank ?? Number.POSITIVE_INFINITY
  return [...ranking.areas].sort((a, b) => r(a) - r(b) || a.code.localeCompare(b.code))
}

/**
 * A signed percentage for 同比, or an em dash without a base.
 * @example formatPct(12.34) // '+12.3%'
 */
export function formatPct(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return '—'
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '±'
  return `${sign}${Math.abs(pct).toFixed(1)}%`
}

/**
 * Direction of a change for colouring: more incidents is bad (up), fewer good (down).
 * @example trend(-3.2) // 'down'
 */
export function trend(pct: number | null): 'up' | 'down' | 'flat' {
  if (pct === null || pct === 0 || !Number.isFinite(pct)) return 'flat'
  return pct > 0 ? 'up' : 'down'
}
