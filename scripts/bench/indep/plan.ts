/**
 * Plans the synthetic world the base rows are read from: per town its roads (with door lines and
 * door numbers), compounds (gate on a road, buildings, units, rooms), villages (groups and houses),
 * landmarks and road junctions. Rows themselves are streamed later (base.ts), so the plan stays
 * small: it holds structures, not addresses.
 */
import { areaKm2, crossings, makeProjection, PolygonIndex, Polyline, type Projection, randomPointIn, toLngLat, toXY } from './geo.ts'
import { Rng } from './rng.ts'
import type { IndepArea } from './types.ts'
import {
  ALIAS_ENDINGS,
  COMPOUND_ENDINGS,
  COMPOUND_FIRST,
  COMPOUND_MODIFIERS,
  COMPOUND_SECOND,
  LANDMARK_STEMS,
  LANDMARK_TYPES,
  ROAD_ENDINGS,
  ROAD_FAMILY_ENDINGS,
  ROAD_FIRST,
  ROAD_SECOND,
  sameSyllable,
  TOWN_LANDMARK_TYPES,
  VILLAGE_ERA_A,
  VILLAGE_ERA_B,
  VILLAGE_LAND,
  VILLAGE_POS,
  VILLAGE_SURNAMES,
} from './vocab.ts'

/** Door status codes in RoadPlan.status. */
export const DOOR_NONE = 0
export const DOOR_NORMAL = 1
export const DOOR_BORDER = 2
export const DOOR_GATE = 3

/** Street doors stand this far (m) from the road's centre line. */
const DOOR_OFFSET_M = 12
/** Border rows lie this far (m) from the written town's boundary, inside the neighbour. */
export const BORDER_MIN_M = 30
export const BORDER_MAX_M = 220
/** How far (m) a road's door line may run on into the neighbouring town. */
const EXTENSION_M = 210

/** Real old names of Xiaoshan towns → today's town name (used only when that town exists). */
export const OLD_TOWN_NAMES: readonly (readonly [string, string])[] = [
  ['宁围镇', '宁围街道'],
  ['新街镇', '新街街道'],
  ['闻堰镇', '闻堰街道'],
  ['靖江镇', '靖江街道'],
  ['南阳镇', '南阳街道'],
  ['坎山镇', '瓜沥镇'],
  ['党山镇', '瓜沥镇'],
]

/** Options of the planner. */
export interface PlanOptions {
  count: number
  seed: string
  /** Share of rows with parsed part columns (default 0.7). */
  partsRate?: number
  /** Target share of border compound rows (default 0.02; border street doors come on top). */
  borderRate?: number
  /**
   * Give a few roads and compounds the name of one in another town (default true): the material of
   * the ambiguous and position-disambiguated kinds. Off, the world is the one of earlier versions.
   */
  dupNames?: boolean
}

/** Two same-named structures in different towns: `b` was renamed after `a`. */
export interface DupPair {
  a: number
  b: number
}

/** A stretch of a road's door line that runs on into a neighbouring town. */
export interface ExtZone {
  from: number
  to: number
  /** Arc length where the line leaves the road's own town. */
  cross: number
  townIdx: number
}

/** One road of one town. */
export interface RoadPlan {
  id: number
  name: string
  stem: string
  townIdx: number
  /** Centre line in local metres, extensions included. */
  line: Polyline
  inStart: number
  inEnd: number
  exts: ExtZone[]
  spacing: number
  maxNo: number
  /** Status of door number n at index n (0 unused). */
  status: Uint8Array
  /** Some door numbers inside the range that have no row (filled while streaming). */
  gaps: number[]
  /** Number of rows with this road (filled while streaming). */
  rows: number
  /** The name and stem before addDuplicateNames gave it another town's road name. */
  former?: { name: string; stem: string }
}

/** One building of a compound (all its rooms share the point). */
export interface BuildingPlan {
  no: number
  lng: number
  lat: number
}

/** One residential compound. */
export interface CompoundPlan {
  id: number
  name: string
  stem: string
  aliases: string[]
  townIdx: number
  roadId: number
  gateNo: number
  units: number
  unitWritten: boolean
  floors: number
  perFloor: number
  buildings: BuildingPlan[]
  border: boolean
  pointTownIdx: number
  siblings: { id: number; via: 'town' | 'road' }[]
  capacity: number
  /** Rows to emit (≤ capacity; only a town's last compound is cut). */
  quota: number
  /** The name and stem before addDuplicateNames gave it another town's compound name. */
  former?: { name: string; stem: string }
}

/** One 组 of a village. */
export interface GroupPlan {
  no: number
  lng: number
  lat: number
  houses: number
  maxNo: number
}

/** One village polygon and the name written in addresses. */
export interface VillagePlan {
  id: number
  townIdx: number
  code: string
  adminName: string
  /** The name used in addresses (the admin name without 委会, or an invented one). */
  written: string
  own: boolean
  isCun: boolean
  index: PolygonIndex
  groups: GroupPlan[]
  houses: number
  /** Running sums of the streamed house points (for the village truth point). */
  sumLng: number
  sumLat: number
  rows: number
}

/** A road crossing: both door lines meet at (lng, lat). */
export interface Junction {
  roadA: number
  roadB: number
  lng: number
  lat: number
  townIdx: number
}

/** A named point place of the gazetteer. */
export interface Landmark {
  name: string
  lng: number
  lat: number
  townIdx: number
}

/** One town and its quotas. */
export interface TownPlan {
  idx: number
  code: string
  name: string
  short: string
  kind: 'street' | 'town' | 'unit'
  index: PolygonIndex
  areaKm2: number
  villageIds: number[]
  roadIds: number[]
  compoundIds: number[]
  neighbours: number[]
  budget: number
  quota: { village: number; rooms: number; borderRooms: number; doors: number }
}

