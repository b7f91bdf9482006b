import { listCategories } from '../categories/queries.ts'
import type { Tx } from '../db/index.ts'
import type { Scope } from '../db/index.ts'
import { NotFound } from '../shared/errors.ts'
import { addDays, dayStartMs, type Period, shanghaiIso } from '../shared/time.ts'
import { comparisonWindows, type CountWindow, elapsedWindow, percentChange } from './period.ts'
import type { AreaRef, AreaStatsResponse, ComparedCount, CountWindowOut, SummaryResponse, TimeseriesResponse } from './schema.ts'

/**
 * One admin area by code; without a code, the district. 404 when there is no such area.
 * @example await findArea(tx, '330109001') // { code: '330109001', name: '城厢街道', level: 'town' }
 */
export async function findArea(sql: Tx, code: string | undefined): Promise<AreaRef> {
  const [area] = code
    ? await sql<AreaRef[]>`SELECT code, name, level FROM admin_areas WHERE code = ${code}`
    : await sql<AreaRef[]>`SELECT code, name, level FROM admin_areas WHERE level = 'district' ORDER BY code LIMIT 1`
  if (!area) throw new NotFound(code ? `no area with code ${code}` : 'no district loaded')
  return area
}

/** What a statistic counts: one area, or a scoped caller's areas together. */
export interface StatsTarget {
  /** The area as the answer names it (for several areas: their codes and names joined). */
  area: AreaRef
  /** The areas summed: none of them lies inside another. */
  areas: AreaRef[]
}

/**
 * What a caller's statistics count. With a code: that area, which must be within the caller's
 * areas (404 otherwise, as for an area that does not exist: the answer says nothing of other
 * towns). Without: the district for district-wide callers, the caller's own areas for scoped ones.
 * @example await statsTarget(tx, { areaCodes: ['330109001'] }, undefined) // { area: { code: '330109001', … }, areas: [it] }
 */
export async function statsTarget(sql: Tx, scope: Pick<Scope, 'areaCodes'>, code: string | undefined): Promise<StatsTarget> {
  if (scope.areaCodes === null || code !== undefined) {
    const area = await findArea(sql, code)
    if (scope.areaCodes !== null) {
      const [inside] = await sql<{ ok: boolean }[]>`SELECT ${area.code} = ANY(app_scope_subtree()) AS ok`
      if (!inside?.ok) throw new NotFound(`no area with code ${area.code} among your areas`)
    }
    return { area, areas: [area] }
  }
  // The scope's top areas: a scope naming a town and one of its villages counts the town once.
  const areas = await sql<AreaRef[]>`
    WITH RECURSIVE mine AS (SELECT code, parent_code FROM admin_areas WHERE code = ANY(${scope.areaCodes}::text[])),
    up(code, ancestor) AS (
      SELECT m.code, m.parent_code FROM mine m
      UNION ALL
      SELECT u.code, a.parent_code FROM up u JOIN admin_areas a ON a.code = u.ancestor WHERE u.ancestor IS NOT NULL)
    SELECT a.code, a.name, a.level FROM admin_areas a
    WHERE a.code IN (SELECT code FROM mine)
      AND NOT EXISTS (SELECT 1 FROM up WHERE up.code = a.code AND up.ancestor IN (SELECT code FROM mine))
    ORDER BY a.code`
  const [first] = areas
  if (!first) throw new NotFound('your account has no areas: ask an administrator to assign them')
  const area =
    areas.length === 1 ? first : { code: areas.map((a) => a.code).join(','), name: areas.map((a) => a.name).join('、'), level: first.level }
  return { area, areas }
}

/** A window's bounds for SQL: its whole days, and its cut day's [start, until) (empty when none). */
function windowBounds(w: CountWindow): { from: string; fullTo: string; cutFrom: Date; cutTo: Date } {
  if (w.untilMs === null) return { from: w.from, fullTo: w.to, cutFrom: new Date(0), cutTo: new Date(0) }
  const last = addDays(w.to, -1)
  return { from: w.from, fullTo: last, cutFrom: new Date(dayStartMs(last)), cutTo: new Date(w.untilMs) }
}

/** A window as the API shows it. */
function windowOut(w: CountWindow): CountWindowOut {
  return { from: w.from, to: w.to, until: w.untilMs === null ? null : shanghaiIso(new Date(w.untilMs)) }
}

