import { describe, expect, it } from 'vitest'
import { canonicalNumber, chineseNumeral, normalizeAddress, normalizeName, numeralsToDigits } from './normalize.ts'

describe('chineseNumeral', () => {
  it.each([
    ['四百三十八', '438'],
    ['十二', '12'],
    ['十', '10'],
    ['二十', '20'],
    ['一千零五', '1005'],
    ['一万二千', '12000'],
    ['两', '2'],
    ['五零一', '501'],
    ['一〇〇二', '1002'],
    ['二', '2'],
  ])('%s → %s', (input, expected) => expect(chineseNumeral(input)).toBe(expected))

  it('is null for non-numerals', () => {
    expect(chineseNumeral('金城')).toBeNull()
    expect(chineseNumeral('')).toBeNull()
  })
})

describe('numeralsToDigits', () => {
  it('converts numbers before number words and in dash notation', () => {
    expect(numeralsToDigits('金城路四百三十八号二幢三单元五零一室')).toBe('金城路438号2幢3单元501室')
    expect(numeralsToDigits('金色家园三-二-五零一')).toBe('金色家园3-2-501')
    expect(numeralsToDigits('东侧五十米')).toBe('东侧50米')
  })
  it('leaves numerals inside names', () => {
    expect(numeralsToDigits('建设一路一号')).toBe('建设一路1号')
    expect(numeralsToDigits('十二工段路')).toBe('十二工段路')
    expect(numeralsToDigits('横一村三组')).toBe('横一村3组')
    expect(numeralsToDigits('十三房村六组')).toBe('十三房村6组')
  })
})

describe('normalizeAddress', () => {
  // One row per phenomenon of issue 3: input → normalised text.
  it.each([
    ['full-width digits and dash', '金城路４３８号３－２－５０１', '金城路438号3-2-501'],
    ['province, city and district prefix', '浙江省杭州市萧山区北干街道金城路438号', '北干街道金城路438号'],
    ['city and district prefix without 市/区', '杭州萧山北干金城路438号', '北干金城路438号'],
    ['spaces and punctuation', ' 北干街道， 金城路 438号（金色家园） ', '北干街道金城路438号金色家园'],
    ['栋 for 幢', '金色家园3栋2单元501室', '金色家园3幢2单元501室'],
    ['座 for 幢', '金色家园B座501室', '金色家园B幢501室'],
    ['号楼 for 幢', '金色家园3号楼2单元501室', '金色家园3幢2单元501室'],
    ['# for 幢', '金色家园3#楼501', '金色家园3幢501'],
    ['房 for 室', '金色家园3幢2单元501房', '金色家园3幢2单元501室'],
    ['N号单元', '金色家园3幢2号单元501室', '金色家园3幢2单元501室'],
    ['第N幢', '金色家园第3幢', '金色家园3幢'],
    ['Chinese numerals', '金城路四百三十八号二幢', '金城路438号2幢'],
    ['trailing 附近', '金城路438号附近', '金城路438号'],
    ['trailing 门口', '金城路438号门口', '金城路438号'],
    ['trailing 旁边', '金色家园3幢旁边', '金色家园3幢'],
    ['trailing 对面', '金城路438号对面', '金城路438号'],
    ['trailing 东侧50米', '金城路438号东侧50米', '金城路438号'],
    ['trailing 西北方向约200米处', '金城路438号西北方向约200米处', '金城路438号'],
    ['trailing numerals distance', '金城路438号南侧五十米', '金城路438号'],
    ['trailing 楼下 after 号', '南秀路82号楼下', '南秀路82号'],
    ['two trailing words', '金城路438号门口附近', '金城路438号'],
    ['intersection keeps 与', '金城路与市心中路交叉口', '金城路与市心中路'],
    ['village committee', '横一村委会3组', '横一村3组'],
    ['a town named 萧山… keeps its name', '萧山商业城商城路1号', '萧山商业城商城路1号'],
    ['萧山路 is a road, not the district', '萧山路12号', '萧山路12号'],
  ])('%s', (_kind, input, expected) => {
    expect(normalizeAddress(input, ['萧山商业城', '萧山经济技术开发区', '萧山钱江世纪城']).text).toBe(expected)
  })

  it('remembers what it removed and whether the district was named', () => {
    const n = normalizeAddress('萧山区金城路438号东侧50米附近')
    expect(n.district).toBe(true)
    expect(n.removed).toEqual(['东侧50米', '附近'])
    expect(normalizeAddress('金城路438号').district).toBe(false)
  })

  it.each([
    '上海市浦东新区世纪大道100号',
    '杭州市滨江区江南大道100号',
    '杭州市西湖区文三路100号',
    '绍兴市柯桥区金柯桥大道1号',
    '浙江省宁波市海曙区中山西路1号',
    '江苏省苏州市人民路1号',
    '余杭区文一西路1号',
  ])('flags %s as outside the district', (input) => {
    expect(normalizeAddress(input).outside).toBe(true)
  })

  it.each(['萧山区北干街道金城路438号', '市心中路100号', '湘湖路1号', '上城路1号'])('does not flag %s', (input) => {
    expect(normalizeAddress(input).outside).toBe(false)
  })
})

describe('normalizeName and canonicalNumber', () => {
  it('normalises names', () => {
    expect(normalizeName(' 金色家园（二期）')).toBe('金色家园二期')
    expect(normalizeName('金色家园')).toBe('金色家园')
  })
  it.each([
    ['３幢', '3'],
    ['438-1号', '438-1'],
    ['五零一室', '501'],
    ['2单元', '2'],
    ['四百三十八号', '438'],
    ['12', '12'],
  ])('%s → %s', (input, expected) => expect(canonicalNumber(input)).toBe(expected))
})