/** The whole plan. */
export interface World {
  seed: string
  count: number
  partsRate: number
  proj: Projection
  towns: TownPlan[]
  roads: RoadPlan[]
  compounds: CompoundPlan[]
  villages: VillagePlan[]
  junctions: Junction[]
  landmarks: Landmark[]
  oldNames: { old: string; townIdx: number }[]
  /** Every place name of the world (towns and short names, villages, roads, compounds, aliases, landmarks). */
  realNames: Set<string>
  /** Road pairs sharing a name across two towns (ids into roads). */
  dupRoads: DupPair[]
  /** Compound pairs sharing a name across two towns (ids into compounds). */
  dupCompounds: DupPair[]
}

/**
 * Plans a world for `count` rows over the given areas.
 * @example planWorld(areas, { count: 5000, seed: 's' }).towns.length
 */
export function planWorld(areas: readonly IndepArea[], opts: PlanOptions): World {
  const rng = new Rng(`indep:${opts.seed}`)
  const townAreas = areas.filter((a) => a.level === 'town')
  if (townAreas.length === 0) throw new Error('no town areas')
  const proj = projectionFor(townAreas)
  const towns = townAreas.map((a, idx) => makeTown(a, idx))
  const world: World = {
    seed: opts.seed,
    count: opts.count,
    partsRate: opts.partsRate ?? 0.7,
    proj,
    towns,
    roads: [],
    compounds: [],
    villages: [],
    junctions: [],
    landmarks: [],
    oldNames: [],
    realNames: new Set(),
    dupRoads: [],
    dupCompounds: [],
  }
  for (const t of towns) {
    world.realNames.add(t.name)
    world.realNames.add(t.short)
  }
  addVillages(world, areas, rng.fork('villages'))
  findNeighbours(world)
  const provisional = apportion(opts.count, towns.map(townWeight))
  towns.forEach((t, i) => planRoads(world, t, provisional[i]!, rng.fork(`roads/${t.code}`)))
  const budgets = apportion(
    opts.count,
    towns.map((t) => (t.roadIds.length > 0 ? townWeight(t) : 0)),
  )
  towns.forEach((t, i) => (t.budget = budgets[i]!))
  for (const t of towns) planJunctions(world, t)
  for (const t of towns) planTown(world, t, opts.borderRate ?? 0.02, rng.fork(`town/${t.code}`))
  for (const t of towns) planLandmarks(world, t, rng.fork(`landmarks/${t.code}`))
  for (const [old, current] of OLD_TOWN_NAMES) {
    const t = towns.find((x) => x.name === current)
    if (t && !towns.some((x) => x.name === old)) {
      world.oldNames.push({ old, townIdx: t.idx })
      world.realNames.add(old)
    }
  }
  if (opts.dupNames ?? true) addDuplicateNames(world, rng.fork('dups'))
  return world
}

/**
 * Renames a few roads and compounds after one in another town (real districts have two 人民路 in
 * two towns): at most one road and one compound per town takes part, partners are not neighbours
 * when possible, family roads (a shared stem in the town), compounds with siblings or aliases,
 * border compounds and compounds on a renamed road are left out. Runs after everything else is
 * planned, from its own random stream, so only the renamed names change.
 * @example addDuplicateNames(world, rng); world.dupRoads // [{ a: 12, b: 230 }, …]
 */
function addDuplicateNames(world: World, rng: Rng): void {
  const towns = world.towns.filter((t) => t.budget > 0)
  const stemCount = (t: TownPlan, stem: string) => t.roadIds.filter((id) => world.roads[id]!.stem === stem).length
  const roadOk = (r: RoadPlan) => r.inEnd - r.inStart >= 400 && stemCount(world.towns[r.townIdx]!, r.stem) === 1
  const roadPairs = Math.min(Math.floor(towns.length / 2), Math.max(2, Math.ceil(0.03 * world.roads.length)))
  for (const [a, b] of pairTowns(towns, roadPairs, (t) => t.roadIds.some((id) => roadOk(world.roads[id]!)), rng)) {
    const ra = world.roads[rng.pick(a.roadIds.filter((id) => roadOk(world.roads[id]!)))]!
    const candidates = b.roadIds.filter((id) => roadOk(world.roads[id]!) && stemCount(b, ra.stem) === 0)
    if (candidates.length === 0) continue
    const rb = world.roads[rng.pick(candidates)]!
    takeName(world, rb, ra)
    world.dupRoads.push({ a: ra.id, b: rb.id })
  }
  const dupRoadIds = new Set(world.dupRoads.flatMap((p) => [p.a, p.b]))
  const compoundOk = (c: CompoundPlan) =>
    !c.border && c.siblings.length === 0 && c.aliases.length === 0 && c.quota >= 24 && !dupRoadIds.has(c.roadId)
  const compoundPairs = Math.min(Math.floor(towns.length / 2), Math.max(2, Math.ceil(0.02 * world.compounds.length)))
  for (const [a, b] of pairTowns(towns, compoundPairs, (t) => t.compoundIds.some((id) => compoundOk(world.compounds[id]!)), rng)) {
    const ca = world.compounds[rng.pick(a.compoundIds.filter((id) => compoundOk(world.compounds[id]!)))]!
    const candidates = b.compoundIds.filter((id) => {
      const c = world.compounds[id]!
      return compoundOk(c) && c.unitWritten === ca.unitWritten
    })
    if (candidates.length === 0) continue
    const cb = world.compounds[rng.pick(candidates)]!
    takeName(world, cb, ca)
    world.dupCompounds.push({ a: ca.id, b: cb.id })
  }
}

/**
 * Gives `to` the name (and stem) of `from`, remembering its own as `former`.
 * @example takeName(world, roadInTownB, roadInTownA) // both now named like roadInTownA
 */
function takeName(
  world: World,
  to: { name: string; stem: string; former?: { name: string; stem: string } },
  from: { name: string; stem: string },
): void {
  world.realNames.delete(to.name)
  to.former = { name: to.name, stem: to.stem }
  to.name = from.name
  to.stem = from.stem
}

/**
 * Up to `want` disjoint pairs of towns passing `usable`, partners not neighbours where possible.
 * @example pairTowns(towns, 3, () => true, rng) // [[t1, t7], [t4, t0], …]
 */
