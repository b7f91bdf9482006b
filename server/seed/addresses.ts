/**
 * The synthetic unified address base (统一地址库), streamed: a generator yields exactly `count`
 * rows in bounded memory (one town's roads and one village's compounds at a time).
 *
 * Per town: roads (real names in the urban core) run across the town as gently curving lines
 * sampled every 20–30 m into "stations"; door numbers grow along each road (odd on the left, even on
 * the right, 附号 like 438-1 when a number is taken). Per village, by population share of `count`:
 * - urban communities: mostly compounds (小区 › 幢 › 单元 › 室, gate on a road), some street doors;
 *   town-centre communities: more street doors. A compound is in the base as its gate's door
 *   address (门牌: road + door + compound), each building (楼栋: compound + 幢) and each room, as a
 *   real unified address base holds them;
 * - villages: 组 + 号 houses around hamlet centres, street doors, and in 街道 resettlement compounds.
 * Every point is drawn inside a microgrid polygon of its village (checked with point-in-polygon on
 * the coordinates as stored, rounded to 1e-7°), so the area codes hold by construction.
 */
import type { MultiPolygon } from 'geojson'

import type { AddressRow } from '../addresses/schema.ts'
import { inFlatRing } from '../shared/point-in-polygon.ts'
import { type AddressParts, formatAddress } from './address-text.ts'
import { compoundAliases, compoundName, roadNames, villageRoadName } from './names.ts'
import { villageNames } from './reference.ts'
import { aliasSampler, apportion, chance, deriveRng, normal, pick, randInt, type Rng, uniform } from './rng.ts'
import type { AreaRow } from './types.ts'

export interface AddressOptions {
  seed: string
  /** Exactly this many rows are generated (small 100,000; medium 500,000; full 3,480,000). */
  count: number
}

/** Degrees per metre at Xiaoshan's latitude. */
const DEG_PER_M_LNG = 1 / 96_388
const DEG_PER_M_LAT = 1 / 110_854

type BBox = [number, number, number, number]
interface Poly {
  ring: Float64Array
  bbox: BBox
}

/** Outer rings of a MultiPolygon as flat lng/lat arrays with boxes (holes ignored: ours have none). */
function toPolys(g: MultiPolygon): Poly[] {
  return g.coordinates.map((poly) => {
    const outer = poly[0] ?? []
    const ring = new Float64Array((outer.length - 1) * 2)
    let x0 = Infinity
    let y0 = Infinity
    let x1 = -Infinity
    let y1 = -Infinity
    for (let i = 0; i < outer.length - 1; i++) {
      const x = outer[i]![0]!
      const y = outer[i]![1]!
      ring[2 * i] = x
      ring[2 * i + 1] = y
      if (x < x0) x0 = x
      if (x > x1) x1 = x
      if (y < y0) y0 = y
      if (y > y1) y1 = y
    }
    return { ring, bbox: [x0, y0, x1, y1] as BBox }
  })
}

function inPolys(polys: readonly Poly[], x: number, y: number): boolean {
  for (const p of polys) {
    const b = p.bbox
    if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3] && inFlatRing(p.ring, x, y)) return true
  }
  return false
}

function unionBBox(polys: readonly Poly[]): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity]
  for (const p of polys) {
    b[0] = Math.min(b[0], p.bbox[0])
    b[1] = Math.min(b[1], p.bbox[1])
    b[2] = Math.max(b[2], p.bbox[2])
    b[3] = Math.max(b[3], p.bbox[3])
  }
  return b
}

const round7 = (x: number) => Math.round(x * 1e7) / 1e7

type VillageStyle = 'urbanCommunity' | 'townCommunity' | 'urbanVillage' | 'ruralVillage' | 'virtual'

/** Share of a village's addresses in compounds (gates, buildings, rooms), street doors and 组 houses, by village style. */
const MIX: Record<VillageStyle, { rooms: number; doors: number; groups: number }> = {
  urbanCommunity: { rooms: 0.85, doors: 0.15, groups: 0 },
  townCommunity: { rooms: 0.7, doors: 0.3, groups: 0 },
  urbanVillage: { rooms: 0.2, doors: 0.25, groups: 0.55 },
  ruralVillage: { rooms: 0, doors: 0.2, groups: 0.8 },
  virtual: { rooms: 0.3, doors: 0.7, groups: 0 },
}

interface Micro {
  code: string
  gridCode: string
  polys: Poly[]
  bbox: BBox
  label: [number, number]
  population: number
}

