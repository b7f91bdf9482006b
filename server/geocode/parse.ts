/**
 * Parsing normalised address text into GA/T 2000.32 parts: town › village (+ 组) › road + door
 * or compound › building › unit › room. Names are recognised from the dictionary when it knows
 * them (longest match), else from their shape (…路 followed by a door number, the text before a
 * building number is a compound). Names are returned as written when unknown; the matcher
 * resolves them (aliases, typos) against the dictionary.
 */
import {
  findVillages,
  fuzzyNames,
  type NameDictionary,
  type NameHit,
  plausible,
  readableHits,
  type TownEntry,
  type VillageEntry,
  villageKey,
} from './dictionary.ts'
import { normalizeAddress } from './normalize.ts'

export interface ParsedAddress {
  /** The normalised text that was parsed. */
  normalized: string
  /** The district was written (萧山 / 萧山区; for Deqing 德清 / 德清县). */
  district: boolean
  /** The text names a place outside the district. */
  outside: boolean
  town: string | null
  townCode: string | null
  village: string | null
  /** Keys (villageKey) of the villages with that name, in the parsed town when there is one. */
  villageKeys: string[]
  /** How the village was recognised when not by its exact name (a slip in it; loose: one of two or three). */
  villageVia: (Pick<NameHit<unknown>, 'via' | 'homophone'> & { loose: boolean }) | null
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
  // matchAll: its own iterator, so the recursive call below cannot move this loop's position.
  for (const m of s.matchAll(ROAD_END)) {
    const end = m.index + m[0].length
    const name = s.slice(0, end)
    if (end > 13 || /[\d\-与和]/.test(name) || name.length < 2) break
    const next = s.slice(end)
    // 西弄村, 横路村: a village named after a lane, not a lane.
    if (/^(?:村|社区)/.test(next)) continue
    any = name
    if (next === '' || DOOR.test(next) || CROSS.test(next)) best = name
    // 俊梁路甜林路: two roads of a junction whose words were trimmed; the first is the road.
    else if (name.length >= 3 && next.length >= 3 && roadShape(next) === next) return name
  }
  return best ?? (loose ? any : null)
}
const DOOR = /^(\d+(?:-\d+)?)号(?!楼(?:\d|单元|室|$))/
const GROUP = /^(\d+)组/
const BUILDING = /^(\d+|[A-Za-z])幢/
const UNIT = /^(\d+)单元/
const ROOM = /^(\d+)室/
const DASH3 = /^(\d+)-(\d+)-(\d+)室?/
const DASH2 = /^(\d+)-(\d+)室?/
const BARE_NUMBER_END = /^(\d+)$/
const CROSS = /^(?:与|和|交)/
const VILLAGE_SHAPE = /^([^\d-]{1,8}?(?<!新)(?:村|社区))(?=\d+组|$)/

/** Longest name starting at `pos` that one of the maps holds (the first map that holds it gives the value). */
function longestAt<T>(text: string, pos: number, maxLen: number, ...maps: ReadonlyMap<string, T>[]): { name: string; value: T } | null {
  const end = Math.min(text.length, pos + maxLen)
  for (let e = end; e > pos + 1; e--) {
    const s = text.slice(pos, e)
    for (const map of maps) {
      const value = map.get(s)
      if (value !== undefined) return { name: s, value }
    }
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
    let next = longestAt<unknown>(text, e, maxLen, dict.roadsByName, dict.compoundsByName, dict.villagesByName)?.name.length ?? 0
    if (next === 0) {
      // 益农 + 镇拢殿村: a village of this town typed with a slip also says where the town ends.
      const shaped = /^[^\d-]{1,8}?村/.exec(text.slice(e))?.[0]
      if (shaped && plausible(findVillages(dict, shaped, value.code)).length > 0) next = shaped.length
    }
    const cover = name.length + next
    if (!best || cover > best.cover) best = { name, value, cover }
  }
  return best
}

/**
 * Parses address text (raw; it is normalised first, with the prefixes of the dictionary's
 * district, `dict.own`) with the help of the dictionary.
 * @example parseAddress('北干今城路438号金色家苑3-2-501附近', dict)
 * // { town: '北干街道', road: '今城路', doorNo: '438', compound: '金色家苑', building: '3', unit: '2', room: '501', … }
 */
