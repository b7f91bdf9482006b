/**
 * Makers of the harder kinds (HARD_ADDRESS_KINDS, HARD_COARSE_KINDS): messy input as a 110 call
 * record or a grid worker's report has it, with an honest truth. A text that still names one row
 * (for a careful human holding the base) has that row as truth; a text that cannot has the coarser
 * level such a human would give, with `acceptLevels`; a text outside the district has 'none'.
 */
import { type Crs, toCrs } from './coords.ts'
import { distanceM, toLngLat, toXY } from './geo.ts'
import { PLAIN, render, slipName, spokenNumber, type SpokenParts, type Style } from './noise.ts'
import type { CompoundPlan, TownPlan, World } from './plan.ts'
import {
  addressExpect,
  ambiguousWithoutTown,
  type Ctx,
  GROUP_STYLES,
  type Made,
  pickRow,
  plainStyle,
  rowParts,
  townText,
} from './querykit.ts'
import type { Rng } from './rng.ts'
import type { BaseRow, GeoLevel, IndepExpect } from './types.ts'
import type { HARD_ADDRESS_KINDS, HARD_COARSE_KINDS } from './types.ts'
import { type NameEdit, spaceOut, spellsNewTown, toTraditional, typoName } from './typos.ts'
import { REPORTER_AFTER, REPORTER_BEFORE, TRAILING } from './vocab.ts'

type HardKind = (typeof HARD_ADDRESS_KINDS)[number] | (typeof HARD_COARSE_KINDS)[number]

/** Prefixes written before a text without its town. */
const NO_TOWN_PREFIXES = ['', '', '萧山区', '萧山', '杭州市萧山区'] as const

/** Duplicated district prefixes (copy-paste and form-filling slips). */
const DUP_PREFIXES = [
  '萧山区萧山区',
  '杭州市萧山区萧山区',
  '杭州市萧山区杭州市萧山区',
  '浙江省杭州市萧山区萧山区',
  '萧山萧山区',
  '萧山区 萧山区',
  '杭州市杭州市萧山区',
  '浙江省浙江省杭州市萧山区',
  '浙江省杭州市萧山区浙江省杭州市萧山区',
] as const

/** The other districts and counties of Hangzhou (钱塘区 left out: part of it was Xiaoshan until 2021). */
export const OTHER_HANGZHOU = [
  '上城区',
  '拱墅区',
  '西湖区',
  '滨江区',
  '余杭区',
  '临平区',
  '富阳区',
  '临安区',
  '桐庐县',
  '淳安县',
  '建德市',
] as const

/** Other cities' districts with their telephone area codes. */
export const OTHER_CITIES: readonly (readonly [string, string])[] = [
  ['上海市浦东新区', '021'],
  ['上海市徐汇区', '021'],
  ['宁波市海曙区', '0574'],
  ['宁波市鄞州区', '0574'],
  ['绍兴市柯桥区', '0575'],
  ['绍兴市越城区', '0575'],
  ['嘉兴市南湖区', '0573'],
  ['湖州市吴兴区', '0572'],
  ['金华市婺城区', '0579'],
  ['温州市鹿城区', '0577'],
  ['南京市鼓楼区', '025'],
  ['苏州市姑苏区', '0512'],
  ['北京市朝阳区', '010'],
  ['广州市天河区', '020'],
]

/** Road names of other cities (not generated here). */
const OTHER_CITY_ROADS = [
  '世纪大道',
  '中山北路',
  '解放北路',
  '人民中路',
  '建设大道',
  '和平东路',
  '胜利西路',
  '新华路',
  '文化路',
  '长江路',
] as const

const EMOJI = [
  '😀',
  '😂',
  '😭',
  '🙏',
  '👍',
  '🚓',
  '🚑',
  '🔥',
  '❤️',
  '💢',
  '❗',
  '❓',
  '⚠️',
  '📍',
  '🏠',
  '😡',
  '🤔',
  '👀',
  '🆘',
  '☎️',
] as const
const PUNCT = [
  '。',
  '，',
  '！',
  '？',
  '、',
  '…',
  '……',
  '——',
  '~',
  '#',
  '*',
  '@',
  '&',
  '（）',
  '【】',
  '《》',
  '“”',
  '；',
  '：',
  '...',
  '!!!',
  '???',
  '---',
  '///',
  '·',
  '%',
] as const

/**
 * The written town of a row.
 * @example townOf(ctx, row).name // '北干街道'
 */
function townOf(ctx: Ctx, row: BaseRow): TownPlan {
  return ctx.townByCode.get(row.townCode)!
}

/**
 * The stem of a written village name (without 村 / 社区).
 * @example villageStem('下溇村') // '下溇'
 */
