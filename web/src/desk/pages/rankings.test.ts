import { describe, expect, it } from 'vitest'

import { recentMonths, signed } from './rankings.ts'

describe('rankings page helpers', () => {
  it('writes changes with their sign, and nothing for none', () => {
    expect(signed(1.54)).toBe('+1.5')
    expect(signed(-2)).toBe('−2')
    expect(signed(0.01)).toBe('')
    expect(signed(null)).toBe('')
    expect(signed(0.126, 2)).toBe('+0.13')
  })
  it('offers this month and the eleven before it, across the new year', () => {
    const months = recentMonths('2026-02-15')
    expect(months).toHaveLength(12)
    expect(months.slice(0, 3)).toEqual(['2026-02', '2026-01', '2025-12'])
    expect(months[11]).toBe('2025-03')
  })
})
