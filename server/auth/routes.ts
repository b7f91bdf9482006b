/**
 * Logging in and out, and account administration:
 * - `GET /login`, `POST /api/auth/login` (form or JSON), `POST /api/auth/logout`, `GET /api/auth/me`;
 * - `GET/POST /api/users`, `GET/PATCH /api/users/{id}` (administrators);
 * - `GET/POST /api/users/{id}/api-keys`, `DELETE /api/users/{id}/api-keys/{keyId}`: keys for machine ingest;
 * - `POST /api/users/{id}/display-tokens`, `GET /api/display-tokens`, `DELETE /api/display-tokens/{id}`:
 *   long-lived wall-screen tokens, opened once as `/wall?display_token=…`.
 * Every login (also failed), logout and change is in the audit log.
 */
import express, { type Request, Router } from 'express'
import { rateLimit } from 'express-rate-limit'

import { audit } from '../audit/log.ts'
import { auditContext } from '../audit/request.ts'
import type { Config } from '../config.ts'
import type { Db } from '../db/index.ts'
import { HttpError, parseInput } from '../http/errors.ts'
import { authOf, type RequestAuth } from './context.ts'
import { LOGIN_SCRIPT, loginPage, safeNext } from './login-page.ts'
import { CSRF_COOKIE, forgetResolvedTokens, SESSION_COOKIE, tokenOf } from './middleware.ts'
import {
  ApiKeyCreateSchema,
  DisplayTokenCreateSchema,
  KeyParamsSchema,
  LoginSchema,
  type MeResponse,
  ROLE_PERMISSIONS,
  UserCreateSchema,
  UserParamsSchema,
  UserPatchSchema,
} from './schema.ts'
import { verifyPassword } from './secrets.ts'
import {
  createApiKey,
  createSession,
  createUser,
  findLogin,
  getUser,
  listApiKeys,
  listDisplayTokens,
  listUsers,
  revokeApiKey,
  revokeDisplayToken,
  revokeSession,
  updateUser,
} from './store.ts'

/** The signed-in caller (the policy guarantees one on these routes). */
function caller(req: Request): RequestAuth {
  const auth = authOf(req)
  if (!auth) throw new HttpError(401, 'log in first')
  return auth
}

/** Area codes must name existing areas of the role's level (towns for town officers, grids for grid workers). */
async function checkAreas(db: Db, role: string | undefined, codes: readonly string[] | undefined): Promise<void> {
  if (!role || !codes || codes.length === 0) return
  const level = role === 'town' ? 'town' : 'grid'
  const rows = await db.sql<
    { code: string }[]
  >`SELECT code FROM admin_areas WHERE code = ANY (${codes as string[]}::text[]) AND level = ${level}`
  const found = new Set(rows.map((r) => r.code))
  const missing = codes.filter((c) => !found.has(c))
  if (missing.length) {
    const message = `no ${level} ${missing.join(', ')}`
    throw new HttpError(400, `invalid body: areaCodes: ${message}`, [{ where: 'body.areaCodes', message }])
  }
}

const isUniqueViolation = (err: unknown) => typeof err === 'object' && err !== null && 'code' in err && err.code === '23505'

