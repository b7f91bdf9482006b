import { readFileSync } from 'node:fs'

import { beforeAll, describe, expect, it } from 'vitest'

import type { AddressRow } from '../addresses/schema.ts'
import { generateAddresses, sampleForIncidents } from './addresses.ts'
import { generateBoundaries } from './boundaries.ts'
import { CATEGORY_PROFILES, generateIncidents, type IncidentPlan, planIncidents } from './incidents.ts'
import { createRng, shuffle } from './rng.ts'
import type { IncidentRow } from './types.ts'

const END = new Date('2026-03-01T00:00:00+08:00')
const START = new Date('2024-03-01T00:00:00+08:00')
const COUNT = 50_000
const DAY = 86_400_000
const OPTS = { seed: 'inc-test', count: COUNT, end: END }
const catalogue = [
  ...readFileSync(new URL('../../migrations/002_categories.sql', import.meta.url), 'utf8').matchAll(/\('(\d{4})', '\d{2}', 2,/g),
].map((m) => m[1]!)

let sample: AddressRow[] = []
let rows: IncidentRow[] = []
let plan: IncidentPlan
const localHour = (d: Date) => (d.getUTCHours() + 8) % 24
const localDow = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).getUTCDay() // 0 = Sunday
const count = (pred: (r: IncidentRow) => boolean) => rows.filter(pred).length

beforeAll(() => {
  // An urban street, a street with villages, a rural town and an industrial town.
  const areas = generateBoundaries('inc-test', { towns: ['330109001', '330109004', '330109105', '330109108'] })
  const s = sampleForIncidents({ seed: 'inc-test', count: 80_000, max: 40_000 })
  for (const _ of s.observe(generateAddresses(areas, { seed: 'inc-test', count: 80_000 }))) {
    // drain: the loader would write these rows
  }
  sample = s.addresses()
  plan = planIncidents(sample, OPTS)
  rows = [...generateIncidents(sample, OPTS)]
}, 120_000)

describe('generateIncidents: volume, ids, catalogue', () => {
  it('keeps a bounded, even address sample', () => {
    expect(sample).toHaveLength(40_000)
  })

  it('generates about count incidents in [end − 2 years, end), in time order, with unique dated ids', () => {
    expect(Math.abs(rows.length / COUNT - 1)).toBeLessThan(0.05)
    const bad: string[] = []
    let last = 0
    const ids = new Set<string>()
    for (const r of rows) {
      const t = r.reportedAt.getTime()
      if (t < START.getTime() || t >= END.getTime() || t < last) bad.push(`time ${r.incidentId}`)
      last = t
      const ymd = new Date(t + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '')
      if (!new RegExp(`^JQ${ymd}\\d{5}$`).test(r.incidentId)) bad.push(`id ${r.incidentId}`)
      ids.add(r.incidentId)
    }
    expect(bad).toEqual([])
    expect(ids.size).toBe(rows.length)
  })

  it('uses exactly the level-2 codes of the category catalogue, public order and traffic largest', () => {
    expect(catalogue).toHaveLength(26)
    expect(CATEGORY_PROFILES.map((c) => c.code).sort()).toEqual([...catalogue].sort())
    expect(CATEGORY_PROFILES.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 6)
    const codes = new Set(catalogue)
    expect(rows.filter((r) => !codes.has(r.categoryCode))).toEqual([])
    expect(new Set(rows.map((r) => r.categoryCode)).size).toBe(26)
    const byGroup = new Map<string, number>()
    for (const r of rows) byGroup.set(r.categoryCode.slice(0, 2), (byGroup.get(r.categoryCode.slice(0, 2)) ?? 0) + 1)
    const ranked = [...byGroup.entries()].sort((a, b) => b[1] - a[1]).map(([g]) => g)
    expect(ranked.slice(0, 2).sort()).toEqual(['01', '02'])
  })

  it('places each incident at its true address, with its area codes', () => {
    const byId = new Map(sample.map((a) => [a.addressId, a]))
    const bad = rows.filter((r) => {
      const a = byId.get(r.truthAddressId)
      return (
        !a ||
        a.lng !== r.lng ||
        a.lat !== r.lat ||
        a.microgridCode !== r.microgridCode ||
        a.gridCode !== r.gridCode ||
        a.villageCode !== r.villageCode ||
        a.townCode !== r.townCode
      )
    })
    expect(bad).toEqual([])
  })

  it('closes old incidents and leaves some recent ones open', () => {
    expect(count((r) => r.status === 'open' && END.getTime() - r.reportedAt.getTime() > 30 * DAY)).toBe(0)
    expect(count((r) => r.status === 'open')).toBeGreaterThan(20)
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['110', '119', '122', '12345', '96110', '网格上报', '自查']))
    expect(rows.every((r) => r.description.length >= 6)).toBe(true)
  })
})

