/**
 * Emerging hot spot analysis on a space-time cube of H3 cell × time slice (e.g. week), after
 * ArcGIS's Emerging Hot Spot Analysis: Gi* per bin, Benjamini–Hochberg over all bins of the cube,
 * a Mann–Kendall test on each cell's Gi* z-series, then the documented pattern categories.
 *
 * Neighbourhood of bin (cell i, slice t): the k-ring of i within the study area, in slices
 * t − timeLag … t (timeLag = 0: the same slice only; timeLag ≥ 1 is ArcGIS's space-time
 * neighbourhood, which looks back in time, never forward, so the last slice is not judged on data
 * that does not exist yet). The mean and spread Gi* compares with come from the whole cube by
 * default, as ArcGIS does: a district-wide surge makes bins hotter and shows up as a trend.
 * `reference: 'slice'` compares each slice with itself instead (only with timeLag = 0), which
 * removes district-wide swings such as holidays and keeps only where events concentrate.
 *
 * Pattern rules (ArcGIS "Learn more about Emerging Hot Spot Analysis"; H = share of slices that
 * are significant hot spots, "final" = the last slice; cold patterns mirror them):
 *   historical   H ≥ 90 % and the final slice is not hot
 *   intensifying H ≥ 90 %, final hot, Mann–Kendall trend of z significantly increasing
 *   diminishing  H ≥ 90 %, final hot, trend significantly decreasing
 *   persistent   H ≥ 90 %, final hot, no significant trend
 *   oscillating  H < 90 %, final hot, and some earlier slice was a significant cold spot
 *   new          H < 90 %, final hot, never hot (nor cold) before
 *   consecutive  H < 90 %, final hot, all hot slices form one run of ≥ 2 at the end, never cold
 *   sporadic     H < 90 %, final hot, hot on and off before, never cold
 * Where ArcGIS's wording lets two categories match, the order above decides: a location that was
 * cold and is now hot is oscillating rather than new (the cold history is the news), which is
 * also how the R package sfdep reads the rules. A final slice that is neither hot nor cold can
 * only be historical (hot or cold) or no pattern.
 */
import { z } from 'zod'

import { twoSidedP } from './distributions.ts'
import { benjaminiHochberg } from './fdr.ts'
import { giStarZ, h3Neighbourhoods, h3StudyArea, meanSd } from './getis-ord.ts'
import { mannKendall, type MannKendallResult } from './mann-kendall.ts'

/** Parameters an emerging hot spot model definition embeds. */
export const EmergingParamsSchema = z.object({
  /** k-ring radius in space */
  k: z.number().int().min(1).max(5).default(1),
  /** previous slices included in a bin's neighbourhood (0 = same slice only) */
  timeLag: z.number().int().min(0).max(4).default(0),
  /** what Gi* compares a bin with: the whole cube (ArcGIS) or its own slice */
  reference: z.enum(['cube', 'slice']).default('cube'),
  /** Benjamini–Hochberg over all bins of the cube */
  fdr: z.boolean().default(true),
  /** a bin is a hot/cold spot when its (FDR-adjusted) p ≤ alpha; 0.10 = ArcGIS's 90 % */
  alpha: z.number().gt(0).max(0.2).default(0.1),
  /** the Mann–Kendall trend counts as significant when its p ≤ trendAlpha */
  trendAlpha: z.number().gt(0).max(0.2).default(0.05),
})
export type EmergingParams = z.infer<typeof EmergingParamsSchema>

export const EMERGING_KINDS = [
  'new',
  'consecutive',
  'intensifying',
  'persistent',
  'diminishing',
  'sporadic',
  'oscillating',
  'historical',
] as const
export type EmergingKind = (typeof EMERGING_KINDS)[number]
export type EmergingPattern = `${EmergingKind}_hot` | `${EmergingKind}_cold` | 'no_pattern'

export interface EmergingResult {
  cell: string
  pattern: EmergingPattern
  /** Gi* z-score per slice, oldest first */
  z: number[]
  /** per slice: 1 significant hot spot, −1 significant cold spot, 0 neither */
  bins: number[]
  /** Mann–Kendall test of the z-series */
  trend: MannKendallResult
}

const NINETY = 0.9

/** The hot-side category of a bin series (1 hot, −1 cold, 0 neither), or null. */
function hotPattern(bins: ArrayLike<number>, trendZ: number, trendSignificant: boolean): EmergingKind | null {
  const n = bins.length
  if (n === 0) return null
  let hot = 0
  let cold = 0
  for (let t = 0; t < n; t++) {
    if (bins[t] === 1) hot++
    else if (bins[t] === -1) cold++
  }
  const finalHot = bins[n - 1] === 1
  if (hot / n >= NINETY) {
    if (!finalHot) return 'historical'
    if (trendSignificant && trendZ > 0) return 'intensifying'
    if (trendSignificant && trendZ < 0) return 'diminishing'
    return 'persistent'
  }
  if (!finalHot) return null
  if (cold > 0) return 'oscillating'
  if (hot === 1) return 'new'
  let run = 0
  while (run < n && bins[n - 1 - run] === 1) run++
  return run === hot ? 'consecutive' : 'sporadic'
}

