import { describe, expect, it } from 'vitest'
import { addDays, comparisonPeriods, daysBetween, percentChange, resolvePeriod, shanghaiToday, yearEarlier } from './period.ts'

describe('stats periods', () => {
  it('does day arithmetic in Asia/Shanghai days', () => {
    expect(shanghaiToday(new Date('2026-11-01T15:59:59Z'))).toBe('2026-11-01')
    expect(shanghaiToday(new Date('2026-11-01T16:00:00Z'))).toBe('2026-11-02')
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29')
    expect(daysBetween('2026-10-01', '2026-11-01')).toBe(31)
    expect(yearEarlier('2024-02-29')).toBe('2023-02-28')
    expect(yearEarlier('2025-02-28')).toBe('2024-02-28')
  })
  it('defaults to the last 30 days including today and derives 同比/环比 periods', () => {
    expect(resolvePeriod(undefined, undefined, new Date('2026-11-01T04:00:00Z'))).toEqual({ from: '2026-10-03', to: '2026-11-02' })
    expect(comparisonPeriods({ from: '2026-10-01', to: '2026-11-01' })).toEqual({
      yearEarlier: { from: '2025-10-01', to: '2025-11-01' },
      previous: { from: '2026-08-31', to: '2026-10-01' },
    })
  })
  it('gives percentage changes with one decimal, null on a zero base', () => {
    expect(percentChange(15, 10)).toBe(50)
    expect(percentChange(1, 3)).toBe(-66.7)
    expect(percentChange(4, 0)).toBeNull()
  })
})
