/**
 * Near-repeat: the Knox test (pairs within spaceM metres and timeDays days, Monte Carlo
 * permutations of the times, seeded so a rerun gives the same p) over the window's events of the
 * definition's categories decides whether near-repeats happen more than chance; only then are
 * active zones (linked series whose latest pair is within recentDays of the as-of time) warned,
 * levelled by their number of events. A zone's subject is the res-8 H3 cell of its centre, so the
 * same series growing over the next runs updates one warning; its title names the place (village
 * and the nearest road or compound within spaceM of the centre, ./places.ts), not the cell.
 */
import { latLngToCell } from 'h3-js'

import { type KnoxResult, knoxTest, nearRepeatZones, type SpaceTimeEvent } from '../../analytics/index.ts'
import { type IncidentPoint, incidentPoints } from '../data.ts'
import type { DefinitionOf } from '../definition.ts'
import { modelFilter } from '../roles.ts'
import type { Detection, Detector, Finding } from '../types.ts'
import { fmt1, formatP, levelAtLeast, round6, zhDate } from '../util.ts'
import { type PlaceName, placeNames, titledByPlace } from './places.ts'

type Def = DefinitionOf<'near_repeat'>
const DAY_MS = 86_400_000

/** Knox result and active zones of a point list (pure; times in days since the epoch), zones titled by `names` (by subject). */
export function nearRepeatFindings(
  def: Def,
  points: readonly IncidentPoint[],
  asOf: Date,
  categoryLabel: string,
  names: ReadonlyMap<string, PlaceName> = new Map(),
): { findings: Finding[]; knox: KnoxResult } {
  const events: SpaceTimeEvent[] = points.map((p) => ({ x: p.lng, y: p.lat, t: p.t.getTime() / DAY_MS }))
  const { spaceM, timeDays, recentDays, permutations, seed, alpha } = def.params
  const knox = knoxTest(events, { spaceM, timeDays, permutations, seed, coords: 'lnglat' })
  if (knox.p === null || knox.p > alpha || !(knox.ratio > 1)) return { findings: [], knox }
  const zones = nearRepeatZones(events, spaceM, timeDays, asOf.getTime() / DAY_MS, { recentDays, coords: 'lnglat' })
  const findings: Finding[] = []
  const seen = new Set<string>()
  for (const z of zones) {
    const level = levelAtLeast(z.events.length, def.thresholds)
    if (!level) continue
    const cell = latLngToCell(z.centre.y, z.centre.x, 8)
    if (seen.has(cell)) continue // two series in one cell: the newer (listed first) stands for it
    seen.add(cell)
    const first = new Date(z.firstT * DAY_MS)
    const last = new Date(z.lastT * DAY_MS)
    findings.push({
      subject: `zone:${cell}`,
      level,
      title: def.name.zh,
      explanation: `${zhDate(first)}至${zhDate(last)}，${spaceM}米、${timeDays}日内相继发生${categoryLabel} ${z.events.length} 起；近${Math.round(def.window.days)}日 Knox 检验近重复对 ${knox.observed} 对，期望 ${fmt1(knox.expected)} 对（${fmt1(knox.ratio)} 倍，p=${formatP(knox.p)}）`,
      metrics: {
        events: z.events.length,
        incidentIds: z.events.map((i) => points[i]!.id).join(','),
        first: first.toISOString(),
        last: last.toISOString(),
        knoxObserved: knox.observed,
        knoxExpected: round6(knox.expected),
        knoxP: knox.p,
      },
      place: { kind: 'point', lng: round6(z.centre.x), lat: round6(z.centre.y) },
    })
  }
  return { findings: titledByPlace(findings, names, () => def.name.zh).sort((a, b) => (a.subject < b.subject ? -1 : 1)), knox }
}

export const detectNearRepeat: Detector<'near_repeat'> = async (sql, def, asOf): Promise<Detection> => {
  const from = new Date(asOf.getTime() - def.window.days * DAY_MS)
  // Burglaries and e-bike thefts (the roles, or the definition's own codes).
  const filter = await modelFilter(sql, def)
  const points = await incidentPoints(sql, filter.items, from, asOf)
  const label = filter.words.join('/') || '同类案件'
  const { findings: found, knox } = nearRepeatFindings(def, points, asOf, label)
  return {
    findings: titledByPlace(found, await placeNames(sql, found, def.params.spaceM), () => def.name.zh),
    window: { from, to: asOf },
    notes: {
      events: knox.n,
      knoxObserved: knox.observed,
      knoxExpected: round6(knox.expected),
      knoxRatio: round6(knox.ratio),
      knoxP: knox.p,
    },
  }
}
