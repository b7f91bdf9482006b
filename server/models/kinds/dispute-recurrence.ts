/**
 * Dispute recurrence (民转刑, the mediation history): a chain is the disputes of the same parties
 * (`party_key`, their pseudonymous ids sorted) — or, for disputes without parties on record, at
 * the same standard address — reported within `params.lookbackDays`. A chain warns when it holds
 * a failed mediation (a dispute failed, or a `failed` step, by the as-of time) and its newest
 * dispute is within `window.days`; its level is its length, one step up when an incident the
 * disputes came from is of the escalation roles (fights), as dispute escalation does.
 *
 * Subject `parties:<hash>` (a hash of the party key: party ids stay out of warnings) or
 * `address:<address_id>`. Titles and explanations name the address and the dispute types, never
 * a party or the case summaries (which may hold names).
 */
import { createHash } from 'node:crypto'

import type { DefinitionOf } from '../definition.ts'
import { escalationItems } from '../roles.ts'
import type { Detector, Finding } from '../types.ts'
import { byString, levelAtLeast, raiseLevel, zhDate } from '../util.ts'
import { DISPUTE_TYPE_NAMES, type Placed, placeOf } from './full-view.ts'

const DAY_MS = 86_400_000

export interface DisputeRow extends Placed {
  id: string
  type: string
  status: string
  reportedAt: Date
  partyKey: string | null
  address: string | null
  /** a failed mediation by the as-of time */
  failed: boolean
  /** linked incidents of the escalation roles */
  escalations: number
}

/**
 * The chain a dispute belongs to: its parties (hashed), else its address; null without either.
 * @example chainKey({ partyKey: 'p1|p2', addressId: 'A1' }) // 'parties:…' (16 hex digits)
 */
export function chainKey(d: Pick<DisputeRow, 'partyKey' | 'addressId'>): string | null {
  if (d.partyKey) return `parties:${createHash('sha256').update(d.partyKey).digest('hex').slice(0, 16)}`
  return d.addressId ? `address:${d.addressId}` : null
}

const STATUS_WORDS: Readonly<Record<string, string>> = {
  open: '待调解',
  mediating: '调解中',
  resolved: '已调解成功',
  failed: '调解失败',
  withdrawn: '已撤回',
}

/**
 * Dispute types counted in words, most first.
 * @example typeWords(['neighbour', 'neighbour', 'debt']) // '邻里纠纷 2 起、债务纠纷 1 起'
 */
export function typeWords(types: readonly string[]): string {
  const n = new Map<string, number>()
  for (const t of types) n.set(t, (n.get(t) ?? 0) + 1)
  return [...n]
    .sort((a, b) => b[1] - a[1] || byString(a[0], b[0]))
    .map(([t, k]) => `${DISPUTE_TYPE_NAMES[t] ?? t} ${k} 起`)
    .join('、')
}

/** Dispute recurrence findings (pure): `rows` are the disputes of the lookback, any order. */
export function disputeRecurrenceFindings(def: DefinitionOf<'dispute_recurrence'>, rows: readonly DisputeRow[], asOf: Date): Finding[] {
  const chains = new Map<string, DisputeRow[]>()
  for (const d of rows) {
    const k = chainKey(d)
    if (!k) continue
    const c = chains.get(k)
    if (c) c.push(d)
    else chains.set(k, [d])
  }
  const recentFrom = asOf.getTime() - def.window.days * DAY_MS
  const out: Finding[] = []
  for (const [subject, chain] of [...chains].sort((a, b) => byString(a[0], b[0]))) {
    chain.sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime() || byString(a.id, b.id))
    const newest = chain[chain.length - 1]!
    const failed = chain.filter((d) => d.failed).length
    const base = levelAtLeast(chain.length, def.thresholds)
    if (!base || failed === 0 || newest.reportedAt.getTime() < recentFrom) continue
    const escalations = chain.reduce((s, d) => s + d.escalations, 0)
    const level = escalations > 0 ? raiseLevel(base) : base
    const placed = [...chain].reverse().find((d) => placeOf(d)?.kind === 'point') ?? newest
    const place = placeOf(placed)
    if (!place) continue
    const byParties = subject.startsWith('parties:')
    const where = [...chain].reverse().find((d) => d.address)?.address ?? null
    out.push({
      subject,
      level,
      title: `${def.name.zh}：${where ?? '地址不详'}`,
      explanation:
        `近${def.params.lookbackDays}日${byParties ? '同一当事人' : '同一地址'}矛盾纠纷 ${chain.length} 起（${typeWords(chain.map((d) => d.type))}），` +
        `${zhDate(chain[0]!.reportedAt)}至${zhDate(newest.reportedAt)}，其中调解失败 ${failed} 起，最近一起${STATUS_WORDS[newest.status] ?? newest.status}` +
        (escalations > 0 ? `；所涉警情中有打架斗殴等 ${escalations} 起，升一级` : '') +
        '，有民转刑风险',
      metrics: {
        count: chain.length,
        failed,
        escalations,
        by: byParties ? 'parties' : 'address',
        first: chain[0]!.reportedAt.toISOString(),
        last: newest.reportedAt.toISOString(),
        types: JSON.stringify(
          Object.fromEntries([...new Set(chain.map((d) => d.type))].sort().map((t) => [t, chain.filter((d) => d.type === t).length])),
        ),
      },
      place,
    })
  }
  return out
}

export const detectDisputeRecurrence: Detector<'dispute_recurrence'> = async (sql, def, asOf) => {
  const from = new Date(asOf.getTime() - def.params.lookbackDays * DAY_MS)
  const esc = await escalationItems(sql, def)
  const rows = await sql<DisputeRow[]>`
    SELECT d.id::text AS id, d.type, d.status, d.reported_at AS "reportedAt", d.party_key AS "partyKey", d.address,
           ST_X(d.geom) AS lng, ST_Y(d.geom) AS lat, d.address_id AS "addressId",
           d.town_code AS "townCode", d.village_code AS "villageCode", d.grid_code AS "gridCode",
           ((d.status = 'failed' AND d.outcome_at <= ${asOf})
             OR EXISTS (SELECT 1 FROM dispute_steps s WHERE s.dispute_id = d.id AND s.action = 'failed' AND s.at <= ${asOf})) AS failed,
           ${
             esc && esc.length > 0
               ? sql`(SELECT count(*)::int FROM incidents i WHERE i.incident_id = ANY(d.incident_ids) AND i.reported_at < ${asOf}
                      AND i.category_code = ANY(${esc}::text[]))`
               : sql`0`
           } AS escalations
    FROM disputes d
    WHERE d.reported_at >= ${from} AND d.reported_at < ${asOf} AND (d.party_key IS NOT NULL OR d.address_id IS NOT NULL)
    ORDER BY d.reported_at, d.id`
  return { findings: disputeRecurrenceFindings(def, rows, asOf), window: { from, to: asOf }, notes: { disputes: rows.length } }
}