function pairTowns(towns: readonly TownPlan[], want: number, usable: (t: TownPlan) => boolean, rng: Rng): [TownPlan, TownPlan][] {
  const pool = rng.shuffle(towns.filter(usable))
  const used = new Set<number>()
  const out: [TownPlan, TownPlan][] = []
  for (const a of pool) {
    if (out.length >= want) break
    if (used.has(a.idx)) continue
    const free = pool.filter((t) => t.idx !== a.idx && !used.has(t.idx))
    const far = free.filter((t) => !a.neighbours.includes(t.idx) && !t.neighbours.includes(a.idx))
    const b = far[0] ?? free[0]
    if (!b) break
    used.add(a.idx)
    used.add(b.idx)
    out.push([a, b])
  }
  return out
}

/**
 * A projection centred on the towns' common bounding box.
 * @example projectionFor(towns).lat0 // ~30.1 for Xiaoshan
 */
function projectionFor(towns: readonly IndepArea[]): Projection {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const t of towns) {
    for (const poly of t.geometry.coordinates) {
      for (const [x, y] of poly[0]!) {
        minX = Math.min(minX, x!)
        maxX = Math.max(maxX, x!)
        minY = Math.min(minY, y!)
        maxY = Math.max(maxY, y!)
      }
    }
  }
  return makeProjection((minX + maxX) / 2, (minY + maxY) / 2)
}

/**
 * A town's short name: without 街道/镇/乡 (北干 for 北干街道); statistics units keep their name.
 * @example shortTownName('北干街道') // '北干'
 */
export function shortTownName(name: string): string {
  const m = /^(.{2,}?)(街道|镇|乡)$/.exec(name)
  return m ? m[1]! : name
}

/**
 * The written form of an admin village name: 马谷村委会 → 马谷村, 陈公桥社区 stays.
 * @example writtenVillageName('马谷村村委会') // '马谷村'
 */
export function writtenVillageName(name: string): string {
  return name
    .replace(/村?村民委员会$/, '村')
    .replace(/村?村委会$/, '村')
    .replace(/居民委员会$|居委会$/, '')
}

/**
 * A town plan from its area (quotas filled later).
 * @example makeTown(area, 0).short
 */
function makeTown(a: IndepArea, idx: number): TownPlan {
  const kind = a.name.endsWith('街道') ? 'street' : /[镇乡]$/.test(a.name) ? 'town' : 'unit'
  return {
    idx,
    code: a.code,
    name: a.name,
    short: shortTownName(a.name),
    kind,
    index: new PolygonIndex(a.geometry),
    areaKm2: Math.max(0.01, areaKm2(a.geometry)),
    villageIds: [],
    roadIds: [],
    compoundIds: [],
    neighbours: [],
    budget: 0,
    quota: { village: 0, rooms: 0, borderRooms: 0, doors: 0 },
  }
}

/**
 * A town's share of rows: larger towns more, streets (denser) a little more.
 * @example townWeight(town) > 0
 */
function townWeight(t: TownPlan): number {
  return Math.sqrt(t.areaKm2) * (t.kind === 'street' ? 1.3 : 1)
}

/**
 * Splits `total` into integers proportional to weights (largest remainder), summing to total.
 * @example apportion(10, [1, 1, 2]) // [3, 2, 5] or [2, 3, 5]
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum <= 0) return weights.map(() => 0)
  const raw = weights.map((w) => (total * w) / sum)
  const out = raw.map(Math.floor)
  let rest = total - out.reduce((a, b) => a + b, 0)
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (let k = 0; rest > 0; k = (k + 1) % order.length) {
    if (weights[order[k]![1]]! > 0) {
      out[order[k]![1]]!++
      rest--
    }
  }
  return out
}

/**
 * The town whose polygon holds a lng/lat point, or -1.
 * @example townAt(world, 120.3, 30.1) // 4
 */
export function townAt(world: World, lng: number, lat: number): number {
  for (const t of world.towns) if (t.index.contains(lng, lat)) return t.idx
  return -1
}

/**
 * Reads the village areas, names each village (half of the 村 get an invented name).
 * @example addVillages(world, areas, rng)
 */
function addVillages(world: World, areas: readonly IndepArea[], rng: Rng): void {
  const byCode = new Map(world.towns.map((t) => [t.code, t]))
  const adminWritten = new Set(areas.filter((a) => a.level === 'village').map((a) => writtenVillageName(a.name)))
  for (const a of areas) {
    if (a.level !== 'village' || !a.parentCode) continue
    const town = byCode.get(a.parentCode)
    if (!town) continue
    const admin = writtenVillageName(a.name)
    const isCun = admin.endsWith('村')
    const own = isCun && rng.chance(0.5)
    const written = own ? inventVillageName(rng, world, adminWritten) : admin
    const v: VillagePlan = {
      id: world.villages.length,
      townIdx: town.idx,
      code: a.code,
      adminName: a.name,
      written,
      own,
      isCun,
      index: new PolygonIndex(a.geometry),
      groups: [],
      houses: 0,
      sumLng: 0,
      sumLat: 0,
      rows: 0,
    }
    world.villages.push(v)
    town.villageIds.push(v.id)
    world.realNames.add(written)
    world.realNames.add(admin)
    world.realNames.add(a.name)
  }
}

/**
 * An invented village name (下溇村, 寿家埭村, 联丰村) not used by any real or invented place.
 * @example inventVillageName(rng, world, new Set()) // '东埭村'
 */
function inventVillageName(rng: Rng, world: World, adminWritten: ReadonlySet<string>): string {
  for (let i = 0; i < 1000; i++) {
    const pattern = rng.int(3)
    const name =
      pattern === 0
        ? `${pickChar(rng, VILLAGE_POS)}${pickChar(rng, VILLAGE_LAND)}村`
        : pattern === 1
          ? `${pickChar(rng, VILLAGE_SURNAMES)}家${pickChar(rng, VILLAGE_LAND)}村`
          : `${pickChar(rng, VILLAGE_ERA_A)}${pickChar(rng, VILLAGE_ERA_B)}村`
    if (!world.realNames.has(name) && !adminWritten.has(name) && !containsTownName(world, name)) return name
  }
  throw new Error('ran out of village names')
}

