import { describe, expect, it } from 'vitest'

import type { Location } from '../addresses/locate.ts'
import { fromWgs84 } from '../geo/crs.ts'
import { place, placeCandidates, placeInDistrict } from './place.ts'
import type { GeocodeResult } from './schema.ts'

const match = (level: GeocodeResult['level'], lng: number | null = 120.27, lat: number | null = 30.16): GeocodeResult => ({
  addressId: level === 'door' ? 'X1' : null,
  address: null,
  level,
  score: 0.9,
  lng,
  lat,
  townCode: level === 'district' || level === 'none' ? null : 'T1',
  villageCode: level === 'village' ? 'V1' : null,
  gridCode: null,
  h3: null,
})

describe('place', () => {
  const none = { lng: undefined, lat: undefined, crs: 'wgs84' as const }
  it('takes a match at compound or finer', () => {
    expect(place(none, match('door'))).toEqual({
      point: [120.27, 30.16],
      approximate: false,
      level: 'door',
      score: 0.9,
      addressId: 'X1',
      areaCodes: null,
    })
    expect(place({ lng: 120.1, lat: 30.1, crs: 'wgs84' }, match('compound')).point).toEqual([120.27, 30.16])
  })
  it('prefers coordinates (converted to WGS84) over a road or coarser match', () => {
    const [x, y] = fromWgs84(120.26, 30.16, 'gcj02')
    const p = place({ lng: x, lat: y, crs: 'gcj02' }, match('road'))
    expect(p.level).toBe('road')
    expect(p.point![0]).toBeCloseTo(120.26, 5)
    expect(p.point![1]).toBeCloseTo(30.16, 5)
  })
  it('gives a report naming only a village, road or town that area, at an approximate point', () => {
    expect(place(none, match('village'))).toEqual({
      point: [120.27, 30.16],
      approximate: true,
      level: 'village',
      score: 0.9,
      addressId: null,
      areaCodes: { townCode: 'T1', villageCode: 'V1', gridCode: null, microgridCode: null },
    })
    // A road belongs to its town only: it crosses villages and grids.
    expect(place(none, match('road')).areaCodes).toEqual({ townCode: 'T1', villageCode: null, gridCode: null, microgridCode: null })
    expect(place(none, match('town'))).toMatchObject({ approximate: true, areaCodes: { townCode: 'T1', villageCode: null } })
  })
  it('leaves a report unplaced when it names no usable place', () => {
    expect(place(none, match('district'))).toEqual({
      point: null,
      approximate: false,
      level: 'district',
      score: 0.9,
      addressId: null,
      areaCodes: null,
    })
    expect(place(none, match('none', null, null))).toMatchObject({ point: null, approximate: false })
    expect(place(none, null)).toEqual({ point: null, approximate: false, level: null, score: null, addressId: null, areaCodes: null })
  })
})

describe('placeInDistrict', () => {
  const inside = { townCode: 'T1', villageCode: 'V1', gridCode: 'G1', microgridCode: 'M1' }
  // A district around Xiaoshan: anything east of 121° (Shanghai) is outside it.
  const locate = (lng: number): Location =>
    lng > 121 ? { kind: 'outside' } : { kind: 'in', area: { code: 'M1', ...inside, geometry: { type: 'Polygon', coordinates: [] } } }
  const kept = { level: null, score: null }
  const shanghai = { lng: 121.4737, lat: 31.2304, crs: 'wgs84' as const }

  it('keeps a report with Shanghai coordinates unplaced and flagged: no point, codes or cells', () => {
    const p = placeInDistrict(placeCandidates(shanghai, null), kept, (x) => locate(x))
    expect(p).toMatchObject({
      point: null,
      outsideDistrict: true,
      cells: null,
      codes: { townCode: null, villageCode: null, gridCode: null, microgridCode: null },
    })
  })
  it('places it by the village its address names instead, still flagged', () => {
    const p = placeInDistrict(placeCandidates(shanghai, match('village')), { level: 'village', score: 0.9 }, (x) => locate(x))
    expect(p).toMatchObject({
      point: [120.27, 30.16],
      approximate: true,
      outsideDistrict: true,
      codes: { townCode: 'T1', villageCode: 'V1' },
      cells: null,
    })
  })
  it('gives a point in the district its codes and cells', () => {
    const p = placeInDistrict(placeCandidates({ lng: 120.26, lat: 30.16, crs: 'wgs84' }, null), kept, (x) => locate(x))
    expect(p).toMatchObject({ point: [120.26, 30.16], outsideDistrict: false, codes: inside })
    expect(p.cells?.r10).toBeTruthy()
  })
  it('calls nothing outside before the district has areas', () => {
    expect(placeInDistrict(placeCandidates(shanghai, null), kept, null)).toMatchObject({
      point: [121.4737, 31.2304],
      outsideDistrict: false,
    })
  })
})
