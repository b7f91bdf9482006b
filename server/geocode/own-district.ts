/**
 * The district's own prefix words, from its code and the divisions of China
 * (data/china/divisions.csv: level,code,name for provinces, cities and counties): what an address
 * of the district may start with (浙江省湖州市德清县, 湖州德清, 德清), what other counties of its
 * city people write without 区/县/市 (吴兴, 长兴, 安吉), and which codes are its own (never "another
 * division"). The normaliser (normalize.ts), outside.ts and the parser read it; the dictionary
 * carries the district's (buildDictionary).
 */
import fs from 'node:fs'
import path from 'node:path'

import { parse } from 'csv-parse/sync'

import { ROOT_DIR } from '../web/static.ts'

/** A row of data/china/divisions.csv. */
export interface DivisionRow {
  level: 'province' | 'city' | 'county'
  code: string
  name: string
}

/** A division as addresses write it: in full (湖州市) and short (湖州; null when it has none). */
export interface DivisionWords {
  code: string
  name: string
  short: string | null
}

export interface OwnDistrict {
  /** The district's code as given (6 digits). */
  code: string
  /** Whether divisions.csv knows the code (else only the district's words, no city or province). */
  known: boolean
  district: DivisionWords
  city: DivisionWords | null
  province: DivisionWords | null
  /** The other counties of its city as people write them short (≥ 2 characters): 富阳, 临安 for Xiaoshan. */
  siblings: readonly string[]
  /** The codes of the district, its city and its province: never "another division of China". */
  codes: ReadonlySet<string>
}

/** The demo district, and the one of a database without a district (behaviour unchanged for callers that pass nothing). */
export const DEFAULT_DISTRICT_CODE = '330109'

/** The 55 minority nationalities, as autonomous areas write them before 族 (longest first). */
const NATIONALITIES = [
  '乌孜别克',
  '柯尔克孜',
  '维吾尔',
  '哈萨克',
  '达斡尔',
  '塔吉克',
  '俄罗斯',
  '鄂温克',
  '鄂伦春',
  '塔塔尔',
  '蒙古',
  '布依',
  '朝鲜',
  '土家',
  '哈尼',
  '傈僳',
  '高山',
  '拉祜',
  '东乡',
  '纳西',
  '景颇',
  '仫佬',
  '布朗',
  '撒拉',
  '毛南',
  '仡佬',
  '锡伯',
  '阿昌',
  '普米',
  '德昂',
  '保安',
  '裕固',
  '独龙',
  '赫哲',
  '门巴',
  '珞巴',
  '基诺',
  '回',
  '藏',
  '苗',
  '彝',
  '壮',
  '满',
  '侗',
  '瑶',
  '白',
  '傣',
  '黎',
  '佤',
  '畲',
  '水',
  '土',
  '怒',
  '京',
  '羌',
  // 龙胜各族自治县: all of them.
  '各',
]

/** Names that are not a place people shorten: development zones, new areas, islands, committees. */
const NO_SHORT = /(?:开发区|新区|新城|园区|管理区|示范区|试验区|合作区|管委会|委员会|群岛|海域|[左右中前后]旗)$/

/** The name with the nationalities before 自治… left off: 景宁畲族 → 景宁, 察布查尔锡伯 → 察布查尔. */
function withoutNationalities(base: string): string {
  for (let changed = true; changed;) {
    changed = false
    for (const n of NATIONALITIES) {
      const cut = base.endsWith(`${n}族`) ? n.length + 1 : n.length >= 2 && base.endsWith(n) ? n.length : 0
      if (cut > 0 && base.length - cut >= 2) {
        base = base.slice(0, -cut)
        changed = true
        break
      }
    }
  }
  return base.replace(/族$/, '')
}

/**
 * A division's name as people write it without its level word: 浙江省 → 浙江, 湖州市 → 湖州,
 * 德清县 → 德清, 萧山区 → 萧山, 建德市 → 建德, 景宁畲族自治县 → 景宁, 广西壮族自治区 → 广西,
 * 延边朝鲜族自治州 → 延边, 阿里地区 → 阿里, 兴安盟 → 兴安. Null when it would be shorter than 2
 * characters (城区, 沙县) or the name is not one people shorten (滨海新区, 乌拉特中旗).
 * @example divisionShort('德清县') // '德清'; divisionShort('城区') // null
 */
