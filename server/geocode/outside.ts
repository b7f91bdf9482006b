/**
 * Whether address text starts in another part of China: a province, a prefecture-level city or a
 * county-level division that is not the district or one of its parents (data/china/divisions.csv).
 * An address of 苏州市姑苏区 that happens to name one of our roads is not ours.
 */
import { type OwnDistrict, ownDistrict, readDivisions } from './own-district.ts'

interface Divisions {
  /** Full names: 江苏省, 苏州市, 姑苏区, 余杭区 (never the district's own or its parents'). */
  full: Set<string>
  /** Cities without 市 (苏州): another division only when a county follows (苏州姑苏区). */
  cityShort: Set<string>
  longest: number
}

/** Per set of own codes and district name; per OwnDistrict object in front of it. */
const cache = new Map<string, Divisions>()
const byOwn = new WeakMap<OwnDistrict, Divisions>()
/** The last district asked for (a server has one). */
let last: { own: OwnDistrict; d: Divisions } | null = null

function load(own: OwnDistrict): Divisions {
  const full = new Set<string>()
  const cityShort = new Set<string>()
  for (const r of readDivisions()) {
    if (own.codes.has(r.code)) continue
    full.add(r.name)
    if (r.level === 'city' && r.name.endsWith('市') && r.name.length >= 3) cityShort.add(r.name.slice(0, -1))
  }
  // Hangzhou's districts before the 2021 reorganisation, still in old records.
  for (const n of ['江干区', '下城区']) full.add(n)
  // A district the table does not know is still not another division, nor are its parents' names.
  for (const n of [own.district.name, own.city?.name, own.province?.name]) if (n) full.delete(n)
  return { full, cityShort, longest: Math.max(...[...full].map((n) => n.length)) }
}

/** The division name `text` starts with, if any. */
function fullAt(d: Divisions, text: string, pos: number): string | null {
  for (let e = Math.min(text.length, pos + d.longest); e > pos + 1; e--) {
    const n = text.slice(pos, e)
    if (d.full.has(n)) return n
  }
  return null
}

/**
 * Whether the text (normalised, the district's own prefixes removed) starts with another
 * province, city or county of China than the district (`own`, Xiaoshan's when not given) and its
 * parents.
 * @example startsOutside('苏州市姑苏区桃谱路747号') // true; startsOutside('金华苑3幢') // false
 * @example startsOutside('杭州市萧山区城厢街道', ownDistrict('330521')) // true (for Deqing)
 */
export function startsOutside(text: string, own: OwnDistrict = ownDistrict()): boolean {
  if (last?.own !== own) {
    let found = byOwn.get(own)
    if (!found) {
      const key = `${[...own.codes].join('|')}|${own.district.name}`
      found = cache.get(key) ?? load(own)
      cache.set(key, found)
      byOwn.set(own, found)
    }
    last = { own, d: found }
  }
  const d = last.d
  if (fullAt(d, text, 0)) return true
  for (let e = 2; e <= 4 && e < text.length; e++) if (d.cityShort.has(text.slice(0, e)) && fullAt(d, text, e)) return true
  return false
}
