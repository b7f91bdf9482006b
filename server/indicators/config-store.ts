/**
 * The scoring configuration in the database: versioned (every PUT adds one, who and when), the
 * default stored as version 1 on first use so every ranking names a real version.
 */
import type { Queryable } from '../db/index.ts'
import { DEFAULT_RANKING_CONFIG } from './definitions.ts'
import { type RankingConfig, type RankingConfigResponse, RankingConfigSchema } from './schema.ts'

interface ConfigRow {
  version: number
  config: unknown
  created_by: string
  created_at: Date
}

/**
 * Maps a stored row to the API's answer; a stored config that no longer validates is a 500 that says so.
 * @example toResponse(row).version // 3
 */
function toResponse(r: ConfigRow): RankingConfigResponse {
  const parsed = RankingConfigSchema.safeParse(r.config)
  if (!parsed.success) throw new Error(`stored ranking config version ${r.version} is invalid: ${parsed.error.issues[0]?.message ?? ''}`)
  return { version: r.version, config: parsed.data, updatedBy: r.created_by, updatedAt: r.created_at.toISOString() }
}

/**
 * The current configuration (the highest version), storing the default first if there is none.
 * @example (await currentRankingConfig(tx)).config.colours.red.topShare // 0.1
 */
export async function currentRankingConfig(sql: Queryable): Promise<RankingConfigResponse> {
  const [row] = await sql<
    ConfigRow[]
  >`SELECT version, config, created_by, created_at FROM ranking_config_versions ORDER BY version DESC LIMIT 1`
  if (row) return toResponse(row)
  // Two first requests may race: the loser's insert does nothing and both read version 1.
  await sql`
    INSERT INTO ranking_config_versions (version, config, created_by)
    VALUES (1, ${sql.json(DEFAULT_RANKING_CONFIG as never)}, 'system') ON CONFLICT (version) DO NOTHING`
  const [first] = await sql<
    ConfigRow[]
  >`SELECT version, config, created_by, created_at FROM ranking_config_versions ORDER BY version DESC LIMIT 1`
  return toResponse(first!)
}

/**
 * Stores a validated configuration as the next version.
 * @example await saveRankingConfig(tx, config, 'chief') // { version: 2, … }
 */
export async function saveRankingConfig(sql: Queryable, config: RankingConfig, actor: string): Promise<RankingConfigResponse> {
  await currentRankingConfig(sql)
  const [row] = await sql<ConfigRow[]>`
    INSERT INTO ranking_config_versions (version, config, created_by)
    SELECT max(version) + 1, ${sql.json(config as never)}, ${actor} FROM ranking_config_versions
    RETURNING version, config, created_by, created_at`
  return toResponse(row!)
}

/**
 * One stored version (snapshots name theirs).
 * @example (await rankingConfigVersion(tx, 1))?.config
 */
export async function rankingConfigVersion(sql: Queryable, version: number): Promise<RankingConfigResponse | null> {
  const [row] = await sql<
    ConfigRow[]
  >`SELECT version, config, created_by, created_at FROM ranking_config_versions WHERE version = ${version}`
  return row ? toResponse(row) : null
}
