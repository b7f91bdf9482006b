/**
 * Incidents near a key person's home (重点人员周边新发警情): current residents with 重点人员
 * categories (`params.categories`, default all), and the incidents (the model's roles or
 * categories, default all; approximate points left out) within `params.radiusM` of their home
 * (the resident's point, else the house's) in the last `window.days`. Levelled by how many.
 *
 * Subject `resident:<residents.id>` (the database's row number, not the source's person id);
 * the title says the categories in words and the village, the point is the newest such
 * incident's (never the home), and nothing names the person.
 */
import { categoryNames } from '../data.ts'
import type { DefinitionOf, KeyCategory } from '../definition.ts'
import { modelFilter } from '../roles.ts'
import type { Detector, Finding } from '../types.ts'
import { byString, levelAtLeast, zhDate } from '../util.ts'
import { categoryWords } from './address.ts'
import { areaLabels, asOfDay, KEY_CATEGORY_NAMES } from './full-view.ts'

const DAY_MS = 86_400_000

/** One incident near one key person's home. */
export interface NearIncident {
  residentId: string
  keyCategories: KeyCategory[]
  villageCode: string | null
  townCode: string | null
  gridCode: string | null
  incidentId: string
  t: Date
  category: string
  lng: number
  lat: number
}

/**
 * Key person findings (pure): `labels` name the villages (with their towns), `names` the
 * incident categories.
 */
export function keyPersonFindings(
  def: DefinitionOf<'key_person_incident'>,
  rows: readonly NearIncident[],
  labels: ReadonlyMap<string, string>,
  names: ReadonlyMap<string, string>,
): Finding[] {
  const byResident = new Map<string, NearIncident[]>()
  for (const r of rows) {
    const list = byResident.get(r.residentId)
    if (list) list.push(r)
    else byResident.set(r.residentId, [r])
  }
  const considered = new Set(def.params.categories)
  const out: Finding[] = []
  for (const [id, list] of [...byResident].sort((a, b) => Number(a[0]) - Number(b[0]) || byString(a[0], b[0]))) {
    const incidents = [...new Map(list.map((r) => [r.incidentId, r])).values()].sort(
      (a, b) => a.t.getTime() - b.t.getTime() || byString(a.incidentId, b.incidentId),
    )
    const level = levelAtLeast(incidents.length, def.thresholds)
    if (!level) continue
    const who = list[0]!
    const cats = who.keyCategories.filter((c) => considered.size === 0 || considered.has(c))
    const newest = incidents[incidents.length - 1]!
    const byCategory: Record<string, number> = {}
    for (const i of incidents) byCategory[i.category] = (byCategory[i.category] ?? 0) + 1
    const area = who.gridCode ?? who.villageCode ?? who.townCode
    out.push({
      subject: `resident:${id}`,
      level,
      title: `重点人员（${cats.map((c) => KEY_CATEGORY_NAMES[c]).join('、')}）周边新发警情：${(who.villageCode && labels.get(who.villageCode)) ?? '辖区'}`,
      explanation:
        `重点人员住处 ${def.params.radiusM} 米内近${def.window.days}日警情 ${incidents.length} 起（${categoryWords(byCategory, names)}），` +
        `${zhDate(incidents[0]!.t)}至${zhDate(newest.t)}，请关注其近况`,
      metrics: {
        count: incidents.length,
        radiusM: def.params.radiusM,
        keyCategories: cats.join(','),
        first: incidents[0]!.t.toISOString(),
        last: newest.t.toISOString(),
        categories: JSON.stringify(byCategory),
      },
      place: { kind: 'point', lng: newest.lng, lat: newest.lat, areaCode: area },
    })
  }
  return out
}

export const detectKeyPersonIncident: Detector<'key_person_incident'> = async (sql, def, asOf) => {
  const from = new Date(asOf.getTime() - def.window.days * DAY_MS)
  const day = asOfDay(asOf)
  const cats = (await modelFilter(sql, def)).items
  const keyCats = def.params.categories
  const rows = await sql<NearIncident[]>`
    WITH kp AS MATERIALIZED (
      SELECT r.id, r.key_categories, coalesce(r.geom, h.geom) AS home,
             coalesce(r.town_code, h.town_code) AS town_code, coalesce(r.village_code, h.village_code) AS village_code,
             coalesce(r.grid_code, h.grid_code) AS grid_code
      FROM residents r LEFT JOIN houses h ON h.id = r.house_id
      WHERE r.key_categories <> '{}'
        ${keyCats.length > 0 ? sql`AND r.key_categories && ${keyCats as string[]}::text[]` : sql``}
        AND (r.moved_in IS NULL OR r.moved_in <= ${day}::date) AND (r.moved_out IS NULL OR r.moved_out > ${day}::date)
        AND coalesce(r.geom, h.geom) IS NOT NULL
    )
    SELECT kp.id::text AS "residentId", kp.key_categories AS "keyCategories", kp.village_code AS "villageCode",
           kp.town_code AS "townCode", kp.grid_code AS "gridCode", i.id::text AS "incidentId", i.reported_at AS t,
           i.category_code AS category, ST_X(i.geom) AS lng, ST_Y(i.geom) AS lat
    FROM kp JOIN incidents i
      -- degrees first (an index search: 1° ≥ 90 km here), then metres on the sphere
      ON ST_DWithin(i.geom, kp.home, ${def.params.radiusM / 90_000}) AND ST_DWithin(i.geom::geography, kp.home::geography, ${def.params.radiusM})
    WHERE i.reported_at >= ${from} AND i.reported_at < ${asOf} AND i.geom IS NOT NULL AND NOT i.approximate
      ${cats ? sql`AND i.category_code = ANY(${cats}::text[])` : sql``}
    ORDER BY kp.id, i.reported_at, i.id`
  const villages = [...new Set(rows.map((r) => r.villageCode).filter((c): c is string => c !== null))]
  return {
    findings: keyPersonFindings(def, rows, await areaLabels(sql, villages), await categoryNames(sql)),
    window: { from, to: asOf },
    notes: { nearIncidents: rows.length },
  }
}
