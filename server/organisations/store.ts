/**
 * Organisations in the database: the import's compare-and-write, the list with each one's
 * self-check standing, one organisation with its self-checks, hazards and devices. Functions take
 * a transaction in the caller's scope (`db.withScope`): row-level security decides what exists.
 * Personal fields are written sealed and read masked; `unseal` happens only in the route that
 * reveals them.
 */
import type { PendingQuery, Row } from 'postgres'

import { sealName, sealPhone, unseal } from '../auth/sealed.ts'
import type { Queryable, Tx } from '../db/index.ts'
import type { ReportPlacement } from '../geocode/place.ts'
import { placementColumns, placementValues } from '../geocode/place-sql.ts'
import type { HazardCategory } from '../hazards/schema.ts'
import { areaCondition } from '../shared/area-sql.ts'
import { placedColumns, placedPoint, placedProperties, type PlacedRow } from '../shared/placed.ts'
import { addDays, shanghaiDay } from '../shared/time.ts'
import type { AreaRef } from '../stats/schema.ts'
import {
  ORGANISATION_TYPE_NAMES,
  type OrganisationCsvRow,
  type OrganisationDetail,
  type OrganisationFeature,
  type OrganisationPage,
  type OrganisationStatus,
  type OrganisationType,
  type RiskCategory,
  SELF_CHECK_DUE_SOON_DAYS,
  type SelfCheck,
  type SelfCheckState,
} from './schema.ts'

interface OrgRow extends PlacedRow {
  id: string
  org_id: string
  name: string
  type: OrganisationType
  risk_categories: RiskCategory[]
  status: OrganisationStatus
  responsible_name_masked: string | null
  responsible_phone_masked: string | null
  self_check_every_days: number | null
  self_check_checklist: HazardCategory | null
  last_check: Date | null
  due_day: string | null
  updated_at: Date
}

/**
 * Where an organisation stands with its duty on `today`: overdue after the due day, due within
 * SELF_CHECK_DUE_SOON_DAYS of it, else ok; null without a duty.
 * @example selfCheckStanding('2026-11-01', '2026-10-20') // { daysOverdue: 12, state: 'overdue' }
 * @example selfCheckStanding('2026-11-01', '2026-11-05') // { daysOverdue: 0, state: 'due' }
 */
export function selfCheckStanding(today: string, dueDay: string | null): { daysOverdue: number | null; state: SelfCheckState | null } {
  if (dueDay === null) return { daysOverdue: null, state: null }
  const late = Math.round((Date.parse(today) - Date.parse(dueDay)) / 86_400_000)
  if (late > 0) return { daysOverdue: late, state: 'overdue' }
  return { daysOverdue: 0, state: -late <= SELF_CHECK_DUE_SOON_DAYS ? 'due' : 'ok' }
}

/** The columns of an organisation feature, with its last self-check and next due day. */
function orgColumns(sql: Queryable): PendingQuery<Row[]> {
  return sql`o.id::text, o.org_id, o.name, o.type, o.risk_categories, o.status, o.responsible_name_masked, o.responsible_phone_masked,
    o.self_check_every_days, o.self_check_checklist, sc.last AS last_check, d.due_day::text AS due_day, ${placedColumns(sql, 'o')},
    o.updated_at`
}

/** The joins orgColumns reads: the last self-check and the due day (last check, else creation, + the interval; none once closed). */
function orgJoins(sql: Queryable): PendingQuery<Row[]> {
  return sql`
    LEFT JOIN LATERAL (SELECT max(s.checked_at) AS last FROM self_checks s WHERE s.organisation_id = o.id) sc ON true
    CROSS JOIN LATERAL (
      SELECT CASE WHEN o.self_check_every_days IS NULL OR o.status = 'closed' THEN NULL
                  ELSE (coalesce(sc.last, o.created_at) AT TIME ZONE 'Asia/Shanghai')::date + o.self_check_every_days END AS due_day) d`
}