export function villageStem(written: string): string {
  return written.replace(/(村|社区)$/, '')
}

/**
 * A point `minM`–`maxM` metres from a truth point, in a random direction.
 * @example nearPoint(world, rng, [120.2, 30.1], 5, 100)
 */
function nearPoint(world: World, rng: Rng, p: readonly [number, number], minM: number, maxM: number): [number, number] {
  const [x, y] = toXY(world.proj, p[0], p[1])
  const d = rng.range(minM, maxM)
  const a = rng.range(0, 2 * Math.PI)
  return toLngLat(world.proj, x + d * Math.cos(a), y + d * Math.sin(a))
}

/**
 * Whether a compound has a row for building b, unit u (1 when units are not written), room.
 * Rooms are emitted building by building, unit by unit, floor by floor up to the quota.
 * @example roomExists(compound, 3, 2, 1203) // true
 */
export function roomExists(c: CompoundPlan, b: number, u: number, room: number): boolean {
  const f = Math.floor(room / 100)
  const k = room % 100
  if (b < 1 || b > c.buildings.length || u < 1 || u > c.units || f < 1 || f > c.floors || k < 1 || k > c.perFloor) return false
  return ((b - 1) * c.units + (u - 1)) * c.floors * c.perFloor + (f - 1) * c.perFloor + (k - 1) < c.quota
}

/**
 * A text with the building/unit/room tail replaced by `tail` (parts rendered without their tail).
 * @example withTail(ctx, parts, style, '3幢5楼501') // '北干街道育顺街435号和院御家园3幢5楼501'
 */
function withTail(ctx: Ctx, parts: SpokenParts, style: Style, tail: string): string {
  const head: SpokenParts = { ...parts }
  delete head.building
  delete head.unit
  delete head.room
  return render(head, style, ctx.rng) + tail
}

/**
 * A one-character change of a name that keeps it recognisable: a homophone slip or a typo,
 * checked against every real name (see NameIndex.onlyNear).
 * @example changeName(ctx, '下溇村', 2, 'typo') // { text: '卞溇村', how: 'shape', … }
 */
function changeName(ctx: Ctx, name: string, stemLength: number, how: 'typo' | 'homophone'): NameEdit | null {
  if (how === 'typo') return typoName(name, stemLength, ctx.rng, ctx.names, ctx.townNames)
  const slip = slipName(name, stemLength, ctx.rng, ctx.world.realNames)
  if (!slip || !ctx.names.onlyNear(slip.text, name) || spellsNewTown(slip.text, name, ctx.townNames)) return null
  return { text: slip.text, pos: slip.pos, from: slip.from, to: slip.to, how: 'homophone' }
}

/** The name of a row a change may touch, with its stem length. */
interface Target {
  field: 'road' | 'compound' | 'village'
  name: string
  stemLength: number
}

/**
 * The names of a row a typo or slip may touch.
 * @example targetsOf(ctx, row) // [{ field: 'road', name: '育顺街', stemLength: 2 }, …]
 */
function targetsOf(ctx: Ctx, row: BaseRow): Target[] {
  if (row.type === 'house') {
    const v = ctx.world.villages[row.villageId!]!
    return [{ field: 'village', name: v.written, stemLength: villageStem(v.written).length }]
  }
  const road = ctx.world.roads[row.roadId!]!
  const out: Target[] = [{ field: 'road', name: road.name, stemLength: road.stem.length }]
  if (row.compoundId !== null) {
    const c = ctx.world.compounds[row.compoundId]!
    out.push({ field: 'compound', name: c.name, stemLength: c.stem.length })
  }
  return out
}

/** Per-world cache of each town's names (compound-stem uniqueness checks). */
const TOWN_NAMES = new WeakMap<World, Map<number, string[]>>()

/**
 * Every name used in a town: compounds and aliases, roads, villages, landmarks.
 * @example namesInTown(world, 3).includes('育顺街') // true
 */
function namesInTown(world: World, townIdx: number): string[] {
  let byTown = TOWN_NAMES.get(world)
  if (!byTown) {
    byTown = new Map()
    const add = (t: number, n: string) => (byTown!.get(t) ?? byTown!.set(t, []).get(t)!).push(n)
    for (const c of world.compounds) for (const n of [c.name, ...c.aliases]) add(c.townIdx, n)
    for (const r of world.roads) add(r.townIdx, r.name)
    for (const v of world.villages) add(v.townIdx, v.written)
    for (const l of world.landmarks) add(l.townIdx, l.name)
    TOWN_NAMES.set(world, byTown)
  }
  return byTown.get(townIdx) ?? []
}

