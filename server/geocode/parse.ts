/**
 * Parsing normalised address text into GA/T 2000.32 parts: town › village (+ 组) › road + door
 * or compound › building › unit › room. Names are recognised from the dictionary when it knows
 * them (longest match), else from their shape (…路 followed by a door number, the text before a
 * building number is a compound). Names are returned as written when unknown; the matcher
 * resolves them (aliases, typos) against the dictionary.
 */
import { fuzzyNames, villageKey, type NameDictionary, type TownEntry, type VillageEntry } from './dictionary.ts'
import { normalizeAddress } from './normalize.ts'

export interface ParsedAddress {
  /** The normalised text that was parsed. */
  normalized: string
  /** 萧山 / 萧山区 was written. */
  district: boolean
  /** The text names a place outside the district. */
  outside: boolean
  town: string | null
  townCode: string | null
  village: string | null
  /** Keys (villageKey) of the villages with that name, in the parsed town when there is one. */
  villageKeys: string[]
  groupNo: string | null
  road: string | null
  /** The road name is one the dictionary knows exactly. */
  roadKnown: boolean
  doorNo: string | null
  /** The other road of an intersection (金城路与市心中路). */
  crossRoad: string | null
  compound: string | null
  /** The compound name is a name or alias the dictionary knows exactly. */
  compoundKnown: boolean
  building: string | null
  unit: string | null
  room: string | null
  /** Text the parser could not place. */
  rest: string
}

const ROAD_END = /(?:大道|大街|路|街(?!道)|巷|弄)/g

/**
 * The longest road-shaped name (…路, …街, …大道) at the start of `s` that a door number, an
 * intersection or the end follows; else the longest one at all when `loose`.
 * @example roadShape('心街东路197号') // '心街东路' (not '心街')
 */
export function roadShape(s: string, loose = false): string | null {
  let best: string | null = null
  let any: string | null = null
  ROAD_END.lastIndex = 0
  for (let m = ROAD_END.exec(s); m; m = ROAD_END.exec(s)) {
    const end = m.index + m[0].length
    const name = s.slice(0, end)
    if (end > 13 || /[\d\-与和]/.test(name) || name.length < 2) break
    const next = s.slice(end)
    any = name
    if (next === '' || DOOR.test(next) || CROSS.test(next)) best = name
  }
  return best ?? (loose ? any : null)
}
const DOOR = /^(\d+(?:-\d+)?)号(?!楼)/
const GROUP = /^(\d+)组/
const BUILDING = /^(\d+|[A-Za-z])幢/
const UNIT = /^(\d+)单元/
const ROOM = /^(\d+)室/
const DASH3 = /^(\d+)-(\d+)-(\d+)室?/
const DASH2 = /^(\d+)-(\d+)室?/
const BARE_NUMBER_END = /^(\d+)$/
const CROSS = /^(?:与|和|交)/
const VILLAGE_SHAPE = /^([^\d\-]{1,8}?(?<!新)(?:村|社区))(?=\d+组|$)/

/** Longest dictionary name of a kind starting at `pos`. */
function longestAt<T>(text: string, pos: number, maxLen: number, lookup: (s: string) => T | undefined): { name: string; value: T } | null {
  const end = Math.min(text.length, pos + maxLen)
  for (let e = end; e > pos + 1; e--) {
    const s = text.slice(pos, e)
    const value = lookup(s)
    if (value !== undefined) return { name: s, value }
  }
  return null
}

/**
 * The town name at `pos` that lets the most text after it be read as a known name: 党湾镇中路
 * is 党湾 + 镇中路, 益农镇龙殿村 is 益农 + 镇龙殿村, 北干街道金城路 is 北干街道 + 金城路.
 */
function townAt(text: string, pos: number, dict: NameDictionary, maxLen: number): { name: string; value: TownEntry } | null {
  let best: { name: string; value: TownEntry; cover: number } | null = null
  for (let e = Math.min(text.length, pos + 12); e > pos + 1; e--) {
    const name = text.slice(pos, e)
    const value = dict.townByName.get(name)
    if (!value) continue
    const next =
      longestAt(text, e, maxLen, (n) => dict.roadsByName.get(n) ?? dict.compoundsByName.get(n) ?? dict.villagesByName.get(n))?.name.length ?? 0
    const cover = name.length + next
    if (!best || cover > best.cover) best = { name, value, cover }
  }
  return best
}

