/**
 * Patrol gaps (巡防空白): per grid, the days since a patrol whose track covered it
 * (`patrols.grid_codes`; none within `params.lookbackDays`: that many days), raised only while
 * the grid's incidents rise — the last `window.days` hold at least `params.minIncidents` and at
 * least `params.riseRatio` times the span before. Subject `grid:<code>`.
 */
import type { DefinitionOf } from '../definition.ts'
import { modelFilter } from '../roles.ts'
import type { Detector, Finding } from '../types.ts'
import { byString, fmt1, levelAtLeast, round6, zhDate } from '../util.ts'
import { areaLabels, daysFrom } from './full-view.ts'

const DAY_MS = 86_400_000

export interface GridPatrol {
  gridCode: string
  /** incidents in the window, and in the span before it */
  recent: number
  before: number
  /** when a patrol covering it last ended (by the as-of time), null: none in the lookback */
  lastPatrol: Date | null
}

/**
 * Whether the grid's incidents rise enough to judge its patrols.
 * @example rising({ recent: 10, before: 5 }, { minIncidents: 5, riseRatio: 1.5 }) // true
 */
export function rising(g: Pick<GridPatrol, 'recent' | 'before'>, p: { minIncidents: number; riseRatio: number }): boolean {
  return g.recent >= p.minIncidents && g.recent >= p.riseRatio * g.before
}

/** Patrol gap findings (pure): `labels` name the grids with their town and village. */
export function patrolGapFindings(
  def: DefinitionOf<'patrol_gap'>,
  grids: readonly GridPatrol[],
  labels: ReadonlyMap<string, string>,
  asOf: Date,
): Finding[] {
  const out: Finding[] = []
  for (const g of [...grids].sort((a, b) => byString(a.gridCode, b.gridCode))) {
    if (!rising(g, def.params)) continue
    const days = g.lastPatrol ? Math.min(daysFrom(g.lastPatrol, asOf), def.params.lookbackDays) : def.params.lookbackDays
    const level = levelAtLeast(days, def.thresholds)
    if (!level) continue
    const w = def.window.days
    const since = g.lastPatrol
      ? `最近一次巡防 ${zhDate(g.lastPatrol)}，已 ${days} 日无巡防轨迹经过`
      : `近${def.params.lookbackDays}日无巡防轨迹经过`
    const rise = g.before > 0 ? `为前${w}日的 ${fmt1(g.recent / g.before)} 倍` : '前期为零'
    out.push({
      subject: `grid:${g.gridCode}`,
      level,
      title: `${def.name.zh}：${labels.get(g.gridCode) ?? g.gridCode}`,
      explanation: `${since}；近${w}日警情 ${g.recent} 起，前${w}日 ${g.before} 起，${rise}，警情上升而巡防缺位`,
      metrics: {
        daysSincePatrol: days,
        lastPatrol: g.lastPatrol ? g.lastPatrol.toISOString() : null,
        recent: g.recent,
        before: g.before,
        rise: g.before > 0 ? round6(g.recent / g.before) : null,
      },
      place: { kind: 'area', code: g.gridCode },
    })
  }
  return out
}

export const detectPatrolGap: Detector<'patrol_gap'> = async (sql, def, asOf) => {
  const mid = new Date(asOf.getTime() - def.window.days * DAY_MS)
  const from = new Date(asOf.getTime() - 2 * def.window.days * DAY_MS)
  const lookFrom = new Date(asOf.getTime() - def.params.lookbackDays * DAY_MS)
  const cats = (await modelFilter(sql, def)).items
  const counts = await sql<{ gridCode: string; recent: number; before: number }[]>`
    SELECT i.grid_code AS "gridCode", (count(*) FILTER (WHERE i.reported_at >= ${mid}))::int AS recent,
           (count(*) FILTER (WHERE i.reported_at < ${mid}))::int AS before
    FROM incidents i JOIN admin_areas g ON g.code = i.grid_code AND g.level = 'grid'
    WHERE i.reported_at >= ${from} AND i.reported_at < ${asOf}
      ${cats ? sql`AND i.category_code = ANY(${cats}::text[])` : sql``}
    GROUP BY i.grid_code ORDER BY i.grid_code`
  const candidates = counts.filter((g) => rising(g, def.params))
  const codes = candidates.map((g) => g.gridCode)
  const patrols =
    codes.length === 0
      ? []
      : await sql<{ gridCode: string; last: Date }[]>`
          SELECT g AS "gridCode", max(least(p.ended_at, ${asOf}::timestamptz)) AS last
          FROM patrols p CROSS JOIN LATERAL unnest(p.grid_codes) AS g
          WHERE p.grid_codes && ${codes}::text[] AND p.started_at < ${asOf} AND p.ended_at >= ${lookFrom}
            AND g = ANY(${codes}::text[])
          GROUP BY g`
  const last = new Map(patrols.map((p) => [p.gridCode, p.last]))
  const grids: GridPatrol[] = candidates.map((g) => ({ ...g, lastPatrol: last.get(g.gridCode) ?? null }))
  return {
    findings: patrolGapFindings(def, grids, await areaLabels(sql, codes), asOf),
    window: { from, to: asOf },
    notes: { risingGrids: candidates.length },
  }
}
