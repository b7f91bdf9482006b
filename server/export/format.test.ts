import gcoord from 'gcoord'
import type { MultiPolygon } from 'geojson'
import { describe, expect, it } from 'vitest'

import { findCollection } from '../ogc/collections.ts'
import { batchText, convertGeometry, csvColumns, exportFileName, exportHead, exportTail, momentLabel, toWkt } from './format.ts'

describe('export formats', () => {
  it('names files by layer, area, time range and CRS', () => {
    expect(
      exportFileName({ layer: 'incidents', format: 'geojson', area: '330109001', from: '2026-10-01', to: '2026-11-01', crs: 'wgs84' }),
    ).toBe('incidents_330109001_2026-10-01_2026-11-01.geojson')
    expect(exportFileName({ layer: 'incidents', format: 'csv', from: '2026-10-01T00:30:00Z', crs: 'gcj02' })).toBe(
      'incidents_from-2026-10-01T0830_gcj02.csv',
    )
    expect(exportFileName({ layer: 'incidents', format: 'csv', to: '2026-11-01', crs: 'wgs84' })).toBe('incidents_until-2026-11-01.csv')
    expect(exportFileName({ layer: 'towns', format: 'csv', crs: 'bd09' })).toBe('towns_bd09.csv')
    expect(momentLabel('2026-10-31T23:59:00+08:00')).toBe('2026-10-31T2359')
  })

  it('converts every vertex with gcoord and writes WKT', () => {
    const poly: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [120.1, 30.1],
            [120.2, 30.1],
            [120.2, 30.2],
            [120.1, 30.1],
          ],
        ],
      ],
    }
    const gcj = convertGeometry(poly, 'gcj02')
    expect(gcj.coordinates[0]![0]![1]).toEqual(gcoord.transform([120.2, 30.1], gcoord.WGS84, gcoord.GCJ02))
    expect(convertGeometry(poly, 'wgs84')).toBe(poly)
    expect(convertGeometry(null, 'bd09')).toBeNull()
    expect(toWkt(poly)).toBe('MULTIPOLYGON(((120.1 30.1,120.2 30.1,120.2 30.2,120.1 30.1)))')
    expect(toWkt({ type: 'Point', coordinates: [120.1, 30.2] })).toBe('POINT(120.1 30.2)')
    expect(toWkt(null)).toBe('')
  })

  it('writes GeoJSON and CSV batches that join into one document', () => {
    const towns = findCollection('towns')!
    const f = (code: string) => ({
      type: 'Feature' as const,
      id: code,
      geometry: { type: 'Point' as const, coordinates: [120, 30] },
      properties: { code, name: '城厢街道', level: 'town', parentCode: '330109', population: null },
    })
    const geojson =
      exportHead('geojson', 'wgs84') +
      batchText(towns, 'geojson', [f('1'), f('2')], true) +
      batchText(towns, 'geojson', [f('3')], false) +
      exportTail(towns, 'geojson', 3)
    expect((JSON.parse(geojson) as { features: unknown[] }).features).toHaveLength(3)
    expect(JSON.parse(exportHead('geojson', 'gcj02') + exportTail(towns, 'geojson', 0))).toEqual({
      type: 'FeatureCollection',
      coordinateSystem: 'gcj02',
      features: [],
    })
    expect(csvColumns(towns)).toEqual(['code', 'name', 'level', 'parentCode', 'population', 'wkt'])
    const csv = batchText(towns, 'csv', [f('1')], true) + batchText(towns, 'csv', [f('2')], false)
    expect(csv).toBe(
      '\ufeffcode,name,level,parentCode,population,wkt\r\n1,城厢街道,town,330109,,POINT(120 30)\r\n2,城厢街道,town,330109,,POINT(120 30)\r\n',
    )
    expect(exportTail(towns, 'csv', 0)).toBe('\ufeffcode,name,level,parentCode,population,wkt\r\n')
  })
})