interface Village {
  code: string
  shortName: string
  stem: string
  style: VillageStyle
  polys: Poly[]
  bbox: BBox
  label: [number, number]
  population: number
  micro: Micro[]
}

interface Town {
  code: string
  name: string
  shortName: string
  kind: 'urban' | 'rural'
  /** The town seat (properties.seat) or its label point. */
  seat: [number, number]
  polys: Poly[]
  bbox: BBox
  villages: Village[]
}

/** Towns › villages › microgrids with flat rings, from the area rows (any order, any subset). */
function buildModel(areas: readonly AreaRow[]): Town[] {
  const grids = new Map<string, string>() // grid code → village code
  for (const a of areas) if (a.level === 'grid' && a.parentCode) grids.set(a.code, a.parentCode)
  const microByVillage = new Map<string, Micro[]>()
  for (const a of areas) {
    if (a.level !== 'microgrid' || !a.parentCode) continue
    const village = grids.get(a.parentCode)
    if (!village) continue
    const polys = toPolys(a.geometry)
    const list = microByVillage.get(village) ?? []
    list.push({ code: a.code, gridCode: a.parentCode, polys, bbox: unionBBox(polys), label: a.labelPoint, population: a.population })
    microByVillage.set(village, list)
  }
  const towns = new Map<string, Town>()
  for (const a of areas) {
    if (a.level !== 'town') continue
    const polys = toPolys(a.geometry)
    const kind =
      a.properties.kind === 'urban' || a.properties.kind === 'rural' ? a.properties.kind : a.name.endsWith('街道') ? 'urban' : 'rural'
    const shortName = typeof a.properties.short_name === 'string' ? a.properties.short_name : a.name
    const seat = Array.isArray(a.properties.seat) && a.properties.seat.length === 2 ? (a.properties.seat as [number, number]) : a.labelPoint
    towns.set(a.code, { code: a.code, name: a.name, shortName, kind, seat, polys, bbox: unionBBox(polys), villages: [] })
  }
  for (const a of [...areas].filter((x) => x.level === 'village').sort((x, y) => (x.code < y.code ? -1 : 1))) {
    const town = a.parentCode ? towns.get(a.parentCode) : undefined
    const micro = microByVillage.get(a.code)
    if (!town || !micro || micro.length === 0) continue
    const names = villageNames(a.name)
    const shortName = typeof a.properties.short_name === 'string' ? a.properties.short_name : names.shortName
    const style: VillageStyle = a.name.includes('虚拟')
      ? 'virtual'
      : names.type === '村'
        ? town.kind === 'urban'
          ? 'urbanVillage'
          : 'ruralVillage'
        : town.kind === 'urban'
          ? 'urbanCommunity'
          : 'townCommunity'
    const polys = toPolys(a.geometry)
    micro.sort((x, y) => (x.code < y.code ? -1 : 1))
    town.villages.push({
      code: a.code,
      shortName,
      stem: names.stem,
      style,
      polys,
      bbox: unionBBox(polys),
      label: a.labelPoint,
      population: a.population,
      micro,
    })
  }
  return [...towns.values()].filter((t) => t.villages.length > 0).sort((x, y) => (x.code < y.code ? -1 : 1))
}

interface Road {
  name: string
  /** Door numbers handed out so far: base number → how many (the 2nd is 438-1). */
  doors: Map<number, number>
}

/** A sample point on a road: distance along it (m, from where it enters the town) and heading. */
interface Station {
  road: number
  s: number
  x: number
  y: number
  dx: number
  dy: number
}

function locateVillage(town: Town, x: number, y: number): Village | null {
  for (const v of town.villages) {
    const b = v.bbox
    if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3] && inPolys(v.polys, x, y)) return v
  }
  return null
}

/** Walks a gently curving line through `anchor` and keeps the stations `keep` accepts. */
function traceRoad(
  rng: Rng,
  anchor: [number, number],
  heading: number,
  halfLength: number,
  step: number,
  keep: (x: number, y: number) => Village | null,
  onStation: (v: Village, st: Omit<Station, 'road'>) => void,
): void {
  const bend = normal(rng, 0, 0.25)
  const points: { x: number; y: number; dx: number; dy: number; t: number }[] = []
  for (const dir of [1, -1]) {
    let x = anchor[0]
    let y = anchor[1]
    for (let t = 0; t <= halfLength; t += step) {
      const a = heading + (bend * (dir * t)) / halfLength
      const dx = Math.cos(a)
      const dy = Math.sin(a)
      if (t > 0 || dir === 1) points.push({ x, y, dx, dy, t: dir * t })
      x += dir * dx * step * DEG_PER_M_LNG
      y += dir * dy * step * DEG_PER_M_LAT
    }
  }
  points.sort((a, b) => a.t - b.t)
  let s0: number | null = null
  for (const p of points) {
    const v = keep(p.x, p.y)
    if (!v) continue
    if (s0 === null) s0 = p.t
    onStation(v, { s: p.t - (s0 as number) + 5, x: p.x, y: p.y, dx: p.dx, dy: p.dy })
  }
}

