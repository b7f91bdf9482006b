/**
 * Incident rollups (migrations/006): per (H3 cell, day, category item) and per (area, day,
 * category item). Triggers keep them current; these functions rebuild and check them.
 */
import type { Sql } from 'postgres'

/**
 * Recomputes both rollups from the incidents, in one transaction (readers see old or new).
 * @example await rebuildRollups(db.sql) // after a bulk repair of incidents with triggers off
 */
export async function rebuildRollups(sql: Sql): Promise<{ h3Rows: number; areaRows: number }> {
  return sql.begin(async (tx) => {
    await tx`SELECT rebuild_incident_rollups()`
    const [c] = await tx<{ h3: number; area: number }[]>`
      SELECT (SELECT count(*) FROM incident_h3_daily)::int AS h3, (SELECT count(*) FROM incident_area_daily)::int AS area`
    return { h3Rows: c!.h3, areaRows: c!.area }
  }) as Promise<{ h3Rows: number; areaRows: number }>
}

/**
 * Rows where the kept rollups differ from a count over the incidents right now (empty when they
 * agree): the check behind the rollup tests and `npm run rollups -- --check`.
 */
export async function rollupDifferences(sql: Sql): Promise<{ table: string; key: string; kept: number; counted: number }[]> {
  return sql<{ table: string; key: string; kept: number; counted: number }[]>`
    WITH counted_h3 AS (
      SELECT c.res, c.cell, (i.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, i.category_code, count(*)::int AS n
      FROM incidents i
      CROSS JOIN LATERAL (VALUES (7, i.h3_r7), (8, i.h3_r8), (9, i.h3_r9), (10, i.h3_r10)) AS c(res, cell)
      WHERE c.cell IS NOT NULL
      GROUP BY 1, 2, 3, 4
    ), counted_area AS (
      SELECT a.code AS area_code, (i.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, i.category_code, count(*)::int AS n
      FROM incidents i
      CROSS JOIN LATERAL (VALUES (incident_rollup_district()), (i.town_code), (i.village_code), (i.grid_code), (i.microgrid_code)) AS a(code)
      WHERE a.code IS NOT NULL
      GROUP BY 1, 2, 3
    )
    SELECT 'incident_h3_daily' AS table, concat_ws('/', res, cell, day, category_code) AS key,
           coalesce(k.n, 0) AS kept, coalesce(c.n, 0) AS counted
    FROM incident_h3_daily k FULL JOIN counted_h3 c USING (res, cell, day, category_code)
    WHERE k.n IS DISTINCT FROM c.n
    UNION ALL
    SELECT 'incident_area_daily', concat_ws('/', area_code, day, category_code), coalesce(k.n, 0), coalesce(c.n, 0)
    FROM incident_area_daily k FULL JOIN counted_area c USING (area_code, day, category_code)
    WHERE k.n IS DISTINCT FROM c.n
    ORDER BY 1, 2
    LIMIT 100`
}
