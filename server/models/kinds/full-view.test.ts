/**
 * The full-view detectors' pure findings functions on small fixtures (the SQL readers and the
 * planted patterns on both databases: server/models/full-view-models.db.test.ts), their
 * definitions' thresholds (checked for order, 400 naming the field), the red cap's ranking and
 * why they have no backtest.
 */
import { describe, expect, it } from 'vitest'

import { backtestPeriodDays, noBacktestReason } from '../backtest.ts'
import { BUILTIN_MODELS } from '../builtins.ts'
import { type DefinitionOf, ModelDefinitionSchema, type ModelKind } from '../definition.ts'
import { capRed } from '../red-cap.ts'
import type { Finding } from '../types.ts'
import { levelBelow } from '../util.ts'
import { chainKey, disputeRecurrenceFindings, type DisputeRow, typeWords } from './dispute-recurrence.ts'
import { type Delivery, deliveryPoint, gasCylinderFindings, median } from './gas-cylinder.ts'
import { groupRentalFindings, type HouseOccupancy } from './group-rental.ts'
import { keyPersonFindings, type NearIncident } from './key-person.ts'
import { patrolGapFindings } from './patrol-gap.ts'
import { registrationGapFindings } from './registration-gap.ts'
import { daysOverdue, selfCheckFindings } from './self-check.ts'

const AS_OF = new Date('2026-11-01T00:00:00+08:00')
const DAY_MS = 86_400_000
const ago = (d: number) => new Date(AS_OF.getTime() - d * DAY_MS)
const builtin = <K extends ModelKind>(kind: K): DefinitionOf<K> => BUILTIN_MODELS.find((m) => m.kind === kind) as DefinitionOf<K>
const placed = { lng: 120.27, lat: 30.17, addressId: null, townCode: 'T', villageCode: 'V', gridCode: 'G' }
const subjects = (fs: readonly Finding[]) => fs.map((f) => [f.subject, f.level])

describe('group rental', () => {
  const h = (houseId: string, occupants: number, rooms: number | null): HouseOccupancy => ({
    ...placed,
    houseId,
    address: `测试路${houseId}号`,
    use: 'rented',
    flagged: false,
    rooms,
    occupants,
    migrants: occupants,
  })
  it('levels persons per room from minOccupants on; no room count is one room', () => {
    const found = groupRentalFindings(builtin('group_rental'), [
      h('1', 12, 3),
      h('2', 9, 3),
      h('3', 6, 3),
      h('4', 7, 4),
      h('5', 5, 1),
      h('6', 6, null),
      h('7', 6, 0),
    ])
    expect(subjects(found)).toEqual([
      ['house:1', 'red'],
      ['house:2', 'orange'],
      ['house:3', 'yellow'],
      ['house:6', 'red'],
      ['house:7', 'red'],
    ])
    expect(found[0]!.explanation).toBe('现住 12 人（其中流动人口 12 人），房间 3 间，每间 4 人（每间 2 人起预警），房屋用途：出租')
  })
})

describe('registration gap', () => {
  const def = builtin('registration_gap')
  it('warns below the rates (red the lowest), not at them, from minMigrants on', () => {
    const v = (villageCode: string, migrants: number, registered: number, expired = 0) => ({ villageCode, migrants, registered, expired })
    const found = registrationGapFindings(
      def,
      [v('a', 50, 40, 4), v('b', 20, 18), v('c', 100, 97), v('d', 19, 1), v('e', 30, 29)],
      [
        { villageCode: 'a', houseId: 'H2', address: '测试路2号', n: 3 },
        { villageCode: 'a', houseId: 'H1', address: '测试路1号', n: 4 },
      ],
      new Map([['a', '某镇某村']]),
    )
    expect(subjects(found)).toEqual([
      ['village:a', 'red'],
      ['village:b', 'orange'],
      ['village:e', 'yellow'],
    ])
    expect(found[0]!.title).toBe('流动人口纳管率偏低：某镇某村')
    expect(found[0]!.explanation).toContain('纳管率 80%')
    expect(found[0]!.explanation).toContain('未登记 6 人，登记已过期 4 人；未纳管人数最多的房屋：测试路1号 4 人、测试路2号 3 人')
  })
  it('checks the order of rate thresholds, naming the field', () => {
    expect(levelBelow(89.9, def.thresholds)).toBe('red')
    const bad = ModelDefinitionSchema.safeParse({ ...def, thresholds: { red: 96, orange: 95, yellow: 97 } })
    expect(bad.success).toBe(false)
    expect(bad.error!.issues[0]!.path).toEqual(['thresholds', 'red'])
    const bad2 = ModelDefinitionSchema.safeParse({ ...def, thresholds: { red: 90, orange: 98, yellow: 97 } })
    expect(bad2.error!.issues[0]!.path).toEqual(['thresholds', 'orange'])
  })
})

