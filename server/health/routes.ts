import { Router } from 'express'

import type { Db } from '../db/index.ts'
import { currentVersion } from '../db/migrate.ts'

/**
 * Tables with at least this many rows (by the planner's estimate) are reported from the estimate
 * (pg_class.reltuples, kept by ANALYZE and autovacuum) instead of counted: a monitor polling the
 * health check every few seconds must not scan 3.5 M addresses each time (0.4–1.1 s on the full base).
 */
export const EXACT_COUNT_BELOW = 100_000

/**
 * Facts about the database for operators: kind, versions, migration, row counts (exact below
 * `exactBelow` rows, estimated above it; `estimated` names those).
 * @example (await healthReport(db)).tables.admin_areas // 18648
 */
export async function healthReport(db: Db, opts: { exactBelow?: number } = {}) {
  const { sql } = db
  const exactBelow = opts.exactBelow ?? EXACT_COUNT_BELOW
  // reltuples is -1 for a table never analyzed: those are counted.
  const tables = await sql<{ name: string; estimate: number }[]>`
    SELECT t.table_name AS name, coalesce(c.reltuples, -1)::float8 AS estimate
    FROM information_schema.tables t
    LEFT JOIN pg_class c ON c.oid = format('public.%I', t.table_name)::regclass
    WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND t.table_name <> 'spatial_ref_sys'
    ORDER BY t.table_name`
  const counts: Record<string, number> = {}
  const estimated: string[] = []
  for (const { name, estimate } of tables) {
    if (estimate >= exactBelow) {
      counts[name] = Math.round(estimate)
      estimated.push(name)
      continue
    }
    const [row] = await sql<{ n: string }[]>`SELECT count(*) AS n FROM ${sql(name)}`
    counts[name] = Number(row?.n ?? 0)
  }
  const [seed] = await sql<{ value: unknown }[]>`SELECT value FROM app_meta WHERE key = 'seed'`
  return {
    status: 'ok' as const,
    database: {
      kind: db.kind,
      postgresVersion: db.capabilities.postgresVersion,
      postgisVersion: db.capabilities.postgisVersion,
      geosVersion: db.capabilities.geosVersion,
      capabilities: { asMvt: db.capabilities.asMvt },
      migrationVersion: await currentVersion(sql),
    },
    tables: counts,
    estimated,
    seed: seed?.value ?? null,
    uptimeSeconds: Math.round(process.uptime()),
  }
}
export type HealthReport = Awaited<ReturnType<typeof healthReport>>

export function healthRoutes(db: Db): Router {
  const router = Router()
  router.get('/api/health', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await healthReport(db))
  })
  return router
}
