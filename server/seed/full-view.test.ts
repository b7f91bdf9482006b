import { beforeAll, describe, expect, it } from 'vitest'

import type { AddressRow } from '../addresses/schema.ts'
import { addDays, daysBetween, shanghaiDay } from '../shared/time.ts'
import { plantWarningPatterns } from './demo-patterns.ts'
import { type FullViewData, generateFullView, isRegistered, metres, tapRecentIncidents } from './full-view.ts'
import { generateAddresses, generateBoundaries, generateIncidents, sampleForIncidents } from './index.ts'
import { idCheckDigit } from './people.ts'
import type { AreaRow, IncidentRow } from './types.ts'

const DAY = 86_400_000
const END = new Date('2026-11-01T00:00:00+08:00')
const SEED = 'xiaoshan'
const OPTS = { seed: SEED, end: END, houses: 4_000, organisations: 500, disputes: 400 }

let areas: AreaRow[]
let sample: AddressRow[]
let incidents: IncidentRow[]
let fv: FullViewData
/** Every incident the demo holds: background, ./demo-patterns.ts and the full view's planted ones. */
let allIncidents: IncidentRow[]

/** Computed here from the rows, independently of the generator and of the models. */
const currentResidents = () => fv.residents.filter((r) => r.movedOut === null && r.movedIn <= '2026-11-01')

beforeAll(() => {
  areas = generateBoundaries(SEED)
  const s = sampleForIncidents({ seed: SEED, count: 40_000 })
  for (const a of s.observe(generateAddresses(areas, { seed: SEED, count: 40_000 }))) void a
  sample = s.addresses()
  const tap = tapRecentIncidents(END)
  incidents = [...tap.observe(generateIncidents(sample, { seed: SEED, count: 20_000, end: END }))]
  incidents.push(...tap.observe(plantWarningPatterns(sample, { seed: SEED, end: END })))
  fv = generateFullView(sample, areas, tap.recent, OPTS)
  allIncidents = [...incidents, ...fv.incidents]
}, 120_000)

