/**
 * Small pure helpers the detectors share: level choice, number wording (days: server/shared/time.ts).
 */
import { shanghaiDay } from '../shared/time.ts'
import type { Level } from './definition.ts'

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
 * Level for a value where smaller is worse (rates): red if below red, …; null at or above yellow.
 * @example levelBelow(92.5, { red: 90, orange: 95, yellow: 97 }) // 'orange'
 * @example levelBelow(90, { red: 90, orange: 95, yellow: 97 }) // 'orange'
 */
export function levelBelow(v: number, t: { red: number; orange: number; yellow: number }): Level | null {
  return v < t.red ? 'red' : v < t.orange ? 'orange' : v < t.yellow ? 'yellow' : null
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
  const d = shanghaiDay(t)
  return `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`
}

/** Compares strings for stable sort orders. */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