/**
 * One character of a pool string.
 * @example pickChar(rng, '甲乙') // '甲' or '乙'
 */
function pickChar(rng: Rng, pool: string): string {
  return pool[rng.int(pool.length)]!
}

/**
 * Whether a name contains a town's name or short name (or 萧山): such names would read as a town.
 * @example containsTownName(world, '北干花园') // true when 北干街道 is a town
 */
function containsTownName(world: World, name: string): boolean {
  if (name.includes('萧山')) return true
  return world.towns.some((t) => name.includes(t.short) || name.includes(t.name))
}

/**
 * Neighbour towns: those holding points just outside a town's boundary vertices.
 * @example findNeighbours(world); world.towns[0].neighbours // [1, 3]
 */
function findNeighbours(world: World): void {
  const offsets = [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
  ] as const
  const stepLng = 60 / world.proj.kx
  const stepLat = 60 / world.proj.ky
  for (const t of world.towns) {
    const found = new Set<number>()
    const ring = sampleBoundary(t.index, 400)
    for (const [x, y] of ring) {
      for (const [dx, dy] of offsets) {
        const o = townAt(world, x + dx * stepLng, y + dy * stepLat)
        if (o >= 0 && o !== t.idx) found.add(o)
      }
    }
    t.neighbours = [...found].sort((a, b) => a - b)
  }
}

/**
 * Up to `max` evenly spread boundary vertices of an index's polygon.
 * @example sampleBoundary(index, 10).length <= 10
 */
function sampleBoundary(index: PolygonIndex, max: number): [number, number][] {
  const all = index.vertices()
  const step = Math.max(1, Math.floor(all.length / max))
  const out: [number, number][] = []
  for (let i = 0; i < all.length; i += step) out.push(all[i]!)
  return out
}

/**
 * Lays roads across a town: two families of slightly bent lines at right angles, each cut to its
 * longest stretch inside the town and run on up to 210 m into a neighbour where it leaves into one.
 * @example planRoads(world, town, 100000, rng)
 */
function planRoads(world: World, t: TownPlan, budget: number, rng: Rng): void {
  const p = world.proj
  const [x0, y0] = toXY(p, t.index.minX, t.index.minY)
  const [x1, y1] = toXY(p, t.index.maxX, t.index.maxY)
  const cx = (x0 + x1) / 2
  const cy = (y0 + y1) / 2
  const half = Math.hypot(x1 - x0, y1 - y0) / 2
  const count = Math.max(3, Math.min(60, Math.round(2 + 1.2 * Math.sqrt(t.areaKm2) + budget / 8000)))
  const minLen = Math.min(300, 0.25 * Math.sqrt(t.areaKm2) * 1000)
  const theta0 = rng.range(0, Math.PI / 2)
  const perFamily = [Math.ceil(count / 2), Math.floor(count / 2)]
  for (let fam = 0; fam < 2; fam++) {
    const n = perFamily[fam]!
    for (let j = 0; j < n; j++) {
      const theta = theta0 + fam * (Math.PI / 2) + rng.range(-0.12, 0.12)
      const ux = Math.cos(theta)
      const uy = Math.sin(theta)
      const d = (-1 + (2 * (j + 0.5 + rng.range(-0.3, 0.3))) / n) * half * 0.85
      const bend = d + rng.range(-0.05, 0.05) * half
      const L = half + 800
      const long = new Polyline(
        [cx - uy * d - ux * L, cx - uy * bend, cx - uy * d + ux * L],
        [cy + ux * d - uy * L, cy + ux * bend, cy + ux * d + uy * L],
      )
      const run = longestInside(world, t, long)
      if (!run || run[1] - run[0] < minLen) continue
      addRoad(world, t, long, run, rng)
    }
  }
}

/**
 * The longest stretch [s0, s1] of a line inside a town, ends refined to ~0.1 m.
 * @example longestInside(world, town, line) // [812.3, 4120.9]
 */
function longestInside(world: World, t: TownPlan, line: Polyline): [number, number] | null {
  const step = 20
  const inside = (s: number): boolean => {
    const st = line.at(s)
    const [lng, lat] = toLngLat(world.proj, st.x, st.y)
    return t.index.contains(lng, lat)
  }
  let best: [number, number] | null = null
  let start = -1
  for (let s = 0; s <= line.length + step; s += step) {
    const ok = s <= line.length && inside(s)
    if (ok && start < 0) start = s
    if (!ok && start >= 0) {
      const end = s - step
      if (!best || end - start > best[1] - best[0]) best = [start, end]
      start = -1
    }
  }
  if (!best) return null
  const refine = (inS: number, outS: number): number => {
    for (let i = 0; i < 10; i++) {
      const mid = (inS + outS) / 2
      if (inside(mid)) inS = mid
      else outS = mid
    }
    return inS
  }
  return [refine(best[0], Math.max(0, best[0] - step)), refine(best[1], best[1] + step)]
}

/**
 * Adds one road from a long line and its inside stretch: names it and finds its extensions.
 * @example addRoad(world, town, line, [100, 2000], rng)
 */
