/**
 * Patrols in the database: the batch upsert of imported patrols (with the areas their tracks
 * passed through, computed in SQL from admin_areas), the list, one patrol, and the coverage of
 * grids. Functions take a transaction (`db.withScope`): row-level security scopes every read by
 * the areas the track went through (migration 034's patrols_scope).
 */
import crypto from 'node:crypto'

import type { Queryable, Tx } from '../db/index.ts'
import type { AreaRef } from '../stats/schema.ts'
import type { GridCoverage, PatrolCoverage, PatrolFeature, PatrolPage } from './schema.ts'
import { type Track, trackWkt } from './track.ts'

/** A patrol as stored from an import line (track in WGS84). */
export interface PatrolInput {
  patrol_id: string
  team: string
  members: number
  started_at: Date
  ended_at: Date
  track: Track
  source?: string | undefined
}

/**
 * The hash of a patrol as given: equal hashes mean a re-run has nothing to write.
 * @example patrolHash(row) // '3f1c…'
 */
export function patrolHash(p: PatrolInput): string {
  const given = [p.patrol_id, p.team, p.members, p.started_at.toISOString(), p.ended_at.toISOString(), p.track, p.source ?? null]
  return crypto.createHash('sha256').update(JSON.stringify(given)).digest('hex')
}

/**
 * Inserts new patrols, rewrites changed ones (by patrol_id; unchanged ones are not written), and
 * computes the written ones' length and the town, village and grid codes their tracks intersect.
 * @example await upsertPatrols(tx, rows) // { inserted: 2, updated: 0, unchanged: 1 }
 */
export async function upsertPatrols(
  tx: Tx,
  rows: readonly PatrolInput[],
): Promise<{ inserted: number; updated: number; unchanged: number }> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 }
  const written = await tx<{ id: string; inserted: boolean }[]>`
    INSERT INTO patrols AS p (patrol_id, team, members, started_at, ended_at, track, source, input_hash)
    SELECT r.patrol_id, r.team, r.members, r.started_at, r.ended_at, ST_GeomFromText(r.wkt, 4326), r.source, r.hash
    FROM unnest(${rows.map((r) => r.patrol_id)}::text[], ${rows.map((r) => r.team)}::text[], ${rows.map((r) => r.members)}::int[],
                ${rows.map((r) => r.started_at.toISOString())}::timestamptz[], ${rows.map((r) => r.ended_at.toISOString())}::timestamptz[],
                ${rows.map((r) => trackWkt(r.track))}::text[], ${rows.map((r) => r.source ?? null)}::text[], ${rows.map(patrolHash)}::text[])
      AS r (patrol_id, team, members, started_at, ended_at, wkt, source, hash)
    ON CONFLICT (patrol_id) DO UPDATE SET
      team = EXCLUDED.team, members = EXCLUDED.members, started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at,
      track = EXCLUDED.track, source = EXCLUDED.source, input_hash = EXCLUDED.input_hash, updated_at = now()
    WHERE p.input_hash IS DISTINCT FROM EXCLUDED.input_hash
    RETURNING p.id::text AS id, (p.xmax = 0) AS inserted`
  if (written.length > 0)
    await computePatrolAreas(
      tx,
      written.map((w) => w.id),
    )
  const inserted = written.filter((w) => w.inserted).length
  return { inserted, updated: written.length - inserted, unchanged: rows.length - written.length }
}

/**
 * Sets patrols' `length_m` (on the spheroid) and the codes of the towns, villages and grids their
 * tracks intersect (a track along a border counts for both sides).
 * @example await computePatrolAreas(tx, ['17', '18'])
 */
export async function computePatrolAreas(tx: Tx, ids: readonly string[]): Promise<void> {
  await tx`
    UPDATE patrols p SET
      length_m = ST_Length(p.track::geography),
      town_codes = coalesce(x.towns, '{}'), village_codes = coalesce(x.villages, '{}'), grid_codes = coalesce(x.grids, '{}')
    FROM (
      SELECT q.id,
             array_agg(a.code ORDER BY a.code) FILTER (WHERE a.level = 'town') AS towns,
             array_agg(a.code ORDER BY a.code) FILTER (WHERE a.level = 'village') AS villages,
             array_agg(a.code ORDER BY a.code) FILTER (WHERE a.level = 'grid') AS grids
      FROM patrols q
      LEFT JOIN admin_areas a ON a.level IN ('town', 'village', 'grid') AND a.geom && q.track AND ST_Intersects(a.geom, q.track)
      WHERE q.id = ANY(${ids as string[]}::bigint[])
      GROUP BY q.id) x
    WHERE p.id = x.id`
}

