import fs from 'node:fs'

import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'

import { OrganisationCsvRowSchema, splitCell } from './schema.ts'
import { checkedItems, failedItemDescription } from './self-check.ts'
import { selfCheckStanding } from './store.ts'

describe('organisations', () => {
  it('reads a CSV line with names or codes', () => {
    const r = OrganisationCsvRowSchema.parse({
      org_id: 'O1',
      name: '某五金店',
      type: '沿街商铺',
      risk_categories: '餐饮；燃气、ebike_charging',
      self_check_every_days: '30',
      self_check_checklist: '消防安全',
    })
    expect(r).toMatchObject({
      type: 'shop',
      risk_categories: ['catering', 'gas', 'ebike_charging'],
      status: 'active',
      self_check_checklist: 'fire',
    })
    expect(splitCell(' a ;b|;')).toEqual(['a', 'b'])
    const bad = OrganisationCsvRowSchema.safeParse({
      org_id: 'O2',
      name: 'x',
      type: '企业',
      risk_categories: '赌场',
      self_check_every_days: '7',
    })
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(['risk_categories.0'])
    const half = OrganisationCsvRowSchema.safeParse({ org_id: 'O3', name: 'x', type: '企业', self_check_every_days: '7' })
    expect(half.error!.issues.map((i) => i.path.join('.'))).toEqual(['self_check_checklist'])
  })

  it('reads every line of the example file (data/examples/organisations.csv)', () => {
    const rows = parse(fs.readFileSync('data/examples/organisations.csv'), { columns: true }) as Record<string, string>[]
    expect(rows.map((r) => OrganisationCsvRowSchema.safeParse(r).error?.issues ?? [])).toEqual(rows.map(() => []))
  })

  it('stands overdue after the due day, due within a week of it, else ok', () => {
    expect(selfCheckStanding('2026-11-01', '2026-10-20')).toEqual({ daysOverdue: 12, state: 'overdue' })
    expect(selfCheckStanding('2026-11-01', '2026-11-01')).toEqual({ daysOverdue: 0, state: 'due' })
    expect(selfCheckStanding('2026-11-01', '2026-11-08')).toEqual({ daysOverdue: 0, state: 'due' })
    expect(selfCheckStanding('2026-11-01', '2026-11-09')).toEqual({ daysOverdue: 0, state: 'ok' })
    expect(selfCheckStanding('2026-11-01', null)).toEqual({ daysOverdue: null, state: null })
  })

  it('checks items against the checklist, naming the bad one', () => {
    expect(checkedItems('fire', [{ item: 'fire-02' }])[0]!.item.severity).toBe('general')
    expect(() => checkedItems('fire', [{ item: 'fire-01' }, { item: 'gas-01' }])).toThrow('body.results.1.item')
    expect(failedItemDescription({ zh: '灭火器有效' }, undefined)).toBe('企业自查不合格：灭火器有效')
  })
})
