/**
 * Disputes in the database: the import's compare-and-write (the case, its parties and its steps,
 * each rewritten only when changed), the list, one case with its parties, steps and linked
 * incidents, and a mediation step. Functions take a transaction in the caller's scope: row-level
 * security decides which cases (and so which parties and steps) exist. Parties are written sealed
 * and read masked; `unseal` only when a route reveals them.
 */
import type { PendingQuery, Row } from 'postgres'

import { maskPii } from '../auth/mask.ts'
import { sealName, sealPhone, unseal } from '../auth/sealed.ts'
import type { Queryable, Tx } from '../db/index.ts'
import type { ReportPlacement } from '../geocode/place.ts'
import { placementColumns, placementValues } from '../geocode/place-sql.ts'
import { areaCondition } from '../shared/area-sql.ts'
import { NotFound } from '../shared/errors.ts'
import { placedColumns, placedPoint, placedProperties, type PlacedRow } from '../shared/placed.ts'
import { dayStart } from '../shared/time.ts'
import type { AreaRef } from '../stats/schema.ts'
import {
  DISPUTE_TYPE_NAMES,
  type DisputeCsvParty,
  type DisputeCsvRow,
  type DisputeDetail,
  type DisputeFeature,
  type DisputePage,
  type DisputeParty,
  type DisputeStep,
  type DisputeStepBody,
  type DisputeType,
  PARTY_ROLE_NAMES,
  type PartyRole,
} from './schema.ts'
import {
  DISPUTE_ACTION_NAMES,
  DISPUTE_LEVEL_NAMES,
  DISPUTE_STATUS_NAMES,
  type DisputeAction,
  type DisputeLevel,
  type DisputeStatus,
  FINAL_DISPUTE_STATUSES,
  nextDisputeState,
} from './states.ts'

interface DisputeRow extends PlacedRow {
  id: string
  case_id: string
  type: DisputeType
  summary: string | null
  reported_at: Date
  level: DisputeLevel
  status: DisputeStatus
  outcome_at: Date | null
  judicial_confirmation: boolean
  incident_ids: string[]
  parties: number
  updated_at: Date
}

function disputeColumns(sql: Queryable): PendingQuery<Row[]> {
  return sql`d.id::text, d.case_id, d.type, d.summary, d.reported_at, d.level, d.status, d.outcome_at, d.judicial_confirmation,
    d.incident_ids, (SELECT count(*)::int FROM dispute_parties p WHERE p.dispute_id = d.id) AS parties, ${placedColumns(sql, 'd')},
    d.updated_at`
}

/**
 * A stored case as a feature; its summary masked unless `pii`.
 * @example toDisputeFeature(row, false).properties.summary // '报警人张*称…'
 */
function toDisputeFeature(r: DisputeRow, pii: boolean): DisputeFeature {
  return {
    type: 'Feature',
    id: Number(r.id),
    geometry: placedPoint(r),
    properties: {
      id: Number(r.id),
      caseId: r.case_id,
      type: r.type,
      typeName: DISPUTE_TYPE_NAMES[r.type],
      summary: pii ? r.summary : maskPii(r.summary),
      reportedAt: r.reported_at.toISOString(),
      level: r.level,
      levelName: DISPUTE_LEVEL_NAMES[r.level],
      status: r.status,
      statusName: DISPUTE_STATUS_NAMES[r.status],
      outcomeAt: r.outcome_at?.toISOString() ?? null,
      judicialConfirmation: r.judicial_confirmation,
      incidentIds: r.incident_ids,
      parties: r.parties,
      ...placedProperties(r),
      updatedAt: r.updated_at.toISOString(),
    },
  }
}

export interface DisputeFilter {
  area?: AreaRef | null
  type?: readonly DisputeType[] | undefined
  level?: readonly DisputeLevel[] | undefined
  status?: readonly DisputeStatus[] | undefined
  /** Shanghai days of reported_at, `to` exclusive. */
  from?: string | undefined
  to?: string | undefined
}

/**
 * A page of cases, newest id first (keyset `next`), without parties' names.
 * @example await listDisputes(tx, { status: ['failed'] }, false, 100, null)
 */
