import { describe, expect, it } from 'vitest'

import { IncidentInputSchema, parseReportedAt, withCategories } from './schema.ts'

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
    expect(IncidentInputSchema.parse({ ...base, lng: '', lat: '', crs: '', status: '' })).toMatchObject({
      status: 'open',
      crs: 'wgs84',
      lng: undefined,
    })
    expect(IncidentInputSchema.parse({ ...base, lng: '120.5', lat: '30.1' })).toMatchObject({ lng: 120.5, lat: 30.1 })
  })
  it('names the field of each problem', () => {
    const r = IncidentInputSchema.safeParse({ ...base, incident_id: 'x'.repeat(65), lat: 30, address: 'x'.repeat(501) })
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.')).sort()).toEqual(['address', 'incident_id', 'lng'])
  })
  it('refuses a time more than 10 minutes ahead of now, or before 2000, at reported_at', () => {
    const issue = (reported_at: string) => {
      const r = IncidentInputSchema.safeParse({ ...base, reported_at })
      return r.success ? null : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    }
    expect(issue('2030-01-01 08:00:00')).toMatch(/^reported_at: is in the future/)
    expect(issue(new Date(Date.now() + 11 * 60_000).toISOString())).toMatch(/^reported_at: is in the future/)
    expect(issue(new Date(Date.now() + 5 * 60_000).toISOString())).toBeNull()
    expect(issue('1970-01-01T00:00:00Z')).toMatch(/^reported_at: .*before 2000-01-01/)
  })
  it('resolves categories by code or Chinese name', () => {
    const schema = withCategories(
      new Map([
        ['0101', '0101'],
        ['入室盗窃', '0101'],
      ]),
    )
    expect(schema.parse({ ...base, category: '入室盗窃' }).category_code).toBe('0101')
    const bad = schema.safeParse({ ...base, category: '9999' })
    expect(bad.success ? null : bad.error.issues[0]!.path).toEqual(['category'])
  })
})
