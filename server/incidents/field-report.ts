/** Where a field report's point lies: the areas whose scope it falls in. */
import type { Tx } from '../db/index.ts'

/**
 * The codes of the towns, villages and grids whose boundaries cover a WGS84 point (none outside
 * the district). Areas are readable in any scope, so a scoped caller learns only the codes of the
 * place they stand in.
 * @example await areasAt(tx, 120.27, 30.18) // ['330109001', '330109001001', '330109001001001']
 */
export async function areasAt(tx: Tx, lng: number, lat: number): Promise<string[]> {
  const rows = await tx<{ code: string }[]>`
    SELECT code FROM admin_areas
    WHERE level IN ('town', 'village', 'grid') AND ST_Covers(geom, ST_SetSRID(ST_Point(${lng}, ${lat}), 4326))
    ORDER BY level`
  return rows.map((r) => r.code)
}