interface PatrolRow {
  id: string
  patrol_id: string
  team: string
  members: number
  started_at: Date
  ended_at: Date
  length_m: number | null
  town_codes: string[]
  village_codes: string[]
  grid_codes: string[]
  source: string | null
  created_at: Date
  updated_at: Date
  track: string | null
}

/**
 * A row as its GeoJSON Feature.
 * @example toPatrolFeature(row).geometry.type // 'LineString'
 */
function toPatrolFeature(r: PatrolRow): PatrolFeature {
  const id = Number(r.id)
  const g = r.track ? (JSON.parse(r.track) as { coordinates: [number, number][] }) : null
  return {
    type: 'Feature',
    id,
    geometry: g ? { type: 'LineString', coordinates: g.coordinates } : null,
    properties: {
      id,
      patrolId: r.patrol_id,
      team: r.team,
      members: r.members,
      startedAt: r.started_at.toISOString(),
      endedAt: r.ended_at.toISOString(),
      lengthM: r.length_m === null ? null : Math.round(r.length_m * 10) / 10,
      townCodes: r.town_codes,
      villageCodes: r.village_codes,
      gridCodes: r.grid_codes,
      source: r.source,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    },
  }
}

const COLUMNS = (sql: Queryable) => sql`
  p.id::text AS id, p.patrol_id, p.team, p.members, p.started_at, p.ended_at, p.length_m, p.town_codes, p.village_codes,
  p.grid_codes, p.source, p.created_at, p.updated_at, ST_AsGeoJSON(p.track, 7) AS track`

/**
 * One patrol as a Feature, or null (also outside the caller's scope).
 * @example (await getPatrol(tx, '17'))?.properties.gridCodes // ['330109001001001', …]
 */
export async function getPatrol(sql: Queryable, id: string): Promise<PatrolFeature | null> {
  const [row] = await sql<PatrolRow[]>`SELECT ${COLUMNS(sql)} FROM patrols p WHERE p.id = ${id}::bigint`
  return row ? toPatrolFeature(row) : null
}

/** Filters of a patrol list (area looked up already). */
export interface PatrolFilter {
  area?: AreaRef | null | undefined
  team?: string | undefined
  from?: Date | undefined
  to?: Date | undefined
}

/**
 * `AND …` keeping patrols whose track went through the area.
 * @example sql`SELECT … FROM patrols p WHERE true ${patrolAreaCondition(sql, { level: 'grid', code: 'G1', name: '' })}`
 */
function patrolAreaCondition(sql: Queryable, area: AreaRef | null | undefined) {
  if (!area || area.level === 'district') return sql``
  if (area.level === 'town') return sql`AND p.town_codes @> ARRAY[${area.code}::text]`
  if (area.level === 'village') return sql`AND p.village_codes @> ARRAY[${area.code}::text]`
  if (area.level === 'grid') return sql`AND p.grid_codes @> ARRAY[${area.code}::text]`
  return sql`AND ST_Intersects(p.track, (SELECT geom FROM admin_areas WHERE code = ${area.code}))`
}

/**
 * One page of patrols, latest start first (keyset on (started_at, id): each once however many are added).
 * @example await listPatrols(tx, { team: '城厢巡防一队' }, 100, null) // { type: 'FeatureCollection', features, next }
 */
