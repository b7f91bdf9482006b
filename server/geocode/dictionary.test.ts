import { describe, expect, it } from 'vitest'
import { findCompounds, findRoads, fuzzyNames, sameSound, substitutionKeys, villageAddressName } from './dictionary.ts'
import { fixtureDictionary } from './fixtures/dictionary.ts'

const dict = fixtureDictionary()

describe('name dictionary', () => {
  it('makes one wildcard key per character', () => {
    expect(substitutionKeys('金城路')).toEqual(['\u0000城路', '金\u0000路', '金城\u0000'])
  })

  it('finds names one character away, not the name itself, not two away', () => {
    expect(fuzzyNames(dict.fuzzyRoads, '今城路').sort()).toEqual(['商城路', '金城路'])
    expect(findRoads(dict, '今城路').map((h) => [h.entry.name, h.homophone])).toEqual(expect.arrayContaining([['金城路', true], ['商城路', false]]))
    expect(fuzzyNames(dict.fuzzyRoads, '金城路')).toEqual(['商城路'])
    expect(fuzzyNames(dict.fuzzyRoads, '今成路')).toEqual([])
    expect(fuzzyNames(dict.fuzzyRoads, '金路')).toEqual([])
  })

  it('tells homophone slips from other slips', () => {
    expect(sameSound('金', '今')).toBe(true)
    expect(sameSound('园', '圆')).toBe(true)
    expect(sameSound('家', '花')).toBe(false)
    const [h] = findCompounds(dict, '金色家圆')
    expect(h).toMatchObject({ via: 'fuzzy', homophone: true, entry: { name: '金色家园' } })
    const other = findCompounds(dict, '金色名园')
    expect(other.map((x) => [x.entry.name, x.homophone])).toEqual(expect.arrayContaining([['金色家园', false]]))
  })

  it('prefers exact names over aliases and scopes by town', () => {
    expect(findCompounds(dict, '金色家苑')).toMatchObject([{ via: 'alias', entry: { name: '金色家园' } }])
    expect(findRoads(dict, '人民路').map((h) => h.entry.townCode).sort()).toEqual(['330109001', '330109105'])
    expect(findRoads(dict, '人民路', '330109105').map((h) => h.entry.townCode)).toEqual(['330109105'])
    expect(findRoads(dict, '人民路', '330109002')).toEqual([])
  })

  it('indexes towns by full and short name', () => {
    expect(dict.townByName.get('北干')?.code).toBe('330109002')
    expect(dict.townByName.get('北干街道')?.code).toBe('330109002')
  })

  it('writes village committees as addresses name them', () => {
    expect(villageAddressName('横一村委会')).toBe('横一村')
    expect(villageAddressName('王村村委会')).toBe('王村')
    expect(villageAddressName('陈公桥社区')).toBe('陈公桥社区')
  })
})
