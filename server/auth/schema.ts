/**
 * Accounts, roles and what each role may do: the zod schemas every auth request, user record
 * and permission check is built from (types inferred, shared with the web).
 */
import { z } from 'zod'

/**
 * Roles: administrator, district command, town officer (scoped to towns), grid worker (scoped
 * to grids; both may export their own areas, masked), analyst (may export), wall display (read-only).
 */
export const RoleSchema = z.enum(['admin', 'command', 'town', 'grid', 'analyst', 'wall'])
export type Role = z.infer<typeof RoleSchema>

/** What a request may need. */
export const PermissionSchema = z.enum([
  'read', // see data (always within the caller's area scope)
  'write', // hazards, tasks, warning steps
  'ingest', // incidents by API and imports (machines use API keys)
  'export', // GeoJSON/CSV exports
  'pii', // unmasked names, phone and ID-card numbers in descriptions
  'models', // edit and run warning models, ranking configuration
  'reconcile', // address-base reconciliation review
  'users', // accounts, keys, display tokens
  'audit', // read the audit log
  'settings', // the district profile and boundary imports
])
export type Permission = z.infer<typeof PermissionSchema>

/** The permission table: the one place roles get rights. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: ['read', 'write', 'ingest', 'export', 'pii', 'models', 'reconcile', 'users', 'audit', 'settings'],
  command: ['read', 'write', 'ingest', 'pii', 'models', 'reconcile'],
  // Their own areas' data (row-level security), always masked in exports (server/export/routes.ts).
  town: ['read', 'write', 'export', 'pii'],
  grid: ['read', 'write', 'export', 'pii'],
  analyst: ['read', 'export'],
  wall: ['read'],
}

/** Roles whose data is limited to their areas (towns or grids). */
export const SCOPED_ROLES: readonly Role[] = ['town', 'grid']

/**
 * True when `role` has `permission`.
 * @example can('analyst', 'export') // true
 */
export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission)
}

const AreaCode = z.string().regex(/^\d{6,20}$/, 'an area code is 6–20 digits')

/** An authenticated caller as handlers see it. */
export interface AuthUser {
  id: string
  username: string
  displayName: string
  role: Role
  /** Town codes (town officer) or grid codes (grid worker); empty for district-wide roles. */
  areaCodes: string[]
  /** The team (班组) the user works in: tasks whose `assignee_team` is this name are their team's. */
  team: string | null
}

/** How a request was authenticated. */
export type AuthMethod = 'session' | 'display' | 'api-key' | 'anonymous'

export const UsernameSchema = z.string().regex(/^[A-Za-z0-9._-]{2,64}$/, '2–64 letters, digits, dot, dash or underscore')
/** At least 12 characters: long passwords beat composition rules (NIST SP 800-63B). */
export const PasswordSchema = z.string().min(12, 'at least 12 characters').max(256)

export const LoginSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  next: z.string().max(2000).optional(),
})

/**
 * A team's name (班组), as tasks name it in `assignee_team`: a user is in the team whose name their
 * `team` is (one per user).
 */
export const TeamNameSchema = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters')

const userFields = {
  username: UsernameSchema,
  displayName: z.string().trim().max(100).default(''),
  role: RoleSchema,
  areaCodes: z.array(AreaCode).max(200).default([]),
  team: TeamNameSchema.nullable().default(null),
}

/** Town officers and grid workers need areas; district-wide roles have none. */
function areasFitRole(u: { role?: Role | undefined; areaCodes?: string[] | undefined }, ctx: z.RefinementCtx): void {
  if (!u.role || !u.areaCodes) return
  const scoped = SCOPED_ROLES.includes(u.role)
  if (scoped && u.areaCodes.length === 0)
    ctx.addIssue({ code: 'custom', path: ['areaCodes'], message: `role ${u.role} needs at least one area code` })
  if (!scoped && u.areaCodes.length > 0)
    ctx.addIssue({ code: 'custom', path: ['areaCodes'], message: `role ${u.role} is district-wide and takes no area codes` })
}

export const UserCreateSchema = z
  .object({ ...userFields, password: PasswordSchema.optional() })
  .strict()
  .superRefine(areasFitRole)
export type UserCreate = z.infer<typeof UserCreateSchema>

export const UserPatchSchema = z
  .object({
    // No defaults here: an absent field must stay absent, not become '' or [].
    displayName: z.string().trim().max(100).optional(),
    role: RoleSchema.optional(),
    areaCodes: z.array(AreaCode).max(200).optional(),
    /** The user's team; null: none. */
    team: TeamNameSchema.nullable().optional(),
    password: PasswordSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
export type UserPatch = z.infer<typeof UserPatchSchema>

export const UserParamsSchema = z.object({ id: z.string().regex(/^\d{1,18}$/, 'a user id is a number') })
export const KeyParamsSchema = z.object({ id: z.string().regex(/^\d{1,18}$/), keyId: z.string().regex(/^\d{1,18}$/) })

export const ApiKeyCreateSchema = z.object({ name: z.string().trim().min(1).max(100) }).strict()
export const DisplayTokenCreateSchema = z
  .object({ name: z.string().trim().min(1).max(100), days: z.coerce.number().int().min(1).max(3650).default(365) })
  .strict()

/** `GET /api/auth/me`: who is asking and how. */
export const MeResponseSchema = z.object({
  user: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: RoleSchema,
    areaCodes: z.array(z.string()),
    team: z.string().nullable(),
  }),
  method: z.enum(['session', 'display', 'api-key', 'anonymous']),
  permissions: z.array(PermissionSchema),
  csrfToken: z.string().nullable(),
})
export type MeResponse = z.infer<typeof MeResponseSchema>

/** A user as the API shows it (never the password hash). */
export const UserViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  areaCodes: z.array(z.string()),
  team: z.string().nullable(),
  disabled: z.boolean(),
  hasPassword: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type UserView = z.infer<typeof UserViewSchema>