/** The noises combo_noise draws from. */
type ComboOp = 'short_town' | 'no_town' | 'spoken' | 'slip' | 'trailing' | 'no_road' | 'reporter' | 'seps' | 'dash' | 'words' | 'full_width'

const CONFLICTS: readonly (readonly [ComboOp, ComboOp])[] = [
  ['short_town', 'no_town'],
  ['dash', 'words'],
  ['dash', 'spoken'],
  ['spoken', 'full_width'],
]

/**
 * Two or three independent noises on one row, as real reports carry them.
 * @example comboQuery(ctx) // { text: '北干和院御家圆三栋二单元三零二 楼下', meta: { ops: 'short_town+slip+spoken+trailing' } }
 */
function comboQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'room', 'room', 'door', 'house')
  if (!row) return null
  const t = townOf(ctx, row)
  const applicable: ComboOp[] = ['no_town', 'spoken', 'slip', 'trailing', 'reporter', 'seps', 'full_width']
  if (t.short !== t.name) applicable.push('short_town')
  if (row.type === 'room') applicable.push('no_road', 'dash', 'words')
  const want = r.chance(0.5) ? 2 : 3
  const ops: ComboOp[] = []
  for (const op of r.shuffle(applicable)) {
    if (ops.length >= want) break
    if (CONFLICTS.some(([a, b]) => (a === op && ops.includes(b)) || (b === op && ops.includes(a)))) continue
    ops.push(op)
  }
  const has = (op: ComboOp) => ops.includes(op)
  if (has('no_town') && ambiguousWithoutTown(ctx, row, has('no_road'))) return null
  const parts = rowParts(row, has('no_town') ? '' : has('short_town') ? t.short : t.name)
  if (has('no_road')) {
    delete parts.road
    delete parts.door
  }
  const meta: Record<string, string> = { ops: ops.join('+') }
  if (has('slip')) {
    const targets = targetsOf(ctx, row).filter((x) => x.field !== 'road' || parts.road !== undefined)
    const target = r.pick(targets)
    const edit = changeName(ctx, target.name, target.stemLength, 'homophone')
    if (!edit) return null
    parts[target.field] = edit.text
    Object.assign(meta, { field: target.field, original: target.name, changed: edit.text })
  }
  const style = plainStyle(r, {
    ...(has('spoken') ? { num: 'spoken', roomNum: r.pick(['digits', 'spoken'] as const), group: 'spoken' } : {}),
    ...(has('dash') ? { dash: true, roomWord: r.pick(['', '室'] as const) } : {}),
    ...(has('words') ? { buildingWord: r.pick(['栋', '号楼', '座'] as const), roomWord: r.pick(['房', ''] as const) } : {}),
    ...(has('seps') ? { seps: [' ', '，', ','] } : {}),
    ...(has('full_width') ? { fullWidthDigits: true } : {}),
  } satisfies Partial<Style>)
  if (has('no_town')) style.prefix = r.pick(NO_TOWN_PREFIXES)
  let text = render(parts, style, r)
  if (has('trailing')) text += r.pick(TRAILING)
  if (has('reporter')) {
    const after = r.pick(REPORTER_AFTER)
    text = `${r.pick(REPORTER_BEFORE)}${text}${after ? `，${after}` : ''}`
  }
  return { text, expect: addressExpect(row), meta }
}

/**
 * A non-homophone one-character typo in a road, compound or village name, with or without the town.
 * @example typoQuery(ctx, true) // { text: '北干街道育顷街435号', meta: { field: 'road', original: '育顺街', changed: '育顷街' } }
 */
function typoQuery(ctx: Ctx, withTown: boolean): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'room', 'room', 'door', 'door', 'house')
  if (!row) return null
  const targets = targetsOf(ctx, row)
  const target = row.type === 'room' && r.chance(0.6) ? targets[1]! : targets[0]!
  if (target.stemLength < 2) return null
  const dropRoad = target.field === 'compound' && r.chance(0.4)
  if (!withTown && ambiguousWithoutTown(ctx, row, dropRoad)) return null
  const edit = changeName(ctx, target.name, target.stemLength, 'typo')
  if (!edit) return null
  const t = townOf(ctx, row)
  const parts = rowParts(row, withTown ? townText(t, r, 0.3) : '')
  parts[target.field] = edit.text
  if (dropRoad) {
    delete parts.road
    delete parts.door
  }
  const style = withTown ? plainStyle(r) : { ...PLAIN, prefix: r.pick(NO_TOWN_PREFIXES) }
  return {
    text: render(parts, style, r),
    expect: addressExpect(row),
    meta: { field: target.field, original: target.name, changed: edit.text, how: edit.how },
  }
}

/**
 * A village house with a homophone slip or a typo in its village name (town written).
 * @example villageSlipQuery(ctx) // { text: '瓜沥镇卞溇村3组12号', … }
 */
function villageSlipQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'house')
  if (!row) return null
  const v = ctx.world.villages[row.villageId!]!
  const stem = villageStem(v.written)
  if (stem.length < 2) return null
  const first = r.chance(0.5) ? 'homophone' : 'typo'
  const edit =
    changeName(ctx, v.written, stem.length, first) ?? changeName(ctx, v.written, stem.length, first === 'typo' ? 'homophone' : 'typo')
  if (!edit) return null
  const parts = rowParts(row, townText(townOf(ctx, row), r, 0.4))
  parts.village = edit.text
  const style = plainStyle(r, { group: r.pick(GROUP_STYLES), num: r.chance(0.2) ? 'spoken' : 'arabic' })
  return { text: render(parts, style, r), expect: addressExpect(row), meta: { original: v.written, changed: edit.text, how: edit.how } }
}

/**
 * A room with 小区 appended to its compound name (和院御家园小区), town written, road dropped half the time.
 * @example xiaoquQuery(ctx).text // '北干和院御家园小区3幢2单元302室'
 */
function xiaoquQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'room')
  if (!row) return null
  const c = ctx.world.compounds[row.compoundId!]!
  const name = `${c.name}小区`
  if (c.name.endsWith('小区') || ctx.world.realNames.has(name)) return null
  const parts = rowParts(row, townText(townOf(ctx, row), r, 0.3))
  parts.compound = name
  if (r.chance(0.5)) {
    delete parts.road
    delete parts.door
  }
  return { text: render(parts, plainStyle(r), r), expect: addressExpect(row), meta: { written: name } }
}

/**
 * A room with its compound name cut to the stem (和院御家园 → 和院御), only where no other name of
 * the town starts with that stem and the stem does not end in a direction; town written, road
 * dropped half the time.
 * @example shortCompoundQuery(ctx).text // '北干街道和院御3幢2单元302室'
 */
function shortCompoundQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'room')
  if (!row) return null
  const c = ctx.world.compounds[row.compoundId!]!
  const stem = c.stem
  // A stem ending in a direction (和院南) could read as a building side (南3幢): left out.
  if (stem.length < 2 || stem === c.name || /[东西南北中上下]$/.test(stem) || ctx.world.realNames.has(stem)) return null
  if (ctx.townNames.some((n) => n.includes(stem) || stem.includes(n))) return null
  const clash = namesInTown(ctx.world, c.townIdx).some((n) => n !== c.name && !c.aliases.includes(n) && n.startsWith(stem))
  if (clash) return null
  const parts = rowParts(row, townText(townOf(ctx, row), r, 0.3))
  parts.compound = stem
  if (r.chance(0.5)) {
    delete parts.road
    delete parts.door
  }
  return { text: render(parts, plainStyle(r), r), expect: addressExpect(row), meta: { full: c.name, written: stem } }
}

/**
 * A street door or village house whose number ends the text without 号 (金城路438).
 * @example doorNoHaoQuery(ctx).text // '北干街道金城路438'
 */
function doorNoHaoQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'door', 'door', 'door', 'house')
  if (!row) return null
  const dropTown = r.chance(0.2) && !ambiguousWithoutTown(ctx, row, false)
  const parts = rowParts(row, dropTown ? '' : townText(townOf(ctx, row), r, 0.3))
  const text = render(parts, dropTown ? { ...PLAIN, prefix: r.pick(NO_TOWN_PREFIXES) } : plainStyle(r), r)
  if (!text.endsWith('号')) return null
  return { text: text.slice(0, -1), expect: addressExpect(row) }
}

/**
 * A room written with its floor (5楼501, 5层501室, 五楼501).
 * @example floorWordsQuery(ctx).text // '北干街道和院御家园3幢2单元5楼501'
 */
function floorWordsQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'room')
  if (!row) return null
  const parts = rowParts(row, townText(townOf(ctx, row), r, 0.3))
  if (r.chance(0.4)) {
    delete parts.road
    delete parts.door
  }
  const floor = Math.floor(row.room! / 100)
  const word = r.pick(['楼', '层', '楼'] as const)
  const floorText = r.chance(0.2) ? spokenNumber(floor) : String(floor)
  const bw = r.pick(['幢', '栋', '号楼'] as const)
  const tail = `${row.building}${bw}${row.unit !== null ? `${row.unit}单元` : ''}${floorText}${word}${row.room}${r.pick(['', '室'] as const)}`
  return { text: withTail(ctx, parts, plainStyle(r), tail), expect: addressExpect(row), meta: { floor: `${floorText}${word}` } }
}

