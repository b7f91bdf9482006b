/**
 * The 双十条 indicators' reads over the full information view (disputes, patrols, residents,
 * hazards, organisations and their self-checks) and the entered assessments: one grouped query
 * per source and window, whatever the number of areas. Run district-wide (SYSTEM_SCOPE), as the
 * other indicator reads are.
 */
import type { Queryable } from '../db/index.ts'
import { addDays, daysBetween, dayStart, shanghaiDay } from '../shared/time.ts'
import { EMPTY_VIEW, type ViewCounts } from './compute.ts'
import { VIEW_IDS } from './double-ten.ts'
import type { IndicatorWindow } from './month.ts'
import { ENTERED_IDS, type IndicatorId, type RankLevel } from './schema.ts'

/** The area column of a level. */
function areaColumn(level: RankLevel): 'town_code' | 'village_code' {
  return level === 'town' ? 'town_code' : 'village_code'
}

/**
 * The window's last day (Shanghai): the month's last day, or today for a running month.
 * @example lastDay({ period: { from: '2026-10-01', to: '2026-11-01' }, asOf: new Date('2026-10-31T16:00:00Z'), … }) // '2026-10-31'
 */
export function lastDay(w: IndicatorWindow): string {
  return shanghaiDay(new Date(w.asOf.getTime() - 1))
}

/**
 * The weeks a grid must be patrolled in: the window's days from its first in weeks of 7 (the last
 * may be shorter); while the window runs (as-of before its end), only the weeks already over.
 * @example requiredWeeks({ period: { from: '2026-10-01', to: '2026-11-01' }, asOf: new Date('2026-10-31T16:00:00Z'), … }) // 5
 * @example requiredWeeks({ period: { from: '2026-11-01', to: '2026-11-11' }, asOf: new Date('2026-11-10T04:00:00Z'), … }) // 1
 */
export function requiredWeeks(w: IndicatorWindow): number {
  const days = daysBetween(w.period.from, w.period.to)
  if (w.asOf.getTime() >= dayStart(w.period.to).getTime()) return Math.ceil(days / 7)
  // Running: the days before today are over.
  const over = daysBetween(w.period.from, shanghaiDay(w.asOf))
  return Math.floor(Math.max(0, over) / 7)
}

/**
 * Which 双十条 indicators have something to be computed from: their table holds data (computed),
 * or someone entered them (entered). The others are "not configured".
 * @example await presentIndicators(tx) // Set { 'dispute_resolution_rate', 'village_rules_score' }
 */
export async function presentIndicators(sql: Queryable): Promise<Set<IndicatorId>> {
  const [r] = await sql<
    { patrols: boolean; disputes: boolean; migrants: boolean; hazards: boolean; self_checks: boolean; entered: string[] | null }[]
  >`
    SELECT EXISTS (SELECT 1 FROM patrols) AND EXISTS (SELECT 1 FROM admin_areas WHERE level = 'grid') AS patrols,
           EXISTS (SELECT 1 FROM disputes) AS disputes,
           EXISTS (SELECT 1 FROM residents WHERE residence = 'migrant') AS migrants,
           EXISTS (SELECT 1 FROM hazards WHERE due_date IS NOT NULL) AS hazards,
           EXISTS (SELECT 1 FROM organisations WHERE self_check_every_days IS NOT NULL) AS self_checks,
           (SELECT array_agg(DISTINCT indicator_id) FROM indicator_assessments) AS entered`
  const has: Record<(typeof VIEW_IDS)[number], boolean> = {
    patrol_coverage_rate: r!.patrols,
    dispute_resolution_rate: r!.disputes,
    migrant_registration_rate: r!.migrants,
    hazard_rectification_rate: r!.hazards,
    self_check_ontime_rate: r!.self_checks,
  }
  const out = new Set<IndicatorId>(VIEW_IDS.filter((id) => has[id]))
  for (const id of r!.entered ?? []) if ((ENTERED_IDS as readonly string[]).includes(id)) out.add(id as IndicatorId)
  return out
}

