/**
 * The role binding from a mapping file (`npm run import -- roles mapping.json`):
 * `{ "roles": { "<role>": ["<code>", …] } }`, a level-1 code meaning all its items. The file
 * replaces the whole binding: roles it leaves out become unbound. An unknown role or code is an
 * error naming it, and nothing changes. Recorded in the audit log (`category-roles.update`).
 */
import fs from 'node:fs'
import path from 'node:path'

import { audit } from '../audit/log.ts'
import type { Db } from '../db/index.ts'
import { ImportInputError } from '../imports/csv.ts'
import { CATEGORY_ROLES, type CategoryRole, type ResolvedRoles, type RoleBinding, RoleMappingSchema } from './roles.ts'
import { loadRoles, RoleBindingError, saveRoleBinding } from './roles-store.ts'

export interface RoleImportSummary {
  /** Roles whose codes changed. */
  changed: CategoryRole[]
  /** Every role as now resolved (configured or why not). */
  roles: ResolvedRoles
  /** Roles bound to at least one item now. */
  bound: CategoryRole[]
  /** Roles not configured now (what needs them is shown as such and not computed). */
  unbound: CategoryRole[]
}

/**
 * Reads and checks a mapping (the text of the file); ImportInputError naming what is wrong.
 * @example parseRoleMapping('{"roles":{"fire":["ZC01"]}}') // { fire: ['ZC01'] }
 */
export function parseRoleMapping(text: string, where = 'the mapping'): RoleBinding {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new ImportInputError(`${where} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`)
  }
  const parsed = RoleMappingSchema.safeParse(json)
  if (!parsed.success) {
    throw new ImportInputError(
      `${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')} (expected { "roles": { "<role>": ["<code>", …] } })`,
    )
  }
  return parsed.data.roles
}

/**
 * Binds the roles as the mapping file says (replacing the whole binding).
 * @example const s = await importRoleMapping(db, 'data/xiaoshan/mapping.json'); s.roles.fire.items // ['0301', '0303']
 */
export async function importRoleMapping(db: Db, file: string, opts: { actor?: string } = {}): Promise<RoleImportSummary> {
  const text = await fs.promises.readFile(file, 'utf8').catch(() => {
    throw new ImportInputError(`no such file: ${file}`)
  })
  const binding = parseRoleMapping(text.replace(/^\uFEFF/, ''), path.basename(file))
  const actor = opts.actor ?? `import:${path.basename(file)}`
  const { changed, roles } = await db.sql
    .begin(async (tx) => ({ ...(await saveRoleBinding(tx, binding, actor)), roles: await loadRoles(tx) }))
    .catch((err: unknown) => {
      throw err instanceof RoleBindingError ? new ImportInputError(`${path.basename(file)}: ${err.message}`) : err
    })
  if (changed.length > 0)
    await audit(db.sql, {
      actor,
      action: 'category-roles.update',
      target: 'category-roles',
      details: { changed, file: path.resolve(file) },
    })
  return {
    changed,
    roles,
    bound: CATEGORY_ROLES.filter((r) => roles[r].configured),
    unbound: CATEGORY_ROLES.filter((r) => !roles[r].configured),
  }
}