function addRoad(world: World, t: TownPlan, long: Polyline, run: [number, number], rng: Rng): void {
  const [sa, sb] = run
  const neighbourAt = (s: number): number => {
    const st = long.at(s)
    const [lng, lat] = toLngLat(world.proj, st.x, st.y)
    return townAt(world, lng, lat)
  }
  /** The neighbour a road end runs on into, when the whole extension lies in that one town. */
  const extTown = (s: number, dir: number): number => {
    const ids = [40, 120, EXTENSION_M - 5].map((d) => neighbourAt(s + dir * d))
    return ids[0]! >= 0 && ids[0] !== t.idx && ids.every((x) => x === ids[0]) ? ids[0]! : -1
  }
  const startTown = extTown(sa, -1)
  const endTown = extTown(sb, 1)
  const extA = startTown >= 0 ? EXTENSION_M : 0
  const extB = endTown >= 0 ? EXTENSION_M : 0
  const line = long.slice(sa - extA, sb + extB)
  const inStart = extA
  const inEnd = extA + (sb - sa)
  const exts: ExtZone[] = []
  if (startTown >= 0) exts.push({ from: 0, to: extA, cross: extA, townIdx: startTown })
  if (endTown >= 0) exts.push({ from: inEnd, to: inEnd + extB, cross: inEnd, townIdx: endTown })
  const { name, stem } = nameRoad(world, t, rng)
  const road: RoadPlan = {
    id: world.roads.length,
    name,
    stem,
    townIdx: t.idx,
    line,
    inStart,
    inEnd,
    exts,
    spacing: 0,
    maxNo: 0,
    status: new Uint8Array(1),
    gaps: [],
    rows: 0,
  }
  world.roads.push(road)
  t.roadIds.push(road.id)
  world.realNames.add(name)
}

/**
 * A unique road name; sometimes a family member of a road of the same town (金丰路 → 金丰东路).
 * @example nameRoad(world, town, rng) // { name: '鸿丰路', stem: '鸿丰' }
 */
function nameRoad(world: World, t: TownPlan, rng: Rng): { name: string; stem: string } {
  for (let i = 0; i < 2000; i++) {
    let stem: string
    let ending: string
    if (t.roadIds.length > 0 && rng.chance(0.15)) {
      stem = world.roads[rng.pick(t.roadIds)]!.stem
      ending = rng.pick(ROAD_FAMILY_ENDINGS)
    } else {
      stem = pickChar(rng, ROAD_FIRST) + pickChar(rng, ROAD_SECOND)
      ending = rng.weighted(ROAD_ENDINGS)
    }
    const name = stem + ending
    if (stem[0] === stem[1] || world.realNames.has(name) || containsTownName(world, name)) continue
    return { name, stem }
  }
  throw new Error('ran out of road names')
}

/**
 * Records every crossing of two roads' door lines inside their town.
 * @example planJunctions(world, town); world.junctions.length
 */
function planJunctions(world: World, t: TownPlan): void {
  const inner = t.roadIds.map((id) => {
    const r = world.roads[id]!
    return r.line.slice(r.inStart, r.inEnd)
  })
  for (let i = 0; i < inner.length; i++) {
    for (let j = i + 1; j < inner.length; j++) {
      for (const c of crossings(inner[i]!, inner[j]!)) {
        const [lng, lat] = toLngLat(world.proj, c.x, c.y)
        if (!t.index.contains(lng, lat)) continue
        world.junctions.push({ roadA: t.roadIds[i]!, roadB: t.roadIds[j]!, lng, lat, townIdx: t.idx })
      }
    }
  }
}

/**
 * Arc length of door number n on a road: odd numbers on the left, even on the right a little
 * further on, both increasing along the road.
 * @example doorArc(road, 1) // spacing / 2
 */
export function doorArc(road: RoadPlan, n: number): number {
  const k = (n - 1) >> 1
  return (k + 0.5) * road.spacing + (n % 2 === 0 ? 0.35 * road.spacing : 0)
}

/**
 * Local-metre point of door n and the unit normal pointing away from the road on its side.
 * @example doorPoint(road, 7) // { x, y, nx, ny, ux, uy }
 */
export function doorPoint(road: RoadPlan, n: number): { x: number; y: number; nx: number; ny: number; ux: number; uy: number } {
  const st = road.line.at(doorArc(road, n))
  const side = n % 2 === 1 ? 1 : -1
  const nx = -st.uy * side
  const ny = st.ux * side
  return { x: st.x + nx * DOOR_OFFSET_M, y: st.y + ny * DOOR_OFFSET_M, nx, ny, ux: st.ux, uy: st.uy }
}

/**
 * The extension zone holding arc length s, if any.
 * @example zoneAt(road, 5) // { from: 0, to: 210, cross: 210, townIdx: 3 }
 */
export function zoneAt(road: RoadPlan, s: number): ExtZone | undefined {
  return road.exts.find((z) => s >= z.from && s <= z.to)
}

/**
 * Whether a lng/lat point is a valid border point: inside town `b`, outside town `a`, and between
 * 30 and 220 m from a's boundary.
 * @example isBorderPoint(world, 0, 1, 120.2, 30.1)
 */
export function isBorderPoint(world: World, a: number, b: number, lng: number, lat: number): boolean {
  const ta = world.towns[a]!
  if (!world.towns[b]!.index.contains(lng, lat) || ta.index.contains(lng, lat)) return false
  const d = ta.index.distanceToBoundaryM(lng, lat, BORDER_MAX_M)
  return d >= BORDER_MIN_M && d <= BORDER_MAX_M
}

/**
 * Sets a town's quotas, door spacing and door status, then its compounds and village groups.
 * @example planTown(world, town, 0.02, rng)
 */
function planTown(world: World, t: TownPlan, borderRate: number, rng: Rng): void {
  const cunVillages = t.villageIds.map((id) => world.villages[id]!).filter((v) => v.isCun)
  const fracCun = t.villageIds.length > 0 ? cunVillages.length / t.villageIds.length : 0
  const vShare = (t.kind === 'town' ? 0.55 : t.kind === 'street' ? 0.3 : 0.2) * fracCun
  const cShare = t.kind === 'town' ? 0.55 : t.kind === 'street' ? 0.78 : 0.7
  const hasExt = t.roadIds.some((id) => world.roads[id]!.exts.length > 0)
  const village = planVillageGroups(world, cunVillages, Math.round(t.budget * vShare), rng.fork('groups'))
  const rest = t.budget - village
  const borderRooms = hasExt ? Math.min(rest, Math.round(t.budget * borderRate)) : 0
  const rooms = Math.round((rest - borderRooms) * cShare)
  const doors = rest - borderRooms - rooms
  t.quota = { village, rooms, borderRooms, doors }
  const compoundCap = compoundCapFor(rooms)
  setDoorSpacing(world, t, doors + 4 * Math.ceil(rooms / Math.min(compoundCap, 600)) + 20)
  const got = {
    rooms: addCompounds(world, t, rooms, false, rng.fork('compounds')),
    borderRooms: addCompounds(world, t, borderRooms, true, rng.fork('border')),
  }
  settleQuotas(world, t, got, rng.fork('topup'))
}