/**
 * Other ways rooms are typed: 302房间, 3号1单元302, 3#1单元302, 3幢1-302.
 * @example roomFormsQuery(ctx).meta.form // 'hao_unit'
 */
function roomFormsQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'room')
  if (!row) return null
  const forms = row.unit !== null ? (['fangjian', 'hao_unit', 'hash', 'unit_dash'] as const) : (['fangjian', 'hash'] as const)
  const form = r.pick(forms)
  const b = row.building!
  const u = row.unit
  const unit = u !== null ? `${u}单元` : ''
  const tail =
    form === 'fangjian'
      ? `${b}${r.pick(['幢', '栋'] as const)}${unit}${row.room}房间`
      : form === 'hao_unit'
        ? `${b}号${unit}${row.room}${r.pick(['室', ''] as const)}`
        : form === 'hash'
          ? `${b}#${r.chance(0.3) ? '楼' : ''}${unit}${row.room}${r.pick(['室', ''] as const)}`
          : `${b}${r.pick(['幢', '栋'] as const)}${u}-${row.room}`
  const parts = rowParts(row, townText(townOf(ctx, row), r, 0.3))
  return { text: withTail(ctx, parts, plainStyle(r), tail), expect: addressExpect(row), meta: { form } }
}

/**
 * Rooms of compounds whose buildings hold each room number once (no unit, or one written unit).
 * @example singleUnitRooms(ctx).every((r) => r.type === 'room')
 */
function singleUnitRooms(ctx: Ctx): { oneWritten: BaseRow[]; noUnit: BaseRow[] } {
  const rows = [...ctx.sampler.get('room'), ...ctx.sampler.get('border').filter((x) => x.type === 'room')]
  const c = (x: BaseRow) => ctx.world.compounds[x.compoundId!]!
  return {
    oneWritten: rows.filter((x) => c(x).unitWritten && c(x).units === 1),
    noUnit: rows.filter((x) => !c(x).unitWritten),
  }
}

/**
 * 3幢302 without a unit where the building holds room 302 once: still one row.
 * @example roomNoUnitQuery(ctx).text // '瓜沥镇和院御家园3幢302'
 */
function roomNoUnitQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const { oneWritten, noUnit } = singleUnitRooms(ctx)
  const pool = oneWritten.length > 0 && (noUnit.length === 0 || r.chance(0.5)) ? oneWritten : noUnit
  if (pool.length === 0) return null
  const row = r.pick(pool)
  const parts = rowParts(row, townText(townOf(ctx, row), r, 0.3))
  if (r.chance(0.3)) {
    delete parts.road
    delete parts.door
  }
  const tail = `${row.building}${r.pick(['幢', '栋', '号楼'] as const)}${row.room}${r.pick(['', '', '室'] as const)}`
  return {
    text: withTail(ctx, parts, plainStyle(r), tail),
    expect: addressExpect(row),
    meta: { unitDropped: row.unit !== null ? String(row.unit) : '' },
  }
}

/**
 * The town written after the rest (育顺街435号 北干街道, 育顺街435号（北干）).
 * @example townAfterQuery(ctx).text // '萧山区育顺街435号 北干街道'
 */
function townAfterQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'room', 'door', 'house')
  if (!row) return null
  const t = townText(townOf(ctx, row), r, 0.4)
  const body = render(rowParts(row, ''), { ...PLAIN, prefix: r.pick(['', '', '萧山区', '杭州市萧山区']) }, r)
  const form = r.pick([` ${t}`, `，${t}`, `（${t}）`, `(${t})`, ` ${t}辖区`, `，属${t}`, `/${t}`])
  return { text: body + form, expect: addressExpect(row) }
}

/**
 * The district written twice (萧山区萧山区…).
 * @example dupDistrictQuery(ctx).text // '杭州市萧山区萧山区北干街道育顺街435号'
 */
function dupDistrictQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'room', 'door', 'house')
  if (!row) return null
  const parts = rowParts(row, townText(townOf(ctx, row), r, 0.3))
  const prefix = r.pick(DUP_PREFIXES)
  return { text: render(parts, { ...PLAIN, prefix }, r), expect: addressExpect(row), meta: { prefix } }
}

/**
 * Spaces typed inside one or two names (育 顺 街, 和院 御家园).
 * @example innerSpacesQuery(ctx).text // '北干街道育 顺街435号'
 */
function innerSpacesQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'room', 'door', 'house')
  if (!row) return null
  const parts = rowParts(row, townText(townOf(ctx, row), r, 0.3))
  const fields = (['town', 'road', 'compound', 'village'] as const).filter((f) => (parts[f]?.length ?? 0) >= 2)
  const space = r.pick([' ', ' ', '  ', '\u3000'] as const)
  const chosen = r.shuffle([...fields]).slice(0, r.between(1, 2))
  for (const f of chosen) parts[f] = spaceOut(parts[f]!, r.between(1, 2), r, space)
  return { text: render(parts, plainStyle(r), r), expect: addressExpect(row), meta: { spaced: chosen.join('+') } }
}