export function authRoutes(db: Db, config: Pick<Config, 'COOKIE_SECURE' | 'LOGIN_RATE_LIMIT'>): Router {
  const router = Router()
  const form = express.urlencoded({ extended: false, limit: '10kb' })
  const cookieBase = { path: '/', secure: config.COOKIE_SECURE, sameSite: 'lax' as const }

  // Failed logins per client address; successful ones do not count.
  const loginLimit = rateLimit({
    windowMs: 15 * 60_000,
    limit: config.LOGIN_RATE_LIMIT,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => {
      if (req.is('application/x-www-form-urlencoded'))
        res.redirect(303, `/login?error=limited&next=${encodeURIComponent(safeNext(req.body?.next))}`)
      else res.status(429).json({ error: 'too many failed logins from this address: try again in 15 minutes' })
    },
  })

  router.get('/login', (req, res) => {
    const error = req.query.error === 'limited' ? 'limited' : req.query.error ? 'failed' : null
    res.setHeader('Cache-Control', 'no-store')
    res.type('html').send(loginPage({ next: safeNext(req.query.next), error }))
  })

  router.get('/login.js', (_req, res) => {
    res.type('text/javascript').setHeader('Cache-Control', 'no-cache')
    res.send(LOGIN_SCRIPT)
  })

  router.post('/api/auth/login', form, loginLimit, async (req, res) => {
    const viaForm = Boolean(req.is('application/x-www-form-urlencoded'))
    const input = parseInput(LoginSchema, req.body, 'body')
    const next = safeNext(input.next)
    const found = await findLogin(db.sql, input.username)
    const ok = await verifyPassword(found?.passwordHash ?? null, input.password)
    await audit(db.sql, {
      ...auditContext(req, res),
      actor: input.username.slice(0, 64),
      role: ok ? found!.user.role : null,
      action: 'login',
      details: { ok, via: viaForm ? 'form' : 'api' },
    })
    if (!ok || !found) {
      if (viaForm) return res.redirect(303, `/login?error=failed&next=${encodeURIComponent(next)}`)
      res.status(401).json({ error: 'wrong username or password' })
      return
    }
    const session = await createSession(db.sql, found.user.id, { kind: 'login' })
    res.cookie(SESSION_COOKIE, session.token, { ...cookieBase, httpOnly: true, expires: session.expiresAt })
    res.cookie(CSRF_COOKIE, session.csrfToken, { ...cookieBase, httpOnly: false, sameSite: 'strict', expires: session.expiresAt })
    if (viaForm) return res.redirect(303, next)
    res.json({
      user: found.user,
      permissions: ROLE_PERMISSIONS[found.user.role],
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
    })
  })

  router.post('/api/auth/logout', async (req, res) => {
    const presented = tokenOf(req)
    if (presented && !presented.token.startsWith('omk_')) await revokeSession(db.sql, presented.token)
    forgetResolvedTokens()
    await audit(db.sql, { ...auditContext(req, res), action: 'logout' })
    res.clearCookie(SESSION_COOKIE, cookieBase).clearCookie(CSRF_COOKIE, cookieBase).status(204).end()
  })

  router.get('/api/auth/me', (req, res) => {
    const auth = caller(req)
    const me: MeResponse = {
      user: auth.user,
      method: auth.method,
      permissions: [...ROLE_PERMISSIONS[auth.user.role]],
      csrfToken: auth.csrfToken,
    }
    res.json(me)
  })

  // A wall screen opens its display token once; from then on it holds it as its session cookie,
  // and the token leaves the address bar (and the browser history).
  router.get(/^\/wall(\/.*)?$/, (req, res, next) => {
    const token = typeof req.query.display_token === 'string' ? req.query.display_token : null
    if (!token) return next()
    // The authentication middleware has already looked the token up (server/auth/middleware.ts tokenOf).
    if (authOf(req)?.method !== 'display') throw new HttpError(401, 'the display token is unknown, expired or revoked')
    res.cookie(SESSION_COOKIE, token, { ...cookieBase, httpOnly: true, maxAge: 3650 * 86_400_000 })
    const url = new URL(req.originalUrl, 'http://x')
    url.searchParams.delete('display_token')
    res.redirect(302, url.pathname + url.search)
  })

  // ── Accounts ──
  router.get('/api/users', async (_req, res) => {
    res.json({ users: await listUsers(db.sql) })
  })

  router.post('/api/users', async (req, res) => {
    const input = parseInput(UserCreateSchema, req.body, 'body')
    await checkAreas(db, input.role, input.areaCodes)
    const user = await createUser(db.sql, input, caller(req).user.username).catch((err: unknown) => {
      throw isUniqueViolation(err) ? new HttpError(409, `username ${input.username} is taken`) : err
    })
    await audit(db.sql, {
      ...auditContext(req, res),
      action: 'user.create',
      target: `user:${user.id}`,
      details: { username: user.username, role: user.role, areaCodes: user.areaCodes },
    })
    res.status(201).json(user)
  })

  router.get('/api/users/:id', async (req, res) => {
    const { id } = parseInput(UserParamsSchema, req.params, 'params')
    const user = await getUser(db.sql, id)
    if (!user) throw new HttpError(404, `no user ${id}`)
    res.json({ ...user, apiKeys: await listApiKeys(db.sql, id) })
  })

  router.patch('/api/users/:id', async (req, res) => {
    const { id } = parseInput(UserParamsSchema, req.params, 'params')
    const patch = parseInput(UserPatchSchema, req.body, 'body')
    const before = await getUser(db.sql, id)
    if (!before) throw new HttpError(404, `no user ${id}`)
    const role = patch.role ?? before.role
    const areaCodes =
      patch.areaCodes ?? (patch.role && patch.role !== before.role && !['town', 'grid'].includes(patch.role) ? [] : before.areaCodes)
    const fit = UserCreateSchema.safeParse({ username: before.username, role, areaCodes })
    if (!fit.success) {
      const issues = fit.error.issues.map((i) => ({ where: ['body', ...i.path].join('.'), message: i.message }))
      throw new HttpError(400, `invalid body: ${fit.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, issues)
    }
    await checkAreas(db, role, areaCodes)
    if (before.id === caller(req).user.id && (patch.disabled === true || (patch.role && patch.role !== 'admin'))) {
      throw new HttpError(409, 'an administrator cannot disable or demote their own account')
    }
    const user = await updateUser(db.sql, id, { ...patch, areaCodes })
    forgetResolvedTokens()
    const changed = Object.keys(patch).filter((k) => k !== 'password')
    await audit(db.sql, {
      ...auditContext(req, res),
      action: 'user.update',
      target: `user:${id}`,
      details: {
        username: before.username,
        changed,
        passwordChanged: patch.password !== undefined,
        ...(patch.role ? { role: [before.role, patch.role] } : {}),
      },
    })
    res.json(user)
  })

  router.post('/api/users/:id/api-keys', async (req, res) => {
    const { id } = parseInput(UserParamsSchema, req.params, 'params')
    const { name } = parseInput(ApiKeyCreateSchema, req.body, 'body')
    if (!(await getUser(db.sql, id))) throw new HttpError(404, `no user ${id}`)
    const key = await createApiKey(db.sql, id, name, caller(req).user.username)
    await audit(db.sql, {
      ...auditContext(req, res),
      action: 'apikey.create',
      target: `user:${id}`,
      details: { keyId: key.id, name, prefix: key.prefix },
    })
    res.status(201).json({ ...key, note: 'the key is shown only now: store it safely' })
  })

  router.get('/api/users/:id/api-keys', async (req, res) => {
    const { id } = parseInput(UserParamsSchema, req.params, 'params')
    res.json({ keys: await listApiKeys(db.sql, id) })
  })

  router.delete('/api/users/:id/api-keys/:keyId', async (req, res) => {
    const { id, keyId } = parseInput(KeyParamsSchema, req.params, 'params')
    if (!(await revokeApiKey(db.sql, id, keyId))) throw new HttpError(404, `no live key ${keyId} of user ${id}`)
    forgetResolvedTokens()
    await audit(db.sql, { ...auditContext(req, res), action: 'apikey.revoke', target: `user:${id}`, details: { keyId } })
    res.status(204).end()
  })

  router.post('/api/users/:id/display-tokens', async (req, res) => {
    const { id } = parseInput(UserParamsSchema, req.params, 'params')
    const input = parseInput(DisplayTokenCreateSchema, req.body, 'body')
    const user = await getUser(db.sql, id)
    if (!user) throw new HttpError(404, `no user ${id}`)
    if (user.role !== 'wall')
      throw new HttpError(400, `invalid params: id: display tokens are for wall-display accounts (user ${id} is ${user.role})`)
    const session = await createSession(db.sql, id, { kind: 'display', name: input.name, days: input.days })
    await audit(db.sql, {
      ...auditContext(req, res),
      action: 'display-token.create',
      target: `user:${id}`,
      details: { name: input.name, days: input.days },
    })
    res.status(201).json({ token: session.token, url: `/wall?display_token=${session.token}`, expiresAt: session.expiresAt.toISOString() })
  })

  router.get('/api/display-tokens', async (_req, res) => {
    res.json({ tokens: await listDisplayTokens(db.sql) })
  })

  router.delete('/api/display-tokens/:id', async (req, res) => {
    const id = String(req.params.id)
    if (!/^[0-9a-f]{16}$/.test(id)) throw new HttpError(400, 'invalid params: id: 16 hex digits')
    if (!(await revokeDisplayToken(db.sql, id))) throw new HttpError(404, `no live display token ${id}`)
    forgetResolvedTokens()
    await audit(db.sql, { ...auditContext(req, res), action: 'display-token.revoke', target: `display-token:${id}` })
    res.status(204).end()
  })

  return router
}
