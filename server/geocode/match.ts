/**
 * The matching cascade. Each query is parsed, its names resolved against the dictionary into
 * interpretations (a compound, a road or a village of one town), and every interpretation's
 * numbers are looked up exactly in the address base (probes.ts, batched). The answer is the finest
 * level some interpretation reaches — and never a finer level than the evidence supports: a
 * door missing on a known road gives `road`; two equally good places give their common level.
 */
import { latLngToCell } from 'h3-js'

import type { Tx } from '../db/index.ts'
import { type Crs, distanceM, fromWgs84, toWgs84 } from '../geo/crs.ts'
import {
  findCompounds,
  findRoads,
  type NameDictionary,
  type NameHit,
  type PlaceEntry,
  readableHits,
  type VillageEntry,
  villageKey,
} from './dictionary.ts'
import { parseAddress, type ParsedAddress } from './parse.ts'
import {
  type AddressHit,
  type BuildingHit,
  type DoorHit,
  probeBuildings,
  probeDoorRooms,
  probeDoors,
  probeGroups,
  probeRooms,
} from './probes.ts'
import { interpolateDoor, junction } from './roads.ts'
import { ADDRESS_LEVELS, type GeocodeResult, levelRank, type MatchLevel } from './schema.ts'

export interface MatchInput {
  id?: string | undefined
  address: string
  lng?: number | undefined
  lat?: number | undefined
  crs?: Crs | undefined
}

export interface MatchOutput {
  result: GeocodeResult
  /** The result first, then other places the text could mean (at most 5 in all). */
  candidates: GeocodeResult[]
  parsed: ParsedAddress
}

/** Score lost per name read loosely, per level short of what was asked, and so on. */
const PENALTY = {
  alias: 0.02,
  /** The start of one name only, its generic tail left off (和院御 for 和院御家园). */
  prefix: 0.1,
  /** A slip one character off two or three names: taken only where the exact numbers exist. */
  loose: 0.1,
  /** One character off, sounding the same (金城路 typed 今城路). */
  homophone: 0.1,
  /** One character off, sounding different: accepted only when nothing else could be meant. */
  fuzzy: 0.2,
  otherTown: 0.15,
  perLevelShort: 0.15,
  unparsed: 0.05,
  farFromCoords: 0.15,
  ambiguous: 0.25,
  /** A junction is placed from door lines, not surveyed: a little less sure than a door. */
  junction: 0.05,
  /** Two roads named as crossing whose doors never meet: the answer is only the first road. */
  noJunction: 0.35,
  /** The compound name written disagrees with the written road and door, which won. */
  overruled: 0.1,
} as const

/** Beyond this distance from the caller's coordinates a fine match is suspicious. */
const FAR_M = 3_000

/** One reading of a query: a compound, road or village of one town. */
interface Reading {
  q: number
  kind: 'compound' | 'road' | 'group' | 'village'
  townCode: string
  compound: PlaceEntry | null
  road: PlaceEntry | null
  village: VillageEntry | null
  penalty: number
  room?: AddressHit
  doorRoom?: AddressHit
  building?: BuildingHit
  door?: DoorHit
  group?: AddressHit
  /** A compound reading the written road and door contradict (set by probeAll). */
  dropped?: boolean
  /** Read from a slip too loose to stand alone: it counts only if it reaches an address. */
  loose?: boolean
}

/** A place a reading resolved to, before formatting. */
interface Place {
  level: MatchLevel
  penalty: number
  addressId: string | null
  address: string | null
  lng: number | null
  lat: number | null
  townCode: string | null
  villageCode: string | null
  gridCode: string | null
  /** Identity for telling different places apart (address id or name key). */
  key: string
}

const viaPenalty = (h: Pick<NameHit<unknown>, 'via' | 'homophone'>) =>
  h.via === 'fuzzy'
    ? h.homophone
      ? PENALTY.homophone
      : PENALTY.fuzzy
    : h.via === 'alias'
      ? PENALTY.alias
      : h.via === 'prefix'
        ? PENALTY.prefix
        : 0

/** The finest level the query text asks for. */
export function askedLevel(p: ParsedAddress): MatchLevel {
  if (p.room) return 'room'
  if (p.unit) return 'unit'
  if (p.building) return 'building'
  if (p.doorNo) return 'door'
  if (p.compound) return 'compound'
  if (p.road) return 'road'
  if (p.village || p.groupNo) return 'village'
  if (p.town) return 'town'
  if (p.district) return 'district'
  return 'none'
}

