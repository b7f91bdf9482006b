/**
 * Normalising free address text before parsing: one spelling for what people type many ways.
 * Pure functions; the parser (parse.ts) works on their output.
 */
import { Converter } from 'opencc-js/t2cn'

import { startsOutside } from './outside.ts'
import { divisionShort, type OwnDistrict, ownDistrict, readDivisions } from './own-district.ts'

/** OpenCC's traditional → simplified conversion (蕭山區 → 萧山区; 樓塔鎮 → 楼塔镇). */
const t2cn = Converter({ from: 't', to: 'cn' })

/**
 * Text in simplified characters, as the district writes its addresses. Names the base itself
 * writes with a traditional character (昇光村, 復兴村: official names) are also known in their
 * converted form (buildDictionary), so converting a query never loses them.
 * @example toSimplified('蕭山區樓塔鎮') // '萧山区楼塔镇'
 */
export function toSimplified(text: string): string {
  return t2cn(text)
}

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10_000 }

/**
 * A Chinese numeral as ASCII digits: positional when it has 十/百/千/万 (四百三十八 → 438),
 * digit by digit otherwise (五零一 → 501). Null when `s` is not a numeral.
 * @example chineseNumeral('四百三十八') // '438'; chineseNumeral('五零一') // '501'; chineseNumeral('十二') // '12'
 */
export function chineseNumeral(s: string): string | null {
  if (s.length === 0) return null
  const chars = [...s]
  if (!chars.every((c) => c in DIGIT || c in UNIT)) return null
  if (!chars.some((c) => c in UNIT)) return chars.map((c) => DIGIT[c]).join('')
  let total = 0
  let section = 0
  let digit: number | null = null
  for (const c of chars) {
    if (c in DIGIT) {
      digit = DIGIT[c] as number
      continue
    }
    const unit = UNIT[c] as number
    if (unit === 10_000) {
      total += (section + (digit ?? 0)) * unit
      section = 0
    } else {
      // 十二 means 12: a bare 十 counts one ten.
      section += (digit ?? 1) * unit
    }
    digit = null
  }
  return String(total + section + (digit ?? 0))
}

/** Words that follow a number in an address (longest first, so 号楼 wins over 号). */
const NUMBER_WORDS = '号楼|号|幢|栋|座|单元|室|房|组|队|层|楼|弄|米|-'
// Not when the number word starts a name: 十三房村, 三号桥.
const NUMERAL_RUN = new RegExp(`([零〇一二两三四五六七八九十百千万]+)(?=(?:${NUMBER_WORDS})(?![村庄桥港湾]))`, 'g')
const NUMERAL_AFTER_DASH = /(?<=\d-)([零〇一二两三四五六七八九十百千万]+)/g

/**
 * Chinese numerals written before a number word (号, 幢, 单元, 室, 组…) or in a dash notation
 * become ASCII digits; numerals inside names (建设一路, 横一村, 十二工段路) stay.
 * @example numeralsToDigits('金城路四百三十八号二幢三单元五零一室') // '金城路438号2幢3单元501室'
 */
export function numeralsToDigits(text: string): string {
  // Run twice: 三-二-五零一 needs the first pass (before '-') to enable the after-dash pass.
  let out = text.replace(NUMERAL_RUN, (run) => chineseNumeral(run) ?? run)
  out = out.replace(NUMERAL_AFTER_DASH, (run) => chineseNumeral(run) ?? run)
  return out
}

/** Provinces (and regions) divisions.csv does not list, written short like the others. */
const OTHER_PROVINCES = ['台湾', '香港', '澳门']

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** An alternation, longest first (浙江省 before 浙江). */
const any = (names: readonly string[]) =>
  [...new Set(names)]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|')

/** The district's prefix patterns, made from its own words (own-district.ts). */
interface PrefixRules {
  /** Province, then city, as written before the district: 浙江省杭州市, 浙江杭州 (bare only before the next level). */
  prefix: RegExp
  /** The district in full: 萧山区. */
  district: RegExp
  /** A prefix followed by itself or another prefix: all but the last go. */
  repeated: RegExp
  /** The bare short form as the district (not 萧山路; the towns named 萧山… are checked first). */
  bare: RegExp | null
  /** The district's short form (萧山), or its full name when it has none. */
  short: string
  /**
   * Short forms outside the district that the divisions table (outside.ts) has only in full:
   * provinces with their 省/市/自治区 (江西俞村 is a village here, 江西路 a road), the other counties of
   * its city without 区/县/市 (富阳, 临安 for Xiaoshan) but not before 路/街/道.
   */
  outsideShort: RegExp
}

