/**
 * The indicators' reads: areas with population, incident counts from the daily rollups (never raw
 * incidents), task close-outs and warning response times, and the 双十条's (server/indicators/view-queries.ts). One grouped query per source and
 * window, whatever the number of areas.
 */
import type { Queryable } from '../db/index.ts'
import { dayStart, type Period, shanghaiDay } from '../shared/time.ts'
import type { AreaCounts } from './compute.ts'
import type { IndicatorWindow } from './month.ts'
import type { RankLevel } from './schema.ts'
import { enteredValues, viewCounts } from './view-queries.ts'

export interface LevelArea {
  code: string
  name: string
  parentCode: string | null
  population: number | null
  /** A statistics-only unit (开发区, 农场, 围垦区…: the profile's types, or marked by the boundary import). */
  statisticsOnly: boolean
}

/**
 * All areas of a level, by code.
 * @example (await levelAreas(tx, 'town'))[0] // { code: '330109001', name: '城厢街道', parentCode: '330109', population: 123456, statisticsOnly: false }
 */
export async function levelAreas(sql: Queryable, level: RankLevel): Promise<LevelArea[]> {
  const rows = await sql<{ code: string; name: string; parent_code: string | null; population: number | null; statistics_only: boolean }[]>`
    SELECT a.code, a.name, a.parent_code, a.population,
      coalesce((a.properties->>'statistics_only')::boolean, false)
        OR coalesce(a.properties->>'type' = ANY(coalesce((SELECT statistics_only_types FROM district_profile LIMIT 1), '{}'::text[])), false) AS statistics_only
    FROM admin_areas a WHERE a.level = ${level} ORDER BY a.code`
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    parentCode: r.parent_code,
    population: r.population,
    statisticsOnly: r.statistics_only,
  }))
}

/** The area column of tasks and warnings for a level. */
function areaColumn(level: RankLevel): 'town_code' | 'village_code' {
  return level === 'town' ? 'town_code' : 'village_code'
}

/**
 * Incident counts per area and item over the window, and per area over the same days a year earlier.
 * @example (await incidentCounts(tx, ['330109001'], window)).get('330109001')?.items.get('0101') // 4
 */
export async function incidentCounts(
  sql: Queryable,
  codes: readonly string[],
  w: IndicatorWindow,
): Promise<Map<string, { items: Map<string, number>; yearEarlierTotal: number }>> {
  const p: Period = w.period
  const y: Period = w.yearEarlier
  const rows = await sql<{ area_code: string; category_code: string; n: number; y: number }[]>`
    SELECT area_code, category_code,
      coalesce(sum(n) FILTER (WHERE day >= ${p.from}::date AND day < ${p.to}::date), 0)::int AS n,
      coalesce(sum(n) FILTER (WHERE day >= ${y.from}::date AND day < ${y.to}::date), 0)::int AS y
    FROM incident_area_daily
    WHERE area_code = ANY(${codes as string[]}::text[])
      AND ((day >= ${p.from}::date AND day < ${p.to}::date) OR (day >= ${y.from}::date AND day < ${y.to}::date))
    GROUP BY 1, 2`
  const out = new Map<string, { items: Map<string, number>; yearEarlierTotal: number }>()
  for (const r of rows) {
    const a = out.get(r.area_code) ?? { items: new Map<string, number>(), yearEarlierTotal: 0 }
    if (r.n !== 0) a.items.set(r.category_code, r.n)
    a.yearEarlierTotal += r.y
    out.set(r.area_code, a)
  }
  return out
}

/**
 * Tasks per area whose due date lies in the window: due (the last day is over by the as-of
 * instant, or closed already), closed by the as-of instant, and closed on or before the due day.
 * A task closed after the window's as-of counts as open: a past month reads the same later.
 * @example (await taskCounts(tx, 'town', codes, window)).get('330109001') // { due: 4, closed: 3, onTime: 2 }
 */
