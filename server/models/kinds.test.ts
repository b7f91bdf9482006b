/**
 * Each detector on generated data (seeded, fixed clocks): the planted pattern is found, the
 * planted noise is not.
 */
import { gridDisk, latLngToCell } from 'h3-js'
import { describe, expect, it } from 'vitest'

import { createRng, poisson } from '../seed/rng.ts'
import { addDays } from '../shared/time.ts'
import { BUILTIN_MODELS } from './builtins.ts'
import type { AddressCounts, IncidentPoint, UnitDayCount } from './data.ts'
import type { DefinitionOf, ModelKind } from './definition.ts'
import { ModelDefinitionSchema } from './definition.ts'
import { disputeFindings, repeatAddressFindings } from './kinds/address.ts'
import { concentrationFindings } from './kinds/concentration.ts'
import { emergingFindings, weeklySlices } from './kinds/emerging.ts'
import { hotSpotFindings } from './kinds/hotspot.ts'
import { nearRepeatFindings } from './kinds/near-repeat.ts'
import { overdueFindings } from './kinds/overdue.ts'
import { surgeFindings, surgeStats } from './kinds/surge.ts'

const builtin = <K extends ModelKind>(id: string, kind: K): DefinitionOf<K> => {
  const d = BUILTIN_MODELS.find((m) => m.id === id)!
  expect(d.kind).toBe(kind)
  return d as DefinitionOf<K>
}
const END = '2026-11-01'
const AS_OF = new Date('2026-11-01T00:00:00+08:00')
const CENTRE = latLngToCell(30.17, 120.27, 8)

describe('surge', () => {
  it('finds the grid whose last week is far above its 8-week baseline, and no noise grid', () => {
    const rng = createRng('surge-test')
    const rows: UnitDayCount[] = []
    for (let u = 0; u < 300; u++) {
      const unit = `g${String(u).padStart(3, '0')}`
      for (let back = 1; back <= 63; back++) {
        let n = poisson(rng, 0.4)
        if (unit === 'g042' && back <= 7) n += 2 // planted: +14 in the last week
        if (n > 0) rows.push({ unit, day: addDays(END, -back), n })
      }
    }
    const def = builtin('surge', 'surge')
    const stats = surgeStats(rows, END, 7, 8, def.params.minExpected)
    const found = surgeFindings(def, stats, new Map([['g042', '某网格']]))
    expect(found.map((f) => f.subject)).toEqual(['grid:g042'])
    expect(found[0]!.level).toBe('red')
    expect(found[0]!.explanation).toMatch(/^近7日 \d+ 起，前8周同期均值 \d+(\.\d)? 起，泊松超越概率 (<0\.0001|0\.\d{4})（FDR校正后/)
  })

  it('compares the same weekdays: a 3-day window takes the same 3 weekdays of earlier weeks', () => {
    const rows: UnitDayCount[] = [
      { unit: 'a', day: addDays(END, -1), n: 5 },
      { unit: 'a', day: addDays(END, -8), n: 7 }, // same weekday one week back: baseline
      { unit: 'a', day: addDays(END, -12), n: 100 }, // another weekday: ignored
    ]
    const [s] = surgeStats(rows, END, 3, 1, 0.5)
    expect(s).toMatchObject({ observed: 5, expected: 7 })
  })
})

describe('hot spot', () => {
  it('flags the planted cluster red and leaves uniform noise alone', () => {
    const rng = createRng('hotspot-test')
    const study = gridDisk(CENTRE, 10).sort()
    const counts = new Map<string, number>()
    for (const c of study) counts.set(c, poisson(rng, 1))
    for (const c of gridDisk(CENTRE, 1)) counts.set(c, (counts.get(c) ?? 0) + 8)
    // The built-in wants 25 incidents of a cell's own over 24 weeks; this cluster is a 4-week one.
    const def = { ...builtin('hotspot', 'hotspot'), params: { ...builtin('hotspot', 'hotspot').params, minCount: 5 } }
    const found = hotSpotFindings(def, counts, study)
    expect(found.find((f) => f.subject === `h3:${CENTRE}`)?.level).toBe('red')
    // Nothing far from the cluster.
    for (const f of found) expect(gridDisk(CENTRE, 2)).toContain(f.subject.slice(3))

    const noise = new Map(study.map((c) => [c, poisson(rng, 1)] as const))
    expect(hotSpotFindings(def, noise, study)).toEqual([])
  })
})