export function divisionShort(name: string): string | null {
  if (NO_SHORT.test(name)) return null
  const auto = /^(.+?)自治(?:区|州|县|旗)$/.exec(name)
  let short: string
  if (auto) short = withoutNationalities(auto[1] as string)
  else if (/特别行政区$/.test(name)) short = name.slice(0, -5)
  else if (/(?:地区|特区)$/.test(name) || name === '神农架林区') short = name.slice(0, -2)
  else if (/[省市区县盟旗]$/.test(name)) short = name.slice(0, -1)
  else return null
  return [...short].length >= 2 && short !== name ? short : null
}

let table: DivisionRow[] | null = null

/** data/china/divisions.csv, read once. */
export function readDivisions(): DivisionRow[] {
  return (table ??= parse(fs.readFileSync(path.join(ROOT_DIR, 'data', 'china', 'divisions.csv')), { columns: true }) as DivisionRow[])
}

const words = (r: DivisionRow): DivisionWords => ({ code: r.code, name: r.name, short: divisionShort(r.name) })

/**
 * The district's own words from its code and the divisions table (pure). A code the table does not
 * know: the district's words from `name` (its admin_areas name), no city, no province, no
 * siblings, and only its own code as its own.
 * @example ownDistrictOf('330521', rows).city // { code: '3305', name: '湖州市', short: '湖州' }
 */
export function ownDistrictOf(code: string, rows: readonly DivisionRow[], name?: string | null): OwnDistrict {
  const county = rows.find((r) => r.level === 'county' && r.code === code)
  if (!county) {
    const n = name ?? code
    return {
      code,
      known: false,
      district: { code, name: n, short: divisionShort(n) },
      city: null,
      province: null,
      siblings: [],
      codes: new Set([code]),
    }
  }
  const cityRow = rows.find((r) => r.level === 'city' && r.code === code.slice(0, 4))
  const provinceRow = rows.find((r) => r.level === 'province' && r.code === code.slice(0, 2))
  const district = words(county)
  const siblings: string[] = []
  for (const r of rows) {
    if (r.level !== 'county' || r.code === code || r.code.slice(0, 4) !== code.slice(0, 4)) continue
    const s = divisionShort(r.name)
    if (s && s !== district.short && !siblings.includes(s)) siblings.push(s)
  }
  return {
    code,
    known: true,
    district,
    city: cityRow ? words(cityRow) : null,
    province: provinceRow ? words(provinceRow) : null,
    siblings,
    codes: new Set([code, code.slice(0, 4), code.slice(0, 2)]),
  }
}

const cache = new Map<string, OwnDistrict>()

/**
 * The district's own words (cached per code and name). No code (an empty database): Xiaoshan's
 * (330109), as before the geocoder knew any other district.
 * @example ownDistrict('330521').siblings // ['吴兴', '南浔', '长兴', '安吉']
 */
export function ownDistrict(code?: string | null, name?: string | null): OwnDistrict {
  const c = code || DEFAULT_DISTRICT_CODE
  const key = `${c}|${name ?? ''}`
  let own = cache.get(key)
  if (!own) {
    own = ownDistrictOf(c, readDivisions(), name)
    cache.set(key, own)
  }
  return own
}

/**
 * The district's words without the siblings some name of the district starts with (滨江花园 is a
 * compound of Xiaoshan, so a text starting 滨江 is not taken for 滨江区). A name that continues
 * with 路/街/道 after the short form (建德路) does not count: the normaliser never takes those for
 * the sibling anyway.
 * @example withOwnNames(ownDistrict('330109'), ['滨江花园']).siblings.includes('滨江') // false
 */
export function withOwnNames(own: OwnDistrict, names: Iterable<string>): OwnDistrict {
  if (own.siblings.length === 0) return own
  const taken = new Set<string>()
  for (const n of names) {
    for (const s of own.siblings) if (n.startsWith(s) && !/^[路街道]/.test(n.slice(s.length))) taken.add(s)
  }
  return taken.size === 0 ? own : { ...own, siblings: own.siblings.filter((s) => !taken.has(s)) }
}
