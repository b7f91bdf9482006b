/**
 * The idempotency keys' table (migrations/033): claim a key for a request, store its answer,
 * free it, prune expired entries. Read and written with the server's own connection (`db.sql`),
 * never inside a caller's scope: the table is server-internal, and the handler's own work still
 * runs in the caller's scope.
 */
import { randomUUID } from 'node:crypto'

import type { Queryable } from '../db/index.ts'
import type { StoredEntry } from './key.ts'

/** A request's key and what identifies the request it was used with. */
export interface KeyedRequest {
  owner: string
  key: string
  method: string
  path: string
  fingerprint: string
}

/** A stored answer. */
export interface StoredAnswer {
  status: number
  headers: Record<string, string>
  body: Buffer
}

/** What a claim found: the key is now this request's (`claim` identifies it), or another entry holds it. */
export type Claim = { kind: 'claimed'; claim: string } | { kind: 'taken'; entry: StoredEntry; answer: StoredAnswer | null }

interface Row {
  state: 'running' | 'done'
  method: string
  path: string
  fingerprint: string
  status: number | null
  headers: Record<string, string> | null
  body: Buffer | null
}

/**
 * Takes the key for this request, or reads the entry that holds it. An expired entry is replaced;
 * so is one still `running` after `leaseSeconds` for the same request (its server died before
 * answering). Race-safe on any number of servers: one INSERT … ON CONFLICT on the primary key,
 * and of concurrent claims exactly one inserts.
 * @example const c = await claimKey(db.sql, { owner: 'user:7', key: 'k1', method: 'POST', path: '/api/hazards', fingerprint }, 86_400, 300)
 */
export async function claimKey(sql: Queryable, req: KeyedRequest, ttlSeconds: number, leaseSeconds: number): Promise<Claim> {
  // The entry read after a lost race may be gone again (its request failed): claim again then.
  for (let attempt = 0; attempt < 3; attempt++) {
    const claim = randomUUID()
    const [won] = await sql<{ claim: string }[]>`
      INSERT INTO idempotency_keys AS k (owner, key, method, path, fingerprint, claim, expires_at)
      VALUES (${req.owner}, ${req.key}, ${req.method}, ${req.path}, ${req.fingerprint}, ${claim},
              now() + make_interval(secs => ${ttlSeconds}))
      ON CONFLICT (owner, key) DO UPDATE SET
        method = excluded.method, path = excluded.path, fingerprint = excluded.fingerprint, claim = excluded.claim,
        state = 'running', status = NULL, headers = NULL, body = NULL, created_at = now(), expires_at = excluded.expires_at
      WHERE k.expires_at <= now()
         OR (k.state = 'running' AND k.created_at < now() - make_interval(secs => ${leaseSeconds})
             AND k.method = excluded.method AND k.path = excluded.path AND k.fingerprint = excluded.fingerprint)
      RETURNING k.claim::text AS claim`
    if (won) return { kind: 'claimed', claim: won.claim }
    const [row] = await sql<Row[]>`
      SELECT state, method, path, fingerprint, status, headers, body
      FROM idempotency_keys WHERE owner = ${req.owner} AND key = ${req.key}`
    if (!row) continue
    const entry: StoredEntry = { state: row.state, method: row.method, path: row.path, fingerprint: row.fingerprint }
    const answer =
      row.state === 'done' && row.status !== null
        ? { status: row.status, headers: row.headers ?? {}, body: row.body ?? Buffer.alloc(0) }
        : null
    return { kind: 'taken', entry, answer }
  }
  // Three claims lost to requests that each failed at once: as for a request still running.
  return { kind: 'taken', entry: { state: 'running', method: req.method, path: req.path, fingerprint: req.fingerprint }, answer: null }
}

/**
 * Stores the answer of the request holding the key (false when it no longer holds it).
 * @example await storeAnswer(db.sql, owner, key, claim, { status: 201, headers: { 'content-type': 'application/json' }, body })
 */
export async function storeAnswer(sql: Queryable, owner: string, key: string, claim: string, answer: StoredAnswer): Promise<boolean> {
  const rows = await sql`
    UPDATE idempotency_keys SET state = 'done', status = ${answer.status}, headers = ${sql.json(answer.headers)}, body = ${answer.body}
    WHERE owner = ${owner} AND key = ${key} AND claim = ${claim} AND state = 'running'`
  return rows.count > 0
}

/**
 * Frees a key whose request got no answer worth keeping (5xx, 429): a retry runs again.
 * @example await releaseKey(db.sql, owner, key, claim)
 */
export async function releaseKey(sql: Queryable, owner: string, key: string, claim: string): Promise<void> {
  await sql`DELETE FROM idempotency_keys WHERE owner = ${owner} AND key = ${key} AND claim = ${claim} AND state = 'running'`
}

/**
 * Deletes up to `limit` expired entries, skipping rows another server is deleting meanwhile.
 * Called by the writes that claim keys, so the table stays as small as a day's writes.
 * @example await pruneExpiredKeys(db.sql) // 0
 */
export async function pruneExpiredKeys(sql: Queryable, limit = 100): Promise<number> {
  const rows = await sql`
    DELETE FROM idempotency_keys WHERE (owner, key) IN (
      SELECT owner, key FROM idempotency_keys WHERE expires_at <= now() LIMIT ${limit} FOR UPDATE SKIP LOCKED)`
  return rows.count
}
