/**
 * Getis–Ord Gi* hot spots on H3 cells (Getis & Ord 1992; Ord & Getis 1995), the statistic behind
 * ArcGIS's Hot Spot Analysis. Weights are binary: a cell's neighbourhood is its k-ring (gridDisk)
 * within the study area, including the cell itself (the "star"). For n cells with values x,
 *
 *   Gi* = (Σⱼ wᵢⱼxⱼ − X̄ Σⱼ wᵢⱼ) / (S √[(n Σⱼ wᵢⱼ² − (Σⱼ wᵢⱼ)²) / (n − 1)]),
 *   X̄ = Σx / n,  S = √(Σx² / n − X̄²),
 *
 * which is already a z-score; p is two-sided from the normal. With binary weights Σw = Σw² = the
 * neighbourhood size. The study area is the population the mean and spread come from, so cells
 * with no events must be in it: pass the district's cells explicitly, or take the default (cells
 * with data plus their k-ring), which only pads the edge of the data.
 */
import { getResolution, gridDisk, isValidCell } from 'h3-js'
import { z } from 'zod'

import { twoSidedP } from './distributions.ts'
import { benjaminiHochberg } from './fdr.ts'

/** Parameters a hot spot model definition embeds. */
export const HotSpotParamsSchema = z.object({
  /** k-ring radius of the neighbourhood (1 = the cell and its 6 neighbours) */
  k: z.number().int().min(1).max(5).default(1),
  /** Benjamini–Hochberg correction of the per-cell p-values (ArcGIS's FDR option) */
  fdr: z.boolean().default(true),
  /** lowest confidence level reported as a hot or cold spot */
  minConfidence: z.union([z.literal(90), z.literal(95), z.literal(99)]).default(90),
})
export type HotSpotParams = z.infer<typeof HotSpotParamsSchema>

/** The cells of a study area and, per cell, the indexes of its neighbourhood (itself included). */
export interface H3Neighbourhoods {
  cells: string[]
  index: Map<string, number>
  neighbours: Int32Array[]
}

export interface GiStarResult {
  cell: string
  /** the cell's own value (0 for a study-area cell without data) */
  count: number
  /** Σ of values over the neighbourhood */
  localSum: number
  /** neighbourhood size within the study area (self included) */
  neighbours: number
  z: number
  /** two-sided p-value of z */
  p: number
}

export type HotSpotLevel = 'red' | 'orange' | 'yellow'
export type Confidence = 0 | 90 | 95 | 99

export interface HotSpotCell {
  cell: string
  z: number
  p: number
  /** the p-value the levels were judged on: BH q-value with fdr, else p */
  q: number
  confidence: Confidence
  kind: 'hot' | 'cold' | 'none'
  /** warning colour for hot spots: red 99 %, orange 95 %, yellow 90 %; null for cold and none */
  level: HotSpotLevel | null
}

function checkResolution(cells: Iterable<string>): void {
  let res = -1
  for (const cell of cells) {
    if (!isValidCell(cell)) throw new RangeError(`not an H3 cell: ${cell}`)
    const r = getResolution(cell)
    if (res === -1) res = r
    else if (r !== res) throw new RangeError(`H3 cells of mixed resolutions (${res} and ${r}): Gi* needs one grid`)
  }
}

/**
 * The default study area: the given cells plus their k-ring, sorted (deterministic order).
 * @example h3StudyArea(['89309a4538bffff'], 1).length // 7
 */
export function h3StudyArea(cells: Iterable<string>, k: number): string[] {
  const out = new Set<string>()
  for (const cell of cells) for (const c of gridDisk(cell, k)) out.add(c)
  return [...out].sort()
}

/**
 * For each study-area cell, the indexes of its k-ring cells that lie in the study area.
 * @example h3Neighbourhoods(gridDisk(c, 1), 1).neighbours[0].length // 7 for the centre c
 */
