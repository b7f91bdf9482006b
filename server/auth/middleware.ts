/**
 * Authentication (who is asking) and authorization (may they) for every request, before any
 * route: bearer tokens and API keys for programs, a session cookie for browsers (with a CSRF
 * token on every unsafe request), anonymous access only when configured.
 */
import { parse as parseCookies } from 'cookie'
import type { Request, RequestHandler, Response } from 'express'
import { LRUCache } from 'lru-cache'

import type { Config } from '../config.ts'
import type { Db } from '../db/index.ts'
import { HttpError } from '../http/errors.ts'
import { BASIC_CHALLENGE, basicAllowed, parseBasic, wantsBasicChallenge } from './basic.ts'
import { authOf, type RequestAuth, setAuth } from './context.ts'
import { isLocalToken, LOCAL_CLI_USER } from './local-token.ts'
import { requirementOf } from './policy.ts'
import { type AuthUser, can } from './schema.ts'
import { sameSecret } from './secrets.ts'
import { findApiKey, findSession } from './store.ts'

export const SESSION_COOKIE = 'onemap_session'
/** Readable by the page's script, which echoes it in `x-csrf-token` (double submit). */
export const CSRF_COOKIE = 'onemap_csrf'
export const CSRF_HEADER = 'x-csrf-token'

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const TOKEN = /^(oms|omd|omk)_[A-Za-z0-9_-]{43}$/

/**
 * Resolved tokens for a few seconds: a map opens dozens of tile requests a second, and each
 * would otherwise be a database round trip. Logout, revocation and account changes clear it.
 */
const resolved = new LRUCache<string, { user: AuthUser; kind: 'login' | 'display' | 'key'; csrfToken: string | null }>({
  max: 10_000,
  ttl: 15_000,
})

/** Forgets cached tokens (all of them: after a logout, a revocation or an account change). */
export function forgetResolvedTokens(): void {
  resolved.clear()
}

/** How a request may carry an API key besides the headers. */
export interface TokenOptions {
  /** `?key=` on tile reads (TILE_URL_KEYS): for XYZ URL templates that cannot carry a header. */
  urlKeys?: boolean
}

/**
 * The token a request carries, and whether it came in the cookie (the CSRF-exposed way).
 * Basic (an API key as the password) only on reads of /ogc, /tiles and /api/export.
 */
export function tokenOf(req: Request, opts: TokenOptions = {}): { token: string; fromCookie: boolean } | null {
  const header = req.get('authorization')
  if (header) {
    const basic = parseBasic(header)
    if (basic) {
      if (!basicAllowed(req.method, req.path)) {
        throw new HttpError(
          401,
          'Basic authentication is only for reading /ogc, /tiles and /api/export (GET or HEAD); send "Authorization: Bearer <token>"',
        )
      }
      // Only keys: a login password stored in a QGIS project would outlive its owner's care, a key can be revoked alone.
      if (!basic.password.startsWith('omk_'))
        throw new HttpError(401, 'Basic authentication takes an API key (omk_…) as the password, not a login password')
      return { token: basic.password, fromCookie: false }
    }
    const m = /^Bearer\s+(\S+)$/i.exec(header)
    if (!m)
      throw new HttpError(
        401,
        'authorization header must be "Bearer <token>" (or, for reading /ogc, /tiles and /api/export, Basic with an API key as the password)',
      )
    return { token: m[1]!, fromCookie: false }
  }
  // Keys only, never sessions: a session in a URL would leak a browser's login with the address.
  if (
    opts.urlKeys &&
    (req.method === 'GET' || req.method === 'HEAD') &&
    /^\/tiles\//.test(req.path) &&
    typeof req.query.key === 'string' &&
    req.query.key.startsWith('omk_')
  ) {
    return { token: req.query.key, fromCookie: false }
  }
  // A wall screen opens its display token once in the address (server/auth/routes.ts keeps it as a cookie).
  if (req.method === 'GET' && /^\/wall(\/|$)/.test(req.path) && typeof req.query.display_token === 'string') {
    return { token: req.query.display_token, fromCookie: false }
  }
  const key = req.get('x-api-key')
  if (key) return { token: key, fromCookie: false }
  const cookie = req.get('cookie')
  const session = cookie ? parseCookies(cookie)[SESSION_COOKIE] : undefined
  return session ? { token: session, fromCookie: true } : null
}

