/**
 * Alarm fatigue: one model run raises at most its definition's `maxRedPerRun` red warnings, the
 * strongest by the kind's own statistic; the rest are orange and say why.
 */
import { gridDisk, latLngToCell } from 'h3-js'
import { describe, expect, it } from 'vitest'

import { createRng, poisson } from '../seed/rng.ts'
import { BUILTIN_MODELS } from './builtins.ts'
import { DEFAULT_MAX_RED_PER_RUN, type DefinitionOf, ModelDefinitionSchema } from './definition.ts'
import { hotSpotFindings } from './kinds/hotspot.ts'
import { overdueFindings } from './kinds/overdue.ts'
import { byStrength, capRed, findingStrength } from './red-cap.ts'

const hotspotDef = BUILTIN_MODELS.find((m) => m.id === 'hotspot') as DefinitionOf<'hotspot'>

/** A district of res-8 cells with Poisson(1) background and 24 planted clusters of rising intensity. */
function plantedHotSpots(): { counts: Map<string, number>; study: string[] } {
  const rng = createRng('red-cap-test')
  const study = gridDisk(latLngToCell(30.17, 120.27, 8), 30)
  const counts = new Map(study.map((c) => [c, poisson(rng, 1)] as const))
  // Cluster centres 5 rings apart so each is its own hot spot.
  const centres = study.filter((_, i) => i % 97 === 0).slice(0, 24)
  centres.forEach((c, i) => {
    for (const n of gridDisk(c, 1)) if (counts.has(n)) counts.set(n, counts.get(n)! + 6 + i)
    counts.set(c, counts.get(c)! + 12 + 2 * i)
  })
  return { counts, study }
}

describe('red warnings per run', () => {
  it('a command center sees at most 10 red hot spots from one run, the strongest; the others are orange and say so', () => {
    const { counts, study } = plantedHotSpots()
    const raw = hotSpotFindings(hotspotDef, counts, study)
    const reds = raw.filter((f) => f.level === 'red')
    expect(reds.length).toBeGreaterThan(DEFAULT_MAX_RED_PER_RUN) // without the cap: alarm fatigue

    const capped = capRed('hotspot', raw, hotspotDef.maxRedPerRun)
    expect(hotspotDef.maxRedPerRun).toBe(10)
    expect(capped).toHaveLength(raw.length) // nothing dropped, only levels changed
    const keptRed = capped.filter((f) => f.level === 'red')
    expect(keptRed).toHaveLength(10)
    // The kept ones are the 10 highest Gi* z among the reds (the statistic the level came from).
    const topZ = reds.map((f) => f.metrics.z as number).sort((a, b) => b - a)
    expect(Math.min(...keptRed.map((f) => f.metrics.z as number))).toBeGreaterThanOrEqual(topZ[9]!)
    expect(keptRed.map((f) => f.metrics.redRank).sort((a, b) => Number(a) - Number(b))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])

    const demoted = capped.filter((f) => f.metrics.cappedFrom === 'red')
    expect(demoted).toHaveLength(reds.length - 10)
    for (const f of demoted) {
      expect(f.level).toBe('orange')
      expect(f.metrics.z as number).toBeLessThanOrEqual(topZ[9]!)
      const m = new RegExp(`；本次运行红色预警 ${reds.length} 条，超过上限 10 条，按证据强度列第 (\\d+) 位，降为橙色$`).exec(f.explanation)
      expect(m, f.explanation).not.toBeNull()
      expect(Number(m![1])).toBe(f.metrics.redRank)
      expect(f.metrics.redRank as number).toBeGreaterThan(10)
    }
    // Findings that were orange or yellow are left as they were.
    const before = new Map(raw.map((f) => [f.subject, f]))
    for (const f of capped.filter((x) => before.get(x.subject)!.level !== 'red')) expect(f).toEqual(before.get(f.subject))
  })

  it("ranks the same way every run (ties by subject) and honours a model's own cap", () => {
    const { counts, study } = plantedHotSpots()
    const raw = hotSpotFindings(hotspotDef, counts, study)
    expect(
      capRed('hotspot', [...raw].reverse(), 10)
        .filter((f) => f.level === 'red')
        .map((f) => f.subject)
        .sort(),
    ).toEqual(
      capRed('hotspot', raw, 10)
        .filter((f) => f.level === 'red')
        .map((f) => f.subject)
        .sort(),
    )
    expect(capRed('hotspot', raw, 3).filter((f) => f.level === 'red')).toHaveLength(3)
  })

  it('keeps an overdue major hazard red before a longer-overdue ordinary one', () => {
    const def = BUILTIN_MODELS.find((m) => m.id === 'overdue') as DefinitionOf<'overdue'>
    const h = {
      category: 'fire',
      status: 'rectifying',
      responsibleParty: null,
      townCode: '1',
      villageCode: '2',
      gridCode: '3',
      microgridCode: null,
      h3r9: null,
      lng: 120.2,
      lat: 30.1,
      dueDate: '2026-09-01',
    } as const
    const hazard = (id: number, severity: 'major' | 'general', days: number) => ({
      ...h,
      id,
      hazardId: `H${id}`,
      severity,
      daysOverdue: days,
    })
    const found = overdueFindings(def, [hazard(1, 'general', 60), hazard(2, 'major', 3), hazard(3, 'general', 45)], [])
    expect(found.filter((f) => f.level === 'red')).toHaveLength(3)
    const capped = capRed('overdue', found, 1)
    expect(capped.filter((f) => f.level === 'red').map((f) => f.subject)).toEqual(['hazard:2'])
  })

  it('orders surges by p-value, then by the excess over expected', () => {
    const s = (p: number, observed: number, expected: number) => findingStrength('surge', { p, q: p, observed, expected })
    expect([s(0.001, 30, 2), s(0, 12, 4), s(0, 40, 4)].sort(byStrength)).toEqual([s(0, 40, 4), s(0, 12, 4), s(0.001, 30, 2)])
  })

  it('takes the cap from the definition: 10 by default, 1–1000, else a 400 naming the field', () => {
    const base = { id: 'my-hot', kind: 'hotspot', name: { zh: '热点', en: 'Hot' } }
    expect(ModelDefinitionSchema.parse(base).maxRedPerRun).toBe(10)
    expect(ModelDefinitionSchema.parse({ ...base, maxRedPerRun: 25 }).maxRedPerRun).toBe(25)
    for (const bad of [0, 2.5, 5000, '10']) {
      const r = ModelDefinitionSchema.safeParse({ ...base, maxRedPerRun: bad })
      expect(r.success, String(bad)).toBe(false)
      expect(r.error!.issues[0]!.path).toEqual(['maxRedPerRun'])
    }
  })
})
