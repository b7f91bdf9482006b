/**
 * Non-homophone typos and other written variants of names, this folder's own tables:
 * - look-alike characters (形近字) with their readings, for handwriting/stroke input slips;
 * - abbreviated-pinyin slips (简拼: the right initial, another syllable, e.g. 金 jin → 佳 jia);
 * - a one-edit neighbourhood index of real names (to keep a typo recognisable: no other real name
 *   may lie one edit away from it);
 * - one-to-one simplified → traditional characters (only characters without a competing form).
 */
import type { Rng } from './rng.ts'
import { NEVER_SLIP, READINGS, sameSyllable } from './vocab.ts'

/**
 * Look-alike character pairs, each written `AaaBbb` as character, pinyin (no tone), character,
 * pinyin; used in both directions. Readings were checked to differ in syllable and not to be a
 * regional merger (see nearMerger); pairs whose second reading is polyphonic with the first were left out.
 */
const SHAPE_PAIRS_TEXT = [
  '锦jin绵mian',
  '宏hong宠chong',
  '洋yang详xiang',
  '杨yang汤tang',
  '凝ning疑yi',
  '岸an崖ya',
  '康kang唐tang',
  '康kang庚geng',
  '福fu祸huo',
  '禾he木mu',
  '嘉jia喜xi',
  '隆long降jiang',
  '晴qing睛jing',
  '江jiang红hong',
  '江jiang汪wang',
  '贝bei见jian',
  '冬dong各ge',
  '温wen湿shi',
  '宇yu字zi',
  '泰tai秦qin',
  '泰tai奉feng',
  '瑞rui端duan',
  '春chun奉feng',
  '岳yue兵bing',
  '秀xiu季ji',
  '梅mei海hai',
  '梅mei悔hui',
  '广guang厂chang',
  '宝bao实shi',
  '晶jing品pin',
  '亭ting享xiang',
  '亭ting亮liang',
  '俊jun唆suo',
  '融rong隔ge',
  '雅ya稚zhi',
  '怡yi恰qia',
  '桃tao挑tiao',
  '博bo傅fu',
  '海hai悔hui',
  '叶ye计ji',
  '彩cai彰zhang',
  '凯kai岂qi',
  '塘tang墉yong',
  '桥qiao娇jiao',
  '谷gu容rong',
  '伟wei讳hui',
  '通tong涌yong',
  '高gao亮liang',
  '卢lu户hu',
  '珍zhen玲ling',
  '浦pu捕bu',
  '坤kun伸shen',
  '吉ji告gao',
  '吉ji古gu',
  '杜du社she',
  '雪xue雷lei',
  '潘pan播bo',
  '牧mu收shou',
  '柯ke何he',
  '柯ke河he',
  '良liang艮gen',
  '良liang食shi',
  '柳liu聊liao',
  '音yin意yi',
  '音yin章zhang',
  '心xin必bi',
  '华hua毕bi',
  '星xing皇huang',
  '金jin全quan',
  '阳yang阴yin',
  '田tian由you',
  '田tian甲jia',
  '田tian申shen',
  '明ming朋peng',
  '平ping乎hu',
  '宁ning宇yu',
  '安an妄wang',
  '丰feng韦wei',
  '龙long尤you',
  '青qing责ze',
  '青qing表biao',
  '兰lan半ban',
  '山shan出chu',
  '北bei比bi',
  '东dong车che',
  '西xi酉you',
  '中zhong申shen',
  '文wen丈zhang',
  '玉yu王wang',
  '玉yu主zhu',
  '台tai合he',
  '生sheng牛niu',
  '锐rui悦yue',
  '祥xiang洋yang',
  '纯chun吨dun',
  '纯chun钝dun',
  '月yue用yong',
  '林lin材cai',
  '美mei姜jiang',
  '美mei羡xian',
  '光guang先xian',
  '黄huang寅yin',
  '报bao服fu',
  '景jing影ying',
  '万wan方fang',
  '君jun群qun',
  '志zhi忘wang',
  '惠hui患huan',
  '荣rong劳lao',
  '亚ya业ye',
  '益yi盖gai',
  '涛tao祷dao',
  '珠zhu殊shu',
  '颂song硕shuo',
  '波bo坡po',
  '波bo被bei',
  '菜cai莱lai',
  '永yong水shui',
  '畅chang扬yang',
  '开kai升sheng',
  '开kai井jing',
  '齐qi斋zhai',
  '棠tang常chang',
  '马ma乌wu',
  '马ma鸟niao',
  '维wei准zhun',
  '泽ze译yi',
  '剑jian脸lian',
  '剑jian验yan',
  '同tong向xiang',
  '崔cui雀que',
  '灯deng打da',
  '浩hao洁jie',
  '昆kun混hun',
  '浪lang粮liang',
  '云yun去qu',
  '云yun会hui',
  '季ji李li',
  '学xue字zi',
  '盼pan粉fen',
  '木mu本ben',
  '木mu术shu',
  '沙sha抄chao',
  '沙sha妙miao',
  '科ke料liao',
  '梁liang渠qu',
  '流liu梳shu',
  '新xin亲qin',
  '新xin断duan',
  '天tian夫fu',
  '天tian无wu',
  '和he知zhi',
  '和he利li',
  '城cheng域yu',
  '清qing倩qian',
  '可ke司si',
  '古gu占zhan',
  '容rong客ke',
  '楷kai谐xie',
  '则ze侧ce',
  '桐tong洞dong',
  '禄lu绿lv',
  '纱sha妙miao',
  '御yu卸xie',
  '润run涧jian',
  '上shang土tu',
  '上shang止zhi',
  '下xia卞bian',
  '大da太tai',
  '大da犬quan',
  '小xiao少shao',
  '埭dai棣di',
  '溇lou缕lv',
  '埠bu阜fu',
  '庄zhuang压ya',
  '池chi他ta',
  '池chi地di',
  '沈shen枕zhen',
  '孔kong扎zha',
  '汪wang注zhu',
  '戚qi威wei',
  '施shi旋xuan',
  '裘qiu袭xi',
  '钱qian线xian',
  '民min氏shi',
  '胜sheng性xing',
  '跃yue跌die',
  '向xiang问wen',
  '进jin讲jiang',
  '围wei固gu',
] as const

