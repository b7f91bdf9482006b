/**
 * What the warning models read: the daily rollups (incident_h3_daily, incident_area_daily) where a
 * model counts per unit and day, incidents only where a model needs single events (addresses,
 * near-repeat points). Every reader takes an explicit window, so a run's data is fixed by its
 * as-of time. Cells come back as H3 hex strings (h3-js's form), days as YYYY-MM-DD.
 */
import { polygonToCells } from 'h3-js'

import type { Queryable } from '../db/index.ts'
import { bigintToH3 } from '../geo/h3.ts'

/** Category filter: null = every category. */
type Cats = readonly string[] | null

/**
 * Expands category and item codes to item codes (unknown codes are dropped: definitions are
 * validated on save); [] means every category (null).
 * @example await expandCategories(sql, ['05']) // ['0501', '0502', '0503', '0504']
 */
export async function expandCategories(sql: Queryable, codes: readonly string[]): Promise<string[] | null> {
  if (codes.length === 0) return null
  const rows = await sql<{ code: string }[]>`
    SELECT code FROM incident_categories
    WHERE level = 2 AND (code = ANY(${codes as string[]}::text[]) OR parent_code = ANY(${codes as string[]}::text[]))
    ORDER BY code`
  return rows.map((r) => r.code)
}

/** Category codes not in the catalogue (for validating definitions). */
export async function unknownCategories(sql: Queryable, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return []
  const rows = await sql<{ code: string }[]>`SELECT code FROM incident_categories WHERE code = ANY(${codes as string[]}::text[])`
  const known = new Set(rows.map((r) => r.code))
  return codes.filter((c) => !known.has(c))
}

/** Item names by code, for explanations. */
export async function categoryNames(sql: Queryable): Promise<Map<string, string>> {
  const rows = await sql<{ code: string; name_zh: string }[]>`SELECT code, name_zh FROM incident_categories`
  return new Map(rows.map((r) => [r.code, r.name_zh]))
}

export interface UnitDayCount {
  unit: string
  day: string
  n: number
}

/**
 * Incidents per area of one level and day, [fromDay, toDay), from incident_area_daily.
 * @example await areaDailyCounts(sql, 'grid', null, '2026-08-30', '2026-11-01')
 */
export async function areaDailyCounts(sql: Queryable, level: string, cats: Cats, fromDay: string, toDay: string): Promise<UnitDayCount[]> {
  const rows = await sql<{ unit: string; day: string; n: number }[]>`
    SELECT d.area_code AS unit, d.day::text AS day, sum(d.n)::int AS n
    FROM incident_area_daily d JOIN admin_areas a ON a.code = d.area_code AND a.level = ${level}
    WHERE d.day >= ${fromDay}::date AND d.day < ${toDay}::date
      ${cats ? sql`AND d.category_code = ANY(${cats as string[]}::text[])` : sql``}
    GROUP BY 1, 2 ORDER BY 1, 2`
  return rows
}

/**
 * Incidents per H3 cell of resolution `res` and day, [fromDay, toDay), from incident_h3_daily.
 * @example await h3DailyCounts(sql, 8, ['0101'], '2026-10-04', '2026-11-01')
 */
export async function h3DailyCounts(sql: Queryable, res: number, cats: Cats, fromDay: string, toDay: string): Promise<UnitDayCount[]> {
  const rows = await sql<{ cell: string; day: string; n: number }[]>`
    SELECT cell::text AS cell, day::text AS day, sum(n)::int AS n
    FROM incident_h3_daily
    WHERE res = ${res}::smallint AND day >= ${fromDay}::date AND day < ${toDay}::date
      ${cats ? sql`AND category_code = ANY(${cats as string[]}::text[])` : sql``}
    GROUP BY 1, 2 ORDER BY 1, 2`
  return rows.map((r) => ({ unit: bigintToH3(r.cell), day: r.day, n: r.n }))
}

export interface AreaInfo {
  code: string
  name: string
  population: number | null
}

/** Areas of one level with name and population. */
export async function areasOfLevel(sql: Queryable, level: string): Promise<AreaInfo[]> {
  return sql<AreaInfo[]>`SELECT code, name, population FROM admin_areas WHERE level = ${level} ORDER BY code`
}

/** Names of the given areas. */
export async function areaNames(sql: Queryable, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map()
  const rows = await sql<
    { code: string; name: string }[]
  >`SELECT code, name FROM admin_areas WHERE code = ANY(${codes as string[]}::text[])`
  return new Map(rows.map((r) => [r.code, r.name]))
}