/** Interpretations of one parsed query. */
function readingsOf(q: number, p: ParsedAddress, dict: NameDictionary): Reading[] {
  const out: Reading[] = []
  const town = p.townCode
  for (const kind of ['compound', 'road'] as const) {
    const name = kind === 'compound' ? p.compound : p.road
    if (!name) continue
    const find = kind === 'compound' ? findCompounds : findRoads
    const readable = readableHits(find(dict, name, town))
    const loose = readable.loose
    let hits = readable.hits
    let extra = loose ? PENALTY.loose : 0
    if (hits.length === 0 && town) {
      // The name exists, but in another town: people mix up neighbouring 街道. Exact names only.
      hits = find(dict, name).filter((h) => h.via === 'name' || h.via === 'alias')
      extra = PENALTY.otherTown
    }
    for (const h of hits.slice(0, 5)) {
      out.push({
        q,
        kind,
        townCode: h.entry.townCode,
        compound: kind === 'compound' ? h.entry : null,
        road: kind === 'road' ? h.entry : null,
        village: null,
        penalty: viaPenalty(h) + extra,
        loose,
      })
    }
  }
  for (const key of p.villageKeys.slice(0, 5)) {
    const entry = dict.villageByKey.get(key)
    if (!entry) continue
    const loose = p.villageVia?.loose === true
    out.push({
      q,
      kind: p.groupNo && p.doorNo ? 'group' : 'village',
      townCode: entry.townCode,
      compound: null,
      road: null,
      village: entry,
      penalty: (p.villageVia ? viaPenalty(p.villageVia) : 0) + (loose ? PENALTY.loose : 0),
      loose,
    })
  }
  return out
}

/** Runs the probes every reading needs, in three batched rounds. */
async function probeAll(tx: Tx, readings: Reading[], parsed: ParsedAddress[]): Promise<void> {
  const roomR = readings.filter((r) => r.kind === 'compound' && parsed[r.q]!.building && parsed[r.q]!.room)
  const doorR = readings.filter((r) => r.kind === 'road' && parsed[r.q]!.doorNo)
  const groupR = readings.filter((r) => r.kind === 'group')
  const [rooms, doors, groups] = [
    await probeRooms(
      tx,
      roomR.map((r) => ({
        town: r.townCode,
        compound: r.compound!.name,
        building: parsed[r.q]!.building!,
        unit: parsed[r.q]!.unit,
        room: parsed[r.q]!.room!,
      })),
    ),
    await probeDoors(
      tx,
      doorR.map((r) => ({ town: r.townCode, road: r.road!.name, door: parsed[r.q]!.doorNo! })),
    ),
    await probeGroups(
      tx,
      groupR.map((r) => ({ town: r.townCode, village: r.village!.name, group: parsed[r.q]!.groupNo!, door: parsed[r.q]!.doorNo! })),
    ),
  ]
  assignUnique(roomR, rooms, (r, h) => (r.room = h))
  for (const h of doors) doorR[h.i]!.door = h
  assignUnique(groupR, groups, (r, h) => (r.group = h))

  // A compound written with a road and door must be the one at that door. The door's rows say
  // which compound stands there; a compound reading that disagrees (a sibling name on another
  // road, a slip that hit another real name) is dropped, and the rooms behind the door decide —
  // five written parts outweigh one character of a name.
  const atDoor = new Map<number, Set<string>>()
  for (const r of doorR) {
    if (!r.door?.compound) continue
    const set = atDoor.get(r.q) ?? new Set<string>()
    set.add(`${r.townCode}|${r.door.compound}`)
    atDoor.set(r.q, set)
  }
  const overruled = new Set<number>()
  for (const r of readings) {
    const there = r.kind === 'compound' ? atDoor.get(r.q) : undefined
    if (there && !there.has(`${r.townCode}|${r.compound!.name}`)) {
      r.dropped = true
      overruled.add(r.q)
    }
  }
  for (const r of doorR) if (overruled.has(r.q)) r.penalty += PENALTY.overruled

  // Round 2: buildings where no room was found; rooms behind a door when no compound was named.
  const buildingR = readings.filter((r) => r.kind === 'compound' && !r.dropped && !r.room && parsed[r.q]!.building)
  const hasCompoundReading = new Set(readings.filter((r) => r.kind === 'compound' && !r.dropped).map((r) => r.q))
  const doorRoomR = doorR.filter((r) => r.door && !hasCompoundReading.has(r.q) && parsed[r.q]!.building && parsed[r.q]!.room)
  const doorGateR = doorR.filter((r) => r.door && !hasCompoundReading.has(r.q) && parsed[r.q]!.building && !parsed[r.q]!.room)
  const [buildings, doorRooms] = [
    await probeBuildings(tx, [
      ...buildingR.map((r) => ({
        town: r.townCode,
        compound: r.compound!.name,
        building: parsed[r.q]!.building!,
        unit: parsed[r.q]!.unit,
      })),
      ...doorGateR.map((r) => ({
        town: r.townCode,
        compound: r.door!.compound ?? '',
        building: parsed[r.q]!.building!,
        unit: parsed[r.q]!.unit,
      })),
    ]),
    await probeDoorRooms(
      tx,
      doorRoomR.map((r) => ({
        town: r.townCode,
        road: r.road!.name,
        door: parsed[r.q]!.doorNo!,
        building: parsed[r.q]!.building!,
        unit: parsed[r.q]!.unit,
        room: parsed[r.q]!.room!,
      })),
    ),
  ]
  const buildingTargets = [...buildingR, ...doorGateR]
  for (const h of buildings) buildingTargets[h.i]!.building = h
  assignUnique(doorRoomR, doorRooms, (r, h) => (r.doorRoom = h))
}