/** A town's roads and, per village, the stations that fall inside it. */
function buildRoads(seed: string, town: Town): { roads: Road[]; stations: Map<string, Station[]> } {
  const rng = deriveRng(seed, 'roads', town.code)
  const urban = town.kind === 'urban'
  const names = roadNames(town.code, town.shortName, urban ? 10 : 6)
  const roads: Road[] = []
  const stations = new Map<string, Station[]>()
  const micro = town.villages.flatMap((v) => v.micro)
  const pickMicro = aliasSampler(micro.map((m) => m.population + 1))
  const [x0, y0, x1, y1] = town.bbox
  const half = Math.hypot((x1 - x0) / DEG_PER_M_LNG, (y1 - y0) / DEG_PER_M_LAT) / 2
  names.forEach((name, i) => {
    const road = roads.push({ name, doors: new Map() }) - 1
    // The first two roads are the main streets through the town seat; the rest cross anywhere.
    const anchor = i < 2 && inPolys(town.polys, town.seat[0], town.seat[1]) ? town.seat : (micro[pickMicro(rng)] as Micro).label
    const heading = urban || i < 2 ? (i % 2 ? Math.PI / 2 : 0) + normal(rng, 0, 0.2) : rng() * Math.PI
    traceRoad(
      rng,
      anchor,
      heading,
      half,
      urban ? 20 : 30,
      (x, y) => (inPolys(town.polys, x, y) ? locateVillage(town, x, y) : null),
      (v, st) => {
        const list = stations.get(v.code) ?? []
        list.push({ road, ...st })
        stations.set(v.code, list)
      },
    )
  })
  // Villages no town road crosses get a road of their own (named after the village, as many are).
  const taken = new Set(names)
  for (const v of town.villages) {
    if ((stations.get(v.code)?.length ?? 0) >= 5) continue
    let name = villageRoadName(v.stem)
    if (taken.has(name)) name = `${v.stem}${pick(rng, ['街', '大道', '中路', '新路'])}`
    for (let k = 2; taken.has(name); k++) name = `${v.stem}${k}路`
    taken.add(name)
    const road = roads.push({ name, doors: new Map() }) - 1
    const [a, b, c, d] = v.bbox
    const vHalf = Math.hypot((c - a) / DEG_PER_M_LNG, (d - b) / DEG_PER_M_LAT) / 2
    const list = stations.get(v.code) ?? []
    traceRoad(
      rng,
      v.label,
      rng() * Math.PI,
      vHalf,
      15,
      (x, y) => (inPolys(v.polys, x, y) ? v : null),
      (_, st) => {
        list.push({ road, ...st })
      },
    )
    // The label point is inside the village: a tiny village still gets one station.
    if (list.length === 0) list.push({ road, s: 5, x: v.label[0], y: v.label[1], dx: 1, dy: 0 })
    stations.set(v.code, list)
  }
  return { roads, stations }
}

/** The next free door label for a base number on a road: 438, then 438-1, 438-2… */
function takeDoor(road: Road, base: number): string {
  const used = road.doors.get(base) ?? 0
  road.doors.set(base, used + 1)
  return used === 0 ? String(base) : `${base}-${used}`
}

function locateMicro(v: Village, x: number, y: number): Micro | null {
  for (const m of v.micro) {
    const b = m.bbox
    if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3] && inPolys(m.polys, x, y)) return m
  }
  return null
}

interface Placed {
  x: number
  y: number
  micro: Micro
}

/** A random point inside one microgrid (rejection sampling; its label point as a last resort). */
function pointInMicro(rng: Rng, m: Micro): Placed {
  const [x0, y0, x1, y1] = m.bbox
  for (let i = 0; i < 60; i++) {
    const x = round7(uniform(rng, x0, x1))
    const y = round7(uniform(rng, y0, y1))
    if (inPolys(m.polys, x, y)) return { x, y, micro: m }
  }
  return { x: m.label[0], y: m.label[1], micro: m }
}

