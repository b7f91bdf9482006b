import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { expectTowns, fixture, SOURCE, tmp } from './fixtures/helpers.ts'
import { BoundaryReadError, readBoundaryFile } from './index.ts'

describe('GeoJSON', () => {
  it('reads a FeatureCollection as it is: MultiPolygon with its hole, codes as text, null geometry', async () => {
    const src = await readBoundaryFile(fixture('towns.geojson'))
    expect(src).toMatchObject({
      format: 'geojson',
      layer: null,
      layers: [],
      crs: { kind: 'unknown', text: null },
      reprojectedFrom: null,
      encoding: null,
      warnings: [],
    })
    expectTowns(src)
    expect(src.features[1]!.geometry).toEqual(SOURCE.features[1]!.geometry)
  })

  it('reads a single Feature and a bare geometry (.json)', async () => {
    const dir = tmp()
    fs.writeFileSync(path.join(dir, 'one.json'), JSON.stringify(SOURCE.features[1]))
    const one = await readBoundaryFile(path.join(dir, 'one.json'))
    expect(one.features).toEqual([
      {
        index: 1,
        properties: { 名称: '宁围街道', 代码: '330109002', 编号: '002', 人口: 98765, 面积: 30.25 },
        geometry: SOURCE.features[1]!.geometry,
      },
    ])
    fs.writeFileSync(path.join(dir, 'bare.geojson'), `\uFEFF${JSON.stringify(SOURCE.features[0]!.geometry)}`)
    const bare = await readBoundaryFile(path.join(dir, 'bare.geojson'))
    expect(bare.fields).toEqual([])
    expect(bare.features).toEqual([{ index: 1, properties: {}, geometry: SOURCE.features[0]!.geometry }])
  })

  it('fills fields a feature lacks with null, turns nested values into JSON text, and flags a broken geometry', async () => {
    const dir = tmp()
    fs.writeFileSync(
      path.join(dir, 'mixed.geojson'),
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { code: '0571', tags: ['a', 1] }, geometry: { type: 'Polygon', coordinates: [] } },
          { type: 'Feature', properties: { name: 'x' }, geometry: { type: 'Polygon' } },
        ],
      }),
    )
    const src = await readBoundaryFile(path.join(dir, 'mixed.geojson'))
    expect(src.fields).toEqual(['code', 'tags', 'name'])
    expect(src.features.map((f) => f.properties)).toEqual([
      { code: '0571', tags: '["a",1]', name: null },
      { code: null, tags: null, name: 'x' },
    ])
    expect(src.features.map((f) => f.geometry)).toEqual([null, null])
    expect(src.warnings).toEqual([expect.stringMatching(/feature 2 has a geometry that is not GeoJSON/)])
  })

  it('reprojects a crs member naming EPSG:4549 (as GDAL writes it) to within 1e-6° of the source', async () => {
    const src = await readBoundaryFile(fixture('geojson/towns-4549.geojson'))
    expect(src).toMatchObject({
      reprojectedFrom: 'CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549)',
      crs: { kind: 'geographic', name: 'cgcs2000' },
    })
    expectTowns(src, 1e-6)
  })

  it('warns when coordinates are beyond longitude/latitude and nothing says so', async () => {
    const dir = tmp()
    const doc = JSON.parse(fs.readFileSync(fixture('geojson/towns-4549.geojson'), 'utf8')) as Record<string, unknown>
    delete doc.crs
    fs.writeFileSync(path.join(dir, 'metres.geojson'), JSON.stringify(doc))
    const src = await readBoundaryFile(path.join(dir, 'metres.geojson'))
    expect(src.crs.kind).toBe('unknown')
    expect(src.warnings.join('\n')).toMatch(/coordinates up to x 542386, y 3344569, beyond longitude\/latitude/)
  })
})

describe('file kinds', () => {
  it('says clearly what is wrong with a file it cannot read', async () => {
    const dir = tmp()
    const at = (name: string, content: string | Buffer) => {
      const f = path.join(dir, name)
      fs.writeFileSync(f, content)
      return f
    }
    await expect(readBoundaryFile(path.join(dir, 'nothing.shp'))).rejects.toThrow(/nothing\.shp does not exist/)
    await expect(readBoundaryFile(dir)).rejects.toThrow(/is a folder/)
    await expect(readBoundaryFile(at('towns.csv', 'code,name\n1,a\n'))).rejects.toThrow(
      /towns\.csv is not a boundary file we read \(its extension \.csv is not \.geojson, \.json, \.zip, \.shp or \.gpkg\)/,
    )
    await expect(readBoundaryFile(at('towns.dbf', 'x'))).rejects.toThrow(/give the \.shp beside it/)
    await expect(readBoundaryFile(at('broken.geojson', '{"type": "FeatureCollection", "features": ['))).rejects.toThrow(
      /broken\.geojson is not valid JSON/,
    )
    await expect(readBoundaryFile(at('list.json', '[1, 2]'))).rejects.toThrow(/list\.json is not GeoJSON/)
    await expect(readBoundaryFile(at('topo.json', '{"type": "Topology"}'))).rejects.toThrow(
      /topo\.json is not GeoJSON \(its type is "Topology"/,
    )
    await expect(readBoundaryFile(at('towns.geojson', 'x'))).rejects.toThrow(BoundaryReadError)
  })

  it('reads a file with another extension by its content', async () => {
    const dir = tmp()
    fs.copyFileSync(fixture('zip/towns-4549.zip'), path.join(dir, 'download.bin'))
    expect((await readBoundaryFile(path.join(dir, 'download.bin'))).format).toBe('shapefile')
    fs.copyFileSync(fixture('gpkg/towns-4490.gpkg'), path.join(dir, 'towns.sqlite'))
    expect((await readBoundaryFile(path.join(dir, 'towns.sqlite'))).format).toBe('geopackage')
    fs.copyFileSync(fixture('towns.geojson'), path.join(dir, 'towns.txt'))
    expectTowns(await readBoundaryFile(path.join(dir, 'towns.txt')))
  })
})
