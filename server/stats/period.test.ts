import { describe, expect, it } from 'vitest'

import { shanghaiIso } from '../shared/time.ts'
import { comparisonPeriods, comparisonWindows, elapsedWindow, monthsOf, percentChange, resolvePeriod } from './period.ts'

describe('stats periods', () => {
  it('defaults to the last 30 days including today and derives 同比/环比 periods', () => {
    expect(resolvePeriod(undefined, undefined, new Date('2026-11-01T04:00:00Z'))).toEqual({ from: '2026-10-03', to: '2026-11-02' })
    expect(comparisonPeriods({ from: '2026-10-01', to: '2026-11-01' })).toEqual({
      yearEarlier: { from: '2025-10-01', to: '2025-11-01' },
      previous: { from: '2026-08-31', to: '2026-10-01' },
    })
  })
  it('gives percentage changes with one decimal, null on a zero base', () => {
    expect(percentChange(15, 10)).toBe(50)
    expect(percentChange(1, 3)).toBe(-66.7)
    expect(percentChange(4, 0)).toBeNull()
  })

  // What the wall's cards promise: at 00:23 "today" is 00:00–00:23, and so are both comparisons.
  const at = (iso: string) => Date.parse(iso)
  const show = (w: { from: string; to: string; untilMs: number | null }) => ({
    from: w.from,
    to: w.to,
    until: w.untilMs === null ? null : shanghaiIso(new Date(w.untilMs)),
  })
  it('compares a running day with the same elapsed span a year earlier and the day before', () => {
    const today = { from: '2026-12-06', to: '2026-12-07' }
    const w = elapsedWindow(today, at('2026-12-06T00:23:00+08:00'))
    expect(show(w)).toEqual({ from: '2026-12-06', to: '2026-12-07', until: '2026-12-06T00:23:00+08:00' })
    const c = comparisonWindows(w, today)
    expect(show(c.yearEarlier)).toEqual({ from: '2025-12-06', to: '2025-12-07', until: '2025-12-06T00:23:00+08:00' })
    expect(show(c.previous)).toEqual({ from: '2026-12-05', to: '2026-12-06', until: '2026-12-05T00:23:00+08:00' })
    expect(c.previousKind).toBe('previous_span')
  })
  it('compares a month to date with the same days and time of the previous calendar month', () => {
    const month = { from: '2026-12-01', to: '2026-12-07' }
    expect(monthsOf(month)).toBe(0) // a month to date the wall asks for ends tomorrow, not on a 1st
    const whole = { from: '2026-12-01', to: '2027-01-01' }
    expect(monthsOf(whole)).toBe(1)
    const w = elapsedWindow(whole, at('2026-12-06T09:30:00+08:00'))
    const c = comparisonWindows(w, whole)
    expect(c.previousKind).toBe('previous_month')
    expect(show(c.previous)).toEqual({ from: '2026-11-01', to: '2026-11-07', until: '2026-11-06T09:30:00+08:00' })
    expect(show(c.yearEarlier)).toEqual({ from: '2025-12-01', to: '2025-12-07', until: '2025-12-06T09:30:00+08:00' })
    // 31 March: February has no 31st, so all of February.
    const march = { from: '2026-03-01', to: '2026-04-01' }
    const m = comparisonWindows(elapsedWindow(march, at('2026-03-31T12:00:00+08:00')), march)
    expect(show(m.previous)).toEqual({ from: '2026-02-01', to: '2026-03-01', until: null })
    // A finished month: the whole month before.
    expect(show(comparisonWindows(elapsedWindow(march, at('2026-05-01T00:00:00+08:00')), march).previous)).toEqual({
      from: '2026-02-01',
      to: '2026-03-01',
      until: null,
    })
  })
  it('counts a finished period whole', () => {
    const p = { from: '2026-10-01', to: '2026-11-01' }
    expect(show(elapsedWindow(p, at('2026-12-06T00:23:00+08:00')))).toEqual({ ...p, until: null })
  })
})