/**
 * The text in traditional characters where the mapping is one-to-one (蕭山區北干街道育順街435號).
 * @example traditionalQuery(ctx).text // '蕭山區北干街道育顺街435號'
 */
function traditionalQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'room', 'door', 'house')
  if (!row) return null
  const parts = rowParts(row, townText(townOf(ctx, row), r, 0.3))
  const names = [parts.town, parts.road, parts.compound, parts.village].filter((x): x is string => x !== undefined)
  if (!names.some((n) => toTraditional(n) !== n)) return null
  const plain = render(parts, plainStyle(r), r)
  return { text: toTraditional(plain), expect: addressExpect(row), meta: { simplified: plain } }
}

/**
 * An address with the caller's position 5–100 m from the truth, in GCJ-02 or BD-09.
 * @example crsQuery(ctx, 'gcj02') // { text, lng, lat, crs: 'gcj02', expect }
 */
function crsQuery(ctx: Ctx, crs: Crs): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'room', 'door', 'house')
  if (!row) return null
  const dropTown = r.chance(0.3) && !ambiguousWithoutTown(ctx, row, false)
  const parts = rowParts(row, dropTown ? '' : townText(townOf(ctx, row), r, 0.3))
  let text = render(parts, dropTown ? { ...PLAIN, prefix: r.pick(NO_TOWN_PREFIXES) } : plainStyle(r), r)
  if (r.chance(0.3)) text += r.pick(TRAILING)
  const wgs = nearPoint(ctx.world, r, [row.lng, row.lat], 5, 100)
  const [lng, lat] = toCrs(crs, wgs[0], wgs[1])
  return { text, lng, lat, crs, expect: addressExpect(row), meta: { crs, wgs84: `${wgs[0]},${wgs[1]}` } }
}

/**
 * Door numbers of a same-named road pair that both towns have (one side's row for each).
 * @example sharedDoors(ctx, 12, 230) // [[15, rowA, rowB], …]
 */
function sharedDoors(ctx: Ctx, roadId: number, partnerId: number): [number, BaseRow, BaseRow][] {
  const mine = ctx.sampler.dupRoadDoors.get(roadId)
  const theirs = ctx.sampler.dupRoadDoors.get(partnerId)
  if (!mine || !theirs) return []
  const out: [number, BaseRow, BaseRow][] = []
  for (const [n, row] of mine) {
    const other = theirs.get(n)
    if (other) out.push([n, row, other])
  }
  return out.sort((a, b) => a[0] - b[0])
}

/**
 * A building/unit/room both same-named compounds hold (unit 1 when units are not written).
 * @example sharedRoom(rng, a, b) // { b: 3, u: 2, room: 502 }
 */
function sharedRoom(rng: Rng, a: CompoundPlan, b: CompoundPlan): { b: number; u: number; room: number } | null {
  for (let i = 0; i < 20; i++) {
    const bn = rng.between(1, Math.min(a.buildings.length, b.buildings.length))
    const u = rng.between(1, Math.min(a.units, b.units))
    const room = rng.between(1, Math.min(a.floors, b.floors)) * 100 + rng.between(1, Math.min(a.perFloor, b.perFloor))
    if (roomExists(a, bn, u, room) && roomExists(b, bn, u, room)) return { b: bn, u, room }
  }
  return null
}

/**
 * A text naming a row of two towns equally (same-named road + door, or same-named compound +
 * room, no town) with the caller's position 5–100 m from one of them: truth is that one.
 * @example disambigQuery(ctx) // { text: '育顺街435号', lng, lat, crs: 'bd09', expect: { addressId: … } }
 */
function disambigQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const roads = ctx.world.dupRoads
  const compounds = ctx.sampler.get('dupCompound')
  const useRoad = roads.length > 0 && (compounds.length === 0 || r.chance(0.6))
  let row: BaseRow
  let other: string
  let otherPoint: [number, number]
  let text: string
  const prefix = r.pick(NO_TOWN_PREFIXES)
  if (useRoad) {
    const pair = r.pick(roads)
    const [id, partner] = r.chance(0.5) ? [pair.a, pair.b] : [pair.b, pair.a]
    const shared = sharedDoors(ctx, id, partner).filter(([, mine]) => mine.type === 'door')
    if (shared.length === 0) return null
    const [n, mine, theirs] = r.pick(shared)
    row = mine
    other = theirs.addressId
    otherPoint = [theirs.lng, theirs.lat]
    text = `${prefix}${ctx.world.roads[id]!.name}${n}号`
  } else {
    if (compounds.length === 0) return null
    row = r.pick(compounds)
    const c = ctx.world.compounds[row.compoundId!]!
    const p = ctx.world.compounds[ctx.compoundPartner.get(c.id)!]!
    const u = row.unit ?? 1
    if (!roomExists(p, row.building!, u, row.room!)) return null
    other = `${p.name}@${ctx.world.towns[p.townIdx]!.name}`
    const pb = p.buildings[row.building! - 1]!
    otherPoint = [pb.lng, pb.lat]
    text = `${prefix}${c.name}${row.building}幢${row.unit !== null ? `${row.unit}单元` : ''}${row.room}室`
  }
  if (distanceM([row.lng, row.lat], otherPoint) < 1500) return null
  if (r.chance(0.25)) text += r.pick(TRAILING)
  const crs = r.pick(['wgs84', 'gcj02', 'bd09'] as const)
  const wgs = nearPoint(ctx.world, r, [row.lng, row.lat], 5, 100)
  const [lng, lat] = toCrs(crs, wgs[0], wgs[1])
  const made: Made = { text, lng, lat, expect: addressExpect(row), meta: { other, crs, via: useRoad ? 'road' : 'compound' } }
  if (crs !== 'wgs84') made.crs = crs
  return made
}

/**
 * A room written without its unit in a building where that room number exists in several units:
 * a careful human can only give the building.
 * @example buildingNoUnitQuery(ctx).expect // { level: 'building', acceptLevels: ['building'], maxDistM: 50, … }
 */
function buildingNoUnitQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const row = pickRow(ctx, 'room')
  if (!row || row.unit === null) return null
  const c = ctx.world.compounds[row.compoundId!]!
  let units = 0
  for (let u = 1; u <= c.units; u++) if (roomExists(c, row.building!, u, row.room!)) units++
  if (units < 2) return null
  const parts = rowParts(row, townText(townOf(ctx, row), r, 0.3))
  delete parts.unit
  if (r.chance(0.4)) {
    delete parts.road
    delete parts.door
  }
  const style = plainStyle(r, { buildingWord: r.pick(['幢', '幢', '栋', '号楼'] as const), roomWord: r.pick(['室', '室', ''] as const) })
  const expect: IndepExpect = {
    level: 'building',
    acceptLevels: ['building'],
    addressId: null,
    townCode: row.townCode,
    point: [row.lng, row.lat],
    maxDistM: 50,
  }
  return { text: render(parts, style, r), expect, meta: { compound: c.name, building: String(row.building), unitsWithRoom: String(units) } }
}

/** The truth of a text that names rows of two towns equally. */
const DISTRICT_TRUTH = (): IndepExpect => ({ level: 'district', acceptLevels: ['district'] as GeoLevel[], addressId: null, townCode: null })

/**
 * A same-named road + a door number both towns have, no town, no position: district only.
 * @example ambiguousRoadDoorQuery(ctx).expect.level // 'district'
 */
function ambiguousRoadDoorQuery(ctx: Ctx): Made {
  const r = ctx.rng
  if (ctx.world.dupRoads.length === 0) return null
  const pair = r.pick(ctx.world.dupRoads)
  const shared = sharedDoors(ctx, pair.a, pair.b)
  if (shared.length === 0) return null
  const [n, a, b] = r.pick(shared)
  let text = `${r.pick(NO_TOWN_PREFIXES)}${ctx.world.roads[pair.a]!.name}${n}号`
  if (r.chance(0.2)) text += r.pick(TRAILING)
  return { text, expect: DISTRICT_TRUTH(), meta: { candidates: `${a.addressId}|${b.addressId}`, towns: `${a.town}|${b.town}` } }
}

/**
 * A compound name two towns share (alone, with a building, or with a room both hold), no town,
 * no road, no position: district only.
 * @example ambiguousCompoundQuery(ctx).text // '和院御家园3幢2单元302室'
 */
function ambiguousCompoundQuery(ctx: Ctx): Made {
  const r = ctx.rng
  if (ctx.world.dupCompounds.length === 0) return null
  const pair = r.pick(ctx.world.dupCompounds)
  const a = ctx.world.compounds[pair.a]!
  const b = ctx.world.compounds[pair.b]!
  const shared = sharedRoom(r, a, b)
  if (!shared) return null
  const form = r.pick(['name', 'building', 'room', 'room'] as const)
  const unit = a.unitWritten ? `${shared.u}单元` : ''
  const tail = form === 'name' ? '' : form === 'building' ? `${shared.b}幢` : `${shared.b}幢${unit}${shared.room}室`
  let text = `${r.pick(NO_TOWN_PREFIXES)}${a.name}${tail}`
  if (r.chance(0.2)) text += r.pick(TRAILING)
  const towns = `${ctx.world.towns[a.townIdx]!.name}|${ctx.world.towns[b.townIdx]!.name}`
  return { text, expect: DISTRICT_TRUTH(), meta: { form, towns } }
}

