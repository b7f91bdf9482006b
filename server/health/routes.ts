import { Router } from 'express'
import type { Db } from '../db/index.ts'
import { currentVersion } from '../db/migrate.ts'

/** Facts about the database for operators: kind, versions, migration, row counts. */
export async function healthReport(db: Db) {
  const { sql } = db
  const tables = await sql<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'spatial_ref_sys'
    ORDER BY table_name`
  const counts: Record<string, number> = {}
  for (const { name } of tables) {
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
