import { describe, expect, it } from 'vitest'

import {
  buildDictionary,
  evidenceOnly,
  findCompounds,
  findRoads,
  findVillages,
  fuzzyNames,
  landmarkNames,
  type NameHit,
  plausible,
  sameSound,
  substitutionKeys,
  townVariants,
  villageAddressName,
} from './dictionary.ts'
import { DEQING_DATA } from './fixtures/deqing.ts'
import { fixtureDictionary } from './fixtures/dictionary.ts'
import { toSimplified } from './normalize.ts'
import { ownDistrict } from './own-district.ts'

const dict = fixtureDictionary()

describe('name dictionary', () => {
  it('makes one wildcard key per character', () => {
    expect(substitutionKeys('金城路')).toEqual(['\u0000城路', '金\u0000路', '金城\u0000'])
  })

  it('finds names one character away, not the name itself, not two away', () => {
    expect(fuzzyNames(dict.fuzzyRoads, '今城路').sort()).toEqual(['商城路', '金城路'])
    expect(findRoads(dict, '今城路').map((h) => [h.entry.name, h.homophone])).toEqual(
      expect.arrayContaining([
        ['金城路', true],
        ['商城路', false],
      ]),
    )
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
    expect(
      findRoads(dict, '人民路')
        .map((h) => h.entry.townCode)
        .sort(),
    ).toEqual(['330109001', '330109105'])
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

describe('loose names (issue 19)', () => {
  it('reads a compound with 小区 written or left off, and the start of one name only', () => {
    expect(findCompounds(dict, '金色家园小区')).toMatchObject([{ via: 'name', entry: { name: '金色家园' } }])
    expect(findCompounds(dict, '霞江')).toMatchObject([{ via: 'prefix', entry: { name: '霞江新村' } }])
    // 金色 starts three names: no guess.
    expect(findCompounds(dict, '金色')).toEqual([])
    // A typo inside a name that ends in 小区 is still a typo of that name.
    expect(findCompounds(dict, '霞江新邨小区').map((h) => h.entry.name)).toEqual(['霞江新村'])
  })

  it('finds villages by a slip in their name, in the written town', () => {
    expect(findVillages(dict, '马古村').map((h) => [h.entry.name, h.via, h.homophone])).toEqual([['马谷村', 'fuzzy', true]])
    expect(findVillages(dict, '马谷村', '330109001')).toEqual([])
  })

  it('takes one slip only when it points at one name, and leaves two or three to the numbers', () => {
    const road = (name: string, townCode: string): NameHit<{ name: string; townCode: string }> => ({
      entry: { name, townCode },
      via: 'fuzzy',
      homophone: false,
    })
    // One name standing in two towns: one name, so read it (the door numbers tell the towns apart).
    expect(plausible([road('春安大道', 'A'), road('春安大道', 'B')])).toHaveLength(2)
    // Two names: neither is plausible alone, both are worth probing…
    const two = [road('江南村', 'A'), road('江宁村', 'B')]
    expect(plausible(two)).toEqual([])
    expect(evidenceOnly(two)).toEqual(two)
    // …but not four.
    expect(evidenceOnly([road('甲路', 'A'), road('乙路', 'A'), road('丙路', 'A'), road('丁路', 'A')])).toBeNull()
    // A homophone among them wins outright.
    expect(plausible([...two, { ...road('江楠村', 'C'), homophone: true }]).map((h) => h.entry.name)).toEqual(['江楠村'])
  })

  it('knows a town by its old suffix and a name by its simplified form', () => {
    expect(townVariants({ name: '宁围街道', shortName: '宁围' })).toEqual(['宁围镇', '宁围乡'])
    expect(townVariants({ name: '萧山商业城', shortName: '商业城' })).toEqual([])
    expect(landmarkNames('萧山区人民医院')).toEqual(['萧山区人民医院', '人民医院'])
    const d = buildDictionary({
      district: null,
      towns: [],
      villages: [{ code: 'V', townCode: 'T', name: '昇光村', lng: 0, lat: 0 }],
      places: [],
    })
    expect(d.villagesByName.get('升光村')?.[0]?.name).toBe('昇光村')
    expect(toSimplified('蕭山區樓塔鎮')).toBe('萧山区楼塔镇')
  })

  it("reads a landmark of another district without that district's prefix", () => {
    expect(landmarkNames('德清县人民医院', ownDistrict('330521'))).toEqual(['德清县人民医院', '人民医院'])
    const point = { lng: 119.97, lat: 30.54, townCode: '330521001', villageCode: null, gridCode: null }
    const d = buildDictionary({
      ...DEQING_DATA,
      gazetteer: [{ name: '德清县人民医院', aliasOf: null, level: 'compound', townCode: null, point }],
    })
    expect(d.compoundsByName.get('人民医院')?.[0]?.entry.name).toBe('德清县人民医院')
  })
})