function toFeature(r: OrgRow, today: string): OrganisationFeature {
  const standing = selfCheckStanding(today, r.due_day)
  return {
    type: 'Feature',
    id: Number(r.id),
    geometry: placedPoint(r),
    properties: {
      id: Number(r.id),
      orgId: r.org_id,
      name: r.name,
      type: r.type,
      typeName: ORGANISATION_TYPE_NAMES[r.type],
      riskCategories: r.risk_categories,
      status: r.status,
      responsibleName: r.responsible_name_masked,
      responsiblePhone: r.responsible_phone_masked,
      selfCheckEveryDays: r.self_check_every_days,
      selfCheckChecklist: r.self_check_checklist,
      lastSelfCheck: r.last_check?.toISOString() ?? null,
      nextSelfCheckDue: r.due_day,
      daysOverdue: standing.daysOverdue,
      selfCheckState: standing.state,
      ...placedProperties(r),
      updatedAt: r.updated_at.toISOString(),
    },
  }
}

/**
 * A LIKE pattern that matches any text containing `text` literally (`%`, `_` and `\\` escaped).
 * @example containsPattern('100%_好') // '%100\\%\\_好%'
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

export interface OrganisationFilter {
  /** A part of the name. */
  q?: string | undefined
  area?: AreaRef | null
  type?: readonly OrganisationType[] | undefined
  risk?: readonly RiskCategory[] | undefined
  selfCheck?: SelfCheckState | undefined
}

/**
 * A page of organisations (newest id first, keyset `next`), each with its self-check standing on
 * the Shanghai day of `now`.
 * @example await listOrganisations(tx, { selfCheck: 'overdue' }, new Date(), 100, null)
 */
export async function listOrganisations(
  sql: Tx,
  f: OrganisationFilter,
  now: Date,
  limit: number,
  after: string | null,
): Promise<OrganisationPage> {
  const today = shanghaiDay(now)
  const soon = addDays(today, SELF_CHECK_DUE_SOON_DAYS)
  const standing =
    f.selfCheck === 'overdue'
      ? sql`AND d.due_day < ${today}::date`
      : f.selfCheck === 'due'
        ? sql`AND d.due_day >= ${today}::date AND d.due_day <= ${soon}::date`
        : f.selfCheck === 'ok'
          ? sql`AND d.due_day > ${soon}::date`
          : sql``
  const rows = await sql<OrgRow[]>`
    SELECT ${orgColumns(sql)}
    FROM organisations o ${orgJoins(sql)}
    WHERE true
      ${f.q ? sql`AND o.name ILIKE ${containsPattern(f.q)}` : sql``}
      ${f.type ? sql`AND o.type = ANY(${[...f.type]}::text[])` : sql``}
      ${f.risk ? sql`AND o.risk_categories && ${[...f.risk]}::text[]` : sql``}
      ${areaCondition(sql, 'o', f.area)}
      ${standing}
      ${after ? sql`AND o.id < ${after}::bigint` : sql``}
    ORDER BY o.id DESC
    LIMIT ${limit + 1}`
  const page = rows.slice(0, limit)
  return { type: 'FeatureCollection', features: page.map((r) => toFeature(r, today)), next: rows.length > limit ? page.at(-1)!.id : null }
}

/**
 * One organisation as a feature, or null.
 * @example await getOrganisation(tx, '12', new Date())
 */
export async function getOrganisation(sql: Queryable, id: string, now: Date): Promise<OrganisationFeature | null> {
  const [row] = await sql<OrgRow[]>`SELECT ${orgColumns(sql)} FROM organisations o ${orgJoins(sql)} WHERE o.id = ${id}::bigint`
  return row ? toFeature(row, shanghaiDay(now)) : null
}

/**
 * An organisation's responsible person in the clear (for a caller with `pii` who asked).
 * @example await revealResponsible(tx, '12') // { name: '王小明', phone: '13812345678' }
 */
