/**
 * Streams the address rows of a planned world (a generator: memory stays bounded by the plan, not
 * by the row count) and writes them as the importer's CSV.
 */
import { once } from 'node:events'
import fs from 'node:fs'

import { toLngLat, toXY } from './geo.ts'
import {
  type CompoundPlan,
  DOOR_BORDER,
  DOOR_NORMAL,
  doorArc,
  doorPoint,
  type RoadPlan,
  type TownPlan,
  type VillagePlan,
  type World,
  zoneAt,
} from './plan.ts'
import { Rng } from './rng.ts'
import type { BaseRow, RowType } from './types.ts'

/** The CSV columns, in order (the importer's required columns first, then optional ones). */
export const BASE_COLUMNS = [
  'address_id',
  'address',
  'lng',
  'lat',
  'aliases',
  'town',
  'village',
  'group_no',
  'road',
  'door_no',
  'compound',
  'building',
  'unit',
  'room',
] as const

/** The canonical text's fixed beginning. */
export const ADDRESS_PREFIX = '浙江省杭州市萧山区'

/** Counts of what was written. */
export interface BaseStats {
  rows: number
  byType: Record<RowType, number>
  border: number
  withParts: number
}

/**
 * Yields every row of the world, town by town (compound rooms, street doors, village houses).
 * Also resets and refills the world's per-road and per-village tallies the query builder reads.
 * @example [...generateRows(world)].length === world.count
 */
export function* generateRows(world: World): Generator<BaseRow> {
  for (const r of world.roads) {
    r.gaps = []
    r.rows = 0
  }
  for (const v of world.villages) {
    v.sumLng = 0
    v.sumLat = 0
    v.rows = 0
  }
  for (const t of world.towns) {
    if (t.budget === 0) continue
    const rng = new Rng(`indep:${world.seed}/emit/${t.code}`)
    const ids = new IdMaker(t.idx)
    for (const id of t.compoundIds) yield* compoundRows(world, t, world.compounds[id]!, ids, rng)
    yield* doorRows(world, t, ids, rng)
    for (const id of t.villageIds) yield* houseRows(world, t, world.villages[id]!, ids, rng)
  }
}

/** Makes row ids: IX<town index>-<R|D|H><serial>, unique and stable for a seed and count. */
class IdMaker {
  private readonly serial: Record<RowType, number> = { room: 0, door: 0, house: 0 }
  private readonly prefix: string

  /**
   * Starts the serials of one town.
   * @example new IdMaker(3).next('door') // 'IX03-D000001'
   */
  constructor(townIdx: number) {
    this.prefix = `IX${String(townIdx).padStart(2, '0')}-`
  }

  /**
   * The next id of a row type.
   * @example ids.next('room') // 'IX03-R000001'
   */
  next(type: RowType): string {
    const n = ++this.serial[type]
    return `${this.prefix}${type === 'room' ? 'R' : type === 'door' ? 'D' : 'H'}${String(n).padStart(6, '0')}`
  }
}

/**
 * A row with every field blank, to be filled by the row makers.
 * @example blankRow(world, town).village // ''
 */
function blankRow(t: TownPlan, rng: Rng, world: World): BaseRow {
  return {
    addressId: '',
    address: '',
    lng: 0,
    lat: 0,
    aliases: '',
    type: 'door',
    townCode: t.code,
    town: t.name,
    pointTownCode: t.code,
    border: false,
    village: '',
    villageId: null,
    groupNo: null,
    road: '',
    roadId: null,
    doorNo: null,
    compound: '',
    compoundId: null,
    building: null,
    unit: null,
    room: null,
    withParts: rng.next() < world.partsRate,
  }
}

/**
 * The rooms of one compound, building by building, up to its quota.
 * @example [...compoundRows(world, town, compound, ids, rng)].length === compound.quota
 */
function* compoundRows(world: World, t: TownPlan, c: CompoundPlan, ids: IdMaker, rng: Rng): Generator<BaseRow> {
  const road = world.roads[c.roadId]!
  const pointTown = world.towns[c.pointTownIdx]!.code
  const head = `${ADDRESS_PREFIX}${t.name}${road.name}${c.gateNo}号${c.name}`
  const aliases = c.aliases.join('|')
  let left = c.quota
  for (const b of c.buildings) {
    for (let u = 1; u <= c.units; u++) {
      for (let f = 1; f <= c.floors; f++) {
        for (let k = 1; k <= c.perFloor; k++) {
          if (left-- <= 0) return
          const room = f * 100 + k
          const row = blankRow(t, rng, world)
          row.addressId = ids.next('room')
          row.type = 'room'
          row.address = `${head}${b.no}幢${c.unitWritten ? `${u}单元` : ''}${room}室`
          row.lng = b.lng
          row.lat = b.lat
          row.aliases = aliases
          row.pointTownCode = pointTown
          row.border = c.border
          row.road = road.name
          row.roadId = road.id
          row.doorNo = c.gateNo
          row.compound = c.name
          row.compoundId = c.id
          row.building = b.no
          row.unit = c.unitWritten ? u : null
          row.room = room
          road.rows++
          yield row
        }
      }
    }
  }
}

/**
 * The town's street doors: exactly its door quota, drawn evenly (selection sampling) from all
 * door numbers that can hold one. Unchosen numbers are remembered as gaps (missing_door truth).
 * @example [...doorRows(world, town, ids, rng)].length === town.quota.doors
 */
