/**
 * Roles and the catalogue plan, without a database: codes of any district, the mapping file's
 * checks, role resolution (a level-1 code means all its items; unbound = not configured), the
 * models' roles, and what a re-import keeps, removes and rejects.
 */
import { describe, expect, it } from 'vitest'

import { BUILTIN_MODELS } from '../models/builtins.ts'
import { ModelDefinitionSchema } from '../models/definition.ts'
import { modelConfigState, neededRoles, roleFilter } from '../models/roles.ts'
import { type CategoryLine, type CurrentCode, planCatalogue } from './import-csv.ts'
import { resolveRoles, RoleMappingSchema } from './roles.ts'
import { type CategoriesResponse, CategoryCodeSchema, CategoryCsvRowSchema, CategoryListSchema } from './schema.ts'

const item = (code: string, nameZh = code) => ({ code, nameZh, nameEn: code, properties: {} })
const CATALOGUE: CategoriesResponse = [
  { code: 'ZA', nameZh: '治安', nameEn: 'Public order', items: [item('ZA01', '入室盗窃'), item('ZA02', '盗窃电动车')] },
  { code: 'ZC', nameZh: '消防', nameEn: 'Fire', items: [item('ZC01', '火灾'), item('ZC02', '电气火灾'), item('ZC03', '火警')] },
  { code: 'ZE', nameZh: '空类', nameEn: 'Empty', items: [] },
]

describe('category codes', () => {
  it("accepts any district's codes and rejects the rest", () => {
    for (const c of ['01', '0101', 'ZA', 'ZA01', '010100', 'fire-01', 'A_1']) expect(CategoryCodeSchema.safeParse(c).success, c).toBe(true)
    for (const c of ['', 'Z A', '火灾', 'x'.repeat(21), 'ZA;DROP']) expect(CategoryCodeSchema.safeParse(c).success, c).toBe(false)
    expect(CategoryListSchema.parse('ZA, ZC01')).toEqual(['ZA', 'ZC01'])
  })
  it('reads a catalogue line: a level-1 category or an item with its parent; name_en defaults to name', () => {
    expect(CategoryCsvRowSchema.parse({ code: ' ZA01 ', name: '入室盗窃', parent_code: 'ZA' })).toEqual({
      code: 'ZA01',
      nameZh: '入室盗窃',
      nameEn: '入室盗窃',
      parentCode: 'ZA',
    })
    expect(CategoryCsvRowSchema.parse({ code: 'ZA', name: '治安', parent_code: '', name_en: 'Public order' })).toEqual({
      code: 'ZA',
      nameZh: '治安',
      nameEn: 'Public order',
      parentCode: null,
    })
    expect(CategoryCsvRowSchema.safeParse({ code: 'ZA', name: '治安', parent_code: 'ZA' }).error?.issues[0]?.message).toBe(
      'a category cannot be its own parent',
    )
    expect(CategoryCsvRowSchema.safeParse({ code: 'ZA', name: '', parent_code: '' }).error?.issues[0]?.message).toBe('name is empty')
  })
})

describe('role binding', () => {
  it('resolves level-1 codes to their items; unbound or empty roles are not configured, naming the role', () => {
    const roles = resolveRoles({ fire: ['ZC01', 'ZC02'], fire_incident: ['ZC'], public_order: ['ZE'] }, CATALOGUE)
    expect(roles.fire).toMatchObject({ codes: ['ZC01', 'ZC02'], items: ['ZC01', 'ZC02'], configured: true, reason: null, nameZh: '火灾' })
    expect(roles.fire_incident.items).toEqual(['ZC01', 'ZC02', 'ZC03'])
    expect(roles.fraud).toMatchObject({ configured: false, items: [], reason: 'role fraud (电信网络诈骗) is not bound to any category' })
    expect(roles.public_order).toMatchObject({ configured: false, reason: 'role public_order (治安) is bound to ZE, which cover no items' })
  })
  it('checks the mapping file: unknown roles named, duplicates dropped, empty lists unbound', () => {
    expect(RoleMappingSchema.parse({ roles: { fire: ['ZC01', 'ZC01'], fraud: [] } }).roles).toEqual({ fire: ['ZC01'] })
    const bad = RoleMappingSchema.safeParse({ roles: { fire: ['ZC01'], arson: ['ZC01'] } })
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message.slice(0, 24)])).toEqual([['roles.arson', 'unknown role "arson" (kn']])
    expect(RoleMappingSchema.safeParse({ roles: { fire: ['Z C'] } }).error?.issues[0]?.path).toEqual(['roles', 'fire', 0])
  })
})

