/**
 * The full information view's collections (全量信息视图, issue 26) for OGC API – Features and the
 * exports: houses, organisations, disputes, patrol tracks and devices, so QGIS and GDAL read
 * them as they read incidents. Like their tile layers they carry no sealed personal data: a
 * house's residents are counted, never listed (they are read, audited, through /api/houses), a
 * dispute's parties are left out, and free text that may name someone (a dispute's summary, an
 * organisation's name — a sole trader's shop is often its owner's name) is masked for callers
 * without `pii`. Row-level security scopes every query, as for the other collections.
 */
import { DeviceKindSchema, DeviceStatusSchema } from '../devices/schema.ts'
import { DisputeTypeSchema } from '../disputes/schema.ts'
import { DisputeLevelSchema, DisputeStatusSchema } from '../disputes/states.ts'
import { OrganisationStatusSchema, OrganisationTypeSchema, RiskCategorySchema } from '../organisations/schema.ts'
import { HouseUseSchema } from '../people/schema.ts'
import type { CollectionDef, PropertyDef, SqlPart } from './collections.ts'
import { anyOfFilter, areaCodeFilters, codedAreaFilter, enumFilter } from './filters.ts'

/** Today in Shanghai, in SQL: a resident lives in a house from moving in to moving out. */
const TODAY: SqlPart = (sql) => sql`(now() AT TIME ZONE 'Asia/Shanghai')::date`

/**
 * The placement properties every placed record shares (address, how it was placed, its areas).
 * @example placedProperties('h').map((p) => p.name) // ['address', 'geocodeLevel', 'approximate', 'addressId', 'townCode', 'villageCode', 'gridCode']
 */
function placedProperties(alias: string): PropertyDef[] {
  const col =
    (name: string): SqlPart =>
    (sql) =>
      sql`${sql(alias)}.${sql(name)}`
  return [
    { name: 'address', type: 'string', description: 'Address as given', expr: col('address') },
    { name: 'geocodeLevel', type: 'string', description: 'How finely it was placed (room … district, none)', expr: col('geocode_level') },
    {
      name: 'approximate',
      type: 'boolean',
      description: 'The point only stands for the road, village or town the address named',
      expr: col('approximate'),
    },
    {
      name: 'addressId',
      type: 'string',
      description: 'Unified address id (its full view: /api/addresses/{id}/full-view)',
      expr: col('address_id'),
    },
    { name: 'townCode', type: 'string', description: 'Town code', expr: col('town_code') },
    { name: 'villageCode', type: 'string', description: 'Village code', expr: col('village_code') },
    { name: 'gridCode', type: 'string', description: 'Grid code', expr: col('grid_code') },
  ]
}

const houses: CollectionDef = {
  id: 'houses',
  title: '实有房屋 (houses)',
  description:
    'Houses by use, group rentals flagged, with their current residents and migrants counted (points, WGS84). No names or phones: residents are read, audited, through /api/houses/{id}. The feature id is the numeric id.',
  geometryType: 'Point',
  from: (sql) => sql`houses h`,
  key: { expr: (sql) => sql`h.id`, type: 'bigint' },
  geometry: (sql) => sql`h.geom`,
  properties: [
    { name: 'id', type: 'integer', description: 'Numeric id', expr: (sql) => sql`h.id` },
    { name: 'houseId', type: 'string', description: 'The source system’s id', expr: (sql) => sql`h.house_id` },
    { name: 'room', type: 'string', description: 'Room or door', expr: (sql) => sql`h.room` },
    { name: 'use', type: 'string', description: HouseUseSchema.options.join(', '), expr: (sql) => sql`h.use` },
    { name: 'groupRental', type: 'boolean', description: 'Flagged as a group rental (群租房)', expr: (sql) => sql`h.group_rental` },
    { name: 'rooms', type: 'integer', description: 'Rooms, when known', expr: (sql) => sql`h.rooms` },
    {
      name: 'residents',
      type: 'integer',
      description: 'Current residents (moved in, not moved out)',
      expr: (sql) => sql`(SELECT count(*)::int FROM residents r WHERE r.house_id = h.id
        AND (r.moved_in IS NULL OR r.moved_in <= ${TODAY(sql)}) AND (r.moved_out IS NULL OR r.moved_out > ${TODAY(sql)}))`,
    },
    {
      name: 'migrants',
      type: 'integer',
      description: 'Current migrant residents (流动人口)',
      expr: (sql) => sql`(SELECT count(*)::int FROM residents r WHERE r.house_id = h.id AND r.residence = 'migrant'
        AND (r.moved_in IS NULL OR r.moved_in <= ${TODAY(sql)}) AND (r.moved_out IS NULL OR r.moved_out > ${TODAY(sql)}))`,
    },
    ...placedProperties('h'),
  ],
  filters: [
    enumFilter('use', HouseUseSchema.options, (s) => s`h.use`, 'House use'),
    codedAreaFilter('h', 'Houses in this area'),
    ...areaCodeFilters('h'),
  ],
}

