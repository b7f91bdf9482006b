/**
 * Small pure helpers the detectors share: Asia/Shanghai days, level choice, number wording.
 */
import type { Level } from './definition.ts'

const SHANGHAI_MS = 8 * 3600_000
const DAY_MS = 86_400_000

/**
 * The Asia/Shanghai calendar day of an instant.
 * @example shanghaiDayOf(new Date('2026-10-31T16:30:00Z')) // '2026-11-01'
 */
export function shanghaiDayOf(t: Date): string {
  return new Date(t.getTime() + SHANGHAI_MS).toISOString().slice(0, 10)
}

/**
 * A day `n` days after `day` (negative: before).
 * @example addDays('2026-11-01', -7) // '2026-10-25'
 */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)
}

/**
 * The instant an Asia/Shanghai day starts.
 * @example dayStart('2026-11-01').toISOString() // '2026-10-31T16:00:00.000Z'
 */
export function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00+08:00`)
}

/**
 * Whole days between two days (b − a).
 * @example daysBetween('2026-10-25', '2026-11-01') // 7
 */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS)
}

/**
 * Level for a value where smaller is stronger (p-values): red if ≤ red, …; null below yellow.
 * @example levelAtMost(0.0005, { red: 0.0001, orange: 0.001, yellow: 0.01 }) // 'orange'
 */
export function levelAtMost(v: number, t: { red: number; orange: number; yellow: number }): Level | null {
  return v <= t.red ? 'red' : v <= t.orange ? 'orange' : v <= t.yellow ? 'yellow' : null
}

/**
 * Level for a value where larger is more severe (counts, days, confidence).
 * @example levelAtLeast(6, { red: 8, orange: 6, yellow: 4 }) // 'orange'
 */
export function levelAtLeast(v: number, t: { red: number; orange: number; yellow: number }): Level | null {
  return v >= t.red ? 'red' : v >= t.orange ? 'orange' : v >= t.yellow ? 'yellow' : null
}

/**
 * One level more severe (red stays red).
 * @example raiseLevel('yellow') // 'orange'
 */
export function raiseLevel(l: Level): Level {
  return l === 'yellow' ? 'orange' : 'red'
}

/**
 * A probability in words: four decimals, or "<0.0001".
 * @example formatP(0.00037) // '0.0004'
 */
export function formatP(p: number): string {
  return p < 0.0001 ? '<0.0001' : p.toFixed(4)
}

/**
 * A number with at most one decimal, no trailing ".0".
 * @example fmt1(3.14) // '3.1'
 */
export function fmt1(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 10) / 10) : '—'
}

/**
 * Rounds to 6 significant digits so recorded metrics compare equal across runs and databases.
 * @example round6(0.123456789) // 0.123457
 */
export function round6(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x
}

/**
 * A Shanghai day as 10月30日.
 * @example zhDate(new Date('2026-10-30T02:00:00Z')) // '10月30日'
 */
export function zhDate(t: Date): string {
  const d = shanghaiDayOf(t)
  return `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`
}

/** Compares strings for stable sort orders. */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
