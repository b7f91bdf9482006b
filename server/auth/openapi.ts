/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import { z } from 'zod'

import type { ApiOperation } from '../openapi/operation.ts'
import {
  ApiKeyCreateSchema,
  DisplayTokenCreateSchema,
  KeyParamsSchema,
  LoginSchema,
  MeResponseSchema,
  UserCreateSchema,
  UserParamsSchema,
  UserPatchSchema,
  UserViewSchema,
} from './schema.ts'

const session = 'Session'
const users = 'Users and keys'

export const authOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/api/auth/login',
    tag: session,
    body: LoginSchema,
    summary: 'Log in with a user name and password',
    description:
      'Sets the session cookie and the CSRF cookie, and answers who logged in with the CSRF token. The login form sends the same fields form-encoded and is redirected to `next`. Failed logins are limited per address (LOGIN_RATE_LIMIT per 15 minutes).',
    ok: { description: 'Logged in: the user, their permissions, the CSRF token and when the session ends' },
    errors: { 429: 'Too many failed logins from this address: try again in 15 minutes' },
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    tag: session,
    summary: 'Log out: ends this session and clears its cookies',
    ok: { status: 204, description: 'Logged out', none: true },
  },
  {
    method: 'get',
    path: '/api/auth/me',
    tag: session,
    summary: 'Who is asking, how they logged in, and what they may do',
    ok: { description: 'The caller', schema: MeResponseSchema },
  },
  {
    method: 'get',
    path: '/api/users',
    tag: users,
    summary: 'Every account',
    ok: { description: 'The accounts', schema: z.object({ users: z.array(UserViewSchema) }) },
  },
  {
    method: 'post',
    path: '/api/users',
    tag: users,
    body: UserCreateSchema,
    summary: 'Create an account (town and grid roles need their area codes)',
    ok: { status: 201, description: 'The account', schema: UserViewSchema },
    errors: { 409: 'The user name is taken' },
  },
  {
    method: 'get',
    path: '/api/users/:id',
    tag: users,
    params: UserParamsSchema,
    summary: 'One account with its API keys (never the keys themselves)',
    ok: { description: 'The account', schema: UserViewSchema },
    errors: { 404: 'No such user' },
  },
  {
    method: 'patch',
    path: '/api/users/:id',
    tag: users,
    params: UserParamsSchema,
    body: UserPatchSchema,
    summary: 'Change an account: name, role, areas, password, or disable it (ends its sessions)',
    ok: { description: 'The account as changed', schema: UserViewSchema },
    errors: { 404: 'No such user' },
  },
  {
    method: 'post',
    path: '/api/users/:id/api-keys',
    tag: users,
    params: UserParamsSchema,
    body: ApiKeyCreateSchema,
    summary: 'Make an API key for a user (for programs and machine ingest)',
    description: 'The answer holds the key itself, once: it is stored only as a hash.',
    ok: { status: 201, description: 'The key, shown only now' },
    errors: { 404: 'No such user' },
  },
  {
    method: 'get',
    path: '/api/users/:id/api-keys',
    tag: users,
    params: UserParamsSchema,
    summary: "A user's API keys (names, prefixes, last use)",
    ok: { description: 'The keys' },
  },
  {
    method: 'delete',
    path: '/api/users/:id/api-keys/:keyId',
    tag: users,
    params: KeyParamsSchema,
    summary: 'Revoke an API key',
    ok: { status: 204, description: 'Revoked', none: true },
    errors: { 404: 'No such key' },
  },
  {
    method: 'post',
    path: '/api/users/:id/display-tokens',
    tag: users,
    params: UserParamsSchema,
    body: DisplayTokenCreateSchema,
    summary: 'Make a long-lived display token for a wall screen',
    description: "Open the answer's `url` (`/wall?display_token=…`) once on the screen: the token then becomes its session cookie.",
    ok: { status: 201, description: 'The token, its wall URL and when it ends' },
    errors: { 404: 'No such user' },
  },
  { method: 'get', path: '/api/display-tokens', tag: users, summary: 'Live display tokens', ok: { description: 'The tokens' } },
  {
    method: 'delete',
    path: '/api/display-tokens/:id',
    tag: users,
    // Checked by hand in the route (16 hex digits).
    params: z.object({ id: z.string().regex(/^[0-9a-f]{16}$/) }),
    summary: 'Revoke a display token',
    ok: { status: 204, description: 'Revoked', none: true },
    errors: { 404: 'No live display token with this id' },
  },
]