const organisations: CollectionDef = {
  id: 'organisations',
  title: '企业/商铺/场所 (organisations)',
  description:
    'Enterprises, street shops and venues by type and risk categories, with their self-check duty and last check (points, WGS84). The responsible person is left out. The feature id is the numeric id.',
  geometryType: 'Point',
  from: (sql) => sql`organisations o`,
  key: { expr: (sql) => sql`o.id`, type: 'bigint' },
  geometry: (sql) => sql`o.geom`,
  properties: [
    { name: 'id', type: 'integer', description: 'Numeric id', expr: (sql) => sql`o.id` },
    { name: 'orgId', type: 'string', description: 'The source system’s id', expr: (sql) => sql`o.org_id` },
    {
      name: 'name',
      type: 'string',
      description: 'Name (names, phone and ID numbers in it masked without the right to see them)',
      expr: (sql) => sql`o.name`,
      personal: true,
    },
    { name: 'type', type: 'string', description: OrganisationTypeSchema.options.join(', '), expr: (sql) => sql`o.type` },
    {
      name: 'riskCategories',
      type: 'string',
      description: `Risk categories, comma-separated (${RiskCategorySchema.options.join(', ')})`,
      expr: (sql) => sql`array_to_string(o.risk_categories, ',')`,
    },
    { name: 'status', type: 'string', description: OrganisationStatusSchema.options.join(', '), expr: (sql) => sql`o.status` },
    {
      name: 'selfCheckEveryDays',
      type: 'integer',
      description: 'Self-check duty: every this many days (none: no duty)',
      expr: (sql) => sql`o.self_check_every_days`,
    },
    {
      name: 'selfCheckChecklist',
      type: 'string',
      description: 'The checklist its self-checks follow',
      expr: (sql) => sql`o.self_check_checklist`,
    },
    {
      name: 'lastSelfCheck',
      type: 'date-time',
      description: 'Its last self-check',
      expr: (sql) => sql`(SELECT max(s.checked_at) FROM self_checks s WHERE s.organisation_id = o.id)`,
    },
    ...placedProperties('o'),
  ],
  filters: [
    enumFilter('type', OrganisationTypeSchema.options, (s) => s`o.type`, 'Organisation type'),
    enumFilter('status', OrganisationStatusSchema.options, (s) => s`o.status`, 'Status'),
    anyOfFilter('risk', RiskCategorySchema.options, (s) => s`o.risk_categories`, 'Risk category'),
    codedAreaFilter('o', 'Organisations in this area'),
    ...areaCodeFilters('o'),
  ],
}

const disputes: CollectionDef = {
  id: 'disputes',
  title: '矛盾纠纷 (disputes)',
  description:
    'Disputes and their mediation: type, level, status and outcome (points, WGS84; null geometry when they could not be placed). The parties are left out. The feature id is the numeric id.',
  geometryType: 'Point',
  from: (sql) => sql`disputes d`,
  key: { expr: (sql) => sql`d.id`, type: 'bigint' },
  geometry: (sql) => sql`d.geom`,
  time: { property: 'reportedAt', expr: (sql) => sql`d.reported_at` },
  properties: [
    { name: 'id', type: 'integer', description: 'Numeric id', expr: (sql) => sql`d.id` },
    { name: 'caseId', type: 'string', description: 'The source system’s case id', expr: (sql) => sql`d.case_id` },
    { name: 'type', type: 'string', description: DisputeTypeSchema.options.join(', '), expr: (sql) => sql`d.type` },
    {
      name: 'summary',
      type: 'string',
      description: 'Summary (Chinese; names, phone and ID numbers masked without the right to see them)',
      expr: (sql) => sql`d.summary`,
      personal: true,
    },
    { name: 'reportedAt', type: 'date-time', description: 'When it was registered', expr: (sql) => sql`d.reported_at` },
    {
      name: 'level',
      type: 'string',
      description: `Mediation level now (${DisputeLevelSchema.options.join(', ')})`,
      expr: (sql) => sql`d.level`,
    },
    { name: 'status', type: 'string', description: DisputeStatusSchema.options.join(', '), expr: (sql) => sql`d.status` },
    { name: 'outcomeAt', type: 'date-time', description: 'When it was resolved, failed or withdrawn', expr: (sql) => sql`d.outcome_at` },
    {
      name: 'judicialConfirmation',
      type: 'boolean',
      description: 'The agreement was judicially confirmed (司法确认)',
      expr: (sql) => sql`d.judicial_confirmation`,
    },
    {
      name: 'incidentIds',
      type: 'string',
      description: 'The incidents it came from (source ids, comma-separated)',
      expr: (sql) => sql`array_to_string(d.incident_ids, ',')`,
    },
    ...placedProperties('d'),
  ],
  filters: [
    enumFilter('type', DisputeTypeSchema.options, (s) => s`d.type`, 'Dispute type'),
    enumFilter('status', DisputeStatusSchema.options, (s) => s`d.status`, 'Status'),
    enumFilter('level', DisputeLevelSchema.options, (s) => s`d.level`, 'Mediation level'),
    codedAreaFilter('d', 'Disputes in this area'),
    ...areaCodeFilters('d'),
  ],
}