export function parseAddress(raw: string, dict: NameDictionary): ParsedAddress {
  const norm = normalizeAddress(raw, dict.townNamesByLength, dict.own)
  let text = norm.text
  if (norm.bareDistrict) {
    // 萧山农业对外综合开发小区: the 萧山 taken for the district was the start of a name.
    const whole = `${dict.own.district.short ?? ''}${text}`
    const known = longestAt<unknown>(whole, 0, Math.max(dict.maxNameLength, 2), dict.compoundsByName, dict.roadsByName, dict.villagesByName)
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
    villageVia: null,
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
  /** The unrecognised text just before a known compound name (it may be the start of a longer name). */
  let beforeCompound = ''

  const setTown = (t: TownEntry) => {
    out.town = t.name
    out.townCode = t.code
  }
  const setVillage = (name: string, list: VillageEntry[]) => {
    const inTown = out.townCode ? list.filter((v) => v.townCode === out.townCode || v.areaTownCode === out.townCode) : list
    let chosen = inTown.length > 0 ? inTown : list
    if (chosen.length === 0) {
      // A village the dictionary does not know by that name: one slip in a name it knows?
      const { hits, loose } = readableHits(findVillages(dict, name, out.townCode))
      chosen = hits.map((h) => h.entry)
      if (hits[0]) out.villageVia = { via: hits[0].via, homophone: hits[0].homophone, loose }
    }
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
    } else if (
      as === 'compound' &&
      out.compound &&
      beforeCompound &&
      fuzzyNames(dict.fuzzyCompounds, beforeCompound + out.compound + pending).length > 0
    ) {
      // 宏 + 宁新 + 苑: a short known name (the alias 宁新) inside a longer one typed with a slip (鸿宁新苑).
      out.compound = beforeCompound + out.compound + pending
      out.compoundKnown = false
      rest.splice(rest.lastIndexOf(beforeCompound), 1)
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
      if (
        (m = /^(\d+(?:-\d+)?)$/.exec(s)) &&
        !pending &&
        out.doorNo === null &&
        out.compound === null &&
        (out.road !== null || out.groupNo !== null)
      ) {
        // 金城路438, 马谷村3组12: a number ending the text after a road or a group is its door (号 left off).
        out.doorNo = m[1] as string
        pos += m[0].length
        continue
      }
    }

    // A town written last (育顺街435号北干街道, …属北干街道, …楼塔镇辖区): the rest of the text is a town's name.
    if (!out.town && !pending && pos > 0) {
      const t = dict.townByName.get(s.replace(/^(?:属于?|所属|隶属|位于)/, '').replace(/(?:辖区|境内|管辖|范围内?)$/, ''))
      if (t) {
        setTown(t)
        // A village read before the town was known: keep the one of this town, if there is one.
        const here = out.villageKeys.filter(
          (k) => dict.villageByKey.get(k)?.townCode === t.code || dict.villageByKey.get(k)?.areaTownCode === t.code,
        )
        if (here.length > 0) out.villageKeys = here
        pos = text.length
        continue
      }
    }

    // Intersections: 金城路与市心中路; 金城路市心中路 (the junction words were trimmed), when the
    // second road ends the text.
    if (out.road && !out.crossRoad && !pending && out.doorNo === null && out.compound === null) {
      const joiner = CROSS.exec(s)?.[0] ?? ''
      const after = text.slice(pos + joiner.length)
      const known = longestAt(after, 0, maxLen, dict.roadsByName)
      const cross = known?.name ?? roadShape(after, true)
      if (cross && (joiner !== '' || cross.length === after.length)) {
        out.crossRoad = cross
        pos += joiner.length + cross.length
        continue
      }
    }

    // Known names at this position: the longest of town, village, road and compound. On equal
    // length the first named here wins: the town (戴村 is 戴村镇 before it is 戴村 village), then
    // the village, the road, the compound, and a road shape.
    const village = out.village ? null : longestAt(text, pos, maxLen, dict.villagesByName)
    const road = out.road ? null : longestAt(text, pos, maxLen, dict.roadsByName)
    const compound = out.compound ? null : longestAt(text, pos, maxLen, dict.compoundsByName)
    const town = out.town ? null : townAt(text, pos, dict, maxLen)
    const townLen = town && !out.road && !out.compound ? town.name.length : 0
    // A known compound or village name that only starts a road (宏达 of 宏达路10号): the road is longer.
    const shapedRoad = (compound || village) && !town && !pending && !out.road ? roadShape(s) : null
    const best = Math.max(townLen, village?.name.length ?? 0, road?.name.length ?? 0, compound?.name.length ?? 0, shapedRoad?.length ?? 0)
    if (best > 0) {
      if (townLen === best) setTown(town!.value)
      else if (village?.name.length === best) setVillage(village.name, village.value)
      else if (road?.name.length === best) setName('road', road.name)
      else if (compound?.name.length === best) {
        setName('compound', compound.name)
        beforeCompound = pending
      } else out.road = shapedRoad
      flushPending('rest')
      pos += best
      continue
    }

    // Shapes of names the dictionary does not know: a village before its group (西弄村1组) first.
    if (!pending && !out.village && !out.road && !out.compound && (m = VILLAGE_SHAPE.exec(s))) {
      const name = m[1] as string
      setVillage(name, dict.villagesByName.get(name) ?? [])
      pos += name.length
      continue
    }
    const shaped = !pending && !out.road ? roadShape(s, !out.compound) : null
    if (shaped) {
      out.road = shaped
      pos += shaped.length
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
  // 戴村22组64号: the town's name is its seat village's too (戴村 of 戴村镇), and a group needs a village.
  if (out.groupNo !== null && out.village === null && out.townCode) {
    const short = dict.townByCode.get(out.townCode)?.shortName ?? ''
    const seat = [short, `${short}村`].flatMap((n) => (dict.villagesByName.get(n) ?? []).filter((v) => v.townCode === out.townCode))
    if (seat[0]) {
      out.village = seat[0].name
      out.villageKeys = [villageKey(seat[0])]
    }
  }
  out.rest = rest.join('')
  return out
}