/**
 * Whether a text mentions the district or one of its towns (such a text is no 'none' truth).
 * @example mentionsHome(ctx, '北干街道') // true
 */
function mentionsHome(ctx: Ctx, text: string): boolean {
  return text.includes('萧山') || ctx.townNames.some((n) => text.includes(n))
}

/**
 * Another Hangzhou district + a road name that also exists here (+ a number): outside → none.
 * @example otherDistrictQuery(ctx).text // '杭州市西湖区育顺街435号'
 */
function otherDistrictQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const roads = ctx.world.roads.filter((x) => x.rows > 0)
  if (roads.length === 0) return null
  const road = r.pick(roads)
  const district = r.pick(OTHER_HANGZHOU)
  const pre = r.pick(['', '', '杭州市', '杭州', '浙江省杭州市', '浙江杭州'] as const)
  const n = r.between(1, Math.max(1, road.maxNo))
  const text = r.chance(0.8) ? `${pre}${district}${road.name}${n}号` : `${pre}${district}${road.name}${r.pick(TRAILING)}`
  if (mentionsHome(ctx, text)) return null
  return { text, expect: { level: 'none', addressId: null, townCode: null }, meta: { road: road.name, district } }
}

/**
 * A phone number with an address in another city (half the time on a road name that also exists here).
 * @example otherCityPhoneQuery(ctx).text // '13812345678 宁波市海曙区育顺街12号'
 */
function otherCityPhoneQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const [city, code] = r.pick(OTHER_CITIES)
  const roads = ctx.world.roads.filter((x) => x.rows > 0)
  const road = roads.length > 0 && r.chance(0.5) ? r.pick(roads).name : r.pick(OTHER_CITY_ROADS)
  const phone = r.chance(0.6)
    ? `1${r.pick(['3', '5', '7', '8', '9'] as const)}${String(r.int(1e9)).padStart(9, '0')}`
    : `${code}-${r.between(2, 8)}${String(r.int(1e7)).padStart(7, '0')}`
  const addr = `${city}${road}${r.between(1, 800)}号`
  const text = r.pick([
    `${phone} ${addr}`,
    `${addr}，电话${phone}`,
    `报警人${phone}称在${addr}`,
    `联系电话：${phone}（${addr}）`,
    `${addr} 联系人手机${phone}`,
  ])
  if (mentionsHome(ctx, text)) return null
  return { text, expect: { level: 'none', addressId: null, townCode: null }, meta: { city } }
}

/**
 * Emoji and punctuation only.
 * @example emojiPunctQuery(ctx).text // '🚓🚓！！？'
 */
function emojiPunctQuery(ctx: Ctx): Made {
  const r = ctx.rng
  const n = r.between(1, 8)
  const sep = r.pick(['', '', ' '] as const)
  const text = Array.from({ length: n }, () => (r.chance(0.5) ? r.pick(EMOJI) : r.pick(PUNCT))).join(sep)
  return { text, expect: { level: 'none', addressId: null, townCode: null } }
}

/** One maker per harder kind. */
export const HARD_MAKERS: Record<HardKind, (ctx: Ctx) => Made> = {
  combo_noise: comboQuery,
  typo_town: (ctx) => typoQuery(ctx, true),
  typo_no_town: (ctx) => typoQuery(ctx, false),
  village_slip: villageSlipQuery,
  compound_xiaoqu: xiaoquQuery,
  compound_short: shortCompoundQuery,
  door_no_hao: doorNoHaoQuery,
  room_floor_words: floorWordsQuery,
  room_forms: roomFormsQuery,
  room_no_unit: roomNoUnitQuery,
  town_after: townAfterQuery,
  dup_district: dupDistrictQuery,
  inner_spaces: innerSpacesQuery,
  traditional: traditionalQuery,
  coord_gcj02: (ctx) => crsQuery(ctx, 'gcj02'),
  coord_bd09: (ctx) => crsQuery(ctx, 'bd09'),
  coord_disambig: disambigQuery,
  building_no_unit: buildingNoUnitQuery,
  ambiguous_road_door: ambiguousRoadDoorQuery,
  ambiguous_compound: ambiguousCompoundQuery,
  other_district: otherDistrictQuery,
  other_city_phone: otherCityPhoneQuery,
  emoji_punct: emojiPunctQuery,
}
