/**
 * Builds the noisy queries with their truth: from a reservoir sample of the streamed rows plus the
 * plan's structures (junctions, landmarks, villages, roads, old names). Every kind is produced
 * `perKind` times when its material exists. The original kinds' makers are here; the harder kinds'
 * are in hard.ts, their shared helpers in querykit.ts.
 */
import { toLngLat } from './geo.ts'
import { HARD_MAKERS } from './hard.ts'
import { PLAIN, render, slipName } from './noise.ts'
import type { VillagePlan, World } from './plan.ts'
import {
  ambiguousWithoutTown,
  type Ctx,
  GROUP_STYLES,
  jitter,
  type Made,
  makeCtx,
  nearRealCompound,
  pickRow,
  plainStyle,
  PREFIXES,
  type QueryOptions,
  RowSampler,
  simple,
  townText,
} from './querykit.ts'
import type { Rng } from './rng.ts'
import type { BaseRow, IndepExpect, IndepQuery, QueryKind } from './types.ts'
import { type ADDRESS_KINDS, ALL_KINDS, type COARSE_KINDS, isCoarseKind } from './types.ts'
import {
  COMMUNITY_STEMS,
  COMPOUND_ENDINGS,
  ELSEWHERE,
  FAKE_COMPOUND_STEMS,
  NON_ADDRESS,
  REPORTER_AFTER,
  REPORTER_BEFORE,
  TRAILING,
} from './vocab.ts'

export { RowSampler }
export type { QueryOptions, SampleCategory } from './querykit.ts'

/**
 * Builds all queries, kind by kind (ALL_KINDS order), `perKind` each when the material exists.
 * @example buildQueries(world, sampler, { perKind: 300, seed: 's' }).length
 */
export function buildQueries(world: World, sampler: RowSampler, opts: QueryOptions): IndepQuery[] {
  const ctx = makeCtx(world, sampler, opts.seed)
  const out: IndepQuery[] = []
  const makers = { ...MAKERS, ...HARD_MAKERS } as Record<QueryKind, (ctx: Ctx) => Made>
  for (const kind of ALL_KINDS) {
    const coarse = isCoarseKind(kind)
    const rng = ctx.rng.fork(kind)
    const kctx = { ...ctx, rng }
    for (let made = 0, tries = 0; made < opts.perKind && tries < opts.perKind * 6; tries++) {
      const q = makers[kind](kctx)
      if (!q) continue
      out.push({ id: `iq${String(out.length + 1).padStart(6, '0')}`, kind, coarse, ...q })
      made++
    }
  }
  return out
}