/**
 * The largest compound (rooms) for a town's room quota: at least four compounds per town, so small
 * test sets still have several, and never more than a real estate's few thousand rooms.
 * @example compoundCapFor(100000) // 3000
 */
function compoundCapFor(rooms: number): number {
  return Math.max(24, Math.min(3000, Math.ceil(rooms / 4)))
}

/**
 * Picks the door spacing so a town's roads offer about 1.6× the doors it needs, then marks each
 * door number normal, border (on an extension, inside the neighbour 30–220 m from the line) or unused.
 * @example setDoorSpacing(world, town, 2000)
 */
function setDoorSpacing(world: World, t: TownPlan, need: number): void {
  const roads = t.roadIds.map((id) => world.roads[id]!)
  const inside = roads.reduce((a, r) => a + (r.inEnd - r.inStart), 0)
  const spacing = Math.max(2.5, Math.min(60, (2 * inside) / (1.6 * Math.max(1, need))))
  for (const r of roads) {
    r.spacing = spacing
    r.maxNo = 2 * Math.floor(r.line.length / spacing)
    r.status = new Uint8Array(r.maxNo + 1)
    for (let n = 1; n <= r.maxNo; n++) r.status[n] = doorStatus(world, r, n)
  }
}

/**
 * The status of one door number (see DOOR_* codes).
 * @example doorStatus(world, road, 12) // DOOR_NORMAL
 */
function doorStatus(world: World, r: RoadPlan, n: number): number {
  const s = doorArc(r, n)
  const pt = doorPoint(r, n)
  const [lng, lat] = toLngLat(world.proj, pt.x, pt.y)
  if (s >= r.inStart && s <= r.inEnd) return world.towns[r.townIdx]!.index.contains(lng, lat) ? DOOR_NORMAL : DOOR_NONE
  const z = zoneAt(r, s)
  if (!z || Math.abs(s - z.cross) < BORDER_MIN_M) return DOOR_NONE
  return isBorderPoint(world, r.townIdx, z.townIdx, lng, lat) ? DOOR_BORDER : DOOR_NONE
}

/**
 * Adds compounds to a town until their rooms reach `target` (or attempts run out); returns the
 * rooms planned.
 * @example addCompounds(world, town, 5000, false, rng) // ≥ 5000
 */
function addCompounds(world: World, t: TownPlan, target: number, border: boolean, rng: Rng): number {
  let got = 0
  const cap = border ? Math.max(12, Math.min(240, target)) : compoundCapFor(target)
  for (let fails = 0; got < target && fails < 400;) {
    const c = makeCompound(world, t, border, Math.min(cap, Math.max(target - got, border ? 12 : 24)), rng)
    if (!c) {
      fails++
      continue
    }
    got += c.capacity
  }
  return got
}

/**
 * Fixes the town's final quotas so its rows sum exactly to its budget: cuts the last compound,
 * and when the roads have too few door numbers, adds compounds to take the difference.
 * @example settleQuotas(world, town, { rooms: 5200, borderRooms: 90 }, rng)
 */
function settleQuotas(world: World, t: TownPlan, got: { rooms: number; borderRooms: number }, rng: Rng): void {
  const candidates = t.roadIds.reduce((a, id) => a + countDoors(world.roads[id]!), 0)
  const q = t.quota
  q.borderRooms = Math.min(q.borderRooms, got.borderRooms)
  q.doors = t.budget - q.village - q.rooms - q.borderRooms
  if (q.doors > candidates) {
    q.rooms += q.doors - candidates
    q.doors = candidates
    if (got.rooms < q.rooms) got.rooms += addCompounds(world, t, q.rooms - got.rooms, false, rng)
  }
  if (got.rooms < q.rooms) {
    // Compounds did not fit (a sliver town): the shortfall goes to its villages, else it is an error.
    const village = t.villageIds.map((id) => world.villages[id]!).find((v) => v.groups.length > 0)
    if (!village) throw new Error(`town ${t.name}: cannot place ${q.rooms - got.rooms} rows`)
    const g = village.groups[village.groups.length - 1]!
    const extra = q.rooms - got.rooms
    g.houses += extra
    g.maxNo = Math.ceil(g.houses * 1.2) + 1
    village.houses += extra
    q.village += extra
    q.rooms = got.rooms
  }
  fillQuotas(world, t, false, q.rooms)
  fillQuotas(world, t, true, q.borderRooms)
}

/**
 * Counts the door numbers of a road that can become street-door rows.
 * @example countDoors(road) // 412
 */
function countDoors(r: RoadPlan): number {
  let k = 0
  for (let n = 1; n <= r.maxNo; n++) if (r.status[n] === DOOR_NORMAL || r.status[n] === DOOR_BORDER) k++
  return k
}

/**
 * Gives the town's compounds (border or not) their row quotas, in plan order, summing to `total`.
 * @example fillQuotas(world, town, false, 5000)
 */
function fillQuotas(world: World, t: TownPlan, border: boolean, total: number): void {
  let left = total
  for (const id of t.compoundIds) {
    const c = world.compounds[id]!
    if (c.border !== border) continue
    c.quota = Math.min(c.capacity, left)
    left -= c.quota
  }
}

/**
 * Tries to place one compound on a free gate number; returns it or null.
 * @example makeCompound(world, town, false, 800, rng)
 */
