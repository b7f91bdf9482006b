import { describe, expect, it } from 'vitest'
import { fromWgs84 } from '../geo/crs.ts'
import type { GeocodeResult } from '../geocode/schema.ts'
import { place } from './ingest.ts'
import { IncidentInputSchema, parseReportedAt, withCategories } from './schema.ts'

const match = (level: GeocodeResult['level'], lng: number | null = 120.27, lat: number | null = 30.16): GeocodeResult => ({
  addressId: level === 'door' ? 'X1' : null, address: null, level, score: 0.9, lng, lat, townCode: null, villageCode: null, gridCode: null, h3: null,
})

describe('parseReportedAt', () => {
  it.each([
    ['2026-10-01 08:30:00', '2026-10-01T00:30:00.000Z'],
    ['2026-10-01T08:30:00', '2026-10-01T00:30:00.000Z'],
    ['2026-10-01T08:30:00Z', '2026-10-01T08:30:00.000Z'],
    ['2026-10-01T08:30:00+09:00', '2026-09-30T23:30:00.000Z'],
    ['2026-10-01 08:30', '2026-10-01T00:30:00.000Z'],
  ])('%s → %s', (text, iso) => expect(parseReportedAt(text)?.toISOString()).toBe(iso))
  it.each(['yesterday', '2026-10-01', '2026-13-01 08:00:00', ''])('rejects %j', (text) => expect(parseReportedAt(text)).toBeNull())
})

describe('IncidentInputSchema', () => {
  const base = { incident_id: 'A1', reported_at: '2026-10-01 08:00:00', category: '0101' }
  it('defaults status and crs; empty CSV fields are absent', () => {
    expect(IncidentInputSchema.parse({ ...base, lng: '', lat: '', crs: '', status: '' })).toMatchObject({ status: 'open', crs: 'wgs84', lng: undefined })
    expect(IncidentInputSchema.parse({ ...base, lng: '120.5', lat: '30.1' })).toMatchObject({ lng: 120.5, lat: 30.1 })
  })
  it('names the field of each problem', () => {
    const r = IncidentInputSchema.safeParse({ ...base, incident_id: 'x'.repeat(65), lat: 30, address: 'x'.repeat(501) })
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.')).sort()).toEqual(['address', 'incident_id', 'lng'])
  })
  it('resolves categories by code or Chinese name', () => {
    const schema = withCategories(new Map([['0101', '0101'], ['入室盗窃', '0101']]))
    expect(schema.parse({ ...base, category: '入室盗窃' }).category_code).toBe('0101')
    const bad = schema.safeParse({ ...base, category: '9999' })
    expect(bad.success ? null : bad.error.issues[0]!.path).toEqual(['category'])
  })
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
  it('leaves an incident unplaced without a fine match or coordinates', () => {
    expect(place(none, match('village'))).toEqual({ point: null, level: 'village', score: 0.9, addressId: null })
    expect(place(none, null)).toEqual({ point: null, level: null, score: null, addressId: null })
  })
})
