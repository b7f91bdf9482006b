import { describe, expect, it } from 'vitest'

import {
  addNoise,
  type AddressParts,
  type AddressStyle,
  CANONICAL_STYLE,
  formatAddress,
  randomNoiseStyle,
  toChineseDigits,
  toChineseNumber,
  toFullWidth,
  typo,
} from './address-text.ts'
import { createRng } from './rng.ts'

const room: AddressParts = {
  town: '城厢街道',
  village: '江寺社区',
  groupNo: null,
  road: '金城路',
  doorNo: '438',
  compound: '金色家园',
  building: '3',
  unit: '2',
  room: '501',
}
const door: AddressParts = {
  town: '北干街道',
  village: '金一社区',
  groupNo: null,
  road: '市心中路',
  doorNo: '818-1',
  compound: null,
  building: null,
  unit: null,
  room: null,
}
const house: AddressParts = {
  town: '临浦镇',
  village: '横一村',
  groupNo: '3',
  road: null,
  doorNo: '15',
  compound: null,
  building: null,
  unit: null,
  room: null,
}
const style = (s: Partial<AddressStyle>): AddressStyle => ({ ...CANONICAL_STYLE, ...s })

describe('formatAddress (canonical)', () => {
  it('writes the three address forms', () => {
    expect(formatAddress(room)).toBe('浙江省杭州市萧山区城厢街道金城路438号金色家园3幢2单元501室')
    expect(formatAddress(door)).toBe('浙江省杭州市萧山区北干街道市心中路818-1号')
    expect(formatAddress(house)).toBe('浙江省杭州市萧山区临浦镇横一村3组15号')
  })
})

describe('noise variants', () => {
  it('drops prefixes and shortens or drops the town', () => {
    expect(formatAddress(door, style({ prefix: 'none', town: 'short' }))).toBe('北干市心中路818-1号')
    expect(formatAddress(door, style({ prefix: 'city', town: 'none' }))).toBe('杭州市萧山区市心中路818-1号')
    expect(formatAddress(door, style({ prefix: 'district' }))).toBe('萧山区北干街道市心中路818-1号')
    expect(formatAddress({ ...door, town: '萧山经济技术开发区' }, style({ prefix: 'none', town: 'short' }))).toBe('开发区市心中路818-1号')
  })
  it('uses 栋/座/号楼 and 房, or 3-2-501', () => {
    const s = { prefix: 'none', town: 'none', parts: 'compound' } as const
    expect(formatAddress(room, style({ ...s, buildingWord: '栋', roomWord: '房' }))).toBe('金色家园3栋2单元501房')
    expect(formatAddress(room, style({ ...s, buildingWord: '号楼' }))).toBe('金色家园3号楼2单元501室')
    expect(formatAddress(room, style({ ...s, buildingWord: '座' }))).toBe('金色家园3座2单元501室')
    expect(formatAddress(room, style({ ...s, dash: true, roomWord: '' }))).toBe('金色家园3-2-501')
  })
  it('writes Chinese numerals and full-width digits', () => {
    const s = { prefix: 'none', town: 'none' } as const
    expect(formatAddress(room, style({ ...s, numerals: 'chinese' }))).toBe('金城路四百三十八号金色家园三幢二单元五零一室')
    expect(formatAddress(room, style({ ...s, numerals: 'fullwidth', dash: true }))).toBe('金城路４３８号金色家园３－２－５０１室')
    expect(formatAddress(house, style({ ...s, numerals: 'chinese' }))).toBe('横一村三组十五号')
  })
  it('keeps only road + door, only the compound, or an intersection; adds descriptions and aliases', () => {
    const s = { prefix: 'none', town: 'short' } as const
    expect(formatAddress(room, style({ ...s, parts: 'road', suffix: '门口' }))).toBe('城厢金城路438号门口')
    expect(formatAddress(room, style({ ...s, parts: 'compound', compoundName: '金色家苑' }))).toBe('城厢金色家苑3幢2单元501室')
    expect(formatAddress(door, style({ ...s, parts: 'road', crossRoad: '金城路', suffix: '东侧50米' }))).toBe(
      '北干市心中路与金城路交叉口东侧50米',
    )
  })
})

describe('number and typo helpers', () => {
  it('reads numbers the way they are spoken', () => {
    expect([0, 7, 10, 12, 20, 105, 438, 1005, 1010, 2000].map(toChineseNumber)).toEqual([
      '零',
      '七',
      '十',
      '十二',
      '二十',
      '一百零五',
      '四百三十八',
      '一千零五',
      '一千零一十',
      '二千',
    ])
    expect(toChineseDigits('1002')).toBe('一零零二')
    expect(toFullWidth('3-2-501')).toBe('３－２－５０１')
  })
  it('typo changes exactly one character, never the last', () => {
    const rng = createRng('typo')
    const seen = new Set<string>()
    for (let i = 0; i < 50; i++) {
      const t = typo('金城路', rng)
      seen.add(t)
      expect([...t].filter((c, k) => c !== [...'金城路'][k])).toHaveLength(1)
      expect(t.endsWith('路')).toBe(true)
    }
    expect(seen).toEqual(new Set(['今城路', '金成路']))
    expect(typo('一二路', rng)).toBe('一二路')
  })
})

describe('randomNoiseStyle / addNoise', () => {
  it('produces every documented variant at some rate, deterministically', () => {
    const rng = createRng('noise')
    const texts = Array.from({ length: 3000 }, () => addNoise(room, rng, ['金色家苑']))
    const share = (re: RegExp) => texts.filter((t) => re.test(t)).length / texts.length
    expect(share(/^浙江省/)).toBeGreaterThan(0.1)
    expect(share(/^(城厢)?金/)).toBeGreaterThan(0.1) // no prefix
    expect(share(/城厢金/)).toBeGreaterThan(0.05) // short town name
    expect(share(/栋/)).toBeGreaterThan(0.05)
    expect(share(/号楼/)).toBeGreaterThan(0.03)
    expect(share(/房$|房[^\u4e00]/)).toBeGreaterThan(0.01)
    expect(share(/\d-\d-\d/)).toBeGreaterThan(0.03)
    expect(share(/[０-９]/)).toBeGreaterThan(0.02)
    expect(share(/四百三十八|三幢|五零一/)).toBeGreaterThan(0.02)
    expect(share(/金色家苑/)).toBeGreaterThan(0.1)
    expect(share(/今城路|金成路|今色|金包|金色家院|金色佳|金色家圆/)).toBeGreaterThan(0.01)
    expect(share(/附近|门口|旁边|对面|楼下|路口|侧\d+米$/)).toBeGreaterThan(0.1)
    expect(share(/^[^金]*金城路438号$/)).toBeGreaterThan(0.05) // road + door only
    expect(share(/^[^路]*金色家[园苑]/)).toBeGreaterThan(0.1) // compound only
    const again = createRng('noise')
    expect(addNoise(room, again, ['金色家苑'])).toBe(texts[0])
  })
  it('leaves parts alone for addresses without both road and compound', () => {
    const rng = createRng('x')
    for (let i = 0; i < 100; i++) expect(randomNoiseStyle(rng, house).parts).toBe('all')
  })
})