export async function taskCounts(
  sql: Queryable,
  level: RankLevel,
  codes: readonly string[],
  w: IndicatorWindow,
): Promise<Map<string, AreaCounts['tasks']>> {
  const col = areaColumn(level)
  const asOfDay = shanghaiDay(w.asOf)
  const rows = await sql<{ code: string; due: number; closed: number; on_time: number }[]>`
    WITH t AS (
      SELECT ${sql(col)} AS code, due_date,
             (closed_at IS NOT NULL AND closed_at < ${w.asOf}) AS closed,
             (closed_at AT TIME ZONE 'Asia/Shanghai')::date AS closed_day
      FROM tasks
      WHERE ${sql(col)} = ANY(${codes as string[]}::text[])
        AND due_date >= ${w.period.from}::date AND due_date < ${w.period.to}::date
        AND created_at < ${w.asOf})
    SELECT code,
      count(*) FILTER (WHERE due_date < ${asOfDay}::date OR closed)::int AS due,
      count(*) FILTER (WHERE closed)::int AS closed,
      count(*) FILTER (WHERE closed AND closed_day <= due_date)::int AS on_time
    FROM t GROUP BY code`
  return new Map(rows.map((r) => [r.code, { due: r.due, closed: r.closed, onTime: r.on_time }]))
}

/**
 * Warnings per area raised in the window: how many, how many a person answered (the first
 * transition: acknowledged, tasked or resolved) by the as-of instant, and the mean hours from
 * raising to that answer, unanswered ones counted with the time they waited (until they expired
 * or the as-of instant).
 * @example (await warningCounts(tx, 'town', codes, window)).get('330109001') // { raised: 2, answered: 1, meanHours: 30 }
 */
export async function warningCounts(
  sql: Queryable,
  level: RankLevel,
  codes: readonly string[],
  w: IndicatorWindow,
): Promise<Map<string, AreaCounts['warnings']>> {
  const col = areaColumn(level)
  const rows = await sql<{ code: string; raised: number; answered: number; hours: number | null }[]>`
    SELECT w.${sql(col)} AS code, count(*)::int AS raised, count(r.at)::int AS answered,
      avg(extract(epoch FROM coalesce(r.at, least(coalesce(w.closed_at, ${w.asOf}), ${w.asOf}::timestamptz)) - w.created_at) / 3600)::float8 AS hours
    FROM warnings w
    LEFT JOIN LATERAL (
      SELECT min(e.at) AS at FROM warning_events e
      WHERE e.warning_id = w.id AND e.action = 'transition' AND e.actor <> 'system' AND e.at < ${w.asOf}
    ) r ON true
    WHERE w.${sql(col)} = ANY(${codes as string[]}::text[])
      AND w.created_at >= ${dayStart(w.period.from)} AND w.created_at < ${dayStart(w.period.to)} AND w.created_at < ${w.asOf}
    GROUP BY 1`
  return new Map(rows.map((r) => [r.code, { raised: r.raised, answered: r.answered, meanHours: r.hours }]))
}

/**
 * Every count the indicators need, per area, over one window.
 * @example (await windowCounts(tx, 'town', codes, window)).get('330109001')?.tasks.due
 */
export async function windowCounts(
  sql: Queryable,
  level: RankLevel,
  codes: readonly string[],
  w: IndicatorWindow,
): Promise<Map<string, AreaCounts>> {
  const incidents = await incidentCounts(sql, codes, w)
  const tasks = await taskCounts(sql, level, codes, w)
  const warnings = await warningCounts(sql, level, codes, w)
  const view = await viewCounts(sql, level, codes, w)
  const entered = await enteredValues(sql, codes, w)
  return new Map(
    codes.map((code) => [
      code,
      {
        items: incidents.get(code)?.items ?? new Map<string, number>(),
        yearEarlierTotal: incidents.get(code)?.yearEarlierTotal ?? 0,
        tasks: tasks.get(code) ?? { due: 0, closed: 0, onTime: 0 },
        warnings: warnings.get(code) ?? { raised: 0, answered: 0, meanHours: null },
        view: view.get(code),
        entered: entered.get(code),
      },
    ]),
  )
}
