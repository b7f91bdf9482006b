/**
 * At most `maxRedPerRun` red warnings per model run (alarm fatigue: a wall with 87 red warnings
 * tells a command center nothing). The red findings of a run are ranked by the strength of their
 * evidence — each kind's own statistic, below — and those past the cap become orange, saying so
 * in their explanation and numbers (`redRank`, `redCap`, `cappedFrom`). Ties fall back to the
 * subject, so a rerun over the same data ranks the same way.
 */
import type { ModelKind } from './definition.ts'
import type { Finding } from './types.ts'
import { byString } from './util.ts'

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number.NEGATIVE_INFINITY)
const time = (v: unknown): number => (typeof v === 'string' ? Date.parse(v) || 0 : 0)
/** A Poisson excess in standard deviations, (observed − expected) / √expected. */
const excess = (m: Finding['metrics']): number => {
  const o = num(m.observed)
  const e = num(m.expected)
  return e > 0 ? (o - e) / Math.sqrt(e) : o
}

/**
 * How strong a finding's evidence is, as numbers compared in order (larger is stronger):
 * surge and concentration by p-value (smaller first), then the excess over expected; hot spots by
 * Gi* z, then the cell's count; emerging hot spots by the last week's z, then the trend's z;
 * repeat addresses and disputes by the count (then escalations, then the latest); near-repeat
 * zones by their events, then the latest; overdue items major first, then by days overdue.
 * The full-view models: group rental by persons per room, then residents; registration gaps by
 * the rate (lower first), then the migrants not registered; dispute chains by length, then failed
 * mediations, fights, the latest; key persons by nearby incidents, then the latest; self-checks
 * by days overdue, then a failing streak; gas cylinder points by deliveries, then cylinders, the
 * latest; patrol gaps by days without a patrol, then the rise in incidents, then the incidents.
 * @example findingStrength('hotspot', { z: 4.1, count: 12 }) // [4.1, 12]
 * @example findingStrength('surge', { p: 0.00001, observed: 20, expected: 4 }) // [-0.00001, 8]
 */
export function findingStrength(kind: ModelKind, m: Finding['metrics']): number[] {
  switch (kind) {
    case 'surge':
    case 'concentration':
      return [-num(m.p), excess(m)]
    case 'hotspot':
      return [num(m.z), num(m.count)]
    case 'emerging':
      return [num(m.lastZ), num(m.trendZ), num(m.lastWeekCount)]
    case 'repeat_address':
      return [num(m.count), time(m.last)]
    case 'dispute_escalation':
      return [num(m.count), num(m.escalations), time(m.last)]
    case 'near_repeat':
      return [num(m.events), time(m.last)]
    case 'overdue':
      return [m.severity === 'major' ? 1 : 0, num(m.daysOverdue)]
    case 'group_rental':
      return [num(m.perRoom), num(m.occupants)]
    case 'registration_gap':
      return [-num(m.rate), num(m.unregistered) + num(m.expired)]
    case 'dispute_recurrence':
      return [num(m.count), num(m.failed), num(m.escalations), time(m.last)]
    case 'key_person_incident':
      return [num(m.count), time(m.last)]
    case 'self_check_overdue':
      return [num(m.daysOverdue), num(m.failStreak)]
    case 'gas_cylinder':
      return [num(m.deliveries), num(m.cylinders), time(m.last)]
    case 'patrol_gap':
      return [num(m.daysSincePatrol), num(m.recent) - num(m.before), num(m.recent)]
  }
}

/**
 * Orders two strengths, the stronger first (for Array.sort).
 * @example [[1], [3, 0], [3, 2]].sort(byStrength) // [[3, 2], [3, 0], [1]]
 */
export function byStrength(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? Number.NEGATIVE_INFINITY
    const y = b[i] ?? Number.NEGATIVE_INFINITY
    if (x !== y) return x > y ? -1 : 1
  }
  return 0
}

/**
 * Keeps the `cap` strongest red findings red and makes the rest orange (with why); every red
 * finding gets its rank among the run's reds. Other findings and the order are unchanged.
 * @example capRed('hotspot', findings, 10).filter((f) => f.level === 'red').length // ≤ 10
 */
export function capRed(kind: ModelKind, findings: readonly Finding[], cap: number): Finding[] {
  const reds = findings
    .filter((f) => f.level === 'red')
    .map((f) => ({ f, s: findingStrength(kind, f.metrics) }))
    .sort((a, b) => byStrength(a.s, b.s) || byString(a.f.subject, b.f.subject))
  const rank = new Map(reds.map((r, i) => [r.f, i + 1]))
  return findings.map((f) => {
    const k = rank.get(f)
    if (k === undefined) return f
    if (k <= cap) return { ...f, metrics: { ...f.metrics, redRank: k, redCap: cap } }
    return {
      ...f,
      level: 'orange',
      explanation: `${f.explanation}；本次运行红色预警 ${reds.length} 条，超过上限 ${cap} 条，按证据强度列第 ${k} 位，降为橙色`,
      metrics: { ...f.metrics, redRank: k, redCap: cap, cappedFrom: 'red' },
    }
  })
}