/**
 * The gate of a compound: on the line from its centre to the road station, `inset` metres short
 * of the station (inside the compound), if that point is in the village; else the centre.
 */
function gatePoint(v: Village, centre: Placed, st: Station, inset: number): Placed {
  const dx = (st.x - centre.x) / DEG_PER_M_LNG
  const dy = (st.y - centre.y) / DEG_PER_M_LAT
  const d = Math.hypot(dx, dy)
  if (d <= inset) return centre
  const k = (d - inset) / d
  const x = round7(centre.x + (st.x - centre.x) * k)
  const y = round7(centre.y + (st.y - centre.y) * k)
  const m = locateMicro(v, x, y)
  return m ? { x, y, micro: m } : centre
}

/** A point near `centre` — offset drawn by `offset`, in metres — that stays in the village. */
function pointNear(v: Village, centre: Placed, offset: () => [number, number]): Placed {
  for (let i = 0; i < 25; i++) {
    const [ox, oy] = offset()
    const x = round7(centre.x + ox * DEG_PER_M_LNG)
    const y = round7(centre.y + oy * DEG_PER_M_LAT)
    const m = locateMicro(v, x, y)
    if (m) return { x, y, micro: m }
  }
  return centre
}

interface CompoundSpec {
  buildings: number
  units: number
  floors: number
  roomsPerFloor: number
}

const OLD_CORE = new Set(['330109001', '330109002', '330109403'])

/** Building stock by place: 6-storey walk-ups in the old core, high-rises in the new districts. */
function compoundSpec(rng: Rng, town: Town, style: VillageStyle): CompoundSpec {
  if (style === 'urbanVillage') {
    return { buildings: randInt(rng, 8, 30), units: 2, floors: randInt(rng, 6, 18), roomsPerFloor: randInt(rng, 2, 3) }
  }
  if (style === 'townCommunity' || style === 'virtual') {
    return { buildings: randInt(rng, 5, 20), units: randInt(rng, 2, 3), floors: randInt(rng, 5, 11), roomsPerFloor: 2 }
  }
  const walkUp = OLD_CORE.has(town.code) ? 0.7 : 0.2
  if (chance(rng, walkUp))
    return { buildings: randInt(rng, 8, 30), units: randInt(rng, 2, 4), floors: randInt(rng, 5, 7), roomsPerFloor: 2 }
  if (chance(rng, 0.8))
    return { buildings: randInt(rng, 6, 18), units: randInt(rng, 1, 2), floors: randInt(rng, 18, 33), roomsPerFloor: randInt(rng, 2, 4) }
  return { buildings: randInt(rng, 6, 16), units: randInt(rng, 2, 3), floors: randInt(rng, 8, 12), roomsPerFloor: 2 }
}

/** Shared state of one run: sequence numbers and names already used. */
interface RunState {
  seq: number
  compounds: Set<string>
}

function row(
  state: RunState,
  town: Town,
  v: Village,
  p: Placed,
  parts: Omit<AddressParts, 'town' | 'village'>,
  aliases: string[],
): AddressRow {
  state.seq++
  const full: AddressParts = { town: town.name, village: v.shortName, ...parts }
  return {
    addressId: `A${String(state.seq).padStart(8, '0')}`,
    address: formatAddress(full),
    lng: p.x,
    lat: p.y,
    town: town.name,
    village: v.shortName,
    groupNo: parts.groupNo,
    road: parts.road,
    doorNo: parts.doorNo,
    compound: parts.compound,
    building: parts.building,
    unit: parts.unit,
    room: parts.room,
    aliases,
    townCode: town.code,
    villageCode: v.code,
    gridCode: p.micro.gridCode,
    microgridCode: p.micro.code,
  }
}

