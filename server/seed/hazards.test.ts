import { describe, expect, it } from 'vitest'

import type { AddressRow } from '../addresses/schema.ts'
import { HAZARD_TRANSITIONS } from '../hazards/states.ts'
import { isOverdue } from '../tasks/overdue.ts'
import { TASK_TRANSITIONS } from '../tasks/states.ts'
import { generateHazards } from './hazards.ts'

const END = new Date('2026-11-01T00:00:00+08:00')

/** A few addresses in two villages of one town: enough for the generator. */
const ADDRESSES: AddressRow[] = Array.from({ length: 50 }, (_, i) => ({
  addressId: `A${i}`,
  address: `浙江省杭州市萧山区北干街道金城路${i + 1}号`,
  lng: 120.26 + i * 1e-4,
  lat: 30.17,
  town: '北干街道',
  village: i % 2 ? '金城社区' : '兴议村',
  groupNo: null,
  road: '金城路',
  doorNo: String(i + 1),
  compound: null,
  building: null,
  unit: null,
  room: null,
  aliases: [],
  townCode: '330109002',
  villageCode: i % 2 ? '330109002001' : '330109002002',
  gridCode: `33010900200${i % 2 ? 1 : 2}01`,
  microgridCode: `33010900200${i % 2 ? 1 : 2}0101`,
}))

describe('demo hazards and tasks', () => {
  const data = generateHazards(ADDRESSES, { seed: 'test', count: 240, end: END })

  it('is deterministic from the seed', () => {
    expect(generateHazards(ADDRESSES, { seed: 'test', count: 240, end: END })).toEqual(data)
    expect(generateHazards(ADDRESSES, { seed: 'other', count: 240, end: END })).not.toEqual(data)
  })

  it('has realistic variety: categories, sources, every state, some overdue', () => {
    const { hazards, tasks } = data
    expect(hazards).toHaveLength(240)
    expect(new Set(hazards.map((h) => h.category)).size).toBeGreaterThanOrEqual(6)
    expect(new Set(hazards.map((h) => h.source))).toEqual(new Set(['self_check', 'grid_inspection', 'regulator_inspection']))
    expect(new Set(hazards.map((h) => h.status))).toEqual(new Set(['reported', 'confirmed', 'rectifying', 'closed']))
    const lateHazards = hazards.filter((h) => isOverdue(h.dueDate, h.status === 'closed', END))
    expect(lateHazards.length).toBeGreaterThan(5)
    expect(lateHazards.length).toBeLessThan(hazards.length / 3)
    expect(tasks.length).toBeGreaterThan(60)
    expect(tasks.filter((t) => isOverdue(t.dueDate, t.status === 'closed', END)).length).toBeGreaterThan(3)
    expect(tasks.some((t) => t.events.some((e) => e.to === 'returned'))).toBe(true)
    expect(tasks.some((t) => t.source === 'manual' && t.areaLevel !== 'grid')).toBe(true)
    expect(hazards[0]!.description).toMatch(/[\u4e00-\u9fff]/)
  })

  it('histories follow the workflows, in time order before the end, and match the state', () => {
    for (const h of data.hazards) {
      expect(h.events[0]).toMatchObject({ action: 'created', to: 'reported' })
      for (const [a, b] of h.events.slice(0, -1).map((e, i) => [e, h.events[i + 1]!] as const)) {
        expect(b.at.getTime()).toBeGreaterThanOrEqual(a.at.getTime())
        expect(HAZARD_TRANSITIONS[b.from as keyof typeof HAZARD_TRANSITIONS]).toContain(b.to)
      }
      expect(h.events.at(-1)!.to).toBe(h.status)
      expect(h.events.at(-1)!.at.getTime()).toBeLessThan(END.getTime())
    }
    const hazards = new Map(data.hazards.map((h) => [h.hazardId, h]))
    for (const t of data.tasks) {
      expect(t.events[0]).toMatchObject({ action: 'created', to: 'issued' })
      for (const e of t.events.slice(1)) expect(TASK_TRANSITIONS[e.from as keyof typeof TASK_TRANSITIONS]).toContain(e.to)
      expect(t.events.at(-1)!.to).toBe(t.status)
      // A hazard's task closes it out: both closed, or neither.
      if (t.hazardRef) expect(hazards.get(t.hazardRef)!.status === 'closed').toBe(t.status === 'closed')
    }
  })
})
