import fs from 'node:fs'
import path from 'node:path'

import type { Geometry } from 'geojson'
import { describe, expect, it } from 'vitest'

import { copyInto, expectSameGeometry, expectTowns, fixture, sourceGeometry, tmp } from './fixtures/helpers.ts'
import { BoundaryReadError, readBoundaryFile } from './index.ts'

const parts = (dir: string, ...exts: string[]) => exts.map((e) => fixture('shp', dir, `towns.${e}`))

describe('plain shapefiles', () => {
  it('reads a GBK DBF named by its .cpg, with Chinese field names, codes as text and a CGCS2000 .prj', async () => {
    const src = await readBoundaryFile(fixture('shp/gbk-cpg/towns.shp'))
    expect(src).toMatchObject({
      format: 'shapefile',
      layer: null,
      layers: [],
      encoding: 'gbk',
      encodingReason: 'cpg',
      reprojectedFrom: null,
      warnings: [],
    })
    expect(src.crs).toMatchObject({ kind: 'geographic', name: 'cgcs2000' })
    expect(src.crs.text).toContain('GCS_China_Geodetic_Coordinate_System_2000')
    expectTowns(src)
  })

  it('keeps a multi-part polygon a MultiPolygon, its hole a hole, and an empty shape null', async () => {
    const src = await readBoundaryFile(fixture('shp/gbk-cpg/towns.shp'))
    const g = src.features[1]!.geometry!
    expect(g.type).toBe('MultiPolygon')
    if (g.type !== 'MultiPolygon') return
    expect(g.coordinates.map((p) => p.length).sort()).toEqual([1, 2])
    expectSameGeometry(g, sourceGeometry(1))
    expect(src.features[0]!.geometry!.type).toBe('Polygon')
    expect(src.features[0]!.geometry).not.toHaveProperty('bbox')
    expect(src.features[2]!.geometry).toBeNull()
  })

  it('gives each hole to the part that holds it, also where a part lies inside another part’s bounding box', async () => {
    const src = await readBoundaryFile(fixture('shp/parts/parts.shp'))
    const source = JSON.parse(fs.readFileSync(fixture('parts.geojson'), 'utf8')) as { features: { geometry: Geometry }[] }
    expect(src.features).toHaveLength(1)
    expect(src.features[0]!.properties).toEqual({ 名称: '飞地街道', 代码: '330109003' })
    expectSameGeometry(src.features[0]!.geometry, source.features[0]!.geometry)
  })

  it('reads GBK from the language driver id (0x4D) when there is no .cpg, and a WGS 84 .prj', async () => {
    const src = await readBoundaryFile(fixture('shp/gbk-ldid/towns.shp'))
    expect(src).toMatchObject({ encoding: 'gbk', encodingReason: 'ldid' })
    expect(src.crs).toMatchObject({ kind: 'geographic', name: 'wgs84' })
    expectTowns(src)
  })

  it('detects GBK with neither .cpg nor id, reads upper-case extensions, and says when there is no .prj', async () => {
    const src = await readBoundaryFile(fixture('shp/gbk-plain/TOWNS.SHP'))
    expect(src).toMatchObject({ encoding: 'gbk', encodingReason: 'detected', crs: { kind: 'unknown', text: null } })
    expectTowns(src)
  })

  it('reads a UTF-8 DBF by its .cpg, and detects it without one', async () => {
    const withCpg = await readBoundaryFile(fixture('shp/utf8/towns.shp'))
    expect(withCpg).toMatchObject({ encoding: 'utf-8', encodingReason: 'cpg' })
    expectTowns(withCpg)
    const dir = tmp()
    copyInto(dir, parts('utf8', 'shp', 'shx', 'dbf'))
    const detected = await readBoundaryFile(path.join(dir, 'towns.shp'))
    expect(detected).toMatchObject({ encoding: 'utf-8', encodingReason: 'detected' })
    expectTowns(detected)
  })

  it('lets the encoding option win, and refuses an unknown one', async () => {
    const src = await readBoundaryFile(fixture('shp/gbk-plain/TOWNS.SHP'), { encoding: 'CP936' })
    expect(src).toMatchObject({ encoding: 'gbk', encodingReason: 'option' })
    expect(src.features[0]!.properties['名称']).toBe('城厢街道')
    const wrong = await readBoundaryFile(fixture('shp/gbk-cpg/towns.shp'), { encoding: 'utf-8' })
    expect(wrong).toMatchObject({ encoding: 'utf-8', encodingReason: 'option' })
    expect(wrong.fields).not.toContain('名称')
    await expect(readBoundaryFile(fixture('shp/gbk-cpg/towns.shp'), { encoding: 'klingon' })).rejects.toThrow(
      /encoding klingon is not known/,
    )
  })

  it('warns when a .cpg says UTF-8 but the text is GBK', async () => {
    const dir = tmp()
    copyInto(dir, parts('gbk-cpg', 'shp', 'shx', 'dbf'))
    fs.writeFileSync(path.join(dir, 'towns.cpg'), 'UTF-8')
    const src = await readBoundaryFile(path.join(dir, 'towns.shp'))
    expect(src.encoding).toBe('utf-8')
    expect(src.warnings.join('\n')).toMatch(/declared UTF-8 by its \.cpg but is not valid UTF-8/)
  })

  it('reads .cpg code pages as ArcGIS and QGIS write them', async () => {
    for (const [cpg, encoding] of [
      ['936', 'gbk'],
      ['GB2312', 'gbk'],
      ['GB18030', 'gb18030'],
      ['ANSI 936', 'gbk'],
      ['65001', 'utf-8'],
    ]) {
      const dir = tmp()
      copyInto(dir, parts('gbk-cpg', 'shp', 'shx', 'dbf'))
      fs.writeFileSync(path.join(dir, 'towns.cpg'), `${cpg}\r\n`)
      const src = await readBoundaryFile(path.join(dir, 'towns.shp'))
      expect(src.encoding, cpg).toBe(encoding)
      expect(src.encodingReason).toBe('cpg')
      if (encoding !== 'utf-8') expect(src.features[1]!.properties['名称']).toBe('宁围街道')
    }
  })

  it('leaves out records marked deleted, keeping the others’ feature numbers', async () => {
    const dir = tmp()
    copyInto(dir, parts('utf8', 'shp', 'shx', 'dbf', 'cpg'))
    const dbf = fs.readFileSync(path.join(dir, 'towns.dbf'))
    dbf[dbf.readUInt16LE(8)] = 0x2a // the first record's deletion flag
    fs.writeFileSync(path.join(dir, 'towns.dbf'), dbf)
    const src = await readBoundaryFile(path.join(dir, 'towns.shp'))
    expect(src.features.map((f) => [f.index, f.properties['代码']])).toEqual([
      [2, '330109002'],
      [3, '330109099'],
    ])
    expect(src.warnings.join('\n')).toMatch(/marks 1 record as deleted/)
  })

  it('says clearly when the .dbf is missing, damaged or cut short, or the .shp is not a shapefile', async () => {
    const dir = tmp()
    copyInto(dir, parts('gbk-cpg', 'shp', 'shx', 'prj'))
    await expect(readBoundaryFile(path.join(dir, 'towns.shp'))).rejects.toThrow(BoundaryReadError)
    await expect(readBoundaryFile(path.join(dir, 'towns.shp'))).rejects.toThrow(/towns\.dbf is missing/)

    const dbf = fs.readFileSync(fixture('shp/gbk-cpg/towns.dbf'))
    fs.writeFileSync(path.join(dir, 'towns.dbf'), dbf.subarray(0, dbf.length - 100))
    await expect(readBoundaryFile(path.join(dir, 'towns.shp'))).rejects.toThrow(
      /towns\.dbf is not a readable dBASE \(\.dbf\) file: it declares 3 records but holds 2/,
    )

    fs.writeFileSync(path.join(dir, 'towns.dbf'), Buffer.from('not a dbf at all, just some text that is long enough'))
    await expect(readBoundaryFile(path.join(dir, 'towns.shp'))).rejects.toThrow(/towns\.dbf is not a readable dBASE/)

    fs.writeFileSync(path.join(dir, 'bad.shp'), Buffer.alloc(400, 0x41))
    await expect(readBoundaryFile(path.join(dir, 'bad.shp'))).rejects.toThrow(/bad\.shp is not a shapefile/)
  })
})

