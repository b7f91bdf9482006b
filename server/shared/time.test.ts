import { describe, expect, it } from 'vitest'

import {
  addDays,
  addMonthsToDay,
  daysBetween,
  dayStart,
  dayStartMs,
  shanghaiDay,
  shanghaiIso,
  shanghaiMinute,
  yearEarlier,
} from './time.ts'

/** Instants around Shanghai midnights, as a duty officer would write them, with the day they belong to. */
const DAYS: readonly [string, string][] = [
  ['2026-10-31T23:59:59.999+08:00', '2026-10-31'], // the last millisecond of the due day
  ['2026-11-01T00:00:00+08:00', '2026-11-01'], // midnight starts the new day (16:00 UTC the day before)
  ['2026-10-31T15:59:59.999Z', '2026-10-31'],
  ['2026-10-31T16:00:00Z', '2026-11-01'],
  ['2024-02-29T12:00:00+08:00', '2024-02-29'],
  ['2026-12-31T16:00:00Z', '2027-01-01'], // New Year in Shanghai while still 31 December in UTC
  ['2026-07-15T00:30:00+08:00', '2026-07-15'], // summer: no daylight saving shifts the day
]

describe('Shanghai days (UTC+8 all year)', () => {
  it('puts a report in the Shanghai calendar day it happened, whatever zone the instant is written in', () => {
    for (const [instant, day] of DAYS) expect(shanghaiDay(new Date(instant)), instant).toBe(day)
  })

  it('starts each day at Shanghai midnight, which is 16:00 UTC the day before', () => {
    expect(dayStart('2026-11-01').toISOString()).toBe('2026-10-31T16:00:00.000Z')
    expect(dayStartMs('2027-01-01')).toBe(Date.parse('2026-12-31T16:00:00Z'))
    // A day runs from its start to the next day's: every instant inside reads as that day.
    for (const [, day] of DAYS) {
      expect(shanghaiDay(dayStart(day))).toBe(day)
      expect(shanghaiDay(new Date(dayStartMs(addDays(day, 1)) - 1))).toBe(day)
    }
  })

  it('shows instants as Shanghai wall time: to the minute for people, ISO with +08:00 keeping milliseconds for files', () => {
    expect(shanghaiMinute(new Date('2026-12-06T03:25:40Z'))).toBe('2026-12-06 11:25')
    expect(shanghaiMinute(new Date('2026-12-31T16:05:00Z'))).toBe('2027-01-01 00:05')
    expect(shanghaiIso(new Date('2026-10-04T02:00:00.000Z'))).toBe('2026-10-04T10:00:00+08:00')
    expect(shanghaiIso(new Date('2026-10-04T02:00:00.250Z'))).toBe('2026-10-04T10:00:00.250+08:00')
    // What a file says reads back as the same instant, to the millisecond.
    for (const ms of [0, 1, 999]) {
      const at = new Date(Date.UTC(2026, 9, 31, 15, 59, 59, ms))
      expect(new Date(shanghaiIso(at)).getTime()).toBe(at.getTime())
    }
  })
})

describe('day arithmetic on YYYY-MM-DD', () => {
  it('adds and counts days across months, leap days and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29')
    expect(addDays('2026-11-01', -7)).toBe('2026-10-25')
    expect(daysBetween('2026-10-01', '2026-11-01')).toBe(31)
    expect(daysBetween('2026-11-01', '2026-10-25')).toBe(-7)
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366)
  })

  it('goes back a year as PostgreSQL does (29 February → 28 February) and moves months clamping the day', () => {
    expect(yearEarlier('2024-02-29')).toBe('2023-02-28')
    expect(yearEarlier('2025-02-28')).toBe('2024-02-28')
    expect(yearEarlier('2026-11-01')).toBe('2025-11-01')
    expect(addMonthsToDay('2026-03-31', -1)).toBe('2026-02-28')
    expect(addMonthsToDay('2024-03-31', -1)).toBe('2024-02-29')
    expect(addMonthsToDay('2026-01-15', -1)).toBe('2025-12-15')
    expect(addMonthsToDay('2026-12-01', 1)).toBe('2027-01-01')
    expect(addMonthsToDay('2026-05-31', -15)).toBe('2025-02-28')
    expect(addMonthsToDay('2026-01-31', 1)).toBe('2026-02-28')
    expect(addMonthsToDay('2026-01-15', -13)).toBe('2024-12-15')
  })
})
