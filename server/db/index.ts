import path from 'node:path'

import { detectCapabilities } from './capabilities.ts'
import { openEmbedded } from './embedded.ts'
import { migrate } from './migrate.ts'
import { openNative } from './native.ts'
import type { Capabilities, Db, Scope } from './types.ts'

export type { Capabilities, CopyValue, Db, DbKind, Queryable, Scope, Tx } from './types.ts'
export { ScopeSchema, SYSTEM_SCOPE } from './types.ts'

export interface OpenOptions {
  /** Native PostgreSQL + PostGIS when set; the embedded PGlite database otherwise. */
  databaseUrl?: string | undefined
  /** Where the embedded database keeps its files (`<dataDir>/pglite`). */
  dataDir: string
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean
  onMigration?: (name: string) => void
}

const NO_POSTGIS: Capabilities = { asMvt: false, postgresVersion: 'unknown', postgisVersion: 'not installed', geosVersion: null }

/** Opens the database of either kind behind the same postgres.js API. */
export async function openDatabase(opts: OpenOptions): Promise<Db> {
  const handle = opts.databaseUrl ? openNative(opts.databaseUrl) : await openEmbedded(path.resolve(opts.dataDir))
  const kind = opts.databaseUrl ? 'native' : 'embedded'
  const { sql } = handle
  try {
    if (opts.migrate !== false) await migrate(sql, undefined, opts.onMigration)
    const capabilities = await detectCapabilities(sql).catch(() => NO_POSTGIS)
    const db: Db = {
      kind,
      sql,
      capabilities,
      async refreshCapabilities() {
        db.capabilities = await detectCapabilities(sql).catch(() => NO_POSTGIS)
        return db.capabilities
      },
      withScope<T>(scope: Scope, fn: Parameters<Db['withScope']>[1]): Promise<T> {
        return sql.begin(async (tx) => {
          // Transaction-local settings: row-level security policies read them.
          await tx`SELECT set_config('app.role', ${scope.role}, true),
                          set_config('app.user_id', ${scope.userId ?? ''}, true),
                          set_config('app.area_codes', ${scope.areaCodes ? scope.areaCodes.join(',') : '*'}, true)`
          // A scope limited to areas runs as the role the row-level security policies restrict
          // (migrations/019); the server's own user is not restricted by them.
          if (scope.areaCodes !== null) await tx`SET LOCAL ROLE onemap_scoped`
          return fn(tx) as Promise<T>
        }) as Promise<T>
      },
      copyIn: handle.copyIn,
      close: handle.close,
    }
    return db
  } catch (err) {
    await handle.close().catch(() => undefined)
    throw err
  }
}
