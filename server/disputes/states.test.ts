import fs from 'node:fs'

import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'

import { Conflict } from '../shared/errors.ts'
import { csvParties, DisputeCsvRowSchema, partyKey } from './schema.ts'
import { type DisputeState, nextDisputeState } from './states.ts'

const open: DisputeState = { status: 'open', level: 'village', judicialConfirmation: false }

describe('dispute workflow', () => {
  it('moves by action: mediation, escalation, agreement, confirmation', () => {
    const m = nextDisputeState('D-1', open, { level: 'village', action: 'mediation' })
    expect(m).toEqual({ status: 'mediating', level: 'village', judicialConfirmation: false })
    expect(nextDisputeState('D-1', m, { level: 'village', action: 'mediation' })).toEqual(m)
    const up = nextDisputeState('D-1', m, { level: 'town', action: 'escalated' })
    expect(up.level).toBe('town')
    const done = nextDisputeState('D-1', up, { level: 'town', action: 'agreement' })
    expect(done.status).toBe('resolved')
    expect(nextDisputeState('D-1', done, { level: 'town', action: 'judicial_confirmation' }).judicialConfirmation).toBe(true)
    expect(nextDisputeState('D-1', done, { level: 'town', action: 'note' })).toEqual(done)
  })

  it('refuses illegal steps with a Conflict', () => {
    const bad: [DisputeState, Parameters<typeof nextDisputeState>[2]][] = [
      [open, { level: 'village', action: 'agreement' }],
      [open, { level: 'village', action: 'escalated' }],
      [open, { level: 'village', action: 'judicial_confirmation' }],
      [open, { level: 'village', action: 'registered' }],
      [
        { ...open, status: 'failed' },
        { level: 'town', action: 'escalated' },
      ],
      [
        { ...open, status: 'resolved', judicialConfirmation: true },
        { level: 'town', action: 'judicial_confirmation' },
      ],
      [
        { ...open, status: 'withdrawn' },
        { level: 'village', action: 'mediation' },
      ],
    ]
    for (const [s, step] of bad) expect(() => nextDisputeState('D-1', s, step), `${s.status} ${step.action}`).toThrow(Conflict)
    expect(() => nextDisputeState('D-1', { ...open, status: 'resolved' }, { level: 'town', action: 'failed' })).toThrow(
      'dispute D-1: cannot go from resolved to failed (resolved is final)',
    )
  })
})

describe('dispute CSV line', () => {
  const base = { case_id: 'MD-1', type: '邻里', reported_at: '2026-10-01 09:00', level: '村' }
  it('reads parties, their key, steps and catalogue names', () => {
    const r = DisputeCsvRowSchema.parse({
      ...base,
      status: '调解成功',
      outcome_at: '2026-10-02 09:00',
      judicial_confirmation: '是',
      party1_id: 'P9',
      party1_name: '张三',
      party2_id: 'P10',
      party2_role: '申请人',
      steps: '[{"at":"2026-10-01 10:00","level":"镇","action":"调解"}]',
    })
    expect(r).toMatchObject({ type: 'neighbour', level: 'village', status: 'resolved', judicial_confirmation: true })
    expect(r.steps).toMatchObject([{ level: 'town', action: 'mediation' }])
    expect(csvParties(r)).toEqual([
      { party_id: 'P9', role: 'applicant', name: '张三', phone: null },
      { party_id: 'P10', role: 'applicant', name: null, phone: null },
    ])
    expect(partyKey(['P9', 'P10'])).toBe('P10|P9')
    expect(partyKey([])).toBeNull()
  })
  it('names the field of a bad line', () => {
    const issues = (v: Record<string, string>) =>
      DisputeCsvRowSchema.safeParse({ ...base, ...v }).error?.issues.map((i) => i.path.join('.'))
    expect(issues({ status: '调解失败' })).toEqual(['outcome_at'])
    expect(issues({ judicial_confirmation: '是' })).toEqual(['judicial_confirmation'])
    expect(issues({ party2_name: '李四' })).toEqual(['party2_id'])
    expect(issues({ party1_id: 'P1', party2_id: 'P1' })).toEqual(['party2_id'])
    expect(issues({ steps: '[oops' })).toEqual(['steps'])
  })
  it('reads every line of the example file (data/examples/disputes.csv)', () => {
    const rows = parse(fs.readFileSync('data/examples/disputes.csv'), { columns: true }) as Record<string, string>[]
    expect(rows.map((r) => DisputeCsvRowSchema.safeParse(r).error?.issues ?? [])).toEqual(rows.map(() => []))
  })
})