/**
 * The full information view's counts per area over one window (see ViewCounts).
 * @example (await viewCounts(tx, 'village', codes, window)).get('330109001001')?.disputes // { resolved: 3, failed: 1 }
 */
export async function viewCounts(
  sql: Queryable,
  level: RankLevel,
  codes: readonly string[],
  w: IndicatorWindow,
): Promise<Map<string, ViewCounts>> {
  const col = areaColumn(level)
  const list = codes as string[]
  const from = dayStart(w.period.from)
  const to = dayStart(w.period.to)
  const day = lastDay(w)
  const asOfDay = shanghaiDay(w.asOf)
  const weeks = requiredWeeks(w)

  const disputes = await sql<{ code: string; resolved: number; failed: number }[]>`
    SELECT ${sql(col)} AS code,
      count(*) FILTER (WHERE status = 'resolved')::int AS resolved,
      count(*) FILTER (WHERE status = 'failed')::int AS failed
    FROM disputes
    WHERE ${sql(col)} = ANY(${list}::text[]) AND status IN ('resolved', 'failed')
      AND outcome_at >= ${from} AND outcome_at < ${to} AND outcome_at < ${w.asOf}
    GROUP BY 1`

  // A grid of a village (grids' parents), or of a town (their villages' parents).
  const patrols = await sql<{ code: string; grids: number; covered: number }[]>`
    WITH g AS (
      SELECT g.code AS grid, ${level === 'village' ? sql`g.parent_code` : sql`v.parent_code`} AS area
      FROM admin_areas g JOIN admin_areas v ON v.code = g.parent_code
      WHERE g.level = 'grid'),
    wk AS (
      SELECT DISTINCT pg.grid, ((p.started_at AT TIME ZONE 'Asia/Shanghai')::date - ${w.period.from}::date) / 7 AS week
      FROM patrols p CROSS JOIN LATERAL unnest(p.grid_codes) AS pg(grid)
      WHERE p.started_at >= ${from} AND p.started_at < ${to} AND p.started_at < ${w.asOf}),
    per AS (
      SELECT g.area, g.grid, count(wk.week) AS n
      FROM g LEFT JOIN wk ON wk.grid = g.grid AND wk.week < ${weeks}
      WHERE g.area = ANY(${list}::text[])
      GROUP BY g.area, g.grid)
    SELECT area AS code, count(*)::int AS grids, count(*) FILTER (WHERE n >= ${weeks})::int AS covered FROM per GROUP BY 1`

  // Living there on the day: moved in by then (or unknown), not moved out by then.
  const migrants = await sql<{ code: string; current: number; registered: number }[]>`
    SELECT ${sql(col)} AS code, count(*)::int AS current,
      count(*) FILTER (WHERE registered_on IS NOT NULL AND registered_on <= ${day}::date
                         AND (registration_expires IS NULL OR registration_expires >= ${day}::date))::int AS registered
    FROM residents
    WHERE ${sql(col)} = ANY(${list}::text[]) AND residence = 'migrant'
      AND (moved_in IS NULL OR moved_in <= ${day}::date) AND (moved_out IS NULL OR moved_out > ${day}::date)
    GROUP BY 1`

  const hazards = await sql<{ code: string; due: number; closed: number }[]>`
    WITH h AS (
      SELECT ${sql(col)} AS code, due_date, (closed_at IS NOT NULL AND closed_at < ${w.asOf}) AS closed
      FROM hazards
      WHERE ${sql(col)} = ANY(${list}::text[]) AND due_date >= ${w.period.from}::date AND due_date < ${w.period.to}::date
        AND created_at < ${w.asOf})
    SELECT code, count(*) FILTER (WHERE due_date < ${asOfDay}::date OR closed)::int AS due,
      count(*) FILTER (WHERE closed)::int AS closed
    FROM h GROUP BY code`

  // Overdue on the day: the last check before the as-of instant (or the registration) plus the
  // duty's days is before it.
  const selfChecks = await sql<{ code: string; duty: number; on_time: number }[]>`
    WITH o AS (
      SELECT o.${sql(col)} AS code, o.self_check_every_days AS every,
        (coalesce((SELECT max(c.checked_at) FROM self_checks c WHERE c.organisation_id = o.id AND c.checked_at < ${w.asOf}), o.created_at)
          AT TIME ZONE 'Asia/Shanghai')::date AS since
      FROM organisations o
      WHERE o.${sql(col)} = ANY(${list}::text[]) AND o.status = 'active' AND o.self_check_every_days IS NOT NULL
        AND o.created_at < ${w.asOf})
    SELECT code, count(*)::int AS duty, count(*) FILTER (WHERE since + every >= ${day}::date)::int AS on_time
    FROM o GROUP BY code`

  const out = new Map<string, ViewCounts>()
  const get = (code: string): ViewCounts => {
    let v = out.get(code)
    if (!v) {
      v = structuredClone(EMPTY_VIEW)
      v.patrols.weeks = weeks
      out.set(code, v)
    }
    return v
  }
  for (const code of codes) get(code)
  for (const r of disputes) get(r.code).disputes = { resolved: r.resolved, failed: r.failed }
  for (const r of patrols) get(r.code).patrols = { grids: r.grids, covered: weeks === 0 ? 0 : r.covered, weeks }
  for (const r of migrants) get(r.code).migrants = { current: r.current, registered: r.registered }
  for (const r of hazards) get(r.code).hazards = { due: r.due, closed: r.closed }
  for (const r of selfChecks) get(r.code).selfChecks = { duty: r.duty, onTime: r.on_time }
  return out
}

