/**
 * The role binding in the database (table category_roles, migrations/026_category_roles.sql):
 * read, resolved against the catalogue, and replaced as a whole (roles left out become unbound).
 */
import type { Queryable } from '../db/index.ts'
import { listCategories } from './queries.ts'
import {
  CATEGORY_ROLES,
  type CategoryRole,
  type CategoryRolesResponse,
  type ResolvedRoles,
  resolveRoles,
  type RoleBinding,
} from './roles.ts'

/** A binding that cannot be stored: each problem with where it is (`roles.fire.1`) and what. */
export class RoleBindingError extends Error {
  override name = 'RoleBindingError'
  constructor(readonly issues: readonly { where: string; message: string }[]) {
    super(issues.map((i) => `${i.where}: ${i.message}`).join('; '))
  }
}

/**
 * The stored binding, with who set it last and when ('system' for the migration's seed; null when nothing is bound).
 * @example (await readRoleBinding(tx)).binding.fire // ['0301', '0303']
 */
export async function readRoleBinding(sql: Queryable): Promise<{ binding: RoleBinding; updatedBy: string | null; updatedAt: Date | null }> {
  const rows = await sql<{ role: string; code: string; bound_by: string; bound_at: Date }[]>`
    SELECT role, code, bound_by, bound_at FROM category_roles ORDER BY role, code`
  const binding: Partial<Record<CategoryRole, string[]>> = {}
  const known = new Set<string>(CATEGORY_ROLES)
  let last: (typeof rows)[number] | null = null
  for (const r of rows) {
    if (!last || r.bound_at > last.bound_at) last = r
    // A role this version does not know (written by a newer one) is ignored, not an error.
    if (known.has(r.role)) (binding[r.role as CategoryRole] ??= []).push(r.code)
  }
  return { binding, updatedBy: last?.bound_by ?? null, updatedAt: last?.bound_at ?? null }
}

/**
 * Every role resolved against the current catalogue (items covered, configured or why not).
 * @example (await loadRoles(tx)).fire.items // ['0301', '0303']
 */
export async function loadRoles(sql: Queryable): Promise<ResolvedRoles> {
  const [{ binding }, catalogue] = [await readRoleBinding(sql), await listCategories(sql)]
  return resolveRoles(binding, catalogue)
}

/**
 * `GET /api/category-roles`: the binding (in the mapping file's shape) and each role's state.
 * @example (await categoryRoles(tx)).states.find((s) => s.role === 'fire')?.configured // true
 */
export async function categoryRoles(sql: Queryable): Promise<CategoryRolesResponse> {
  const { binding, updatedBy, updatedAt } = await readRoleBinding(sql)
  const roles = resolveRoles(binding, await listCategories(sql))
  return {
    roles: Object.fromEntries(CATEGORY_ROLES.filter((r) => binding[r]).map((r) => [r, [...binding[r]!]])),
    states: CATEGORY_ROLES.map((r) => roles[r]),
    updatedBy,
    updatedAt: updatedAt?.toISOString() ?? null,
  }
}

/**
 * Replaces the whole binding (roles left out become unbound). Every code must be in the
 * catalogue: otherwise RoleBindingError naming each unknown one, and nothing changes.
 * Returns the roles whose codes changed.
 * @example await saveRoleBinding(tx, { fire: ['ZC01', 'ZC03'] }, 'admin') // { changed: ['fire', 'fraud', …] }
 */
export async function saveRoleBinding(sql: Queryable, binding: RoleBinding, actor: string): Promise<{ changed: CategoryRole[] }> {
  const codes = [...new Set(Object.values(binding).flatMap((c) => [...(c ?? [])]))]
  const found = await sql<{ code: string }[]>`SELECT code FROM incident_categories WHERE code = ANY(${codes}::text[])`
  const known = new Set(found.map((r) => r.code))
  const issues: { where: string; message: string }[] = []
  for (const role of CATEGORY_ROLES) {
    ;(binding[role] ?? []).forEach((c, i) => {
      if (!known.has(c))
        issues.push({
          where: `roles.${role}.${i}`,
          message: `unknown category ${JSON.stringify(c)} (not in the catalogue: import it first)`,
        })
    })
  }
  if (issues.length > 0) throw new RoleBindingError(issues)
  const before = (await readRoleBinding(sql)).binding
  const key = (c: readonly string[] | undefined) => [...(c ?? [])].sort().join(',')
  const changed = CATEGORY_ROLES.filter((r) => key(before[r]) !== key(binding[r]))
  if (changed.length === 0) return { changed }
  const rows = CATEGORY_ROLES.flatMap((role) => (binding[role] ?? []).map((code) => ({ role, code })))
  await sql`DELETE FROM category_roles`
  if (rows.length > 0) {
    await sql`
      INSERT INTO category_roles (role, code, bound_by)
      SELECT r.role, r.code, ${actor} FROM unnest(${rows.map((r) => r.role)}::text[], ${rows.map((r) => r.code)}::text[]) AS r(role, code)`
  }
  return { changed }
}
