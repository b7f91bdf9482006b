/**
 * Overdue self-checks (企业自查逾期): every active organisation with a self-check duty
 * (`self_check_every_days`). Days overdue = the as-of day − (its last self-check by then, or the
 * day it was registered when it never checked, + every days), levelled by the thresholds; and a
 * failing streak — its last `params.failStreak` checks all had failed items — is at least orange,
 * red when it is also overdue. Subject `org:<org_id>`; titled by the organisation's name (never
 * its responsible person).
 */
import { HAZARD_CATEGORY_NAMES, type HazardCategory } from '../../hazards/schema.ts'
import { daysBetween, shanghaiDay } from '../../shared/time.ts'
import type { DefinitionOf } from '../definition.ts'
import type { Detector, Finding } from '../types.ts'
import { byString, levelAtLeast, zhDate } from '../util.ts'
import { asOfDay, type Placed, placeOf } from './full-view.ts'

export interface OrgDuty extends Placed {
  orgId: string
  name: string
  everyDays: number
  checklist: string
  createdAt: Date
  /** the last checks by the as-of time, newest first (at most the streak's length) */
  checks: { at: Date; failed: number }[]
}

/**
 * Days past the next self-check due (≤ 0: not overdue).
 * @example daysOverdue({ everyDays: 30, createdAt: new Date('2026-01-01'), checks: [{ at: new Date('2026-09-01T02:00:00Z'), failed: 0 }] }, '2026-11-01') // 31
 */
export function daysOverdue(o: Pick<OrgDuty, 'everyDays' | 'createdAt' | 'checks'>, day: string): number {
  const since = o.checks[0]?.at ?? o.createdAt
  return daysBetween(shanghaiDay(since), day) - o.everyDays
}

const checklistWords = (c: string): string => (c in HAZARD_CATEGORY_NAMES ? HAZARD_CATEGORY_NAMES[c as HazardCategory] : c)

/** Self-check findings (pure). */
export function selfCheckFindings(def: DefinitionOf<'self_check_overdue'>, orgs: readonly OrgDuty[], asOf: Date): Finding[] {
  const day = asOfDay(asOf)
  const n = def.params.failStreak
  const out: Finding[] = []
  for (const o of [...orgs].sort((a, b) => byString(a.orgId, b.orgId))) {
    const days = daysOverdue(o, day)
    const overdue = days >= 1 ? levelAtLeast(days, def.thresholds) : null
    const streak = o.checks.length >= n && o.checks.slice(0, n).every((c) => c.failed > 0)
    const level = streak ? (overdue ? 'red' : 'orange') : overdue
    const place = placeOf(o)
    if (!level || !place) continue
    const last = o.checks[0]
    const duty = `应每 ${o.everyDays} 日自查一次（${checklistWords(o.checklist)}清单）`
    const when = last ? `上次自查 ${zhDate(last.at)}` : `登记后（${zhDate(o.createdAt)}）从未自查`
    const late = days >= 1 ? `已逾期 ${days} 日` : `未逾期（距下次到期 ${-days} 日）`
    const failedItems = o.checks.slice(0, n).reduce((s, c) => s + c.failed, 0)
    const streakWords = streak
      ? `；近 ${n} 次自查均有不合格项（共 ${failedItems} 项）${overdue ? '，且已逾期，定为红色' : '，至少橙色'}`
      : ''
    out.push({
      subject: `org:${o.orgId}`,
      level,
      title: `${def.name.zh}：${o.name}`,
      explanation: `${duty}，${when}，${late}${streakWords}`,
      metrics: {
        daysOverdue: Math.max(0, days),
        everyDays: o.everyDays,
        lastCheck: last ? last.at.toISOString() : null,
        failStreak: streak ? n : 0,
        failedItems: streak ? failedItems : 0,
        checklist: o.checklist,
      },
      place,
    })
  }
  return out
}

export const detectSelfCheckOverdue: Detector<'self_check_overdue'> = async (sql, def, asOf) => {
  const orgs = await sql<(Omit<OrgDuty, 'checks'> & { id: string })[]>`
    SELECT o.id::text AS id, o.org_id AS "orgId", o.name, o.self_check_every_days AS "everyDays", o.self_check_checklist AS checklist,
           o.created_at AS "createdAt", ST_X(o.geom) AS lng, ST_Y(o.geom) AS lat, o.address_id AS "addressId",
           o.town_code AS "townCode", o.village_code AS "villageCode", o.grid_code AS "gridCode"
    FROM organisations o
    WHERE o.status = 'active' AND o.self_check_every_days IS NOT NULL AND o.created_at <= ${asOf}
    ORDER BY o.org_id`
  const checks = await sql<{ org: string; at: Date; failed: number }[]>`
    SELECT org, at, failed FROM (
      SELECT c.organisation_id::text AS org, c.checked_at AS at, cardinality(c.failed_items) AS failed,
             row_number() OVER (PARTITION BY c.organisation_id ORDER BY c.checked_at DESC) AS k
      FROM self_checks c WHERE c.checked_at <= ${asOf}
    ) x WHERE k <= ${def.params.failStreak} ORDER BY org, at DESC`
  const byOrg = new Map<string, { at: Date; failed: number }[]>()
  for (const c of checks) {
    const list = byOrg.get(c.org)
    if (list) list.push({ at: c.at, failed: c.failed })
    else byOrg.set(c.org, [{ at: c.at, failed: c.failed }])
  }
  const duties: OrgDuty[] = orgs.map(({ id, ...o }) => ({ ...o, checks: byOrg.get(id) ?? [] }))
  return { findings: selfCheckFindings(def, duties, asOf), window: { from: asOf, to: asOf }, notes: { organisations: orgs.length } }
}
