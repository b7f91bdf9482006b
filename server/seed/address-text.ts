/**
 * Address text: the canonical form of the address base and the noisy forms reporters type.
 * Canonical: 浙江省杭州市萧山区 + town + (road + door号) + (compound + 幢/单元/室) or village + 组 + 号.
 * Noise (each variant a field of `AddressStyle`, drawn by `randomNoiseStyle`): dropped 省/市/区
 * prefixes, short town names (北干), 栋/座/号楼 for 幢, 房 for 室, 3-2-501 notation, Chinese numerals
 * (四百三十八号, 二幢), full-width digits, one-character typos (今城路), compound aliases, only road +
 * door or only compound, intersections, trailing descriptions (附近, 门口, 东侧50米…).
 */
import type { AddressRow } from '../addresses/schema.ts'
import { townShortName } from './reference.ts'
import { chance, pick, randInt, type Rng, weightedPick } from './rng.ts'

/**
 * The parsed parts of an address: AddressRow's own fields (numbers without their 号/幢/单元/室
 * words), except that the village may be absent (it is printed only with a group number).
 */
export type AddressParts = Pick<AddressRow, 'town' | 'groupNo' | 'road' | 'doorNo' | 'compound' | 'building' | 'unit' | 'room'> & {
  village: string | null
}

export type PrefixStyle = 'province' | 'city' | 'district' | 'none'

/** How to write an address. `CANONICAL_STYLE` gives the address base's own text. */
export interface AddressStyle {
  /** 浙江省杭州市萧山区 / 杭州市萧山区 / 萧山区 / nothing. */
  prefix: PrefixStyle
  /** 北干街道 / 北干 / nothing. */
  town: 'full' | 'short' | 'none'
  /** Everything, only road + door, or only compound + building/unit/room. */
  parts: 'all' | 'road' | 'compound'
  buildingWord: '幢' | '栋' | '座' | '号楼'
  roomWord: '室' | '房' | ''
  /** 3-2-501 for building-unit-room. */
  dash: boolean
  numerals: 'arabic' | 'chinese' | 'fullwidth'
  /** Trailing description: 附近, 门口, 东侧50米… */
  suffix: string
  /** Printed instead of the road name (a typo). */
  roadName?: string
  /** Printed instead of the compound name (an alias or a typo). */
  compoundName?: string
  /** With parts 'road': `${road}与${crossRoad}交叉口` instead of the door number. */
  crossRoad?: string
}

export const CANONICAL_STYLE: AddressStyle = {
  prefix: 'province',
  town: 'full',
  parts: 'all',
  buildingWord: '幢',
  roomWord: '室',
  dash: false,
  numerals: 'arabic',
  suffix: '',
}

const PREFIXES: Record<PrefixStyle, string> = {
  province: '浙江省杭州市萧山区',
  city: '杭州市萧山区',
  district: '萧山区',
  none: '',
}

const DIGITS = '零一二三四五六七八九'

/**
 * Reads a non-negative integer in Chinese (as door numbers are spoken).
 * @example toChineseNumber(438) // '四百三十八'; toChineseNumber(12) // '十二'; toChineseNumber(1005) // '一千零五'
 */
export function toChineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 100_000) return String(n)
  if (n < 10) return DIGITS[n] as string
  const units = ['', '十', '百', '千', '万']
  const ds = String(n).split('').map(Number)
  let out = ''
  let zero = false
  ds.forEach((d, i) => {
    const unit = units[ds.length - 1 - i] as string
    if (d === 0) {
      zero = true
      return
    }
    if (zero && out) out += '零'
    zero = false
    out += (d === 1 && unit === '十' && i === 0 ? '' : DIGITS[d]) + unit
  })
  return out
}

/**
 * Reads digits one by one (as room numbers are spoken).
 * @example toChineseDigits('501') // '五零一'
 */
export function toChineseDigits(s: string): string {
  return s.replace(/\d/g, (d) => DIGITS[Number(d)] as string)
}

/**
 * ASCII digits and '-' → full-width forms.
 * @example toFullWidth('3-2-501') // '３－２－５０１'
 */