const rulesCache = new WeakMap<OwnDistrict, PrefixRules>()
/** The last district asked for (a server has one): no WeakMap lookup per address. */
let last: { own: OwnDistrict; rules: PrefixRules } | null = null

/** The prefix patterns of a district (cached per OwnDistrict object). */
function prefixRules(own: OwnDistrict): PrefixRules {
  if (last?.own === own) return last.rules
  const rules = rulesCache.get(own) ?? makeRules(own)
  rulesCache.set(own, rules)
  last = { own, rules }
  return rules
}

function makeRules(own: OwnDistrict): PrefixRules {
  const { province: p, city: c, district: d } = own
  const short = d.short ?? d.name
  // Bare 浙江 / 杭州 only before the next level: 浙江传化物流基地路 and 杭州湾… are names.
  const level = (w: typeof p, next: string) => (w ? `(?:${escape(w.name)}${w.short ? `|${escape(w.short)}(?=${escape(next)})` : ''})?` : '')
  const prefix = new RegExp(`^(?:中华人民共和国|中国)?${level(p, c ? (c.short ?? c.name) : short)}${level(c, short)}`)
  const words = ['中华人民共和国', '中国', ...[p, c].flatMap((w) => (w ? [w.name, ...(w.short ? [w.short] : [])] : [])), d.name, short]
  const next = ['中华人民共和国', '中国', ...[p, c].flatMap((w) => (w ? [w.short ?? w.name] : [])), d.name]
  const provinces = readDivisions()
    .filter((x) => x.level === 'province' && x.code !== p?.code)
    .map((x) => divisionShort(x.name) ?? x.name)
  const others = [...provinces, ...OTHER_PROVINCES].filter((x) => x !== p?.short)
  const siblings = own.siblings.length > 0 ? `|(?:${any(own.siblings)})(?![路街道])` : ''
  return {
    prefix,
    district: new RegExp(`^${escape(d.name)}`),
    repeated: new RegExp(`^(?:${any(words)})(?=(?:${any(next)}))`),
    bare: d.short ? new RegExp(`^${escape(d.short)}(?![路街道])`) : null,
    short,
    outsideShort: new RegExp(
      `^(?:(?:${any(others)})(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)(?![路街道])${siblings})`,
    ),
  }
}

/** Trailing descriptions that say where near the address, not which address. */
const TRAILING = [
  /(?:往|向|朝)?[东南西北]{1,2}(?:侧|面|边|方|方向|门)?(?:走)?(?:约|大约)?\d+(?:\.\d+)?(?:米|m|公里|km)(?:处|左右|远|的地方)?$/,
  /(?:往|向|朝)[东南西北]{1,2}(?:走|拐|边|面)?(?:一点|一些|一段|一点点|点)?$/,
  /(?:附近|门口|旁边|对面|楼下|楼上|周边|一带|隔壁|边上|那边|这边|里面|内部|大门|门前|后门|前门|东门|南门|西门|北门|交叉口|交叉路口|交口|十字路口|交汇处|交会处|交界处)$/,
  // 路口 after a road's own 路 (A路B路路口), else 口 alone after a road word (A路B路口, A街口).
  /(?<=(?:路|街|道|巷|弄))路口$/,
  /(?<=(?:路|街|道|巷|弄))口$/,
  /(?<![路街道巷弄])路口$/,
  /[东南西北](?:侧|面|边)$/,
  /(?<=[号幢栋座室房组路街])(?:旁|前|后|外|内|处|边)$/,
  /(?:的)?(?:店|店铺|商店|超市|饭店|小卖部)$/,
]

/**
 * Words a caller or a call-taker puts before an address: 我在, 报警人称在, 事发地点, 地址：… They
 * carry no place; left in, they would be read as the start of a name.
 */
const LEAD =
  /^(?:我(?:现在|人)?在|有人在|人在|报警人?(?:称|说|反映)?(?:在|位于)?|来电(?:人)?(?:称|说|反映)?(?:在|位于)?|求助人?(?:称|说)?(?:在|位于)?|群众(?:反映|举报|报称)(?:在|位于)?|(?:事发|案发|出事)(?:地点|地址|位置|地)?(?:在|位于|为|是)?|(?:位置|地址|地点|住址)(?:在|位于|为|是)?)/