/** One village's addresses: compounds (gate, buildings, rooms), street doors, 组 houses — `quota` in all. */
function* villageAddresses(
  seed: string,
  state: RunState,
  town: Town,
  v: Village,
  quota: number,
  roads: Road[],
  stations: readonly Station[],
): Generator<AddressRow> {
  const rng = deriveRng(seed, 'addresses', v.code)
  const mix = MIX[v.style]
  // Everything in compounds: gates, buildings and rooms.
  const nCompound = Math.round(quota * mix.rooms)
  const nDoors = mix.groups > 0 ? Math.round(quota * mix.doors) : quota - nCompound
  const nGroups = quota - nCompound - nDoors
  const pickMicro = aliasSampler(v.micro.map((m) => m.population + 1))
  const randomPlace = () => pointInMicro(rng, v.micro[pickMicro(rng)] as Micro)

  // Street door: a station on a road through the village, a few metres to the side.
  const streetDoor = (): { place: Placed; road: number; base: number } | null => {
    for (let i = 0; i < 30 && stations.length > 0; i++) {
      const st = pick(rng, stations)
      const left = chance(rng, 0.5)
      const side = uniform(rng, 8, 25) * (left ? 1 : -1)
      const along = uniform(rng, -4, 4)
      const x = round7(st.x + (along * st.dx - side * st.dy) * DEG_PER_M_LNG)
      const y = round7(st.y + (along * st.dy + side * st.dx) * DEG_PER_M_LAT)
      const m = locateMicro(v, x, y)
      if (!m) continue
      const base = 2 * Math.floor(Math.max(0, st.s + along) / 10) + (left ? 1 : 2)
      return { place: { x, y, micro: m }, road: st.road, base }
    }
    return null
  }

  let compoundRows = 0
  let first = true
  while (compoundRows < nCompound) {
    const name = compoundName(rng, state.compounds, {
      stem: v.stem,
      resettlement: v.style === 'urbanVillage',
      featured: first && OLD_CORE.has(town.code) && chance(rng, 0.6),
    })
    first = false
    const aliases = compoundAliases(name)
    const centre = randomPlace()
    const spec = compoundSpec(rng, town, v.style)
    // The gate: the nearest road station within 600 m gives road and door number.
    let gate: { road: string; door: string } | null = null
    let best = 600 * 600
    let bestSt: Station | null = null
    for (const st of stations) {
      const d = ((st.x - centre.x) / DEG_PER_M_LNG) ** 2 + ((st.y - centre.y) / DEG_PER_M_LAT) ** 2
      if (d < best) {
        best = d
        bestSt = st
      }
    }
    if (bestSt) {
      const r = roads[bestSt.road] as Road
      gate = { road: r.name, door: takeDoor(r, 2 * Math.floor(bestSt.s / 10) + randInt(rng, 1, 2)) }
      // The gate's own door address (门牌): road + door + compound.
      compoundRows++
      yield row(
        state,
        town,
        v,
        gatePoint(v, centre, bestSt, 15),
        { groupNo: null, road: gate.road, doorNo: gate.door, compound: name, building: null, unit: null, room: null },
        aliases,
      )
    }
    const radius = 35 + 10 * Math.sqrt(spec.buildings * spec.units)
    for (let b = 1; b <= spec.buildings && compoundRows < nCompound; b++) {
      const place = pointNear(v, centre, () => {
        const r = radius * Math.sqrt(rng())
        const a = rng() * 2 * Math.PI
        return [r * Math.cos(a), r * Math.sin(a)]
      })
      // The building (楼栋) as an address of its own, then its rooms.
      compoundRows++
      yield row(
        state,
        town,
        v,
        place,
        {
          groupNo: null,
          road: gate?.road ?? null,
          doorNo: gate?.door ?? null,
          compound: name,
          building: String(b),
          unit: null,
          room: null,
        },
        aliases,
      )
      for (let u = 1; u <= spec.units && compoundRows < nCompound; u++) {
        for (let f = 1; f <= spec.floors && compoundRows < nCompound; f++) {
          for (let k = 1; k <= spec.roomsPerFloor && compoundRows < nCompound; k++) {
            compoundRows++
            yield row(
              state,
              town,
              v,
              place,
              {
                groupNo: null,
                road: gate?.road ?? null,
                doorNo: gate?.door ?? null,
                compound: name,
                building: String(b),
                unit: String(u),
                room: String(f * 100 + k),
              },
              aliases,
            )
          }
        }
      }
    }
  }

  for (let i = 0; i < nDoors; i++) {
    const door = streetDoor()
    if (door) {
      const r = roads[door.road] as Road
      yield row(
        state,
        town,
        v,
        door.place,
        { groupNo: null, road: r.name, doorNo: takeDoor(r, door.base), compound: null, building: null, unit: null, room: null },
        [],
      )
    } else {
      // No station leads to a point inside (a tiny village): a random point, a station's road.
      const st = pick(rng, stations)
      const r = roads[st.road] as Road
      yield row(
        state,
        town,
        v,
        randomPlace(),
        {
          groupNo: null,
          road: r.name,
          doorNo: takeDoor(r, 2 * Math.floor(st.s / 10) + 1),
          compound: null,
          building: null,
          unit: null,
          room: null,
        },
        [],
      )
    }
  }

  if (nGroups > 0) {
    // 组 (villager groups) are hamlets of ~250 people; their count is fixed by population.
    const groups = Math.max(1, Math.min(nGroups, Math.min(30, Math.max(3, Math.round(v.population / 250)))))
    const perGroup = apportion(
      nGroups,
      Array.from({ length: groups }, () => 0.5 + rng()),
    )
    for (let g = 0; g < groups; g++) {
      const centre = randomPlace()
      const sigma = uniform(rng, 50, 140)
      for (let door = 1; door <= (perGroup[g] as number); door++) {
        const place = pointNear(v, centre, () => [normal(rng, 0, sigma), normal(rng, 0, sigma)])
        yield row(
          state,
          town,
          v,
          place,
          { groupNo: String(g + 1), road: null, doorNo: String(door), compound: null, building: null, unit: null, room: null },
          [],
        )
      }
    }
  }
}

