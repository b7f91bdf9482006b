/** Generated incidents for the OGC and export tests (fast: one INSERT … SELECT, no geocoding). */
import type { Sql } from 'postgres'

export const FIXTURE_CATEGORIES = ['0101', '0102', '0201', '0301', '0401', '0501'] as const

/**
 * Inserts `n` incidents `stepSeconds` apart from `start`, each at the label point of a village
 * (spread over the district), with its town and village codes and a category cycling through
 * FIXTURE_CATEGORIES. Needs the boundaries seeded.
 * @example await insertIncidents(db.sql, 'ogc-', 600, '2026-10-01T00:00:00+08:00', 2220)
 */
export async function insertIncidents(sql: Sql, prefix: string, n: number, start: string, stepSeconds: number): Promise<void> {
  await sql`
    WITH v AS (
      SELECT code, parent_code, label_point, row_number() OVER (ORDER BY code) AS rn
      FROM admin_areas WHERE level = 'village'
    ), g AS (
      -- The village count as a constant, so the join below is a hash join, not a nested loop.
      SELECT g, 1 + (g::bigint * 7919) % (SELECT count(*) FROM admin_areas WHERE level = 'village') AS rn
      FROM generate_series(1, ${n}::int) g
    )
    INSERT INTO incidents (incident_id, reported_at, category_code, address, geom, town_code, village_code, status, source)
    SELECT ${prefix} || g.g, ${start}::timestamptz + g.g * ${stepSeconds} * interval '1 second',
           (${FIXTURE_CATEGORIES as unknown as string[]}::text[])[1 + g.g % ${FIXTURE_CATEGORIES.length}],
           '测试地址' || g.g || '号', v.label_point, v.parent_code, v.code, 'open', 'fixture'
    FROM g JOIN v ON v.rn = g.rn`
}