export async function revealResponsible(sql: Queryable, id: string): Promise<{ name: string | null; phone: string | null }> {
  const [row] = await sql<{ n: string | null; p: string | null }[]>`
    SELECT responsible_name_sealed AS n, responsible_phone_sealed AS p FROM organisations WHERE id = ${id}::bigint`
  return { name: unseal(row?.n ?? null), phone: unseal(row?.p ?? null) }
}

interface SelfCheckRow {
  id: string
  checked_at: Date
  checklist: HazardCategory
  items: number
  failed_items: string[]
  hazard_ids: string[]
  actor: string
}

/** A stored self-check in the API's form. */
export function toSelfCheck(r: SelfCheckRow): SelfCheck {
  return {
    id: Number(r.id),
    checkedAt: r.checked_at.toISOString(),
    checklist: r.checklist,
    items: r.items,
    failedItems: r.failed_items,
    hazardIds: r.hazard_ids,
    actor: r.actor,
  }
}

/**
 * An organisation with its self-checks (newest first), the hazards at it and its devices, or null.
 * @example await organisationDetail(tx, '12', new Date())
 */
export async function organisationDetail(sql: Queryable, id: string, now: Date): Promise<OrganisationDetail | null> {
  const feature = await getOrganisation(sql, id, now)
  if (!feature) return null
  const checks = await sql<SelfCheckRow[]>`
    SELECT id::text, checked_at, checklist, items, failed_items, hazard_ids, actor
    FROM self_checks WHERE organisation_id = ${id}::bigint ORDER BY checked_at DESC, id DESC LIMIT 200`
  const hazards = await sql<
    { id: string; hazard_id: string; source: string; category: string; severity: string; status: string; reported_at: Date }[]
  >`
    SELECT id::text, hazard_id, source, category, severity, status, reported_at
    FROM hazards WHERE organisation_id = ${id}::bigint ORDER BY reported_at DESC, id DESC LIMIT 500`
  const devices = await sql<{ id: string; device_id: string; kind: string; status: string }[]>`
    SELECT id::text, device_id, kind, status FROM devices WHERE organisation_id = ${id}::bigint ORDER BY id`
  return {
    ...feature,
    selfChecks: checks.map(toSelfCheck),
    hazards: hazards.map((h) => ({
      id: Number(h.id),
      hazardId: h.hazard_id,
      source: h.source,
      category: h.category,
      severity: h.severity,
      status: h.status,
      reportedAt: h.reported_at.toISOString(),
    })),
    devices: devices.map((d) => ({ id: Number(d.id), deviceId: d.device_id, kind: d.kind, status: d.status })),
  }
}

/**
 * What the import compares: an organisation's fields in the clear and its placement. Two lines
 * that give equal values write nothing.
 */
export interface OrganisationValues {
  name: string
  type: OrganisationType
  risk_categories: RiskCategory[]
  status: OrganisationStatus
  responsible_name: string | null
  responsible_phone: string | null
  self_check_every_days: number | null
  self_check_checklist: HazardCategory | null
  address: string | null
  address_id: string | null
  point: [number, number] | null
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  microgrid_code: string | null
}

/**
 * The values a CSV line and its placement give.
 * @example organisationValues(row, placement).risk_categories // ['catering', 'gas'] (sorted)
 */
export function organisationValues(r: OrganisationCsvRow, p: ReportPlacement): OrganisationValues {
  return {
    name: r.name,
    type: r.type,
    risk_categories: [...new Set(r.risk_categories)].sort(),
    status: r.status,
    responsible_name: r.responsible_name ?? null,
    responsible_phone: r.responsible_phone ?? null,
    self_check_every_days: r.self_check_every_days ?? null,
    self_check_checklist: r.self_check_checklist ?? null,
    address: r.address ?? null,
    address_id: p.addressId,
    point: p.point,
    town_code: p.codes.townCode,
    village_code: p.codes.villageCode,
    grid_code: p.codes.gridCode,
    microgrid_code: p.codes.microgridCode,
  }
}