describe('models by role', () => {
  const builtin = (id: string) => BUILTIN_MODELS.find((m) => m.id === id)!
  it('built-ins name roles, never codes', () => {
    for (const d of BUILTIN_MODELS) expect(d.categories, d.id).toEqual([])
    expect(neededRoles(builtin('near-repeat'))).toEqual(['burglary', 'ebike_theft'])
    expect(neededRoles(builtin('dispute-escalation'))).toEqual(['dispute', 'fight'])
    expect(neededRoles(builtin('surge'))).toEqual([])
  })
  it('a model is configured only when every role it needs is bound', () => {
    const roles = resolveRoles({ fire: ['ZC01', 'ZC02'], burglary: ['ZA01'] }, CATALOGUE)
    expect(modelConfigState(builtin('concentration-fire'), roles)).toEqual({
      configured: false,
      reason: 'role fire_alarm (火警) is not bound to any category',
    })
    expect(modelConfigState(builtin('surge'), roles)).toEqual({ configured: true, reason: null })
    const names = new Map(CATALOGUE.flatMap((c) => [[c.code, c.nameZh] as const, ...c.items.map((i) => [i.code, i.nameZh] as const)]))
    expect(roleFilter(['fire'], roles, names)).toEqual({ items: ['ZC01', 'ZC02'], words: ['火灾', '电气火灾'] })
  })
  it('keeps stored definitions working: explicit codes and the old escalation field', () => {
    const old = ModelDefinitionSchema.parse({
      id: 'dispute-escalation',
      kind: 'dispute_escalation',
      name: { zh: '纠纷', en: 'Disputes' },
      categories: ['04'],
      params: { escalateCategories: ['0104'] },
    })
    expect(old).toMatchObject({ roles: [], categories: ['04'], params: { escalateRoles: [], escalateCategories: ['0104'] } })
    expect(neededRoles(old)).toEqual([])
    const both = ModelDefinitionSchema.safeParse({
      id: 'x-surge',
      kind: 'surge',
      name: { zh: '激增', en: 'Surge' },
      roles: ['fire'],
      categories: ['ZC01'],
    })
    expect(both.error?.issues.map((i) => i.path.join('.'))).toEqual(['categories'])
    expect(
      ModelDefinitionSchema.safeParse({ id: 'x-surge', kind: 'surge', name: { zh: '激增', en: 'Surge' }, roles: ['arson'] }).success,
    ).toBe(false)
  })
})

describe('catalogue plan', () => {
  const line = (n: number, code: string, parentCode: string | null, name = code): CategoryLine => ({
    line: n,
    id: code,
    row: { code, nameZh: name, nameEn: name, parentCode },
    reason: null,
  })
  const cur = (level: 1 | 2, parentCode: string | null, incidents = 0, models: string[] = []): CurrentCode => ({
    level,
    parentCode,
    incidents,
    models,
  })

  it('orders level-1 rows first, numbers siblings in file order, and takes parents from the catalogue without --replace', () => {
    const plan = planCatalogue(
      [line(2, 'ZA01', 'ZA'), line(3, 'ZA', null), line(4, 'ZB01', 'ZB'), line(5, 'ZA02', 'ZA')],
      new Map([['ZB', cur(1, null)]]),
      { replace: false },
    )
    expect(plan.rows.map((r) => [r.code, r.level, r.sortOrder])).toEqual([
      ['ZA', 1, 1],
      ['ZA01', 2, 1],
      ['ZB01', 2, 1],
      ['ZA02', 2, 2],
    ])
    expect(plan.rejects).toEqual([])
    expect(plan.kept).toEqual([{ code: 'ZB', reason: 'not in the file (left as it is without --replace)' }])
  })
  it('with --replace keeps what incidents or models use (and level-1 categories with kept items), removes the rest', () => {
    const current = new Map([
      ['01', cur(1, null)],
      ['0101', cur(2, '01', 12)],
      ['0102', cur(2, '01')],
      ['02', cur(1, null)],
      ['0201', cur(2, '02', 0, ['my-surge'])],
      ['03', cur(1, null)],
      ['0301', cur(2, '03')],
    ])
    const plan = planCatalogue([line(2, 'ZA', null), line(3, 'ZA01', 'ZA')], current, { replace: true })
    expect(plan.kept).toEqual([
      { code: '01', reason: 'has kept items 0101' },
      { code: '0101', reason: 'carried by 12 incidents' },
      { code: '02', reason: 'has kept items 0201' },
      { code: '0201', reason: 'named by model my-surge' },
    ])
    expect(plan.remove).toEqual(['0102', '0301', '03'])
  })
  it('refuses to turn an item incidents carry into a category, or a category with items left into an item', () => {
    const current = new Map([
      ['ZA', cur(1, null)],
      ['ZA01', cur(2, 'ZA', 5)],
      ['ZB', cur(1, null)],
      ['ZB01', cur(2, 'ZB')],
    ])
    const plan = planCatalogue([line(2, 'ZA01', null), line(3, 'ZC', null), line(4, 'ZB', 'ZC')], current, { replace: false })
    expect(plan.rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'ZA01 is an item that 5 incidents carry; it cannot become a level-1 category'],
      [4, 'ZB is a level-1 category with items the file does not move (ZB01); it cannot become an item'],
    ])
    expect(plan.rows.map((r) => r.code)).toEqual(['ZC'])
  })
  it("says an item's parent was rejected, naming its line", () => {
    const bad: CategoryLine = { line: 2, id: 'ZX', row: null, reason: 'name: name is empty' }
    const plan = planCatalogue(
      [bad, line(3, 'ZX01', 'ZX'), line(4, 'ZA', null), line(5, 'ZB01', 'ZA01'), line(6, 'ZA01', 'ZA')],
      new Map(),
      { replace: false },
    )
    expect(plan.rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'name: name is empty'],
      [3, 'parent_code ZX was rejected (line 2)'],
      [5, 'parent_code ZA01 is an item (line 6), not a level-1 category'],
    ])
  })
  it('never removes a code whose line was rejected', () => {
    const bad: CategoryLine = { line: 2, id: 'ZA01', row: null, reason: 'name: name is empty' }
    const plan = planCatalogue(
      [bad, line(3, 'ZA', null)],
      new Map([
        ['ZA', cur(1, null)],
        ['ZA01', cur(2, 'ZA')],
      ]),
      { replace: true },
    )
    expect(plan.remove).toEqual([])
    expect(plan.rejects).toEqual([{ line: 2, id: 'ZA01', reason: 'name: name is empty' }])
  })
})
