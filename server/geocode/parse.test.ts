import { describe, expect, it } from 'vitest'

import { buildDictionary } from './dictionary.ts'
import { deqingDictionary, deqingPlace } from './fixtures/deqing.ts'
import { fixtureDictionary } from './fixtures/dictionary.ts'
import { parseAddress, type ParsedAddress, roadShape } from './parse.ts'

const dict = fixtureDictionary()

type Parts = Partial<
  Pick<
    ParsedAddress,
    | 'town'
    | 'village'
    | 'groupNo'
    | 'road'
    | 'doorNo'
    | 'crossRoad'
    | 'compound'
    | 'building'
    | 'unit'
    | 'room'
    | 'outside'
    | 'rest'
    | 'villageKeys'
  >
>

const ROOM: Parts = { town: '北干街道', road: '金城路', doorNo: '438', compound: '金色家园', building: '3', unit: '2', room: '501' }

// One row per phenomenon of issue 3: what people really type → the parts.
const CASES: [string, string, Parts][] = [
  ['canonical text', '浙江省杭州市萧山区北干街道金城路438号金色家园3幢2单元501室', ROOM],
  ['no prefix', '北干街道金城路438号金色家园3幢2单元501室', ROOM],
  ['short town name', '北干金城路438号金色家园3幢2单元501室', ROOM],
  ['no town', '金城路438号金色家园3幢2单元501室', { ...ROOM, town: null }],
  ['栋', '北干金城路438号金色家园3栋2单元501室', ROOM],
  ['座', '北干金城路438号金色家园3座2单元501室', ROOM],
  ['号楼', '北干金城路438号金色家园3号楼2单元501室', ROOM],
  ['房', '北干金城路438号金色家园3幢2单元501房', ROOM],
  ['no room word', '北干金城路438号金色家园3幢2单元501', ROOM],
  ['单元号', '北干金城路438号金色家园3幢2号单元501室', ROOM],
  ['3-2-501', '北干金城路438号金色家园3-2-501', ROOM],
  ['3-2-501室', '北干金城路438号金色家园3-2-501室', ROOM],
  ['3幢2-501', '北干金城路438号金色家园3幢2-501', ROOM],
  ['3-501 (no unit)', '北干金色家园3-501', { town: '北干街道', compound: '金色家园', building: '3', unit: null, room: '501' }],
  ['Chinese numerals', '北干金城路四百三十八号金色家园三幢二单元五零一室', ROOM],
  ['Chinese dash notation', '北干金城路四百三十八号金色家园三-二-五零一', ROOM],
  ['full-width digits', '北干金城路４３８号金色家园３－２－５０１', ROOM],
  ['spaces and punctuation', '北干 金城路438号，金色家园 3幢 2单元 501室。', ROOM],
  ['trailing 附近', '北干金城路438号金色家园3幢2单元501室附近', ROOM],
  ['trailing 东侧50米', '北干金城路438号东侧50米', { town: '北干街道', road: '金城路', doorNo: '438', compound: null }],
  ['trailing 对面', '金城路438号对面', { road: '金城路', doorNo: '438' }],
  ['compound alias', '北干金色家苑3幢2单元501室', { town: '北干街道', compound: '金色家苑', building: '3', unit: '2', room: '501' }],
  [
    'compound only',
    '北干金色家园3幢2单元501室',
    { town: '北干街道', road: null, compound: '金色家园', building: '3', unit: '2', room: '501' },
  ],
  ['road typo', '北干今城路438号', { town: '北干街道', road: '今城路', doorNo: '438' }],
  ['compound typo', '北干金色家圆3幢2单元501室', { compound: '金色家圆', building: '3', unit: '2', room: '501' }],
  ['door with 附号', '金城路438-1号', { road: '金城路', doorNo: '438-1' }],
  [
    'building without compound',
    '北干金城路438号3幢2单元501室',
    { road: '金城路', doorNo: '438', compound: null, building: '3', unit: '2', room: '501' },
  ],
  [
    'N号 after a compound is a building',
    '北干金色家园3号2单元501室',
    { compound: '金色家园', building: '3', unit: '2', room: '501', doorNo: null },
  ],
  ['gate row', '浙江省杭州市萧山区北干街道金城路438号金色家园', { road: '金城路', doorNo: '438', compound: '金色家园', building: null }],
  ['building row', '北干街道金城路438号金色家园3幢', { compound: '金色家园', building: '3', unit: null, room: null }],
  ['intersection', '萧山区金城路与市心中路交叉口', { road: '金城路', crossRoad: '市心中路', doorNo: null }],
  ['intersection with distance', '金城路与市心中路交叉口东侧50米', { road: '金城路', crossRoad: '市心中路' }],
  ['villager group', '浙江省杭州市萧山区戴村镇马谷村1组2号', { town: '戴村镇', village: '马谷村', groupNo: '1', doorNo: '2' }],
  ['town short name that is also a village', '戴村马谷村4组3号附近', { town: '戴村镇', village: '马谷村', groupNo: '4', doorNo: '3' }],
  ['short town glued to a village name', '益农镇龙殿村1组2号', { town: '益农镇', village: '镇龙殿村', groupNo: '1', doorNo: '2' }],
  ['short town glued to a road name', '党湾镇中路1202号', { town: '党湾镇', road: '镇中路', doorNo: '1202' }],
  ['village with numerals and 房', '浦阳十三房村六组四号', { town: '浦阳镇', village: '十三房村', groupNo: '6', doorNo: '4' }],
  ['village without town', '马谷村3组12号', { town: '戴村镇', village: '马谷村', groupNo: '3', doorNo: '12' }],
  ['unknown road shape with typo', '新街街道心街东路197号', { town: '新街街道', road: '心街东路', doorNo: '197' }],
  ['road name containing a town short name', '浦阳江西路314号楼下', { town: '浦阳镇', road: '江西路', doorNo: '314' }],
  ['town whose name starts with 萧山', '萧山商业城商城路1号', { town: '萧山商业城', road: '商城路', doorNo: '1' }],
  ['compound named …新村', '霞江新村3幢1单元101室', { compound: '霞江新村', building: '3', unit: '1', room: '101', village: null }],
  ['known alias that only starts a road', '北干金色家苑路12号', { road: '金色家苑路', doorNo: '12', compound: null }],
  ['typo in the text before a known alias', '北干绿都四季华城3幢', { compound: '绿都四季华城', building: '3' }],
  ['浙江 as part of a name', '浙江金城路12号', { road: '浙江金城路', doorNo: '12' }],
  [
    'unknown road named after a village, after its town',
    '戴村镇戴村东路98-2号',
    { town: '戴村镇', road: '戴村东路', doorNo: '98-2', village: null },
  ],
  ['unknown road shape after a full town name', '戴村镇云石路1123号', { town: '戴村镇', road: '云石路', doorNo: '1123' }],
  ['a name starting with 萧山', '萧山金色家园3幢', { compound: '萧山金色家园', building: '3' }],
  ['a village named like a province', '江西俞村6组105号', { outside: false, village: '江西俞村', groupNo: '6', doorNo: '105' }],
  ['outside the district', '杭州市滨江区江南大道100号', { outside: true, road: null }],
  [
    'unknown compound before numbers',
    '北干银河湾5幢1单元101室',
    { town: '北干街道', compound: '银河湾', building: '5', unit: '1', room: '101' },
  ],
  ['junction with its words trimmed (两条路 + 路口)', '俊梁路甜林路路口附近', { road: '俊梁路', crossRoad: '甜林路', doorNo: null }],
  ['junction written with 、 and 交汇处', '江庭东路、朗涛支路交汇处', { road: '江庭东路', crossRoad: '朗涛支路' }],
  ['junction with 口', '泰林街怡纯路口', { road: '泰林街', crossRoad: '怡纯路' }],
  ['known road + unknown road', '金城路甜林路口', { road: '金城路', crossRoad: '甜林路' }],
  ['a village named after a lane', '戴村镇西弄村1组37号', { town: '戴村镇', village: '西弄村', road: null, groupNo: '1', doorNo: '37' }],
  [
    'a short alias inside a longer name typed with a slip',
    '宁围宏宁新苑23幢1单元701室',
    { town: '宁围街道', compound: '宏宁新苑', building: '23', rest: '' },
  ],
  ["the town's name is its seat village's", '萧山区戴村22组64号', { town: '戴村镇', village: '戴村', groupNo: '22', doorNo: '64' }],
  [
    'a town written after its village',
    '东山村10组24号/浦阳镇',
    { town: '浦阳镇', village: '东山村', villageKeys: ['330109103|东山村'], groupNo: '10', doorNo: '24' },
  ],
  ['38号楼塔: a door before a town, not a building', '禾金路208号楼塔镇辖区', { road: '禾金路', doorNo: '208', building: null }],
  [
    "a reporter's words around the address",
    '报警人称在戴村镇马谷村2组50号 门被撬了',
    { town: '戴村镇', village: '马谷村', groupNo: '2', doorNo: '50', rest: '' },
  ],
]

