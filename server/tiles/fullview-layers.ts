/**
 * The full information view's tile layers (全量信息视图, issue 26): houses, organisations,
 * patrol tracks, patrol coverage by grid and IoT devices, each one registry entry as in layers.ts.
 * They carry counts, kinds and flags only — never a name, phone or ID number (those are sealed
 * in their tables and shown masked by `GET /api/addresses/{id}/full-view`). Row-level security
 * scopes them as every other layer (a town officer's tiles hold their town's rows); a change to
 * their tables drops their cached tiles (migrations/041_full_view_tile_sources.sql), and the
 * current-state attributes (overdue days, alerting, days since a patrol) turn with the clock
 * (freshness.ts drops them on a new hour).
 */
import type { ISql, PendingQuery, Row } from 'postgres'

import { shanghaiDay } from '../shared/time.ts'
import type { LayerContext, LayerDef, Source } from './layers.ts'
import { type Box, BUFFER, simplifyTolerance, tileBoundsLngLat } from './tile-math.ts'

/** Patrol tracks drawn: those of the last this many days. */
export const PATROL_TRACK_DAYS = 7
/** Patrol coverage looks back this far; a grid with no patrol in it shows this many days (`never`). */
export const PATROL_LOOKBACK_DAYS = 60
/** A device is alerting after an alarm or fault within this many hours without a later online or test event. */
export const DEVICE_ALERT_HOURS = 24

/**
 * `ST_MakeEnvelope` of a WGS84 box.
 * @example sql`WHERE geom && ${box(sql, [120, 30, 121, 31])}`
 */
function box(sql: ISql, b: Box): PendingQuery<Row[]> {
  return sql`ST_MakeEnvelope(${b[0]}::float8, ${b[1]}::float8, ${b[2]}::float8, ${b[3]}::float8, 4326)`
}

/** The buffered tile as an envelope. */
const inTile = (sql: ISql, ctx: LayerContext) => box(sql, tileBoundsLngLat(ctx.tile, BUFFER))

/** `address_id` when the row has one (a link into the full view of its address). */
const addressProp = (sql: ISql, col: PendingQuery<Row[]>) =>
  sql`CASE WHEN ${col} IS NOT NULL THEN jsonb_build_object('address_id', ${col}) ELSE '{}'::jsonb END`

/**
 * Houses with their current residents and migrants counted (moved in by today, not moved out),
 * group rentals first so a full tile keeps them.
 * @example await housesSource(sql, ctx)
 */
async function housesSource(sql: ISql, ctx: LayerContext): Promise<Source> {
  const today = shanghaiDay(ctx.now ?? new Date())
  return {
    query: sql`
    SELECT ST_Transform(h.geom, 3857) AS geom, h.id AS fid,
           jsonb_build_object('id', h.id, 'use', h.use, 'group_rental', h.group_rental,
             'residents', coalesce(r.n, 0), 'migrants', coalesce(r.m, 0))
           || CASE WHEN h.rooms IS NOT NULL THEN jsonb_build_object('rooms', h.rooms) ELSE '{}'::jsonb END
           || ${addressProp(sql, sql`h.address_id`)} AS props
    FROM houses h
    LEFT JOIN LATERAL (
      SELECT count(*)::int AS n, (count(*) FILTER (WHERE r.residence = 'migrant'))::int AS m FROM residents r
      WHERE r.house_id = h.id AND (r.moved_in IS NULL OR r.moved_in <= ${today}::date)
        AND (r.moved_out IS NULL OR r.moved_out > ${today}::date)) r ON true
    WHERE h.geom && ${inTile(sql, ctx)}
    ORDER BY h.group_rental DESC, h.id
    LIMIT ${ctx.cap}`,
  }
}

/**
 * Active organisations by type with their risk categories (comma-separated: MVT has no lists)
 * and, for those with a self-check duty, the days its next check is overdue (0: on time) — as
 * the self_check_overdue model counts them: today − (last check, else created) − every days.
 * @example await organisationsSource(sql, ctx)
 */
async function organisationsSource(sql: ISql, ctx: LayerContext): Promise<Source> {
  const today = shanghaiDay(ctx.now ?? new Date())
  return {
    query: sql`
    SELECT ST_Transform(o.geom, 3857) AS geom, o.id AS fid,
           jsonb_build_object('id', o.id, 'type', o.type, 'risk', array_to_string(o.risk_categories, ','))
           || CASE WHEN o.self_check_every_days IS NULL THEN '{}'::jsonb
                   ELSE jsonb_build_object('overdue_days', greatest(0,
                     ${today}::date - (coalesce(c.at, o.created_at) AT TIME ZONE 'Asia/Shanghai')::date - o.self_check_every_days)) END
           || ${addressProp(sql, sql`o.address_id`)} AS props
    FROM organisations o
    LEFT JOIN LATERAL (SELECT max(s.checked_at) AS at FROM self_checks s WHERE s.organisation_id = o.id) c ON true
    WHERE o.status = 'active' AND o.geom && ${inTile(sql, ctx)}
    ORDER BY o.id
    LIMIT ${ctx.cap}`,
  }
}

