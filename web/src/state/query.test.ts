import { describe, expect, it } from 'vitest'

import { exportUrl, incidentsQuery, queryString, tileQuery, timeseriesQuery } from './query.ts'
import type { Filters } from './url.ts'

const f: Filters = { from: '2026-10-01', to: '2026-11-01', categories: ['01', '0203'], area: '330109001' }
const all: Filters = { ...f, categories: [], area: null }

describe('filters → query strings', () => {
  it('drops empty values and keeps commas readable', () => {
    expect(queryString({ a: '1', b: null, c: '', d: 'x,y' })).toBe('?a=1&d=x,y')
    expect(queryString({})).toBe('')
  })
  it('gives the incident tiles and cell counts the period, categories and area', () => {
    expect(tileQuery(f)).toBe('?from=2026-10-01&to=2026-11-01&category=01,0203&area=330109001')
    expect(tileQuery(all)).toBe('?from=2026-10-01&to=2026-11-01')
  })
  it('gives the histogram its domain, bucket, categories and area', () => {
    expect(timeseriesQuery(f, { from: '2025-11-01', to: '2026-11-23' }, 'week')).toBe(
      '?from=2025-11-01&to=2026-11-23&bucket=week&category=01,0203&area=330109001',
    )
  })
  it('lists incidents with every filter and the box', () => {
    expect(incidentsQuery(f, [120.1, 30, 120.2, 30.1], 500)).toBe(
      '?from=2026-10-01&to=2026-11-01&category=01,0203&area=330109001&bbox=120.10000,30.00000,120.20000,30.10000&limit=500',
    )
  })
  it('exports with the filters the layer has', () => {
    const box: [number, number, number, number] = [120, 30, 121, 31]
    expect(exportUrl('incidents', 'csv', f, box)).toBe(
      '/api/export/incidents.csv?from=2026-10-01&to=2026-11-01&category=01,0203&area=330109001&bbox=120.00000,30.00000,121.00000,31.00000',
    )
    expect(exportUrl('hazards', 'geojson', all, box)).toBe('/api/export/hazards.geojson?bbox=120.00000,30.00000,121.00000,31.00000')
  })
})
