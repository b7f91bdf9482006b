import { describe, expect, it } from 'vitest'

import { buildQueries, RowSampler } from './queries.ts'
import { testWorld } from './testkit.ts'
import type { IndepQuery } from './types.ts'
import { ADDRESS_KINDS, ALL_KINDS, COARSE_KINDS, isCoarseKind } from './types.ts'
import { sameSyllable } from './vocab.ts'

const PER_KIND = 40
const { world, rows } = testWorld(8000, 'q-test')
const sampler = new RowSampler(world, 200, 'q-test')
for (const r of rows) sampler.offer(r)
const queries = buildQueries(world, sampler, { perKind: PER_KIND, seed: 'q-test' })
const byId = new Map(rows.map((r) => [r.addressId, r]))
const ofKind = (k: string): IndepQuery[] => queries.filter((q) => q.kind === k)

describe('queries', () => {
  it('cover every kind, perKind each, with unique ids', () => {
    for (const k of ALL_KINDS) expect(ofKind(k).length, k).toBe(PER_KIND)
    expect(new Set(queries.map((q) => q.id)).size).toBe(queries.length)
    // The original kinds come first, in their order, so the harder kinds shift none of their ids.
    const original = [...ADDRESS_KINDS, ...COARSE_KINDS] as string[]
    queries.slice(0, original.length * PER_KIND).forEach((q, i) => {
      expect(q.kind).toBe(original[Math.floor(i / PER_KIND)])
      expect(q.id).toBe(`iq${String(i + 1).padStart(6, '0')}`)
    })
  })

  it('are a pure function of the seed', () => {
    const s2 = new RowSampler(world, 200, 'q-test')
    for (const r of rows) s2.offer(r)
    expect(buildQueries(world, s2, { perKind: PER_KIND, seed: 'q-test' })).toEqual(queries)
  })

  it('point address kinds at real rows, coarse kinds at no row', () => {
    for (const q of queries) {
      expect(q.coarse).toBe(isCoarseKind(q.kind))
      if (q.coarse) expect(q.expect.addressId).toBeNull()
      else expect(byId.has(q.expect.addressId!)).toBe(true)
      expect(q.text.trim().length).toBeGreaterThan(0)
    }
  })

  it('slip one same-syllable character, and the slipped name is never a real name', () => {
    for (const q of ofKind('homophone_tone')) {
      const { original, slipped } = q.meta!
      expect(world.realNames.has(slipped!)).toBe(false)
      expect(q.text).toContain(slipped)
      const diff = Array.from(original!)
        .map((c, i) => [c, slipped![i]!] as const)
        .filter(([a, b]) => a !== b)
      expect(diff).toHaveLength(1)
      expect(sameSyllable(diff[0]![0], diff[0]![1])).toBe(true)
    }
  })

  it('guard queries name the exact compound, whose sibling exists elsewhere', () => {
    for (const q of ofKind('wrong_compound_guard')) {
      const row = byId.get(q.expect.addressId!)!
      expect(q.text).toContain(row.compound)
      expect(q.text).not.toContain(q.meta!.sibling)
      if (q.meta!.guard === 'town') expect(q.text).not.toContain(row.road)
    }
  })

  it('query border rows with their written town', () => {
    for (const q of ofKind('text_town_border')) {
      const row = byId.get(q.expect.addressId!)!
      expect(row.border).toBe(true)
      expect(q.expect.pointTownCode).toBe(row.pointTownCode)
      const t = world.towns.find((x) => x.code === row.townCode)!
      expect(q.text.includes(t.short)).toBe(true)
    }
  })

  it('give village, junction, landmark, town and none truths', () => {
    for (const q of ofKind('village_group_only')) {
      expect(q.expect.level).toBe('village')
      expect(q.expect.villageCodes).toContain(q.expect.villageCode)
    }
    for (const q of ofKind('intersection')) {
      expect(q.expect.level).toBe('road')
      expect(world.junctions.some((j) => j.lng === q.expect.point![0] && j.lat === q.expect.point![1])).toBe(true)
    }
    for (const q of ofKind('landmark')) expect(world.landmarks.some((l) => q.text.includes(l.name))).toBe(true)
    for (const q of ofKind('old_name')) expect(world.towns.find((t) => t.code === q.expect.townCode)!.name).toBe(q.meta!.current)
    for (const q of ofKind('missing_door')) {
      const n = Number(/(\d+)号$/.exec(q.text)![1])
      const road = world.roads.find(
        (r) => q.text.includes(r.name) && r.townIdx === world.towns.findIndex((t) => t.code === q.expect.townCode),
      )!
      expect(rows.some((r) => r.roadId === road.id && r.doorNo === n)).toBe(false)
    }
    for (const q of ofKind('unknown_place')) expect(q.expect.level).toBe('town')
    for (const q of ofKind('garbage')) {
      expect(q.expect).toMatchObject({ level: 'none', townCode: null })
      for (const t of world.towns) expect(q.text.includes(t.short)).toBe(false)
    }
  })

  it('carry the noise their kind names', () => {
    expect(ofKind('spoken_numerals').every((q) => /[一二三四五六七八九十]/.test(q.text))).toBe(true)
    expect(ofKind('dash_notation').every((q) => /\d+-\d+/.test(q.text))).toBe(true)
    expect(ofKind('village_group').every((q) => /(组|小组)/.test(q.text))).toBe(true)
    expect(ofKind('variants').some((q) => /[０-９]/.test(q.text))).toBe(true)
    expect(ofKind('old_name_address').every((q) => q.text.includes(q.meta!.oldName!))).toBe(true)
    expect(ofKind('mix').some((q) => q.lng !== undefined)).toBe(true)
  })
})