/**
 * Active devices by kind, `alerting` when an alarm or fault came in the last DEVICE_ALERT_HOURS
 * with no online or test event after it; alerting ones first.
 * @example await devicesSource(sql, ctx)
 */
async function devicesSource(sql: ISql, ctx: LayerContext): Promise<Source> {
  const now = ctx.now ?? new Date()
  const since = new Date(now.getTime() - DEVICE_ALERT_HOURS * 3_600_000)
  return {
    query: sql`
    SELECT ST_Transform(d.geom, 3857) AS geom, d.id AS fid,
           jsonb_build_object('id', d.id, 'kind', d.kind, 'alerting', a.alerting) || ${addressProp(sql, sql`d.address_id`)} AS props
    FROM devices d
    CROSS JOIN LATERAL (SELECT EXISTS (
      SELECT 1 FROM device_events e
      WHERE e.device_id = d.id AND e.kind IN ('alarm', 'fault') AND e.at > ${since}::timestamptz AND e.at <= ${now}::timestamptz
        AND NOT EXISTS (SELECT 1 FROM device_events l WHERE l.device_id = d.id AND l.kind IN ('online', 'test')
                          AND l.at > e.at AND l.at <= ${now}::timestamptz)) AS alerting) a
    WHERE d.status = 'active' AND d.geom && ${inTile(sql, ctx)}
    ORDER BY a.alerting DESC, d.id
    LIMIT ${ctx.cap}`,
  }
}

/**
 * Patrol tracks that ended in the last PATROL_TRACK_DAYS days, newest first.
 * @example await patrolsSource(sql, ctx)
 */
async function patrolsSource(sql: ISql, ctx: LayerContext): Promise<Source> {
  const now = ctx.now ?? new Date()
  const since = new Date(now.getTime() - PATROL_TRACK_DAYS * 86_400_000)
  return {
    query: sql`
    SELECT ST_Transform(p.track, 3857) AS geom, p.id AS fid,
           jsonb_build_object('id', p.id, 'team', p.team, 'members', p.members,
             'started_at', extract(epoch FROM p.started_at)::bigint)
           || CASE WHEN p.length_m IS NOT NULL THEN jsonb_build_object('length_m', round(p.length_m::numeric)::int) ELSE '{}'::jsonb END AS props
    FROM patrols p
    WHERE p.track IS NOT NULL AND p.ended_at >= ${since}::timestamptz AND p.started_at <= ${now}::timestamptz
      AND p.track && ${inTile(sql, ctx)}
    ORDER BY p.started_at DESC, p.id
    LIMIT ${ctx.cap}`,
  }
}

/**
 * Grids with the days since the last patrol whose track passed through them (Shanghai days),
 * PATROL_LOOKBACK_DAYS and `never` when none did in that time. A scoped caller sees their own
 * grids only (the areas are not under row-level security; the patrols are).
 * @example await coverageSource(sql, ctx)
 */
async function coverageSource(sql: ISql, ctx: LayerContext): Promise<Source> {
  const now = ctx.now ?? new Date()
  const today = shanghaiDay(now)
  const since = new Date(now.getTime() - PATROL_LOOKBACK_DAYS * 86_400_000)
  // One pass over the window's patrols through the tile's grids (the GIN index on grid_codes),
  // grouped by grid: a lookup per grid cost ~250 ms at z11 on the small demo, this ~15 ms.
  return {
    query: sql`
    WITH a AS (
      SELECT a.code, a.name, a.geom FROM admin_areas a
      WHERE a.level = 'grid' AND a.geom && ${inTile(sql, ctx)}
        ${ctx.scoped ? sql`AND a.code = ANY ((SELECT app_scope_subtree())::text[])` : sql``}
      ORDER BY a.code LIMIT ${ctx.cap}
    ), last AS (
      SELECT g.code, max(p.ended_at) AS at
      FROM patrols p CROSS JOIN LATERAL unnest(p.grid_codes) AS g(code)
      WHERE p.grid_codes && (SELECT coalesce(array_agg(a.code), '{}') FROM a)
        AND p.ended_at >= ${since}::timestamptz AND p.ended_at <= ${now}::timestamptz
      GROUP BY g.code
    )
    SELECT ST_SimplifyPreserveTopology(ST_Transform(a.geom, 3857), ${simplifyTolerance(ctx.tile.z)}::float8) AS geom,
           jsonb_build_object('code', a.code, 'name', a.name, 'days', coalesce(least(d.days, ${PATROL_LOOKBACK_DAYS}::int), ${PATROL_LOOKBACK_DAYS}::int))
           || CASE WHEN d.days IS NULL THEN '{"never": true}'::jsonb ELSE '{}'::jsonb END AS props
    FROM a LEFT JOIN last ON last.code = a.code
    CROSS JOIN LATERAL (SELECT ${today}::date - (last.at AT TIME ZONE 'Asia/Shanghai')::date AS days) d
    ORDER BY a.code`,
  }
}

