/** The clock and "how fresh is what is on screen" for the wall's status bar. */
import { SHANGHAI_OFFSET_MS } from '../../../server/shared/time.ts'
import type { Lang } from '../i18n/strings.ts'
import type { StreamState } from '../live/stream.ts'
import { wt } from './strings.ts'

/**
 * A short "time since" in words.
 * @example formatAge(65_000, 'zh') // '1 分钟前'
 */
export function formatAge(ms: number, lang: Lang): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 5) return wt('age.now', lang)
  if (s < 60) return wt('age.seconds', lang, { n: s })
  if (s < 3600) return wt('age.minutes', lang, { n: Math.floor(s / 60) })
  if (s < 86_400) return wt('age.hours', lang, { n: Math.floor(s / 3600) })
  return wt('age.days', lang, { n: Math.floor(s / 86_400) })
}

export type { StreamState }

/** Data older than this is shown as stale even while the stream is up (the polls have failed). */
export const DATA_STALE_MS = 3 * 60_000

/**
 * Whether the screen must say its numbers may be out of date: the stream is down (after its first
 * connection), or the last good data refresh is too old.
 * @example isStale({ stream: 'reconnecting', lastDataMs: 0, nowMs: 1000 }) // true
 */
export function isStale(s: { stream: StreamState; lastDataMs: number | null; nowMs: number }, staleMs: number = DATA_STALE_MS): boolean {
  if (s.stream === 'reconnecting') return true
  return s.lastDataMs !== null && s.nowMs - s.lastDataMs > staleMs
}

const pad = (n: number) => String(n).padStart(2, '0')

/** Wall clock parts in Asia/Shanghai (the command center's time, whatever the screen's zone). */
export interface ClockParts {
  time: string
  date: string
  weekday: number
}

/**
 * The Shanghai time of an instant (China has no DST: a fixed +8 h is exact).
 * @example shanghaiClock(new Date('2026-11-22T16:05:09Z')) // { time: '00:05:09', date: '2026-11-23', weekday: 1 }
 */
export function shanghaiClock(now: Date): ClockParts {
  const d = new Date(now.getTime() + SHANGHAI_OFFSET_MS)
  return {
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    weekday: d.getUTCDay(),
  }
}

const WEEKDAYS: Record<Lang, readonly string[]> = {
  zh: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
}

/** @example weekdayName(1, 'zh') // '星期一' */
export function weekdayName(weekday: number, lang: Lang): string {
  return WEEKDAYS[lang][weekday] ?? ''
}
