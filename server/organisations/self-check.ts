/**
 * An organisation's self-check (企业自查) as one write: the items checked against the checklist
 * (server/hazards/checklists.ts), a self_checks row, and one hazard per failed item (source
 * `self_check`, `organisation_id` set, hazard_id from selfCheckHazardId, placed where the
 * organisation is) through the hazards store, all in one transaction in the caller's scope.
 * Idempotent by (organisation, checkedAt): a re-sent check registers nothing new.
 */
import { assertAttachments, linkAttachments } from '../attachments/store.ts'
import type { Db, Scope } from '../db/index.ts'
import type { ReportPlacement } from '../geocode/place.ts'
import { type ChecklistItem, checklistOf, selfCheckHazardId } from '../hazards/checklists.ts'
import type { HazardCategory, HazardCreate } from '../hazards/schema.ts'
import { insertHazard } from '../hazards/store.ts'
import { fieldsOfInput, uploadedRefs } from '../hazards/write.ts'
import { invalidField, NotFound } from '../shared/errors.ts'
import { shanghaiDay } from '../shared/time.ts'
import type { SelfCheck, SelfCheckBody } from './schema.ts'
import { toSelfCheck } from './store.ts'

/** What a submission did: the check, and whether this call stored it (false: sent before). */
export interface SelfCheckOutcome {
  created: boolean
  selfCheck: SelfCheck
}

/**
 * The checklist items of a self-check's results, or Invalid naming the first result whose item
 * is not on the list.
 * @example checkedItems('fire', [{ item: 'fire-01', ok: false }])[0].item.id // 'fire-01'
 */
export function checkedItems<R extends { item: string }>(
  checklist: HazardCategory,
  results: readonly R[],
): { item: ChecklistItem; result: R }[] {
  const items = new Map(checklistOf(checklist).map((i) => [i.id, i]))
  return results.map((result, i) => {
    const item = items.get(result.item)
    if (!item) throw invalidField(`body.results.${i}.item`, `not an item of the ${checklist} checklist (${[...items.keys()].join(', ')})`)
    return { item, result }
  })
}

/**
 * The words of a hazard registered by a failed item: the item, and the note if any.
 * @example failedItemDescription({ zh: '灭火器配置齐全且在有效期内' }, '过期') // '企业自查不合格：灭火器配置齐全且在有效期内（过期）'
 */
export function failedItemDescription(item: Pick<ChecklistItem, 'zh'>, note: string | undefined): string {
  return `企业自查不合格：${item.zh}${note ? `（${note}）` : ''}`
}

interface OrgPlace {
  id: string
  org_id: string
  name: string
  self_check_checklist: HazardCategory | null
  address: string | null
  lng: number | null
  lat: number | null
  approximate: boolean
  outside_district: boolean
  geocode_level: ReportPlacement['level']
  geocode_score: number | null
  address_id: string | null
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  microgrid_code: string | null
  r7: string | null
  r8: string | null
  r9: string | null
  r10: string | null
}

/**
 * The organisation's own placement, for the hazards at it (no geocoding: it is placed already).
 * @example placementOf(org).codes.villageCode
 */
function placementOf(o: OrgPlace): ReportPlacement {
  return {
    point: o.lng === null || o.lat === null ? null : [o.lng, o.lat],
    approximate: o.approximate,
    level: o.geocode_level,
    score: o.geocode_score,
    addressId: o.address_id,
    areaCodes: null,
    codes: { townCode: o.town_code, villageCode: o.village_code, gridCode: o.grid_code, microgridCode: o.microgrid_code },
    cells: o.r7 && o.r8 && o.r9 && o.r10 ? { r7: o.r7, r8: o.r8, r9: o.r9, r10: o.r10 } : null,
    outsideDistrict: o.outside_district,
  }
}

/**
 * Records a self-check of organisation `id` (numeric, resolved in the caller's scope).
 * @example await submitSelfCheck(db, '12', body, 'grid-7', scope, new Date()) // { created: true, selfCheck: { failedItems: ['fire-02'], … } }
 */
