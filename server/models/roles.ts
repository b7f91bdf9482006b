/**
 * What a model counts, through the district's role binding (server/categories/roles.ts): the
 * roles a definition needs, whether they are all bound (else the model is "not configured": not
 * run, no warnings, and the model list says why), and the item codes and words its detector uses.
 */
import { boundCodesOf, type CategoryRole, itemsOfRoles, notConfiguredReason, type ResolvedRoles } from '../categories/roles.ts'
import { loadRoles } from '../categories/roles-store.ts'
import type { Queryable } from '../db/index.ts'
import { categoryNames, expandCategories } from './data.ts'
import type { ModelDefinition, ModelKind } from './definition.ts'

/** The roles a kind counts when its definition names neither roles nor categories. */
export const DEFAULT_ROLES: Readonly<Partial<Record<ModelKind, readonly CategoryRole[]>>> = {
  near_repeat: ['burglary', 'ebike_theft'],
  dispute_escalation: ['dispute'],
}

/**
 * The roles the definition counts (its own, else its kind's default when it names no categories).
 * @example countedRoles(nearRepeatBuiltin) // ['burglary', 'ebike_theft']
 */
export function countedRoles(def: ModelDefinition): readonly CategoryRole[] {
  if (def.roles.length > 0) return def.roles
  return def.categories.length > 0 ? [] : (DEFAULT_ROLES[def.kind] ?? [])
}

/**
 * Every role the definition needs bound: what it counts, and the escalation roles of a dispute
 * model (escalation, recurrence).
 * @example neededRoles(disputeBuiltin) // ['dispute', 'fight']
 */
export function neededRoles(def: ModelDefinition): CategoryRole[] {
  const extra = def.kind === 'dispute_escalation' || def.kind === 'dispute_recurrence' ? def.params.escalateRoles : []
  return [...new Set([...countedRoles(def), ...extra])]
}

/** Whether a model can run in this district, and why not. */
export interface ModelConfigState {
  configured: boolean
  /** Naming each unbound role; null when configured. */
  reason: string | null
}

/**
 * A model is configured when every role it needs is bound.
 * @example modelConfigState(fireConcentration, roles) // { configured: false, reason: 'role fire_alarm (火警) is not bound to any category' }
 */
export function modelConfigState(def: ModelDefinition, roles: ResolvedRoles): ModelConfigState {
  const reason = notConfiguredReason(neededRoles(def), roles)
  return { configured: reason === null, reason }
}

/** A model that cannot run: a role it needs is unbound. */
export class ModelNotConfiguredError extends Error {
  override name = 'ModelNotConfiguredError'
  constructor(
    readonly modelId: string,
    readonly reason: string,
  ) {
    super(`model ${modelId} is not configured: ${reason}`)
  }
}

/** What a detector counts. */
export interface CategoryFilter {
  /** Item codes; null = every category. */
  items: string[] | null
  /** The codes named, in words (category and item names), for explanations; [] for every category. */
  words: string[]
}

/**
 * Item codes and words of roles (pure, given the names): the words name the codes as bound.
 * @example roleFilter(['fire', 'fire_alarm'], roles, names) // { items: ['0301', '0302', '0303'], words: ['火灾', '火警', '电动车充电起火'] }
 */
export function roleFilter(counted: readonly CategoryRole[], roles: ResolvedRoles, names: ReadonlyMap<string, string>): CategoryFilter {
  return { items: itemsOfRoles(counted, roles), words: boundCodesOf(counted, roles).map((c) => names.get(c) ?? c) }
}

/**
 * What the definition counts, resolved now: ModelNotConfiguredError when a role it needs is unbound.
 * @example (await modelFilter(sql, nearRepeatBuiltin)).words // ['入室盗窃', '盗窃电动车']
 */
export async function modelFilter(sql: Queryable, def: ModelDefinition): Promise<CategoryFilter> {
  const roles = await configuredRoles(sql, def)
  const names = await categoryNames(sql)
  const counted = countedRoles(def)
  if (counted.length > 0) return roleFilter(counted, roles!, names)
  return { items: await expandCategories(sql, def.categories), words: def.categories.map((c) => names.get(c) ?? c) }
}

/**
 * The binding, checked to bind every role the definition needs (null when it needs none).
 * @example await configuredRoles(sql, surgeBuiltin) // null
 */
async function configuredRoles(sql: Queryable, def: ModelDefinition): Promise<ResolvedRoles | null> {
  const needed = neededRoles(def)
  if (needed.length === 0) return null
  const roles = await loadRoles(sql)
  const reason = notConfiguredReason(needed, roles)
  if (reason) throw new ModelNotConfiguredError(def.id, reason)
  return roles
}

/**
 * The items that raise a dispute address one level (its escalation roles and codes); null: none.
 * @example await escalationItems(sql, disputeBuiltin) // ['0104']
 */
export async function escalationItems(
  sql: Queryable,
  def: Extract<ModelDefinition, { kind: 'dispute_escalation' | 'dispute_recurrence' }>,
): Promise<string[] | null> {
  const { escalateRoles, escalateCategories } = def.params
  if (escalateRoles.length === 0 && escalateCategories.length === 0) return null
  const roles = await configuredRoles(sql, def)
  const fromCodes = escalateCategories.length > 0 ? ((await expandCategories(sql, escalateCategories)) ?? []) : []
  return [...new Set([...(roles ? itemsOfRoles(escalateRoles, roles) : []), ...fromCodes])].sort()
}