/**
 * Entered values per area over the window's months: each month's latest entry, averaged over the
 * months that have one (a month: its entry; a village's three months: their mean).
 * @example (await enteredValues(tx, codes, window)).get('330109001001')?.get('village_rules_score') // { value: 85, months: 1 }
 */
export async function enteredValues(
  sql: Queryable,
  codes: readonly string[],
  w: IndicatorWindow,
): Promise<Map<string, Map<IndicatorId, { value: number; months: number }>>> {
  // Months are stored as their first day: those from the window's first month to its last day.
  const firstMonth = `${w.period.from.slice(0, 7)}-01`
  const rows = await sql<{ area: string; indicator: IndicatorId; value: number; months: number }[]>`
    WITH latest AS (
      SELECT DISTINCT ON (indicator_id, area_code, month) indicator_id, area_code, month, value
      FROM indicator_assessments
      WHERE area_code = ANY(${codes as string[]}::text[]) AND month >= ${firstMonth}::date AND month <= ${addDays(w.period.to, -1)}::date
      ORDER BY indicator_id, area_code, month, entered_at DESC, id DESC)
    SELECT area_code AS area, indicator_id AS indicator, avg(value)::float8 AS value, count(*)::int AS months
    FROM latest GROUP BY 1, 2`
  const out = new Map<string, Map<IndicatorId, { value: number; months: number }>>()
  for (const r of rows) {
    const m = out.get(r.area) ?? new Map<IndicatorId, { value: number; months: number }>()
    m.set(r.indicator, { value: r.value, months: r.months })
    out.set(r.area, m)
  }
  return out
}

/**
 * What the entered assessments of a window's months are now (how many, the newest id): a stored
 * ranking made from other ones is stale.
 * @example await assessmentsKey(tx, window) // '12:408'
 */
export async function assessmentsKey(sql: Queryable, w: IndicatorWindow): Promise<string> {
  const [r] = await sql<{ n: number; last: string | null }[]>`
    SELECT count(*)::int AS n, max(id)::text AS last FROM indicator_assessments
    WHERE month >= ${`${w.period.from.slice(0, 7)}-01`}::date AND month <= ${addDays(w.period.to, -1)}::date`
  return `${r!.n}:${r!.last ?? ''}`
}
