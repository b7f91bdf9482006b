import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'

import { distanceM, fromWgs84 } from '../geo/crs.ts'
import { addressCsvHeader, addressCsvLine } from './export.ts'
import { toWgs84Stored } from './prepare.ts'
import type { AddressRow } from './schema.ts'
import { type AddressCsvInput, AddressImportRowSchema, canonicalName, canonicalNumberPart, rejectReason, splitAliases } from './schema.ts'

const ok: AddressCsvInput = { address_id: 'A1', address: '浙江省杭州市萧山区城厢街道金城路438号', lng: '120.2645', lat: '30.1617' }
const reason = (input: AddressCsvInput) => {
  const r = AddressImportRowSchema.safeParse(input)
  return r.success ? null : rejectReason(r.error)
}

describe('canonical parts', () => {
  it('numbers: NFKC digits, no 号/幢/栋/单元/室/组 word, no 第, letters upper-cased for buildings', () => {
    expect(canonicalNumberPart('４３８号')).toBe('438')
    expect(canonicalNumberPart(' 3幢 ', true)).toBe('3')
    expect(canonicalNumberPart('3栋', true)).toBe('3')
    expect(canonicalNumberPart('a座', true)).toBe('A')
    expect(canonicalNumberPart('2单元')).toBe('2')
    expect(canonicalNumberPart('501室')).toBe('501')
    expect(canonicalNumberPart('第３组')).toBe('3')
    expect(canonicalNumberPart('438-1号')).toBe('438-1')
    expect(canonicalNumberPart('五零一室')).toBe('501')
    expect(canonicalNumberPart('')).toBeNull()
    expect(canonicalNumberPart('号')).toBeNull()
  })

  it('names: NFKC, no spaces or punctuation', () => {
    expect(canonicalName(' 金色家园（二期） ')).toBe('金色家园二期')
    expect(canonicalName('金城路')).toBe('金城路')
    expect(canonicalName(' ')).toBeNull()
    expect(splitAliases('金色家苑| 金色家园 |金色家苑||')).toEqual(['金色家苑', '金色家园'])
  })
})

describe('AddressImportRowSchema', () => {
  it('reads a minimal line: WGS84, no aliases, no parts', () => {
    expect(AddressImportRowSchema.parse(ok)).toEqual({
      addressId: 'A1',
      address: ok.address,
      lng: 120.2645,
      lat: 30.1617,
      crs: 'wgs84',
      aliases: [],
      parts: null,
    })
  })

  it('canonicalises given parts and treats blank part columns as absent', () => {
    const row = AddressImportRowSchema.parse({ ...ok, crs: ' GCJ02 ', road: ' 金城路 ', door_no: '４３８号', building: '', room: '' })
    expect(row.crs).toBe('gcj02')
    expect(row.parts).toEqual({
      town: null,
      village: null,
      groupNo: null,
      road: '金城路',
      doorNo: '438',
      compound: null,
      building: null,
      unit: null,
      room: null,
    })
    expect(AddressImportRowSchema.parse({ ...ok, town: ' ', road: '' }).parts).toBeNull()
  })

  it('names what is wrong with a bad line', () => {
    expect(reason({ ...ok, address_id: 'A 1' })).toMatch(/^bad address_id/)
    expect(reason({ ...ok, address_id: 'x'.repeat(65) })).toMatch(/^bad address_id/)
    expect(reason({ ...ok, address_id: ' ' })).toBe('address_id is empty')
    expect(reason({ ...ok, address: '  ' })).toBe('empty address')
    expect(reason({ ...ok, address: '路'.repeat(501) })).toBe('address is longer than 500 characters')
    expect(reason({ ...ok, lng: 'abc' })).toBe('lng is not a number: "abc"')
    expect(reason({ ...ok, lng: '0x10' })).toBe('lng is not a number: "0x10"')
    expect(reason({ ...ok, lng: 'Infinity' })).toBe('lng is not a number: "Infinity"')
    expect(reason({ ...ok, lat: '' })).toBe('lat is empty')
    expect(reason({ ...ok, lat: '-90.5' })).toBe('lat -90.5 is out of range [-90, 90]')
    expect(reason({ ...ok, crs: 'utm' })).toBe('unknown crs "utm" (use wgs84, gcj02 or bd09)')
    expect(reason({ ...ok, road: '路'.repeat(101) })).toBe('road is longer than 100 characters')
    // Several problems: all of them.
    expect(reason({ ...ok, address: '', lat: 'x' })).toBe('empty address; lat is not a number: "x"')
  })
})

describe('toWgs84Stored', () => {
  it('inverts GCJ-02 and BD-09 to within a millimetre and rounds to 1e-7°', () => {
    for (const [x, y] of [
      [120.2645123, 30.1617456],
      [120.4, 30.0],
      [120.1, 29.85],
    ] as const) {
      for (const crs of ['gcj02', 'bd09'] as const) {
        const [gx, gy] = fromWgs84(x, y, crs)
        const [wx, wy] = toWgs84Stored(gx, gy, crs)
        expect([wx, wy]).toEqual([x, y])
        expect(distanceM(x, y, gx, gy)).toBeGreaterThan(crs === 'gcj02' ? 300 : 800)
      }
    }
    expect(toWgs84Stored(120.123456789, 30.5, 'wgs84')).toEqual([120.123456789, 30.5])
  })
})

describe('export', () => {
  it('writes lines the import schema reads back to the same parts', () => {
    const a: AddressRow = {
      addressId: 'A00000001',
      address: '浙江省杭州市萧山区城厢街道金城路438号金色家园3幢2单元501室',
      lng: 120.2645,
      lat: 30.1617,
      town: '城厢街道',
      village: '金城',
      groupNo: null,
      road: '金城路',
      doorNo: '438',
      compound: '金色家园',
      building: '3',
      unit: '2',
      room: '501',
      aliases: ['金色家苑', '金,家'],
      townCode: '330109001',
      villageCode: 'v',
      gridCode: 'g',
      microgridCode: 'm',
    }
    const [header, line] = parse(addressCsvHeader() + addressCsvLine(a)) as string[][]
    const input = Object.fromEntries(header!.map((h, i) => [h, line![i]])) as AddressCsvInput
    expect(AddressImportRowSchema.parse(input)).toEqual({
      addressId: a.addressId,
      address: a.address,
      lng: a.lng,
      lat: a.lat,
      crs: 'wgs84',
      aliases: ['金色家苑', '金家'],
      parts: {
        town: a.town,
        village: a.village,
        groupNo: null,
        road: a.road,
        doorNo: a.doorNo,
        compound: a.compound,
        building: a.building,
        unit: a.unit,
        room: a.room,
      },
    })
    expect(addressCsvHeader({ parts: false })).toBe('address_id,address,lng,lat,aliases\n')
  })
})
