/**
 * The geocoder's name dictionary: towns and villages (from admin_areas), roads and compounds
 * (from the address_places view over the address base). It is small (a few thousand names even
 * for the full base), so it lives in memory; names are matched exactly, by alias, or with one
 * wrong character. Numbers are never matched loosely — those are looked up in the database.
 */
import { pinyin } from 'pinyin-pro'
import type { Sql } from 'postgres'
import { normalizeName } from './normalize.ts'
import { parsePath, type PathPoint } from './roads.ts'

export interface TownEntry {
  code: string
  name: string
  shortName: string
  lng: number
  lat: number
}

export interface VillageEntry {
  code: string
  townCode: string
  /** As written in addresses: 横一村, 陈公桥社区. */
  name: string
  lng: number
  lat: number
}

/** A road or compound of one town, with a representative point. */
export interface PlaceEntry {
  kind: 'road' | 'compound'
  townCode: string
  villageCode: string | null
  /** The grid most of a compound's addresses are in (null for roads, which cross many). */
  gridCode: string | null
  name: string
  aliases: string[]
  /** The gate of a compound (its most common road + door number). */
  road: string | null
  doorNo: string | null
  n: number
  lng: number
  lat: number
  /** A road's sampled doors (empty for compounds). */
  path: PathPoint[]
}

export interface DictionaryData {
  district: { code: string; name: string; lng: number; lat: number } | null
  towns: TownEntry[]
  villages: VillageEntry[]
  places: PlaceEntry[]
}

/** A name as found in the dictionary: exactly, as an alias, or with one character different. */
export interface NameHit<T> {
  entry: T
  via: 'name' | 'alias' | 'fuzzy'
  /** For a fuzzy hit: the wrong character sounds like the right one (同音字, the usual IME slip). */
  homophone?: boolean
}

const readings = new Map<string, string[]>()

/**
 * Whether two characters share a reading (tones ignored), by pinyin-pro's dictionary.
 * @example sameSound('金', '今') // true; sameSound('家', '花') // false
 */
export function sameSound(a: string, b: string): boolean {
  const read = (c: string) => {
    let r = readings.get(c)
    if (!r) {
      r = pinyin(c, { toneType: 'none', multiple: true, type: 'array' })
      readings.set(c, r)
    }
    return r
  }
  const ra = read(a)
  return read(b).some((x) => ra.includes(x))
}

/** Whether the one differing character of two same-length names is a homophone slip. */
function homophoneTypo(typed: string, name: string): boolean {
  const a = [...typed]
  const b = [...name]
  const i = a.findIndex((c, k) => c !== b[k])
  return i >= 0 && sameSound(a[i] as string, b[i] as string)
}

export interface NameDictionary extends DictionaryData {
  townByName: Map<string, TownEntry>
  townByCode: Map<string, TownEntry>
  villageByCode: Map<string, VillageEntry>
  villagesByName: Map<string, VillageEntry[]>
  /** Exact names and aliases → places (roads repeat across towns: 人民路). */
  roadsByName: Map<string, PlaceEntry[]>
  compoundsByName: Map<string, { entry: PlaceEntry; alias: boolean }[]>
  /** Names with one character replaced by \0 → the names, for one-typo lookups. */
  fuzzyRoads: Map<string, Set<string>>
  fuzzyCompounds: Map<string, Set<string>>
  /** Longest name of any kind, in characters (bounds the scanner). */
  maxNameLength: number
  /** Town names longest first (full and short), for matching at a position. */
  townNamesByLength: string[]
}

const WILDCARD = '\u0000'

/**
 * The one-substitution keys of a name (each character in turn replaced by a wildcard).
 * @example substitutionKeys('金城路') // ['\0城路', '金\0路', '金城\0']
 */