/** Gives each reading its hit when the probe found exactly one row (two = ambiguous). */
function assignUnique<T extends { i: number }>(readings: Reading[], hits: T[], set: (r: Reading, h: T) => void): void {
  const count = new Map<number, number>()
  for (const h of hits) count.set(h.i, (count.get(h.i) ?? 0) + 1)
  for (const h of hits) if (count.get(h.i) === 1) set(readings[h.i]!, h)
}

function fromHit(level: MatchLevel, h: AddressHit, penalty: number, own = true): Place {
  return {
    level,
    penalty,
    addressId: own ? h.address_id : null,
    address: own ? h.address : null,
    lng: h.lng,
    lat: h.lat,
    townCode: h.town_code,
    villageCode: h.village_code,
    gridCode: h.grid_code,
    key: own ? `a:${h.address_id}` : `${level}:${h.town_code}:${h.compound}:${h.building}`,
  }
}

/**
 * The place of a road or compound entry. A compound's (or landmark's) area codes are its
 * polygons'; a road answers the town that writes it (it crosses many villages and grids). A
 * landmark answers the level the gazetteer gives it.
 */
function fromEntry(kind: 'compound' | 'road', e: PlaceEntry, penalty: number, dict: NameDictionary): Place {
  const town = dict.townByCode.get(e.townCode)
  const level: MatchLevel = kind === 'compound' ? (e.landmark ?? 'compound') : 'road'
  const fine = level === 'compound'
  return {
    level,
    penalty,
    addressId: null,
    address: `${e.landmark ? '' : (town?.name ?? '')}${kind === 'compound' && e.road ? `${e.road}${e.doorNo ? `${e.doorNo}号` : ''}` : ''}${e.name}`,
    lng: e.lng,
    lat: e.lat,
    townCode: kind === 'compound' ? (e.areaTownCode ?? e.townCode) : e.townCode,
    villageCode: fine || level === 'village' ? e.villageCode : null,
    gridCode: fine ? e.gridCode : null,
    key: `${kind}:${e.townCode}:${e.name}`,
  }
}

const junctions = new WeakMap<PlaceEntry, Map<PlaceEntry, ReturnType<typeof junction>>>()

/** Where two roads of the dictionary meet, worked out once per pair (the dictionary is reloaded, not changed). */
function junctionOf(a: PlaceEntry, b: PlaceEntry): ReturnType<typeof junction> {
  let known = junctions.get(a)
  if (!known) junctions.set(a, (known = new Map()))
  if (!known.has(b)) known.set(b, junction(a.path, b.path))
  return known.get(b) ?? null
}

/**
 * A road-level place: for an intersection, the junction where the two roads' door lines meet
 * (the other road looked for in the same town first, then in any town: junctions sit on town
 * borders too), or — when they do not meet — the road itself, scored lower: a junction we cannot
 * find is not a point we may claim. For a door number the base lacks, where the door would be
 * (between its neighbours); else the road's centre.
 */