function* doorRows(world: World, t: TownPlan, ids: IdMaker, rng: Rng): Generator<BaseRow> {
  const roads = t.roadIds.map((id) => world.roads[id]!)
  let available = 0
  for (const r of roads) for (let n = 1; n <= r.maxNo; n++) if (isDoor(r, n)) available++
  let need = t.quota.doors
  for (const r of roads) {
    for (let n = 1; n <= r.maxNo; n++) {
      if (!isDoor(r, n)) continue
      const take = rng.next() * available < need
      available--
      if (!take) {
        if (r.status[n] === DOOR_NORMAL) rememberGap(r, n, rng)
        continue
      }
      need--
      yield doorRow(world, t, r, n, ids, rng)
    }
  }
}

/**
 * Whether door number n may be a street-door row (not a gate, not unused).
 * @example isDoor(road, 5) // true
 */
function isDoor(r: RoadPlan, n: number): boolean {
  return r.status[n] === DOOR_NORMAL || r.status[n] === DOOR_BORDER
}

/**
 * Keeps up to four door numbers without a row, spread along the road.
 * @example rememberGap(road, 41, rng)
 */
function rememberGap(r: RoadPlan, n: number, rng: Rng): void {
  if (r.gaps.length < 4) r.gaps.push(n)
  else if (rng.chance(0.02)) r.gaps[rng.int(4)] = n
}

/**
 * One street-door row (a border row when the number lies on an extension).
 * @example doorRow(world, town, road, 15, ids, rng).address // '…宏达路15号'
 */
function doorRow(world: World, t: TownPlan, r: RoadPlan, n: number, ids: IdMaker, rng: Rng): BaseRow {
  const p = doorPoint(r, n)
  const [lng, lat] = toLngLat(world.proj, p.x, p.y)
  const row = blankRow(t, rng, world)
  row.addressId = ids.next('door')
  row.type = 'door'
  row.address = `${ADDRESS_PREFIX}${t.name}${r.name}${n}号`
  row.lng = lng
  row.lat = lat
  if (r.status[n] === DOOR_BORDER) {
    row.border = true
    row.pointTownCode = world.towns[zoneAt(r, doorArc(r, n))!.townIdx]!.code
  }
  row.road = r.name
  row.roadId = r.id
  row.doorNo = n
  r.rows++
  return row
}

/**
 * A village's 组/号 houses: each group's numbers drawn from 1…maxNo, points scattered around the
 * group centre inside both the village and the town.
 * @example [...houseRows(world, town, village, ids, rng)].length === village.houses
 */
function* houseRows(world: World, t: TownPlan, v: VillagePlan, ids: IdMaker, rng: Rng): Generator<BaseRow> {
  for (const g of v.groups) {
    let need = g.houses
    const [cx, cy] = toXY(world.proj, g.lng, g.lat)
    const spread = rng.range(35, 80)
    for (let n = 1; n <= g.maxNo && need > 0; n++) {
      if (rng.next() * (g.maxNo - n + 1) >= need) continue
      need--
      let point: [number, number] = [g.lng, g.lat]
      for (let i = 0; i < 10; i++) {
        const q = toLngLat(world.proj, cx + rng.normal() * spread, cy + rng.normal() * spread)
        if (v.index.contains(q[0], q[1]) && t.index.contains(q[0], q[1])) {
          point = q
          break
        }
      }
      const row = blankRow(t, rng, world)
      row.addressId = ids.next('house')
      row.type = 'house'
      row.address = `${ADDRESS_PREFIX}${t.name}${v.written}${g.no}组${n}号`
      row.lng = point[0]
      row.lat = point[1]
      row.village = v.written
      row.villageId = v.id
      row.groupNo = g.no
      row.doorNo = n
      v.sumLng += point[0]
      v.sumLat += point[1]
      v.rows++
      yield row
    }
  }
}

/**
 * Quotes a CSV field when it needs it (RFC 4180).
 * @example csvField('a,b') // '"a,b"'
 */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
}

/**
 * One CSV line (with newline) for a row; part columns blank unless the row carries them.
 * @example rowToCsv(row) // 'IX00-D000001,浙江省…,120.1,30.1,,北干街道,,,宏达路,15,,,,\n'
 */
export function rowToCsv(row: BaseRow): string {
  const num = (v: number | null) => (v === null ? '' : String(v))
  const parts = row.withParts
    ? [
        csvField(row.town),
        csvField(row.village),
        num(row.groupNo),
        csvField(row.road),
        num(row.doorNo),
        csvField(row.compound),
        num(row.building),
        num(row.unit),
        num(row.room),
      ].join(',')
    : ',,,,,,,,'
  return `${csvField(row.addressId)},${csvField(row.address)},${row.lng},${row.lat},${csvField(row.aliases)},${parts}\n`
}

/**
 * Writes the base CSV, handing every row to `onRow` (e.g. the query sampler) and reporting progress.
 * @example await writeBaseCsv(world, '/tmp/base.csv', (r) => sampler.offer(r))
 */
export async function writeBaseCsv(
  world: World,
  file: string,
  onRow: (row: BaseRow) => void,
  progress?: (rows: number) => void,
): Promise<BaseStats> {
  const out = fs.createWriteStream(file, { encoding: 'utf8' })
  const stats: BaseStats = { rows: 0, byType: { room: 0, door: 0, house: 0 }, border: 0, withParts: 0 }
  let chunk = `${BASE_COLUMNS.join(',')}\n`
  for (const row of generateRows(world)) {
    chunk += rowToCsv(row)
    stats.rows++
    stats.byType[row.type]++
    if (row.border) stats.border++
    if (row.withParts) stats.withParts++
    onRow(row)
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain')
      chunk = ''
    }
    if (progress && stats.rows % 100_000 === 0) progress(stats.rows)
  }
  out.end(chunk)
  await once(out, 'finish')
  return stats
}
