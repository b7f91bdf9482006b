/**
 * Hazard writes that need the geocoder: place first (outside any transaction, see store.ts),
 * then write and record the event in one transaction.
 */
import { assertAttachments, linkAttachments } from '../attachments/store.ts'
import { type Db, type Scope, SYSTEM_SCOPE } from '../db/index.ts'
import type { Crs } from '../geo/crs.ts'
import type { Geocoder } from '../geocode/geocoder.ts'
import { placeReports, type ReportPlacement } from '../geocode/place.ts'
import { Conflict, NotFound } from '../shared/errors.ts'
import type { Attachment, HazardCreate, HazardCsvRow, HazardPatch } from './schema.ts'
import {
  diffHazardFields,
  type FieldChanges,
  getHazardFields,
  type HazardFields,
  insertHazard,
  movesHazard,
  updateHazard,
} from './store.ts'

/**
 * The stored fields of a new hazard (API body or CSV line); `now` stands in for a missing reported_at.
 * @example fieldsOfInput({ ...body, reported_at: undefined }, now).reported_at // now.toISOString()
 */
export function fieldsOfInput(v: HazardCreate | HazardCsvRow, now: Date): HazardFields {
  return {
    source: v.source,
    category: v.category,
    severity: v.severity,
    description: v.description,
    place_name: v.place_name ?? null,
    responsible_party: v.responsible_party ?? null,
    due_date: v.due_date ?? null,
    reported_at: (v.reported_at ?? now).toISOString(),
    address: v.address ?? null,
    lng: v.lng ?? null,
    lat: v.lat ?? null,
    crs: v.lng === undefined ? null : v.crs,
    attachments: v.attachments,
  }
}

/**
 * A hazard's fields with a patch applied (absent keys keep their value, null clears).
 * @example applyHazardPatch(fields, { due_date: '2026-12-01' }).due_date // '2026-12-01'
 */
export function applyHazardPatch(f: HazardFields, p: HazardPatch): HazardFields {
  const next: HazardFields = { ...f }
  if (p.category !== undefined) next.category = p.category
  if (p.severity !== undefined) next.severity = p.severity
  if (p.description !== undefined) next.description = p.description
  if (p.place_name !== undefined) next.place_name = p.place_name || null
  if (p.responsible_party !== undefined) next.responsible_party = p.responsible_party || null
  if (p.due_date !== undefined) next.due_date = p.due_date
  if (p.address !== undefined) next.address = p.address || null
  if (p.lng !== undefined && p.lat !== undefined) {
    next.lng = p.lng
    next.lat = p.lat
  }
  if (p.crs !== undefined) next.crs = p.crs
  // The crs means something only with coordinates (as stored for incidents).
  next.crs = next.lng === null ? null : (next.crs ?? 'wgs84')
  if (p.attachments !== undefined) next.attachments = p.attachments
  return next
}

/**
 * The references among a hazard's attachments that are attachments uploaded here (64 hex digits),
 * with their places in the list.
 * @example uploadedRefs([{ ref: 'https://…' }, { ref: 'ab12…' }]) // { ids: ['ab12…'], at: [1] }
 */
export function uploadedRefs(attachments: readonly Attachment[]): { ids: string[]; at: number[] } {
  const ids: string[] = []
  const at: number[] = []
  attachments.forEach((a, i) => {
    if (/^[0-9a-f]{64}$/.test(a.ref)) {
      ids.push(a.ref)
      at.push(i)
    }
  })
  return { ids, at }
}

/**
 * Places hazards by their fields (address and/or coordinates), as every report is placed.
 * @example const [p] = await placeFields(db, geocoder, [fields])
 */
export function placeFields(db: Db, geocoder: Geocoder, fields: readonly HazardFields[]): Promise<ReportPlacement[]> {
  return placeReports(
    db,
    geocoder,
    fields.map((f) => ({
      address: f.address ?? undefined,
      lng: f.lng ?? undefined,
      lat: f.lat ?? undefined,
      crs: (f.crs ?? 'wgs84') as Crs,
    })),
  )
}

/**
 * Registers a hazard from the API (state `reported`); returns its id.
 * @example const id = await createHazard(db, geocoder, HazardCreateSchema.parse(body), 'grid-12', new Date())
 */
export async function createHazard(
  db: Db,
  geocoder: Geocoder,
  input: HazardCreate,
  actor: string,
  now: Date,
  scope: Scope = SYSTEM_SCOPE,
): Promise<string> {
  const fields = fieldsOfInput(input, now)
  const [placement] = await placeFields(db, geocoder, [fields])
  const uploaded = uploadedRefs(fields.attachments)
  // In the caller's scope: a town officer's hazard placed in another town is refused by the database.
  return db.withScope(scope, async (tx) => {
    const files = await assertAttachments(tx, uploaded.ids, actor, 'body.attachments', uploaded.at)
    const id = await insertHazard(tx, input.hazard_id ?? null, fields, placement!, { actor, action: 'created', status: 'reported' })
    await linkAttachments(tx, files, { hazardId: id }, actor)
    return id
  })
}

/**
 * Edits a hazard (PATCH): merges the patch, re-places it when its address or coordinates
 * changed, records the changed fields with who and the comment. Returns the changes ({} = none).
 * @example await editHazard(db, geocoder, '17', { due_date: '2026-12-01' }, 'chief')
 */
export async function editHazard(
  db: Db,
  geocoder: Geocoder,
  id: string,
  patch: HazardPatch,
  actor: string,
  scope: Scope = SYSTEM_SCOPE,
): Promise<FieldChanges> {
  const current = await db.withScope(scope, (tx) => getHazardFields(tx, id))
  if (!current) throw new NotFound(`no hazard ${id}`)
  if (current.status === 'closed') throw new Conflict(`hazard ${id} is closed: it can no longer be edited`, { status: current.status })
  const next = applyHazardPatch(current.fields, patch)
  const placement = movesHazard(diffHazardFields(current.fields, next)) ? (await placeFields(db, geocoder, [next]))[0]! : null
  const uploaded = uploadedRefs(patch.attachments ?? [])
  return db.withScope(scope, async (tx) => {
    const files = await assertAttachments(tx, uploaded.ids, actor, 'body.attachments', uploaded.at)
    const changes = await updateHazard(tx, id, next, placement, { actor, action: 'edited', comment: patch.comment || null })
    // Linked at the 'edited' event (one exists only when something changed; ids already linked stay where they were).
    if (Object.keys(changes).length > 0) await linkAttachments(tx, files, { hazardId: id }, actor)
    return changes
  })
}
