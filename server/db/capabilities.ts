import type { Sql } from 'postgres'

import type { Capabilities } from './types.ts'

/**
 * Detects what the database can do by trying it, not by its version: PGlite's PostGIS
 * lists ST_AsMVT in pg_proc but fails when it is called.
 */
export async function detectCapabilities(sql: Sql): Promise<Capabilities> {
  const [v] = await sql<{ pg: string; postgis: string; geos: string | null }[]>`
    SELECT current_setting('server_version') AS pg,
           postgis_lib_version() AS postgis,
           postgis_geos_version() AS geos`
  let asMvt: boolean
  try {
    await sql`SELECT ST_AsMVT(q, 'probe') FROM (
      SELECT 1 AS id, ST_AsMVTGeom(ST_Point(0, 0, 3857), ST_MakeEnvelope(-1, -1, 1, 1, 3857)) AS geom) q`
    asMvt = true
  } catch {
    asMvt = false
  }
  return {
    asMvt,
    postgresVersion: v?.pg ?? 'unknown',
    postgisVersion: v?.postgis ?? 'unknown',
    geosVersion: v?.geos ?? null,
  }
}
