import { describe, expect, it } from 'vitest'
import { dailyCounts, formatMetric } from './inspector.ts'

describe('inspector helpers', () => {
  it('counts days into a series over the period, dropping days outside', () => {
    expect(dailyCounts(['2026-10-01', '2026-10-03', '2026-10-03', '2026-09-30', '2026-10-04'], '2026-10-01', '2026-10-04')).toEqual([1, 0, 2])
  })
  it('formats model numbers', () => {
    expect(formatMetric(4.55718e-19)).toBe('4.56e-19')
    expect(formatMetric(0.125)).toBe('0.125')
    expect(formatMetric(16)).toBe('16')
    expect(formatMetric(0)).toBe('0')
  })
})
