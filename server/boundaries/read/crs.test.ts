import { describe, expect, it } from 'vitest'

import { datumOf, epsgDefinition, resolveCrs } from './crs.ts'
import { detectEncoding, encodingLabel, ldidEncoding, redecodeLatin1 } from './encoding.ts'
import { BoundaryReadError } from './types.ts'

const ESRI_CGCS2000 =
  'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
const ESRI_WGS84 =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
const ESRI_XIAN80 =
  'GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
const where = 'towns.prj'

describe('coordinate systems', () => {
  it('names geographic CRSs by datum', () => {
    expect(resolveCrs({ wkt: ESRI_CGCS2000, epsg: null, where }).crs).toEqual({ kind: 'geographic', name: 'cgcs2000', text: ESRI_CGCS2000 })
    expect(resolveCrs({ wkt: ESRI_WGS84, epsg: null, where }).crs).toMatchObject({ name: 'wgs84' })
    expect(datumOf('GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]]]')).toBe(
      'cgcs2000',
    )
    expect(
      datumOf('GEOGCS["Beijing 1954",DATUM["Beijing_1954",SPHEROID["Krassowsky 1940",6378245,298.3],TOWGS84[15.8,-154.4,-82.3,0,0,0,0]]]'),
    ).toBe('other')
    const xian = resolveCrs({ wkt: ESRI_XIAN80, epsg: null, where })
    expect(xian.crs).toMatchObject({ kind: 'geographic', name: 'other' })
    expect(xian.warnings[0]).toMatch(/towns\.prj declares a geographic coordinate system that is neither WGS84 nor CGCS2000/)
  })

  it('reprojects EPSG codes of the CGCS2000 Gauss-Kruger family without a definition', () => {
    const cm120 = resolveCrs({ wkt: null, epsg: 4549, where })
    const zone40 = resolveCrs({ wkt: null, epsg: 4528, where })
    expect(cm120.reprojectedFrom).toBe('CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549)')
    expect(zone40.reprojectedFrom).toBe('CGCS2000 / 3-degree Gauss-Kruger zone 40 (EPSG:4528)')
    const a = cm120.project!([510000, 3340000])
    const b = zone40.project!([40510000, 3340000])
    expect(a[0]).toBeCloseTo(120.1038289, 6)
    expect(a[1]).toBeCloseTo(30.1793535, 6)
    expect(b[0]).toBeCloseTo(a[0]!, 9)
    expect(b[1]).toBeCloseTo(a[1]!, 9)
    expect(epsgDefinition(4502)!.proj).toContain('+lon_0=75 ')
    expect(epsgDefinition(4512)!.proj).toContain('+lon_0=135 ')
    expect(epsgDefinition(4554)!.proj).toContain('+lon_0=135 ')
    expect(epsgDefinition(4491)!.proj).toContain('+x_0=13500000 ')
  })

  it('reprojects Web Mercator and keeps a third coordinate', () => {
    const merc = resolveCrs({ wkt: null, epsg: 3857, where })
    expect(merc.crs).toMatchObject({ kind: 'geographic', name: 'wgs84' })
    const p = merc.project!([13388749.6, 3524000, 7])
    expect(p[0]).toBeCloseTo(120.27318, 4)
    expect(p[2]).toBe(7)
  })

  it('refuses a projected CRS it cannot reproject, and warns about one it does not understand', () => {
    expect(() =>
      resolveCrs({
        wkt: 'PROJCS["Mystery",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]],PROJECTION["Nowhere_Projection"],UNIT["Meter",1.0]]',
        epsg: null,
        where,
      }),
    ).toThrow(BoundaryReadError)
    expect(() => resolveCrs({ wkt: 'PROJCS["Mystery",PROJECTION["Nowhere"]]', epsg: null, where })).toThrow(
      /towns\.prj declares a projected coordinate system that cannot be reprojected \(Mystery\)/,
    )
    const odd = resolveCrs({ wkt: 'LOCAL_CS["site grid"]', epsg: null, where })
    expect(odd.crs).toEqual({ kind: 'unknown', text: null })
    expect(odd.warnings[0]).toMatch(/not understood/)
  })
})

describe('text encodings', () => {
  it('reads .cpg values and option names', () => {
    expect(['GBK', '936', 'CP936', 'cp 936', 'ANSI 936', 'GB2312', 'gb2312', '20936'].map(encodingLabel)).toEqual(Array(8).fill('gbk'))
    expect(['UTF-8', 'utf8', '65001', '\uFEFFUTF-8\r\n'].map(encodingLabel)).toEqual(Array(4).fill('utf-8'))
    expect(encodingLabel('GB18030')).toBe('gb18030')
    expect(encodingLabel('54936')).toBe('gb18030')
    expect(encodingLabel('950')).toBe('big5')
    expect(encodingLabel('1252')).toBe('windows-1252')
    expect(encodingLabel('klingon')).toBeNull()
    expect(encodingLabel('')).toBeNull()
  })

  it('reads Asian language driver ids, and leaves the rest to detection', () => {
    expect(ldidEncoding(0x4d)).toBe('gbk')
    expect(ldidEncoding(0x7a)).toBe('gbk')
    expect(ldidEncoding(0x4f)).toBe('big5')
    expect(ldidEncoding(0x57)).toBeNull()
    expect(ldidEncoding(0x00)).toBeNull()
  })

  it('detects GBK where bytes are not UTF-8', () => {
    const gbk = new Uint8Array([0xc3, 0xfb, 0xb3, 0xc6]) // 名称
    expect(detectEncoding([gbk])).toBe('gbk')
    expect(detectEncoding([new TextEncoder().encode('名称'), new TextEncoder().encode('abc')])).toBe('utf-8')
    expect(detectEncoding([new TextEncoder().encode('abc'), gbk])).toBe('gbk')
  })

  it('redecodes zip entry names read as latin1', () => {
    expect(redecodeLatin1('\u00c3\u00fb\u00b3\u00c6/towns.shp')).toBe('名称/towns.shp')
    const utf8 = String.fromCharCode(...new TextEncoder().encode('边界'))
    expect(redecodeLatin1(utf8)).toBe('边界')
    expect(redecodeLatin1('边界/towns.shp')).toBe('边界/towns.shp')
    expect(redecodeLatin1('export/towns.shp')).toBe('export/towns.shp')
  })
})
