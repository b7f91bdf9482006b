/**
 * Emerging hot spot: a space-time cube of H3 cells × weekly slices ending at the as-of day, Gi* per
 * bin, Mann–Kendall on each cell's z-series, ArcGIS pattern categories (server/analytics/emerging.ts);
 * a hot pattern's level is the threshold list it is in (definition.ts EMERGING_LEVELS documents
 * the default mapping); cold patterns never warn. Titled by place (village and nearest road or
 * compound, ./places.ts), never by the cell's index.
 */
import { emergingHotSpots, type EmergingKind, type EmergingResult } from '../../analytics/index.ts'
import { addDays, daysBetween, dayStart, shanghaiDay } from '../../shared/time.ts'
import { districtCells, h3DailyCounts, type UnitDayCount } from '../data.ts'
import type { DefinitionOf, Level } from '../definition.ts'
import { modelFilter } from '../roles.ts'
import type { Detector, Finding } from '../types.ts'
import { fmt1, formatP, round6 } from '../util.ts'
import { type PlaceName, placeNames, titledByPlace } from './places.ts'

type Def = DefinitionOf<'emerging'>

export const EMERGING_NAMES: Readonly<Record<EmergingKind, string>> = {
  new: '新增热点',
  consecutive: '连续热点',
  intensifying: '加剧热点',
  persistent: '持续热点',
  diminishing: '减弱热点',
  sporadic: '零星热点',
  oscillating: '振荡热点',
  historical: '历史热点',
}

/**
 * Daily rows into weekly slices, oldest first: slice t covers [end − 7(T − t), end − 7(T − t − 1)).
 * @example weeklySlices(rows, '2026-11-01', 12).length // 12
 */
export function weeklySlices(rows: readonly UnitDayCount[], endDay: string, weeks: number): Map<string, number>[] {
  const slices = Array.from({ length: weeks }, () => new Map<string, number>())
  for (const r of rows) {
    const back = daysBetween(r.day, endDay)
    if (back < 1 || back > weeks * 7) continue
    const s = slices[weeks - 1 - Math.floor((back - 1) / 7)]!
    s.set(r.unit, (s.get(r.unit) ?? 0) + r.n)
  }
  return slices
}

/**
 * The level of a pattern under the definition's lists, or null.
 * @example emergingLevel(def, 'new_hot') // 'red'
 */
export function emergingLevel(def: Def, pattern: EmergingResult['pattern']): { level: Level; kind: EmergingKind } | null {
  if (!pattern.endsWith('_hot')) return null
  const kind = pattern.slice(0, -4) as EmergingKind
  for (const level of ['red', 'orange', 'yellow'] as const)
    if ((def.thresholds[level] as readonly string[]).includes(kind)) return { level, kind }
  return null
}

/**
 * A finding's title before its place: the model's name and the pattern's.
 * @example emergingHead(def, { metrics: { pattern: 'new_hot' } }) // '新兴热点（新增热点）'
 */
export function emergingHead(def: Def, f: Pick<Finding, 'metrics'>): string {
  const kind = String(f.metrics.pattern).replace(/_hot$/, '') as EmergingKind
  return EMERGING_NAMES[kind] ? `${def.name.zh}（${EMERGING_NAMES[kind]}）` : def.name.zh
}

/** Emerging hot spot findings of weekly slices (pure), titled by the cells' place names (by subject). */
export function emergingFindings(
  def: Def,
  slices: ReadonlyArray<ReadonlyMap<string, number>>,
  studyArea: readonly string[] | undefined,
  names: ReadonlyMap<string, PlaceName> = new Map(),
): Finding[] {
  const cells = new Set<string>(studyArea ?? [])
  for (const s of slices) for (const c of s.keys()) cells.add(c)
  const { minCount: _minCount, minLastCount: _minLastCount, ...params } = def.params
  const results = emergingHotSpots(slices, {
    ...params,
    reference: def.baseline.kind,
    ...(studyArea && studyArea.length > 0 ? { studyArea: [...cells].sort() } : {}),
  })
  const weeks = slices.length
  const out: Finding[] = []
  for (const r of results) {
    const hit = emergingLevel(def, r.pattern)
    if (!hit) continue
    const hotWeeks = r.bins.filter((b) => b === 1).length
    const lastZ = r.z[r.z.length - 1] ?? 0
    const lastCount = slices[weeks - 1]?.get(r.cell) ?? 0
    const total = slices.reduce((s, m) => s + (m.get(r.cell) ?? 0), 0)
    if (total < def.params.minCount || lastCount < def.params.minLastCount) continue
    out.push({
      subject: `h3:${r.cell}`,
      level: hit.level,
      title: def.name.zh,
      explanation: `${EMERGING_NAMES[hit.kind]}：近${weeks}周中 ${hotWeeks} 周为显著热点，末周 ${lastCount} 起（${weeks}周共 ${total} 起），末周 Gi* z=${fmt1(lastZ)}，Mann-Kendall 趋势 z=${fmt1(r.trend.z)}（p=${formatP(r.trend.p)}）`,
      metrics: {
        pattern: r.pattern,
        hotWeeks,
        weeks,
        lastWeekCount: lastCount,
        total,
        lastZ: round6(lastZ),
        trendZ: round6(r.trend.z),
        trendP: round6(r.trend.p),
      },
      place: { kind: 'h3', cell: r.cell },
    })
  }
  return titledByPlace(out, names, (f) => emergingHead(def, f))
}

export const detectEmerging: Detector<'emerging'> = async (sql, def, asOf) => {
  const end = shanghaiDay(asOf)
  const weeks = def.window.days / 7
  const from = addDays(end, -def.window.days)
  const cats = (await modelFilter(sql, def)).items
  const slices = weeklySlices(await h3DailyCounts(sql, def.unit.res, cats, from, end), end, weeks)
  const study = await districtCells(sql, def.unit.res)
  const found = emergingFindings(def, slices, study)
  const findings = titledByPlace(found, await placeNames(sql, found), (f) => emergingHead(def, f))
  return { findings, window: { from: dayStart(from), to: dayStart(end) }, notes: { weeks, studyAreaCells: study.length } }
}
