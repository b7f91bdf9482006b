/**
 * Category roles: what indicators and warning models mean by "fires", "burglary" or "disputes",
 * independent of any district's item codes. Each district binds every role to codes of its own
 * catalogue (a level-1 code stands for all its items); the binding lives in the database
 * (table category_roles, migrations/026_category_roles.sql, which seeds Xiaoshan's for the demo
 * catalogue) and is set by `npm run import -- roles mapping.json` or `PUT /api/category-roles`.
 * A role bound to nothing is "not configured": whatever needs it is shown as such and never
 * computed (no zeros made from a missing binding).
 */
import { z } from 'zod'

import type { CategoriesResponse } from './schema.ts'
import { CategoryCodeSchema } from './schema.ts'

export const CATEGORY_ROLES = [
  'public_order',
  'burglary',
  'ebike_theft',
  'fight',
  'traffic',
  'traffic_injury',
  'ebike_accident',
  'fire',
  'fire_alarm',
  'fire_incident',
  'dispute',
  'fraud',
  'production_safety',
] as const
export const CategoryRoleSchema = z.enum(CATEGORY_ROLES, {
  error: (i) => `unknown role ${JSON.stringify(i.input)} (known: ${CATEGORY_ROLES.join(', ')})`,
})
export type CategoryRole = z.infer<typeof CategoryRoleSchema>

/** A role's names and what a district should bind to it. */
export interface RoleInfo {
  nameZh: string
  nameEn: string
  meaning: string
}

/** Every role, once: names and a one-line meaning. */
export const ROLE_INFO: Readonly<Record<CategoryRole, RoleInfo>> = {
  public_order: {
    nameZh: '治安',
    nameEn: 'Public order',
    meaning: 'every public-order item (thefts, fights, nuisance): the public-order rate',
  },
  burglary: { nameZh: '入室盗窃', nameEn: 'Residential burglary', meaning: 'break-ins into homes: the near-repeat model' },
  ebike_theft: { nameZh: '盗窃电动车', nameEn: 'E-bike theft', meaning: 'thefts of e-bikes: the near-repeat model' },
  fight: { nameZh: '打架斗殴', nameEn: 'Fights and assaults', meaning: 'fights that raise a dispute address one level (民转刑)' },
  traffic: { nameZh: '交通', nameEn: 'Traffic', meaning: 'every traffic item: the traffic rate' },
  traffic_injury: {
    nameZh: '交通事故（伤人）',
    nameEn: 'Injury traffic accidents',
    meaning: 'accidents with casualties (every fatal one among them): the traffic casualty indicator',
  },
  ebike_accident: {
    nameZh: '电动自行车事故',
    nameEn: 'E-bike accidents',
    meaning: 'accidents of e-bikes: the e-bike accident concentration model',
  },
  fire: { nameZh: '火灾', nameEn: 'Fires', meaning: 'actual fires, not alarms nor blocked fire lanes: the fires indicator' },
  fire_alarm: { nameZh: '火警', nameEn: 'Fire alarms', meaning: 'fire alarms (many false): with fires, the fire concentration model' },
  fire_incident: {
    nameZh: '消防',
    nameEn: 'Fire-service incidents',
    meaning: 'every fire-service item (fires, alarms, blocked lanes): the fire-service rate',
  },
  dispute: { nameZh: '矛盾纠纷', nameEn: 'Disputes', meaning: 'every kind of dispute: the disputes rate and the dispute escalation model' },
  fraud: {
    nameZh: '电信网络诈骗',
    nameEn: 'Telecom and online fraud',
    meaning: 'every telecom and online fraud item: the frauds indicator and concentration model',
  },
  production_safety: {
    nameZh: '安全生产',
    nameEn: 'Production safety',
    meaning: 'workplace, chemical, construction and equipment safety: the production safety rate',
  },
}

/** Role → codes as bound (a level-1 code means all its items); a role left out is unbound. */
export type RoleBinding = Partial<Record<CategoryRole, readonly string[]>>

/**
 * The mapping file (`npm run import -- roles mapping.json`) and the body of
 * `PUT /api/category-roles`: `{ "roles": { "<role>": ["<code>", …] } }`. Unknown roles are an
 * issue naming them; codes are checked against the catalogue by the store.
 */
