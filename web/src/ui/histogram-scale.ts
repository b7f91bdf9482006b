/** The time histogram's geometry: bars from a time series, and pixels ↔ days for brushing. */
import { addDays, daysBetween } from '../../../server/shared/time.ts'
import type { DayRange } from '../state/time.ts'

export interface Bar {
  /** First day of the bucket. */
  day: string
  /** Days in the bucket (1 for day buckets, 7 for weeks, the last may be shorter). */
  days: number
  n: number
  x: number
  width: number
  height: number
  /** Whether the bucket lies in the chosen period (at least partly). */
  selected: boolean
}

/**
 * Lays the series out in `width` × `height` pixels over the domain: one bar per bucket, heights
 * proportional to the count (the tallest bar fills the height), marked when inside `selection`.
 */
export function layoutBars(
  series: readonly { bucket: string; n: number }[],
  domain: DayRange,
  selection: DayRange,
  width: number,
  height: number,
): Bar[] {
  const total = daysBetween(domain.from, domain.to)
  if (total <= 0) return []
  const max = Math.max(1, ...series.map((s) => s.n))
  const px = width / total
  return series.map((s, i) => {
    const day = s.bucket.slice(0, 10)
    const next = series[i + 1]?.bucket.slice(0, 10) ?? domain.to
    const start = Math.max(0, daysBetween(domain.from, day))
    const days = Math.max(1, Math.min(daysBetween(day, next), total - start))
    const end = addDays(day, days)
    return {
      day,
      days,
      n: s.n,
      x: start * px,
      width: Math.max(1, days * px - (days * px > 3 ? 1 : 0)),
      height: Math.round((s.n / max) * height * 10) / 10,
      selected: end > selection.from && day < selection.to,
    }
  })
}

/** The day under pixel `x` of a histogram `width` wide over the domain (clamped into it). */
export function dayAtX(x: number, width: number, domain: DayRange): string {
  const total = daysBetween(domain.from, domain.to)
  const i = Math.min(total - 1, Math.max(0, Math.floor((x / width) * total)))
  return addDays(domain.from, i)
}

/** The pixel span of a period over the domain. */
export function rangeToPixels(r: DayRange, width: number, domain: DayRange): { x: number; width: number } {
  const total = daysBetween(domain.from, domain.to)
  const x = (daysBetween(domain.from, r.from) / total) * width
  return { x, width: (daysBetween(r.from, r.to) / total) * width }
}

/** The period a brush from day `a` to day `b` (either order, both inclusive) selects. */
export function brushRange(a: string, b: string): DayRange {
  return a <= b ? { from: a, to: addDays(b, 1) } : { from: b, to: addDays(a, 1) }
}

/** Week buckets when days would be thinner than a pixel and a half, else days. */
export function pickBucket(domain: DayRange, width: number): 'day' | 'week' {
  return width / daysBetween(domain.from, domain.to) < 1.5 ? 'week' : 'day'
}