export function h3Neighbourhoods(studyArea: readonly string[], k: number): H3Neighbourhoods {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`)
  checkResolution(studyArea)
  const index = new Map<string, number>()
  const cells: string[] = []
  for (const cell of studyArea) {
    if (index.has(cell)) continue // duplicates would double-count in the mean
    index.set(cell, cells.length)
    cells.push(cell)
  }
  const neighbours = cells.map((cell) => {
    const ids: number[] = []
    for (const c of gridDisk(cell, k)) {
      const j = index.get(c)
      if (j !== undefined) ids.push(j)
    }
    return Int32Array.from(ids.sort((a, b) => a - b))
  })
  return { cells, index, neighbours }
}

/**
 * Gi* z-score from a neighbourhood sum with binary weights; 0 when undefined (S = 0, or the
 * neighbourhood is the whole study area, so there is nothing to compare it with).
 * @example giStarZ(10, 4, 7, 10 / 7, Math.sqrt(600) / 7) // √3/2 ≈ 0.866
 */
export function giStarZ(localSum: number, weightSum: number, n: number, mean: number, sd: number): number {
  if (n < 2 || !(sd > 0)) return 0
  const spread = (n * weightSum - weightSum * weightSum) / (n - 1)
  if (!(spread > 0)) return 0
  return (localSum - mean * weightSum) / (sd * Math.sqrt(spread))
}

/**
 * Mean and population standard deviation (÷ n, as in Gi*), two-pass for accuracy.
 * @example meanSd([1, 2, 3]) // { mean: 2, sd: √(2/3) }
 */
export function meanSd(values: ArrayLike<number>): { mean: number; sd: number } {
  const n = values.length
  if (n === 0) return { mean: 0, sd: 0 }
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i] as number
  const mean = sum / n
  let ss = 0
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - mean) ** 2
  return { mean, sd: Math.sqrt(ss / n) }
}

/**
 * Gi* over plain arrays: values[i] and neighbours[i] (indexes into values, self included).
 * @example giStar([0, 10, 0], [[0, 1], [0, 1, 2], [1, 2]]).z
 */
export function giStar(
  values: ArrayLike<number>,
  neighbours: ReadonlyArray<ArrayLike<number>>,
): { z: Float64Array; p: Float64Array; localSum: Float64Array } {
  const n = values.length
  if (neighbours.length !== n) throw new RangeError(`giStar: ${n} values but ${neighbours.length} neighbourhoods`)
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i] as number)) throw new RangeError(`giStar: value ${i} is not finite`)
  }
  const { mean, sd } = meanSd(values)
  const zs = new Float64Array(n)
  const ps = new Float64Array(n)
  const sums = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const nb = neighbours[i] as ArrayLike<number>
    let local = 0
    for (let j = 0; j < nb.length; j++) local += values[nb[j] as number] as number
    sums[i] = local
    const zi = giStarZ(local, nb.length, n, mean, sd)
    zs[i] = zi
    ps[i] = twoSidedP(zi)
  }
  return { z: zs, p: ps, localSum: sums }
}

/**
 * Getis–Ord Gi* per H3 cell of the study area (counts outside it are ignored: the study area is
 * the population; default study area = the cells of `counts` plus their k-ring).
 * @example getisOrdGiStar(new Map([[cell, 12]]), { k: 1 }) // one result per cell of the 7-cell disk
 */
export function getisOrdGiStar(
  counts: ReadonlyMap<string, number>,
  options: { k?: number; studyArea?: readonly string[] } = {},
): GiStarResult[] {
  const k = options.k ?? 1
  const studyArea = options.studyArea ?? h3StudyArea(counts.keys(), k)
  const hood = h3Neighbourhoods(studyArea, k)
  const values = Float64Array.from(hood.cells, (c) => counts.get(c) ?? 0)
  const { z: zs, p: ps, localSum } = giStar(values, hood.neighbours)
  return hood.cells.map((cell, i) => ({
    cell,
    count: values[i] as number,
    localSum: localSum[i] as number,
    neighbours: (hood.neighbours[i] as Int32Array).length,
    z: zs[i] as number,
    p: ps[i] as number,
  }))
}

/**
 * The confidence bin of a (possibly FDR-adjusted) p-value: 99, 95, 90 or 0.
 * @example confidenceOf(0.03) // 95
 */
export function confidenceOf(p: number): Confidence {
  return p <= 0.01 ? 99 : p <= 0.05 ? 95 : p <= 0.1 ? 90 : 0
}

const LEVEL: Record<Exclude<Confidence, 0>, HotSpotLevel> = { 99: 'red', 95: 'orange', 90: 'yellow' }

/**
 * Hot/cold classes of Gi* results: with fdr, each cell is judged on its BH q-value, which is
 * ArcGIS's FDR rule per confidence level (q ≤ α ⇔ BH rejects at α).
 * @example classifyHotSpots(getisOrdGiStar(counts), { fdr: true }).filter((c) => c.level === 'red')
 */
export function classifyHotSpots(
  results: readonly Pick<GiStarResult, 'cell' | 'z' | 'p'>[],
  options: { fdr?: boolean; minConfidence?: 90 | 95 | 99 } = {},
): HotSpotCell[] {
  const fdr = options.fdr ?? true
  const min = options.minConfidence ?? 90
  const q = fdr ? benjaminiHochberg(results.map((r) => r.p)) : Float64Array.from(results, (r) => r.p)
  return results.map((r, i) => {
    const qi = q[i] as number
    let confidence = confidenceOf(qi)
    if (confidence < min || r.z === 0) confidence = 0
    const kind = confidence === 0 ? 'none' : r.z > 0 ? 'hot' : 'cold'
    return {
      cell: r.cell,
      z: r.z,
      p: r.p,
      q: qi,
      confidence,
      kind,
      level: kind === 'hot' && confidence !== 0 ? LEVEL[confidence] : null,
    }
  })
}
