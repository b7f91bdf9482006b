/**
 * What the query makers share: the row sampler (reservoirs of the streamed rows), the makers'
 * context, and small helpers turning a row into spoken parts and a truth.
 */
import { toLngLat, toXY } from './geo.ts'
import { type GroupStyle, PLAIN, render, type SpokenParts, type Style } from './noise.ts'
import type { TownPlan, World } from './plan.ts'
import { Rng } from './rng.ts'
import type { BaseRow, IndepExpect, IndepQuery } from './types.ts'
import { NameIndex } from './typos.ts'

/** Row pools the sampler keeps ('dupCompound': rooms of compounds whose name another town shares). */
export type SampleCategory = 'room' | 'door' | 'house' | 'border' | 'sibTown' | 'sibRoad' | 'alias' | 'oldTown' | 'dupCompound'

const CATEGORIES: readonly SampleCategory[] = ['room', 'door', 'house', 'border', 'sibTown', 'sibRoad', 'alias', 'oldTown', 'dupCompound']

/** Keeps a uniform reservoir sample of each row category while rows stream past. */
export class RowSampler {
  private readonly pools = new Map<SampleCategory, BaseRow[]>()
  private readonly seen = new Map<SampleCategory, number>()
  private readonly rng: Rng
  /** A second stream for the pools of the harder kinds, so the original pools stay as they were. */
  private readonly hardRng: Rng
  private readonly oldTownCodes: Set<string>
  private readonly dupRoadIds: Set<number>
  private readonly dupCompoundIds: Set<number>
  /**
   * For each road whose name another town's road shares: door number → one row with that number
   * (a street door, else a room of the compound whose gate it is). Complete, not sampled.
   */
  readonly dupRoadDoors = new Map<number, Map<number, BaseRow>>()

  /**
   * A sampler keeping up to `size` rows per category.
   * @example new RowSampler(world, 900, 'seed')
   */
  constructor(
    private readonly world: World,
    private readonly size: number,
    seed: string,
  ) {
    this.rng = new Rng(`indep:${seed}/sample`)
    this.hardRng = new Rng(`indep:${seed}/sample-hard`)
    this.oldTownCodes = new Set(world.oldNames.map((o) => world.towns[o.townIdx]!.code))
    this.dupRoadIds = new Set(world.dupRoads.flatMap((p) => [p.a, p.b]))
    this.dupCompoundIds = new Set(world.dupCompounds.flatMap((p) => [p.a, p.b]))
    for (const id of this.dupRoadIds) this.dupRoadDoors.set(id, new Map())
    for (const c of CATEGORIES) {
      this.pools.set(c, [])
      this.seen.set(c, 0)
    }
  }

  /**
   * Offers one row to every category it belongs to (Algorithm R).
   * @example sampler.offer(row)
   */
  offer(row: BaseRow): void {
    if (row.border) this.add('border', row)
    else if (row.type === 'house') this.add('house', row)
    else {
      this.add(row.type === 'room' ? 'room' : 'door', row)
      if (this.oldTownCodes.has(row.townCode)) this.add('oldTown', row)
      if (row.compoundId !== null) {
        const c = this.world.compounds[row.compoundId]!
        if (c.siblings.some((s) => s.via === 'town')) this.add('sibTown', row)
        if (c.siblings.some((s) => s.via === 'road')) this.add('sibRoad', row)
        if (c.aliases.length > 0) this.add('alias', row)
      }
    }
    this.offerHard(row)
  }

  /**
   * Records what the harder kinds need, from their own random stream.
   * @example this.offerHard(row)
   */
  private offerHard(row: BaseRow): void {
    if (row.roadId !== null && row.doorNo !== null && this.dupRoadIds.has(row.roadId)) {
      const doors = this.dupRoadDoors.get(row.roadId)!
      const had = doors.get(row.doorNo)
      if (!had || (had.type !== 'door' && row.type === 'door')) doors.set(row.doorNo, row)
    }
    if (row.compoundId !== null && this.dupCompoundIds.has(row.compoundId)) this.add('dupCompound', row, this.hardRng)
  }

