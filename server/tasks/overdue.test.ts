import { describe, expect, it } from 'vitest'

import { daysOverdue, isOverdue } from './overdue.ts'

describe('overdue (fixed clocks)', () => {
  it('is overdue from the day after the due date, Shanghai time, until closed', () => {
    const due = '2026-10-31'
    expect(isOverdue(due, false, new Date('2026-10-31T23:59:00+08:00'))).toBe(false) // the due day itself
    expect(isOverdue(due, false, new Date('2026-11-01T00:00:00+08:00'))).toBe(true)
    expect(isOverdue(due, true, new Date('2026-12-01T00:00:00+08:00'))).toBe(false) // closed
    expect(isOverdue(null, false, new Date('2030-01-01T00:00:00+08:00'))).toBe(false) // no due date
  })

  it('counts whole days past due', () => {
    expect(daysOverdue('2026-10-01', new Date('2026-10-04T09:00:00+08:00'))).toBe(3)
    expect(daysOverdue('2026-10-01', new Date('2026-10-01T09:00:00+08:00'))).toBe(0)
    expect(daysOverdue('2026-10-05', new Date('2026-10-01T09:00:00+08:00'))).toBe(0)
  })
})