export function toFullWidth(s: string): string {
  return s.replace(/[0-9-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
}

/** Characters people mistype for each other (same sound or similar shape). */
export const CONFUSABLES: Record<string, string> = {
  金: '今',
  城: '成',
  湘: '相',
  园: '圆',
  苑: '院',
  惠: '慧',
  育: '玉',
  才: '材',
  阴: '音',
  博: '搏',
  德: '得',
  华: '化',
  家: '佳',
  花: '华',
  新: '心',
  江: '将',
  湖: '胡',
  桥: '乔',
  河: '和',
  市: '是',
  通: '同',
  鸿: '宏',
  达: '大',
  宁: '凝',
  振: '震',
  税: '锐',
  绿: '录',
  银: '艮',
  丽: '莉',
  锦: '绵',
  翠: '萃',
  荣: '容',
  明: '名',
  潘: '番',
  拱: '供',
  秀: '琇',
  崇: '祟',
  寺: '寸',
  萧: '肖',
  沥: '历',
  坞: '乌',
  墩: '敦',
  埭: '棣',
  溇: '楼',
}

/**
 * One mistyped character in a name (never its last character, which is usually 路/园/苑…).
 * Returns the name unchanged if no character has a known confusable.
 * @example typo('金城路', rng) // '今城路' or '金成路'
 */
export function typo(name: string, rng: Rng): string {
  const chars = [...name]
  const candidates = chars.slice(0, -1).flatMap((c, i) => (CONFUSABLES[c] ? [i] : []))
  if (candidates.length === 0) return name
  const i = pick(rng, candidates)
  chars[i] = CONFUSABLES[chars[i] as string] as string
  return chars.join('')
}

/** A number in Chinese (spoken as a number, or digit by digit) or in full-width digits. */
function writeNumber(s: string, spoken: 'number' | 'digits', numerals: 'chinese' | 'fullwidth'): string {
  if (numerals === 'fullwidth') return toFullWidth(s)
  return spoken === 'digits' ? toChineseDigits(s) : s.replace(/\d+/g, (d) => toChineseNumber(Number(d)))
}

/**
 * Writes an address in a style (canonical by default).
 * @example formatAddress({ town: '城厢街道', road: '金城路', doorNo: '438', compound: '金色家园', building: '3', unit: '2', room: '501', village: null, groupNo: null })
 * // '浙江省杭州市萧山区城厢街道金城路438号金色家园3幢2单元501室'
 */
export function formatAddress(parts: AddressParts, style: AddressStyle = CANONICAL_STYLE): string {
  const numerals = style.numerals
  const num = (s: string, spoken: 'number' | 'digits') => (numerals === 'arabic' ? s : writeNumber(s, spoken, numerals))
  const town = style.town === 'full' ? parts.town : style.town === 'short' ? townShortName(parts.town) : ''
  let text = PREFIXES[style.prefix] + town
  if (parts.groupNo !== null) {
    text += `${parts.village ?? ''}${num(parts.groupNo, 'number')}组${parts.doorNo !== null ? `${num(parts.doorNo, 'number')}号` : ''}`
    return text + style.suffix
  }
  const hasCompound = parts.compound !== null
  const hasRoad = parts.road !== null
  const showRoad = hasRoad && (style.parts !== 'compound' || !hasCompound)
  const showCompound = hasCompound && (style.parts !== 'road' || !hasRoad)
  if (showRoad) {
    const road = style.roadName ?? (parts.road as string)
    if (style.crossRoad && style.parts === 'road') text += `${road}与${style.crossRoad}交叉口`
    else text += road + (parts.doorNo !== null ? `${num(parts.doorNo, 'number')}号` : '')
  }
  if (showCompound) {
    text += style.compoundName ?? (parts.compound as string)
    const { building, unit, room } = parts
    if (style.dash && building !== null && unit !== null && room !== null) {
      text += num(`${building}-${unit}-${room}`, 'digits') + style.roomWord
    } else {
      if (building !== null) text += num(building, 'number') + style.buildingWord
      if (unit !== null) text += `${num(unit, 'number')}单元`
      if (room !== null) text += num(room, 'digits') + (style.roomWord || '室')
    }
  }
  return text + style.suffix
}

const DIRECTIONS = ['东', '南', '西', '北']

/**
 * A random trailing description: 附近, 门口, 旁边, 对面, 楼下, or 东侧50米 style offsets.
 * @example randomSuffix(rng) // '西侧30米'
 */
export function randomSuffix(rng: Rng): string {
  if (chance(rng, 0.3)) return `${pick(rng, DIRECTIONS)}侧${randInt(rng, 1, 20) * 10}米`
  return pick(rng, ['附近', '门口', '旁边', '对面', '楼下', '路口'])
}

/** Rates of the noise variants (weights; the first option is the canonical one). */
const NOISE_RATES = {
  prefix: [['province', 'city', 'district', 'none'] as PrefixStyle[], [25, 15, 20, 40]],
  town: [['full', 'short', 'none'] as AddressStyle['town'][], [45, 35, 20]],
  parts: [['all', 'road', 'compound'] as AddressStyle['parts'][], [55, 15, 30]],
  buildingWord: [['幢', '栋', '号楼', '座'] as AddressStyle['buildingWord'][], [55, 20, 15, 10]],
  roomWord: [['室', '房', ''] as AddressStyle['roomWord'][], [70, 10, 20]],
  numerals: [['arabic', 'chinese', 'fullwidth'] as AddressStyle['numerals'][], [85, 8, 7]],
} as const

/**
 * Draws a reporter's way of writing this address (the documented variants, at realistic rates).
 * @example formatAddress(parts, randomNoiseStyle(rng, parts, ['金色家苑']))
 */
export function randomNoiseStyle(rng: Rng, parts: AddressParts, aliases: readonly string[] = []): AddressStyle {
  const R = NOISE_RATES
  const style: AddressStyle = {
    prefix: weightedPick(rng, R.prefix[0], R.prefix[1]),
    town: weightedPick(rng, R.town[0], R.town[1]),
    parts: parts.road !== null && parts.compound !== null ? weightedPick(rng, R.parts[0], R.parts[1]) : 'all',
    buildingWord: weightedPick(rng, R.buildingWord[0], R.buildingWord[1]),
    roomWord: weightedPick(rng, R.roomWord[0], R.roomWord[1]),
    dash: chance(rng, 0.12),
    numerals: weightedPick(rng, R.numerals[0], R.numerals[1]),
    suffix: chance(rng, 0.2) ? randomSuffix(rng) : '',
  }
  if (parts.compound !== null && aliases.length > 0 && chance(rng, 0.3)) style.compoundName = pick(rng, aliases)
  if (chance(rng, 0.06)) {
    if (parts.compound !== null && (style.parts !== 'road' || parts.road === null)) {
      style.compoundName = typo(style.compoundName ?? parts.compound, rng)
    } else if (parts.road !== null) {
      style.roadName = typo(parts.road, rng)
    }
  }
  return style
}

/**
 * A noisy rendering of an address, as a caller or grid worker might type it.
 * @example addNoise(parts, rng) // '北干金城路438号金色家苑3-2-501'
 */
export function addNoise(parts: AddressParts, rng: Rng, aliases: readonly string[] = []): string {
  return formatAddress(parts, randomNoiseStyle(rng, parts, aliases))
}