/** One look-alike pair. */
export interface ShapePair {
  a: string
  pa: string
  b: string
  pb: string
}

/**
 * Parses `AaaBbb` pair texts.
 * @example parseShapePair('锦jin绵mian') // { a: '锦', pa: 'jin', b: '绵', pb: 'mian' }
 */
export function parseShapePair(text: string): ShapePair {
  const m = /^(\p{Script=Han})([a-zü]+)(\p{Script=Han})([a-zü]+)$/u.exec(text)
  if (!m) throw new Error(`bad shape pair ${text}`)
  return { a: m[1]!, pa: m[2]!, b: m[3]!, pb: m[4]! }
}

/** Every look-alike pair. */
export const SHAPE_PAIRS: readonly ShapePair[] = SHAPE_PAIRS_TEXT.map(parseShapePair)

/** Characters a typo must never produce: numerals, address words and compound endings (they would change the parse). */
export const TYPO_NEVER = new Set([...NEVER_SLIP, ...'万园苑府庭湾城里坊居邸馆寓乡社期院宅巷弄'])

const SHAPE_OF: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>()
  for (const p of SHAPE_PAIRS) {
    ;(m.get(p.a) ?? m.set(p.a, []).get(p.a)!).push(p.b)
    ;(m.get(p.b) ?? m.set(p.b, []).get(p.b)!).push(p.a)
  }
  return m
})()

/**
 * Look-alike characters of a character (both directions of the table), minus forbidden ones.
 * @example shapeTypos('锦') // ['绵']
 */
export function shapeTypos(ch: string): string[] {
  return (SHAPE_OF.get(ch) ?? []).filter((c) => !TYPO_NEVER.has(c))
}

const INITIALS = ['zh', 'ch', 'sh', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'r', 'z', 'c', 's', 'y', 'w']

/**
 * The initial consonant of a pinyin syllable ('' for none).
 * @example initialOf('zhong') // 'zh'
 */
export function initialOf(syllable: string): string {
  return INITIALS.find((i) => syllable.startsWith(i)) ?? ''
}

const MERGED_INITIALS = [
  ['z', 'zh'],
  ['c', 'ch'],
  ['s', 'sh'],
  ['l', 'n'],
  ['f', 'h'],
]