/**
 * The stored values of organisations by org_id (personal fields unsealed to compare).
 * @example (await organisationValuesByOrgId(tx, ['ORG-1'])).get('ORG-1')?.values.name
 */
export async function organisationValuesByOrgId(
  tx: Tx,
  orgIds: readonly string[],
): Promise<Map<string, { id: string; values: OrganisationValues }>> {
  const rows = await tx<
    {
      id: string
      org_id: string
      name: string
      type: OrganisationType
      risk_categories: RiskCategory[]
      status: OrganisationStatus
      responsible_name_sealed: string | null
      responsible_phone_sealed: string | null
      self_check_every_days: number | null
      self_check_checklist: HazardCategory | null
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
    SELECT id::text, org_id, name, type, risk_categories, status, responsible_name_sealed, responsible_phone_sealed,
           self_check_every_days, self_check_checklist, address, address_id, ST_X(geom) AS lng, ST_Y(geom) AS lat,
           town_code, village_code, grid_code, microgrid_code
    FROM organisations WHERE org_id = ANY(${[...orgIds]}::text[])`
  return new Map(
    rows.map((r) => [
      r.org_id,
      {
        id: r.id,
        values: {
          name: r.name,
          type: r.type,
          risk_categories: [...r.risk_categories].sort(),
          status: r.status,
          responsible_name: unseal(r.responsible_name_sealed),
          responsible_phone: unseal(r.responsible_phone_sealed),
          self_check_every_days: r.self_check_every_days,
          self_check_checklist: r.self_check_checklist,
          address: r.address,
          address_id: r.address_id,
          point: r.lng === null || r.lat === null ? null : [r.lng, r.lat],
          town_code: r.town_code,
          village_code: r.village_code,
          grid_code: r.grid_code,
          microgrid_code: r.microgrid_code,
        },
      },
    ]),
  )
}

/**
 * Inserts an organisation, or rewrites a known one (`id`), sealing its personal fields.
 * @example await writeOrganisation(tx, null, 'ORG-1', row, placement, 'orgs.csv')
 */
export async function writeOrganisation(
  tx: Tx,
  id: string | null,
  orgId: string,
  r: OrganisationCsvRow,
  p: ReportPlacement,
  source: string,
): Promise<void> {
  const name = sealName(r.responsible_name)
  const phone = sealPhone(r.responsible_phone)
  const risks = [...new Set(r.risk_categories)].sort()
  if (id === null) {
    await tx`
      INSERT INTO organisations (org_id, name, type, risk_categories, status, responsible_name_sealed, responsible_name_masked,
        responsible_phone_sealed, responsible_phone_masked, self_check_every_days, self_check_checklist, address, ${placementColumns(tx)}, source)
      SELECT ${orgId}, ${r.name}, ${r.type}, ${risks}::text[], ${r.status}, ${name.sealed}, ${name.masked}, ${phone.sealed}, ${phone.masked},
             ${r.self_check_every_days ?? null}::int, ${r.self_check_checklist ?? null}::text, ${r.address ?? null}::text,
             ${placementValues(tx, p)}, ${source}`
    return
  }
  await tx`
    UPDATE organisations SET (name, type, risk_categories, status, responsible_name_sealed, responsible_name_masked,
        responsible_phone_sealed, responsible_phone_masked, self_check_every_days, self_check_checklist, address, ${placementColumns(tx)}, source, updated_at)
      = (SELECT ${r.name}, ${r.type}, ${risks}::text[], ${r.status}, ${name.sealed}, ${name.masked}, ${phone.sealed}, ${phone.masked},
             ${r.self_check_every_days ?? null}::int, ${r.self_check_checklist ?? null}::text, ${r.address ?? null}::text,
             ${placementValues(tx, p)}, ${source}, now())
    WHERE id = ${id}::bigint`
}