describe('dispute recurrence', () => {
  const def = builtin('dispute_recurrence')
  const d = (id: string, daysAgo: number, o: Partial<DisputeRow> = {}): DisputeRow => ({
    ...placed,
    id,
    type: 'neighbour',
    status: 'resolved',
    reportedAt: ago(daysAgo),
    partyKey: 'p1|p2',
    address: '测试村1号',
    failed: false,
    escalations: 0,
    ...o,
  })
  it('chains by parties (hashed), else address; needs a failure and a recent newest; a fight raises it', () => {
    const found = disputeRecurrenceFindings(
      def,
      [
        d('1', 200),
        d('2', 120, { failed: true }),
        d('3', 60),
        d('4', 20, { status: 'mediating' }),
        // the same address without parties: its own chain, with a fight
        d('5', 40, { partyKey: null, addressId: 'A9', failed: true }),
        d('6', 15, { partyKey: null, addressId: 'A9', escalations: 1 }),
        // settled every time
        d('7', 30, { partyKey: 'p3|p4' }),
        d('8', 10, { partyKey: 'p3|p4' }),
        // newest 91 days back
        d('9', 150, { partyKey: 'p5|p6', failed: true }),
        d('10', 91, { partyKey: 'p5|p6' }),
      ],
      AS_OF,
    )
    expect(subjects(found).sort()).toEqual(
      [
        [chainKey({ partyKey: 'p1|p2', addressId: null })!, 'red'],
        ['address:A9', 'orange'],
      ].sort(),
    )
    expect(chainKey({ partyKey: 'p1|p2', addressId: 'A1' })).toMatch(/^parties:[0-9a-f]{16}$/)
    const a = found.find((f) => f.metrics.count === 4)!
    expect(JSON.stringify(a)).not.toContain('p1')
    expect(a.explanation).toContain('同一当事人矛盾纠纷 4 起（邻里纠纷 4 起）')
    expect(typeWords(['debt', 'neighbour', 'neighbour'])).toBe('邻里纠纷 2 起、债务纠纷 1 起')
  })
})

describe('key persons', () => {
  const def = builtin('key_person_incident')
  const i = (residentId: string, incidentId: string, daysAgo: number): NearIncident => ({
    residentId,
    keyCategories: ['community_correction', 'drug'],
    villageCode: 'V',
    townCode: 'T',
    gridCode: 'G',
    incidentId,
    t: ago(daysAgo),
    category: '0103',
    lng: 120 + daysAgo / 1000,
    lat: 30,
  })
  it('levels by nearby incidents, titles by category and village, points at the newest', () => {
    const found = keyPersonFindings(
      def,
      [i('7', 'a', 6), i('7', 'b', 1), i('7', 'c', 3), i('8', 'd', 2)],
      new Map([['V', '某镇某村']]),
      new Map([['0103', '盗窃']]),
    )
    expect(subjects(found)).toEqual([
      ['resident:7', 'red'],
      ['resident:8', 'yellow'],
    ])
    expect(found[0]!.title).toBe('重点人员（社区矫正、吸毒）周边新发警情：某镇某村')
    expect(found[0]!.explanation).toContain('住处 50 米内近7日警情 3 起（盗窃 3 起）')
    expect(found[0]!.place).toMatchObject({ kind: 'point', lng: 120.001, lat: 30 })
  })
})

describe('self-checks', () => {
  const def = builtin('self_check_overdue')
  const org = (orgId: string, checks: [number, number][], createdDaysAgo = 400) => ({
    ...placed,
    orgId,
    name: `测试${orgId}`,
    everyDays: 30,
    checklist: 'fire',
    createdAt: ago(createdDaysAgo),
    checks: checks.map(([d, failed]) => ({ at: new Date(ago(d).getTime() + 10 * 3600_000), failed })),
  })
  it('levels days overdue; a failing streak is at least orange, red when also overdue', () => {
    expect(daysOverdue(org('x', [[70, 0]]), '2026-11-01')).toBe(40)
    const found = selfCheckFindings(
      def,
      [
        org('1', [[70, 0]]),
        org('2', [[44, 0]]),
        org('3', [[43, 0]]),
        org('4', [[30, 0]]),
        org('5', [
          [25, 1],
          [55, 1],
          [85, 1],
        ]),
        org('6', [
          [35, 1],
          [65, 1],
          [95, 1],
        ]),
        org('7', [], 60),
      ],
      AS_OF,
    )
    expect(subjects(found)).toEqual([
      ['org:1', 'red'],
      ['org:2', 'orange'],
      ['org:3', 'yellow'],
      ['org:5', 'orange'],
      ['org:6', 'red'],
      ['org:7', 'red'],
    ])
  })
})