/** One maker per kind. */
const MAKERS: Record<(typeof ADDRESS_KINDS)[number] | (typeof COARSE_KINDS)[number], (ctx: Ctx) => Made> = {
  door_plain(ctx) {
    const row = pickRow(ctx, 'door')
    return row && simple(ctx, row, plainStyle(ctx.rng), 0)
  },
  room_plain(ctx) {
    const row = pickRow(ctx, 'room')
    return row && simple(ctx, row, plainStyle(ctx.rng), 0)
  },
  short_town(ctx) {
    const row = pickRow(ctx, 'room', 'door')
    if (!row) return null
    const t = ctx.townByCode.get(row.townCode)!
    return t.short === t.name ? null : simple(ctx, row, plainStyle(ctx.rng), 1)
  },
  no_town(ctx) {
    // pickRow's draws, keeping the index: a door number that the same-named road of another town
    // also has names no row without its town, so the next usable row of the pool is taken instead
    // (no extra draw, so later queries do not shift).
    const pool = ctx.sampler.get(ctx.rng.pick(['room', 'door'] as const))
    let i = pool.length > 0 ? ctx.rng.int(pool.length) : -1
    for (let k = 0; i >= 0 && k < pool.length && ambiguousWithoutTown(ctx, pool[i]!, false); k++) i = (i + 1) % pool.length
    const row = i >= 0 && !ambiguousWithoutTown(ctx, pool[i]!, false) ? pool[i]! : null
    const prefix = ctx.rng.pick(['', '', '萧山区', '萧山', '杭州市萧山区'])
    return row && simple(ctx, row, { ...PLAIN, prefix }, 0, (p) => delete p.town)
  },
  no_road(ctx) {
    const row = pickRow(ctx, 'room')
    return (
      row &&
      simple(ctx, row, plainStyle(ctx.rng), 0.4, (p) => {
        delete p.road
        delete p.door
      })
    )
  },
  spoken_numerals(ctx) {
    const row = pickRow(ctx, 'room', 'door', 'house')
    const roomNum = ctx.rng.pick(['digits', 'spoken'] as const)
    return row && simple(ctx, row, plainStyle(ctx.rng, { num: 'spoken', roomNum, group: 'spoken' }), 0.3)
  },
  dash_notation(ctx) {
    const row = pickRow(ctx, 'room')
    const roomWord = ctx.rng.pick(['', '', '室'] as const)
    const dropRoad = ctx.rng.chance(0.4)
    return (
      row &&
      simple(ctx, row, plainStyle(ctx.rng, { dash: true, roomWord }), 0.3, (p) => {
        if (dropRoad) {
          delete p.road
          delete p.door
        }
      })
    )
  },
  variants(ctx) {
    const row = pickRow(ctx, 'room')
    if (!row) return null
    const variant = ctx.rng.pick(['房', '全角', '号楼', '栋', '座'] as const)
    const style = plainStyle(ctx.rng, {
      roomWord: variant === '房' ? '房' : '室',
      fullWidthDigits: variant === '全角',
      buildingWord: variant === '号楼' || variant === '栋' || variant === '座' ? variant : '幢',
    })
    const q = simple(ctx, row, style, 0.3)
    return q && { ...q, meta: { variant } }
  },
  trailing_words(ctx) {
    const row = pickRow(ctx, 'room', 'door', 'house')
    const q = row && simple(ctx, row, plainStyle(ctx.rng), 0.3)
    return q && { ...q, text: q.text + ctx.rng.pick(TRAILING) }
  },
  reporter_phrase(ctx) {
    const row = pickRow(ctx, 'room', 'door', 'house')
    const q = row && simple(ctx, row, plainStyle(ctx.rng), 0.3)
    if (!q) return null
    const after = ctx.rng.pick(REPORTER_AFTER)
    return { ...q, text: `${ctx.rng.pick(REPORTER_BEFORE)}${q.text}${after ? ctx.rng.pick(['，', ',', ' ']) + after : ''}` }
  },
  punct_spaces(ctx) {
    const row = pickRow(ctx, 'room', 'door', 'house')
    const seps = [' ', '，', ',', '\u3000', ' - ', '、', '  ']
    const style = plainStyle(ctx.rng, { seps, bracketCompound: ctx.rng.chance(0.3) })
    const q = row && simple(ctx, row, style, 0.3)
    return q && { ...q, text: `${ctx.rng.chance(0.3) ? ' ' : ''}${q.text}${ctx.rng.pick(['', '。', '.', ' ', '！'])}` }
  },
  mix(ctx) {
    const row = pickRow(ctx, 'room', 'room', 'door', 'house')
    return row && mixQuery(ctx, row)
  },
  village_group(ctx) {
    const row = pickRow(ctx, 'house')
    const style = plainStyle(ctx.rng, { group: ctx.rng.pick(GROUP_STYLES), num: ctx.rng.chance(0.2) ? 'spoken' : 'arabic' })
    return row && simple(ctx, row, style, 0.4)
  },
  wrong_compound_guard(ctx) {
    const byTown = ctx.rng.chance(0.5)
    const row = pickRow(ctx, byTown ? 'sibTown' : 'sibRoad')
    if (!row) return null
    const c = ctx.world.compounds[row.compoundId!]!
    const sibling = ctx.world.compounds[c.siblings.find((s) => s.via === (byTown ? 'town' : 'road'))!.id]!
    const q = simple(ctx, row, plainStyle(ctx.rng), 0.3, (p) => {
      if (byTown) {
        delete p.road
        delete p.door
      } else if (ctx.rng.chance(0.5)) delete p.town
    })
    return q && { ...q, meta: { guard: byTown ? 'town' : 'road', sibling: sibling.name } }
  },
  text_town_border(ctx) {
    const row = pickRow(ctx, 'border')
    return row && simple(ctx, row, plainStyle(ctx.rng), 0.3)
  },
  homophone_tone(ctx) {
    const row = pickRow(ctx, 'room', 'door')
    if (!row) return null
    const compound = row.compoundId !== null && ctx.rng.chance(0.5) ? ctx.world.compounds[row.compoundId]! : null
    const road = ctx.world.roads[row.roadId!]!
    const target = compound ?? road
    // A name given by addDuplicateNames is slipped from a side stream while the main stream
    // advances as the former name's slip did, so later queries of this kind do not shift.
    const former = target.former && slipName(target.former.name, target.former.stem.length, ctx.rng, ctx.world.realNames)
    if (target.former && !former) return null
    const slipRng = target.former ? ctx.rng.fork(`renamed/${row.addressId}`) : ctx.rng
    const slip = slipName(target.name, target.stem.length, slipRng, ctx.world.realNames)
    if (!slip) return null
    const q = simple(ctx, row, plainStyle(ctx.rng), 0.3, (p) => {
      if (compound) {
        p.compound = slip.text
        if (ctx.rng.chance(0.5)) {
          delete p.road
          delete p.door
        }
      } else p.road = slip.text
    })
    return q && { ...q, meta: { field: compound ? 'compound' : 'road', original: target.name, slipped: slip.text } }
  },
  compound_alias(ctx) {
    const row = pickRow(ctx, 'alias')
    if (!row) return null
    const alias = ctx.rng.pick(ctx.world.compounds[row.compoundId!]!.aliases)
    const q = simple(ctx, row, plainStyle(ctx.rng), 0.3, (p) => {
      p.compound = alias
      if (ctx.rng.chance(0.5)) {
        delete p.road
        delete p.door
      }
    })
    return q && { ...q, meta: { alias } }
  },
  old_name_address(ctx) {
    const row = pickRow(ctx, 'oldTown')
    if (!row) return null
    const t = ctx.townByCode.get(row.townCode)!
    const olds = ctx.world.oldNames.filter((o) => o.townIdx === t.idx)
    const old = ctx.rng.pick(olds).old
    const q = simple(ctx, row, plainStyle(ctx.rng), 0, (p) => (p.town = old))
    return q && { ...q, meta: { oldName: old } }
  },
  village_group_only(ctx) {
    const vs = ctx.world.villages.filter((v) => v.rows > 0)
    if (vs.length === 0) return null
    const v = ctx.rng.pick(vs)
    const t = ctx.world.towns[v.townIdx]!
    const g = ctx.rng.pick(v.groups.filter((x) => x.houses > 0))
    const text = render(
      { town: townText(t, ctx.rng, 0.4), village: v.written, group: g.no },
      plainStyle(ctx.rng, { group: ctx.rng.pick(GROUP_STYLES) }),
      ctx.rng,
    )
    return { text, expect: villageExpect(ctx.world, v) }
  },
  intersection(ctx) {
    if (ctx.world.junctions.length === 0) return null
    const j = ctx.rng.pick(ctx.world.junctions)
    const [a, b] = ctx.rng.shuffle([ctx.world.roads[j.roadA]!.name, ctx.world.roads[j.roadB]!.name])
    const t = ctx.world.towns[j.townIdx]!
    const form = ctx.rng.pick([`${a}与${b}交叉口`, `${a}${b}口`, `${a}和${b}交叉路口`, `${a}${b}路口附近`, `${a}、${b}交汇处`])
    const town = ctx.rng.chance(0.4) ? townText(t, ctx.rng, 0.4) : ''
    return {
      text: `${ctx.rng.weighted(PREFIXES)}${town}${form}`,
      expect: { level: 'road', addressId: null, townCode: t.code, point: [j.lng, j.lat], radiusM: 250 },
      meta: { roads: `${a}|${b}` },
    }
  },
  landmark(ctx) {
    if (ctx.world.landmarks.length === 0) return null
    const l = ctx.rng.pick(ctx.world.landmarks)
    const t = ctx.world.towns[l.townIdx]!
    const before = ctx.rng.pick(['', '', '萧山', '萧山区', t.short === t.name || l.name.startsWith(t.short) ? '' : t.short])
    const after = ctx.rng.pick(['', '', '门口', '对面', '附近', '旁边', '东门'])
    return {
      text: `${before}${l.name}${after}`,
      expect: { level: 'compound', addressId: null, townCode: t.code, point: [l.lng, l.lat], radiusM: 300 },
    }
  },
  old_name(ctx) {
    if (ctx.world.oldNames.length === 0) return null
    const o = ctx.rng.pick(ctx.world.oldNames)
    const t = ctx.world.towns[o.townIdx]!
    const text = ctx.rng.pick([o.old, `萧山区${o.old}`, `杭州市萧山区${o.old}`, `${o.old}附近`, `萧山${o.old}一带`])
    return { text, expect: { level: 'town', addressId: null, townCode: t.code }, meta: { current: t.name } }
  },
  missing_door(ctx) {
    const roads = ctx.world.roads.filter((r) => r.rows > 0)
    if (roads.length === 0) return null
    const r = ctx.rng.pick(roads)
    const t = ctx.world.towns[r.townIdx]!
    const useGap = r.gaps.length > 0 && ctx.rng.chance(0.5)
    const n = useGap ? ctx.rng.pick(r.gaps) : r.maxNo + ctx.rng.between(20, 400)
    const mid = r.line.at((r.inStart + r.inEnd) / 2)
    let town = ctx.rng.chance(0.7) ? townText(t, ctx.rng, 0.3) : ''
    // A road name another town shares needs its town (drawn from a side stream: no later draw shifts).
    if (!town && ctx.roadPartner.has(r.id)) town = townText(t, ctx.rng.fork(`dup/${r.id}/${n}`), 0.3)
    return {
      text: `${ctx.rng.weighted(PREFIXES)}${town}${r.name}${n}号`,
      expect: { level: 'road', addressId: null, townCode: t.code, point: toLngLat(ctx.world.proj, mid.x, mid.y) },
      meta: { missing: useGap ? 'gap' : 'beyond' },
    }
  },
  unknown_place(ctx) {
    const t = ctx.rng.pick(ctx.world.towns.filter((x) => x.budget > 0))
    const name = ctx.rng.chance(0.75)
      ? `${ctx.rng.pick(FAKE_COMPOUND_STEMS)}${ctx.rng.pick(COMPOUND_ENDINGS)}`
      : `${ctx.rng.pick(COMMUNITY_STEMS)}社区`
    if (ctx.world.realNames.has(name) || nearRealCompound(ctx, name)) return null
    const tail = ctx.rng.chance(0.3) ? `${ctx.rng.between(1, 20)}幢` : ''
    return {
      text: `${ctx.rng.weighted(PREFIXES)}${townText(t, ctx.rng, 0.3)}${name}${tail}`,
      expect: { level: 'town', addressId: null, townCode: t.code },
    }
  },
  garbage(ctx) {
    const text = garbageText(ctx.rng)
    for (const name of ctx.world.realNames) if (name.length >= 2 && text.includes(name)) return null
    return { text, expect: { level: 'none', addressId: null, townCode: null } }
  },
}

