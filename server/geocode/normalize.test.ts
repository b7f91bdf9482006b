import { describe, expect, it } from 'vitest'

import { canonicalNumber, chineseNumeral, normalizeAddress, normalizeName, numeralsToDigits, reportAddress } from './normalize.ts'
import { ownDistrict } from './own-district.ts'

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

describe('normalizeAddress for another district (Deqing, 330521)', () => {
  const deqing = ownDistrict('330521')
  const DOOR = '武康街道英溪北路123号'

  it.each([
    ['province, city and county', `浙江省湖州市德清县${DOOR}`],
    ['short city and county', `湖州德清${DOOR}`],
    ['county written twice', `德清县德清县${DOOR}`],
    ['short county then full', `德清德清县${DOOR}`],
    ['country, short province and city', `中国浙江湖州市德清县${DOOR}`],
    ['city and county', `湖州市德清县${DOOR}`],
    ['county alone', `德清县${DOOR}`],
    ['bare county', `德清${DOOR}`],
  ])('drops the prefix: %s', (_kind, input) => {
    const n = normalizeAddress(input, [], deqing)
    expect(n).toMatchObject({ text: DOOR, district: true, outside: false })
  })

  it('takes only a bare 德清 for the bare district', () => {
    expect(normalizeAddress(`湖州德清${DOOR}`, [], deqing).bareDistrict).toBe(true)
    expect(normalizeAddress(`德清县${DOOR}`, [], deqing).bareDistrict).toBe(false)
    expect(normalizeAddress(DOOR, [], deqing).district).toBe(false)
  })

  it.each([
    '杭州市萧山区城厢街道金城路438号',
    '萧山区城厢街道金城路438号',
    '浙江省杭州市萧山区北干街道金城路1号',
    '安吉县递铺街道胜利西路1号',
    '安吉递铺街道胜利西路1号',
    '长兴雉城街道1号',
    '湖州市吴兴区爱山街道1号',
    '南浔镇1号',
    '江苏省苏州市人民路1号',
  ])('flags %s as outside Deqing', (input) => {
    expect(normalizeAddress(input, [], deqing).outside).toBe(true)
  })

  it.each(['安吉路1号', '英溪北路1号', '长兴街12号', '浙江省湖州市德清县竹林路1号'])('does not flag %s', (input) => {
    expect(normalizeAddress(input, [], deqing).outside).toBe(false)
  })

  it('keeps a town named after the district (德清镇) like the towns named 萧山…', () => {
    const towns = ['德清镇', '武康街道', '德清', '武康']
    expect(normalizeAddress('德清镇溪桥路5号', towns, deqing)).toMatchObject({
      text: '德清镇溪桥路5号',
      district: true,
      bareDistrict: false,
    })
    expect(normalizeAddress('浙江省湖州市德清县德清镇溪桥路5号', towns, deqing)).toMatchObject({ text: '德清镇溪桥路5号', district: true })
    // The town's short name alone is the district's too: the district first.
    expect(normalizeAddress(`德清${DOOR}`, towns, deqing)).toMatchObject({ text: DOOR, district: true, bareDistrict: true })
  })

  it('works for a county-level city (建德市) and leaves Xiaoshan the default', () => {
    const jiande = ownDistrict('330182')
    expect(normalizeAddress('浙江省杭州市建德市新安江街道1号', [], jiande)).toMatchObject({ text: '新安江街道1号', district: true })
    expect(normalizeAddress('杭州建德新安江街道1号', [], jiande)).toMatchObject({ text: '新安江街道1号', district: true })
    expect(normalizeAddress('萧山城厢街道1号', [], jiande).outside).toBe(true)
    expect(normalizeAddress(`浙江省湖州市德清县${DOOR}`).outside).toBe(true)
    expect(normalizeAddress('建德新安江街道1号').outside).toBe(true)
  })

  it('for a district the divisions table does not know, drops only its own name', () => {
    const own = ownDistrict('330199', '云湖区')
    expect(normalizeAddress('云湖区湖畔街道1号', [], own)).toMatchObject({ text: '湖畔街道1号', district: true })
    expect(normalizeAddress('云湖湖畔街道1号', [], own)).toMatchObject({ text: '湖畔街道1号', district: true })
    // No city or province words: a full prefix reads as another province.
    expect(normalizeAddress('浙江省杭州市云湖区湖畔街道1号', [], own).outside).toBe(true)
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

describe('reportAddress', () => {
  it.each([
    ['我在楼塔镇广永二路217号，电动车被盗', '楼塔镇广永二路217号'],
    ['报警人称在萧山区戴村张家弄村2组50号 门被撬了', '萧山区戴村张家弄村2组50号'],
    ['位置:南阳街道杨波巷219号,发生纠纷', '南阳街道杨波巷219号'],
    ['事发地点临浦镇杨云南路245号,噪音扰民', '临浦镇杨云南路245号'],
    [
      '地址：浙江省杭州市萧山区新街街道嘉剑支路294号柳梅南佳苑1幢2单元1501室 噪音扰民',
      '浙江省杭州市萧山区新街街道嘉剑支路294号柳梅南佳苑1幢2单元1501室',
    ],
    ['群众反映萧山区衙前镇禾田巷158号,门被撬了', '萧山区衙前镇禾田巷158号'],
    ['求助人在靖江街道善波路1015号家菜城7号楼1单元1202对面的店，有人吵架', '靖江街道善波路1015号家菜城7号楼1单元1202对面的店'],
    // Clauses inside the address stay, and so does a name after a town.
    ['新街街道，嘉剑支路279号，秀琳华庭，9幢1单元三零二', '新街街道 嘉剑支路279号 秀琳华庭 9幢1单元三零二'],
    ['北干街道，星河名邸', '北干街道 星河名邸'],
  ])('%s → %s', (input, expected) => {
    expect(reportAddress(input)).toBe(expected)
  })
  it('cuts the lead words and the event from what the parser reads', () => {
    expect(normalizeAddress('来电称进化镇晴祥街288号，噪音扰民').text).toBe('进化镇晴祥街288号')
  })
  it('reads a room spoken without its word, and junction words', () => {
    expect(normalizeAddress('临浦镇 芝绣御园，2座1单元七百零二').text).toBe('临浦镇芝绣御园2幢1单元702')
    expect(normalizeAddress('盈丰街道皇晴公寓五号楼一九零二附近').text).toBe('盈丰街道皇晴公寓5幢1902')
    expect(normalizeAddress('晴浪路99号城凝苑3号楼404往东50米').text).toBe('晴浪路99号城凝苑3幢404')
    expect(normalizeAddress('俊梁路甜林路路口附近').text).toBe('俊梁路甜林路')
    expect(normalizeAddress('萧山区泰林街怡纯路口').text).toBe('泰林街怡纯路')
    expect(normalizeAddress('江庭东路、朗涛支路交汇处').text).toBe('江庭东路朗涛支路')
  })
})