describe('gas cylinders', () => {
  const def = builtin('gas_cylinder')
  const dl = (deviceId: string, addressId: string | null, distM: number, daysAgo: number): Delivery => ({
    deviceId,
    at: ago(daysAgo),
    address: addressId ? '测试路88号' : null,
    addressId,
    lng: 120.27,
    lat: 30.17,
    distM,
  })
  it('groups far deliveries by point and flags cylinders filled too often', () => {
    const deliveries = [
      ...[1, 2, 3, 4, 5, 6].map((k) => dl(`C${k % 3}`, 'A1', 500, k)),
      dl('C9', 'A2', 100, 1), // exactly the tolerance: not far
      dl('C9', 'A2', 100, 2),
      dl('C8', null, 300, 1),
    ]
    const fill = (deviceId: string, every: number, n: number) => ({
      ...placed,
      deviceId,
      expectedRefillDays: 30,
      fillings: Array.from({ length: n }, (_, k) => ago(1 + every * k)),
    })
    const found = gasCylinderFindings(def, deliveries, [fill('C1', 5, 10), fill('C7', 5, 10), fill('C6', 15, 5), fill('C5', 2, 2)])
    expect(subjects(found)).toEqual([
      ['point:A1', 'red'],
      ['cylinder:C1', 'orange'],
      ['cylinder:C7', 'yellow'],
    ])
    expect(found[0]!.explanation).toContain('配送液化气钢瓶 6 次，涉及钢瓶 3 个')
    expect(median([5, 1, 3, 10])).toBe(4)
    expect(deliveryPoint({ addressId: null, lng: 120.27, lat: 30.17 }, 50)).toBe('point:cell:231851:66889')
  })
})

describe('patrol gaps', () => {
  const def = builtin('patrol_gap')
  it('levels days without a patrol only where incidents rise', () => {
    const g = (gridCode: string, before: number, recent: number, days: number | null) => ({
      gridCode,
      before,
      recent,
      lastPatrol: days === null ? null : ago(days),
    })
    const found = patrolGapFindings(
      def,
      [
        g('a', 5, 10, 30),
        g('b', 4, 8, 10),
        g('c', 3, 6, 14),
        g('d', 2, 6, 6.9),
        g('e', 0, 5, null),
        g('f', 0, 4, null),
        g('h', 5, 7, 30),
        g('i', 4, 6, 30),
      ],
      new Map(),
      AS_OF,
    )
    expect(subjects(found)).toEqual([
      ['grid:a', 'red'],
      ['grid:b', 'yellow'],
      ['grid:c', 'orange'],
      ['grid:e', 'red'],
      ['grid:i', 'red'],
    ])
    expect(found[0]!.explanation).toContain('已 30 日无巡防轨迹经过；近14日警情 10 起，前14日 5 起，为前14日的 2 倍')
  })
})

describe('the full-view definitions', () => {
  const kinds = [
    'group_rental',
    'registration_gap',
    'dispute_recurrence',
    'key_person_incident',
    'self_check_overdue',
    'gas_cylinder',
    'patrol_gap',
  ] as const
  it('are built in, round-trip, check their thresholds for order and have no backtest', () => {
    for (const kind of kinds) {
      const def = builtin(kind)
      expect(def, kind).toBeDefined()
      expect(ModelDefinitionSchema.parse(JSON.parse(JSON.stringify(def)))).toEqual(def)
      expect(backtestPeriodDays(def)).toBeNull()
      expect(noBacktestReason(kind)).toMatch(/validated on planted patterns/)
      if (kind === 'registration_gap') continue
      const t = def.thresholds as { red: number; orange: number; yellow: number }
      const bad = ModelDefinitionSchema.safeParse({ ...def, thresholds: { ...t, red: t.yellow, yellow: t.red } })
      expect(bad.success, kind).toBe(false)
      expect(bad.error!.issues[0]!.path, kind).toEqual(['thresholds', 'red'])
    }
    expect(BUILTIN_MODELS).toHaveLength(17)
    expect(noBacktestReason('hotspot')).toBeNull()
  })

  it('ranks reds by their own evidence under the cap', () => {
    const f = (subject: string, perRoom: number): Finding => ({
      subject,
      level: 'red',
      title: '',
      explanation: '',
      metrics: { perRoom, occupants: 12 },
      place: { kind: 'area', code: 'V' },
    })
    const capped = capRed('group_rental', [f('house:a', 4), f('house:b', 6), f('house:c', 5)], 2)
    expect(capped.map((x) => [x.subject, x.level])).toEqual([
      ['house:a', 'orange'],
      ['house:b', 'red'],
      ['house:c', 'red'],
    ])
    const rate = (subject: string, r: number): Finding => ({ ...f(subject, 0), metrics: { rate: r, unregistered: 5, expired: 1 } })
    expect(capRed('registration_gap', [rate('village:a', 85), rate('village:b', 70)], 1).find((x) => x.level === 'red')!.subject).toBe(
      'village:b',
    )
  })
})
