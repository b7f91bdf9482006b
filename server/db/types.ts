import type { Sql, TransactionSql } from 'postgres'
import { z } from 'zod'

export type DbKind = 'embedded' | 'native'

/** What this database can do, detected once at start-up. */
export interface Capabilities {
  /** `ST_AsMVT` works (native PostGIS built with protobuf-c; PGlite's PostGIS is not). */
  asMvt: boolean
  postgresVersion: string
  postgisVersion: string
  geosVersion: string | null
}

/** The caller's area scope, carried into every data transaction. `null` areas = whole district. */
export const ScopeSchema = z.object({
  role: z.string().min(1),
  userId: z.string().nullable().default(null),
  areaCodes: z
    .array(z.string().regex(/^\d{6,20}$/))
    .nullable()
    .default(null),
})
export type Scope = z.infer<typeof ScopeSchema>

/** The scope of the server's own work (migrations, seeding, imports): everything. */
export const SYSTEM_SCOPE: Scope = { role: 'system', userId: null, areaCodes: null }

/** A value that can stand in a COPY row. Arrays become PostgreSQL array literals. */
export type CopyValue = string | number | boolean | bigint | Date | null | undefined | readonly (string | number)[]

export interface Db {
  kind: DbKind
  /** The one query API, for both kinds. Prefer `withScope` for data queries. */
  sql: Sql
  capabilities: Capabilities
  /** Detects capabilities again (after migrations installed PostGIS into an empty database). */
  refreshCapabilities(): Promise<Capabilities>
  /** Runs `fn` in a transaction that carries the caller's scope (app.role, app.user_id, app.area_codes). */
  withScope<T>(scope: Scope, fn: (tx: TransactionSql) => Promise<T>): Promise<T>
  /**
   * Bulk-loads rows into `table` with COPY (native: COPY FROM STDIN; embedded: COPY in the host,
   * because COPY FROM STDIN over the PGlite socket kills the database). Not inside a transaction.
   */
  copyIn(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number>
  close(): Promise<void>
}

/** The query API inside `withScope`: domain query functions take this. */
export type Tx = TransactionSql

/**
 * Either query API: a scoped transaction (`withScope`) or the plain pool (read-only callers such
 * as the models and the CLI). The one declaration: domain stores import it from `server/db/`.
 */
export type Queryable = Sql | TransactionSql