/**
 * Counts per category item and level-1 category for a period, with 同比 and 环比. Whole days come
 * from incident_area_daily; a period running at `now` ends at `now`, its last day counted from the
 * incidents up to that instant, and both comparisons are cut at the same elapsed time (at 00:23 a
 * day's 同比 is last year's same day from 00:00 to 00:23, not the whole of it).
 * @example (await statsSummary(tx, target, { from: '2026-10-01', to: '2026-11-01' }, new Date())).total.n
 */
export async function statsSummary(sql: Tx, target: StatsTarget, period: Period, now: Date): Promise<SummaryResponse> {
  const counted = elapsedWindow(period, now.getTime())
  const { yearEarlier, previous, previousKind } = comparisonWindows(counted, period)
  const [c, y, p] = [windowBounds(counted), windowBounds(yearEarlier), windowBounds(previous)]
  const codes = target.areas.map((a) => a.code)
  const whole = target.areas.some((a) => a.level === 'district')
  // One scan over the three windows' whole days; they may overlap (periods over a year long), hence FILTER, not GROUP BY window.
  const rows = await sql<{ category_code: string; n: number; year_earlier: number; previous: number }[]>`
    SELECT category_code,
      coalesce(sum(n) FILTER (WHERE day >= ${c.from}::date AND day < ${c.fullTo}::date), 0)::int AS n,
      coalesce(sum(n) FILTER (WHERE day >= ${y.from}::date AND day < ${y.fullTo}::date), 0)::int AS year_earlier,
      coalesce(sum(n) FILTER (WHERE day >= ${p.from}::date AND day < ${p.fullTo}::date), 0)::int AS previous
    FROM incident_area_daily
    WHERE area_code = ANY(${codes}::text[])
      AND ((day >= ${c.from}::date AND day < ${c.fullTo}::date)
        OR (day >= ${y.from}::date AND day < ${y.fullTo}::date)
        OR (day >= ${p.from}::date AND day < ${p.fullTo}::date))
    GROUP BY category_code`
  // The cut days, from the incidents themselves (at most three part-days: cheap on the time index).
  const cut =
    counted.untilMs === null
      ? []
      : await sql<{ category_code: string; n: number; year_earlier: number; previous: number }[]>`
    SELECT category_code,
      count(*) FILTER (WHERE reported_at >= ${c.cutFrom} AND reported_at < ${c.cutTo})::int AS n,
      count(*) FILTER (WHERE reported_at >= ${y.cutFrom} AND reported_at < ${y.cutTo})::int AS year_earlier,
      count(*) FILTER (WHERE reported_at >= ${p.cutFrom} AND reported_at < ${p.cutTo})::int AS previous
    FROM incidents
    WHERE ((reported_at >= ${c.cutFrom} AND reported_at < ${c.cutTo})
        OR (reported_at >= ${y.cutFrom} AND reported_at < ${y.cutTo})
        OR (reported_at >= ${p.cutFrom} AND reported_at < ${p.cutTo}))
      AND (${whole} OR town_code = ANY(${codes}::text[]) OR village_code = ANY(${codes}::text[])
        OR grid_code = ANY(${codes}::text[]) OR microgrid_code = ANY(${codes}::text[]))
    GROUP BY category_code`
  const byItem = new Map<string, { n: number; year_earlier: number; previous: number }>()
  for (const r of [...rows, ...cut]) {
    const o = byItem.get(r.category_code) ?? { n: 0, year_earlier: 0, previous: 0 }
    byItem.set(r.category_code, { n: o.n + r.n, year_earlier: o.year_earlier + r.year_earlier, previous: o.previous + r.previous })
  }
  const catalogue = await listCategories(sql)
  const categories = catalogue.map((cat) => {
    const items = cat.items.map((i) => {
      const r = byItem.get(i.code)
      return { code: i.code, nameZh: i.nameZh, nameEn: i.nameEn, ...compared(r?.n ?? 0, r?.year_earlier ?? 0, r?.previous ?? 0) }
    })
    return { code: cat.code, nameZh: cat.nameZh, nameEn: cat.nameEn, ...sumCompared(items), items }
  })
  return {
    area: target.area,
    areas: target.areas,
    period,
    counted: windowOut(counted),
    yearEarlierPeriod: windowOut(yearEarlier),
    previousPeriod: { ...windowOut(previous), kind: previousKind },
    total: sumCompared(categories),
    categories,
  }
}