describe('the full view demo data', () => {
  it('is deterministic from the seed and the end', () => {
    const tap = tapRecentIncidents(END)
    for (const i of tap.observe(incidents)) void i
    expect(generateFullView(sample, areas, tap.recent, OPTS)).toEqual(fv)
  })

  it('has houses of every use, 1–6 rooms, and residents with valid ID numbers and pseudonymous ids', () => {
    expect(fv.houses).toHaveLength(OPTS.houses)
    const uses = new Map<string, number>()
    for (const h of fv.houses) uses.set(h.use, (uses.get(h.use) ?? 0) + 1)
    expect(uses.get('self_occupied')! > uses.get('rented')!).toBe(true)
    expect(uses.get('rented')! > uses.get('vacant')!).toBe(true)
    expect(uses.get('commercial')).toBeGreaterThan(0)
    expect(fv.houses.every((h) => h.rooms >= 1 && h.rooms <= 6)).toBe(true)
    expect(fv.houses.some((h) => h.groupRental)).toBe(true)
    expect(fv.residents.length).toBeGreaterThan(OPTS.houses * 2)
    for (const r of fv.residents.slice(0, 2_000)) {
      expect(r.idNumber).toMatch(/^\d{17}[\dX]$/)
      expect(idCheckDigit(r.idNumber.slice(0, 17))).toBe(r.idNumber[17])
      expect(r.phone).toMatch(/^1[3-9]\d{9}$/)
      expect(r.name).toMatch(/^\p{Script=Han}{2,3}$/u)
      expect(r.personId).toMatch(/^RK[0-9A-Z]{10}$/)
    }
    expect(new Set(fv.residents.map((r) => r.personId)).size).toBe(fv.residents.length)
    const migrants = currentResidents().filter((r) => r.residence === 'migrant')
    expect(migrants.length / currentResidents().length).toBeGreaterThan(0.3)
    expect(currentResidents().some((r) => r.keyCategories.length > 0 && r.keyCategories[0] !== 'community_correction')).toBe(true)
  })

  it('group rental: exactly the 3 planted houses have 12–16 current migrants in 3 rooms; every other house ≤ 5', () => {
    const byHouse = new Map<string, number>()
    for (const r of currentResidents()) byHouse.set(r.houseId, (byHouse.get(r.houseId) ?? 0) + 1)
    const crowded = fv.houses.filter((h) => (byHouse.get(h.houseId) ?? 0) >= 6).map((h) => h.houseId)
    expect(crowded.sort()).toEqual([...fv.patterns.groupRentalHouses].sort())
    expect(crowded).toHaveLength(3)
    for (const id of crowded) {
      const h = fv.houses.find((x) => x.houseId === id)!
      expect(h.use).toBe('rented')
      expect(h.rooms).toBe(3)
      const people = currentResidents().filter((r) => r.houseId === id)
      expect(people.length).toBeGreaterThanOrEqual(12)
      expect(people.length).toBeLessThanOrEqual(16)
      expect(people.every((r) => r.residence === 'migrant')).toBe(true)
    }
  })

  it('registration (纳管率): the district at 97–99 %, every village ≥ 98 % but the planted ~80 % and ~93 %', () => {
    const byVillage = new Map<string, { m: number; ok: number }>()
    for (const r of currentResidents()) {
      if (r.residence !== 'migrant') continue
      const v = byVillage.get(r.place.villageCode) ?? { m: 0, ok: 0 }
      v.m++
      if (isRegistered(r, END)) v.ok++
      byVillage.set(r.place.villageCode, v)
    }
    const total = [...byVillage.values()].reduce((s, v) => ({ m: s.m + v.m, ok: s.ok + v.ok }), { m: 0, ok: 0 })
    expect(total.ok / total.m).toBeGreaterThanOrEqual(0.97)
    expect(total.ok / total.m).toBeLessThanOrEqual(0.99)
    const [low, mid] = fv.patterns.registrationGapVillages
    expect(low && mid).toBeTruthy()
    const rate = (code: string) => byVillage.get(code)!.ok / byVillage.get(code)!.m
    expect(rate(low!.villageCode)).toBeLessThan(0.9)
    expect(rate(low!.villageCode)).toBeGreaterThan(0.75)
    expect(rate(mid!.villageCode)).toBeGreaterThanOrEqual(0.9)
    expect(rate(mid!.villageCode)).toBeLessThan(0.95)
    const warned = [...byVillage.entries()].filter(([, v]) => v.m >= 20 && v.ok / v.m < 0.98).map(([c]) => c)
    expect(warned.sort()).toEqual([low!.villageCode, mid!.villageCode].sort())
    // Expired registrations are there too (not only missing ones).
    expect(currentResidents().some((r) => r.residence === 'migrant' && r.registeredOn !== null && !isRegistered(r, END))).toBe(true)
  })

  it('key persons: the planted two have 3 and 1 incidents within 50 m in the last 7 days; every other none', () => {
    const recent = allIncidents.filter((i) => i.reportedAt < END && i.reportedAt.getTime() >= END.getTime() - 7 * DAY)
    const near = (r: { place: { lng: number; lat: number } }) =>
      recent.filter((i) => metres([i.lng, i.lat], [r.place.lng, r.place.lat]) <= 50).map((i) => i.incidentId)
    const keyPersons = currentResidents().filter((r) => r.keyCategories.length > 0)
    expect(keyPersons.length).toBeGreaterThan(5)
    const found = keyPersons.filter((r) => near(r).length > 0).map((r) => ({ personId: r.personId, n: near(r).length }))
    expect(found.sort((a, b) => b.n - a.n)).toEqual(fv.patterns.keyPersons.map((k) => ({ personId: k.personId, n: k.incidents.length })))
    expect(fv.patterns.keyPersons.map((k) => k.incidents.length)).toEqual([3, 1])
  })

  it('self-checks: on time and passing, but for the planted 40 and 10 days overdue and a 3-failure streak', () => {
    const overdue = new Map<string, number>()
    const streaks: string[] = []
    for (const o of fv.organisations) {
      if (o.selfCheckEveryDays === null) {
        expect(o.selfChecks).toHaveLength(0)
        continue
      }
      // Calendar days (Asia/Shanghai) from the day the next check fell due to the as-of's day.
      const due = addDays(shanghaiDay(o.selfChecks.at(-1)!.checkedAt), o.selfCheckEveryDays)
      overdue.set(o.orgId, daysBetween(due, shanghaiDay(END)))
      const tail = o.selfChecks.slice(-3)
      if (tail.length === 3 && tail.every((c) => c.failedItems.length > 0)) streaks.push(o.orgId)
    }
    const late = [...overdue.entries()].filter(([, d]) => d >= 1)
    const { overdue40, overdue10, failStreak } = fv.patterns.selfChecks
    expect(Object.fromEntries(late)).toEqual({ [overdue40!]: 40, [overdue10!]: 10 })
    expect(streaks).toEqual([failStreak])
    const withDuty = fv.organisations.filter((o) => o.selfCheckEveryDays !== null)
    expect(withDuty.length / fv.organisations.length).toBeGreaterThan(0.5)
    const checks = withDuty.flatMap((o) => o.selfChecks)
    expect(checks.filter((c) => c.failedItems.length === 0).length / checks.length).toBeGreaterThan(0.9)
  })

  it('gas cylinders: only the planted point gets deliveries away from the customer (8 from 3 cylinders); only the planted cylinder is filled too often', () => {
    const since = END.getTime() - 90 * DAY
    const away = new Map<string, { n: number; cylinders: Set<string> }>()
    const fast: string[] = []
    for (const d of fv.devices.filter((x) => x.kind === 'gas_cylinder')) {
      expect(d.orgRef !== null || d.houseRef !== null).toBe(true)
      for (const e of d.events) {
        if (e.kind !== 'delivery' || e.at.getTime() < since) continue
        if (metres([e.place!.lng, e.place!.lat], [d.place.lng, d.place.lat]) <= 100) continue
        const p = away.get(e.place!.addressId) ?? { n: 0, cylinders: new Set() }
        p.n++
        p.cylinders.add(d.deviceId)
        away.set(e.place!.addressId, p)
      }
      const fills = d.events.filter((e) => e.kind === 'filling' && e.at.getTime() >= since).map((e) => e.at.getTime())
      if (fills.length >= 3) {
        const gaps = fills
          .slice(1)
          .map((t, i) => (t - fills[i]!) / DAY)
          .sort((a, b) => a - b)
        const median = gaps[Math.floor(gaps.length / 2)]!
        if (median < 0.5 * d.expectedRefillDays!) fast.push(d.deviceId)
      }
    }
    expect([...away.keys()]).toEqual([fv.patterns.gas.point])
    const point = away.get(fv.patterns.gas.point!)!
    expect(point.n).toBe(8)
    expect([...point.cylinders].sort()).toEqual([...fv.patterns.gas.pointCylinders].sort())
    expect(fast).toEqual([fv.patterns.gas.fastCylinder])
    const kinds = new Set(fv.devices.map((d) => d.kind))
    expect([...kinds].sort()).toEqual(['ebike_charger', 'gas_alarm', 'gas_cylinder', 'smoke_detector'])
  })

  it('disputes: ~99 % mediation success; the only chains with a failed mediation are the planted 4 and 2', () => {
    const concluded = fv.disputes.filter((d) => d.status === 'resolved' || d.status === 'failed')
    const success = concluded.filter((d) => d.status === 'resolved').length / concluded.length
    expect(success).toBeGreaterThan(0.97)
    expect(success).toBeLessThan(1)
    expect(fv.disputes.some((d) => d.judicialConfirmation && d.status === 'resolved')).toBe(true)
    expect(fv.disputes.some((d) => d.incidentIds.length > 0)).toBe(true)
    const ids = new Set(incidents.map((i) => i.incidentId))
    expect(fv.disputes.flatMap((d) => d.incidentIds).every((id) => ids.has(id))).toBe(true)
    // Chains by parties, else by address, over the last 365 days.
    const since = END.getTime() - 365 * DAY
    const groups = new Map<string, typeof fv.disputes>()
    for (const d of fv.disputes.filter((x) => x.reportedAt.getTime() >= since)) {
      for (const key of [`p:${d.partyKey}`, `a:${d.place.addressId}`]) groups.set(key, [...(groups.get(key) ?? []), d])
    }
    const chains = [...groups.entries()].filter(
      ([, ds]) =>
        ds.length >= 2 &&
        ds.some((d) => d.status === 'failed') &&
        Math.max(...ds.map((d) => d.reportedAt.getTime())) >= END.getTime() - 90 * DAY,
    )
    const planted = fv.patterns.disputeChains
    expect(chains.map(([k, ds]) => [k, ds.length]).sort()).toEqual(
      planted
        .flatMap((c) => [
          [`a:${c.addressId}`, c.caseIds.length],
          [`p:${c.partyKey}`, c.caseIds.length],
        ])
        .sort(),
    )
    expect(planted.map((c) => c.caseIds.length)).toEqual([4, 2])
    const four = planted[0]!.caseIds.map((id) => fv.disputes.find((d) => d.caseId === id)!)
    expect(four.map((d) => d.status)).toEqual(['resolved', 'failed', 'resolved', 'mediating'])
    // Steps are in time order and end before the as-of.
    for (const d of fv.disputes) {
      expect(d.steps[0]!.action).toBe('registered')
      expect(d.steps.every((s, i) => s.at < END && (i === 0 || s.at >= d.steps[i - 1]!.at))).toBe(true)
    }
  })

  it('ODR mediation succeeds ~64 % of the time, the district ~99 %', () => {
    const tap = tapRecentIncidents(END)
    const many = generateFullView(sample, areas, tap.recent, { seed: 'odr', end: END, houses: 0, organisations: 0, disputes: 8_000 })
    const rate = (ds: typeof many.disputes) =>
      ds.filter((d) => d.status === 'resolved').length / ds.filter((d) => d.status === 'resolved' || d.status === 'failed').length
    expect(rate(many.disputes.filter((d) => d.level === 'odr'))).toBeGreaterThan(0.5)
    expect(rate(many.disputes.filter((d) => d.level === 'odr'))).toBeLessThan(0.78)
    expect(rate(many.disputes)).toBeGreaterThan(0.98)
  })

  it('patrols: every grid covered at least every 5 days, but the planted two (30 and 10 days) whose incidents rise', () => {
    const grids = areas.filter((a) => a.level === 'grid').map((a) => a.code)
    const times = new Map<string, number[]>()
    for (const p of fv.patrols) {
      expect(p.track.length).toBeGreaterThanOrEqual(2)
      expect(p.endedAt < END && p.startedAt <= p.endedAt).toBe(true)
      for (const g of p.gridCodes) times.set(g, [...(times.get(g) ?? []), p.startedAt.getTime()])
    }
    const planted = new Map(fv.patterns.patrolGaps.map((g) => [g.gridCode, g.daysUnpatrolled]))
    expect([...planted.values()]).toEqual([30, 10])
    for (const g of grids) {
      const ts = (times.get(g) ?? []).sort((a, b) => a - b)
      const sinceLast = (END.getTime() - ts.at(-1)!) / DAY
      const days = planted.get(g)
      if (days !== undefined) {
        expect(Math.floor(sinceLast)).toBe(days)
        continue
      }
      expect(sinceLast).toBeLessThan(5)
      for (let i = 1; i < ts.length; i++) expect((ts[i]! - ts[i - 1]!) / DAY).toBeLessThan(5)
      expect(ts[0]!).toBeLessThan(END.getTime() - 30 * DAY)
    }
    for (const [g, days] of planted) {
      const age = (i: IncidentRow) => (END.getTime() - i.reportedAt.getTime()) / DAY
      const inGrid = allIncidents.filter((i) => i.gridCode === g)
      const last = inGrid.filter((i) => age(i) > 0 && age(i) <= 14).length
      const prev = inGrid.filter((i) => age(i) > 14 && age(i) <= 28).length
      expect(last).toBeGreaterThanOrEqual(5)
      expect(last).toBeGreaterThanOrEqual((days === 30 ? 2 : 1.5) * prev)
    }
  })

  it('plants incidents through the incident rows, with ids of their own', () => {
    expect(fv.incidents.every((i) => /^WF\d{4}$/.test(i.incidentId) && i.source === 'demo-patterns' && i.reportedAt < END)).toBe(true)
    const ids = new Set(incidents.map((i) => i.incidentId))
    expect(fv.incidents.some((i) => ids.has(i.incidentId))).toBe(false)
  })
})

describe('ID numbers', () => {
  it('computes the GB 11643 check character', () => {
    expect(idCheckDigit('11010519491231002')).toBe('X')
  })
})