/** How an address that is complete ends: a door, room, building, unit or group number. */
const ADDRESS_END =
  /(?:\d|[零〇一二两三四五六七八九十百千])(?:号|室|房|幢|栋|座|号楼|楼|单元|组)?(?:附近|门口|旁边|对面|楼下|楼上|隔壁|边上|周边|[东南西北](?:侧|面|边))?(?:的)?(?:店|店铺|商店|超市|饭店|小卖部)?$/

/** A clause that only introduces a contact: 联系电话, 手机, 姓名, 报警人. */
const CONTACT = /^(?:联系电话|联系方式|联系人|电话|手机|手机号|姓名|报警人|来电人|求助人|tel|phone)$/i

/** Phone numbers (a caller's mobile, a landline): never part of an address. */
const PHONE = /(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|(?:电话|手机|联系电话|tel)[:：]?\d{5,})(?!\d)/gi

/** Separators between the parts of a report: an address, then what happened. */
const CLAUSES = /[\s,，;；:：。!！?？、]+/

/**
 * Whether a clause of a report may be part of an address: it has a digit or numeral, or an
 * address word. 电动车被盗, 有人吵架, 噪音扰民 have none.
 * @example addressLike('9幢1单元302') // true; addressLike('门被撬了') // false
 */
export function addressLike(clause: string): boolean {
  return /[0-9０-９零〇一二两三四五六七八九十百千]|路|街|巷|弄|道|村|组|社区|小区|苑|园|府|庭|湾|城|邸|居|轩|阁|墅|寓|厦|汇|坊|庄|里|公寓|广场|中心|市场|医院|学校|车站|镇|乡|区|幢|栋|座|单元|室|号/.test(
    clause,
  )
}

/**
 * The address part of a report as people write it: the lead words (我在, 报警人称在, 地址：) and
 * the clauses after the address that say what happened (，电动车被盗) are cut; clauses inside
 * the address (新街街道，嘉剑支路279号，秀琳华庭，9幢…) are kept.
 * @example reportAddress('我在楼塔镇广永二路217号，电动车被盗') // '楼塔镇广永二路217号'
 */
export function reportAddress(raw: string): string {
  const clauses = toSimplified(raw.normalize('NFKC'))
    .replace(PHONE, '')
    .split(CLAUSES)
    .filter(Boolean)
    .map((c) => c.replace(LEAD, ''))
    .filter(Boolean)
  // Leading clauses that were only lead words ("事发地点:") are gone. A trailing clause without an
  // address word, after one that ends the address (…217号, …1501室), is what happened.
  while (clauses.length > 1 && !addressLike(clauses[clauses.length - 1]!) && ADDRESS_END.test(clauses[clauses.length - 2]!)) clauses.pop()
  // A leading clause that only says whose or which number it is (联系电话, 姓名) is not part of it either.
  while (clauses.length > 1 && CONTACT.test(clauses[0]!)) clauses.shift()
  return clauses.join(' ')
}

/**
 * Characters that carry no address information: whitespace, punctuation, brackets. '-' and '#'
 * stay (dash notation, 3#楼).
 */
