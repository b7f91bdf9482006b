/**
 * The geocoder's name dictionary: towns and villages (from admin_areas), roads and compounds
 * (from the address_places view over the address base). It is small (a few thousand names even
 * for the full base), so it lives in memory; names are matched exactly, by alias, or with one
 * wrong character. Numbers are never matched loosely — those are looked up in the database.
 */
import { pinyin } from 'pinyin-pro'
import type { Sql } from 'postgres'

import { normalizeAddress, normalizeName, toSimplified } from './normalize.ts'
import { type OwnDistrict, ownDistrict, withOwnNames } from './own-district.ts'
import { parsePath, type PathPoint } from './roads.ts'

export interface TownEntry {
  code: string
  name: string
  shortName: string
  lng: number
  lat: number
}

/**
 * A village as addresses write it, in the town they write: from admin_areas (its committee) or
 * only from the address base (a name the boundaries do not use). Identified by town and name.
 */
export interface VillageEntry {
  /** The village area the name stands for (the polygon most of its addresses lie in); null if none. */
  code: string | null
  /** The town addresses write it under (for an admin village: its parent). */
  townCode: string
  /** The town of the village area, when it differs from the written town (null: same). */
  areaTownCode?: string | null
  /** As written in addresses: 横一村, 陈公桥社区. */
  name: string
  lng: number
  lat: number
}

/** The identity of a village entry: its written town and name. */
export const villageKey = (v: Pick<VillageEntry, 'townCode' | 'name'>): string => `${v.townCode}|${v.name}`

/** A road or compound of one town, with a representative point. */
export interface PlaceEntry {
  kind: 'road' | 'compound'
  /** The town its addresses write (what text names). */
  townCode: string
  /** The town area most of its addresses lie in, when known (area codes of a compound answer). */
  areaTownCode?: string | null
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
  /** A gazetteer landmark (a compound-like name with a point of its own): the level it answers. */
  landmark?: GazetteerLevel
}

/** Levels a gazetteer name may answer. */
export const GAZETTEER_LEVELS = ['compound', 'road', 'village', 'town'] as const
export type GazetteerLevel = (typeof GAZETTEER_LEVELS)[number]

/**
 * A gazetteer row: an alias of a known place (`aliasOf`), or a named point (`point`) with the
 * area codes of its polygons.
 */
export interface GazetteerEntry {
  name: string
  aliasOf: string | null
  level: GazetteerLevel
  /** Limits an alias to that town's places; a point's town (its polygon's, if not given). */
  townCode: string | null
  point: { lng: number; lat: number; townCode: string | null; villageCode: string | null; gridCode: string | null } | null
}

export interface DictionaryData {
  district: { code: string; name: string; lng: number; lat: number } | null
  towns: TownEntry[]
  /** Admin villages first: a village of the base with the same town and name adds nothing. */
  villages: VillageEntry[]
  places: PlaceEntry[]
  gazetteer?: GazetteerEntry[]
}