async function resolveToken(db: Db, token: string) {
  if (token.startsWith('oml_')) return isLocalToken(token) ? { user: LOCAL_CLI_USER, kind: 'key' as const, csrfToken: null } : null
  const hit = resolved.get(token)
  if (hit) return hit
  if (!TOKEN.test(token)) return null
  let found: { user: AuthUser; kind: 'login' | 'display' | 'key'; csrfToken: string | null } | null
  if (token.startsWith('omk_')) {
    const user = await findApiKey(db.sql, token)
    found = user ? { user, kind: 'key', csrfToken: null } : null
  } else {
    const s = await findSession(db.sql, token)
    found = s ? { user: s.user, kind: s.kind, csrfToken: s.csrfToken } : null
  }
  if (found) resolved.set(token, found)
  return found
}

/**
 * Finds who is asking. A presented but unknown, expired or revoked token is 401 (never silently
 * anonymous). Cookie sessions must echo their CSRF token on unsafe methods (403 otherwise).
 */
export function authenticate(db: Db, config: Pick<Config, 'AUTH_ANONYMOUS_ROLE'> & Partial<Pick<Config, 'TILE_URL_KEYS'>>): RequestHandler {
  return async (req, res, next) => {
    try {
      const presented = tokenOf(req, { urlKeys: config.TILE_URL_KEYS ?? false })
      if (presented) {
        const found = await resolveToken(db, presented.token)
        if (!found) throw new HttpError(401, 'the session or key is unknown, expired or revoked: log in again')
        if (presented.fromCookie && UNSAFE.has(req.method)) {
          const sent = req.get(CSRF_HEADER)
          if (!sent || !found.csrfToken || !sameSecret(sent, found.csrfToken)) {
            throw new HttpError(403, `missing or wrong ${CSRF_HEADER} header (send the ${CSRF_COOKIE} cookie's value)`)
          }
        }
        const auth: RequestAuth = {
          user: found.user,
          method: found.kind === 'key' ? 'api-key' : found.kind === 'display' ? 'display' : 'session',
          csrfToken: presented.fromCookie ? found.csrfToken : null,
        }
        setAuth(req, auth)
      } else if (config.AUTH_ANONYMOUS_ROLE) {
        setAuth(req, {
          user: { id: '0', username: 'anonymous', displayName: '', role: config.AUTH_ANONYMOUS_ROLE, areaCodes: [], team: null },
          method: 'anonymous',
          csrfToken: null,
        })
      }
      next()
    } catch (err) {
      if (err instanceof HttpError && err.status === 401) challenge(req, res)
      next(err)
    }
  }
}

/** Adds the Basic challenge to a 401 where tools should prompt for a user name and key (server/auth/basic.ts). */
function challenge(req: Request, res: Response): void {
  if (wantsBasicChallenge(req.path, req.get('sec-fetch-mode'))) res.setHeader('WWW-Authenticate', BASIC_CHALLENGE)
}

/** True for a browser asking for a page (not the API, tiles or OGC; the API's reference /api/docs is a page). */
function wantsPage(req: Request): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    (req.path === '/api/docs' || !/^\/(api|tiles|ogc|metrics)(\/|$)/.test(req.path)) &&
    Boolean(req.accepts('html'))
  )
}

/**
 * Checks the caller against the route's requirement (server/auth/policy.ts): 401 without a
 * login (a page request goes to the login page instead), 403 without the permission.
 */
export function authorize(): RequestHandler {
  return (req, res, next) => {
    const need = requirementOf(req.method, req.path)
    if (need === 'public') return next()
    const auth = authOf(req)
    if (!auth) {
      // The way back rides in the Location header: a URL near Node's 16 KB request-line limit, encoded
      // again, would make a header that clients refuse to parse (the login page keeps 2,000 chars anyway).
      if (wantsPage(req))
        return res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl.length <= 2_000 ? req.originalUrl : '/')}`)
      challenge(req, res)
      return next(new HttpError(401, 'log in first (session cookie, or Authorization: Bearer <token or API key>)'))
    }
    if (need !== 'user' && !can(auth.user.role, need)) {
      return next(new HttpError(403, `role ${auth.user.role} may not do this (needs ${need})`))
    }
    next()
  }
}