/**
 * Streams exactly `opts.count` addresses over the villages of `areas` (which must include the
 * villages' grids and microgrids), shared out by village population. Deterministic per seed,
 * count and area set; ids are `A` + 8-digit sequence.
 * @example for (const a of generateAddresses(areas, { seed: 'demo', count: 100_000 })) insert(a)
 */
export function* generateAddresses(areas: readonly AreaRow[], opts: AddressOptions): Generator<AddressRow> {
  const towns = buildModel(areas)
  const villages = towns.flatMap((t) => t.villages)
  if (villages.length === 0) throw new Error('generateAddresses: no villages with microgrids in areas')
  const quotas = apportion(
    opts.count,
    villages.map((v) => Math.max(1, v.population)),
  )
  const quota = new Map(villages.map((v, i) => [v.code, quotas[i] as number]))
  const state: RunState = { seq: 0, compounds: new Set() }
  for (const town of towns) {
    const { roads, stations } = buildRoads(opts.seed, town)
    for (const v of town.villages) {
      yield* villageAddresses(opts.seed, state, town, v, quota.get(v.code) as number, roads, stations.get(v.code) ?? [])
    }
  }
}

/**
 * Passes rows through and keeps every `every`-th in `into` (the bounded address sample the
 * incident generator needs). Use `sampleEvery(count, max)` for the stride.
 * @example const sample: AddressRow[] = []; for (const a of tapSample(gen, 12, sample)) write(a)
 */
export function* tapSample<T>(rows: Iterable<T>, every: number, into: T[]): Generator<T> {
  let i = 0
  for (const r of rows) {
    if (i++ % every === 0) into.push(r)
    yield r
  }
}

/** A bounded, deterministic subset of the address stream, for `generateIncidents`. */
export interface AddressSample {
  /** Yields every row of `rows` unchanged and keeps every k-th (k = ⌈count / max⌉). */
  observe(rows: Iterable<AddressRow>): Generator<AddressRow>
  /** The rows kept so far (complete once `observe` has been consumed). */
  addresses(): AddressRow[]
}

/** Default size cap of the incident address sample (~75 MB of rows). */
export const INCIDENT_SAMPLE_MAX = 300_000

/**
 * A sampler to tee off the address stream while loading it: at most `max` rows (default 300,000),
 * evenly spread (every k-th row, from a seeded offset), so incidents cover all villages.
 * @example const s = sampleForIncidents({ seed, count }); load(s.observe(gen)); generateIncidents(s.addresses(), …)
 */
export function sampleForIncidents(opts: { seed: string; count: number; max?: number }): AddressSample {
  const every = sampleEvery(opts.count, opts.max ?? INCIDENT_SAMPLE_MAX)
  const offset = Math.floor(deriveRng(opts.seed, 'address-sample')() * every)
  const kept: AddressRow[] = []
  return {
    *observe(rows) {
      let i = 0
      for (const r of rows) {
        if (i++ % every === offset) kept.push(r)
        yield r
      }
    },
    addresses: () => kept,
  }
}

/**
 * The stride that keeps at most `max` of `count` rows.
 * @example sampleEvery(3_480_000, 300_000) // 12
 */
export function sampleEvery(count: number, max: number): number {
  return Math.max(1, Math.ceil(count / max))
}