  /**
   * The sampled rows of a category.
   * @example sampler.get('door').length <= 900
   */
  get(category: SampleCategory): readonly BaseRow[] {
    return this.pools.get(category)!
  }

  /**
   * Reservoir step for one category.
   * @example this.add('room', row)
   */
  private add(category: SampleCategory, row: BaseRow, rng: Rng = this.rng): void {
    const pool = this.pools.get(category)!
    const seen = this.seen.get(category)! + 1
    this.seen.set(category, seen)
    if (pool.length < this.size) pool.push(row)
    else {
      const j = rng.int(seen)
      if (j < this.size) pool[j] = row
    }
  }
}

/** Options of the query builder. */
export interface QueryOptions {
  perKind: number
  seed: string
}

/** What one kind's maker returns: the query minus its id and kind. */
export type Made = Omit<IndepQuery, 'id' | 'kind' | 'coarse'> | null

/** Everything a kind's maker may read. */
export interface Ctx {
  world: World
  sampler: RowSampler
  rng: Rng
  townByCode: Map<string, TownPlan>
  /** Names of compounds and aliases, with one character masked (to keep invented names far from real ones). */
  masked: Set<string>
  /** One-edit neighbourhoods of every real name (typo and slip checks of the harder kinds). */
  names: NameIndex
  /** Town names and short names of two or more characters (a changed name must not spell one). */
  townNames: string[]
  /** Road id → the id of the same-named road of another town. */
  roadPartner: Map<number, number>
  /** Compound id → the id of the same-named compound of another town. */
  compoundPartner: Map<number, number>
  /** Written village name → how many villages of the world write it. */
  villageNameCount: Map<string, number>
}

/**
 * The makers' context for a sampled world.
 * @example makeCtx(world, sampler, 's').names.near('金丰路')
 */
export function makeCtx(world: World, sampler: RowSampler, seed: string): Ctx {
  const roadPartner = new Map<number, number>()
  for (const p of world.dupRoads) roadPartner.set(p.a, p.b).set(p.b, p.a)
  const compoundPartner = new Map<number, number>()
  for (const p of world.dupCompounds) compoundPartner.set(p.a, p.b).set(p.b, p.a)
  const villageNameCount = new Map<string, number>()
  for (const v of world.villages) villageNameCount.set(v.written, (villageNameCount.get(v.written) ?? 0) + 1)
  return {
    world,
    sampler,
    rng: new Rng(`indep:${seed}/queries`),
    townByCode: new Map(world.towns.map((t) => [t.code, t])),
    masked: maskedNames(world),
    names: new NameIndex(world.realNames),
    townNames: [...new Set(world.towns.flatMap((t) => [t.name, t.short]).filter((n) => n.length >= 2))],
    roadPartner,
    compoundPartner,
    villageNameCount,
  }
}

/**
 * Whether a row's text would stop naming one row without its town: a street door (or compound
 * gate) number that the same-named road of another town also has; with `roadDropped`, a room of a
 * compound whose name another town shares; a house of a village name written in several towns.
 * @example ambiguousWithoutTown(ctx, row, false) // true for 金丰路15号 in two towns
 */
export function ambiguousWithoutTown(ctx: Ctx, row: BaseRow, roadDropped: boolean): boolean {
  if (row.type === 'house') return (ctx.villageNameCount.get(row.village) ?? 0) > 1
  if (row.type === 'room' && roadDropped) return row.compoundId !== null && ctx.compoundPartner.has(row.compoundId)
  if (row.type === 'room') return false
  const partner = ctx.roadPartner.get(row.roadId!)
  return partner !== undefined && ctx.sampler.dupRoadDoors.get(partner)!.has(row.doorNo!)
}

/**
 * Every compound and alias name with one character replaced by '?', for a cheap
 * "one character off a real name" test.
 * @example maskedNames(world).has('和院?家园')
 */
export function maskedNames(world: World): Set<string> {
  const out = new Set<string>()
  for (const c of world.compounds) {
    for (const name of [c.name, ...c.aliases]) {
      for (let i = 0; i < name.length; i++) out.add(name.slice(0, i) + '?' + name.slice(i + 1))
    }
  }
  return out
}

