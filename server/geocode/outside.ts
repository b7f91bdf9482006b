/**
 * Whether address text starts in another part of China: a province, a prefecture-level city or a
 * county-level division that is not the district or one of its parents (data/china/divisions.csv).
 * An address of 苏州市姑苏区 that happens to name one of our roads is not ours.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { ROOT_DIR } from '../web/static.ts'

/** The divisions that contain the district (its own code, its city's and its province's). */
const OWN = new Set(['330109', '3301', '33'])

interface Divisions {
  /** Full names: 江苏省, 苏州市, 姑苏区, 余杭区 (never the district's own or its parents'). */
  full: Set<string>
  /** Cities without 市 (苏州): another division only when a county follows (苏州姑苏区). */
  cityShort: Set<string>
  longest: number
}

let divisions: Divisions | null = null

function load(): Divisions {
  const rows = parse(fs.readFileSync(path.join(ROOT_DIR, 'data', 'china', 'divisions.csv')), { columns: true }) as { level: string; code: string; name: string }[]
  const full = new Set<string>()
  const cityShort = new Set<string>()
  for (const r of rows) {
    if (OWN.has(r.code)) continue
    full.add(r.name)
    if (r.level === 'city' && r.name.endsWith('市') && r.name.length >= 3) cityShort.add(r.name.slice(0, -1))
  }
  // Hangzhou's districts before the 2021 reorganisation, still in old records.
  for (const n of ['江干区', '下城区']) full.add(n)
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
 * province, city or county of China.
 * @example startsOutside('苏州市姑苏区桃谱路747号') // true; startsOutside('金华苑3幢') // false
 */
export function startsOutside(text: string): boolean {
  const d = (divisions ??= load())
  if (fullAt(d, text, 0)) return true
  for (let e = 2; e <= 4 && e < text.length; e++) if (d.cityShort.has(text.slice(0, e)) && fullAt(d, text, e)) return true
  return false
}