describe('emerging hot spot', () => {
  it('calls a cell that turned hot in the last week new (red) and a long-hot one persistent (orange)', () => {
    const rng = createRng('emerging-test')
    const study = gridDisk(CENTRE, 8).sort()
    const persistent = gridDisk(CENTRE, 8).filter((c) => !gridDisk(CENTRE, 4).includes(c))[0]!
    const rows: UnitDayCount[] = []
    for (let back = 1; back <= 84; back++) {
      for (const c of study) {
        let n = poisson(rng, 0.15)
        if (c === CENTRE && back <= 7) n += 4
        if (gridDisk(persistent, 1).includes(c)) n += 2
        if (n > 0) rows.push({ unit: c, day: addDays(END, -back), n })
      }
    }
    const slices = weeklySlices(rows, END, 12)
    expect(slices).toHaveLength(12)
    const found = emergingFindings(builtin('emerging', 'emerging'), slices, study)
    const centre = found.find((f) => f.subject === `h3:${CENTRE}`)
    expect(centre).toMatchObject({ level: 'red', metrics: { pattern: 'new_hot' } })
    const pers = found.find((f) => f.subject === `h3:${persistent}`)
    expect(pers).toMatchObject({ level: 'orange', metrics: { pattern: 'persistent_hot' } })
    // Noise far from both stays quiet.
    const near = new Set([...gridDisk(CENTRE, 1), ...gridDisk(persistent, 2)])
    expect(found.filter((f) => !near.has(f.subject.slice(3)))).toEqual([])
  })
})

describe('near-repeat', () => {
  /** Random burglaries over a year in a ~6 km box, plus near-repeat series (within 150 m, 6 days). */
  function events(seed: string, series: number, activeSeries: boolean): IncidentPoint[] {
    const rng = createRng(seed)
    const out: IncidentPoint[] = []
    let id = 0
    const at = (days: number, lng: number, lat: number) =>
      out.push({ id: String(++id), t: new Date(AS_OF.getTime() - days * 86_400_000), category: '0101', lng, lat })
    for (let i = 0; i < 600; i++) at(1 + rng() * 364, 120.24 + rng() * 0.06, 30.14 + rng() * 0.06)
    for (let s = 0; s < series; s++) {
      const t = 20 + rng() * 330
      const lng = 120.24 + rng() * 0.06
      const lat = 30.14 + rng() * 0.06
      for (let k = 0; k < 3; k++) at(t - k * 2, lng + (rng() - 0.5) * 0.001, lat + (rng() - 0.5) * 0.001)
    }
    if (activeSeries) [6, 5, 4, 2, 1].forEach((d, k) => at(d - 0.5, 120.3 + k * 0.0003, 30.2))
    return out.sort((a, b) => a.t.getTime() - b.t.getTime())
  }

  it('flags the active series of 5 as a red zone when the Knox test is significant', () => {
    const def = builtin('near-repeat', 'near_repeat')
    const { findings, knox } = nearRepeatFindings(def, events('nr', 40, true), AS_OF, '入室盗窃')
    expect(knox.p).toBeLessThanOrEqual(0.05)
    const five = findings.filter((f) => f.metrics.events === 5)
    expect(five).toHaveLength(1)
    expect(five[0]!.level).toBe('red')
    expect(five[0]!.explanation).toMatch(/Knox 检验/)
  })

  it('flags nothing on random burglaries (no near-repeat phenomenon)', () => {
    const def = builtin('near-repeat', 'near_repeat')
    const { findings, knox } = nearRepeatFindings(def, events('nr-noise', 0, false), AS_OF, '入室盗窃')
    expect(knox.p).toBeGreaterThan(0.05)
    expect(findings).toEqual([])
  })
})

describe('category concentration', () => {
  it('flags the village with ten times the district rate, not the others', () => {
    const rng = createRng('conc-test')
    const areas = Array.from({ length: 120 }, (_, i) => ({
      code: `v${String(i).padStart(3, '0')}`,
      name: `村${i}`,
      population: 3000 + Math.floor(rng() * 5000),
    }))
    const counts = new Map<string, number>()
    for (const a of areas) counts.set(a.code, poisson(rng, (a.population * (a.code === 'v007' ? 20 : 2)) / 10_000))
    const { findings } = concentrationFindings(builtin('concentration-fraud', 'concentration'), counts, areas, '电信网络诈骗')
    expect(findings.map((f) => f.subject)).toEqual(['village:v007'])
    expect(findings[0]!.explanation).toMatch(/每万人 .* 起，全区每万人 .* 起（.*倍），泊松超越概率/)
  })
})

