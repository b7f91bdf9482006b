import { describe, expect, it } from 'vitest'

import { mergeTicker, pushTicker, type TickerItem } from './ticker.ts'

const item = (id: number, extra: Partial<TickerItem> = {}): TickerItem => ({
  id,
  reportedAt: '2026-11-22T08:00:00.000Z',
  category: '0101',
  categoryName: '盗窃',
  address: null,
  townName: '城厢街道',
  lngLat: null,
  live: true,
  ...extra,
})

describe('pushTicker', () => {
  it('puts new incidents on top and drops the oldest past capacity', () => {
    let b: TickerItem[] = []
    for (let i = 1; i <= 5; i++) b = pushTicker(b, item(i), 3)
    expect(b.map((x) => x.id)).toEqual([5, 4, 3])
  })

  it('replaces a changed incident in place', () => {
    let b = [item(3), item(2), item(1)]
    b = pushTicker(b, item(2, { address: '人民路1号', live: false }))
    expect(b.map((x) => x.id)).toEqual([3, 2, 1])
    expect(b[1]!.address).toBe('人民路1号')
    expect(b[1]!.live).toBe(true) // once live, stays highlighted
  })

  it('does not mutate its input', () => {
    const b = [item(1)]
    pushTicker(b, item(2))
    expect(b).toHaveLength(1)
  })
})

describe('mergeTicker', () => {
  it('adds the list without duplicates, newest report first, keeping live highlights', () => {
    const at = (h: number) => `2026-11-22T${String(h).padStart(2, '0')}:00:00.000Z`
    const merged = mergeTicker(
      [item(9, { reportedAt: at(9) }), item(7, { reportedAt: at(7) })],
      [
        item(8, { live: false, reportedAt: at(8) }),
        item(7, { live: false, reportedAt: at(7) }),
        item(6, { live: false, reportedAt: at(6) }),
      ],
      4,
    )
    expect(merged.map((x) => x.id)).toEqual([9, 8, 7, 6])
    expect(merged.find((x) => x.id === 7)!.live).toBe(true)
  })
  it('puts an incident the stream missed (found by the reload) above older live entries', () => {
    const merged = mergeTicker(
      [item(5, { reportedAt: '2026-11-22T08:00:00.000Z' })],
      [item(6, { live: false, reportedAt: '2026-11-22T08:05:00.000Z' })],
    )
    expect(merged.map((x) => x.id)).toEqual([6, 5])
  })
})