const ADDRESS_FIELD = { address_id: 'address id of the unified address base (its full view: /api/addresses/{id}/full-view)' }

/** The full view's layers, appended to the registry (layers.ts LAYERS). */
export const FULL_VIEW_LAYERS: readonly LayerDef[] = [
  {
    name: 'houses',
    description: 'Houses (实有房屋) by use, group rentals flagged, with current residents and migrants counted (no personal data)',
    minzoom: 13,
    maxzoom: 16,
    changesWith: ['houses', 'residents'],
    filtered: false,
    parts: [
      {
        name: 'houses',
        geometry: 'point',
        hasId: true,
        fields: {
          id: 'house id',
          use: 'self_occupied, rented, vacant, commercial or other',
          group_rental: 'flagged as a group rental (群租房) by the source',
          residents: 'current residents',
          migrants: 'current migrant residents (流动人口)',
          rooms: 'rooms, when known',
          ...ADDRESS_FIELD,
        },
        source: housesSource,
      },
    ],
  },
  {
    name: 'organisations',
    description: 'Active organisations (企业, 商铺, 场所) by type and risk categories, with the days their self-check is overdue',
    minzoom: 11,
    maxzoom: 16,
    changesWith: ['organisations', 'self_checks'],
    filtered: false,
    parts: [
      {
        name: 'organisations',
        geometry: 'point',
        hasId: true,
        fields: {
          id: 'organisation id',
          type: 'enterprise, shop or venue',
          risk: 'risk categories, comma-separated',
          overdue_days: 'days the next self-check is overdue (0: on time; absent: no self-check duty)',
          ...ADDRESS_FIELD,
        },
        source: organisationsSource,
      },
    ],
  },
  {
    name: 'patrols',
    description: `Patrol tracks (巡防轨迹) of the last ${PATROL_TRACK_DAYS} days as lines`,
    minzoom: 10,
    maxzoom: 16,
    changesWith: ['patrols'],
    filtered: false,
    parts: [
      {
        name: 'patrols',
        geometry: 'line',
        hasId: true,
        fields: {
          id: 'patrol id',
          team: 'patrol team',
          members: 'members on the patrol',
          started_at: 'start, Unix epoch seconds',
          length_m: 'track length in metres',
        },
        source: patrolsSource,
      },
    ],
  },
  {
    name: 'patrol_coverage',
    description: `Grids with the days since a patrol last passed through them (up to ${PATROL_LOOKBACK_DAYS}; never: none in that time)`,
    minzoom: 11,
    maxzoom: 16,
    changesWith: ['patrols'],
    filtered: false,
    parts: [
      {
        name: 'patrol_coverage',
        geometry: 'polygon',
        hasId: false,
        fields: {
          code: 'grid code',
          name: 'grid name',
          days: `days since the last patrol through the grid (Shanghai days; ${PATROL_LOOKBACK_DAYS} when none)`,
          never: `true when no patrol passed in the last ${PATROL_LOOKBACK_DAYS} days`,
        },
        source: coverageSource,
      },
    ],
  },
  {
    name: 'devices',
    description: `IoT devices (物联感知) by kind, alerting after an alarm or fault in the last ${DEVICE_ALERT_HOURS} h with no later online or test event`,
    minzoom: 11,
    maxzoom: 16,
    changesWith: ['devices', 'device_events'],
    filtered: false,
    parts: [
      {
        name: 'devices',
        geometry: 'point',
        hasId: true,
        fields: {
          id: 'device id',
          kind: 'smoke_detector, gas_alarm, gas_cylinder or ebike_charger',
          alerting: `an alarm or fault in the last ${DEVICE_ALERT_HOURS} h with no online or test event since`,
          ...ADDRESS_FIELD,
        },
        source: devicesSource,
      },
    ],
  },
]
