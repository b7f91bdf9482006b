import type { Tx } from '../db/index.ts'
import { HttpError } from '../http/errors.ts'
import { listCategories } from '../categories/queries.ts'
import { comparisonPeriods, percentChange, type Period } from './period.ts'
import type { AreaRef, AreaStatsResponse, ComparedCount, SummaryResponse, TimeseriesResponse } from './schema.ts'

/**
 * One admin area by code; without a code, the district. 404 when there is no such area.
 * @example await findArea(tx, '330109001') // { code: '330109001', name: '城厢街道', level: 'town' }
 */
export async function findArea(sql: Tx, code: string | undefined): Promise<AreaRef> {
  const [area] = code
    ? await sql<AreaRef[]>`SELECT code, name, level FROM admin_areas WHERE code = ${code}`
    : await sql<AreaRef[]>`SELECT code, name, level FROM admin_areas WHERE level = 'district' ORDER BY code LIMIT 1`
  if (!area) throw new HttpError(404, code ? `no area with code ${code}` : 'no district loaded')
  return area
}

/**
 * Counts per category item and level-1 category for a period, with 同比 and 环比, from incident_area_daily.
 * @example (await statsSummary(tx, area, { from: '2026-10-01', to: '2026-11-01' })).total.n
 */
export async function statsSummary(sql: Tx, area: AreaRef, period: Period): Promise<SummaryResponse> {
  const { yearEarlier, previous } = comparisonPeriods(period)
  // One scan over the three windows; they may overlap (periods over a year long), hence FILTER, not GROUP BY window.
  const rows = await sql<{ category_code: string; n: number; year_earlier: number; previous: number }[]>`
    SELECT category_code,
      coalesce(sum(n) FILTER (WHERE day >= ${period.from}::date AND day < ${period.to}::date), 0)::int AS n,
      coalesce(sum(n) FILTER (WHERE day >= ${yearEarlier.from}::date AND day < ${yearEarlier.to}::date), 0)::int AS year_earlier,
      coalesce(sum(n) FILTER (WHERE day >= ${previous.from}::date AND day < ${previous.to}::date), 0)::int AS previous
    FROM incident_area_daily
    WHERE area_code = ${area.code}
      AND ((day >= ${period.from}::date AND day < ${period.to}::date)
        OR (day >= ${yearEarlier.from}::date AND day < ${yearEarlier.to}::date)
        OR (day >= ${previous.from}::date AND day < ${previous.to}::date))
    GROUP BY category_code`
  const byItem = new Map(rows.map((r) => [r.category_code, r]))
  const catalogue = await listCategories(sql)
  const categories = catalogue.map((c) => {
    const items = c.items.map((i) => {
      const r = byItem.get(i.code)
      return { code: i.code, nameZh: i.nameZh, nameEn: i.nameEn, ...compared(r?.n ?? 0, r?.year_earlier ?? 0, r?.previous ?? 0) }
    })
    return { code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, ...sumCompared(items), items }
  })
  return { area, period, yearEarlierPeriod: yearEarlier, previousPeriod: previous, total: sumCompared(categories), categories }
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
 * @example await statsTimeseries(tx, area, period, 'week', null) // [{ bucket: '2026-09-28', n: 12 }, …]
 */
export async function statsTimeseries(
  sql: Tx,
  area: AreaRef,
  period: Period,
  bucket: 'day' | 'week' | 'month',
  items: readonly string[] | null,
): Promise<TimeseriesResponse> {
  // Timestamps without time zone: the days are already Shanghai days, no conversion may happen.
  const rows = await sql<{ bucket: string; n: number }[]>`
    WITH counts AS (
      SELECT date_trunc(${bucket}, day::timestamp) AS b, sum(n) AS n
      FROM incident_area_daily
      WHERE area_code = ${area.code} AND day >= ${period.from}::date AND day < ${period.to}::date
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