/**
 * Parses address text (raw; it is normalised first) with the help of the dictionary.
 * @example parseAddress('北干今城路438号金色家苑3-2-501附近', dict)
 * // { town: '北干街道', road: '今城路', doorNo: '438', compound: '金色家苑', building: '3', unit: '2', room: '501', … }
 */
export function parseAddress(raw: string, dict: NameDictionary): ParsedAddress {
  const norm = normalizeAddress(raw, dict.townNamesByLength)
  let text = norm.text
  if (norm.bareDistrict) {
    // 萧山农业对外综合开发小区: the 萧山 taken for the district was the start of a name.
    const whole = `萧山${text}`
    const known = longestAt(whole, 0, Math.max(dict.maxNameLength, 2), (n) => dict.compoundsByName.get(n) ?? dict.roadsByName.get(n) ?? dict.villagesByName.get(n))
    if (known && known.name.length > 2) text = whole
  }
  const out: ParsedAddress = {
    normalized: text,
    district: norm.district,
    outside: norm.outside,
    town: null,
    townCode: null,
    village: null,
    villageKeys: [],
    groupNo: null,
    road: null,
    roadKnown: false,
    doorNo: null,
    crossRoad: null,
    compound: null,
    compoundKnown: false,
    building: null,
    unit: null,
    room: null,
    rest: '',
  }
  if (norm.outside) {
    out.rest = text
    return out
  }
  const maxLen = Math.max(dict.maxNameLength, 2)
  let pos = 0
  let pending = ''
  const rest: string[] = []

  const setTown = (t: TownEntry) => {
    out.town = t.name
    out.townCode = t.code
  }
  const setVillage = (name: string, list: VillageEntry[]) => {
    const inTown = out.townCode ? list.filter((v) => v.townCode === out.townCode || v.areaTownCode === out.townCode) : list
    const chosen = inTown.length > 0 ? inTown : list
    out.village = name
    out.villageKeys = chosen.map(villageKey)
    const towns = new Set(chosen.map((v) => v.townCode))
    if (!out.townCode && towns.size === 1) {
      const t = dict.townByCode.get([...towns][0]!)
      if (t) setTown(t)
    }
  }
  /**
   * A known name right after unrecognised text: if the two together are one typo away from a
   * name (加得四季花城 for 加德四季花城, not the alias 四季花城), they are that name as typed.
   */
  const setName = (kind: 'road' | 'compound', name: string) => {
    const joined = pending + name
    const typed = pending !== '' && fuzzyNames(kind === 'road' ? dict.fuzzyRoads : dict.fuzzyCompounds, joined).length > 0
    if (typed) pending = ''
    if (kind === 'road') {
      out.road = typed ? joined : name
      out.roadKnown = !typed
    } else {
      out.compound = typed ? joined : name
      out.compoundKnown = !typed
    }
  }
  /** Unrecognised text waiting for what follows it to say what it is. */
  const flushPending = (as: 'compound' | 'road' | 'village' | 'rest') => {
    if (!pending) return
    if (as === 'compound' && out.compound && fuzzyNames(dict.fuzzyCompounds, out.compound + pending).length > 0) {
      // 湘湖人家 + 心苑: a known name that is the start of a longer one typed with a slip.
      out.compound += pending
      out.compoundKnown = false
    } else if (as === 'compound' && !out.compound) out.compound = pending
    else if (as === 'road' && !out.road) out.road = pending
    else if (as === 'village' && !out.village) setVillage(pending, dict.villagesByName.get(pending) ?? [])
    else rest.push(pending)
    pending = ''
  }

  while (pos < text.length) {
    const s = text.slice(pos)
    let m: RegExpExecArray | null

    // Numbers first: they end any pending name.
    if (/^[\dA-Za-z]/.test(s)) {
      if ((m = GROUP.exec(s)) && !out.groupNo) {
        flushPending('village')
        out.groupNo = m[1] as string
        pos += m[0].length
        continue
      }
      if ((m = DOOR.exec(s))) {
        const n = m[1] as string
        // 金色家园3号2单元: a number word before a unit or room is a building, not a door.
        const beforeBuildingParts = /^(?:\d+单元|\d+室|\d+-\d+|\d+$)/.test(s.slice(m[0].length))
        if (pending) {
          if (beforeBuildingParts || out.road !== null) {
            flushPending('compound')
            out.building ??= n
          } else {
            flushPending(out.groupNo !== null ? 'rest' : 'road')
            out.doorNo ??= n
          }
        } else if (out.compound !== null && (out.road === null || out.doorNo !== null || beforeBuildingParts)) {
          out.building ??= n
        } else if (out.doorNo === null) {
          out.doorNo = n
        } else {
          rest.push(m[0])
        }
        pos += m[0].length
        continue
      }
      if ((m = DASH3.exec(s)) && !out.building) {
        flushPending('compound')
        out.building = m[1] as string
        out.unit = m[2] as string
        out.room = m[3] as string
        pos += m[0].length
        continue
      }
      if ((m = DASH2.exec(s))) {
        flushPending('compound')
        if (out.building && !out.unit) {
          out.unit = m[1] as string
          out.room = m[2] as string
        } else if (!out.building) {
          out.building = m[1] as string
          out.room = m[2] as string
        }
        pos += m[0].length
        continue
      }
      if ((m = BUILDING.exec(s))) {
        flushPending('compound')
        if (!out.building) out.building = (m[1] as string).toUpperCase()
        pos += m[0].length
        continue
      }
      if ((m = UNIT.exec(s))) {
        flushPending('compound')
        if (!out.unit) out.unit = m[1] as string
        pos += m[0].length
        continue
      }
      if ((m = ROOM.exec(s))) {
        flushPending('compound')
        if (!out.room) out.room = m[1] as string
        pos += m[0].length
        continue
      }
      if ((m = BARE_NUMBER_END.exec(s)) && (out.unit || out.building)) {
        // 3幢2单元501: the last bare number is the room.
        if (!out.room) out.room = m[1] as string
        pos += m[0].length
        continue
      }
    }

    // Intersections: 金城路与市心中路.
    if (out.road && !out.crossRoad && !pending && (m = CROSS.exec(s))) {
      const after = text.slice(pos + m[0].length)
      const known = longestAt(after, 0, maxLen, (n) => dict.roadsByName.get(n))
      const cross = known?.name ?? roadShape(after, true)
      if (cross) {
        out.crossRoad = cross
        pos += m[0].length + cross.length
        continue
      }
    }

    // Known names at this position: the longest of town, village, road and compound.
    const candidates: { len: number; apply: () => void }[] = []
    const village = out.village ? null : longestAt(text, pos, maxLen, (n) => dict.villagesByName.get(n))
    if (village) candidates.push({ len: village.name.length, apply: () => setVillage(village.name, village.value) })
    const road = longestAt(text, pos, maxLen, (n) => dict.roadsByName.get(n))
    if (road && !out.road) candidates.push({ len: road.name.length, apply: () => setName('road', road.name) })
    const compound = out.compound ? null : longestAt(text, pos, maxLen, (n) => dict.compoundsByName.get(n))
    if (compound) candidates.push({ len: compound.name.length, apply: () => setName('compound', compound.name) })
    const town = out.town ? null : townAt(text, pos, dict, maxLen)
    // On equal length the town wins: 戴村 is 戴村镇 before it is 戴村 village.
    if (town && !out.road && !out.compound) candidates.unshift({ len: town.name.length, apply: () => setTown(town.value) })
    // A known compound or village name that only starts a road (宏达 of 宏达路10号): the road is longer.
    const shapedRoad = (compound || village) && !town && !pending && !out.road ? roadShape(s) : null
    if (shapedRoad) candidates.push({ len: shapedRoad.length, apply: () => (out.road = shapedRoad) })
    if (candidates.length > 0) {
      const best = candidates.reduce((a, b) => (b.len > a.len ? b : a))
      best.apply()
      flushPending('rest')
      pos += best.len
      continue
    }

    // Shapes of names the dictionary does not know.
    const shaped = !pending && !out.road ? roadShape(s, !out.compound) : null
    if (shaped) {
      out.road = shaped
      pos += shaped.length
      continue
    }
    if (!pending && !out.village && !out.road && !out.compound && (m = VILLAGE_SHAPE.exec(s))) {
      const name = m[1] as string
      setVillage(name, dict.villagesByName.get(name) ?? [])
      pos += name.length
      continue
    }
    pending += text[pos]
    pos++
  }
  // Trailing unknown text after a road and door, or alone, is a compound name as typed.
  if (pending) {
    if (!out.compound && [...pending].length >= 2 && out.groupNo === null) out.compound = pending
    else rest.push(pending)
  }
  out.rest = rest.join('')
  return out
}
