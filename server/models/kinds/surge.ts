/**
 * Surge: each unit's count over the last `window.days` whole days against the same weekdays of
 * the previous `baseline.weeks` weeks (mean of those weeks), one-sided exact Poisson tail
 * P(X ≥ observed | expected), Benjamini–Hochberg over all units with data. Whole Asia/Shanghai
 * days before the as-of day, read from the rollups. An area is named by its name, an H3 cell by
 * its place (village and nearest road or compound, ./places.ts), never by its index.
 */
import { benjaminiHochberg, poissonUpperTail } from '../../analytics/index.ts'
import { addDays, daysBetween, dayStart, shanghaiDay } from '../../shared/time.ts'
import { areaDailyCounts, areaNames, h3DailyCounts, type UnitDayCount } from '../data.ts'
import type { DefinitionOf } from '../definition.ts'
import { modelFilter } from '../roles.ts'
import type { Detector, Finding } from '../types.ts'
import { byString, fmt1, formatP, levelAtMost, round6 } from '../util.ts'
import { type PlaceName, placeNames, titledByPlace } from './places.ts'

type Def = DefinitionOf<'surge'>

export interface SurgeStat {
  unit: string
  observed: number
  expected: number
  p: number
  q: number
}

/**
 * Observed and expected counts per unit: window [end − W, end), baseline week j = [end − W − 7j, end − 7j).
 * @example surgeStats(rows, '2026-11-01', 7, 8, 0.5)[0] // { unit, observed: 12, expected: 3.1, p, q }
 */
export function surgeStats(
  rows: readonly UnitDayCount[],
  endDay: string,
  days: number,
  weeks: number,
  minExpected: number,
  fdr = true,
): SurgeStat[] {
  const per = new Map<string, { obs: number; base: number }>()
  for (const r of rows) {
    const back = daysBetween(r.day, endDay) // 1 = the last day of the window
    if (back < 1) continue
    let s = per.get(r.unit)
    if (!s) per.set(r.unit, (s = { obs: 0, base: 0 }))
    if (back <= days) s.obs += r.n
    else {
      const offset = (back - 1) % 7 // position within its week, counted back from the window's end
      const week = Math.floor((back - 1) / 7)
      if (week >= 1 && week <= weeks && offset < days) s.base += r.n
    }
  }
  const units = [...per.keys()].sort(byString)
  const stats = units.map((unit) => {
    const s = per.get(unit)!
    const expected = s.base / weeks
    return { unit, observed: s.obs, expected, p: poissonUpperTail(s.obs, Math.max(expected, minExpected)), q: 0 }
  })
  const q = fdr ? benjaminiHochberg(stats.map((s) => s.p)) : Float64Array.from(stats, (s) => s.p)
  stats.forEach((s, i) => (s.q = q[i] as number))
  return stats
}

/** The surge findings of computed stats (pure): areas named by `names` (by code), H3 cells by `places` (by subject). */
export function surgeFindings(
  def: Def,
  stats: readonly SurgeStat[],
  names: ReadonlyMap<string, string>,
  places: ReadonlyMap<string, PlaceName> = new Map(),
): Finding[] {
  const out: Finding[] = []
  for (const s of stats) {
    if (s.observed < def.params.minCount || s.observed <= s.expected) continue
    const level = levelAtMost(s.q, def.thresholds)
    if (!level) continue
    const isH3 = def.unit.kind === 'h3'
    const name = isH3 ? '' : (names.get(s.unit) ?? s.unit)
    const fdrNote = def.params.fdr ? `（FDR校正后 ${formatP(s.q)}）` : ''
    out.push({
      subject: `${isH3 ? 'h3' : def.unit.kind === 'area' ? def.unit.level : 'unit'}:${s.unit}`,
      level,
      title: isH3 ? def.name.zh : `${def.name.zh}：${name}`,
      explanation: `近${def.window.days}日 ${s.observed} 起，前${def.baseline.weeks}周同期均值 ${fmt1(s.expected)} 起，泊松超越概率 ${formatP(s.p)}${fdrNote}`,
      metrics: { observed: s.observed, expected: round6(s.expected), p: round6(s.p), q: round6(s.q) },
      place: isH3 ? { kind: 'h3', cell: s.unit } : { kind: 'area', code: s.unit },
    })
  }
  return def.unit.kind === 'h3' ? titledByPlace(out, places, () => def.name.zh) : out
}

export const detectSurge: Detector<'surge'> = async (sql, def, asOf) => {
  const end = shanghaiDay(asOf)
  const from = addDays(end, -(def.window.days + 7 * def.baseline.weeks))
  const cats = (await modelFilter(sql, def)).items
  const rows =
    def.unit.kind === 'h3'
      ? await h3DailyCounts(sql, def.unit.res, cats, from, end)
      : await areaDailyCounts(sql, def.unit.level, cats, from, end)
  const stats = surgeStats(rows, end, def.window.days, def.baseline.weeks, def.params.minExpected, def.params.fdr)
  const names =
    def.unit.kind === 'area'
      ? await areaNames(
          sql,
          stats.filter((s) => s.observed >= def.params.minCount).map((s) => s.unit),
        )
      : new Map<string, string>()
  const found = surgeFindings(def, stats, names)
  const findings = def.unit.kind === 'h3' ? titledByPlace(found, await placeNames(sql, found), () => def.name.zh) : found
  return { findings, window: { from: dayStart(from), to: dayStart(end) }, notes: { units: stats.length } }
}
