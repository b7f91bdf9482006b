import { describe, expect, it } from 'vitest'

import { checklistOf, ChecklistsSchema, fnv1a, SELF_CHECK_LISTS, selfCheckHazardId } from './checklists.ts'
import { HazardCategorySchema, HazardCreateSchema } from './schema.ts'

describe('the self-check checklists', () => {
  it('have items for every hazard category, with unique ids', () => {
    for (const c of HazardCategorySchema.options) expect(checklistOf(c).length, c).toBeGreaterThan(0)
    expect(ChecklistsSchema.safeParse({ ...SELF_CHECK_LISTS, other: SELF_CHECK_LISTS.fire }).success).toBe(false)
  })

  it('name a failed item’s hazard by day, place and item, within the hazard_id limit', () => {
    const id = selfCheckHazardId('2026-12-06', '某某五金厂|120.260000,30.180000', 'fire-01')
    expect(id).toMatch(/^SC-20261206-[0-9a-f]{8}-fire-01$/)
    expect(selfCheckHazardId('2026-12-06', '某某五金厂|120.260000,30.180000', 'fire-01')).toBe(id)
    expect(selfCheckHazardId('2026-12-06', '另一家|120.260000,30.180000', 'fire-01')).not.toBe(id)
    expect(HazardCreateSchema.parse({ hazard_id: id, source: 'self_check', category: 'fire', description: 'x' }).hazard_id).toBe(id)
  })

  it('hashes with FNV-1a', () => {
    expect(fnv1a('')).toBe('811c9dc5')
    expect(fnv1a('a')).toBe('e40c292c')
  })
})
