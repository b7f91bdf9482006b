/** The wall's numbers, computed from the API's answers (pure: the same inputs give the same screen). */
import type { Colour, RankedArea, RankingResponse } from '../../../server/indicators/schema.ts'
import type { AreaStatsResponse, SummaryResponse } from '../../../server/stats/schema.ts'
import { addDays, shanghaiToday } from '../../../server/stats/period.ts'
import type { Task, TaskStatus } from '../../../server/tasks/schema.ts'
import type { WarningFeature, WarningStatus } from '../../../server/warnings/schema.ts'

/** Warnings still being worked on (not resolved or expired). */
export const OPEN_WARNING_STATUSES: readonly WarningStatus[] = ['new', 'acknowledged', 'tasked']
/** Tasks not yet closed out (销号). */
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = ['issued', 'accepted', 'in_progress', 'submitted', 'returned']

/** The periods the wall asks for, as Shanghai days ([from, to)). */
export interface WallPeriods {
  today: { from: string; to: string }
  month: { from: string; to: string }
}

/**
 * Today and the month to date (Shanghai days) for an instant.
 * @example wallPeriods(new Date('2026-11-22T16:30:00Z')).today // { from: '2026-11-23', to: '2026-11-24' }
 */
export function wallPeriods(now: Date): WallPeriods {
  const today = shanghaiToday(now)
  const tomorrow = addDays(today, 1)
  return { today: { from: today, to: tomorrow }, month: { from: `${today.slice(0, 8)}01`, to: tomorrow } }
}

export interface Kpis {
  today: number
  /** The same day a year earlier. */
  yearEarlier: number
  /** 同比 in percent (one decimal), null when last year's count is 0. */
  yoyPct: number | null
  month: number
  redWarnings: number
  openTasks: number
  overdueTasks: number
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
    month: input.month.total.n,
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
 * A town's focus numbers: incidents from the district's per-town stats (one request covers every
 * town), warnings and tasks counted by the town code they carry, rank from the ranking.
 * @example townFocus('330109001', '城厢街道', { todayStats, monthStats, warnings, tasks, ranking })
 */
export function townFocus(
  code: string,
  name: string,
  src: {
    todayStats: AreaStatsResponse | null
    monthStats: AreaStatsResponse | null
    warnings: readonly WarningFeature[]
    tasks: readonly Task[]
    ranking: RankingResponse | null
  },
): TownFocus {
  const child = (s: AreaStatsResponse | null) => s?.children.find((c) => c.code === code)?.total ?? 0
  const warnings = src.warnings.filter((w) => w.properties.townCode === code && OPEN_WARNING_STATUSES.includes(w.properties.status))
  const tasks = src.tasks.filter((t) => t.townCode === code && OPEN_TASK_STATUSES.includes(t.status))
  const ranked: RankedArea | undefined = src.ranking?.areas.find((a) => a.code === code)
  return {
    code,
    name,
    today: child(src.todayStats),
    month: child(src.monthStats),
    warnings: warnings.length,
    redWarnings: warnings.filter((w) => w.properties.level === 'red').length,
    openTasks: tasks.length,
    overdueTasks: tasks.filter((t) => t.overdue).length,
    rank: ranked?.rank ?? null,
    rankOf: src.ranking?.areas.length ?? 0,
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
