import { describe, expect, it } from 'vitest'

import { generateRows } from './base.ts'
import { type Crs, fromCrs } from './coords.ts'
import { distanceM } from './geo.ts'
import { roomExists, villageStem } from './hard.ts'
import { planWorld, type World } from './plan.ts'
import { buildQueries, RowSampler } from './queries.ts'
import { testAreas, testWorld } from './testkit.ts'
import type { BaseRow, IndepQuery } from './types.ts'
import { ADDRESS_KINDS, COARSE_KINDS, HARD_ADDRESS_KINDS, HARD_COARSE_KINDS } from './types.ts'
import { NameIndex, toTraditional, TYPO_NEVER } from './typos.ts'
import { sameSyllable } from './vocab.ts'

const PER_KIND = 40
const { world, rows } = testWorld(8000, 'h-test')
const sample = (w: World, rs: readonly BaseRow[]) => {
  const s = new RowSampler(w, 200, 'h-test')
  for (const r of rs) s.offer(r)
  return s
}
const sampler = sample(world, rows)
const queries = buildQueries(world, sampler, { perKind: PER_KIND, seed: 'h-test' })
const byId = new Map(rows.map((r) => [r.addressId, r]))
const ofKind = (k: string): IndepQuery[] => queries.filter((q) => q.kind === k)
const rowOf = (q: IndepQuery) => byId.get(q.expect.addressId!)!
const townOf = (code: string) => world.towns.find((t) => t.code === code)!
const mentionsTown = (text: string, code: string) => {
  const t = townOf(code)
  return text.includes(t.name) || text.includes(t.short)
}
const mentionsAnyTown = (text: string) => world.towns.some((t) => text.includes(t.name) || (t.short.length >= 2 && text.includes(t.short)))
const names = new NameIndex(world.realNames)
/** Street-door and gate numbers of each road. */
const doorsOf = new Map<number, Set<number>>()
for (const r of rows) if (r.roadId !== null) (doorsOf.get(r.roadId) ?? doorsOf.set(r.roadId, new Set()).get(r.roadId)!).add(r.doorNo!)
const partnerOf = new Map(
  world.dupRoads.flatMap(
    (p) =>
      [
        [p.a, p.b],
        [p.b, p.a],
      ] as const,
  ),
)

describe('same-name material', () => {
  it('pairs roads and compounds of different towns, one of each per town at most', () => {
    expect(world.dupRoads.length).toBeGreaterThan(0)
    expect(world.dupCompounds.length).toBeGreaterThan(0)
    for (const [list, pairs] of [
      [world.roads, world.dupRoads],
      [world.compounds, world.dupCompounds],
    ] as const) {
      const towns: number[] = []
      for (const p of pairs) {
        const a = list[p.a]!
        const b = list[p.b]!
        expect(b.name).toBe(a.name)
        expect(b.townIdx).not.toBe(a.townIdx)
        expect(b.former).toBeDefined()
        expect(world.realNames.has(b.former!.name)).toBe(false)
        towns.push(a.townIdx, b.townIdx)
      }
      expect(new Set(towns).size).toBe(towns.length)
    }
    for (const p of world.dupCompounds) expect(world.compounds[p.a]!.unitWritten).toBe(world.compounds[p.b]!.unitWritten)
  })

  it('changes nothing but the renamed names (dupNames: false is the world of earlier versions)', () => {
    const plain = [...generateRows(planWorld(testAreas(), { count: 8000, seed: 'h-test', dupNames: false }))]
    const renames = [...world.roads, ...world.compounds].filter((x) => x.former).map((x) => [x.former!.name, x.name] as const)
    expect(plain).toHaveLength(rows.length)
    plain.forEach((p, i) => {
      const r = rows[i]!
      let address = p.address
      for (const [from, to] of renames) address = address.replace(from, to)
      expect({ ...r, address: '', road: '', compound: '' }).toEqual({ ...p, address: '', road: '', compound: '' })
      expect(r.address).toBe(address)
    })
  })

  it('leaves the original kinds with the same truths, apart from a few ambiguous no-town texts', () => {
    const plainWorld = planWorld(testAreas(), { count: 8000, seed: 'h-test', dupNames: false })
    const plainRows = [...generateRows(plainWorld)]
    const plain = buildQueries(plainWorld, sample(plainWorld, plainRows), { perKind: PER_KIND, seed: 'h-test' })
    const n = (ADDRESS_KINDS.length + COARSE_KINDS.length) * PER_KIND
    let moved = 0
    for (let i = 0; i < n; i++) {
      expect(queries[i]!.kind).toBe(plain[i]!.kind)
      if (JSON.stringify(queries[i]!.expect) !== JSON.stringify(plain[i]!.expect)) moved++
    }
    expect(moved / n).toBeLessThan(0.01)
  })

  it('keep no-town texts of the original kinds unambiguous', () => {
    for (const q of [...ofKind('no_town'), ...ofKind('mix')]) {
      const row = rowOf(q)
      if (row.type !== 'door' || mentionsTown(q.text, row.townCode)) continue
      const partner = partnerOf.get(row.roadId!)
      if (partner !== undefined) expect(doorsOf.get(partner)?.has(row.doorNo!) ?? false).toBe(false)
    }
  })
})