function makeCompound(world: World, t: TownPlan, border: boolean, cap: number, rng: Rng): CompoundPlan | null {
  const gate = pickGate(world, t, border, rng)
  if (!gate) return null
  const { road, n } = gate
  const shape = compoundShape(rng, border, cap)
  const buildings = layoutBuildings(world, road, n, border, shape.buildings, rng)
  if (buildings.length === 0) return null
  road.status[n] = DOOR_GATE
  const zone = zoneAt(road, doorArc(road, n))
  const { name, stem, siblingOf } = nameCompound(world, t, road.id, rng)
  const c: CompoundPlan = {
    id: world.compounds.length,
    name,
    stem,
    aliases: [],
    townIdx: t.idx,
    roadId: road.id,
    gateNo: n,
    units: shape.units,
    unitWritten: shape.unitWritten,
    floors: shape.floors,
    perFloor: shape.perFloor,
    buildings,
    border,
    pointTownIdx: border && zone ? zone.townIdx : t.idx,
    siblings: [],
    capacity: buildings.length * shape.units * shape.floors * shape.perFloor,
    quota: 0,
  }
  if (siblingOf) {
    c.siblings.push({ id: siblingOf.id, via: siblingOf.via })
    world.compounds[siblingOf.id]!.siblings.push({ id: c.id, via: siblingOf.via })
  }
  if (rng.chance(0.15)) addAlias(world, c, rng)
  world.compounds.push(c)
  t.compoundIds.push(c.id)
  world.realNames.add(name)
  return c
}

/**
 * A free gate: a door number away from other gates, on the town's stretch (or, for a border
 * compound, on an extension at least 40 m into the neighbour).
 * @example pickGate(world, town, false, rng) // { road, n: 37 }
 */
function pickGate(world: World, t: TownPlan, border: boolean, rng: Rng): { road: RoadPlan; n: number } | null {
  const roads = t.roadIds.map((id) => world.roads[id]!).filter((r) => r.maxNo > 0 && (!border || r.exts.length > 0))
  if (roads.length === 0) return null
  for (let i = 0; i < 40; i++) {
    const road = rng.weighted(roads.map((r) => [r, border ? 1 : r.inEnd - r.inStart] as const))
    let n: number
    if (border) {
      const z = rng.pick(road.exts)
      const s = z.cross + (z.from < z.cross ? -1 : 1) * rng.range(40, EXTENSION_M - 10)
      n = Math.max(1, Math.min(road.maxNo, Math.round(s / road.spacing) * 2 - rng.int(2)))
    } else {
      n = rng.between(1, road.maxNo)
    }
    const wanted = border ? DOOR_BORDER : DOOR_NORMAL
    if (road.status[n] !== wanted) continue
    let clear = true
    for (let d = -8; d <= 8 && clear; d += 2) if (d !== 0 && road.status[n + d] === DOOR_GATE) clear = false
    if (clear) return { road, n }
  }
  return null
}

/**
 * Buildings, units, floors and rooms per floor of a compound, shrunk to at most `cap` rooms.
 * @example compoundShape(rng, false, 500) // { buildings: 6, units: 2, unitWritten: true, floors: 11, perFloor: 2 }
 */
function compoundShape(
  rng: Rng,
  border: boolean,
  cap: number,
): { buildings: number; units: number; unitWritten: boolean; floors: number; perFloor: number } {
  const rise = rng.weighted([
    ['low', 0.45],
    ['mid', 0.35],
    ['high', 0.2],
  ] as const)
  let floors = border || rise === 'low' ? rng.between(3, 7) : rise === 'mid' ? rng.between(8, 18) : rng.between(19, 32)
  const perFloor = border ? 2 : rng.between(2, 4)
  const unitWritten = !rng.chance(0.3)
  let units = unitWritten ? rng.between(border ? 1 : 2, border ? 2 : 4) : 1
  let buildings = border ? rng.between(1, 5) : rng.between(3, 24)
  const per = () => units * floors * perFloor
  if (buildings * per() > cap) buildings = Math.max(1, Math.floor(cap / per()))
  if (per() > cap) units = Math.max(1, Math.floor(cap / (floors * perFloor)))
  if (per() > cap) floors = Math.max(1, Math.floor(cap / (units * perFloor)))
  return { buildings, units, unitWritten, floors, perFloor }
}

/**
 * Lays a compound's buildings in a grid behind its gate; keeps those whose point is valid (inside
 * the town, or for a border compound a border point of the neighbour) and numbers them 1…k.
 * @example layoutBuildings(world, road, 37, false, 8, rng).length // ≤ 8
 */
function layoutBuildings(world: World, road: RoadPlan, n: number, border: boolean, count: number, rng: Rng): BuildingPlan[] {
  const g = doorPoint(road, n)
  const cols = Math.max(1, Math.ceil(Math.sqrt(count * 1.5)))
  const along = rng.range(26, 36)
  const across = rng.range(24, 32)
  const depth0 = border ? rng.range(10, 30) : rng.range(15, 40)
  const zone = zoneAt(road, doorArc(road, n))
  const out: BuildingPlan[] = []
  for (let k = 0; k < count; k++) {
    const row = Math.floor(k / cols)
    const col = k % cols
    const a = (col - (cols - 1) / 2) * along
    const d = depth0 + row * across
    const [lng, lat] = toLngLat(world.proj, g.x + g.ux * a + g.nx * d, g.y + g.uy * a + g.ny * d)
    const ok = border
      ? zone !== undefined && isBorderPoint(world, road.townIdx, zone.townIdx, lng, lat)
      : world.towns[road.townIdx]!.index.contains(lng, lat)
    if (ok) out.push({ no: out.length + 1, lng, lat })
  }
  return out
}

/**
 * A unique compound name. About one in twelve is a near-duplicate of a compound in another town,
 * one in fourteen of a compound on another road of the same (or a neighbouring) town: same ending, one
 * stem character replaced by a character of another syllable (和院御家园 / 和院西家园).
 * @example nameCompound(world, town, 3, rng) // { name: '锦琪苑', stem: '锦琪', siblingOf: null }
 */
