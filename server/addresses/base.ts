/**
 * What must happen after the address base changed (an import, the demo seed): rows without a
 * written town take their polygon's, the geocoder's
 * name dictionary (materialized view address_places) is rebuilt and app_meta
 * 'address_base_version' goes up, so every server process reloads its in-memory copy.
 */
import type { Sql, TransactionSql } from 'postgres'

/**
 * Refreshes address_places and bumps address_base_version; returns the new version. Inside a
 * transaction (pass the transaction's sql) both become visible together with the rows.
 * @example await addressBaseChanged(db.sql) // 4
 */
export async function addressBaseChanged(sql: Sql | TransactionSql): Promise<number> {
  // Rows written by paths that do not resolve the written town (SQL by hand): their polygon's.
  await sql`UPDATE addresses SET written_town_code = town_code WHERE written_town_code IS NULL AND town_code IS NOT NULL`
  await sql`REFRESH MATERIALIZED VIEW address_places`
  return dictionaryChanged(sql)
}

/**
 * Bumps address_base_version (returns the new one): every server's geocoder reloads its name
 * dictionary. Enough by itself when only the gazetteer changed.
 * @example await dictionaryChanged(tx) // 5
 */
export async function dictionaryChanged(sql: Sql | TransactionSql): Promise<number> {
  const [row] = await sql<{ version: string }[]>`
    INSERT INTO app_meta (key, value) VALUES ('address_base_version', '1'::jsonb)
    ON CONFLICT (key) DO UPDATE SET value = to_jsonb(COALESCE(app_meta.value::text::bigint, 0) + 1), updated_at = now()
    RETURNING value::text AS version`
  return Number(row!.version)
}

/**
 * The current address_base_version (0 before any load).
 * @example await addressBaseVersion(db.sql) // 3
 */
export async function addressBaseVersion(sql: Sql | TransactionSql): Promise<number> {
  const [row] = await sql<{ version: string }[]>`SELECT value::text AS version FROM app_meta WHERE key = 'address_base_version'`
  return row ? Number(row.version) : 0
}