export const RoleMappingSchema = z.object({
  roles: z
    .record(z.string(), z.array(CategoryCodeSchema).max(500))
    .superRefine((roles, ctx) => {
      for (const role of Object.keys(roles)) {
        if (!CategoryRoleSchema.safeParse(role).success)
          ctx.addIssue({
            code: 'custom',
            path: [role],
            message: `unknown role ${JSON.stringify(role)} (known: ${CATEGORY_ROLES.join(', ')})`,
          })
      }
    })
    .transform((roles): RoleBinding => {
      const out: Partial<Record<CategoryRole, string[]>> = {}
      for (const role of CATEGORY_ROLES) {
        const codes = roles[role]
        if (codes && codes.length > 0) out[role] = [...new Set(codes)]
      }
      return out
    }),
})
export type RoleMapping = z.infer<typeof RoleMappingSchema>

/** A role as resolved against the catalogue. */
export const RoleStateSchema = z.object({
  role: CategoryRoleSchema,
  nameZh: z.string(),
  nameEn: z.string(),
  meaning: z.string(),
  /** Codes as bound (level-1 or items). */
  codes: z.array(z.string()),
  /** The items they cover, sorted. */
  items: z.array(z.string()),
  /** Bound to at least one item. */
  configured: z.boolean(),
  /** Why not configured (naming the role); null when configured. */
  reason: z.string().nullable(),
})
export type RoleState = z.infer<typeof RoleStateSchema>

/** Every role's state, by role. */
export type ResolvedRoles = Readonly<Record<CategoryRole, RoleState>>

/** `GET /api/category-roles` (its `roles` can be PUT back as it is). */
export const CategoryRolesResponseSchema = z.object({
  roles: z.partialRecord(CategoryRoleSchema, z.array(z.string())),
  states: z.array(RoleStateSchema),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
})
export type CategoryRolesResponse = z.infer<typeof CategoryRolesResponseSchema>

/**
 * A role by its codes and names, for messages.
 * @example roleLabel('fire') // 'fire (火灾)'
 */
export function roleLabel(role: CategoryRole): string {
  return `${role} (${ROLE_INFO[role].nameZh})`
}

/**
 * Resolves a binding against the catalogue: each role's items and whether it is configured (a
 * role bound to nothing, or only to level-1 categories without items, is not).
 * @example resolveRoles({ fire: ['0301', '0303'] }, catalogue).fire // { items: ['0301', '0303'], configured: true, reason: null, … }
 * @example resolveRoles({}, catalogue).fire.reason // 'role fire (火灾) is not bound to any category'
 */
export function resolveRoles(binding: RoleBinding, catalogue: CategoriesResponse): ResolvedRoles {
  const itemsOf = new Map<string, string[]>()
  for (const c of catalogue) {
    itemsOf.set(
      c.code,
      c.items.map((i) => i.code),
    )
    for (const i of c.items) itemsOf.set(i.code, [i.code])
  }
  const out = {} as Record<CategoryRole, RoleState>
  for (const role of CATEGORY_ROLES) {
    const codes = [...(binding[role] ?? [])]
    const items = [...new Set(codes.flatMap((c) => itemsOf.get(c) ?? []))].sort()
    const reason =
      codes.length === 0
        ? `role ${roleLabel(role)} is not bound to any category`
        : items.length === 0
          ? `role ${roleLabel(role)} is bound to ${codes.join(', ')}, which cover no items`
          : null
    out[role] = { role, ...ROLE_INFO[role], codes, items, configured: reason === null, reason }
  }
  return out
}

/**
 * Why a set of roles is not configured (each unbound role named), or null when all are bound.
 * @example notConfiguredReason(['fire', 'fire_alarm'], roles) // 'role fire_alarm (火警) is not bound to any category'
 */
export function notConfiguredReason(needed: readonly CategoryRole[], roles: ResolvedRoles): string | null {
  const reasons = [...new Set(needed)].map((r) => roles[r].reason).filter((r): r is string => r !== null)
  return reasons.length === 0 ? null : reasons.join('; ')
}

/**
 * The items of some roles together, sorted (roles must be configured: see notConfiguredReason).
 * @example itemsOfRoles(['fire', 'fire_alarm'], roles) // ['0301', '0302', '0303']
 */
export function itemsOfRoles(needed: readonly CategoryRole[], roles: ResolvedRoles): string[] {
  return [...new Set(needed.flatMap((r) => roles[r].items))].sort()
}

/**
 * The codes the roles are bound to (level-1 or items, as bound), sorted: what a label names.
 * @example boundCodesOf(['fraud'], roles) // ['05']
 */
export function boundCodesOf(needed: readonly CategoryRole[], roles: ResolvedRoles): string[] {
  return [...new Set(needed.flatMap((r) => roles[r].codes))].sort()
}
