/**
 * Category concentration: each area's count of the definition's categories over the window per
 * 10,000 residents (admin_areas.population) against the district rate (all areas' count over
 * all areas' population), exact one-sided Poisson test, Benjamini–Hochberg over areas.
 */
import { benjaminiHochberg, ratePer10k, rateVsReference } from '../../analytics/index.ts'
import { addDays, dayStart, shanghaiDay } from '../../shared/time.ts'
import { areaDailyCounts, type AreaInfo, areasOfLevel } from '../data.ts'
import type { DefinitionOf } from '../definition.ts'
import { modelFilter } from '../roles.ts'
import type { Detector, Finding } from '../types.ts'
import { fmt1, formatP, levelAtMost, round6 } from '../util.ts'
import { sumByUnit } from './hotspot.ts'

type Def = DefinitionOf<'concentration'>

/** Concentration findings of per-area counts and populations (pure). */
export function concentrationFindings(
  def: Def,
  counts: ReadonlyMap<string, number>,
  areas: readonly AreaInfo[],
  label: string,
): { findings: Finding[]; districtPer10k: number } {
  const units = areas.filter((a) => (a.population ?? 0) > 0)
  const total = units.reduce((s, a) => s + (counts.get(a.code) ?? 0), 0)
  const population = units.reduce((s, a) => s + (a.population ?? 0), 0)
  if (population === 0 || total === 0) return { findings: [], districtPer10k: 0 }
  const ref = ratePer10k(total, population)
  const tests = units.map((a) => ({ a, t: rateVsReference(counts.get(a.code) ?? 0, a.population!, ref) }))
  const q = def.params.fdr ? benjaminiHochberg(tests.map((x) => x.t.pHigher)) : Float64Array.from(tests, (x) => x.t.pHigher)
  const findings: Finding[] = []
  tests.forEach(({ a, t }, i) => {
    const qi = q[i] as number
    if (t.observed < def.params.minCount || !(t.ratio >= def.params.minRatio)) return
    const level = levelAtMost(qi, def.thresholds)
    if (!level) return
    const rate = ratePer10k(t.observed, a.population!)
    findings.push({
      subject: `${def.unit.level}:${a.code}`,
      level,
      title: `${def.name.zh}：${a.name}`,
      explanation: `近${def.window.days}日${label} ${t.observed} 起，每万人 ${fmt1(rate)} 起，全区每万人 ${fmt1(ref)} 起（${fmt1(t.ratio)} 倍），泊松超越概率 ${formatP(t.pHigher)}${def.params.fdr ? `（FDR校正后 ${formatP(qi)}）` : ''}`,
      metrics: {
        observed: t.observed,
        expected: round6(t.expected),
        population: a.population,
        per10k: round6(rate),
        districtPer10k: round6(ref),
        ratio: round6(t.ratio),
        p: round6(t.pHigher),
        q: round6(qi),
      },
      place: { kind: 'area', code: a.code },
    })
  })
  return { findings, districtPer10k: ref }
}

export const detectConcentration: Detector<'concentration'> = async (sql, def, asOf) => {
  const end = shanghaiDay(asOf)
  const from = addDays(end, -def.window.days)
  const filter = await modelFilter(sql, def)
  const counts = sumByUnit(await areaDailyCounts(sql, def.unit.level, filter.items, from, end))
  const label = filter.words.join('、') || '警情'
  const { findings, districtPer10k } = concentrationFindings(def, counts, await areasOfLevel(sql, def.unit.level), label)
  return { findings, window: { from: dayStart(from), to: dayStart(end) }, notes: { districtPer10k: round6(districtPer10k) } }
}
