/**
 * Live runs and previews. A run judges the data as at `asOf`. When `asOf` is now (the scheduler,
 * start-up, a manual "run now") the run is live: it raises, re-triggers and expires warnings.
 * When `asOf` is in the past (a supervisor asking "what would this model have said last May?", a
 * backtest) the run is a preview: its findings are stored with the run and readable, but it raises
 * no warning and touches no open one — yesterday's data must never turn today's warning red.
 *
 * "Now" has a tolerance of 10 minutes either way, so a client whose clock is a little off, or a
 * run that waited in the queue, still runs live; an `asOf` more than 10 minutes ahead is refused
 * (there is no data from the future to judge).
 */
import { z } from 'zod'

export const RunModeSchema = z.enum(['live', 'preview'])
export type RunMode = z.infer<typeof RunModeSchema>

/** How far `asOf` may be from now and still be "now". */
export const LIVE_TOLERANCE_MS = 10 * 60_000

/**
 * The mode a run at `asOf` takes at `now`: 'live' within the tolerance, 'preview' before it,
 * 'future' (to refuse) after it.
 * @example runModeAt(new Date('2026-05-31T16:00:00Z'), new Date('2026-12-06T03:00:00Z')) // 'preview'
 * @example runModeAt(new Date('2026-12-06T02:55:00Z'), new Date('2026-12-06T03:00:00Z')) // 'live'
 */
export function runModeAt(asOf: Date, now: Date): RunMode | 'future' {
  const ahead = asOf.getTime() - now.getTime()
  if (ahead > LIVE_TOLERANCE_MS) return 'future'
  return ahead < -LIVE_TOLERANCE_MS ? 'preview' : 'live'
}