const NOISE_CHARS = /[\s,，。．.、;；:：'"‘’“”!！?？()（）[\]【】{}<>《》_·•|/\\]+/g

export interface NormalizedText {
  /** The text to parse: half-width, no punctuation, numbers as digits, building words unified. */
  text: string
  /** Whether the district was written (萧山 / 萧山区; 德清 / 德清县 for Deqing). */
  district: boolean
  /** The text names a place outside the district (another province, city or district). */
  outside: boolean
  /** Trailing descriptions removed, e.g. ['东侧50米', '附近']. */
  removed: string[]
  /** A bare short form (萧山) was taken for the district (the parser puts it back if a name starts with it). */
  bareDistrict: boolean
}

/**
 * Normalises address text: NFKC (full-width → ASCII), punctuation out, 省/市/区 prefixes out,
 * Chinese numerals before number words → digits, 栋/座/号楼/# → 幢, 房 → 室, N号单元 → N单元,
 * trailing descriptions (附近, 东侧50米…) out. Town and name recognition is the parser's job;
 * `townNames` lets the district prefix keep towns whose names start with the district's short
 * name (萧山商业城). `own`: the district whose prefixes go (own-district.ts; the dictionary
 * carries its district's as `dict.own`), Xiaoshan's when not given.
 * @example normalizeAddress('浙江省杭州市萧山区 城厢街道金城路四百三十八号 ２栋 附近').text // '城厢街道金城路438号2幢'
 * @example normalizeAddress('湖州德清武康街道英溪北路123号', [], ownDistrict('330521')) // { text: '武康街道英溪北路123号', district: true, … }
 */
export function normalizeAddress(raw: string, townNames: readonly string[] = [], own: OwnDistrict = ownDistrict()): NormalizedText {
  let text = reportAddress(raw)
    .replace(/[—–‐‑−~～]/g, '-')
    .replace(NOISE_CHARS, '')
  text = text.replace(/村委会/g, '村').replace(/居委会/g, '社区')
  // 第三村民小组, 三小组: a villager group is a 组 however it is written.
  text = text.replace(/(?:村民小组|小组)/g, '组')
  const rules = prefixRules(own)
  let district = false
  // 杭州市萧山区萧山区…, 萧山萧山区…: prefixes written twice are still one.
  for (let m = rules.repeated.exec(text); m; m = rules.repeated.exec(text)) {
    if (m[0].startsWith(rules.short)) district = true
    text = text.slice(m[0].length)
  }
  text = text.replace(rules.prefix, '')
  let bareDistrict = false
  // A town named after the district (萧山商业城; a 德清镇) keeps its name. The bare short form
  // alone as a town's name (德清 for 德清镇) is the district first.
  const townNamed =
    text.startsWith(rules.short) && townNames.some((t) => t.length > rules.short.length && t.startsWith(rules.short) && text.startsWith(t))
  if (rules.district.test(text)) {
    district = true
    text = text.replace(rules.district, '')
  } else if (rules.bare?.test(text) && !townNamed) {
    district = true
    bareDistrict = true
    text = text.replace(rules.bare, '')
  } else if (townNamed) {
    district = true
  }
  const outside = !district && (rules.outsideShort.test(text) || startsOutside(text, own))
  text = numeralsToDigits(text)
  const removed: string[] = []
  for (let changed = true; changed;) {
    changed = false
    for (const re of TRAILING) {
      const m = re.exec(text)
      if (m && m.index > 0) {
        removed.unshift(m[0])
        text = text.slice(0, m.index)
        changed = true
      }
    }
  }
  // A room spoken without its word at the end (2座1单元七百零二, 5号楼一九零二): digits too.
  text = text.replace(/(?<=(?:单元|幢|栋|座|号楼|楼|\d-))([零〇一二两三四五六七八九十百千]+)$/, (run) => chineseNumeral(run) ?? run)
  text = text
    .replace(/(\d+)\s*#\s*(?:楼|幢)?/g, '$1幢')
    // 号楼 only before what follows a building: 38号楼塔 is door 38 of 楼塔, not building 38.
    .replace(/(\d+|[A-Za-z])(?:号楼(?=\d|单元|室|$|[东西南北]|[A-Za-z])|栋|座)/g, '$1幢')
    .replace(/第(\d+)(?=幢|单元|室|组|号)/g, '$1')
    .replace(/(\d+)号单元/g, '$1单元')
    .replace(/(\d+)房间/g, '$1室')
    .replace(/(\d+)房(?![村庄])/g, '$1室')
    // 5楼501, 5层502: the floor is in the room number already.
    .replace(/(?<=幢|单元|^|[^\d])\d{1,2}(?:楼|层)(?=\d{3,4}(?:室)?$)/, '')
    // 马谷村3队12号: a production team (生产队) is the old name of a villager group.
    .replace(/(?<=村)(\d+)(?:生产)?队/, '$1组')
  return { text, district, outside, removed, bareDistrict }
}

/**
 * A name (road, compound, village) in its comparable form: NFKC, simplified characters, no spaces
 * or punctuation. Stored parts and dictionary names are in this form, as parsed queries are
 * (復兴村 and 复兴村 are one village).
 * @example normalizeName(' 金色家园（二期）') // '金色家园二期'; normalizeName('復兴村') // '复兴村'
 */
export function normalizeName(name: string): string {
  return toSimplified(name.normalize('NFKC')).replace(NOISE_CHARS, '')
}

/**
 * A door, building, unit or room number in canonical form: ASCII digits, its word dropped.
 * @example canonicalNumber('３幢') // '3'; canonicalNumber('438-1号') // '438-1'; canonicalNumber('五零一室') // '501'
 */
export function canonicalNumber(value: string): string {
  let s = value
    .normalize('NFKC')
    .replace(/[\s]/g, '')
    .replace(/[—–‐‑−]/g, '-')
  s = s.replace(/(?:号楼|号|幢|栋|座|单元|室|房|组)$/, '')
  return (
    chineseNumeral(s) ??
    s.replace(/^(\d+)-([零〇一二两三四五六七八九十百千万]+)$/, (_m, a: string, b: string) => `${a}-${chineseNumeral(b) ?? b}`)
  )
}