export async function listDisputes(sql: Tx, f: DisputeFilter, pii: boolean, limit: number, after: string | null): Promise<DisputePage> {
  const where = sql`
      ${f.type ? sql`AND d.type = ANY(${[...f.type]}::text[])` : sql``}
      ${f.level ? sql`AND d.level = ANY(${[...f.level]}::text[])` : sql``}
      ${f.status ? sql`AND d.status = ANY(${[...f.status]}::text[])` : sql``}
      ${f.from ? sql`AND d.reported_at >= ${dayStart(f.from)}` : sql``}
      ${f.to ? sql`AND d.reported_at < ${dayStart(f.to)}` : sql``}
      ${areaCondition(sql, 'd', f.area)}`
  const rows = await sql<DisputeRow[]>`
    SELECT ${disputeColumns(sql)} FROM disputes d
    WHERE true ${where}
      ${after ? sql`AND d.id < ${after}::bigint` : sql``}
    ORDER BY d.id DESC
    LIMIT ${limit + 1}`
  const page = rows.slice(0, limit)
  // The first page says how many match: a mediator's count of their open cases.
  const matched = after === null ? await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM disputes d WHERE true ${where}` : null
  return {
    type: 'FeatureCollection',
    features: page.map((r) => toDisputeFeature(r, pii)),
    next: rows.length > limit ? page.at(-1)!.id : null,
    ...(matched ? { numberMatched: matched[0]!.n } : {}),
  }
}

/**
 * A case with its parties (masked, or in the clear when `reveal`), steps and the linked
 * incidents the scope can see; null when there is none.
 * @example await disputeDetail(tx, '7', { pii: true, reveal: false })
 */
export async function disputeDetail(sql: Queryable, id: string, opts: { pii: boolean; reveal: boolean }): Promise<DisputeDetail | null> {
  const [row] = await sql<DisputeRow[]>`SELECT ${disputeColumns(sql)} FROM disputes d WHERE d.id = ${id}::bigint`
  if (!row) return null
  const parties = await sql<
    {
      party_id: string
      role: PartyRole
      name_masked: string | null
      phone_masked: string | null
      name_sealed: string | null
      phone_sealed: string | null
    }[]
  >`
    SELECT party_id, role, name_masked, phone_masked, name_sealed, phone_sealed
    FROM dispute_parties WHERE dispute_id = ${id}::bigint ORDER BY role, party_id`
  const steps = await sql<{ id: string; at: Date; level: DisputeLevel; action: DisputeAction; note: string | null; actor: string }[]>`
    SELECT id::text, at, level, action, note, actor FROM dispute_steps WHERE dispute_id = ${id}::bigint ORDER BY at, id`
  const incidents = await sql<{ id: string; incident_id: string; reported_at: Date; category_code: string }[]>`
    SELECT id::text, incident_id, reported_at, category_code FROM incidents
    WHERE incident_id = ANY(${row.incident_ids}::text[]) ORDER BY reported_at, id`
  return {
    ...toDisputeFeature(row, opts.pii),
    parties: parties.map((p): DisputeParty => ({
      partyId: p.party_id,
      role: p.role,
      roleName: PARTY_ROLE_NAMES[p.role],
      name: opts.reveal ? unseal(p.name_sealed) : p.name_masked,
      phone: opts.reveal ? unseal(p.phone_sealed) : p.phone_masked,
    })),
    steps: steps.map((s): DisputeStep => ({
      id: Number(s.id),
      at: s.at.toISOString(),
      level: s.level,
      action: s.action,
      actionName: DISPUTE_ACTION_NAMES[s.action],
      note: opts.pii || s.note === null ? s.note : maskPii(s.note),
      actor: s.actor,
    })),
    incidents: incidents.map((i) => ({
      id: Number(i.id),
      incidentId: i.incident_id,
      reportedAt: i.reported_at.toISOString(),
      category: i.category_code,
    })),
  }
}

/**
 * Adds a mediation step and moves the case (409 for an illegal step). A step already recorded
 * (same time and action) is a re-send: nothing changes. Returns whether it was added.
 * @example await addDisputeStep(tx, '7', { at, level: 'town', action: 'escalated' }, 'town-a') // true
 */
export async function addDisputeStep(tx: Tx, id: string, step: DisputeStepBody, actor: string): Promise<boolean> {
  const [d] = await tx<{ case_id: string; status: DisputeStatus; level: DisputeLevel; judicial_confirmation: boolean }[]>`
    SELECT case_id, status, level, judicial_confirmation FROM disputes WHERE id = ${id}::bigint FOR UPDATE`
  if (!d) throw new NotFound(`no dispute ${id}`)
  const [again] = await tx`SELECT 1 FROM dispute_steps WHERE dispute_id = ${id}::bigint AND at = ${step.at} AND action = ${step.action}`
  if (again) return false
  const next = nextDisputeState(d.case_id, { status: d.status, level: d.level, judicialConfirmation: d.judicial_confirmation }, step)
  await tx`
    INSERT INTO dispute_steps (dispute_id, at, level, action, note, actor)
    VALUES (${id}::bigint, ${step.at}, ${step.level}, ${step.action}, ${step.note ?? null}, ${actor})`
  const ends = !FINAL_DISPUTE_STATUSES.includes(d.status) && FINAL_DISPUTE_STATUSES.includes(next.status)
  await tx`
    UPDATE disputes SET status = ${next.status}, level = ${next.level}, judicial_confirmation = ${next.judicialConfirmation},
      outcome_at = CASE WHEN ${ends} THEN ${step.at}::timestamptz ELSE outcome_at END, updated_at = now()
    WHERE id = ${id}::bigint`
  return true
}

/** A case's own fields as the import compares them. */
export interface DisputeCaseValues {
  type: DisputeType
  summary: string | null
  reported_at: string
  level: DisputeLevel
  status: DisputeStatus
  outcome_at: string | null
  judicial_confirmation: boolean
  incident_ids: string[]
  party_key: string | null
  address: string | null
  address_id: string | null
  point: [number, number] | null
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  microgrid_code: string | null
}

/**
 * What the import compares of a case (personal fields in the clear): the case, its parties, and
 * the steps imports gave it (steps taken here, by the API, are not the source's). `local`: a
 * step was taken here, so the workflow fields (level, status, outcome, confirmation) are ours.
 */
export interface DisputeValues {
  case: DisputeCaseValues
  parties: DisputeCsvParty[]
  steps: { at: string; level: DisputeLevel; action: DisputeAction; note: string | null }[]
  local?: boolean
}

/**
 * A line's values with the workflow fields of a case worked on here kept as they are.
 * @example keepLocalWorkflow(fromCsv, stored).case.status // the stored status when stored.local
 */
export function keepLocalWorkflow(v: DisputeValues, old: DisputeValues | undefined): DisputeValues {
  if (!old?.local) return v
  const { level, status, outcome_at, judicial_confirmation } = old.case
  return { ...v, case: { ...v.case, level, status, outcome_at, judicial_confirmation }, local: true }
}

/**
 * The values a CSV line and its placement give (parties sorted by id, steps by time and action).
 * @example disputeValues(row, parties, placement).case.party_key // 'P1|P2'
 */
export function disputeValues(
  r: DisputeCsvRow,
  parties: readonly DisputeCsvParty[],
  p: ReportPlacement,
  key: string | null,
): DisputeValues {
  return {
    case: {
      type: r.type,
      summary: r.summary ?? null,
      reported_at: r.reported_at.toISOString(),
      level: r.level,
      status: r.status,
      outcome_at: r.outcome_at?.toISOString() ?? null,
      judicial_confirmation: r.judicial_confirmation,
      incident_ids: r.incident_ids,
      party_key: key,
      address: r.address ?? null,
      address_id: p.addressId,
      point: p.point,
      town_code: p.codes.townCode,
      village_code: p.codes.villageCode,
      grid_code: p.codes.gridCode,
      microgrid_code: p.codes.microgridCode,
    },
    parties: [...parties].sort((a, b) => a.party_id.localeCompare(b.party_id)),
    steps: r.steps
      .map((s) => ({ at: s.at.toISOString(), level: s.level, action: s.action, note: s.note ?? null }))
      .sort((a, b) => a.at.localeCompare(b.at) || a.action.localeCompare(b.action)),
  }
}

/**
 * The stored values of cases by case_id.
 * @example (await disputeValuesByCaseId(tx, ['MD-1'])).get('MD-1')?.values.parties
 */
export async function disputeValuesByCaseId(
  tx: Tx,
  caseIds: readonly string[],
): Promise<Map<string, { id: string; values: DisputeValues }>> {
  const rows = await tx<
    {
      id: string
      case_id: string
      type: DisputeType
      summary: string | null
      reported_at: Date
      level: DisputeLevel
      status: DisputeStatus
      outcome_at: Date | null
      judicial_confirmation: boolean
      incident_ids: string[]
      party_key: string | null
      address: string | null
      address_id: string | null
      lng: number | null
      lat: number | null
      town_code: string | null
      village_code: string | null
      grid_code: string | null
      microgrid_code: string | null
    }[]
  >`
    SELECT id::text, case_id, type, summary, reported_at, level, status, outcome_at, judicial_confirmation, incident_ids, party_key,
           address, address_id, ST_X(geom) AS lng, ST_Y(geom) AS lat, town_code, village_code, grid_code, microgrid_code
    FROM disputes WHERE case_id = ANY(${[...caseIds]}::text[])`
  const ids = rows.map((r) => r.id)
  const parties = await tx<
    { dispute_id: string; party_id: string; role: PartyRole; name_sealed: string | null; phone_sealed: string | null }[]
  >`
    SELECT dispute_id::text, party_id, role, name_sealed, phone_sealed FROM dispute_parties WHERE dispute_id = ANY(${ids}::bigint[]) ORDER BY party_id`
  const steps = await tx<
    { dispute_id: string; at: Date; level: DisputeLevel; action: DisputeAction; note: string | null; imported: boolean }[]
  >`
    SELECT dispute_id::text, at, level, action, note, actor LIKE 'import:%' AS imported
    FROM dispute_steps WHERE dispute_id = ANY(${ids}::bigint[]) ORDER BY at, action`
  return new Map(
    rows.map((r) => [
      r.case_id,
      {
        id: r.id,
        values: {
          case: {
            type: r.type,
            summary: r.summary,
            reported_at: r.reported_at.toISOString(),
            level: r.level,
            status: r.status,
            outcome_at: r.outcome_at?.toISOString() ?? null,
            judicial_confirmation: r.judicial_confirmation,
            incident_ids: r.incident_ids,
            party_key: r.party_key,
            address: r.address,
            address_id: r.address_id,
            point: r.lng === null || r.lat === null ? null : [r.lng, r.lat],
            town_code: r.town_code,
            village_code: r.village_code,
            grid_code: r.grid_code,
            microgrid_code: r.microgrid_code,
          },
          parties: parties
            .filter((p) => p.dispute_id === r.id)
            .map((p) => ({ party_id: p.party_id, role: p.role, name: unseal(p.name_sealed), phone: unseal(p.phone_sealed) }))
            .sort((a, b) => a.party_id.localeCompare(b.party_id)),
          local: steps.some((s) => s.dispute_id === r.id && !s.imported),
          steps: steps
            .filter((s) => s.dispute_id === r.id && s.imported)
            .map((s) => ({ at: s.at.toISOString(), level: s.level, action: s.action, note: s.note }))
            .sort((a, b) => a.at.localeCompare(b.at) || a.action.localeCompare(b.action)),
        },
      },
    ]),
  )
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * Writes one imported case: the case row if new or changed, its parties and its steps each
 * replaced only when they differ from `old`. Returns whether anything was written.
 * @example await writeDispute(tx, null, row, values, placement, 'disputes.csv', 'import:disputes.csv') // true
 */
export async function writeDispute(
  tx: Tx,
  old: { id: string; values: DisputeValues } | null,
  r: Pick<DisputeCsvRow, 'case_id'>,
  v: DisputeValues,
  p: ReportPlacement,
  source: string,
  actor: string,
): Promise<boolean> {
  const caseChanged = !old || !same(old.values.case, v.case)
  const partiesChanged = !old || !same(old.values.parties, v.parties)
  const stepsChanged = !old || !same(old.values.steps, v.steps)
  if (!caseChanged && !partiesChanged && !stepsChanged) return false
  let id = old?.id ?? null
  const c = v.case
  if (id === null) {
    const [row] = await tx<{ id: string }[]>`
      INSERT INTO disputes (case_id, type, summary, reported_at, level, status, outcome_at, judicial_confirmation, incident_ids, party_key,
                            address, ${placementColumns(tx)}, source)
      SELECT ${r.case_id}, ${c.type}, ${c.summary}::text, ${c.reported_at}::timestamptz, ${c.level}, ${c.status}, ${c.outcome_at}::timestamptz,
             ${c.judicial_confirmation}, ${c.incident_ids}::text[], ${c.party_key}::text, ${c.address}::text,
             ${placementValues(tx, p)}, ${source}
      RETURNING id::text`
    id = row!.id
  } else {
    await tx`
      UPDATE disputes SET (type, summary, reported_at, level, status, outcome_at, judicial_confirmation, incident_ids, party_key,
                           address, ${placementColumns(tx)}, source, updated_at)
        = (SELECT ${c.type}, ${c.summary}::text, ${c.reported_at}::timestamptz, ${c.level}, ${c.status}, ${c.outcome_at}::timestamptz,
                  ${c.judicial_confirmation}, ${c.incident_ids}::text[], ${c.party_key}::text, ${c.address}::text,
                  ${placementValues(tx, p)}, ${source}, now())
      WHERE id = ${id}::bigint`
  }
  if (partiesChanged) {
    await tx`DELETE FROM dispute_parties WHERE dispute_id = ${id}::bigint`
    for (const party of v.parties) {
      const name = sealName(party.name)
      const phone = sealPhone(party.phone)
      await tx`
        INSERT INTO dispute_parties (dispute_id, party_id, role, name_sealed, name_masked, phone_sealed, phone_masked)
        VALUES (${id}::bigint, ${party.party_id}, ${party.role}, ${name.sealed}, ${name.masked}, ${phone.sealed}, ${phone.masked})`
    }
  }
  if (stepsChanged) {
    // Only the imported steps: the ones taken here stay.
    await tx`DELETE FROM dispute_steps WHERE dispute_id = ${id}::bigint AND actor LIKE 'import:%'`
    for (const s of v.steps) {
      await tx`
        INSERT INTO dispute_steps (dispute_id, at, level, action, note, actor)
        VALUES (${id}::bigint, ${s.at}::timestamptz, ${s.level}, ${s.action}, ${s.note}, ${actor})
        ON CONFLICT (dispute_id, at, action) DO NOTHING`
    }
  }
  return true
}