/**
 * Whether a name is one character (or none) off a real compound or alias name.
 * @example nearRealCompound(ctx, '和院玉家园') // true
 */
export function nearRealCompound(ctx: Ctx, name: string): boolean {
  for (let i = 0; i < name.length; i++) if (ctx.masked.has(name.slice(0, i) + '?' + name.slice(i + 1))) return true
  return false
}

/**
 * The truth of an address query: its row.
 * @example addressExpect(row).addressId === row.addressId
 */
export function addressExpect(row: BaseRow): IndepExpect {
  const e: IndepExpect = {
    level: row.type === 'room' ? 'room' : 'door',
    addressId: row.addressId,
    townCode: row.townCode,
    point: [row.lng, row.lat],
  }
  if (row.border) e.pointTownCode = row.pointTownCode
  return e
}

/**
 * The parts a row says, with the town written as given ('' drops it).
 * @example rowParts(row, '北干') // { town: '北干', road: '宏达路', door: 5 }
 */
export function rowParts(row: BaseRow, town: string): SpokenParts {
  const p: SpokenParts = {}
  if (town) p.town = town
  if (row.type === 'house') {
    p.village = row.village
    p.group = row.groupNo!
    p.door = row.doorNo!
    return p
  }
  p.road = row.road
  p.door = row.doorNo!
  if (row.type === 'room') {
    p.compound = row.compound
    p.building = row.building!
    if (row.unit !== null) p.unit = row.unit
    p.room = row.room!
  }
  return p
}

/** Prefixes people write before the town, with weights (often none). */
export const PREFIXES: readonly (readonly [string, number])[] = [
  ['浙江省杭州市萧山区', 3],
  ['杭州市萧山区', 3],
  ['萧山区', 4],
  ['杭州萧山', 1],
  ['浙江杭州萧山区', 1],
  ['萧山', 1],
  ['', 6],
]

/**
 * A style with a random prefix, otherwise plain.
 * @example plainStyle(rng).roomWord // '室'
 */
export function plainStyle(rng: Rng, overrides: Partial<Style> = {}): Style {
  return { ...PLAIN, prefix: rng.weighted(PREFIXES), ...overrides }
}

/**
 * The town as written: full name, or the short name (北干) when it has one.
 * @example townText(town, rng, 0.3) // '北干街道' or '北干'
 */
export function townText(t: TownPlan, rng: Rng, shortShare: number): string {
  return t.short !== t.name && rng.chance(shortShare) ? t.short : t.name
}

/**
 * A row of a category, or null when the category is empty.
 * @example pickRow(ctx, 'door')
 */
export function pickRow(ctx: Ctx, ...categories: SampleCategory[]): BaseRow | null {
  const cat = ctx.rng.pick(categories)
  const pool = ctx.sampler.get(cat)
  return pool.length > 0 ? ctx.rng.pick(pool) : null
}

/**
 * An address query of a row with a style and a way to write the town.
 * @example simple(ctx, row, PLAIN, 0) // { text, expect }
 */
export function simple(ctx: Ctx, row: BaseRow, style: Style, shortShare: number, edit?: (p: SpokenParts) => void): Made {
  const t = ctx.townByCode.get(row.townCode)!
  const parts = rowParts(row, townText(t, ctx.rng, shortShare))
  edit?.(parts)
  return { text: render(parts, style, ctx.rng), expect: addressExpect(row) }
}

/**
 * A point within `maxM` metres of a truth point (a caller's phone position).
 * @example jitter(world, rng, [120.2, 30.1], 300)
 */
export function jitter(world: World, rng: Rng, point: readonly [number, number], maxM: number): [number, number] {
  const [x, y] = toXY(world.proj, point[0], point[1])
  const d = rng.range(20, maxM)
  const a = rng.range(0, 2 * Math.PI)
  return toLngLat(world.proj, x + d * Math.cos(a), y + d * Math.sin(a))
}

export const GROUP_STYLES: readonly GroupStyle[] = ['digit', 'spoken', 'formal', 'di']
