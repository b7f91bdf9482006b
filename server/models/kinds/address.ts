/**
 * Address models: repeat address (any incidents at one standard address, incidents.address_id,
 * within the window) and dispute escalation risk (民转刑: repeated disputes at one address, one
 * level higher when the same address also had a fight). Windows end at the as-of instant.
 */
import { type AddressCounts, addressCounts, categoryNames } from '../data.ts'
import type { DefinitionOf } from '../definition.ts'
import { escalationItems, modelFilter } from '../roles.ts'
import type { Detector, Finding } from '../types.ts'
import { byString, levelAtLeast, raiseLevel, zhDate } from '../util.ts'

const DAY_MS = 86_400_000

/**
 * "邻里纠纷 4 起、噪声扰民 2 起", most first.
 * @example categoryWords({ '0402': 4, '0105': 2 }, names) // '邻里纠纷 4 起、噪声扰民 2 起'
 */
export function categoryWords(byCategory: Readonly<Record<string, number>>, names: ReadonlyMap<string, string>): string {
  return Object.entries(byCategory)
    .sort((a, b) => b[1] - a[1] || byString(a[0], b[0]))
    .map(([c, n]) => `${names.get(c) ?? c} ${n} 起`)
    .join('、')
}

const place = (a: AddressCounts): Finding['place'] => ({ kind: 'point', lng: a.lng, lat: a.lat, addressId: a.addressId })

/** Repeat address findings (pure). */
export function repeatAddressFindings(
  def: DefinitionOf<'repeat_address'>,
  rows: readonly AddressCounts[],
  names: ReadonlyMap<string, string>,
): Finding[] {
  const out: Finding[] = []
  for (const a of [...rows].sort((x, y) => byString(x.addressId, y.addressId))) {
    const level = levelAtLeast(a.n, def.thresholds)
    if (!level) continue
    out.push({
      subject: `address:${a.addressId}`,
      level,
      title: `${def.name.zh}：${a.address}`,
      explanation: `近${def.window.days}日同一地址 ${a.n} 起（${categoryWords(a.byCategory, names)}），${zhDate(a.first)}至${zhDate(a.last)}`,
      metrics: { count: a.n, first: a.first.toISOString(), last: a.last.toISOString(), categories: JSON.stringify(a.byCategory) },
      place: place(a),
    })
  }
  return out
}

/** Dispute escalation findings (pure). */
export function disputeFindings(
  def: DefinitionOf<'dispute_escalation'>,
  rows: readonly AddressCounts[],
  names: ReadonlyMap<string, string>,
): Finding[] {
  const out: Finding[] = []
  for (const a of [...rows].sort((x, y) => byString(x.addressId, y.addressId))) {
    const base = levelAtLeast(a.n, def.thresholds)
    if (!base) continue
    const level = a.extra > 0 ? raiseLevel(base) : base
    const extraWords = a.extra > 0 ? `，同址另有打架斗殴等 ${a.extra} 起，升一级` : ''
    out.push({
      subject: `address:${a.addressId}`,
      level,
      title: `${def.name.zh}：${a.address}`,
      explanation: `近${def.window.days}日同一地址矛盾纠纷 ${a.n} 起（${categoryWords(a.byCategory, names)}），${zhDate(a.first)}至${zhDate(a.last)}${extraWords}，有民转刑风险`,
      metrics: {
        count: a.n,
        escalations: a.extra,
        first: a.first.toISOString(),
        last: a.last.toISOString(),
        categories: JSON.stringify(a.byCategory),
      },
      place: place(a),
    })
  }
  return out
}

export const detectRepeatAddress: Detector<'repeat_address'> = async (sql, def, asOf) => {
  const from = new Date(asOf.getTime() - def.window.days * DAY_MS)
  const cats = (await modelFilter(sql, def)).items
  const rows = await addressCounts(sql, cats, from, asOf, def.thresholds.yellow)
  return {
    findings: repeatAddressFindings(def, rows, await categoryNames(sql)),
    window: { from, to: asOf },
    notes: { addresses: rows.length },
  }
}

export const detectDispute: Detector<'dispute_escalation'> = async (sql, def, asOf) => {
  const from = new Date(asOf.getTime() - def.window.days * DAY_MS)
  // Disputes (the role, or the definition's own) and what escalates them (fights).
  const cats = (await modelFilter(sql, def)).items
  const extra = await escalationItems(sql, def)
  const rows = await addressCounts(sql, cats, from, asOf, def.thresholds.yellow, extra)
  return { findings: disputeFindings(def, rows, await categoryNames(sql)), window: { from, to: asOf }, notes: { addresses: rows.length } }
}
