import { describe, expect, it } from 'vitest'

import { clampRange, defaultRange, isDay, stepInterval, stepWindow } from './time.ts'

describe('day arithmetic', () => {
  it('checks day strings', () => {
    expect(isDay('2026-10-01')).toBe(true)
    expect(isDay('2026-02-30')).toBe(false)
    expect(isDay('2026-1-01')).toBe(false)
  })
  it('defaults to the last 30 days including today', () => {
    expect(defaultRange('2026-11-22')).toEqual({ from: '2026-10-24', to: '2026-11-23' })
  })
})

describe('playback', () => {
  const domain = { from: '2026-01-01', to: '2026-02-01' }
  it('moves the window by a day or a week, keeping its length', () => {
    expect(stepWindow({ from: '2026-01-01', to: '2026-01-08' }, 'day', domain)).toEqual({ from: '2026-01-02', to: '2026-01-09' })
    expect(stepWindow({ from: '2026-01-01', to: '2026-01-08' }, 'week', domain)).toEqual({ from: '2026-01-08', to: '2026-01-15' })
  })
  it('wraps to the start past the end, and refuses a window longer than the domain', () => {
    expect(stepWindow({ from: '2026-01-25', to: '2026-02-01' }, 'day', domain)).toEqual({ from: '2026-01-01', to: '2026-01-08' })
    expect(stepWindow({ from: '2025-01-01', to: '2026-02-01' }, 'day', domain)).toBeNull()
  })
  it('turns speeds into intervals', () => {
    expect(stepInterval(1)).toBe(1000)
    expect(stepInterval(4)).toBe(250)
  })
  it('clamps a period into the domain', () => {
    expect(clampRange({ from: '2025-12-01', to: '2026-03-01' }, domain)).toEqual(domain)
    expect(clampRange({ from: '2026-03-01', to: '2026-03-05' }, domain)).toEqual({ from: '2026-01-31', to: '2026-02-01' })
  })
})
