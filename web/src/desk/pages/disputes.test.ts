import { describe, expect, it } from 'vitest'

import { ApiError } from '../../api/client.ts'
import {
  allowedSteps,
  disputeQuery,
  escalationLevels,
  keepKeyAfter,
  localInputValue,
  newIdempotencyKey,
  stepBody,
  stepResultText,
  stepTime,
} from './disputes.ts'

describe('the disputes page helpers', () => {
  it('asks for the open cases unless told otherwise, and passes the other filters', () => {
    expect(disputeQuery(new URLSearchParams('type=land&area=330109001')).toString()).toBe(
      'status=open%2Cmediating&type=land&area=330109001&limit=500',
    )
    expect(disputeQuery(new URLSearchParams('status=all&level=odr')).toString()).toBe('level=odr&limit=500')
    expect(disputeQuery(new URLSearchParams('status=failed&cursor=9')).toString()).toBe('status=failed&limit=500')
  })

  it('offers exactly the steps the workflow allows in each state', () => {
    const at = (status: 'open' | 'mediating' | 'resolved' | 'failed' | 'withdrawn', judicialConfirmation = false) =>
      allowedSteps({ status, level: 'village', judicialConfirmation })
    expect(at('open')).toEqual(['mediation', 'escalated', 'withdrawn', 'note'])
    expect(at('mediating')).toEqual(['mediation', 'escalated', 'agreement', 'failed', 'withdrawn', 'note'])
    expect(at('resolved')).toEqual(['judicial_confirmation', 'note'])
    expect(at('resolved', true)).toEqual(['note'])
    expect(at('failed')).toEqual(['note'])
    expect(at('withdrawn')).toEqual(['note'])
  })

  it('escalates to every other level, the usual next one first', () => {
    expect(escalationLevels('village')).toEqual(['town', 'district', 'odr'])
    expect(escalationLevels('town')).toEqual(['district', 'village', 'odr'])
    expect(escalationLevels('district')).toEqual(['odr', 'village', 'town'])
    expect(escalationLevels('odr')).toEqual(['district', 'village', 'town'])
  })

  it('builds the step body: an escalation at its new level, others at the case level, no empty note', () => {
    expect(stepBody('mediation', 'village', 'town', '2026-12-06T10:00:00+08:00', ' 双方到场 ')).toEqual({
      at: '2026-12-06T10:00:00+08:00',
      level: 'village',
      action: 'mediation',
      note: '双方到场',
    })
    expect(stepBody('escalated', 'village', 'town', 't', '  ')).toEqual({ at: 't', level: 'town', action: 'escalated' })
  })

  it('sends the moment the form opened unless another time was typed (in Shanghai time)', () => {
    const opened = new Date('2026-12-06T02:00:30Z')
    expect(localInputValue(opened)).toBe('2026-12-06T10:00')
    expect(stepTime('2026-12-06T10:00', '2026-12-06T10:00', opened)).toBe('2026-12-06T02:00:30.000Z')
    expect(stepTime('2026-12-05T09:30', '2026-12-06T10:00', opened)).toBe('2026-12-05T09:30:00+08:00')
  })

  it('says what was recorded and where the case stands', () => {
    expect(stepResultText(true, { action: 'mediation', level: 'village' }, 'mediating', 'zh')).toBe(
      '已记录：调解（村调委会）；案件状态：调解中',
    )
    expect(stepResultText(true, { action: 'failed', level: 'town' }, 'failed', 'en')).toBe(
      'Recorded: Mediation failed (Town); the case is now Failed',
    )
    expect(stepResultText(false, { action: 'note', level: 'town' }, 'failed', 'zh')).toContain('未重复记录')
  })

  it('makes distinct keys and keeps one only when the answer is unknown', () => {
    const a = newIdempotencyKey()
    expect(a).toMatch(/^[0-9a-f-]{32,36}$/)
    expect(newIdempotencyKey()).not.toBe(a)
    expect(keepKeyAfter(new TypeError('Failed to fetch'))).toBe(true)
    expect(keepKeyAfter(new ApiError('/api/disputes/1/steps', 502, 'bad gateway'))).toBe(true)
    expect(keepKeyAfter(new ApiError('/api/disputes/1/steps', 409, 'cannot go from failed to mediating'))).toBe(false)
    expect(keepKeyAfter(new ApiError('/api/disputes/1/steps', 400, 'invalid body'))).toBe(false)
  })
})
