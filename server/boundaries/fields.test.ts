import { describe, expect, it } from 'vitest'

import { detectFields, firstField, missingFields } from './fields.ts'

describe('detectFields', () => {
  it('finds the usual pinyin-initial fields of each level', () => {
    expect(detectFields('town', ['XZQDM', 'XZQMC', 'RKS', 'LX'], {})).toEqual({
      code: 'XZQDM',
      name: 'XZQMC',
      parent: null,
      population: 'RKS',
      type: 'LX',
    })
    expect(detectFields('grid', ['WGBM', 'WGMC', 'SSCJ'], {})).toEqual({
      code: 'WGBM',
      name: 'WGMC',
      parent: 'SSCJ',
      population: null,
      type: null,
    })
  })
  it('reads XZQDM in a village layer as the town, that is, the parent', () => {
    expect(detectFields('village', ['cjdm', 'cjmc', 'xzqdm'], {})).toMatchObject({ code: 'cjdm', name: 'cjmc', parent: 'xzqdm' })
  })
  it('finds Chinese field names, and a parent only by a parent-like name', () => {
    expect(detectFields('microgrid', ['微网格编码', '微网格名称', '所属网格'], {})).toMatchObject({
      code: '微网格编码',
      name: '微网格名称',
      parent: '所属网格',
    })
    expect(detectFields('village', ['代码', '名称', '备注'], {})).toMatchObject({ code: '代码', name: '名称', parent: null })
  })
  it('lets the file’s own flags win, whatever the case', () => {
    expect(detectFields('town', ['DM', 'MC', 'BM'], { code: 'bm', parent: 'dm' })).toMatchObject({ code: 'BM', name: 'MC', parent: 'DM' })
  })
})

describe('firstField and missingFields', () => {
  it('match case-insensitively and name what is missing', () => {
    expect(firstField(['xzqmc', 'CODE'], ['XZQDM', 'XZQMC'])).toBe('xzqmc')
    expect(missingFields({ code: 'DM', name: null, parent: null, population: null, type: null }, ['CODE'])).toBe(
      'no field "DM" (the file has: CODE)',
    )
    expect(missingFields({ code: 'CODE', name: null, parent: null, population: null, type: null }, ['code'])).toBeNull()
  })
})
