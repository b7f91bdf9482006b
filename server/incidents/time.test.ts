import { describe, expect, it } from 'vitest'

import { reportTimeProblem } from './time.ts'

describe('report times a command center can believe', () => {
  const now = new Date('2026-12-06T11:25:00+08:00')
  const at = (s: string) => new Date(s)

  it('takes a report from a field terminal whose clock runs a few minutes fast', () => {
    expect(reportTimeProblem(at('2026-12-06T11:34:59+08:00'), now)).toBeNull()
    expect(reportTimeProblem(at('2026-12-06T11:35:00+08:00'), now)).toBeNull()
    expect(reportTimeProblem(now, now)).toBeNull()
  })

  it('refuses a report dated more than 10 minutes ahead, saying both times in Shanghai time', () => {
    expect(reportTimeProblem(at('2026-12-06T11:35:01+08:00'), now)).toMatch(/^is in the future/)
    const p = reportTimeProblem(at('2030-01-01T00:00:00+08:00'), now)
    expect(p).toContain('2030-01-01 00:00')
    expect(p).toContain('2026-12-06 11:25')
    expect(p).not.toContain('Z')
  })

  it('refuses placeholder dates before 2000 (Excel 1900, Unix 1970) and takes 2000 on', () => {
    expect(reportTimeProblem(at('1970-01-01T00:00:00Z'), now)).toContain('before 2000-01-01')
    expect(reportTimeProblem(at('1900-01-01T00:00:00+08:00'), now)).toContain('before 2000-01-01')
    expect(reportTimeProblem(at('1999-12-31T23:59:59+08:00'), now)).not.toBeNull()
    expect(reportTimeProblem(at('2000-01-01T00:00:00+08:00'), now)).toBeNull()
  })
})
