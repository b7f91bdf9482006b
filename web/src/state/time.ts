/** Day ranges of the time bar (Asia/Shanghai days, as the API counts them), and playback stepping. */
import { addDays, daysBetween } from '../../../server/shared/time.ts'

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isDay(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && addDays(s, 0) === s
}

/** A period of whole days, `to` exclusive (as the API takes it). */
export interface DayRange {
  from: string
  to: string
}

/** The default period: the last 30 days up to and including `today` (the API's own default). */
export function defaultRange(today: string): DayRange {
  return { from: addDays(today, -29), to: addDays(today, 1) }
}

export type PlaybackStep = 'day' | 'week'

/** Playback speeds: steps per second. */
export const PLAYBACK_SPEEDS = [1, 2, 4] as const
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number]

/** Milliseconds between playback steps at a speed. */
export function stepInterval(speed: PlaybackSpeed): number {
  return 1000 / speed
}

/**
 * The window one playback step later: it keeps its length and moves by a day or a week. Past the
 * domain's end it wraps to the domain's start (so playback can loop); null when the window does
 * not fit in the domain at all.
 */
export function stepWindow(window: DayRange, step: PlaybackStep, domain: DayRange): DayRange | null {
  const length = daysBetween(window.from, window.to)
  if (length < 1 || length > daysBetween(domain.from, domain.to)) return null
  const by = step === 'day' ? 1 : 7
  const next = { from: addDays(window.from, by), to: addDays(window.to, by) }
  if (next.to > domain.to) return { from: domain.from, to: addDays(domain.from, length) }
  return next
}

/** Clamps a period into a domain, keeping at least one day. */
export function clampRange(r: DayRange, domain: DayRange): DayRange {
  const from = r.from < domain.from ? domain.from : r.from > addDays(domain.to, -1) ? addDays(domain.to, -1) : r.from
  let to = r.to > domain.to ? domain.to : r.to
  if (to <= from) to = addDays(from, 1)
  return { from, to }
}