describe('generateIncidents: time structure', () => {
  it('has a daily cycle: night lows, evening peaks, category-specific', () => {
    const byHour = (pred: (r: IncidentRow) => boolean) => {
      const h = new Array<number>(24).fill(0)
      for (const r of rows) if (pred(r)) h[localHour(r.reportedAt)]!++
      return h
    }
    const all = byHour(() => true)
    expect(all[3]! / all[20]!).toBeLessThan(0.2)
    const burglary = byHour((r) => r.categoryCode === '0101')
    const fights = byHour((r) => r.categoryCode === '0104')
    const sum = (h: number[], hours: number[]) => hours.reduce((s, i) => s + h[i]!, 0)
    expect(sum(burglary, [9, 10, 11, 14, 15])).toBeGreaterThan(2 * sum(burglary, [0, 1, 2, 3, 4]))
    expect(sum(fights, [20, 21, 22, 23, 0])).toBeGreaterThan(2 * sum(fights, [8, 9, 10, 11, 12]))
  })

  it('has a weekly cycle: traffic on weekdays, fights at weekends', () => {
    const perDay = (pred: (r: IncidentRow) => boolean, days: number[]) =>
      count((r) => pred(r) && days.includes(localDow(r.reportedAt))) / days.length
    const traffic = (r: IncidentRow) => r.categoryCode.startsWith('02') && r.categoryCode !== '0205'
    expect(perDay(traffic, [1, 2, 3, 4, 5])).toBeGreaterThan(1.2 * perDay(traffic, [0, 6]))
    const fights = (r: IncidentRow) => r.categoryCode === '0104'
    expect(perDay(fights, [5, 6])).toBeGreaterThan(1.15 * perDay(fights, [1, 2, 3]))
  })

  it('has seasons: e-bike charging fires in summer, labour disputes before the Spring Festival', () => {
    const inMonths = (code: string, months: number[]) =>
      count((r) => r.categoryCode === code && months.includes(new Date(r.reportedAt.getTime() + 8 * 3_600_000).getUTCMonth()))
    expect(inMonths('0303', [6, 7])).toBeGreaterThan(2 * inMonths('0303', [0, 1]))
    expect(inMonths('0403', [11, 0])).toBeGreaterThan(1.8 * inMonths('0403', [3, 4]))
  })

  it('has year-on-year trends: fraud down, e-bike accidents up', () => {
    // A larger streamed run: at 50 k a category's yearly totals still carry ±3 % Poisson noise.
    const mid = END.getTime() - 365 * DAY
    const tally = { fraud: [0, 0], ebike: [0, 0] }
    for (const r of generateIncidents(sample, { ...OPTS, count: 200_000 })) {
      const k = r.reportedAt.getTime() >= mid ? 1 : 0
      if (r.categoryCode.startsWith('05')) tally.fraud[k]!++
      if (r.categoryCode === '0203') tally.ebike[k]!++
    }
    expect(tally.fraud[1]! / tally.fraud[0]!).toBeLessThan(0.92)
    expect(tally.ebike[1]! / tally.ebike[0]!).toBeGreaterThan(1.03)
  }, 60_000)
})