const patrols: CollectionDef = {
  id: 'patrols',
  title: '巡防 (patrols)',
  description:
    'Patrols with their GPS tracks (lines, WGS84; null geometry without a track), team, members and the areas the track passed through. The feature id is the numeric id.',
  geometryType: 'LineString',
  from: (sql) => sql`patrols p`,
  key: { expr: (sql) => sql`p.id`, type: 'bigint' },
  geometry: (sql) => sql`p.track`,
  time: { property: 'startedAt', expr: (sql) => sql`p.started_at` },
  properties: [
    { name: 'id', type: 'integer', description: 'Numeric id', expr: (sql) => sql`p.id` },
    { name: 'patrolId', type: 'string', description: 'The source system’s id', expr: (sql) => sql`p.patrol_id` },
    { name: 'team', type: 'string', description: 'Team', expr: (sql) => sql`p.team` },
    { name: 'members', type: 'integer', description: 'Members on the patrol', expr: (sql) => sql`p.members` },
    { name: 'startedAt', type: 'date-time', description: 'Start', expr: (sql) => sql`p.started_at` },
    { name: 'endedAt', type: 'date-time', description: 'End', expr: (sql) => sql`p.ended_at` },
    { name: 'lengthM', type: 'number', description: 'Track length in metres', expr: (sql) => sql`p.length_m` },
    {
      name: 'gridCodes',
      type: 'string',
      description: 'Grids the track passed through, comma-separated',
      expr: (sql) => sql`array_to_string(p.grid_codes, ',')`,
    },
    {
      name: 'townCodes',
      type: 'string',
      description: 'Towns the track passed through, comma-separated',
      expr: (sql) => sql`array_to_string(p.town_codes, ',')`,
    },
  ],
  filters: [codedAreaFilter('p', 'Patrols whose track passed through this area', 'crossed')],
}

const devices: CollectionDef = {
  id: 'devices',
  title: '物联感知设备 (devices)',
  description:
    'IoT devices — smoke detectors, gas alarms, gas cylinders, e-bike chargers — where installed, with their last event (points, WGS84). Their events: /api/devices/{id}/events. The feature id is the numeric id.',
  geometryType: 'Point',
  from: (sql) => sql`devices v`,
  key: { expr: (sql) => sql`v.id`, type: 'bigint' },
  geometry: (sql) => sql`v.geom`,
  properties: [
    { name: 'id', type: 'integer', description: 'Numeric id', expr: (sql) => sql`v.id` },
    { name: 'deviceId', type: 'string', description: 'The source system’s id', expr: (sql) => sql`v.device_id` },
    { name: 'kind', type: 'string', description: DeviceKindSchema.options.join(', '), expr: (sql) => sql`v.kind` },
    { name: 'name', type: 'string', description: 'Name or model', expr: (sql) => sql`v.name` },
    { name: 'status', type: 'string', description: DeviceStatusSchema.options.join(', '), expr: (sql) => sql`v.status` },
    {
      name: 'installedAt',
      type: 'string',
      description: 'Installed on (YYYY-MM-DD)',
      expr: (sql) => sql`to_char(v.installed_at, 'YYYY-MM-DD')`,
    },
    {
      name: 'organisationId',
      type: 'integer',
      description: 'The organisation it is at, or a cylinder’s customer',
      expr: (sql) => sql`v.organisation_id`,
    },
    { name: 'houseId', type: 'integer', description: 'The house it is at, or a cylinder’s customer', expr: (sql) => sql`v.house_id` },
    {
      name: 'lastEventKind',
      type: 'string',
      description: 'Its latest event (alarm, fault, offline, online, reading, test, filling, delivery)',
      expr: (sql) => sql`(SELECT e.kind FROM device_events e WHERE e.device_id = v.id ORDER BY e.at DESC LIMIT 1)`,
    },
    {
      name: 'lastEventAt',
      type: 'date-time',
      description: 'When its latest event came',
      expr: (sql) => sql`(SELECT max(e.at) FROM device_events e WHERE e.device_id = v.id)`,
    },
    ...placedProperties('v'),
  ],
  filters: [
    enumFilter('kind', DeviceKindSchema.options, (s) => s`v.kind`, 'Device kind'),
    enumFilter('status', DeviceStatusSchema.options, (s) => s`v.status`, 'Status'),
    codedAreaFilter('v', 'Devices in this area'),
    ...areaCodeFilters('v'),
  ],
}

/** The full view's collections, appended to the registry (collections.ts COLLECTIONS). */
export const FULL_VIEW_COLLECTIONS: readonly CollectionDef[] = [houses, organisations, disputes, patrols, devices]
