/**
 * An address's full view (全量信息视图 of one address of the base, issue 26): its houses with
 * their current residents, the organisations, recent incidents, hazards, disputes, devices and
 * tasks tied to it — read with SQL straight from the tables, inside the caller's scope (row-level
 * security), so an address outside the scope is no address at all. Residents are always given
 * masked (the `*_masked` columns; the sealed ones are never read here), dispute parties only
 * counted; free text that may hold names (descriptions, summaries, titles) is masked for callers
 * without `pii` by the route (maskFullView).
 */
import type { PendingQuery, Row } from 'postgres'

import { maskPii } from '../auth/mask.ts'
import type { Queryable } from '../db/index.ts'
import { overdueHazardSql } from '../hazards/store.ts'
import type { FullView } from '../shared/full-view.ts'
import { shanghaiDay } from '../shared/time.ts'
import { overdueTaskSql } from '../tasks/store.ts'
import { DEVICE_ALERT_HOURS } from '../tiles/fullview-layers.ts'

/** Most recent incidents listed (the total is counted apart). */
export const FULL_VIEW_INCIDENTS = 20
/** Most rows listed per other section (houses, organisations, hazards, disputes, devices, tasks). */
export const FULL_VIEW_MAX = 100

/** An ISO instant of a timestamptz column. */
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

/**
 * The full view of one address in the caller's scope (the transaction's), or null when the
 * address does not exist there. `pii` gives residents' key categories (names stay masked).
 * @example await db.withScope(scopeOf(req), (tx) => readFullView(tx, 'F_R3_2_501', new Date(), false))
 */
