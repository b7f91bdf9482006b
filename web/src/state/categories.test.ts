import { describe, expect, it } from 'vitest'

import type { Category } from '../../../server/shared/api.ts'
import { compactCategories, expandCategories } from './categories.ts'

const item = (code: string) => ({ code, nameZh: code, nameEn: code, properties: {} })
const catalogue: Category[] = [
  { code: '01', nameZh: '盗窃', nameEn: 'Theft', items: [item('0101'), item('0102')] },
  { code: '02', nameZh: '纠纷', nameEn: 'Dispute', items: [item('0201'), item('0202'), item('0203')] },
]

describe('category filter', () => {
  it('compacts whole categories to their code, all or none to "all"', () => {
    expect(compactCategories(catalogue, new Set(['0101', '0102', '0203']))).toEqual(['01', '0203'])
    expect(compactCategories(catalogue, new Set(['0101', '0102', '0201', '0202', '0203']))).toEqual([])
    expect(compactCategories(catalogue, new Set())).toEqual([])
  })
  it('expands codes back to items', () => {
    expect([...expandCategories(catalogue, ['01', '0203'])]).toEqual(['0101', '0102', '0203'])
    expect(expandCategories(catalogue, []).size).toBe(5)
  })
})
