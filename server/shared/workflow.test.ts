import { describe, expect, it } from 'vitest'

import { Conflict, Invalid } from './errors.ts'
import { assertByHand, assertMove, assertReasonGiven, canMove, historyEvent, needsReason, type TransitionTable } from './workflow.ts'

/** A small review workflow written for the test: draft → review → approved | draft. */
type S = 'draft' | 'review' | 'approved' | 'archived'
const TABLE: TransitionTable<S> = { draft: ['review'], review: ['approved', 'draft'], approved: ['archived'], archived: [] }

/** The error a call throws, or null. */
function thrown(fn: () => void): unknown {
  try {
    fn()
    return null
  } catch (err) {
    return err
  }
}

describe('workflow helper', () => {
  it('allows exactly the moves in the table, never staying put', () => {
    const states = Object.keys(TABLE) as S[]
    const legal = states.flatMap((a) => states.filter((b) => canMove(TABLE, a, b)).map((b) => `${a}>${b}`))
    expect(legal).toEqual(['draft>review', 'review>draft', 'review>approved', 'approved>archived'])
  })

  it('tells a person who tries an illegal move where the item can go instead', () => {
    const err = thrown(() => assertMove(TABLE, 'report 5', 'draft', 'approved'))
    expect(err).toBeInstanceOf(Conflict)
    expect(err).toMatchObject({
      message: 'report 5: cannot go from draft to approved (from draft it can go to review)',
      details: { from: 'draft', to: 'approved', allowed: ['review'] },
    })
    expect(thrown(() => assertMove(TABLE, 'report 5', 'archived', 'draft'))).toMatchObject({
      message: 'report 5: cannot go from archived to draft (archived is final)',
    })
    expect(thrown(() => assertMove(TABLE, 'report 5', 'review', 'draft'))).toBeNull()
  })

  it('refuses by hand a state only the system reaches, saying how it is reached', () => {
    const systemOnly = { archived: 'reports are archived by the yearly clean-up' }
    const err = thrown(() => assertByHand<S>(systemOnly, 'report 5', 'approved', 'archived'))
    expect(err).toBeInstanceOf(Conflict)
    expect(err).toMatchObject({
      message: 'report 5: cannot go to archived by hand (reports are archived by the yearly clean-up)',
      details: { from: 'approved', to: 'archived' },
    })
    expect(thrown(() => assertByHand<S>(systemOnly, 'report 5', 'review', 'approved'))).toBeNull()
  })

  it('asks for a reason on the moves that need one, naming the field; other moves go without', () => {
    const required: readonly S[] = ['draft']
    expect([needsReason(required, 'draft'), needsReason(required, 'approved')]).toEqual([true, false])
    for (const blank of [null, undefined, '', '   ']) {
      const err = thrown(() => assertReasonGiven(required, 'draft', blank, 'body.comment', 'say why the report goes back'))
      expect(err).toBeInstanceOf(Invalid)
      expect(err).toMatchObject({
        message: 'invalid body: body.comment: say why the report goes back',
        details: [{ where: 'body.comment', message: 'say why the report goes back' }],
      })
    }
    expect(thrown(() => assertReasonGiven(required, 'draft', '数据有误', 'body.comment', 'say why'))).toBeNull()
    expect(thrown(() => assertReasonGiven(required, 'approved', null, 'body.comment', 'say why'))).toBeNull()
  })
})

describe('historyEvent', () => {
  it('gives a stored event a numeric id and an ISO time, keeping the rest', () => {
    const at = new Date('2026-11-03T01:02:03Z')
    const row = { id: '42', at, actor: '王', action: 'transition', from: 'new', to: 'accepted', comment: null, changes: { a: 1 } }
    expect(historyEvent(row)).toEqual({ ...row, id: 42, at: '2026-11-03T01:02:03.000Z' })
  })
})