describe('parseAddress', () => {
  it.each(CASES)('%s: %s', (_kind, input, expected) => {
    const p = parseAddress(input, dict)
    expect(p).toMatchObject(expected)
  })

  it('knows which names it recognised', () => {
    const p = parseAddress('北干今城路438号金色家园3幢', dict)
    expect(p.roadKnown).toBe(false)
    expect(p.compoundKnown).toBe(true)
    expect(p.townCode).toBe('330109002')
  })
})

describe('parseAddress in another district (Deqing)', () => {
  const deqing = deqingDictionary()
  const DOOR: Parts = { town: '武康街道', road: '英溪北路', doorNo: '123', outside: false }

  it("carries the district's own words", () => {
    expect(deqing.own.code).toBe('330521')
    expect(deqing.own.district.short).toBe('德清')
    expect(buildDictionary({ district: null, towns: [], villages: [], places: [] }).own.code).toBe('330109')
  })

  it.each<[string, string, Parts]>([
    ['full prefix', '浙江省湖州市德清县武康街道英溪北路123号', DOOR],
    ['short city and county, short town', '湖州德清武康英溪北路123号', DOOR],
    [
      'county twice, room',
      '德清县德清县武康街道英溪北路123号翠竹苑2幢1单元301室',
      { ...DOOR, compound: '翠竹苑', building: '2', unit: '1', room: '301' },
    ],
    ['a town named after the district', '德清镇溪桥路5号', { town: '德清镇', road: '溪桥路', doorNo: '5' }],
    [
      'the district, then the town named after it',
      '浙江省湖州市德清县德清镇桑梓村3组8号',
      { town: '德清镇', village: '桑梓村', groupNo: '3', doorNo: '8' },
    ],
    ["a compound whose name starts with the district's", '德清湾花园3幢', { compound: '德清湾花园', building: '3', outside: false }],
    ['a village without its town', '德清县云岫村2组16号', { town: '青枫镇', village: '云岫村', groupNo: '2', doorNo: '16' }],
    ['Xiaoshan is another district here', '杭州市萧山区城厢街道英溪北路1号', { outside: true, road: null, town: null }],
    ['a sibling county in full', '安吉县递铺街道英溪北路1号', { outside: true, road: null }],
    ['a sibling county bare', '安吉递铺英溪北路1号', { outside: true, road: null }],
  ])('%s: %s', (_kind, input, expected) => {
    const p = parseAddress(input, deqing)
    expect(p).toMatchObject(expected)
  })

  it('sets the district flag when the district is written', () => {
    expect(parseAddress('湖州德清武康英溪北路123号', deqing).district).toBe(true)
    expect(parseAddress('武康英溪北路123号', deqing).district).toBe(false)
  })

  it('does not take a name of the district for a sibling county (长兴花苑 in Deqing)', () => {
    const d = deqingDictionary({ places: [deqingPlace('compound', '330521001', '长兴花苑')] })
    expect(d.own.siblings).not.toContain('长兴')
    expect(parseAddress('长兴花苑3幢', d)).toMatchObject({ outside: false, compound: '长兴花苑', building: '3' })
    expect(parseAddress('长兴县雉城街道1号', d).outside).toBe(true)
    expect(parseAddress('长兴花苑3幢', deqing).outside).toBe(true)
  })
})

describe('roadShape', () => {
  it('takes the longest road-shaped name a door follows', () => {
    expect(roadShape('心街东路197号')).toBe('心街东路')
    expect(roadShape('商业街12号')).toBe('商业街')
    expect(roadShape('金色家园3幢')).toBeNull()
    expect(roadShape('街道办')).toBeNull()
  })
})
