/**
 * This folder's own noise model for query texts: Chinese numerals (spoken and digit by digit),
 * full-width digits, building/unit/room word variants, dash notation, group styles, separators,
 * and the homophone slip. Pure functions of their inputs and an Rng.
 */
import type { Rng } from './rng.ts'
import { homophonesOf, READINGS } from './vocab.ts'

const CN_DIGITS = '零一二三四五六七八九'
const CN_UNITS = ['', '十', '百', '千']

/**
 * A number as spoken (0–9999): 435 → 四百三十五, 302 → 三百零二, 15 → 十五.
 * @example spokenNumber(1203) // '一千二百零三'
 */
export function spokenNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 9999) throw new Error(`cannot speak ${n}`)
  if (n === 0) return '零'
  const digits = String(n)
  let out = ''
  let zero = false
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i])
    const pos = digits.length - 1 - i
    if (d === 0) {
      zero = true
      continue
    }
    if (zero && out !== '') out += '零'
    zero = false
    out += CN_DIGITS[d]! + CN_UNITS[pos]!
  }
  return n >= 10 && n < 20 ? out.replace(/^一十/, '十') : out
}

/**
 * A number read digit by digit, as room numbers are said: 302 → 三零二.
 * @example digitByDigit(1203) // '一二零三'
 */
export function digitByDigit(n: number): string {
  return Array.from(String(n), (d) => CN_DIGITS[Number(d)]!).join('')
}

/**
 * ASCII digits (and letters, '-', '#') to their full-width forms: 2号楼 → ２号楼.
 * @example fullWidth('3-1-302') // '３－１－３０２'
 */
export function fullWidth(text: string): string {
  return text.replace(/[0-9A-Za-z#-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
}

/** How numbers of doors, buildings and units are written. */
export type NumStyle = 'arabic' | 'spoken'
/** How room numbers are written. */
export type RoomStyle = 'arabic' | 'digits' | 'spoken'
/** How a 组 is written: 3组, 三组, 第三村民小组, 第3组. */
export type GroupStyle = 'digit' | 'spoken' | 'formal' | 'di'

/** Rendering choices of one query text. */
export interface Style {
  prefix: string
  num: NumStyle
  roomNum: RoomStyle
  buildingWord: '幢' | '栋' | '座' | '号楼'
  roomWord: '室' | '房' | ''
  dash: boolean
  group: GroupStyle
  /** Separators between segments (one is drawn per gap). */
  seps: readonly string[]
  fullWidthDigits: boolean
  /** Wrap the compound name in brackets (stray punctuation). */
  bracketCompound: boolean
}

/** The plain style: canonical words, arabic numerals, no separators. */
export const PLAIN: Style = {
  prefix: '',
  num: 'arabic',
  roomNum: 'arabic',
  buildingWord: '幢',
  roomWord: '室',
  dash: false,
  group: 'digit',
  seps: [''],
  fullWidthDigits: false,
  bracketCompound: false,
}

/** What an address says, each part optional (a query may drop any of them). */
export interface SpokenParts {
  town?: string
  village?: string
  group?: number
  road?: string
  door?: number
  compound?: string
  building?: number
  unit?: number
  room?: number
}

/**
 * Renders address parts in a style.
 * @example render({ town: '北干街道', road: '宏达路', door: 5 }, PLAIN, rng) // '北干街道宏达路5号'
 */
export function render(p: SpokenParts, s: Style, rng: Rng): string {
  const num = (n: number) => (s.num === 'spoken' ? spokenNumber(n) : String(n))
  const segments: string[] = []
  if (s.prefix) segments.push(s.prefix)
  if (p.town) segments.push(p.town)
  if (p.village) segments.push(p.village + (p.group !== undefined ? groupText(p.group, s.group) : ''))
  if (p.road) segments.push(p.road + (p.door !== undefined ? `${num(p.door)}号` : ''))
  else if (p.door !== undefined && p.village) segments[segments.length - 1] += `${num(p.door)}号`
  if (p.compound) segments.push(s.bracketCompound ? `（${p.compound}）` : p.compound)
  if (p.building !== undefined && p.room !== undefined) segments.push(roomTail(p.building, p.unit, p.room, s))
  let out = segments[0] ?? ''
  for (let i = 1; i < segments.length; i++) out += rng.pick(s.seps) + segments[i]
  return s.fullWidthDigits ? fullWidth(out) : out
}

/**
 * The building/unit/room tail: 3幢2单元302室, 3-2-302, 三栋二单元三零二室, 3号楼302房.
 * @example roomTail(3, 2, 302, PLAIN) // '3幢2单元302室'
 */
export function roomTail(building: number, unit: number | undefined, room: number, s: Style): string {
  const roomText = s.roomNum === 'digits' ? digitByDigit(room) : s.roomNum === 'spoken' ? spokenNumber(room) : String(room)
  if (s.dash) return `${building}-${unit !== undefined ? `${unit}-` : ''}${room}${s.roomWord}`
  const num = (n: number) => (s.num === 'spoken' ? spokenNumber(n) : String(n))
  return `${num(building)}${s.buildingWord}${unit !== undefined ? `${num(unit)}单元` : ''}${roomText}${s.roomWord}`
}

/**
 * A 组 in one of its written forms.
 * @example groupText(3, 'formal') // '第三村民小组'
 */
export function groupText(g: number, style: GroupStyle): string {
  switch (style) {
    case 'digit':
      return `${g}组`
    case 'spoken':
      return `${spokenNumber(g)}组`
    case 'formal':
      return `第${spokenNumber(g)}村民小组`
    case 'di':
      return `第${g}组`
  }
}

/** Result of a homophone slip. */
export interface Slip {
  text: string
  pos: number
  from: string
  to: string
}

/**
 * Replaces one character of a name's stem (the first `stemLength` characters) by a character of
 * the same syllable, preferring another tone, such that the result is no real name.
 * @example slipName('银丰路', 2, rng, names) // { text: '音丰路', pos: 0, from: '银', to: '音' }
 */
export function slipName(name: string, stemLength: number, rng: Rng, realNames: ReadonlySet<string>): Slip | null {
  const positions = rng.shuffle(Array.from({ length: Math.min(stemLength, name.length) }, (_, i) => i))
  for (const pos of positions) {
    const from = name[pos]!
    const options = homophonesOf(from)
    const tone = READINGS.get(from)?.tone
    const other = options.filter((c) => READINGS.get(c)!.tone !== tone)
    const ordered = [...rng.shuffle(other), ...rng.shuffle(options.filter((c) => !other.includes(c)))]
    for (const to of ordered) {
      const text = name.slice(0, pos) + to + name.slice(pos + 1)
      if (!realNames.has(text)) return { text, pos, from, to }
    }
  }
  return null
}