export function substitutionKeys(name: string): string[] {
  const chars = [...name]
  return chars.map((_, i) => [...chars.slice(0, i), WILDCARD, ...chars.slice(i + 1)].join(''))
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function addFuzzy(map: Map<string, Set<string>>, name: string): void {
  // Two-character names are too short to guess a typo in (北山 vs 北干).
  if ([...name].length < 3) return
  for (const key of substitutionKeys(name)) {
    const set = map.get(key)
    if (set) set.add(name)
    else map.set(key, new Set([name]))
  }
}

/**
 * Indexes dictionary data for the parser and matcher.
 * @example const dict = buildDictionary({ district, towns, villages, places }); dict.roadsByName.get('人民路')
 */
export function buildDictionary(data: DictionaryData): NameDictionary {
  const townByName = new Map<string, TownEntry>()
  const townByCode = new Map<string, TownEntry>()
  for (const t of data.towns) {
    townByCode.set(t.code, t)
    townByName.set(t.name, t)
    if (t.shortName && t.shortName.length >= 2 && !townByName.has(t.shortName)) townByName.set(t.shortName, t)
  }
  const villageByCode = new Map<string, VillageEntry>()
  const villagesByName = new Map<string, VillageEntry[]>()
  for (const v of data.villages) {
    villageByCode.set(v.code, v)
    push(villagesByName, v.name, v)
  }
  const roadsByName = new Map<string, PlaceEntry[]>()
  const compoundsByName = new Map<string, { entry: PlaceEntry; alias: boolean }[]>()
  const fuzzyRoads = new Map<string, Set<string>>()
  const fuzzyCompounds = new Map<string, Set<string>>()
  let maxNameLength = 0
  for (const p of data.places) {
    const names = [p.name, ...p.aliases]
    for (const n of names) maxNameLength = Math.max(maxNameLength, [...n].length)
    if (p.kind === 'road') {
      push(roadsByName, p.name, p)
      addFuzzy(fuzzyRoads, p.name)
    } else {
      push(compoundsByName, p.name, { entry: p, alias: false })
      addFuzzy(fuzzyCompounds, p.name)
      for (const a of p.aliases) {
        push(compoundsByName, a, { entry: p, alias: true })
        addFuzzy(fuzzyCompounds, a)
      }
    }
  }
  for (const n of [...townByName.keys(), ...villagesByName.keys()]) maxNameLength = Math.max(maxNameLength, [...n].length)
  const townNamesByLength = [...townByName.keys()].sort((a, b) => b.length - a.length)
  return {
    ...data,
    townByName,
    townByCode,
    villageByCode,
    villagesByName,
    roadsByName,
    compoundsByName,
    fuzzyRoads,
    fuzzyCompounds,
    maxNameLength,
    townNamesByLength,
  }
}

/**
 * Names in `fuzzy` one character away from `raw` (same length). Exact matches are not included.
 * @example fuzzyNames(dict.fuzzyRoads, '今城路') // ['金城路']
 */
export function fuzzyNames(fuzzy: Map<string, Set<string>>, raw: string): string[] {
  if ([...raw].length < 3) return []
  const out = new Set<string>()
  for (const key of substitutionKeys(raw)) for (const n of fuzzy.get(key) ?? []) if (n !== raw) out.add(n)
  return [...out]
}

/**
 * Roads named `raw` (exactly, else with one typo), optionally only those of one town.
 * @example findRoads(dict, '今城路', '330109002') // [{ entry: 金城路 of 北干, via: 'fuzzy' }]
 */
export function findRoads(dict: NameDictionary, raw: string, townCode?: string | null): NameHit<PlaceEntry>[] {
  const inTown = (p: PlaceEntry) => !townCode || p.townCode === townCode
  const exact = (dict.roadsByName.get(raw) ?? []).filter(inTown)
  if (exact.length > 0) return exact.map((entry) => ({ entry, via: 'name' as const }))
  return fuzzyNames(dict.fuzzyRoads, raw).flatMap((n) =>
    (dict.roadsByName.get(n) ?? []).filter(inTown).map((entry) => ({ entry, via: 'fuzzy' as const, homophone: homophoneTypo(raw, n) })),
  )
}

/**
 * Compounds named `raw` (name, else alias, else one typo), optionally only those of one town.
 * @example findCompounds(dict, '金色家苑') // [{ entry: 金色家园, via: 'alias' }]
 */
export function findCompounds(dict: NameDictionary, raw: string, townCode?: string | null): NameHit<PlaceEntry>[] {
  const inTown = (p: PlaceEntry) => !townCode || p.townCode === townCode
  const exact = (dict.compoundsByName.get(raw) ?? []).filter((h) => inTown(h.entry))
  if (exact.length > 0) {
    // An exact name beats an alias that happens to equal it.
    const named = exact.filter((h) => !h.alias)
    return (named.length > 0 ? named : exact).map((h) => ({ entry: h.entry, via: h.alias ? ('alias' as const) : ('name' as const) }))
  }
  const seen = new Set<PlaceEntry>()
  const out: NameHit<PlaceEntry>[] = []
  for (const n of fuzzyNames(dict.fuzzyCompounds, raw)) {
    for (const h of dict.compoundsByName.get(n) ?? []) {
      if (!inTown(h.entry) || seen.has(h.entry)) continue
      seen.add(h.entry)
      out.push({ entry: h.entry, via: 'fuzzy', homophone: homophoneTypo(raw, n) })
    }
  }
  return out
}

interface AreaRowDb {
  code: string
  name: string
  level: 'district' | 'town' | 'village'
  parent_code: string | null
  short_name: string | null
  lng: number
  lat: number
}

interface PlaceRowDb {
  kind: 'road' | 'compound'
  town_code: string
  village_code: string | null
  grid_code: string | null
  name: string
  aliases: string | null
  road: string | null
  door_no: string | null
  n: number
  lng: number
  lat: number
  path: string | null
}

/** The village name as written in addresses: 村委会 → 村 (王村村委会 → 王村). */
export function villageAddressName(name: string): string {
  if (name.endsWith('村委会')) {
    const base = name.slice(0, -3)
    return base.endsWith('村') && base.length > 1 ? base : `${base}村`
  }
  if (name.endsWith('居委会')) return `${name.slice(0, -3)}社区`
  return name
}

/**
 * Reads the dictionary from the database (admin areas and the address_places view).
 * @example const dict = await loadNameDictionary(db.sql)
 */
export async function loadNameDictionary(sql: Sql): Promise<NameDictionary> {
  const areas = await sql<AreaRowDb[]>`
    SELECT code, name, level, parent_code, properties->>'short_name' AS short_name,
           ST_X(label_point) AS lng, ST_Y(label_point) AS lat
    FROM admin_areas WHERE level IN ('district', 'town', 'village') ORDER BY code`
  const places = await sql<PlaceRowDb[]>`
    SELECT kind, town_code, village_code, grid_code, name, aliases, road, door_no, n, lng, lat, path
    FROM address_places ORDER BY kind, town_code, name`
  const d = areas.find((a) => a.level === 'district')
  return buildDictionary({
    district: d ? { code: d.code, name: d.name, lng: d.lng, lat: d.lat } : null,
    towns: areas
      .filter((a) => a.level === 'town')
      .map((a) => ({ code: a.code, name: a.name, shortName: a.short_name ?? a.name.replace(/(街道|镇|乡)$/, ''), lng: a.lng, lat: a.lat })),
    villages: areas
      .filter((a) => a.level === 'village' && a.parent_code)
      .map((a) => ({ code: a.code, townCode: a.parent_code as string, name: villageAddressName(a.short_name ?? a.name), lng: a.lng, lat: a.lat })),
    places: places.map((p) => ({
      kind: p.kind,
      townCode: p.town_code,
      villageCode: p.village_code,
      gridCode: p.grid_code,
      name: normalizeName(p.name),
      aliases: p.aliases ? p.aliases.split('|').filter(Boolean).map(normalizeName) : [],
      road: p.road,
      doorNo: p.door_no,
      n: p.n,
      lng: p.lng,
      lat: p.lat,
      path: parsePath(p.path),
    })),
  })
}
