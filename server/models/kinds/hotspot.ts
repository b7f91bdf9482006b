/**
 * Hot spot: Getis–Ord Gi* of H3 counts over the last `window.days` whole days, k-ring weights,
 * the district's cells as the study area, Benjamini–Hochberg; a hot cell's level comes from its
 * confidence (1 − q) against the thresholds (99 / 95 / 90 % by default). Titled by place
 * (village and nearest road or compound, ./places.ts), never by the cell's index.
 */
import { classifyHotSpots, getisOrdGiStar } from '../../analytics/index.ts'
import { addDays, dayStart, shanghaiDay } from '../../shared/time.ts'
import { districtCells, h3DailyCounts } from '../data.ts'
import type { DefinitionOf } from '../definition.ts'
import { modelFilter } from '../roles.ts'
import type { Detector, Finding } from '../types.ts'
import { fmt1, formatP, levelAtLeast, round6 } from '../util.ts'
import { type PlaceName, placeNames, titledByPlace } from './places.ts'

type Def = DefinitionOf<'hotspot'>

/**
 * Hot spot findings of per-cell counts (pure), titled by the cells' place names (by subject;
 * a cell without one is titled by its centre's coordinates).
 * @example hotSpotFindings(def, new Map([[cell, 20]]), studyArea)
 */
export function hotSpotFindings(
  def: Def,
  counts: ReadonlyMap<string, number>,
  studyArea: readonly string[] | undefined,
  names: ReadonlyMap<string, PlaceName> = new Map(),
): Finding[] {
  const gi = getisOrdGiStar(counts, {
    k: def.params.k,
    ...(studyArea && studyArea.length > 0 ? { studyArea: [...new Set([...studyArea, ...counts.keys()])].sort() } : {}),
  })
  const classes = classifyHotSpots(gi, { fdr: def.params.fdr, minConfidence: 90 })
  const out: Finding[] = []
  gi.forEach((g, i) => {
    const c = classes[i]!
    if (c.kind !== 'hot' || g.count < def.params.minCount) return
    const confidence = (1 - c.q) * 100
    const level = levelAtLeast(confidence, def.thresholds)
    if (!level) return
    out.push({
      subject: `h3:${g.cell}`,
      level,
      title: def.name.zh,
      explanation: `近${def.window.days}日 本格 ${g.count} 起、邻域（k=${def.params.k}，${g.neighbours}格）共 ${g.localSum} 起，Gi* z=${fmt1(g.z)}，${def.params.fdr ? 'FDR校正' : ''}p=${formatP(c.q)}（置信度 ${confidence >= 99.9 ? '>99.9' : fmt1(confidence)}%）`,
      metrics: { count: g.count, localSum: g.localSum, neighbours: g.neighbours, z: round6(g.z), p: round6(g.p), q: round6(c.q) },
      place: { kind: 'h3', cell: g.cell },
    })
  })
  return titledByPlace(out, names, () => def.name.zh)
}

/**
 * Per-cell totals of daily rows.
 * @example sumByUnit([{ unit: 'a', day: '2026-10-01', n: 2 }]) // Map { 'a' => 2 }
 */
export function sumByUnit(rows: readonly { unit: string; n: number }[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const r of rows) m.set(r.unit, (m.get(r.unit) ?? 0) + r.n)
  return m
}

export const detectHotSpot: Detector<'hotspot'> = async (sql, def, asOf) => {
  const end = shanghaiDay(asOf)
  const from = addDays(end, -def.window.days)
  const cats = (await modelFilter(sql, def)).items
  const counts = sumByUnit(await h3DailyCounts(sql, def.unit.res, cats, from, end))
  const study = await districtCells(sql, def.unit.res)
  const found = hotSpotFindings(def, counts, study)
  const findings = titledByPlace(found, await placeNames(sql, found), () => def.name.zh)
  return {
    findings,
    window: { from: dayStart(from), to: dayStart(end) },
    notes: { studyAreaCells: study.length, cellsWithData: counts.size },
  }
}