describe('harder kinds', () => {
  it('are all produced, address kinds at real rows, coarse kinds at none', () => {
    for (const k of HARD_ADDRESS_KINDS) {
      expect(ofKind(k).length, k).toBe(PER_KIND)
      for (const q of ofKind(k)) {
        expect(q.coarse).toBe(false)
        expect(byId.has(q.expect.addressId!), k).toBe(true)
      }
    }
    for (const k of HARD_COARSE_KINDS) {
      expect(ofKind(k).length, k).toBe(PER_KIND)
      for (const q of ofKind(k)) expect([q.coarse, q.expect.addressId]).toEqual([true, null])
    }
  })

  it('combine two or three noises', () => {
    for (const q of ofKind('combo_noise')) {
      const ops = q.meta!.ops!.split('+')
      expect(ops.length).toBeGreaterThanOrEqual(2)
      expect(ops.length).toBeLessThanOrEqual(3)
      const row = rowOf(q)
      if (ops.includes('no_town')) expect(mentionsTown(q.text, row.townCode)).toBe(false)
      if (ops.includes('slip')) {
        expect(names.onlyNear(q.meta!.changed!, q.meta!.original!)).toBe(true)
        expect(q.text).toContain(q.meta!.changed)
      }
    }
  })

  it('make typos that are no homophone, no real name and one edit from the original only', () => {
    for (const k of ['typo_town', 'typo_no_town', 'village_slip']) {
      for (const q of ofKind(k)) {
        const { original, changed, how } = q.meta as Record<string, string>
        expect(q.text).toContain(changed)
        expect(names.onlyNear(changed!, original!)).toBe(true)
        const diff = Array.from(original!)
          .map((c, i) => [c, changed![i]!] as const)
          .filter(([a, b]) => a !== b)
        expect(diff).toHaveLength(1)
        expect(TYPO_NEVER.has(diff[0]![1])).toBe(false)
        expect(sameSyllable(diff[0]![0], diff[0]![1])).toBe(how === 'homophone')
        if (k !== 'village_slip') expect(how).not.toBe('homophone')
        const row = rowOf(q)
        if (k === 'typo_no_town') expect(mentionsAnyTown(q.text.replace(changed!, ''))).toBe(false)
        else expect(mentionsTown(q.text, row.townCode)).toBe(true)
        if (k === 'village_slip') expect(villageStem(original!).length).toBeGreaterThanOrEqual(2)
      }
    }
  })

  it('write compound names with 小区 or cut to a stem unique in the town', () => {
    for (const q of ofKind('compound_xiaoqu')) expect(q.text).toContain(`${rowOf(q).compound}小区`)
    for (const q of ofKind('compound_short')) {
      const row = rowOf(q)
      const stem = q.meta!.written!
      expect(q.text).toContain(stem)
      expect(q.text).not.toContain(row.compound)
      expect(mentionsTown(q.text, row.townCode)).toBe(true)
      const c = world.compounds[row.compoundId!]!
      const clash = [
        ...world.compounds.filter((x) => x.townIdx === c.townIdx && x.id !== c.id).flatMap((x) => [x.name, ...x.aliases]),
        ...world.roads.filter((x) => x.townIdx === c.townIdx).map((x) => x.name),
        ...world.villages.filter((x) => x.townIdx === c.townIdx).map((x) => x.written),
      ].filter((n) => n.startsWith(stem))
      expect(clash).toEqual([])
    }
  })

  it('write numbers the way people type them', () => {
    for (const q of ofKind('door_no_hao')) expect(q.text).toMatch(new RegExp(`${rowOf(q).doorNo}$`))
    for (const q of ofKind('room_floor_words')) expect(q.text).toMatch(/([0-9]+|[一二三四五六七八九十]+)[楼层]\d{3,4}室?$/)
    for (const q of ofKind('room_forms')) {
      const re = { fangjian: /房间$/, hao_unit: /\d号\d单元\d+室?$/, hash: /\d#楼?(\d单元)?\d+室?$/, unit_dash: /[幢栋]\d-\d+$/ }[
        q.meta!.form!
      ]!
      expect(q.text, q.meta!.form).toMatch(re)
    }
    for (const q of ofKind('room_no_unit')) {
      const row = rowOf(q)
      const c = world.compounds[row.compoundId!]!
      expect(q.text).not.toContain('单元')
      expect(!c.unitWritten || c.units === 1).toBe(true)
    }
  })

  it('move, repeat, space out or convert parts of the text', () => {
    for (const q of ofKind('town_after')) {
      const t = townOf(rowOf(q).townCode)
      const at = Math.max(q.text.lastIndexOf(t.name), q.text.lastIndexOf(t.short))
      expect(at).toBeGreaterThan(q.text.search(/\d/))
    }
    for (const q of ofKind('dup_district')) {
      expect(q.text.startsWith(q.meta!.prefix!)).toBe(true)
      expect(q.meta!.prefix).toMatch(/(萧山|杭州|浙江).*\1/)
    }
    for (const q of ofKind('inner_spaces')) expect(q.text).toMatch(/\p{Script=Han}[ \u3000]+\p{Script=Han}/u)
    for (const q of ofKind('traditional')) {
      expect(q.text).toBe(toTraditional(q.meta!.simplified!))
      expect(q.text).not.toBe(q.meta!.simplified)
    }
  })

  it('carry a caller position within 100 m of the truth in the stated CRS', () => {
    for (const k of ['coord_gcj02', 'coord_bd09', 'coord_disambig']) {
      for (const q of ofKind(k)) {
        const crs = (q.crs ?? 'wgs84') as Crs
        if (k !== 'coord_disambig') expect(crs).toBe(k === 'coord_gcj02' ? 'gcj02' : 'bd09')
        const p = fromCrs(crs, q.lng!, q.lat!)
        expect(distanceM(p, q.expect.point!)).toBeLessThan(101)
      }
    }
  })

  it('disambiguate a same-named text by the position only', () => {
    for (const q of ofKind('coord_disambig')) {
      const row = rowOf(q)
      expect(mentionsAnyTown(q.text)).toBe(false)
      if (q.meta!.via === 'road') {
        const other = byId.get(q.meta!.other!)!
        expect(q.text).toContain(`${row.road}${row.doorNo}号`)
        expect(other.road).toBe(row.road)
        expect(other.doorNo).toBe(row.doorNo)
        expect(other.townCode).not.toBe(row.townCode)
        expect(distanceM([other.lng, other.lat], [row.lng, row.lat])).toBeGreaterThanOrEqual(1500)
      } else {
        expect(q.text).toContain(row.compound)
        expect(world.compounds.filter((c) => c.name === row.compound)).toHaveLength(2)
      }
    }
  })

  it('give a building, not a room, when the unit is missing and several units hold the room', () => {
    for (const q of ofKind('building_no_unit')) {
      expect(q.expect).toMatchObject({ level: 'building', acceptLevels: ['building'], maxDistM: 50 })
      expect(q.text).not.toContain('单元')
      const c = world.compounds.find((x) => x.name === q.meta!.compound && mentionsTown(q.text, world.towns[x.townIdx]!.code))!
      const b = Number(q.meta!.building)
      const room = Number(/(\d{3,4})室?$/.exec(q.text)![1])
      let units = 0
      for (let u = 1; u <= c.units; u++) if (roomExists(c, b, u, room)) units++
      expect(units).toBeGreaterThanOrEqual(2)
      expect(q.expect.point).toEqual([c.buildings[b - 1]!.lng, c.buildings[b - 1]!.lat])
    }
  })

  it('answer the district only when two towns have the same road door or compound', () => {
    for (const q of [...ofKind('ambiguous_road_door'), ...ofKind('ambiguous_compound')]) {
      expect(q.expect).toEqual({ level: 'district', acceptLevels: ['district'], addressId: null, townCode: null })
      expect(mentionsAnyTown(q.text)).toBe(false)
      expect(q.lng).toBeUndefined()
      expect(new Set(q.meta!.towns!.split('|')).size).toBe(2)
    }
    for (const q of ofKind('ambiguous_road_door')) {
      const [a, b] = q.meta!.candidates!.split('|').map((id) => byId.get(id)!)
      expect(a!.road).toBe(b!.road)
      expect(a!.doorNo).toBe(b!.doorNo)
      expect(q.text).toContain(`${a!.road}${a!.doorNo}号`)
    }
    for (const q of ofKind('ambiguous_compound')) {
      const same = world.compounds.filter((c) => q.text.includes(c.name))
      expect(same).toHaveLength(2)
      const m = /(\d+)幢(?:(\d+)单元)?(\d+)室/.exec(q.text)
      if (m) for (const c of same) expect(roomExists(c, Number(m[1]), Number(m[2] ?? 1), Number(m[3]))).toBe(true)
    }
  })

  it('answer none outside the district and for symbols', () => {
    for (const k of ['other_district', 'other_city_phone', 'emoji_punct']) {
      for (const q of ofKind(k)) {
        expect(q.expect).toEqual({ level: 'none', addressId: null, townCode: null })
        expect(q.text.includes('萧山') || mentionsAnyTown(q.text)).toBe(false)
      }
    }
    for (const q of ofKind('other_district')) expect(world.roads.some((r) => q.text.includes(r.name))).toBe(true)
    for (const q of ofKind('other_city_phone')) expect(q.text).toMatch(/1\d{10}|0\d{2,3}-\d{8}/)
    for (const q of ofKind('emoji_punct')) {
      expect(q.text).not.toMatch(/[\p{Script=Han}A-Za-z0-9]/u)
      expect(q.text.trim().length).toBeGreaterThan(0)
    }
  })
})