/**
 * The truth of a village-level query. A village written with an invented name is only known from
 * its rows, so a geocoder may place it by its houses' centroid: both the village polygon holding
 * the houses and the one holding their centroid are accepted (see judge.ts).
 * @example villageExpect(world, village).villageCodes // ['330109102203']
 */
export function villageExpect(world: World, v: VillagePlan): IndepExpect {
  const t = world.towns[v.townIdx]!
  const point: [number, number] = [v.sumLng / v.rows, v.sumLat / v.rows]
  const codes = new Set([v.code])
  for (const id of t.villageIds) {
    const other = world.villages[id]!
    if (other.index.contains(point[0], point[1])) codes.add(other.code)
  }
  return { level: 'village', addressId: null, townCode: t.code, villageCode: v.code, villageCodes: [...codes], point }
}

/**
 * A realistic mix: random prefix, town form, numerals, word variants, dash notation, trailing and
 * reporter phrases, separators; three in ten also carry a caller position within 300 m.
 * @example mixQuery(ctx, row).text
 */
function mixQuery(ctx: Ctx, row: BaseRow): Made {
  const r = ctx.rng
  const style = plainStyle(r, {
    num: r.chance(0.15) ? 'spoken' : 'arabic',
    roomNum: r.weighted([
      ['arabic', 6],
      ['digits', 1],
      ['spoken', 1],
    ] as const),
    buildingWord: r.weighted([
      ['幢', 5],
      ['栋', 3],
      ['号楼', 2],
      ['座', 1],
    ] as const),
    roomWord: r.weighted([
      ['室', 6],
      ['', 2],
      ['房', 1],
    ] as const),
    dash: r.chance(0.15),
    group: r.pick(GROUP_STYLES),
    seps: r.chance(0.2) ? [' ', '，', ''] : [''],
    fullWidthDigits: r.chance(0.08),
  })
  const townMode = r.weighted([
    ['full', 5],
    ['short', 3],
    ['none', 2],
  ] as const)
  const q = simple(ctx, row, style, townMode === 'short' ? 1 : 0, (p) => {
    const dropRoad = row.type === 'room' && r.chance(0.3)
    // A village name alone may repeat across towns: house rows keep their town. So do texts that
    // another town's same-named road or compound would also match: the town is glued to the next
    // part, keeping the number of segments (and so of draws) of the text without it.
    if (townMode === 'none' && row.type !== 'house') {
      if (ambiguousWithoutTown(ctx, row, dropRoad)) {
        if (dropRoad) p.compound = p.town! + p.compound!
        else p.road = p.town! + p.road!
      }
      delete p.town
    }
    if (dropRoad) {
      delete p.road
      delete p.door
    }
  })
  if (!q) return null
  let text = q.text
  if (r.chance(0.25)) text += r.pick(TRAILING)
  if (r.chance(0.2)) text = r.pick(REPORTER_BEFORE) + text
  const made: Made = { ...q, text }
  if (r.chance(0.3)) {
    const [lng, lat] = jitter(ctx.world, r, [row.lng, row.lat], 300)
    made.lng = lng
    made.lat = lat
  }
  return made
}

/**
 * A text that names no place in the district: a phone number, gibberish, a non-address phrase or
 * an address in another city or district.
 * @example garbageText(rng) // '上海市浦东新区世纪大道88号'
 */
function garbageText(rng: Rng): string {
  switch (rng.int(4)) {
    case 0:
      return `${rng.pick(['', '电话', '联系电话：'])}1${rng.between(3, 9)}${String(rng.int(1e9)).padStart(9, '0')}`
    case 1: {
      const pool = '的了吗呢吧啊哦嗯哈呀嘛咯喂哎xyzqwkjh'
      return Array.from({ length: rng.between(3, 9) }, () => pool[rng.int(pool.length)]!).join('')
    }
    case 2:
      return rng.pick(NON_ADDRESS)
    default:
      return `${rng.pick(ELSEWHERE)}${rng.between(1, 600)}号${rng.chance(0.3) ? `${rng.between(1, 12)}幢${rng.between(1, 30)}0${rng.between(1, 4)}室` : ''}`
  }
}
