import { describe, expect, it } from 'vitest'
import { fromWgs84 } from '../geo/crs.ts'
import { place } from './place.ts'
import type { GeocodeResult } from './schema.ts'

const match = (level: GeocodeResult['level'], lng: number | null = 120.27, lat: number | null = 30.16): GeocodeResult => ({
  addressId: level === 'door' ? 'X1' : null, address: null, level, score: 0.9, lng, lat, townCode: null, villageCode: null, gridCode: null, h3: null,
})

describe('place', () => {
  const none = { lng: undefined, lat: undefined, crs: 'wgs84' as const }
  it('takes a match at compound or finer', () => {
    expect(place(none, match('door'))).toEqual({ point: [120.27, 30.16], level: 'door', score: 0.9, addressId: 'X1' })
    expect(place({ lng: 120.1, lat: 30.1, crs: 'wgs84' }, match('compound')).point).toEqual([120.27, 30.16])
  })
  it('prefers coordinates (converted to WGS84) over a road or coarser match', () => {
    const [x, y] = fromWgs84(120.26, 30.16, 'gcj02')
    const p = place({ lng: x, lat: y, crs: 'gcj02' }, match('road'))
    expect(p.level).toBe('road')
    expect(p.point![0]).toBeCloseTo(120.26, 5)
    expect(p.point![1]).toBeCloseTo(30.16, 5)
  })
  it('leaves a report unplaced without a fine match or coordinates', () => {
    expect(place(none, match('village'))).toEqual({ point: null, level: 'village', score: 0.9, addressId: null })
    expect(place(none, null)).toEqual({ point: null, level: null, score: null, addressId: null })
  })
})
