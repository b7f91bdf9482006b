import { describe, expect, it } from 'vitest'

import type { FieldSpec } from '../schema-form.ts'
import { backtestLine, kindSpec } from './models.ts'

describe("a model card's backtest line", () => {
  it('gives hit rates as percentages and PAI to one decimal, against the baseline', () => {
    expect(
      backtestLine({ status: 'ready', hitRate: 0.42, baselineHitRate: 0.3, pai: 12.54, baselinePai: 9, verdict: 'beats baseline' }),
    ).toBe('命中率 42%（基线 30%），PAI 12.5（基线 9）')
    expect(backtestLine({ status: 'ready', hitRate: null, baselineHitRate: 0, pai: null, baselinePai: null, verdict: 'no data' })).toBe(
      '命中率 —（基线 0%），PAI —（基线 —）',
    )
  })
  it('says when there is none yet', () => {
    expect(backtestLine({ status: 'computing' })).toBe('计算中…')
    expect(backtestLine({ status: 'not applicable' })).toBe('不适用')
    expect(backtestLine(undefined)).toBe('—')
  })
})

describe("a model kind's form, generated from its schema", () => {
  /** Every field of a spec, flattened, by its path. */
  const fields = (s: FieldSpec): Map<string, FieldSpec> => {
    const out = new Map<string, FieldSpec>([[s.path.join('.'), s]])
    if (s.kind === 'object') for (const f of s.fields) for (const [k, v] of fields(f)) out.set(k, v)
    return out
  }
  it('has a form for a full-view kind (registration gap): its parameters and rate thresholds as numbers', () => {
    const spec = kindSpec('registration_gap')
    expect(spec.kind).toBe('object')
    const f = fields(spec)
    expect(f.get('kind')).toMatchObject({ kind: 'const', value: 'registration_gap' })
    expect(f.get('id')).toMatchObject({ kind: 'const' })
    expect(f.get('params.minMigrants')).toMatchObject({ kind: 'number', integer: true, min: 1 })
    for (const l of ['red', 'orange', 'yellow']) expect(f.get(`thresholds.${l}`)).toMatchObject({ kind: 'number', min: 0, max: 100 })
    expect(f.get('unit.level')).toMatchObject({ kind: 'const', value: 'village' })
  })
  it('has a form for every kind', () => {
    for (const kind of [
      'surge',
      'group_rental',
      'dispute_recurrence',
      'key_person_incident',
      'self_check_overdue',
      'gas_cylinder',
      'patrol_gap',
    ])
      expect(kindSpec(kind).kind, kind).toBe('object')
    expect(fields(kindSpec('key_person_incident')).get('params.categories')).toMatchObject({ kind: 'multi' })
  })
})
