/** Reconnect policy for the live stream and the data polls: exponential backoff with jitter. */

export interface BackoffOptions {
  /** First delay (ms). */
  baseMs: number
  /** Longest delay (ms): a wall should not wait minutes to notice the server is back. */
  maxMs: number
  /** Share of the delay randomised (0–1), so many screens do not reconnect in lockstep. */
  jitter: number
}

export const STREAM_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000, jitter: 0.2 }

/**
 * The delay before reconnect attempt `attempt` (1 = the first retry): base·2^(attempt−1) capped
 * at max, then moved by up to ±jitter/2 of itself. `random` is injectable for tests.
 * @example reconnectDelay(3, { baseMs: 1000, maxMs: 30000, jitter: 0 }) // 4000
 */
export function reconnectDelay(attempt: number, opts: BackoffOptions = STREAM_BACKOFF, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt))
  // 2^30 is already past any sensible cap; stop growing the exponent before it overflows.
  const raw = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(n - 1, 30))
  const spread = raw * opts.jitter
  return Math.max(0, Math.round(raw - spread / 2 + spread * random()))
}

export interface ReloadPolicy {
  /** How long the stream may be down before a reload is considered (ms). */
  afterDownMs: number
  /** At least this many failed attempts first (a single long hang is not enough). */
  minAttempts: number
}

/** A reload throws away the screen for a moment: only after a long outage, never as a first resort. */
export const RELOAD_POLICY: ReloadPolicy = { afterDownMs: 10 * 60_000, minAttempts: 10 }

/**
 * Whether to reload the page as a last resort: the stream has been down long enough, retried
 * often enough, and the server answers again right now (so the reload cannot land on an error
 * page and leave the wall blank).
 * @example shouldReload({ downSinceMs: 0, nowMs: 11 * 60_000, attempts: 12, serverUp: true }) // true
 */
export function shouldReload(
  s: { downSinceMs: number | null; nowMs: number; attempts: number; serverUp: boolean },
  policy: ReloadPolicy = RELOAD_POLICY,
): boolean {
  if (s.downSinceMs === null || !s.serverUp) return false
  return s.nowMs - s.downSinceMs >= policy.afterDownMs && s.attempts >= policy.minAttempts
}
