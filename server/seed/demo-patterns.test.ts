import { describe, expect, it } from 'vitest'

import type { AddressRow } from '../addresses/schema.ts'
import { plantWarningPatterns } from './demo-patterns.ts'

/** 400 addresses on a 50 m lattice, 4 grids of 100. */
function lattice(): AddressRow[] {
  return Array.from({ length: 400 }, (_, i) => ({
    addressId: `A${i}`,
    address: `测试路${i}号`,
    lng: 120.27 + (i % 20) * 0.0005,
    lat: 30.17 + Math.floor(i / 20) * 0.00045,
    town: '城厢街道',
    village: '测试社区',
    groupNo: null,
    road: '测试路',
    doorNo: String(i),
    compound: null,
    building: null,
    unit: null,
    room: i % 3 === 0 ? '101' : null,
    aliases: [],
    townCode: '330109001',
    villageCode: '330109001001',
    gridCode: `330109001001${String(Math.floor(i / 100)).padStart(3, '0')}`,
    microgridCode: `330109001001${String(Math.floor(i / 100)).padStart(3, '0')}01`,
  }))
}

describe('demo warning patterns', () => {
  const end = new Date('2026-11-01T00:00:00+08:00')
  it('plants a surge, a hot spot, a repeat address and a near-repeat series in the days before the end, deterministically', () => {
    const rows = plantWarningPatterns(lattice(), { seed: 'demo', end })
    expect(plantWarningPatterns(lattice(), { seed: 'demo', end })).toEqual(rows)
    expect(
      rows.every((r) => r.reportedAt < end && r.reportedAt.getTime() > end.getTime() - 28 * 86_400_000 && r.source === 'demo-patterns'),
    ).toBe(true)
    const burglaries = rows.filter((r) => r.categoryCode === '0101')
    expect(burglaries).toHaveLength(5)
    const spanM = Math.max(
      ...burglaries.map((b) => Math.hypot((b.lng - burglaries[0]!.lng) * 96_388, (b.lat - burglaries[0]!.lat) * 110_854)),
    )
    expect(spanM).toBeLessThanOrEqual(150)
    const byAddress = new Map<string, number>()
    for (const r of rows.filter((r) => ['0402', '0104', '0105'].includes(r.categoryCode)))
      byAddress.set(r.truthAddressId, (byAddress.get(r.truthAddressId) ?? 0) + 1)
    expect(Math.max(...byAddress.values())).toBeGreaterThanOrEqual(7)
    expect(new Set(rows.map((r) => r.incidentId)).size).toBe(rows.length)
  })
})
