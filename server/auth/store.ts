/**
 * Accounts, sessions, display tokens and API keys in the database. These tables are out of the
 * scoped role's reach (migrations/019): every function here takes the server's own connection.
 */
import type { Sql } from 'postgres'

import type { Queryable } from '../db/index.ts'
import { type AuthUser, RoleSchema, type UserCreate, type UserPatch, type UserView } from './schema.ts'
import { hashPassword, hashToken, newToken } from './secrets.ts'

interface UserRow {
  id: string
  username: string
  display_name: string
  role: string
  area_codes: string[]
  team: string | null
  password_hash: string | null
  disabled: boolean
  created_by: string
  created_at: Date
  updated_at: Date
}

/** The user columns; the area codes as JSON, which both database kinds hand back as an array. */
const USER = (sql: Queryable) =>
  sql`u.id::text AS id, u.username, u.display_name, u.role, to_json(u.area_codes) AS area_codes, u.team, u.password_hash, u.disabled, u.created_by, u.created_at, u.updated_at`

const toAuthUser = (r: UserRow): AuthUser => ({
  id: String(r.id),
  username: r.username,
  displayName: r.display_name,
  role: RoleSchema.parse(r.role),
  areaCodes: r.area_codes,
  team: r.team,
})

const toView = (r: UserRow): UserView => ({
  ...toAuthUser(r),
  disabled: r.disabled,
  hasPassword: r.password_hash !== null,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
})

/** Login sessions last 12 hours from the last request (a shift), display tokens as long as issued. */
export const SESSION_IDLE_HOURS = 12

/** How many accounts exist (0 on a fresh database: time to create the first administrator). */
export async function countUsers(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM users`
  return row?.n ?? 0
}

/**
 * Creates an account; the password (if any) is hashed here. Throws on a taken username (23505).
 * @example await createUser(db.sql, { username: 'xiaoshan-admin', role: 'admin', areaCodes: [], displayName: '', password: '…' }, 'system')
 */
export async function createUser(
  sql: Sql,
  input: Omit<UserCreate, 'team'> & { team?: string | null | undefined },
  createdBy: string,
): Promise<UserView> {
  const passwordHash = input.password ? await hashPassword(input.password) : null
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO users (username, display_name, role, area_codes, team, password_hash, created_by)
    VALUES (${input.username}, ${input.displayName}, ${input.role}, ${input.areaCodes}::text[], ${input.team ?? null}, ${passwordHash}, ${createdBy})
    RETURNING id`
  return toView((await sql<UserRow[]>`SELECT ${USER(sql)} FROM users u WHERE u.id = ${row!.id}`)[0]!)
}

/** Accounts by username. */
export async function listUsers(sql: Sql): Promise<UserView[]> {
  const rows = await sql<UserRow[]>`SELECT ${USER(sql)} FROM users u ORDER BY u.username`
  return rows.map(toView)
}

export async function getUser(sql: Sql, id: string): Promise<UserView | null> {
  const [row] = await sql<UserRow[]>`SELECT ${USER(sql)} FROM users u WHERE u.id = ${id}`
  return row ? toView(row) : null
}

/** The account and its password hash for a login attempt (disabled accounts are not found). */
export async function findLogin(sql: Sql, username: string): Promise<{ user: AuthUser; passwordHash: string | null } | null> {
  const [row] = await sql<UserRow[]>`SELECT ${USER(sql)} FROM users u WHERE u.username = ${username} AND NOT u.disabled`
  return row ? { user: toAuthUser(row), passwordHash: row.password_hash } : null
}

/**
 * Changes an account. Disabling it or changing its role, areas or password ends its sessions,
 * so a demoted officer's open browser loses the old rights at once.
 */
export async function updateUser(sql: Sql, id: string, patch: UserPatch): Promise<UserView | null> {
  const passwordHash = patch.password ? await hashPassword(patch.password) : null
  return sql.begin(async (tx) => {
    const [updated] = await tx<{ id: string }[]>`
      UPDATE users SET
        display_name = coalesce(${patch.displayName ?? null}, display_name),
        role = coalesce(${patch.role ?? null}, role),
        area_codes = coalesce(${patch.areaCodes ?? null}::text[], area_codes),
        team = CASE WHEN ${patch.team !== undefined} THEN ${patch.team ?? null} ELSE team END,
        password_hash = coalesce(${passwordHash}, password_hash),
        disabled = coalesce(${patch.disabled ?? null}::boolean, disabled),
        updated_at = now()
      WHERE id = ${id}
      RETURNING id`
    if (!updated) return null
    const [row] = await tx<UserRow[]>`SELECT ${USER(tx)} FROM users u WHERE u.id = ${id}`
    if (patch.role !== undefined || patch.areaCodes !== undefined || patch.password !== undefined || patch.disabled === true) {
      await tx`UPDATE sessions SET revoked_at = now() WHERE user_id = ${id} AND kind = 'login' AND revoked_at IS NULL`
    }
    if (patch.disabled === true) await tx`UPDATE api_keys SET revoked_at = now() WHERE user_id = ${id} AND revoked_at IS NULL`
    return toView(row!)
  }) as Promise<UserView | null>
}

/** A new session: the token goes to the client once, its hash stays here. */
export interface NewSession {
  token: string
  csrfToken: string
  expiresAt: Date
}