function nameCompound(
  world: World,
  t: TownPlan,
  roadId: number,
  rng: Rng,
): { name: string; stem: string; siblingOf: { id: number; via: 'town' | 'road' } | null } {
  const roll = rng.next()
  const via: 'town' | 'road' | null = roll < 0.08 ? 'town' : roll < 0.15 ? 'road' : null
  if (via) {
    const pool = world.compounds.filter(
      (c) =>
        !c.border &&
        c.siblings.length === 0 &&
        (via === 'town' ? c.townIdx !== t.idx : (c.townIdx === t.idx || t.neighbours.includes(c.townIdx)) && c.roadId !== roadId),
    )
    if (pool.length > 0) {
      const base = rng.pick(pool)
      const derived = deriveSibling(world, base, rng)
      if (derived) return { ...derived, siblingOf: { id: base.id, via } }
    }
  }
  for (let i = 0; i < 5000; i++) {
    let stem = pickChar(rng, COMPOUND_FIRST) + pickChar(rng, COMPOUND_SECOND)
    if (rng.chance(0.45)) stem += pickChar(rng, COMPOUND_MODIFIERS)
    const name = stem + rng.pick(COMPOUND_ENDINGS)
    if (new Set(stem).size !== stem.length || world.realNames.has(name) || containsTownName(world, name)) continue
    return { name, stem, siblingOf: null }
  }
  throw new Error('ran out of compound names')
}

/**
 * A one-character-off sibling name of a compound (not a homophone of it), or null.
 * @example deriveSibling(world, compound, rng) // { name: '和院西家园', stem: '和院西' }
 */
function deriveSibling(world: World, base: CompoundPlan, rng: Rng): { name: string; stem: string } | null {
  const ending = base.name.slice(base.stem.length)
  const pools = [COMPOUND_FIRST, COMPOUND_SECOND, COMPOUND_MODIFIERS]
  for (let i = 0; i < 60; i++) {
    const pos = base.stem.length === 3 && rng.chance(0.6) ? 2 : rng.int(base.stem.length)
    const old = base.stem[pos]!
    const ch = pickChar(rng, pools[pos]!)
    if (ch === old || sameSyllable(ch, old)) continue
    const stem = base.stem.slice(0, pos) + ch + base.stem.slice(pos + 1)
    const name = stem + ending
    if (new Set(stem).size !== stem.length || world.realNames.has(name) || containsTownName(world, name)) continue
    return { name, stem }
  }
  return null
}

/**
 * Gives a compound another name people use (same stem, another ending: 锦琪苑 → 锦琪小区).
 * @example addAlias(world, compound, rng); compound.aliases // ['锦琪小区']
 */
function addAlias(world: World, c: CompoundPlan, rng: Rng): void {
  for (let i = 0; i < 10; i++) {
    const alias = c.stem + rng.pick(ALIAS_ENDINGS)
    if (alias === c.name || world.realNames.has(alias)) continue
    c.aliases.push(alias)
    world.realNames.add(alias)
    return
  }
}

/**
 * Spreads `total` houses over the 村 villages (by √area), each split into 组 around group centres.
 * Returns the houses placed (0 when no village can hold any).
 * @example planVillageGroups(world, villages, 3000, rng) // 3000
 */
function planVillageGroups(world: World, villages: VillagePlan[], total: number, rng: Rng): number {
  if (total <= 0 || villages.length === 0) return 0
  const town = world.towns[villages[0]!.townIdx]!
  const centres = villages.map((v) => randomPointIn(v.index, rng, 3000, town.index))
  const weights = villages.map((v, i) => (centres[i] ? Math.sqrt(areaOf(v)) : 0))
  const shares = apportion(total, weights)
  let placed = 0
  villages.forEach((v, i) => {
    const houses = shares[i]!
    if (houses <= 0) return
    const groups = Math.max(1, Math.min(houses, 30, Math.round(houses / 40)))
    const sizes = apportion(
      houses,
      Array.from({ length: groups }, () => rng.range(0.6, 1.4)),
    )
    for (let g = 0; g < groups; g++) {
      const p = (g === 0 ? centres[i] : randomPointIn(v.index, rng, 3000, town.index)) ?? centres[i]!
      const size = sizes[g]!
      v.groups.push({ no: g + 1, lng: p[0], lat: p[1], houses: size, maxNo: Math.ceil(size * 1.2) + 1 })
    }
    v.houses = houses
    placed += houses
  })
  return placed
}

/**
 * The bounding-box area of a village index in degrees² (a cheap relative size).
 * @example areaOf(village) > 0
 */
function areaOf(v: VillagePlan): number {
  return Math.max(1e-12, (v.index.maxX - v.index.minX) * (v.index.maxY - v.index.minY))
}

/**
 * Places a town's landmarks (schools, clinics, markets, parks…) near its roads; unique names.
 * @example planLandmarks(world, town, rng); world.landmarks.length
 */
function planLandmarks(world: World, t: TownPlan, rng: Rng): void {
  const count = Math.max(4, Math.min(12, Math.round(3 + Math.sqrt(t.areaKm2))))
  for (let k = 0, tries = 0; k < count && tries < 200; tries++) {
    const name = rng.chance(0.5) ? `${t.short}${rng.pick(TOWN_LANDMARK_TYPES)}` : `${rng.pick(LANDMARK_STEMS)}${rng.pick(LANDMARK_TYPES)}`
    if (world.realNames.has(name)) continue
    const point = landmarkPoint(world, t, rng)
    if (!point) continue
    world.landmarks.push({ name, lng: point[0], lat: point[1], townIdx: t.idx })
    world.realNames.add(name)
    k++
  }
}

/**
 * A point 40–100 m off one of the town's roads and inside the town, else anywhere in it.
 * @example landmarkPoint(world, town, rng) // [lng, lat]
 */
function landmarkPoint(world: World, t: TownPlan, rng: Rng): [number, number] | null {
  for (let i = 0; i < 20 && t.roadIds.length > 0; i++) {
    const r = world.roads[rng.pick(t.roadIds)]!
    const st = r.line.at(rng.range(r.inStart, r.inEnd))
    const side = rng.chance(0.5) ? 1 : -1
    const d = rng.range(40, 100)
    const p = toLngLat(world.proj, st.x - st.uy * side * d, st.y + st.ux * side * d)
    if (t.index.contains(p[0], p[1])) return p
  }
  return randomPointIn(t.index, rng)
}
