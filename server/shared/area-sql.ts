/**
 * The area filter of records that carry area codes (incidents, hazards): one SQL fragment, so the
 * list, the map tiles and the OGC collections count the same rows for an area. The caller's `sql`
 * is passed in (this module holds no connection).
 */
import type { ISql, PendingQuery, Row } from 'postgres'

/** An area to filter by: its level says which code column to match. */
export interface AreaFilter {
  level: 'district' | 'town' | 'village' | 'grid' | 'microgrid'
  code: string
}

/**
 * `AND …` restricting rows aliased `alias` to an area: its code in the column of its level; none
 * for the district or no area (every row counts there, placed or not, as in the rollups). A
 * micro-grid is also matched through its grid (the parent in admin_areas): incidents have indexes
 * on town, village and grid codes (with reported_at) but none on micro-grid codes, and the parent
 * is looked up, not cut from the code, since an imported micro-grid's code need not start with its
 * grid's.
 * @example sql`SELECT … FROM incidents i WHERE true ${areaCondition(sql, 'i', { level: 'village', code: '330109001001' })}` // … AND "i"."village_code" = $1
 */
export function areaCondition(sql: ISql, alias: string, area: AreaFilter | null | undefined): PendingQuery<Row[]> {
  if (!area || area.level === 'district') return sql``
  const column = (name: string) => sql(`${alias}.${name}`)
  if (area.level === 'microgrid') {
    return sql`AND ${column('grid_code')} = (SELECT parent_code FROM admin_areas WHERE code = ${area.code}) AND ${column('microgrid_code')} = ${area.code}`
  }
  return sql`AND ${column(`${area.level}_code`)} = ${area.code}`
}