/**
 * Opens a login session (12 h idle) or a wall-display token (`days` long).
 * @example const s = await createSession(db.sql, user.id, { kind: 'login' }); s.token // 'oms_…'
 */
export async function createSession(
  sql: Sql,
  userId: string,
  opts: { kind: 'login' } | { kind: 'display'; name: string; days: number },
): Promise<NewSession> {
  const token = newToken(opts.kind === 'login' ? 'oms' : 'omd')
  const csrfToken = newToken('csrf')
  const hours = opts.kind === 'login' ? SESSION_IDLE_HOURS : opts.days * 24
  const [row] = await sql<{ expires_at: Date }[]>`
    INSERT INTO sessions (token_hash, user_id, kind, name, csrf_token, expires_at)
    VALUES (${hashToken(token)}, ${userId}, ${opts.kind}, ${opts.kind === 'display' ? opts.name : null}, ${csrfToken},
            now() + make_interval(hours => ${hours}))
    RETURNING expires_at`
  return { token, csrfToken, expiresAt: row!.expires_at }
}

/** A live session's user (and its CSRF token); login sessions slide their idle expiry forward. */
export async function findSession(
  sql: Sql,
  token: string,
): Promise<{ user: AuthUser; kind: 'login' | 'display'; csrfToken: string } | null> {
  const [row] = await sql<(UserRow & { kind: 'login' | 'display'; csrf_token: string; user_id: string })[]>`
    UPDATE sessions s SET
      last_seen_at = now(),
      expires_at = CASE WHEN s.kind = 'login' THEN greatest(s.expires_at, now() + make_interval(hours => ${SESSION_IDLE_HOURS})) ELSE s.expires_at END
    FROM users u
    WHERE s.token_hash = ${hashToken(token)} AND s.user_id = u.id
      AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled
    RETURNING ${USER(sql)}, s.kind, s.csrf_token`
  return row ? { user: toAuthUser(row), kind: row.kind, csrfToken: row.csrf_token } : null
}

/** Ends a session (logout). */
export async function revokeSession(sql: Sql, token: string): Promise<void> {
  await sql`UPDATE sessions SET revoked_at = now() WHERE token_hash = ${hashToken(token)} AND revoked_at IS NULL`
}

/** Display tokens (wall screens) of all users, without the tokens themselves. */
export async function listDisplayTokens(
  sql: Sql,
): Promise<{ id: string; name: string | null; username: string; expiresAt: string; revoked: boolean }[]> {
  const rows = await sql<{ token_hash: string; name: string | null; username: string; expires_at: Date; revoked_at: Date | null }[]>`
    SELECT s.token_hash, s.name, u.username, s.expires_at, s.revoked_at
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.kind = 'display' ORDER BY s.created_at`
  return rows.map((r) => ({
    id: r.token_hash.slice(0, 16),
    name: r.name,
    username: r.username,
    expiresAt: r.expires_at.toISOString(),
    revoked: r.revoked_at !== null,
  }))
}

/** Revokes a display token by the id `listDisplayTokens` shows (its hash's first 16 characters). */
export async function revokeDisplayToken(sql: Sql, id: string): Promise<boolean> {
  const rows =
    await sql`UPDATE sessions SET revoked_at = now() WHERE kind = 'display' AND left(token_hash, 16) = ${id} AND revoked_at IS NULL RETURNING 1`
  return rows.length > 0
}

/**
 * A new API key for a user; the key is shown once.
 * @example (await createApiKey(db.sql, '3', 'ingest gateway', 'admin')).key // 'omk_…'
 */
export async function createApiKey(
  sql: Sql,
  userId: string,
  name: string,
  createdBy: string,
): Promise<{ id: string; key: string; prefix: string }> {
  const key = newToken('omk')
  const prefix = key.slice(0, 10)
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO api_keys (user_id, name, prefix, key_hash, created_by)
    VALUES (${userId}, ${name}, ${prefix}, ${hashToken(key)}, ${createdBy}) RETURNING id::text`
  return { id: row!.id, key, prefix }
}

/** A user's keys (prefix, name, last use), never the keys. */
export async function listApiKeys(
  sql: Sql,
  userId: string,
): Promise<{ id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revoked: boolean }[]> {
  const rows = await sql<
    { id: string; name: string; prefix: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }[]
  >`
    SELECT id::text, name, prefix, created_at, last_used_at, revoked_at FROM api_keys WHERE user_id = ${userId} ORDER BY id`
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revoked: r.revoked_at !== null,
  }))
}

export async function revokeApiKey(sql: Sql, userId: string, keyId: string): Promise<boolean> {
  const rows =
    await sql`UPDATE api_keys SET revoked_at = now() WHERE id = ${keyId} AND user_id = ${userId} AND revoked_at IS NULL RETURNING 1`
  return rows.length > 0
}

/** The user of a live API key (its last use is noted at most once a minute). */
export async function findApiKey(sql: Sql, key: string): Promise<AuthUser | null> {
  const [row] = await sql<UserRow[]>`
    WITH k AS (
      UPDATE api_keys SET last_used_at = now()
      WHERE key_hash = ${hashToken(key)} AND revoked_at IS NULL
        AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
      RETURNING user_id
    )
    SELECT ${USER(sql)} FROM api_keys a JOIN users u ON u.id = a.user_id
    WHERE a.key_hash = ${hashToken(key)} AND a.revoked_at IS NULL AND NOT u.disabled`
  return row ? toAuthUser(row) : null
}