export async function listPatrols(sql: Queryable, f: PatrolFilter, limit: number, after: string | null): Promise<PatrolPage> {
  const rows = await sql<PatrolRow[]>`
    SELECT ${COLUMNS(sql)}
    FROM patrols p
    WHERE true
      ${patrolAreaCondition(sql, f.area)}
      ${f.team ? sql`AND p.team = ${f.team}` : sql``}
      ${f.from ? sql`AND p.started_at >= ${f.from}` : sql``}
      ${f.to ? sql`AND p.started_at < ${f.to}` : sql``}
      ${after ? sql`AND (p.started_at, p.id) < (SELECT started_at, id FROM patrols WHERE id = ${after}::bigint)` : sql``}
    ORDER BY p.started_at DESC, p.id DESC
    LIMIT ${limit + 1}`
  const page = rows.slice(0, limit)
  return { type: 'FeatureCollection', features: page.map(toPatrolFeature), next: rows.length > limit ? page.at(-1)!.id : null }
}

/**
 * Whole days from `from` to `to` (floor), for "days since the last patrol".
 * @example wholeDaysBetween(new Date('2026-10-01T08:00Z'), new Date('2026-10-03T07:00Z')) // 1
 */
export function wholeDaysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / 86_400_000)
}

/**
 * Every grid of the caller's scope (under `area` when given, which must be in scope: the route
 * checks), with its last patrol up to `asOf`, the patrols that ended in the `days` days up to
 * `asOf` and whether there was one. Grids never patrolled have null `lastPatrolEnd` and `daysSince`.
 * @example await patrolCoverage(tx, null, new Date(), 7) // { grids: [{ code, covered: false, lastPatrolEnd: null, … }], … }
 */
export async function patrolCoverage(
  sql: Queryable,
  area: AreaRef | null,
  asOf: Date,
  days: number,
  page: { limit: number; after: string | null } = { limit: 1000, after: null },
): Promise<PatrolCoverage> {
  const since = new Date(asOf.getTime() - days * 86_400_000)
  const code = area && area.level !== 'district' ? area.code : null
  const rows = await sql<
    { code: string; name: string; village_code: string | null; town_code: string | null; last_end: Date | null; n: number }[]
  >`
    WITH g AS (
      SELECT g.code, g.name, v.code AS village_code, coalesce(t.code, tv.code) AS town_code
      FROM admin_areas g
      LEFT JOIN admin_areas v ON v.code = g.parent_code AND v.level = 'village'
      LEFT JOIN admin_areas tv ON tv.code = g.parent_code AND tv.level = 'town'
      LEFT JOIN admin_areas t ON t.code = v.parent_code AND t.level = 'town'
      WHERE g.level = 'grid'
        AND ((SELECT app_scope_all()) OR g.code = ANY ((SELECT app_scope_subtree())::text[]))
        AND (${code}::text IS NULL OR ${code}::text IN (g.code, v.code, t.code, tv.code)
             OR g.code = (SELECT parent_code FROM admin_areas WHERE code = ${code}::text AND level = 'microgrid'))
    ),
    p AS (
      SELECT unnest(p.grid_codes) AS code, p.ended_at
      FROM patrols p
      WHERE p.ended_at <= ${asOf} AND p.grid_codes && (SELECT coalesce(array_agg(code), '{}') FROM g)
    )
    SELECT g.code, g.name, g.village_code, g.town_code, max(p.ended_at) AS last_end,
           count(p.ended_at) FILTER (WHERE p.ended_at > ${since})::int AS n
    FROM g LEFT JOIN p ON p.code = g.code
    GROUP BY g.code, g.name, g.village_code, g.town_code
    ORDER BY g.code`
  const all: GridCoverage[] = rows.map((r) => ({
    code: r.code,
    name: r.name,
    villageCode: r.village_code,
    townCode: r.town_code,
    lastPatrolEnd: r.last_end?.toISOString() ?? null,
    daysSince: r.last_end ? wholeDaysBetween(r.last_end, asOf) : null,
    patrols: r.n,
    covered: r.n > 0,
  }))
  // Code-unit order, as the cursor compares (a database collation may order letters otherwise).
  all.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
  const rest = page.after === null ? all : all.filter((g) => g.code > page.after!)
  const grids = rest.slice(0, page.limit)
  return {
    asOf: asOf.toISOString(),
    days,
    area: area?.code ?? null,
    grids,
    covered: all.filter((g) => g.covered).length,
    total: all.length,
    next: rest.length > page.limit ? grids.at(-1)!.code : null,
  }
}