describe('generateIncidents: spatial structure', () => {
  const inSpot = (a: AddressRow, key: string, unit: string) => {
    if (unit === 'village') return a.villageCode === key
    if (unit === 'compound') return `${a.townCode}|${a.compound}` === key
    return a.compound === null && `${a.townCode}|${a.road}` === key
  }

  it('plants persistent hot spots far above the base rate', () => {
    const persistent = plan.hotSpots.filter((h) => h.kind === 'persistent')
    expect(persistent.length).toBeGreaterThanOrEqual(6)
    const base = rows.length / sample.length
    for (const h of persistent) {
      const cats = new Set(Object.keys(h.categories))
      const members = new Set(sample.filter((a) => inSpot(a, h.key, h.unit)).map((a) => a.addressId))
      const hits = count((r) => cats.has(r.categoryCode) && members.has(r.truthAddressId))
      const expectedBase = members.size * base * CATEGORY_PROFILES.filter((c) => cats.has(c.code)).reduce((s, c) => s + c.share, 0)
      // Whole villages dilute the uplift over many addresses; compounds and streets are sharper.
      expect(hits / expectedBase, h.label).toBeGreaterThan(h.unit === 'village' ? 2.5 : 4)
    }
  })

  it('plants emerging hot spots whose rate rises in the last months', () => {
    const emerging = plan.hotSpots.filter((h) => h.kind === 'emerging')
    expect(emerging.length).toBeGreaterThanOrEqual(3)
    for (const h of emerging) {
      const ids = new Set(sample.filter((a) => inSpot(a, h.key, h.unit)).map((a) => a.addressId))
      const cats = new Set(Object.keys(h.categories))
      const window = (fromDays: number, toDays: number) =>
        count(
          (r) =>
            cats.has(r.categoryCode) &&
            ids.has(r.truthAddressId) &&
            r.reportedAt.getTime() >= END.getTime() - fromDays * DAY &&
            r.reportedAt.getTime() < END.getTime() - toDays * DAY,
        )
      expect(window(60, 0), h.label).toBeGreaterThan(2.5 * Math.max(1, window(420, 360)))
    }
  })

  it('has repeat addresses, mostly disputes and noise', () => {
    const byAddress = new Map<string, IncidentRow[]>()
    for (const r of rows) {
      const list = byAddress.get(r.truthAddressId)
      if (list) list.push(r)
      else byAddress.set(r.truthAddressId, [r])
    }
    const repeat = [...byAddress.values()].filter((list) => list.length >= 10)
    expect(repeat.length).toBeGreaterThanOrEqual(15)
    const disputeLike = repeat.filter(
      (list) => list.filter((r) => r.categoryCode.startsWith('04') || r.categoryCode === '0105').length > list.length / 2,
    )
    expect(disputeLike.length / repeat.length).toBeGreaterThan(0.4)
    // The planned repeat addresses (family/neighbour disputes, noisy bars, debts) do recur.
    expect(plan.repeats.length).toBeGreaterThanOrEqual(40)
    const realised = plan.repeats.filter((p) => (byAddress.get(p.addressId) ?? []).filter((r) => r.categoryCode === p.category).length >= 6)
    expect(realised.length / plan.repeats.length).toBeGreaterThan(0.8)
  })

  it('clusters burglaries in space and time (near-repeat: ≤ 200 m, ≤ 7 days) beyond chance', () => {
    const b = rows.filter((r) => r.categoryCode === '0101')
    const closePairs = (times: number[]) => {
      let n = 0
      for (let i = 0; i < b.length; i++) {
        for (let j = i + 1; j < b.length; j++) {
          if (Math.abs(times[i]! - times[j]!) > 7 * DAY) continue
          const dx = (b[i]!.lng - b[j]!.lng) * 96_388
          const dy = (b[i]!.lat - b[j]!.lat) * 110_854
          if (dx * dx + dy * dy <= 200 * 200) n++
        }
      }
      return n
    }
    const observed = closePairs(b.map((r) => r.reportedAt.getTime()))
    const permuted = closePairs(
      shuffle(
        createRng('knox'),
        b.map((r) => r.reportedAt.getTime()),
      ),
    )
    expect(observed).toBeGreaterThan(1.5 * permuted)
  })
})

describe('generateIncidents: address text and determinism', () => {
  it('reports addresses with realistic noise', () => {
    const share = (re: RegExp) => count((r) => re.test(r.address)) / rows.length
    expect(share(/^浙江省杭州市萧山区/)).toBeGreaterThan(0.1)
    expect(share(/^浙江省杭州市萧山区/)).toBeLessThan(0.5)
    expect(share(/交叉口/)).toBeGreaterThan(0.03)
    expect(share(/[０-９]/)).toBeGreaterThan(0.01)
    expect(share(/附近|门口|旁边|对面|路口|侧\d+米/)).toBeGreaterThan(0.1)
    expect(share(/\d+-\d+-\d+/)).toBeGreaterThan(0.01)
  })

  it('is deterministic per seed and streams lazily', () => {
    const again = generateIncidents(sample, OPTS)
    for (let i = 0; i < 500; i++) expect(again.next().value).toEqual(rows[i])
    const other = generateIncidents(sample, { ...OPTS, seed: 'other' })
    const first = Array.from(
      { length: 50 },
      () => (other.next().value as IncidentRow).incidentId + (other.next().value as IncidentRow).address,
    )
    expect(first).not.toEqual(rows.slice(0, 50).map((r) => r.incidentId + r.address))
    // Lazily: the first rows of a million come without generating the rest (speed: the seed bench).
    const big = generateIncidents(sample, { ...OPTS, count: 1_000_000 })
    for (let i = 0; i < 10; i++) expect(big.next().done).toBe(false)
  })
})