export async function readFullView(sql: Queryable, id: string, now: Date, pii: boolean): Promise<FullView | null> {
  const [a] = await sql<
    {
      address_id: string
      address: string
      lng: number
      lat: number
      town_code: string | null
      village_code: string | null
      grid_code: string | null
      town_name: string | null
      village_name: string | null
      grid_name: string | null
    }[]
  >`
    SELECT a.address_id, a.address, ST_X(a.geom) AS lng, ST_Y(a.geom) AS lat, a.town_code, a.village_code, a.grid_code,
           (SELECT name FROM admin_areas WHERE code = a.town_code) AS town_name,
           (SELECT name FROM admin_areas WHERE code = a.village_code) AS village_name,
           (SELECT name FROM admin_areas WHERE code = a.grid_code) AS grid_name
    FROM addresses a WHERE a.address_id = ${id}`
  if (!a) return null
  const today = shanghaiDay(now)

  const houses = await sql<
    {
      id: string
      house_id: string
      room: string | null
      use: string
      group_rental: boolean
      rooms: number | null
      floor_area_m2: number | null
      owner_name_masked: string | null
      owner_phone_masked: string | null
    }[]
  >`
    SELECT h.id::text, h.house_id, h.room, h.use, h.group_rental, h.rooms, h.floor_area_m2, h.owner_name_masked, h.owner_phone_masked
    FROM houses h WHERE h.address_id = ${id} ORDER BY h.group_rental DESC, h.room NULLS LAST, h.id LIMIT ${FULL_VIEW_MAX}`
  const houseIds = houses.map((h) => h.id)
  const residents = await sql<
    {
      id: string
      house_id: string
      name_masked: string | null
      residence: 'registered' | 'migrant'
      registered: boolean
      moved_in: string | null
      key_categories: string[]
    }[]
  >`
    SELECT r.id::text, r.house_id::text, r.name_masked, r.residence,
           (r.registered_on IS NOT NULL AND (r.registration_expires IS NULL OR r.registration_expires >= ${today}::date)) AS registered,
           to_char(r.moved_in, 'YYYY-MM-DD') AS moved_in, r.key_categories
    FROM residents r
    WHERE r.house_id = ANY(${houseIds}::bigint[])
      AND (r.moved_in IS NULL OR r.moved_in <= ${today}::date) AND (r.moved_out IS NULL OR r.moved_out > ${today}::date)
    ORDER BY r.house_id, r.moved_in NULLS LAST, r.id`

  const orgs = await sql<
    {
      id: string
      org_id: string
      name: string
      type: string
      risk_categories: string[]
      status: string
      responsible_name_masked: string | null
      responsible_phone_masked: string | null
      self_check_every_days: number | null
      last_check: Date | null
      overdue_days: number | null
    }[]
  >`
    SELECT o.id::text, o.org_id, o.name, o.type, o.risk_categories, o.status, o.responsible_name_masked, o.responsible_phone_masked,
           o.self_check_every_days, c.at AS last_check,
           CASE WHEN o.self_check_every_days IS NULL THEN NULL
                ELSE greatest(0, ${today}::date - (coalesce(c.at, o.created_at) AT TIME ZONE 'Asia/Shanghai')::date - o.self_check_every_days) END AS overdue_days
    FROM organisations o
    LEFT JOIN LATERAL (SELECT max(s.checked_at) AS at FROM self_checks s WHERE s.organisation_id = o.id) c ON true
    WHERE o.address_id = ${id} ORDER BY o.status, o.id LIMIT ${FULL_VIEW_MAX}`
  const orgIds = orgs.map((o) => o.id)

  const [incidentTotal] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents i WHERE i.address_id = ${id}`
  const incidents = await sql<
    {
      id: string
      incident_id: string
      reported_at: Date
      category_code: string
      category_name: string | null
      status: string
      description: string | null
    }[]
  >`
    SELECT i.id::text, i.incident_id, i.reported_at, i.category_code, c.name_zh AS category_name, i.status, i.description
    FROM incidents i LEFT JOIN incident_categories c ON c.code = i.category_code
    WHERE i.address_id = ${id} ORDER BY i.reported_at DESC, i.id DESC LIMIT ${FULL_VIEW_INCIDENTS}`

  const atOrgs = (col: PendingQuery<Row[]>) => sql`OR ${col} = ANY(${orgIds}::bigint[])`
  const hazards = await sql<
    {
      id: string
      hazard_id: string
      category: string
      severity: string
      status: string
      overdue: boolean
      due_date: string | null
      reported_at: Date
      description: string
    }[]
  >`
    SELECT h.id::text, h.hazard_id, h.category, h.severity, h.status, ${overdueHazardSql(sql, now)} AS overdue,
           to_char(h.due_date, 'YYYY-MM-DD') AS due_date, h.reported_at, h.description
    FROM hazards h WHERE h.address_id = ${id} ${atOrgs(sql`h.organisation_id`)}
    ORDER BY (h.status = 'closed'), h.reported_at DESC, h.id DESC LIMIT ${FULL_VIEW_MAX}`

  const disputes = await sql<
    {
      id: string
      case_id: string
      type: string
      level: string
      status: string
      reported_at: Date
      outcome_at: Date | null
      summary: string | null
      parties: number
    }[]
  >`
    SELECT d.id::text, d.case_id, d.type, d.level, d.status, d.reported_at, d.outcome_at, d.summary,
           (SELECT count(*)::int FROM dispute_parties p WHERE p.dispute_id = d.id) AS parties
    FROM disputes d WHERE d.address_id = ${id} ORDER BY d.reported_at DESC, d.id DESC LIMIT ${FULL_VIEW_MAX}`

  const since = new Date(now.getTime() - DEVICE_ALERT_HOURS * 3_600_000)
  const devices = await sql<
    {
      id: string
      device_id: string
      kind: string
      status: string
      alerting: boolean
      last_at: Date | null
      last_kind: string | null
    }[]
  >`
    SELECT d.id::text, d.device_id, d.kind, d.status, l.at AS last_at, l.kind AS last_kind,
           EXISTS (SELECT 1 FROM device_events e
                   WHERE e.device_id = d.id AND e.kind IN ('alarm', 'fault') AND e.at > ${since}::timestamptz AND e.at <= ${now}::timestamptz
                     AND NOT EXISTS (SELECT 1 FROM device_events o WHERE o.device_id = d.id AND o.kind IN ('online', 'test')
                                       AND o.at > e.at AND o.at <= ${now}::timestamptz)) AS alerting
    FROM devices d
    LEFT JOIN LATERAL (SELECT e.at, e.kind FROM device_events e WHERE e.device_id = d.id AND e.at <= ${now}::timestamptz
                       ORDER BY e.at DESC LIMIT 1) l ON true
    WHERE d.address_id = ${id} OR d.house_id = ANY(${houseIds}::bigint[]) ${atOrgs(sql`d.organisation_id`)}
    ORDER BY d.status, d.kind, d.id LIMIT ${FULL_VIEW_MAX}`

  const hazardIds = hazards.map((h) => h.id)
  const tasks = await sql<{ id: string; title: string; status: string; source: string; due_date: string; overdue: boolean }[]>`
    SELECT t.id::text, t.title, t.status, t.source, to_char(t.due_date, 'YYYY-MM-DD') AS due_date, ${overdueTaskSql(sql, now)} AS overdue
    FROM tasks t
    WHERE t.hazard_id = ANY(${hazardIds}::bigint[])
       OR t.warning_id IN (SELECT w.id FROM warnings w WHERE w.address_id = ${id})
    ORDER BY (t.status = 'closed'), t.due_date, t.id LIMIT ${FULL_VIEW_MAX}`

  const people = residents.map((r) => ({
    house: r.house_id,
    resident: {
      id: Number(r.id),
      name: r.name_masked,
      residence: r.residence,
      registered: r.residence === 'migrant' && r.registered,
      movedIn: r.moved_in,
      keyPerson: r.key_categories.length > 0,
      keyCategories: pii ? r.key_categories : [],
    },
  }))
  const houseList = houses.map((h) => {
    const own = people.filter((p) => p.house === h.id).map((p) => p.resident)
    return {
      id: Number(h.id),
      houseId: h.house_id,
      room: h.room,
      use: h.use,
      groupRental: h.group_rental,
      rooms: h.rooms,
      floorAreaM2: h.floor_area_m2,
      owner: h.owner_name_masked,
      ownerPhone: h.owner_phone_masked,
      residents: own.length,
      migrants: own.filter((r) => r.residence === 'migrant').length,
      people: own,
    }
  })
  return {
    address: {
      id: a.address_id,
      address: a.address,
      lng: a.lng,
      lat: a.lat,
      townCode: a.town_code,
      villageCode: a.village_code,
      gridCode: a.grid_code,
      townName: a.town_name,
      villageName: a.village_name,
      gridName: a.grid_name,
    },
    counts: {
      houses: houses.length,
      residents: residents.length,
      migrants: residents.filter((r) => r.residence === 'migrant').length,
      organisations: orgs.length,
      incidents: incidentTotal?.n ?? 0,
      hazards: hazards.length,
      openHazards: hazards.filter((h) => h.status !== 'closed').length,
      disputes: disputes.length,
      devices: devices.length,
      alertingDevices: devices.filter((d) => d.alerting).length,
      tasks: tasks.length,
      openTasks: tasks.filter((t) => t.status !== 'closed').length,
    },
    houses: houseList,
    organisations: orgs.map((o) => ({
      id: Number(o.id),
      orgId: o.org_id,
      name: o.name,
      type: o.type,
      riskCategories: o.risk_categories,
      status: o.status,
      responsible: o.responsible_name_masked,
      responsiblePhone: o.responsible_phone_masked,
      selfCheckEveryDays: o.self_check_every_days,
      lastSelfCheckAt: iso(o.last_check),
      overdueDays: o.overdue_days,
    })),
    incidents: {
      total: incidentTotal?.n ?? 0,
      recent: incidents.map((i) => ({
        id: Number(i.id),
        incidentId: i.incident_id,
        reportedAt: iso(i.reported_at)!,
        category: i.category_code,
        categoryName: i.category_name,
        status: i.status,
        description: i.description,
      })),
    },
    hazards: hazards.map((h) => ({
      id: Number(h.id),
      hazardId: h.hazard_id,
      category: h.category,
      severity: h.severity,
      status: h.status,
      overdue: h.overdue,
      dueDate: h.due_date,
      reportedAt: iso(h.reported_at)!,
      description: h.description,
    })),
    disputes: disputes.map((d) => ({
      id: Number(d.id),
      caseId: d.case_id,
      type: d.type,
      level: d.level,
      status: d.status,
      reportedAt: iso(d.reported_at)!,
      outcomeAt: iso(d.outcome_at),
      summary: d.summary,
      parties: d.parties,
    })),
    devices: devices.map((d) => ({
      id: Number(d.id),
      deviceId: d.device_id,
      kind: d.kind,
      status: d.status,
      alerting: d.alerting,
      lastEventAt: iso(d.last_at),
      lastEventKind: d.last_kind,
    })),
    tasks: tasks.map((t) => ({
      id: Number(t.id),
      title: t.title,
      status: t.status,
      source: t.source,
      dueDate: t.due_date,
      overdue: t.overdue,
    })),
  }
}

/**
 * The free text of a full view masked for a caller without `pii`: incident descriptions, hazard
 * descriptions and task titles (as their own routes mask them). Dispute summaries are masked for
 * everyone: the parties are never named here. In place; returns its argument.
 * @example maskFullView(view, false).incidents.recent[0].description // '报警人张**称…'
 */
export function maskFullView(v: FullView, pii: boolean): FullView {
  for (const d of v.disputes) d.summary = maskPii(d.summary)
  if (pii) return v
  for (const i of v.incidents.recent) i.description = maskPii(i.description)
  for (const h of v.hazards) h.description = maskPii(h.description)
  for (const t of v.tasks) t.title = maskPii(t.title)
  return v
}
