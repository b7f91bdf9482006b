/** The one upsert of staged rows into the address base. */
import type { Sql, TransactionSql } from 'postgres'

import { ADDRESS_COPY_COLUMNS } from './prepare.ts'

/**
 * Merges a staging table shaped like ADDRESS_COPY_COLUMNS into `addresses` by address_id; rows
 * that would not change are not written (their updated_at stays). Used by the import and the seed.
 * @example const { inserted, updated } = await mergeAddressStage(tx, 'import_stage')
 */
export async function mergeAddressStage(tx: Sql | TransactionSql, stage: string): Promise<{ inserted: number; updated: number }> {
  const cols = [...ADDRESS_COPY_COLUMNS]
  const [row] = await tx<{ inserted: number; updated: number }[]>`
    WITH up AS (
      INSERT INTO addresses AS a (${tx(cols)})
      SELECT ${tx(cols)} FROM ${tx(stage)}
      ON CONFLICT (address_id) DO UPDATE SET
        address = EXCLUDED.address, geom = EXCLUDED.geom, town = EXCLUDED.town, village = EXCLUDED.village,
        group_no = EXCLUDED.group_no, road = EXCLUDED.road, door_no = EXCLUDED.door_no,
        compound = EXCLUDED.compound, building = EXCLUDED.building, unit = EXCLUDED.unit, room = EXCLUDED.room,
        aliases = EXCLUDED.aliases, town_code = EXCLUDED.town_code, village_code = EXCLUDED.village_code,
        grid_code = EXCLUDED.grid_code, microgrid_code = EXCLUDED.microgrid_code, h3_r7 = EXCLUDED.h3_r7,
        h3_r8 = EXCLUDED.h3_r8, h3_r9 = EXCLUDED.h3_r9, h3_r10 = EXCLUDED.h3_r10, source = EXCLUDED.source,
        written_town_code = EXCLUDED.written_town_code, updated_at = now()
      WHERE (a.address, a.geom, a.town, a.village, a.group_no, a.road, a.door_no, a.compound, a.building, a.unit,
             a.room, a.aliases, a.town_code, a.village_code, a.grid_code, a.microgrid_code, a.h3_r7, a.h3_r8,
             a.h3_r9, a.h3_r10, a.source, a.written_town_code)
        IS DISTINCT FROM
            (EXCLUDED.address, EXCLUDED.geom, EXCLUDED.town, EXCLUDED.village, EXCLUDED.group_no, EXCLUDED.road,
             EXCLUDED.door_no, EXCLUDED.compound, EXCLUDED.building, EXCLUDED.unit, EXCLUDED.room,
             EXCLUDED.aliases, EXCLUDED.town_code, EXCLUDED.village_code, EXCLUDED.grid_code,
             EXCLUDED.microgrid_code, EXCLUDED.h3_r7, EXCLUDED.h3_r8, EXCLUDED.h3_r9, EXCLUDED.h3_r10,
             EXCLUDED.source, EXCLUDED.written_town_code)
      -- xmax is 0 on a freshly inserted row version and our transaction id on an updated one.
      RETURNING (xmax = 0) AS inserted
    )
    SELECT (count(*) FILTER (WHERE inserted))::int AS inserted, (count(*) FILTER (WHERE NOT inserted))::int AS updated FROM up`
  return row!
}