/** A name as found in the dictionary: exactly, as an alias, or with one character different. */
export interface NameHit<T> {
  entry: T
  /** prefix: the start of one name only (和院御 for 和院御家园, the generic tail left off). */
  via: 'name' | 'alias' | 'fuzzy' | 'prefix'
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
  /**
   * The district's own prefix words (own-district.ts), from `district.code` (Xiaoshan's when there
   * is no district); its siblings without those some name of the district starts with.
   */
  own: OwnDistrict
  townByName: Map<string, TownEntry>
  townByCode: Map<string, TownEntry>
  /** Villages by villageKey (written town and name). */
  villageByKey: Map<string, VillageEntry>
  /** The first village entry of each village area (the admin one when there is one). */
  villageByCode: Map<string, VillageEntry>
  /** Names (and gazetteer aliases) → villages. */
  villagesByName: Map<string, VillageEntry[]>
  /** Exact names and aliases → places (roads repeat across towns: 人民路). */
  roadsByName: Map<string, PlaceEntry[]>
  compoundsByName: Map<string, { entry: PlaceEntry; alias: boolean }[]>
  /** Names with one character replaced by \0 → the names, for one-typo lookups. */
  fuzzyRoads: Map<string, Set<string>>
  fuzzyCompounds: Map<string, Set<string>>
  fuzzyVillages: Map<string, Set<string>>
  /** The starts of compound names (two characters or more, short of the whole) → their compounds. */
  compoundPrefixes: Map<string, Set<PlaceEntry>>
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
 * Other names of a town: the short name with another suffix (宁围镇 for 宁围街道, which was a
 * 镇 until 2013; people and old records keep writing it).
 * @example townVariants({ name: '宁围街道', shortName: '宁围' }) // ['宁围镇', '宁围乡']
 */
export function townVariants(t: Pick<TownEntry, 'name' | 'shortName'>): string[] {
  if (!/(街道|镇|乡)$/.test(t.name) || !t.shortName || t.shortName.length < 2) return []
  return ['街道', '镇', '乡'].map((suffix) => t.shortName + suffix).filter((n) => n !== t.name)
}

/**
 * The forms a landmark name can reach the matcher in: as written, and as the normaliser leaves it
 * (萧山区人民医院 is parsed as 萧山区 + 人民医院).
 * @example landmarkNames('萧山区人民医院') // ['萧山区人民医院', '人民医院']
 * @example landmarkNames('德清县人民医院', ownDistrict('330521')) // ['德清县人民医院', '人民医院']
 */
export function landmarkNames(name: string, own: OwnDistrict = ownDistrict()): string[] {
  const whole = normalizeName(name)
  const parsed = normalizeAddress(whole, [], own).text
  return parsed !== whole && [...parsed].length >= 2 ? [whole, parsed] : [whole]
}

/**
 * Indexes dictionary data for the parser and matcher.
 * @example const dict = buildDictionary({ district, towns, villages, places }); dict.roadsByName.get('人民路')
 */
export function buildDictionary(data: DictionaryData): NameDictionary {
  const district = ownDistrict(data.district?.code, data.district?.name)
  const townByName = new Map<string, TownEntry>()
  const townByCode = new Map<string, TownEntry>()
  for (const t of data.towns) {
    townByCode.set(t.code, t)
    townByName.set(t.name, t)
  }
  for (const t of data.towns) if (t.shortName && t.shortName.length >= 2 && !townByName.has(t.shortName)) townByName.set(t.shortName, t)
  for (const t of data.towns) for (const v of townVariants(t)) if (!townByName.has(v)) townByName.set(v, t)
  const villageByKey = new Map<string, VillageEntry>()
  const villagesByName = new Map<string, VillageEntry[]>()
  const villageByCode = new Map<string, VillageEntry>()
  for (const v of data.villages) {
    const key = villageKey(v)
    if (villageByKey.has(key)) continue
    villageByKey.set(key, v)
    if (v.code && !villageByCode.has(v.code)) villageByCode.set(v.code, v)
    push(villagesByName, v.name, v)
  }
  const roadsByName = new Map<string, PlaceEntry[]>()
  const compoundsByName = new Map<string, { entry: PlaceEntry; alias: boolean }[]>()
  const fuzzyRoads = new Map<string, Set<string>>()
  const fuzzyCompounds = new Map<string, Set<string>>()
  const addCompound = (name: string, entry: PlaceEntry, alias: boolean) => {
    push(compoundsByName, name, { entry, alias })
    addFuzzy(fuzzyCompounds, name)
  }
  for (const p of data.places) {
    if (p.kind === 'road') {
      push(roadsByName, p.name, p)
      addFuzzy(fuzzyRoads, p.name)
    } else {
      addCompound(p.name, p, false)
      for (const a of p.aliases) addCompound(a, p, true)
    }
  }
  const places = [...data.places]
  for (const g of data.gazetteer ?? []) {
    const inTown = (code: string) => !g.townCode || code === g.townCode
    if (g.point) {
      const names = landmarkNames(g.name, district)
      const entry: PlaceEntry = {
        kind: 'compound',
        townCode: g.townCode ?? g.point.townCode ?? '',
        areaTownCode: g.point.townCode,
        villageCode: g.point.villageCode,
        gridCode: g.point.gridCode,
        name: names[0]!,
        aliases: names.slice(1),
        road: null,
        doorNo: null,
        n: 0,
        lng: g.point.lng,
        lat: g.point.lat,
        path: [],
        landmark: g.level,
      }
      places.push(entry)
      names.forEach((n, i) => addCompound(n, entry, i > 0))
      continue
    }
    const target = normalizeName(g.aliasOf ?? '')
    const town = townByName.get(target)
    if (town && inTown(town.code)) {
      if (!townByName.has(g.name)) townByName.set(g.name, town)
      continue
    }
    for (const v of (villagesByName.get(target) ?? []).filter((x) => inTown(x.townCode))) push(villagesByName, g.name, v)
    for (const h of (compoundsByName.get(target) ?? []).filter((x) => !x.alias && inTown(x.entry.townCode)))
      addCompound(g.name, h.entry, true)
    for (const r of (roadsByName.get(target) ?? []).filter((x) => inTown(x.townCode))) {
      push(roadsByName, g.name, r)
      addFuzzy(fuzzyRoads, g.name)
    }
  }
  const fuzzyVillages = new Map<string, Set<string>>()
  for (const n of villagesByName.keys()) addFuzzy(fuzzyVillages, n)
  const compoundPrefixes = new Map<string, Set<PlaceEntry>>()
  for (const p of places) {
    if (p.kind !== 'compound' || p.landmark) continue
    const chars = [...p.name]
    for (let k = 2; k < chars.length; k++) {
      const key = chars.slice(0, k).join('')
      const set = compoundPrefixes.get(key)
      if (set) set.add(p)
      else compoundPrefixes.set(key, new Set([p]))
    }
  }
  // Names written with a traditional character (昇光村) are also known as a converted query reads them.
  for (const map of [townByName, villagesByName, roadsByName, compoundsByName] as Map<string, unknown>[]) {
    for (const [n, v] of [...map]) {
      const simple = toSimplified(n)
      if (simple !== n && !map.has(simple)) map.set(simple, v)
    }
  }
  let maxNameLength = 0
  for (const n of [...townByName.keys(), ...villagesByName.keys(), ...roadsByName.keys(), ...compoundsByName.keys()]) {
    maxNameLength = Math.max(maxNameLength, [...n].length)
  }
  const townNamesByLength = [...townByName.keys()].sort((a, b) => b.length - a.length)
  const own = withOwnNames(district, [...townByName.keys(), ...villagesByName.keys(), ...roadsByName.keys(), ...compoundsByName.keys()])
  return {
    ...data,
    own,
    places,
    townByName,
    townByCode,
    villageByKey,
    villageByCode,
    villagesByName,
    roadsByName,
    compoundsByName,
    fuzzyRoads,
    fuzzyCompounds,
    fuzzyVillages,
    compoundPrefixes,
    maxNameLength,
    townNamesByLength,
  }
}

/**
 * Which gazetteer kind a row's alias names: a town, village, road or compound the dictionary
 * knows, or null (the alias points at nothing, and the import says so).
 * @example aliasTarget(dict, '宁围街道', null) // 'town'
 */
export function aliasTarget(
  dict: NameDictionary,
  aliasOf: string,
  townCode: string | null,
): 'town' | 'village' | 'road' | 'compound' | null {
  const target = normalizeName(aliasOf)
  const inTown = (code: string) => !townCode || code === townCode
  const town = dict.townByName.get(target)
  if (town && inTown(town.code)) return 'town'
  if ((dict.villagesByName.get(target) ?? []).some((v) => inTown(v.townCode))) return 'village'
  if ((dict.roadsByName.get(target) ?? []).some((r) => inTown(r.townCode))) return 'road'
  if ((dict.compoundsByName.get(target) ?? []).some((c) => inTown(c.entry.townCode))) return 'compound'
  return null
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

/** Words people add to a compound's name or leave off it: 金色家园小区 is 金色家园. */
const GENERIC_TAIL = /(?:小区|住宅区|生活区)$/

/**
 * Compounds named `raw` (name, else alias, else one typo, else the start of one name only),
 * optionally only those of one town. A generic tail (小区) written or left off does not matter.
 * @example findCompounds(dict, '金色家苑') // [{ entry: 金色家园, via: 'alias' }]
 */
export function findCompounds(dict: NameDictionary, raw: string, townCode?: string | null): NameHit<PlaceEntry>[] {
  const inTown = (p: PlaceEntry) => !townCode || p.townCode === townCode
  const exactOf = (name: string) => (dict.compoundsByName.get(name) ?? []).filter((h) => inTown(h.entry))
  let exact = exactOf(raw)
  if (exact.length === 0 && GENERIC_TAIL.test(raw)) exact = exactOf(raw.replace(GENERIC_TAIL, ''))
  if (exact.length === 0 && !GENERIC_TAIL.test(raw)) exact = exactOf(`${raw}小区`)
  if (exact.length > 0) {
    // An exact name beats an alias that happens to equal it.
    const named = exact.filter((h) => !h.alias)
    return (named.length > 0 ? named : exact).map((h) => ({ entry: h.entry, via: h.alias ? ('alias' as const) : ('name' as const) }))
  }
  const seen = new Set<PlaceEntry>()
  const out: NameHit<PlaceEntry>[] = []
  const typed = fuzzyNames(dict.fuzzyCompounds, raw)
  for (const n of typed.length > 0 ? typed : fuzzyNames(dict.fuzzyCompounds, raw.replace(GENERIC_TAIL, ''))) {
    for (const h of dict.compoundsByName.get(n) ?? []) {
      if (!inTown(h.entry) || seen.has(h.entry)) continue
      seen.add(h.entry)
      out.push({ entry: h.entry, via: 'fuzzy', homophone: homophoneTypo(raw, n) })
    }
  }
  if (out.length > 0) return out
  // 和院御 for 和院御家园: the start of exactly one name (in the town, if one was written).
  const starting = [...(dict.compoundPrefixes.get(raw) ?? [])].filter(inTown)
  return starting.length === 1 ? [{ entry: starting[0]!, via: 'prefix' }] : []
}

/**
 * Villages named `raw` (exactly or by a gazetteer alias, else with one wrong character), in the
 * town when one is given (a village under its polygon's town counts too).
 * @example findVillages(dict, '马古村', '330109102') // [{ entry: 马谷村, via: 'fuzzy', homophone: true }]
 */
export function findVillages(dict: NameDictionary, raw: string, townCode?: string | null): NameHit<VillageEntry>[] {
  const inTown = (v: VillageEntry) => !townCode || v.townCode === townCode || v.areaTownCode === townCode
  const exact = (dict.villagesByName.get(raw) ?? []).filter(inTown)
  if (exact.length > 0) return exact.map((entry) => ({ entry, via: 'name' as const }))
  return fuzzyNames(dict.fuzzyVillages, raw).flatMap((n) =>
    (dict.villagesByName.get(n) ?? []).filter(inTown).map((entry) => ({ entry, via: 'fuzzy' as const, homophone: homophoneTypo(raw, n) })),
  )
}

/**
 * Loose name hits worth reading: exact ones; else homophone slips (the usual input-method error);
 * else the one name a single other slip away (in the town written, or in the whole district; the
 * name may stand in several towns): two such names, and the text names neither.
 * @example plausible(findRoads(dict, '今城路')) // [金城路, homophone]
 */
export function plausible<T extends { name: string }>(hits: NameHit<T>[]): NameHit<T>[] {
  if (hits.length === 0 || hits[0]!.via !== 'fuzzy') return hits
  const sound = hits.filter((h) => h.homophone)
  if (sound.length > 0) return sound
  return new Set(hits.map((h) => h.entry.name)).size === 1 ? hits : []
}

/**
 * Slips too loose to read alone (one character off two or three names, none sounding right):
 * worth probing all the same, since only the exact numbers can then decide — a name whose door or
 * room is not there drops out. Null when there are none, or too many to probe.
 * @example evidenceOnly(findVillages(dict, '江凝村')) // [江南村, 江宁村] (probe both)
 */
export function evidenceOnly<T extends { name: string }>(hits: NameHit<T>[]): NameHit<T>[] | null {
  if (hits.length === 0 || plausible(hits).length > 0) return null
  return new Set(hits.map((h) => h.entry.name)).size <= 3 ? hits : null
}

/**
 * The hits of a lookup worth reading: the plausible ones, else (`loose`) the two or three that
 * only exact numbers can decide between.
 * @example readableHits(findVillages(dict, '江凝村')) // { hits: [江南村, 江宁村], loose: true }
 */
export function readableHits<T extends { name: string }>(found: NameHit<T>[]): { hits: NameHit<T>[]; loose: boolean } {
  const sure = plausible(found)
  if (sure.length > 0) return { hits: sure, loose: false }
  const loose = evidenceOnly(found)
  return loose ? { hits: loose, loose: true } : { hits: [], loose: false }
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
  kind: 'road' | 'compound' | 'village'
  town_code: string
  area_town_code: string | null
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

interface GazetteerRowDb {
  name: string
  alias_of: string | null
  level: GazetteerLevel
  town_code: string | null
  lng: number | null
  lat: number | null
  area_town_code: string | null
  village_code: string | null
  grid_code: string | null
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
 * Reads the dictionary from the database: admin areas, the address_places view (roads,
 * compounds and villages as the base writes them) and the gazetteer (a landmark's area codes
 * from the polygons its point is in).
 * @example const dict = await loadNameDictionary(db.sql)
 */
export async function loadNameDictionary(sql: Sql): Promise<NameDictionary> {
  const areas = await sql<AreaRowDb[]>`
    SELECT code, name, level, parent_code, properties->>'short_name' AS short_name,
           ST_X(label_point) AS lng, ST_Y(label_point) AS lat
    FROM admin_areas WHERE level IN ('district', 'town', 'village') ORDER BY code`
  const places = await sql<PlaceRowDb[]>`
    SELECT kind, town_code, area_town_code, village_code, grid_code, name, aliases, road, door_no, n, lng, lat, path
    FROM address_places ORDER BY kind, town_code, name`
  const gazetteer = await sql<GazetteerRowDb[]>`
    SELECT g.name, g.alias_of, g.level, g.town_code, ST_X(g.geom) AS lng, ST_Y(g.geom) AS lat,
           (SELECT a.code FROM admin_areas a WHERE a.level = 'town' AND ST_Covers(a.geom, g.geom) ORDER BY a.code LIMIT 1) AS area_town_code,
           (SELECT a.code FROM admin_areas a WHERE a.level = 'village' AND ST_Covers(a.geom, g.geom) ORDER BY a.code LIMIT 1) AS village_code,
           (SELECT a.code FROM admin_areas a WHERE a.level = 'grid' AND ST_Covers(a.geom, g.geom) ORDER BY a.code LIMIT 1) AS grid_code
    FROM gazetteer g ORDER BY g.id`
  const d = areas.find((a) => a.level === 'district')
  const adminVillages: VillageEntry[] = areas
    .filter((a) => a.level === 'village' && a.parent_code)
    .map((a) => ({
      code: a.code,
      townCode: a.parent_code as string,
      name: villageAddressName(normalizeName(a.short_name ?? a.name)),
      lng: a.lng,
      lat: a.lat,
    }))
  const baseVillages: VillageEntry[] = places
    .filter((p) => p.kind === 'village')
    .map((p) => ({
      code: p.village_code,
      townCode: p.town_code,
      areaTownCode: p.area_town_code !== p.town_code ? p.area_town_code : null,
      name: villageAddressName(normalizeName(p.name)),
      lng: p.lng,
      lat: p.lat,
    }))
  return buildDictionary({
    district: d ? { code: d.code, name: d.name, lng: d.lng, lat: d.lat } : null,
    towns: areas
      .filter((a) => a.level === 'town')
      .map((a) => ({ code: a.code, name: a.name, shortName: a.short_name ?? a.name.replace(/(街道|镇|乡)$/, ''), lng: a.lng, lat: a.lat })),
    villages: [...adminVillages, ...baseVillages],
    places: places.flatMap((p) =>
      p.kind === 'village'
        ? []
        : [
            {
              kind: p.kind,
              townCode: p.town_code,
              areaTownCode: p.area_town_code,
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
            },
          ],
    ),
    gazetteer: gazetteer.map((g) => ({
      name: normalizeName(g.name),
      aliasOf: g.alias_of,
      level: g.level,
      townCode: g.town_code,
      point:
        g.lng !== null && g.lat !== null
          ? { lng: g.lng, lat: g.lat, townCode: g.area_town_code, villageCode: g.village_code, gridCode: g.grid_code }
          : null,
    })),
  })
}