export async function submitSelfCheck(
  db: Db,
  id: string,
  body: SelfCheckBody,
  actor: string,
  scope: Scope,
  now: Date,
): Promise<SelfCheckOutcome> {
  return db.withScope(scope, async (tx) => {
    const [org] = await tx<OrgPlace[]>`
      SELECT id::text, org_id, name, self_check_checklist, address, ST_X(geom) AS lng, ST_Y(geom) AS lat, approximate, outside_district,
             geocode_level, geocode_score, address_id, town_code, village_code, grid_code, microgrid_code,
             h3_r7::text AS r7, h3_r8::text AS r8, h3_r9::text AS r9, h3_r10::text AS r10
      FROM organisations WHERE id = ${id}::bigint`
    if (!org) throw new NotFound(`no organisation ${id}`)
    const checklist = body.checklist ?? org.self_check_checklist
    if (!checklist) throw invalidField('body.checklist', 'the organisation has no self-check checklist: name one')
    const checked = checkedItems(checklist, body.results)
    const failed = checked.filter((c) => !c.result.ok)
    const photos = failed.flatMap((c) => c.result.photos ?? [])
    const uploaded = uploadedRefs(photos)
    const files = await assertAttachments(tx, uploaded.ids, actor, 'body.results.photos')

    const [row] = await tx<{ id: string; checked_at: Date }[]>`
      INSERT INTO self_checks (organisation_id, checked_at, checklist, items, failed_items, actor, source)
      VALUES (${id}::bigint, ${body.checkedAt}, ${checklist}, ${checked.length}, ${failed.map((f) => f.item.id)}::text[], ${actor}, 'api')
      ON CONFLICT (organisation_id, checked_at) DO NOTHING
      RETURNING id::text, checked_at`
    if (!row) {
      const [old] = await tx<Parameters<typeof toSelfCheck>[0][]>`
        SELECT id::text, checked_at, checklist, items, failed_items, hazard_ids, actor
        FROM self_checks WHERE organisation_id = ${id}::bigint AND checked_at = ${body.checkedAt}`
      return { created: false, selfCheck: toSelfCheck(old!) }
    }

    const day = shanghaiDay(body.checkedAt)
    const placement = placementOf(org)
    const hazardIds: string[] = []
    for (const { item, result } of failed) {
      const hazardId = selfCheckHazardId(day, `org:${org.org_id}`, item.id)
      // The same item failed in an earlier check of the same day: that hazard stands for both.
      const [known] = await tx<{ id: string }[]>`SELECT id::text FROM hazards WHERE hazard_id = ${hazardId}`
      if (!known) {
        const input: HazardCreate = {
          hazard_id: hazardId,
          reported_at: body.checkedAt,
          source: 'self_check',
          category: checklist,
          severity: item.severity,
          description: failedItemDescription(item, result.note),
          place_name: org.name,
          responsible_party: undefined,
          due_date: undefined,
          address: org.address ?? undefined,
          lng: placement.point?.[0],
          lat: placement.point?.[1],
          crs: 'wgs84',
          attachments: result.photos ?? [],
        }
        const hid = await insertHazard(tx, hazardId, fieldsOfInput(input, now), placement, {
          actor,
          action: 'created',
          status: 'reported',
          comment: `self-check #${row.id}`,
        })
        await tx`UPDATE hazards SET organisation_id = ${id}::bigint WHERE id = ${hid}::bigint`
        const mine = uploadedRefs(result.photos ?? []).ids
        await linkAttachments(
          tx,
          files.filter((f) => mine.includes(f)),
          { hazardId: hid },
          actor,
        )
      }
      hazardIds.push(hazardId)
    }
    await tx`UPDATE self_checks SET hazard_ids = ${hazardIds}::text[] WHERE id = ${row.id}::bigint`
    return {
      created: true,
      selfCheck: {
        id: Number(row.id),
        checkedAt: row.checked_at.toISOString(),
        checklist,
        items: checked.length,
        failedItems: failed.map((f) => f.item.id),
        hazardIds,
        actor,
      },
    }
  })
}
