/** Which runs act on live warnings: those judging "now" (10 minutes either way); a past date only previews. */
import { describe, expect, it } from 'vitest'

import { runModeAt } from './mode.ts'

const NOW = new Date('2026-12-06T03:00:00Z')
const min = (n: number) => new Date(NOW.getTime() + n * 60_000)

describe('run mode', () => {
  it('a supervisor asking about last May gets a preview; a run for now, or a run that waited a few minutes in the queue, is live', () => {
    expect(runModeAt(new Date('2026-05-31T16:00:00Z'), NOW)).toBe('preview')
    expect(runModeAt(min(-11), NOW)).toBe('preview')
    expect(runModeAt(min(-10), NOW)).toBe('live')
    expect(runModeAt(NOW, NOW)).toBe('live')
    expect(runModeAt(min(9), NOW)).toBe('live') // a client clock a little ahead
  })

  it('an as-of more than 10 minutes ahead is refused (no data from the future)', () => {
    expect(runModeAt(min(11), NOW)).toBe('future')
    expect(runModeAt(new Date('2030-01-01T00:00:00Z'), NOW)).toBe('future')
  })
})
