import { describe, expect, it } from 'vitest'

import { containsPattern, selfCheckStanding } from './store.ts'

describe('containsPattern', () => {
  it('wraps the text in % and takes %, _ and \\ literally', () => {
    expect(containsPattern('五金')).toBe('%五金%')
    expect(containsPattern('100%_好')).toBe('%100\\%\\_好%')
    expect(containsPattern('a\\b')).toBe('%a\\\\b%')
  })
})

describe('selfCheckStanding', () => {
  it('is overdue after the due day, due within a week of it, else ok', () => {
    expect(selfCheckStanding('2026-11-01', '2026-10-20')).toEqual({ daysOverdue: 12, state: 'overdue' })
    expect(selfCheckStanding('2026-11-01', '2026-11-05')).toEqual({ daysOverdue: 0, state: 'due' })
    expect(selfCheckStanding('2026-11-01', '2026-12-05')).toEqual({ daysOverdue: 0, state: 'ok' })
    expect(selfCheckStanding('2026-11-01', null)).toEqual({ daysOverdue: null, state: null })
  })
})
