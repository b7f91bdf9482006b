import { describe, expect, it } from 'vitest'

import { heldKey, parseRange } from './ranged.ts'

describe('byte ranges of a held export (GDAL /vsicurl/ reads 16 KB at a time)', () => {
  it('reads one range, open-ended or from the end, clipped to the file', () => {
    expect(parseRange('bytes=0-16383', 1000)).toEqual({ start: 0, end: 999 })
    expect(parseRange('bytes=10-99', 1000)).toEqual({ start: 10, end: 99 })
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 })
  })
  it('refuses ranges past the end and answers others whole', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable')
    expect(parseRange('bytes=50-10', 1000)).toBe('unsatisfiable')
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable')
    expect(parseRange(undefined, 1000)).toBeNull()
    expect(parseRange('bytes=0-1,5-9', 1000)).toBeNull()
    expect(parseRange('items=0-1', 1000)).toBeNull()
    expect(parseRange('bytes=-', 1000)).toBeNull()
  })
  it('keeps callers apart and ignores parameter order', () => {
    const town = { id: '3', role: 'town', areaCodes: ['330109001'] }
    expect(heldKey(town, '/api/export/incidents.csv', { b: '2', a: '1' })).toBe(
      heldKey(town, '/api/export/incidents.csv', { a: '1', b: '2' }),
    )
    expect(heldKey(town, '/api/export/incidents.csv', {})).not.toBe(
      heldKey({ ...town, areaCodes: ['330109002'] }, '/api/export/incidents.csv', {}),
    )
    expect(heldKey(town, '/api/export/incidents.csv', {})).not.toBe(heldKey(town, '/api/export/incidents.csv', { unmask: 'true' }))
  })
})
