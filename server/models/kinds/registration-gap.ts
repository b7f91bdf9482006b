/**
 * Registration gap (流动人口纳管率): per village, the current migrants (moved in by the as-of day,
 * not moved out) and how many hold a valid residence registration (registered by that day and
 * not expired before it). A village with a rate below the thresholds (percent, red the lowest)
 * warns when it has at least `params.minMigrants` migrants. The explanation counts the
 * unregistered and the expired and names the houses with most of them, by address — never a
 * person. Subject `village:<code>`.
 */
import type { DefinitionOf } from '../definition.ts'
import type { Detector, Finding } from '../types.ts'
import { byString, fmt1, levelBelow, round6 } from '../util.ts'
import { areaLabels, asOfDay } from './full-view.ts'

export interface VillageRegistration {
  villageCode: string
  migrants: number
  /** registered and not expired on the as-of day */
  registered: number
  /** registered, but the registration ran out before the as-of day */
  expired: number
}

/** A house with migrants not (or no longer) registered. */
export interface GapHouse {
  villageCode: string
  houseId: string
  address: string | null
  n: number
}

/**
 * The registered share in percent (100 with no migrants).
 * @example registrationRate({ migrants: 40, registered: 36 }) // 90
 */
export function registrationRate(v: Pick<VillageRegistration, 'migrants' | 'registered'>): number {
  return v.migrants > 0 ? (100 * v.registered) / v.migrants : 100
}

/** Registration gap findings (pure): `labels` are the villages' names with their towns'. */
export function registrationGapFindings(
  def: DefinitionOf<'registration_gap'>,
  villages: readonly VillageRegistration[],
  houses: readonly GapHouse[],
  labels: ReadonlyMap<string, string>,
): Finding[] {
  const out: Finding[] = []
  for (const v of [...villages].sort((a, b) => byString(a.villageCode, b.villageCode))) {
    if (v.migrants < def.params.minMigrants) continue
    const rate = registrationRate(v)
    const level = levelBelow(rate, def.thresholds)
    if (!level) continue
    const unregistered = v.migrants - v.registered - v.expired
    const worst = houses
      .filter((h) => h.villageCode === v.villageCode)
      .sort((a, b) => b.n - a.n || byString(a.houseId, b.houseId))
      .slice(0, def.params.worstHouses)
    const worstWords =
      worst.length > 0 ? `；未纳管人数最多的房屋：${worst.map((h) => `${h.address ?? `房屋 ${h.houseId}`} ${h.n} 人`).join('、')}` : ''
    out.push({
      subject: `village:${v.villageCode}`,
      level,
      title: `${def.name.zh}：${labels.get(v.villageCode) ?? v.villageCode}`,
      explanation:
        `现住流动人口 ${v.migrants} 人，已办居住登记且在有效期内 ${v.registered} 人，纳管率 ${fmt1(rate)}%` +
        `（低于 ${def.thresholds.yellow}% 预警、${def.thresholds.red}% 为红色）；未登记 ${unregistered} 人，登记已过期 ${v.expired} 人${worstWords}`,
      metrics: {
        migrants: v.migrants,
        registered: v.registered,
        unregistered,
        expired: v.expired,
        rate: round6(rate),
        worstHouses: worst.map((h) => h.houseId).join(','),
      },
      place: { kind: 'area', code: v.villageCode },
    })
  }
  return out
}

export const detectRegistrationGap: Detector<'registration_gap'> = async (sql, def, asOf) => {
  const day = asOfDay(asOf)
  const current = sql`r.residence = 'migrant' AND r.village_code IS NOT NULL
    AND (r.moved_in IS NULL OR r.moved_in <= ${day}::date) AND (r.moved_out IS NULL OR r.moved_out > ${day}::date)`
  const valid = sql`(r.registered_on IS NOT NULL AND r.registered_on <= ${day}::date
    AND (r.registration_expires IS NULL OR r.registration_expires >= ${day}::date))`
  const villages = await sql<VillageRegistration[]>`
    SELECT r.village_code AS "villageCode", count(*)::int AS migrants,
           (count(*) FILTER (WHERE ${valid}))::int AS registered,
           (count(*) FILTER (WHERE r.registered_on IS NOT NULL AND r.registration_expires < ${day}::date))::int AS expired
    FROM residents r WHERE ${current}
    GROUP BY r.village_code ORDER BY r.village_code`
  const gaps = villages.filter((v) => v.migrants >= def.params.minMigrants && levelBelow(registrationRate(v), def.thresholds))
  const codes = gaps.map((v) => v.villageCode)
  const houses =
    codes.length === 0
      ? []
      : await sql<GapHouse[]>`
          SELECT r.village_code AS "villageCode", h.house_id AS "houseId", h.address, count(*)::int AS n
          FROM residents r JOIN houses h ON h.id = r.house_id
          WHERE ${current} AND NOT ${valid} AND r.village_code = ANY(${codes}::text[])
          GROUP BY r.village_code, h.house_id, h.address ORDER BY 1, 4 DESC, 2`
  return {
    findings: registrationGapFindings(def, gaps, houses, await areaLabels(sql, codes)),
    window: { from: asOf, to: asOf },
    notes: { villages: villages.length },
  }
}