/**
 * Whether two syllables sound alike to many southern speakers (tone ignored): equal, or apart only
 * by a final -n/-ng, or by z/zh, c/ch, s/sh, l/n, f/h. Such pairs are homophone slips, not typos.
 * @example nearMerger('jin', 'jing') // true
 */
export function nearMerger(a: string, b: string): boolean {
  if (a === b) return true
  const strip = (s: string) => s.replace(/ng$/, 'n')
  if (strip(a) === strip(b)) return true
  const ia = initialOf(a)
  const ib = initialOf(b)
  const fa = a.slice(ia.length)
  const fb = b.slice(ib.length)
  const sameInitial = ia === ib || MERGED_INITIALS.some(([x, y]) => (ia === x && ib === y) || (ia === y && ib === x))
  return sameInitial && strip(fa) === strip(fb)
}

/** Syllable → characters of the homophone table. */
const BY_SYLLABLE: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>()
  for (const [ch, r] of READINGS) (m.get(r.syllable) ?? m.set(r.syllable, []).get(r.syllable)!).push(ch)
  return m
})()

/**
 * Abbreviated-pinyin slips of a character: characters of another syllable with the same initial
 * (typing 简拼 "jf" for 金丰 and picking 佳丰), never a near-merger of the right syllable.
 * @example jianpinTypos('金').includes('佳') // true
 */
export function jianpinTypos(ch: string): string[] {
  const r = READINGS.get(ch)
  if (!r) return []
  const initial = initialOf(r.syllable)
  if (!initial) return []
  const out: string[] = []
  for (const [syllable, chars] of BY_SYLLABLE) {
    if (syllable === r.syllable || initialOf(syllable) !== initial || nearMerger(syllable, r.syllable)) continue
    for (const c of chars) if (!TYPO_NEVER.has(c)) out.push(c)
  }
  return out
}

/** Real names one edit (substitution, insertion or deletion) from a text. */
export class NameIndex {
  private readonly subs = new Map<string, string[]>()
  private readonly dels = new Map<string, string[]>()
  readonly names: ReadonlySet<string>

  /**
   * Indexes a set of names.
   * @example new NameIndex(['金丰路']).near('金峰路') // Set { '金丰路' }
   */
  constructor(names: Iterable<string>) {
    const all = new Set(names)
    this.names = all
    for (const n of all) {
      const chars = Array.from(n)
      for (let i = 0; i < chars.length; i++) {
        push(this.subs, maskAt(chars, i), n)
        push(this.dels, dropAt(chars, i), n)
      }
    }
  }

  /**
   * Real names at edit distance ≤ 1 from the text (the text itself included when real).
   * @example index.near('金丰东路') // Set { '金丰路', … }
   */
  near(text: string): Set<string> {
    const out = new Set<string>()
    if (this.names.has(text)) out.add(text)
    const chars = Array.from(text)
    for (let i = 0; i < chars.length; i++) {
      for (const n of this.subs.get(maskAt(chars, i)) ?? []) out.add(n)
      const d = dropAt(chars, i)
      if (this.names.has(d)) out.add(d)
    }
    for (const n of this.dels.get(text) ?? []) out.add(n)
    return out
  }

  /**
   * Whether a changed name stays recognisable: not itself real and no real name other than the
   * original one edit away.
   * @example index.onlyNear('金峰路', '金丰路') // true
   */
  onlyNear(text: string, original: string): boolean {
    if (this.names.has(text)) return false
    for (const n of this.near(text)) if (n !== original) return false
    return true
  }
}

/**
 * Appends to a multimap.
 * @example push(map, 'k', 'v')
 */
function push(m: Map<string, string[]>, k: string, v: string): void {
  const list = m.get(k)
  if (list) list.push(v)
  else m.set(k, [v])
}

/**
 * The characters with position i replaced by a mask character.
 * @example maskAt(['a', 'b'], 0) // '\u0000b'
 */
function maskAt(chars: readonly string[], i: number): string {
  return chars.slice(0, i).join('') + '\u0000' + chars.slice(i + 1).join('')
}

/**
 * The characters without position i.
 * @example dropAt(['a', 'b', 'c'], 1) // 'ac'
 */
function dropAt(chars: readonly string[], i: number): string {
  return chars.slice(0, i).join('') + chars.slice(i + 1).join('')
}

