/**
 * What became of the reports' places: the counts a data-quality view, an import check or an
 * operator asks for ("how many of this month's incidents are on the map?").
 */
import type { Tx } from '../db/index.ts'
import type { PlacementCounts, PlacementQuery } from './schema.ts'

/**
 * Incidents of a span (all without one) by placement, as the caller's scope sees them.
 * @example await placementCounts(tx, {}) // { total: 9, placed: 7, precise: 5, approximate: 2, unplaced: 2, outsideDistrict: 1, … }
 */
export async function placementCounts(sql: Tx, q: PlacementQuery): Promise<PlacementCounts> {
  const from = q.from ?? null
  const to = q.to ?? null
  const [r] = await sql<Omit<PlacementCounts, 'from' | 'to'>[]>`
    SELECT count(*)::int AS total,
           count(*) FILTER (WHERE geom IS NOT NULL)::int AS placed,
           count(*) FILTER (WHERE geom IS NOT NULL AND NOT approximate)::int AS precise,
           count(*) FILTER (WHERE geom IS NOT NULL AND approximate)::int AS approximate,
           count(*) FILTER (WHERE geom IS NULL)::int AS unplaced,
           count(*) FILTER (WHERE outside_district)::int AS "outsideDistrict"
    FROM incidents
    WHERE (${from}::timestamptz IS NULL OR reported_at >= ${from}::timestamptz)
      AND (${to}::timestamptz IS NULL OR reported_at < ${to}::timestamptz)`
  return { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, ...r! }
}