/**
 * The district's H3 cells at `res` (its polygons filled), the study area of Gi*: cells without
 * incidents belong to the population the mean and spread come from. [] without a district.
 * @example (await districtCells(sql, 8)).length // ≈ 1,700 for Xiaoshan
 */
export async function districtCells(sql: Queryable, res: number): Promise<string[]> {
  const rows = await sql<{ g: string }[]>`SELECT ST_AsGeoJSON(geom) AS g FROM admin_areas WHERE level = 'district'`
  const out = new Set<string>()
  for (const r of rows) {
    const g = JSON.parse(r.g) as { type: string; coordinates: number[][][] | number[][][][] }
    const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][]
    for (const p of polys) for (const c of polygonToCells(p, res, true)) out.add(c)
  }
  return [...out].sort()
}

/** One incident as a point in time and space. */
export interface IncidentPoint {
  id: string
  t: Date
  category: string
  lng: number
  lat: number
}

/**
 * Placed incidents of the categories in [from, to), oldest first. Approximate points (a road's or
 * village's representative point) are left out: they would cluster falsely at the centroid.
 * @example await incidentPoints(sql, ['0101', '0102'], from, asOf)
 */
export async function incidentPoints(sql: Queryable, cats: Cats, from: Date, to: Date): Promise<IncidentPoint[]> {
  const rows = await sql<{ id: string; t: Date; category: string; lng: number; lat: number }[]>`
    SELECT id::text, reported_at AS t, category_code AS category, ST_X(geom) AS lng, ST_Y(geom) AS lat
    FROM incidents
    WHERE reported_at >= ${from} AND reported_at < ${to} AND geom IS NOT NULL AND NOT approximate
      ${cats ? sql`AND category_code = ANY(${cats as string[]}::text[])` : sql``}
    ORDER BY reported_at, id`
  return rows
}

/** The incidents at one address in a window, by category. */
export interface AddressCounts {
  addressId: string
  address: string
  lng: number
  lat: number
  /** incidents of the counted categories */
  n: number
  byCategory: Record<string, number>
  /** incidents of the extra categories (e.g. fights at a dispute address) */
  extra: number
  first: Date
  last: Date
}

/**
 * Addresses with at least `minCount` incidents of `cats` in [from, to), with counts per category
 * and how many incidents of `extraCats` they had in the same window.
 * @example await addressCounts(sql, null, from, asOf, 4)
 */
export async function addressCounts(
  sql: Queryable,
  cats: Cats,
  from: Date,
  to: Date,
  minCount: number,
  extraCats: Cats = null,
): Promise<AddressCounts[]> {
  const rows = await sql<
    { address_id: string; address: string; lng: number; lat: number; category: string; n: number; first: Date; last: Date; extra: number }[]
  >`
    WITH hit AS (
      SELECT address_id FROM incidents
      WHERE address_id IS NOT NULL AND reported_at >= ${from} AND reported_at < ${to}
        ${cats ? sql`AND category_code = ANY(${cats as string[]}::text[])` : sql``}
      GROUP BY address_id HAVING count(*) >= ${minCount}
    )
    SELECT i.address_id, a.address, ST_X(a.geom) AS lng, ST_Y(a.geom) AS lat, i.category_code AS category,
           count(*)::int AS n, min(i.reported_at) AS first, max(i.reported_at) AS last,
           ${
             extraCats
               ? sql`(SELECT count(*)::int FROM incidents e WHERE e.address_id = i.address_id AND e.reported_at >= ${from}
                    AND e.reported_at < ${to} AND e.category_code = ANY(${extraCats as string[]}::text[]))`
               : sql`0`
           } AS extra
    FROM incidents i JOIN hit USING (address_id) JOIN addresses a ON a.address_id = i.address_id
    WHERE i.reported_at >= ${from} AND i.reported_at < ${to}
      ${cats ? sql`AND i.category_code = ANY(${cats as string[]}::text[])` : sql``}
    GROUP BY i.address_id, a.address, a.geom, i.category_code
    ORDER BY i.address_id, i.category_code`
  const out = new Map<string, AddressCounts>()
  for (const r of rows) {
    let a = out.get(r.address_id)
    if (!a) {
      a = {
        addressId: r.address_id,
        address: r.address,
        lng: r.lng,
        lat: r.lat,
        n: 0,
        byCategory: {},
        extra: r.extra,
        first: r.first,
        last: r.last,
      }
      out.set(r.address_id, a)
    }
    a.n += r.n
    a.byCategory[r.category] = r.n
    if (r.first < a.first) a.first = r.first
    if (r.last > a.last) a.last = r.last
  }
  return [...out.values()]
}
