import fs from 'node:fs'

import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'

import { locationOf } from './import-csv.ts'
import {
  CsvBoolSchema,
  HouseCsvRowSchema,
  KeyCategoriesSchema,
  KeyFilterSchema,
  ResidentCsvRowSchema,
  ResidentListQuerySchema,
} from './schema.ts'
import { canonicalJson } from './store.ts'

const where = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  r.success ? [] : r.error!.issues.map((i) => i.path.join('.'))

describe('people schemas', () => {
  it('reads yes/no cells in Chinese and English', () => {
    expect(['是', 'true', '1', 'Yes'].map((v) => CsvBoolSchema.parse(v))).toEqual([true, true, true, true])
    expect(['否', 'false', '0', ''].map((v) => CsvBoolSchema.parse(v))).toEqual([false, false, false, false])
    expect(CsvBoolSchema.safeParse('也许').success).toBe(false)
  })

  it('reads key categories as codes or names, sorted and without repeats', () => {
    expect(KeyCategoriesSchema.parse('吸毒; community_correction；吸毒')).toEqual(['community_correction', 'drug'])
    expect(KeyCategoriesSchema.parse('')).toEqual([])
    expect(KeyCategoriesSchema.safeParse('赌博').success).toBe(false)
  })

  it('a house line: use by name or code, numbers checked, a location required', () => {
    const h = HouseCsvRowSchema.parse({
      house_id: 'H-1',
      address_id: 'XS-1',
      use: '出租',
      group_rental: '是',
      rooms: '3',
      floor_area_m2: '89.5',
    })
    expect(h).toMatchObject({ use: 'rented', group_rental: true, rooms: 3, floor_area_m2: 89.5, crs: 'wgs84' })
    expect(where(HouseCsvRowSchema.safeParse({ house_id: 'H-1', use: '群租', rooms: '-1' }))).toEqual(
      expect.arrayContaining(['use', 'rooms']),
    )
    expect(where(HouseCsvRowSchema.safeParse({ house_id: 'H-1', use: 'vacant' }))).toEqual(['address'])
    expect(where(HouseCsvRowSchema.safeParse({ house_id: 'H-1', use: 'vacant', lng: '120.27' }))).toEqual(['lng'])
  })

  it('a resident line: dates real and in order, residence by name, the ID number checked', () => {
    const r = ResidentCsvRowSchema.parse({
      person_id: 'P-1',
      house_id: 'H-1',
      residence: '流动',
      registered_on: '2026-01-01',
      registration_expires: '2026-12-31',
      key_categories: '社区矫正',
      id_number: '33010919920303345x',
    })
    expect(r).toMatchObject({ residence: 'migrant', key_categories: ['community_correction'], id_number: '33010919920303345X' })
    const bad = ResidentCsvRowSchema.safeParse({
      person_id: 'P-2',
      house_id: 'H-1',
      residence: 'registered',
      registered_on: '2026-05-01',
      registration_expires: '2026-04-30',
    })
    expect(where(bad)).toEqual(['registration_expires'])
    expect(where(ResidentCsvRowSchema.safeParse({ person_id: 'P-3', house_id: 'H-1', residence: '户籍', moved_in: '2026-02-30' }))).toEqual(
      ['moved_in'],
    )
    expect(where(ResidentCsvRowSchema.safeParse({ person_id: 'P-4', residence: '户籍' }))).toEqual(['house_id'])
    expect(
      where(ResidentCsvRowSchema.safeParse({ person_id: 'P-5', address: '金城路440号', residence: '户籍', id_number: '12345' })),
    ).toEqual(['id_number'])
  })

  it('list queries: key=any or categories, registration states', () => {
    expect(KeyFilterSchema.parse('any')).toEqual(['any'])
    expect(ResidentListQuerySchema.parse({ key: 'drug,petition', registration: 'expired' })).toMatchObject({
      key: ['drug', 'petition'],
      registration: 'expired',
      limit: 100,
    })
    expect(ResidentListQuerySchema.safeParse({ registration: 'lapsed' }).success).toBe(false)
  })

  it('place inputs compare equal whatever the key order (jsonb reorders keys)', () => {
    const a = locationOf({ address: '金城路440号', lng: 120.27, lat: 30.18, crs: 'gcj02' })
    expect(a).toEqual({ addressId: null, address: '金城路440号', lng: 120.27, lat: 30.18, crs: 'gcj02' })
    expect(locationOf({ address_id: 'XS-1', crs: 'gcj02' }).crs).toBeNull()
    expect(canonicalJson({ lat: 30.18, crs: 'gcj02', address: '金城路440号', addressId: null, lng: 120.27 })).toBe(canonicalJson(a))
  })

  it('the example files in data/examples are valid line by line', () => {
    for (const [file, schema] of [
      ['data/examples/houses.csv', HouseCsvRowSchema],
      ['data/examples/residents.csv', ResidentCsvRowSchema],
    ] as const) {
      const rows = parse(fs.readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[]
      expect(rows.length).toBeGreaterThan(5)
      for (const r of rows) expect(where(schema.safeParse(r)), `${file} ${JSON.stringify(r)}`).toEqual([])
    }
  })
})
