import { describe, expect, it } from 'vitest'

import {
  CGCS2000_URI,
  CRS84_URI,
  CrsSchema,
  decodeKey,
  encodeKey,
  LimitSchema,
  nextLimit,
  OgcBboxSchema,
  parseDatetime,
  parseMoment,
  swapAxes,
} from './params.ts'

describe('OGC query parameters', () => {
  it('reads dates as Asia/Shanghai days and date-times as instants', () => {
    expect(parseMoment('2026-10-01')).toEqual({ kind: 'day', start: '2026-10-01T00:00:00+08:00', next: '2026-10-02T00:00:00+08:00' })
    expect(parseMoment('2026-10-01T08:00:00.123456Z')).toEqual({ kind: 'instant', at: '2026-10-01T08:00:00.123456Z' })
    expect(parseMoment('2026-02-30')).toBeNull()
    expect(parseMoment('2026-10-01T08:00:00')).toBeNull() // no offset: ambiguous
    expect(parseMoment('yesterday')).toBeNull()
  })

  it('is strict RFC 3339: half-written times are refused, not guessed', () => {
    for (const bad of [
      '2026-11-01T',
      '2026-11-01T08:00Z',
      '2026-11-01 08:00:00Z',
      '2026-11-01T08:00:00+0800',
      '2026-11-01T24:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-11-1',
    ]) {
      expect(parseMoment(bad), bad).toBeNull()
    }
    expect(parseMoment('2026-11-01T08:00:00+08:00')).toEqual({ kind: 'instant', at: '2026-11-01T08:00:00+08:00' })
    expect(parseMoment('2026-11-01t00:00:00z')).toEqual({ kind: 'instant', at: '2026-11-01T00:00:00Z' })
  })

  it('reads what QGIS 3.22 sends for a filter on a date-time field', () => {
    // `"reportedAt" >= '2026-06-01T00:00:00+08:00'`: the '+' goes unencoded, and arrives as a space.
    expect(parseDatetime('2026-06-01T00:00:00 08:00/9999-12-31T00:00:00Z')).toEqual({
      gte: '2026-06-01T00:00:00+08:00',
      lt: null,
      lte: '9999-12-31T00:00:00Z',
    })
    // `"reportedAt" <= '…'`: year 0 as the start, which PostgreSQL cannot hold; it is open.
    expect(parseDatetime('0000-01-01T00:00:00Z/2026-07-01T00:00:00Z')).toEqual({ gte: null, lt: null, lte: '2026-07-01T00:00:00Z' })
    expect(parseMoment('0099-03-01')).toEqual({ kind: 'day', start: '0099-03-01T00:00:00+08:00', next: '0099-03-02T00:00:00+08:00' })
    // The space stands only for an offset's sign, nowhere else.
    for (const bad of ['2026-06-01 00:00:00 08:00', '2026-06-01T00:00:00 0800', '2026-06-01T00:00:00  08:00'])
      expect(parseMoment(bad), bad).toBeNull()
  })

  it('offers CRS84 and CGCS2000 (EPSG:4490, latitude first) by URI or safe CURIE, nothing else', () => {
    expect(CrsSchema.parse(CGCS2000_URI)).toBe(CGCS2000_URI)
    expect(CrsSchema.parse('[EPSG:4490]')).toBe(CGCS2000_URI)
    expect(CrsSchema.parse('[OGC:CRS84]')).toBe(CRS84_URI)
    for (const bad of ['http://www.opengis.net/def/crs/EPSG/0/4326', 'EPSG:4490', 'GCJ-02', ''])
      expect(CrsSchema.safeParse(bad).success, bad).toBe(false)
    expect(swapAxes({ type: 'Point', coordinates: [120.25, 30.15] })).toEqual({ type: 'Point', coordinates: [30.15, 120.25] })
    expect(
      swapAxes({
        type: 'Polygon',
        coordinates: [
          [
            [120, 30],
            [121, 30],
            [121, 31],
            [120, 30],
          ],
        ],
      }).coordinates[0]![1],
    ).toEqual([30, 121])
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
    for (const bad of ['120,30,121', '121,30,120,31', '120,30,121,91', '120,x,121,31', ''])
      expect(OgcBboxSchema.safeParse(bad).success, bad).toBe(false)
  })

  it('pages 1,000 by default, reads a limit over 10,000 as 10,000, refuses the rest; next links ask for at least 1,000', () => {
    expect(LimitSchema.parse(undefined)).toBe(1_000)
    expect(LimitSchema.parse('10000')).toBe(10_000)
    expect(LimitSchema.parse('50000')).toBe(10_000)
    for (const bad of ['0', '2.5', 'ten', '-1']) expect(LimitSchema.safeParse(bad).success, bad).toBe(false)
    expect(nextLimit(10)).toBe(1_000)
    expect(nextLimit(5_000)).toBe(5_000)
  })

  it('round-trips cursors', () => {
    expect(decodeKey(encodeKey('330109001'))).toBe('330109001')
  })
})