function roadPlace(road: PlaceEntry, penalty: number, p: ParsedAddress, dict: NameDictionary): Place {
  const base = fromEntry('road', road, penalty, dict)
  if (p.crossRoad) {
    const others = findRoads(dict, p.crossRoad, road.townCode)
    const candidates = others.length > 0 ? others : findRoads(dict, p.crossRoad)
    let best: { name: string; at: NonNullable<ReturnType<typeof junction>> } | null = null
    for (const o of candidates.slice(0, 8)) {
      const at = o.entry !== road ? junctionOf(road, o.entry) : null
      if (at && (!best || at.gapM < best.at.gapM)) best = { name: o.entry.name, at }
    }
    if (best) {
      return {
        ...base,
        penalty: penalty + PENALTY.junction,
        lng: best.at.lng,
        lat: best.at.lat,
        address: `${base.address}与${best.name}交叉口`,
        key: `cross:${road.townCode}:${road.name}:${best.name}`,
      }
    }
    return { ...base, penalty: penalty + PENALTY.noJunction }
  }
  const num = p.doorNo ? Number(p.doorNo.split('-')[0]) : NaN
  const at = Number.isInteger(num) ? interpolateDoor(road.path, num) : null
  return at ? { ...base, lng: at.lng, lat: at.lat } : base
}

/** What one reading resolved to: the finest place its evidence supports. */
function placeOf(r: Reading, p: ParsedAddress, dict: NameDictionary): Place {
  if (r.kind === 'compound') {
    if (r.room) return fromHit('room', r.room, r.penalty)
    const b = r.building
    if (b) {
      if (p.unit && b.unit_found)
        return { ...fromHit('unit', b, r.penalty, false), key: `unit:${b.town_code}:${b.compound}:${b.building}:${p.unit}` }
      return fromHit('building', b, r.penalty, b.own)
    }
    return fromEntry('compound', r.compound!, r.penalty, dict)
  }
  if (r.kind === 'road') {
    if (r.doorRoom) return fromHit('room', r.doorRoom, r.penalty)
    const b = r.building
    if (b) {
      if (p.unit && b.unit_found)
        return { ...fromHit('unit', b, r.penalty, false), key: `unit:${b.town_code}:${b.compound}:${b.building}:${p.unit}` }
      return fromHit('building', b, r.penalty, b.own)
    }
    // A door known only through the rooms behind it has no row of its own: its compound's point.
    if (r.door)
      return r.door.own
        ? fromHit('door', r.door, r.penalty)
        : { ...fromHit('door', r.door, r.penalty, false), key: `door:${r.townCode}:${r.road!.name}:${p.doorNo}` }
    return roadPlace(r.road!, r.penalty, p, dict)
  }
  if (r.kind === 'group' && r.group) return fromHit('door', r.group, r.penalty)
  const v = r.village!
  return {
    level: 'village',
    penalty: r.penalty,
    addressId: null,
    address: `${dict.townByCode.get(v.townCode)?.name ?? ''}${v.name}`,
    lng: v.lng,
    lat: v.lat,
    // The village area's own town: codes nest even when the base writes the village elsewhere.
    townCode: v.code ? (v.areaTownCode ?? v.townCode) : v.townCode,
    villageCode: v.code,
    gridCode: null,
    key: `village:${villageKey(v)}`,
  }
}

function coarsePlace(p: ParsedAddress, dict: NameDictionary): Place {
  const t = p.townCode ? dict.townByCode.get(p.townCode) : undefined
  if (t)
    return {
      level: 'town',
      penalty: 0,
      addressId: null,
      address: t.name,
      lng: t.lng,
      lat: t.lat,
      townCode: t.code,
      villageCode: null,
      gridCode: null,
      key: `town:${t.code}`,
    }
  const d = dict.district
  if (p.district && d)
    return {
      level: 'district',
      penalty: 0,
      addressId: null,
      address: d.name,
      lng: d.lng,
      lat: d.lat,
      townCode: null,
      villageCode: null,
      gridCode: null,
      key: 'district',
    }
  return {
    level: 'none',
    penalty: 0,
    addressId: null,
    address: null,
    lng: null,
    lat: null,
    townCode: null,
    villageCode: null,
    gridCode: null,
    key: 'none',
  }
}

/** The place common to two different ones: their town if they share it, else the district. */
function commonPlace(a: Place, b: Place, p: ParsedAddress, dict: NameDictionary): Place {
  if (a.townCode && a.townCode === b.townCode) return coarsePlace({ ...p, townCode: a.townCode }, dict)
  return coarsePlace({ ...p, townCode: null, district: true }, dict)
}

function score(place: Place, p: ParsedAddress): number {
  if (place.level === 'none') return 0
  const short = Math.max(0, levelRank(place.level) - levelRank(askedLevel(p)))
  const unparsed = p.rest.length >= 2 ? PENALTY.unparsed : 0
  return Math.max(0.05, Math.min(1, 1 - place.penalty - short * PENALTY.perLevelShort - unparsed))
}

