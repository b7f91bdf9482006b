import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { expectTowns, fixture, tmp } from './fixtures/helpers.ts'
import { gpkgGeometry } from './geopackage.ts'
import { BoundaryReadError, readBoundaryFile } from './index.ts'

describe('GeoPackages', () => {
  it('reads the single features table in WGS 84 (srs 4326)', async () => {
    const src = await readBoundaryFile(fixture('gpkg/towns-4326.gpkg'))
    expect(src).toMatchObject({
      format: 'geopackage',
      layer: 'towns',
      layers: ['towns'],
      encoding: null,
      encodingReason: null,
      reprojectedFrom: null,
      warnings: [],
    })
    expect(src.crs).toMatchObject({ kind: 'geographic', name: 'wgs84' })
    expectTowns(src)
    expect(src.features[1]!.geometry!.type).toBe('MultiPolygon')
  })

  it('reads CGCS2000 (srs 4490) as such', async () => {
    const src = await readBoundaryFile(fixture('gpkg/towns-4490.gpkg'))
    expect(src.crs).toMatchObject({ kind: 'geographic', name: 'cgcs2000' })
    expect(src.crs.text).toContain('China Geodetic Coordinate System 2000')
    expectTowns(src)
  })

  it('reprojects CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549) to within 1e-6° of the source', async () => {
    const src = await readBoundaryFile(fixture('gpkg/towns-4549.gpkg'))
    expect(src).toMatchObject({
      reprojectedFrom: 'CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549)',
      crs: { kind: 'geographic', name: 'cgcs2000' },
    })
    expectTowns(src, 1e-6)
  })

  it('needs the layer when there are two tables', async () => {
    await expect(readBoundaryFile(fixture('gpkg/two-tables.gpkg'))).rejects.toThrow(
      /holds 2 layers \(towns, villages\): name the one to import as the layer/,
    )
    const villages = await readBoundaryFile(fixture('gpkg/two-tables.gpkg'), { layer: 'villages' })
    expect(villages).toMatchObject({ layer: 'villages', layers: ['towns', 'villages'], fields: ['名称', '代码'] })
    expect(villages.features.map((f) => f.properties)).toEqual([
      { 名称: '凤凰村', 代码: '330109001201' },
      { 名称: '湘湖村', 代码: '330109001202' },
    ])
    expect(villages.features[0]!.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [120.26, 30.16],
          [120.28, 30.16],
          [120.28, 30.18],
          [120.26, 30.18],
          [120.26, 30.16],
        ],
      ],
    })
    expectTowns(await readBoundaryFile(fixture('gpkg/two-tables.gpkg'), { layer: 'towns' }))
    await expect(readBoundaryFile(fixture('gpkg/two-tables.gpkg'), { layer: 'roads' })).rejects.toThrow(
      /no layer named roads \(it holds towns, villages\)/,
    )
  })

  it('says clearly when a .gpkg is not a GeoPackage or is damaged', async () => {
    const dir = tmp()
    fs.writeFileSync(path.join(dir, 'text.gpkg'), 'just some text, not a database at all'.repeat(5))
    await expect(readBoundaryFile(path.join(dir, 'text.gpkg'))).rejects.toThrow(
      /text\.gpkg is not a GeoPackage \(it is not an SQLite database\)/,
    )
    const gpkg = fs.readFileSync(fixture('gpkg/towns-4326.gpkg'))
    fs.writeFileSync(path.join(dir, 'cut.gpkg'), gpkg.subarray(0, 4096))
    await expect(readBoundaryFile(path.join(dir, 'cut.gpkg'))).rejects.toThrow(BoundaryReadError)
    await expect(readBoundaryFile(path.join(dir, 'cut.gpkg'))).rejects.toThrow(/cut\.gpkg/)
  })

  it('decodes geometry blobs by their header: envelope skipped, empty flag, extended types refused', () => {
    // "GP", version 0, flags 0b0000_0011 (little-endian, 32-byte envelope), srs 4326, envelope, WKB point (1 2).
    const wkb = Buffer.from('0101000000000000000000f03f0000000000000040', 'hex')
    const header = Buffer.from([0x47, 0x50, 0x00, 0x03, 0xe6, 0x10, 0x00, 0x00])
    expect(gpkgGeometry(Buffer.concat([header, Buffer.alloc(32), wkb]))).toEqual({ type: 'Point', coordinates: [1, 2] })
    expect(gpkgGeometry(Buffer.from([0x47, 0x50, 0x00, 0x11, 0xe6, 0x10, 0x00, 0x00, ...wkb]))).toBeNull()
    expect(gpkgGeometry(Buffer.from([0x47, 0x50, 0x00, 0x21, 0xe6, 0x10, 0x00, 0x00, ...wkb]))).toMatch(/extended/)
    expect(gpkgGeometry(Buffer.from([0x47, 0x50, 0x00, 0x01, 0xe6, 0x10, 0x00, 0x00, 0x01, 0x63]))).toMatch(/not readable WKB/)
  })
})