/**
 * ArcGIS emerging pattern of one location from its per-slice bins (1/−1/0) and its z-trend.
 * @example classifyEmergingPattern([0, 0, 0, 0, 1], { z: 1.2, p: 0.2 }) // 'new_hot'
 */
export function classifyEmergingPattern(bins: ArrayLike<number>, trend: { z: number; p: number }, trendAlpha = 0.05): EmergingPattern {
  const significant = trend.p <= trendAlpha
  const n = bins.length
  const last = n > 0 ? bins[n - 1] : 0
  // The final slice decides which side is read first; a neutral final slice can only be historical.
  const hot = hotPattern(bins, trend.z, significant)
  const mirrored = Array.from({ length: n }, (_, t) => -(bins[t] as number))
  const cold = hotPattern(mirrored, -trend.z, significant)
  if (last === -1) return cold ? `${cold}_cold` : hot ? `${hot}_hot` : 'no_pattern'
  if (hot) return `${hot}_hot`
  if (cold) return `${cold}_cold`
  return 'no_pattern'
}

/**
 * Emerging hot spot analysis of per-slice counts (oldest slice first) on H3 cells.
 * @example emergingHotSpots(weeks, { k: 1 }).filter((r) => r.pattern === 'new_hot')
 */
export function emergingHotSpots(
  slices: ReadonlyArray<ReadonlyMap<string, number>>,
  options: Partial<EmergingParams> & { studyArea?: readonly string[] } = {},
): EmergingResult[] {
  const p = EmergingParamsSchema.parse({ ...options, studyArea: undefined })
  if (p.reference === 'slice' && p.timeLag > 0) {
    throw new RangeError("emergingHotSpots: reference 'slice' needs timeLag 0 (a space-time neighbourhood spans slices)")
  }
  const T = slices.length
  if (T === 0) return []
  const cellsWithData = new Set<string>()
  for (const slice of slices) for (const c of slice.keys()) cellsWithData.add(c)
  const hood = h3Neighbourhoods(options.studyArea ?? h3StudyArea(cellsWithData, p.k), p.k)
  const n = hood.cells.length
  if (n === 0) return []

  // values[t·n + i]; spatial neighbourhood sums per slice, then summed over the time window.
  const values = new Float64Array(n * T)
  for (let t = 0; t < T; t++) {
    const slice = slices[t] as ReadonlyMap<string, number>
    for (let i = 0; i < n; i++) {
      const v = slice.get(hood.cells[i] as string) ?? 0
      if (!Number.isFinite(v)) throw new RangeError(`emergingHotSpots: slice ${t}, cell ${hood.cells[i]}: not finite`)
      values[t * n + i] = v
    }
  }
  const spatial = new Float64Array(n * T)
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) {
      const nb = hood.neighbours[i] as Int32Array
      let s = 0
      for (let j = 0; j < nb.length; j++) s += values[t * n + (nb[j] as number)] as number
      spatial[t * n + i] = s
    }
  }
  const cube = meanSd(values)
  const zs = new Float64Array(n * T)
  const ps = new Float64Array(n * T)
  for (let t = 0; t < T; t++) {
    const ref = p.reference === 'slice' ? meanSd(values.subarray(t * n, (t + 1) * n)) : cube
    const population = p.reference === 'slice' ? n : n * T
    const from = Math.max(0, t - p.timeLag)
    for (let i = 0; i < n; i++) {
      let local = 0
      for (let u = from; u <= t; u++) local += spatial[u * n + i] as number
      const w = (hood.neighbours[i] as Int32Array).length * (t - from + 1)
      const zi = giStarZ(local, w, population, ref.mean, ref.sd)
      zs[t * n + i] = zi
      ps[t * n + i] = twoSidedP(zi)
    }
  }
  const q = p.fdr ? benjaminiHochberg(ps) : ps

  return hood.cells.map((cell, i) => {
    const zSeries: number[] = []
    const bins: number[] = []
    for (let t = 0; t < T; t++) {
      const zi = zs[t * n + i] as number
      zSeries.push(zi)
      bins.push((q[t * n + i] as number) <= p.alpha && zi !== 0 ? Math.sign(zi) : 0)
    }
    const trend = mannKendall(zSeries)
    return { cell, pattern: classifyEmergingPattern(bins, trend, p.trendAlpha), z: zSeries, bins, trend }
  })
}
