import { describe, expect, it } from 'vitest'

import { startsOutside } from './outside.ts'
import { type DivisionRow, divisionShort, ownDistrict, ownDistrictOf, withOwnNames } from './own-district.ts'

describe('divisionShort', () => {
  it.each([
    ['浙江省', '浙江'],
    ['湖州市', '湖州'],
    ['德清县', '德清'],
    ['萧山区', '萧山'],
    ['建德市', '建德'],
    ['景宁畲族自治县', '景宁'],
    ['积石山保安族东乡族撒拉族自治县', '积石山'],
    ['察布查尔锡伯自治县', '察布查尔'],
    ['广西壮族自治区', '广西'],
    ['内蒙古自治区', '内蒙古'],
    ['延边朝鲜族自治州', '延边'],
    ['阿里地区', '阿里'],
    ['兴安盟', '兴安'],
    ['神农架林区', '神农架'],
    ['万柏林区', '万柏林'],
  ])('%s → %s', (name, short) => expect(divisionShort(name)).toBe(short))

  it.each(['城区', '沙县', '滨海新区', '乌拉特中旗', '苏州工业园区'])('%s has no short form', (name) =>
    expect(divisionShort(name)).toBeNull(),
  )
})

describe('ownDistrict', () => {
  it('gives Deqing its county, city and province words, its siblings and its codes', () => {
    const own = ownDistrict('330521')
    expect(own).toMatchObject({
      code: '330521',
      known: true,
      district: { name: '德清县', short: '德清' },
      city: { code: '3305', name: '湖州市', short: '湖州' },
      province: { code: '33', name: '浙江省', short: '浙江' },
    })
    expect([...own.siblings].sort()).toEqual(['南浔', '吴兴', '安吉', '长兴'].sort())
    expect([...own.codes].sort()).toEqual(['33', '3305', '330521'])
  })

  it('gives Xiaoshan what the geocoder hard-coded before', () => {
    const own = ownDistrict('330109')
    expect(own).toMatchObject({
      district: { name: '萧山区', short: '萧山' },
      city: { name: '杭州市', short: '杭州' },
      province: { name: '浙江省', short: '浙江' },
    })
    expect(own.siblings).toEqual(expect.arrayContaining(['富阳', '临安', '余杭', '桐庐', '淳安', '建德']))
    expect(own.siblings).not.toContain('萧山')
    expect([...own.codes].sort()).toEqual(['33', '3301', '330109'])
  })

  it('falls back to Xiaoshan without a code, and caches per code', () => {
    expect(ownDistrict()).toBe(ownDistrict('330109'))
    expect(ownDistrict(null).code).toBe('330109')
    expect(ownDistrict('')).toBe(ownDistrict('330109'))
    expect(ownDistrict('330521')).toBe(ownDistrict('330521'))
  })

  it('shortens a county-level city (建德市 → 建德), whose siblings include 萧山', () => {
    const own = ownDistrict('330182')
    expect(own.district).toEqual({ code: '330182', name: '建德市', short: '建德' })
    expect(own.city?.name).toBe('杭州市')
    expect(own.siblings).toEqual(expect.arrayContaining(['萧山', '富阳', '桐庐', '淳安']))
    expect(own.siblings).not.toContain('建德')
  })

  it("knows only the district's own name for a code the divisions table does not have", () => {
    const own = ownDistrict('330199', '云湖区')
    expect(own).toMatchObject({
      code: '330199',
      known: false,
      district: { name: '云湖区', short: '云湖' },
      city: null,
      province: null,
      siblings: [],
    })
    expect([...own.codes]).toEqual(['330199'])
    expect(ownDistrict('330199').district.name).toBe('330199')
  })

  it('is a pure function of the code and the rows', () => {
    const rows: DivisionRow[] = [
      { level: 'province', code: '33', name: '浙江省' },
      { level: 'city', code: '3305', name: '湖州市' },
      { level: 'county', code: '330521', name: '德清县' },
      { level: 'county', code: '330523', name: '安吉县' },
    ]
    expect(ownDistrictOf('330521', rows)).toMatchObject({ district: { short: '德清' }, city: { short: '湖州' }, siblings: ['安吉'] })
  })

  it('keeps a sibling out when a name of the district starts with it', () => {
    const own = ownDistrict('330109')
    const named = withOwnNames(own, ['滨江花园', '建德路', '金城路'])
    expect(named.siblings).not.toContain('滨江')
    // 建德路 never reads as 建德市 anyway (路 follows).
    expect(named.siblings).toContain('建德')
    expect(withOwnNames(own, ['金城路'])).toBe(own)
  })
})

describe('startsOutside with the own district', () => {
  const deqing = ownDistrict('330521')
  it('takes Xiaoshan for another district when the district is Deqing', () => {
    expect(startsOutside('杭州市萧山区城厢街道金城路1号', deqing)).toBe(true)
    expect(startsOutside('萧山区城厢街道金城路1号', deqing)).toBe(true)
    expect(startsOutside('杭州萧山区城厢街道', deqing)).toBe(true)
    expect(startsOutside('安吉县递铺街道', deqing)).toBe(true)
    expect(startsOutside('湖州市德清县武康街道', deqing)).toBe(false)
    expect(startsOutside('德清县武康街道', deqing)).toBe(false)
    expect(startsOutside('浙江省湖州市', deqing)).toBe(false)
  })
  it('still takes Deqing for another district by default (Xiaoshan)', () => {
    expect(startsOutside('德清县武康街道')).toBe(true)
    expect(startsOutside('萧山区城厢街道')).toBe(false)
  })
})