/** A one-character change of a name. */
export interface NameEdit {
  text: string
  pos: number
  from: string
  to: string
  how: 'shape' | 'jianpin' | 'homophone'
}

/**
 * A non-homophone one-character typo inside a name's first `stemLength` characters (look-alike or
 * abbreviated-pinyin slip), such that the result is no real name, no other real name lies one
 * edit away, and it spells no town name the original did not.
 * @example typoName('金丰路', 2, rng, index, ['北干']) // { text: '全丰路', how: 'shape', … }
 */
export function typoName(name: string, stemLength: number, rng: Rng, index: NameIndex, townNames: readonly string[]): NameEdit | null {
  const chars = Array.from(name)
  const positions = rng.shuffle(Array.from({ length: Math.min(stemLength, chars.length) }, (_, i) => i))
  const preferShape = rng.chance(0.65)
  for (const pos of positions) {
    const from = chars[pos]!
    const shape = rng.shuffle(shapeTypos(from)).map((to) => ({ to, how: 'shape' as const }))
    const jianpin = rng
      .shuffle(jianpinTypos(from))
      .slice(0, 12)
      .map((to) => ({ to, how: 'jianpin' as const }))
    for (const { to, how } of preferShape ? [...shape, ...jianpin] : [...jianpin, ...shape]) {
      if (to === from || sameSyllable(to, from)) continue
      const text = chars.slice(0, pos).join('') + to + chars.slice(pos + 1).join('')
      if (!index.onlyNear(text, name) || spellsNewTown(text, name, townNames)) continue
      return { text, pos, from, to, how }
    }
  }
  return null
}

/**
 * Whether a changed name contains a town name the original did not (it would read as a town).
 * @example spellsNewTown('北干丰路', '金丰路', ['北干']) // true
 */
export function spellsNewTown(text: string, original: string, townNames: readonly string[]): boolean {
  return townNames.some((t) => text.includes(t) && !original.includes(t))
}

/**
 * Simplified → traditional, only for characters whose traditional form is unique in every sense
 * used in these addresses (干, 丰, 台, 钟, 后, 谷, 云, 松… have competing forms and are left alone).
 */
const TRADITIONAL_PAIRS =
  '华華东東银銀龙龍园園湾灣宝寶广廣阳陽桥橋区區号號单單镇鎮萧蕭门門丽麗兴興锦錦红紅凤鳳鸿鴻杨楊铭銘宁寧枫楓澜瀾' +
  '温溫辉輝凯凱伟偉卢盧达達兰蘭锐銳纯純书書黄黃报報荣榮亚亞涛濤颂頌业業畅暢开開齐齊乔喬马馬维維泽澤剑劍' +
  '诗詩谱譜灯燈学學组組楼樓层層栋棟庄莊贝貝鸣鳴蓝藍盘盤绣繡则則禄祿纱紗润潤馆館筑築闻聞进進临臨义義沥瀝' +
  '农農围圍垦墾场場钱錢纪紀经經济濟术術发發厢廂坞塢溇漊韩韓来來娄婁寿壽联聯胜勝跃躍卫衛强強乡鄉'

/** The simplified → traditional map. */
export const TRADITIONAL: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>()
  const chars = Array.from(TRADITIONAL_PAIRS)
  for (let i = 0; i + 1 < chars.length; i += 2) m.set(chars[i]!, chars[i + 1]!)
  return m
})()

/**
 * A text in traditional characters where the mapping is unambiguous; other characters unchanged.
 * @example toTraditional('萧山区北干街道宏达路5号') // '蕭山區北干街道宏達路5號'
 */
export function toTraditional(text: string): string {
  return Array.from(text, (c) => TRADITIONAL.get(c) ?? c).join('')
}

/**
 * Inserts `count` spaces at random places strictly inside a name (between two of its characters).
 * @example spaceOut('育顺街', 2, rng) // '育 顺 街'
 */
export function spaceOut(name: string, count: number, rng: Rng, space = ' '): string {
  const chars = Array.from(name)
  if (chars.length < 2) return name
  const gaps = rng.shuffle(Array.from({ length: chars.length - 1 }, (_, i) => i + 1)).slice(0, Math.max(1, count))
  return chars.map((c, i) => (gaps.includes(i) ? space + c : c)).join('')
}
