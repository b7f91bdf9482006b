import { describe, expect, it } from 'vitest'
import { decodeKey, encodeKey, LimitSchema, OgcBboxSchema, parseDatetime, parseMoment } from './params.ts'

describe('OGC query parameters', () => {
  it('reads dates as Asia/Shanghai days and date-times as instants', () => {
    expect(parseMoment('2026-10-01')).toEqual({ kind: 'day', start: '2026-10-01T00:00:00+08:00', next: '2026-10-02T00:00:00+08:00' })
    expect(parseMoment('2026-12-31T')).toEqual({ kind: 'day', start: '2026-12-31T00:00:00+08:00', next: '2027-01-01T00:00:00+08:00' }) // GDAL's form
    expect(parseMoment('2026-10-01T08:00:00.123456Z')).toEqual({ kind: 'instant', at: '2026-10-01T08:00:00.123456Z' })
    expect(parseMoment('2026-02-30')).toBeNull()
    expect(parseMoment('2026-10-01T08:00:00')).toBeNull() // no offset: ambiguous
    expect(parseMoment('yesterday')).toBeNull()
  })

  it('parses instants, closed intervals and open ends', () => {
    expect(parseDatetime('2026-10-01T08:00:00Z')).toEqual({ gte: '2026-10-01T08:00:00Z', lt: null, lte: '2026-10-01T08:00:00Z' })
    expect(parseDatetime('2026-10-01')).toEqual({ gte: '2026-10-01T00:00:00+08:00', lt: '2026-10-02T00:00:00+08:00', lte: null })
    expect(parseDatetime('2026-10-01/2026-10-03')).toEqual({ gte: '2026-10-01T00:00:00+08:00', lt: '2026-10-04T00:00:00+08:00', lte: null })
    expect(parseDatetime('../2026-10-03T00:00:00Z')).toEqual({ gte: null, lt: null, lte: '2026-10-03T00:00:00Z' })
    expect(parseDatetime('2026-10-03T00:00:00Z/..')).toEqual({ gte: '2026-10-03T00:00:00Z', lt: null, lte: null })
    expect(parseDatetime('2026-10-03T00:00:00Z/')).toEqual({ gte: '2026-10-03T00:00:00Z', lt: null, lte: null })
    expect(parseDatetime('../..')).toEqual({ gte: null, lt: null, lte: null })
    expect(parseDatetime('2026-10-03/2026-10-01')).toBeNull()
    expect(parseDatetime('a/b/c')).toBeNull()
  })

  it('takes bbox with 4 or 6 numbers and refuses the rest', () => {
    expect(OgcBboxSchema.parse('120,30,121,31')).toEqual([120, 30, 121, 31])
    expect(OgcBboxSchema.parse('120,30,0,121,31,100')).toEqual([120, 30, 121, 31])
    for (const bad of ['120,30,121', '121,30,120,31', '120,30,121,91', '120,x,121,31', '']) expect(OgcBboxSchema.safeParse(bad).success, bad).toBe(false)
  })

  it('bounds limit to 1..10000 with default 10', () => {
    expect(LimitSchema.parse(undefined)).toBe(10)
    expect(LimitSchema.parse('10000')).toBe(10_000)
    for (const bad of ['0', '10001', '2.5', 'ten', '-1']) expect(LimitSchema.safeParse(bad).success, bad).toBe(false)
  })

  it('round-trips cursors', () => {
    expect(decodeKey(encodeKey('330109001'))).toBe('330109001')
  })
})