describe('zipped shapefiles', () => {
  it('finds the shapefile in a folder inside the zip and reprojects EPSG:4549 to within 1e-6° of the source', async () => {
    const src = await readBoundaryFile(fixture('zip/towns-4549.zip'))
    expect(src).toMatchObject({
      format: 'shapefile',
      layer: 'towns_4549',
      layers: ['towns_4549'],
      encoding: 'utf-8',
      encodingReason: 'cpg',
      reprojectedFrom: 'CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549)',
      warnings: [],
    })
    expect(src.crs).toMatchObject({ kind: 'geographic', name: 'cgcs2000' })
    expect(src.crs.text).toMatch(/^PROJCS\["CGCS2000_3_Degree_GK_CM_120E"/)
    expectTowns(src, 1e-6)
  })

  it('needs the layer when the zip holds several shapefiles', async () => {
    await expect(readBoundaryFile(fixture('zip/two-layers.zip'))).rejects.toThrow(
      /holds 2 shapefiles \(towns, villages\): name the one to import as the layer/,
    )
    const villages = await readBoundaryFile(fixture('zip/two-layers.zip'), { layer: 'VILLAGES' })
    expect(villages).toMatchObject({ layer: 'villages', layers: ['towns', 'villages'], encoding: 'gbk', fields: ['名称', '代码'] })
    expect(villages.features.map((f) => f.properties)).toEqual([
      { 名称: '凤凰村', 代码: '330109001201' },
      { 名称: '湘湖村', 代码: '330109001202' },
    ])
    const towns = await readBoundaryFile(fixture('zip/two-layers.zip'), { layer: 'towns' })
    expectTowns(towns)
    await expect(readBoundaryFile(fixture('zip/two-layers.zip'), { layer: 'roads' })).rejects.toThrow(
      /no shapefile named roads \(it holds towns, villages\)/,
    )
  })

  it('says what a zip without a .shp holds, and when a zip is damaged', async () => {
    await expect(readBoundaryFile(fixture('zip/no-shp.zip'))).rejects.toThrow(
      /no-shp\.zip holds no \.shp file \(it holds readme\.txt, towns\.dbf\)/,
    )
    const dir = tmp()
    const zip = fs.readFileSync(fixture('zip/towns-4549.zip'))
    fs.writeFileSync(path.join(dir, 'broken.zip'), zip.subarray(0, 700))
    await expect(readBoundaryFile(path.join(dir, 'broken.zip'))).rejects.toThrow(/broken\.zip is not a readable zip file/)
  })
})