const address = (id: string, n: number, byCategory: Record<string, number>, extra = 0): AddressCounts => ({
  addressId: id,
  address: `测试地址${id}`,
  lng: 120.27,
  lat: 30.17,
  n,
  byCategory,
  extra,
  first: new Date('2026-10-10T02:00:00Z'),
  last: new Date('2026-10-30T02:00:00Z'),
})

describe('address models', () => {
  it('repeat address: levels by count, below yellow nothing', () => {
    const def = builtin('repeat-address', 'repeat_address')
    const found = repeatAddressFindings(
      def,
      [address('A', 8, { '0402': 8 }), address('B', 6, { '0105': 6 }), address('C', 3, { '0105': 3 })],
      new Map([['0402', '邻里纠纷']]),
    )
    expect(found.map((f) => [f.subject, f.level])).toEqual([
      ['address:A', 'red'],
      ['address:B', 'orange'],
    ])
    expect(found[0]!.explanation).toBe('近30日同一地址 8 起（邻里纠纷 8 起），10月10日至10月30日')
  })

  it('dispute escalation: a fight at the address raises the level one step', () => {
    const def = builtin('dispute-escalation', 'dispute_escalation')
    const found = disputeFindings(
      def,
      [address('A', 3, { '0401': 3 }), address('B', 3, { '0402': 3 }, 1), address('C', 2, { '0402': 2 })],
      new Map(),
    )
    expect(found.map((f) => [f.subject, f.level])).toEqual([
      ['address:A', 'yellow'],
      ['address:B', 'orange'],
    ])
  })
})

describe('overdue', () => {
  it('levels overdue hazards and tasks by days; a major hazard is red', () => {
    const def = builtin('overdue', 'overdue')
    const h = {
      hazardId: 'H1',
      category: 'fire',
      status: 'rectifying',
      responsibleParty: null,
      townCode: '1',
      villageCode: '2',
      gridCode: '3',
      microgridCode: null,
      h3r9: null,
      lng: 120.2,
      lat: 30.1,
    } as const
    const found = overdueFindings(
      def,
      [
        { ...h, id: 1, severity: 'general', dueDate: '2026-10-20', daysOverdue: 12 },
        { ...h, id: 2, severity: 'major', dueDate: '2026-10-30', daysOverdue: 2 },
      ],
      [
        {
          id: 5,
          title: '清理楼道',
          status: 'accepted',
          source: 'manual',
          warningId: null,
          hazardId: null,
          areaCode: '3',
          townCode: '1',
          villageCode: '2',
          gridCode: '3',
          assigneeTeam: '网格组',
          dueDate: '2026-09-01',
          daysOverdue: 61,
          lng: 120.2,
          lat: 30.1,
        },
      ],
    )
    expect(found.map((f) => [f.subject, f.level])).toEqual([
      ['hazard:1', 'orange'],
      ['hazard:2', 'red'],
      ['task:5', 'red'],
    ])
  })
})

describe('definitions', () => {
  it('every built-in is valid and round-trips through the schema unchanged', () => {
    for (const d of BUILTIN_MODELS) expect(ModelDefinitionSchema.parse(JSON.parse(JSON.stringify(d)))).toEqual(d)
  })

  it('rejects thresholds in the wrong order, naming the field', () => {
    const bad = ModelDefinitionSchema.safeParse({ ...builtin('surge', 'surge'), thresholds: { red: 0.05, orange: 0.01, yellow: 0.1 } })
    expect(bad.success).toBe(false)
    expect(bad.error!.issues[0]!.path).toEqual(['thresholds', 'red'])
    const em = ModelDefinitionSchema.safeParse({
      ...builtin('emerging', 'emerging'),
      thresholds: { red: ['new'], orange: ['new'], yellow: [] },
    })
    expect(em.success).toBe(false)
  })

  it('fills defaults from a minimal definition', () => {
    const d = ModelDefinitionSchema.parse({ id: 'my-surge', kind: 'surge', name: { zh: '测试', en: 'Test' } })
    expect(d).toMatchObject({
      unit: { kind: 'area', level: 'grid' },
      window: { days: 7 },
      baseline: { weeks: 8 },
      thresholds: { red: 0.0001 },
    })
  })
})