function toResult(place: Place, s: number, input: MatchInput, outCrs: Crs, origin: [number, number] | null): GeocodeResult {
  const r: GeocodeResult = {
    addressId: place.addressId,
    address: place.address,
    level: place.level,
    score: Math.round(s * 1000) / 1000,
    lng: null,
    lat: null,
    townCode: place.townCode,
    villageCode: place.villageCode,
    gridCode: place.gridCode,
    h3: null,
  }
  if (place.lng !== null && place.lat !== null) {
    const [x, y] = fromWgs84(place.lng, place.lat, outCrs)
    r.lng = Math.round(x * 1e7) / 1e7
    r.lat = Math.round(y * 1e7) / 1e7
    // A cell says where something is; for a road, a town or the district it would be a guess.
    if (levelRank(place.level) <= levelRank('compound')) r.h3 = latLngToCell(place.lat, place.lng, 10)
    if (origin) r.distanceM = Math.round(distanceM(origin[0], origin[1], place.lng, place.lat) * 10) / 10
  }
  // The caller's id first, as it was sent (no spread of a fresh object: this runs for every query).
  return input.id !== undefined ? { id: input.id, ...r } : r
}

export interface MatchOptions {
  outCrs?: Crs | undefined
  /** false: only the result (a batch answers no candidates; each costs an H3 cell and a copy). */
  candidates?: boolean | undefined
}

/**
 * Geocodes a batch of queries (any size; the HTTP API caps it at 10,000) against the address
 * base, in input order.
 * @example const [m] = await matchBatch(tx, dict, [{ address: '北干今城路438号' }]); m.result.level // 'door'
 */
export async function matchBatch(
  tx: Tx,
  dict: NameDictionary,
  inputs: readonly MatchInput[],
  opts: MatchOptions = {},
): Promise<MatchOutput[]> {
  const outCrs = opts.outCrs ?? 'wgs84'
  const parsed = inputs.map((i) => parseAddress(i.address, dict))
  const readings = parsed.flatMap((p, q) => (p.outside ? [] : readingsOf(q, p, dict)))
  await probeAll(tx, readings, parsed)
  const byQuery = new Map<number, Reading[]>()
  for (const r of readings) {
    const list = byQuery.get(r.q)
    if (list) list.push(r)
    else byQuery.set(r.q, [r])
  }
  return inputs.map((input, q) => {
    const p = parsed[q]!
    const origin = input.lng !== undefined && input.lat !== undefined ? toWgs84(input.lng, input.lat, input.crs ?? 'wgs84') : null
    const places: Place[] = []
    for (const r of byQuery.get(q) ?? []) {
      if (r.dropped) continue
      const place = placeOf(r, p, dict)
      // A loose slip that found no address says nothing: which of its names was meant is unknown.
      if (!r.loose || ADDRESS_LEVELS.has(place.level)) places.push(place)
    }
    places.push(coarsePlace(p, dict))
    // Distinct places, each with its best score; nearer to the caller's point first on ties.
    const scored = new Map<string, { place: Place; s: number; d: number }>()
    for (const place of places) {
      let s = score(place, p)
      const d = origin && place.lng !== null && place.lat !== null ? distanceM(origin[0], origin[1], place.lng, place.lat) : 0
      if (origin && d > FAR_M && levelRank(place.level) <= levelRank('compound')) s = Math.max(0.05, s - PENALTY.farFromCoords)
      const prev = scored.get(place.key)
      if (!prev || s > prev.s) scored.set(place.key, { place, s, d })
    }
    const ranked = [...scored.values()].sort((a, b) => levelRank(a.place.level) - levelRank(b.place.level) || b.s - a.s || a.d - b.d)
    let best = ranked[0]!
    const rival = ranked.find((x) => x !== best && x.place.level === best.place.level && Math.abs(x.s - best.s) < 0.05)
    if (rival && best.place.level !== 'none') {
      if (origin && Math.abs(rival.d - best.d) > 200) {
        // The caller's coordinates tell the two apart.
        const near = rival.d < best.d ? rival : best
        best = { ...near, s: Math.max(0.05, near.s - PENALTY.ambiguous / 2) }
      } else {
        const common = commonPlace(best.place, rival.place, p, dict)
        best = { place: common, s: Math.max(0.05, score(common, p) - PENALTY.ambiguous), d: 0 }
      }
    }
    const result = toResult(best.place, best.s, input, outCrs, origin)
    const candidates = [result]
    for (const x of opts.candidates === false ? [] : ranked) {
      if (candidates.length >= 5) break
      if (x.place.key === best.place.key || x.place.level === 'none') continue
      candidates.push(toResult(x.place, x.s, input, outCrs, origin))
    }
    return { result, candidates, parsed: p }
  })
}
