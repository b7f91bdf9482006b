/**
 * Monthly indicators per town or village: counts read once per window, values computed in
 * server/indicators/compute.ts, compared with the previous month (the same number of days).
 */
import { listCategories } from '../categories/queries.ts'
import { resolveRoles } from '../categories/roles.ts'
import { readRoleBinding } from '../categories/roles-store.ts'
import type { Tx } from '../db/index.ts'
import { invalidField, NotFound } from '../shared/errors.ts'
import { areaValues, type BareValue, compareValue, EMPTY_COUNTS } from './compute.ts'
import { indicatorDefinitions } from './definitions.ts'
import { currentMonth, type IndicatorWindow, type Month, monthWindow, previousWindow } from './month.ts'
import { levelAreas, windowCounts } from './queries.ts'
import type { AreaIndicators, IndicatorDefinition, IndicatorId, IndicatorsResponse, RankLevel } from './schema.ts'
import { presentIndicators } from './view-queries.ts'

/**
 * The month asked for (default: the current one); a month not yet begun is a 400 naming `query.month`.
 * @example checkedMonth(undefined, new Date('2026-11-22T00:00:00Z')) // '2026-11'
 */
export function checkedMonth(month: Month | undefined, now: Date): Month {
  const current = currentMonth(now)
  if (month === undefined) return current
  if (month > current) {
    throw invalidField('query.month', `${month} has not begun (the current month is ${current})`)
  }
  return month
}

/**
 * The indicator catalogue as the district has it now: its category catalogue and role binding.
 * @example (await currentDefinitions(tx)).find((d) => d.id === 'fires_per_10k')?.configured // true
 */
export async function currentDefinitions(sql: Tx): Promise<IndicatorDefinition[]> {
  const catalogue = await listCategories(sql)
  return indicatorDefinitions(catalogue, resolveRoles((await readRoleBinding(sql)).binding, catalogue), await presentIndicators(sql))
}

/**
 * Bare values (no comparison) of every area of a level over one window.
 * @example (await levelValues(tx, 'town', window, defs)).get('330109001')?.fires_per_10k.value
 */
export async function levelValues(
  sql: Tx,
  level: RankLevel,
  w: IndicatorWindow,
  defs: readonly IndicatorDefinition[],
): Promise<Map<string, Record<IndicatorId, BareValue>>> {
  const areas = await levelAreas(sql, level)
  const counts = await windowCounts(
    sql,
    level,
    areas.map((a) => a.code),
    w,
  )
  return new Map(areas.map((a) => [a.code, areaValues(defs, a.population, counts.get(a.code) ?? EMPTY_COUNTS)]))
}

/**
 * `GET /api/indicators`: every area of the level (or those within `area`) with its values for the
 * month, the previous month's and the change.
 * @example (await monthIndicators(tx, 'town', '2026-10', new Date())).areas[0].indicators.fires_per_10k
 */
export async function monthIndicators(sql: Tx, level: RankLevel, month: Month, now: Date, within?: string): Promise<IndicatorsResponse> {
  const defs = await currentDefinitions(sql)
  const w = monthWindow(month, now)
  const prevW = previousWindow(w)
  const areas = await levelAreas(sql, level)
  const codes = areas.map((a) => a.code)
  const [cur, prev] = [await windowCounts(sql, level, codes, w), await windowCounts(sql, level, codes, prevW)]
  const inside = within === undefined ? null : await areaWithin(sql, within, areas)
  const list: AreaIndicators[] = areas
    .filter((a) => inside === null || inside.has(a.code))
    .map((a) => {
      const now = areaValues(defs, a.population, cur.get(a.code) ?? EMPTY_COUNTS)
      const before = areaValues(defs, a.population, prev.get(a.code) ?? EMPTY_COUNTS)
      const indicators = Object.fromEntries(defs.map((d) => [d.id, compareValue(now[d.id], before[d.id])])) as AreaIndicators['indicators']
      return { code: a.code, name: a.name, level, parentCode: a.parentCode, population: a.population, indicators }
    })
  return {
    level,
    month,
    period: w.period,
    previousPeriod: prevW.period,
    yearEarlierPeriod: w.yearEarlier,
    asOf: w.asOf.toISOString(),
    complete: w.complete,
    definitions: defs,
    areas: list,
  }
}

/**
 * The codes (among `areas`) that are `code` or lie within it; 404 for an unknown area.
 * @example await areaWithin(tx, '330109001', villages) // Set { '330109001001', … }
 */
async function areaWithin(sql: Tx, code: string, areas: readonly { code: string; parentCode: string | null }[]): Promise<Set<string>> {
  const rows = await sql<{ code: string }[]>`
    WITH RECURSIVE up AS (
      SELECT code, parent_code FROM admin_areas WHERE code = ANY(${areas.map((a) => a.code)}::text[])
      UNION
      SELECT up.code, p.parent_code FROM up JOIN admin_areas p ON p.code = up.parent_code
    )
    SELECT DISTINCT code FROM up WHERE code = ${code} OR parent_code = ${code}`
  const [exists] = await sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE code = ${code}`
  if (!exists) throw new NotFound(`no area with code ${code}`)
  return new Set(rows.map((r) => r.code))
}
