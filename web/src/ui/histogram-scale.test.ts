import { describe, expect, it } from 'vitest'

import { brushRange, dayAtX, layoutBars, pickBucket, rangeToPixels } from './histogram-scale.ts'

const domain = { from: '2026-10-01', to: '2026-10-11' } // 10 days

describe('histogram layout', () => {
  it('places one bar per day, scaled to the tallest, marking the chosen period', () => {
    const series = Array.from({ length: 10 }, (_, i) => ({ bucket: `2026-10-${String(i + 1).padStart(2, '0')}`, n: i }))
    const bars = layoutBars(series, domain, { from: '2026-10-03', to: '2026-10-05' }, 100, 50)
    expect(bars).toHaveLength(10)
    expect(bars[0]).toMatchObject({ day: '2026-10-01', days: 1, x: 0, height: 0, selected: false })
    expect(bars[9]).toMatchObject({ x: 90, height: 50 })
    expect(bars.filter((b) => b.selected).map((b) => b.day)).toEqual(['2026-10-03', '2026-10-04'])
    expect(bars[0]!.width).toBeCloseTo(9)
  })
  it('handles week buckets that start before the domain and a short last week', () => {
    const bars = layoutBars(
      [
        { bucket: '2026-09-28', n: 5 },
        { bucket: '2026-10-05', n: 10 },
      ],
      domain,
      domain,
      100,
      20,
    )
    expect(bars[0]).toMatchObject({ x: 0, days: 7 })
    expect(bars[1]).toMatchObject({ x: 40, days: 6, height: 20 })
  })
  it('maps pixels to days and periods to pixels', () => {
    expect(dayAtX(0, 100, domain)).toBe('2026-10-01')
    expect(dayAtX(55, 100, domain)).toBe('2026-10-06')
    expect(dayAtX(500, 100, domain)).toBe('2026-10-10')
    expect(rangeToPixels({ from: '2026-10-03', to: '2026-10-05' }, 100, domain)).toEqual({ x: 20, width: 20 })
  })
  it('brushes in either direction, both ends inclusive', () => {
    expect(brushRange('2026-10-05', '2026-10-02')).toEqual({ from: '2026-10-02', to: '2026-10-06' })
  })
  it('picks weeks when days get too thin', () => {
    expect(pickBucket({ from: '2025-11-01', to: '2026-11-01' }, 400)).toBe('week')
    expect(pickBucket(domain, 400)).toBe('day')
  })
})