/**
 * A count with its comparison bases and percentage changes.
 * @example compared(15, 10, 0) // { n: 15, yearEarlier: 10, yoyPct: 50, previous: 0, popPct: null }
 */
export function compared(n: number, yearEarlier: number, previous: number): ComparedCount {
  return { n, yearEarlier, yoyPct: percentChange(n, yearEarlier), previous, popPct: percentChange(n, previous) }
}

/**
 * Sums compared counts (percentages recomputed from the sums, never averaged).
 * @example sumCompared([compared(1, 1, 0), compared(2, 0, 0)]) // { n: 3, yearEarlier: 1, yoyPct: 200, previous: 0, popPct: null }
 */
function sumCompared(parts: readonly ComparedCount[]): ComparedCount {
  const sum = (k: 'n' | 'yearEarlier' | 'previous') => parts.reduce((s, p) => s + p[k], 0)
  return compared(sum('n'), sum('yearEarlier'), sum('previous'))
}

/**
 * Counts per day, ISO week (from Monday) or month over the period, every bucket present (0 when empty).
 * Buckets are labelled by their first day; edge buckets count only days inside the period.
 * @example await statsTimeseries(tx, target, period, 'week', null) // [{ bucket: '2026-09-28', n: 12 }, …]
 */
export async function statsTimeseries(
  sql: Tx,
  target: StatsTarget,
  period: Period,
  bucket: 'day' | 'week' | 'month',
  items: readonly string[] | null,
): Promise<TimeseriesResponse> {
  // Timestamps without time zone: the days are already Shanghai days, no conversion may happen.
  const rows = await sql<{ bucket: string; n: number }[]>`
    WITH counts AS (
      SELECT date_trunc(${bucket}, day::timestamp) AS b, sum(n) AS n
      FROM incident_area_daily
      WHERE area_code = ANY(${target.areas.map((a) => a.code)}::text[]) AND day >= ${period.from}::date AND day < ${period.to}::date
        AND (${items === null} OR category_code = ANY(${(items ?? []) as string[]}::text[]))
      GROUP BY 1)
    SELECT to_char(s.b, 'YYYY-MM-DD') AS bucket, coalesce(c.n, 0)::int AS n
    FROM generate_series(
      date_trunc(${bucket}, ${period.from}::date::timestamp),
      (${period.to}::date - 1)::timestamp,
      CASE ${bucket} WHEN 'day' THEN interval '1 day' WHEN 'week' THEN interval '1 week' ELSE interval '1 month' END
    ) AS s(b)
    LEFT JOIN counts c ON c.b = s.b
    ORDER BY s.b`
  return rows.map((r) => ({ bucket: r.bucket, n: r.n }))
}

/**
 * An area's totals by level-1 category and its direct children's totals, for drill-down.
 * @example (await areaStats(tx, town, period)).children[0] // { code: '330109001001', total: 3, categories: { '01': 2, … } }
 */
export async function areaStats(sql: Tx, area: AreaRef, period: Period): Promise<AreaStatsResponse> {
  const rows = await sql<{ area_code: string; parent: string; n: number }[]>`
    SELECT d.area_code, c.parent_code AS parent, sum(d.n)::int AS n
    FROM incident_area_daily d
    JOIN incident_categories c ON c.code = d.category_code
    WHERE d.day >= ${period.from}::date AND d.day < ${period.to}::date
      AND (d.area_code = ${area.code} OR d.area_code IN (SELECT code FROM admin_areas WHERE parent_code = ${area.code}))
    GROUP BY 1, 2`
  const children = await sql<AreaRef[]>`SELECT code, name, level FROM admin_areas WHERE parent_code = ${area.code} ORDER BY code`
  const catalogue = await listCategories(sql)
  const own = rows.filter((r) => r.area_code === area.code)
  const categories = catalogue.map((c) => ({
    code: c.code,
    nameZh: c.nameZh,
    nameEn: c.nameEn,
    n: own.filter((r) => r.parent === c.code).reduce((s, r) => s + r.n, 0),
  }))
  return {
    area,
    period,
    total: categories.reduce((s, c) => s + c.n, 0),
    categories,
    children: children.map((child) => {
      const mine = rows.filter((r) => r.area_code === child.code)
      return { ...child, total: mine.reduce((s, r) => s + r.n, 0), categories: Object.fromEntries(mine.map((r) => [r.parent, r.n])) }
    }),
  }
}
