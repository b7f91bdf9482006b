import type { Tx } from '../db/index.ts'
import type { AreaLevel } from './schema.ts'

const PRECISION = 6 // decimal places of lon/lat in GeoJSON: ~0.1 m

/** A FeatureCollection (as JSON text) of the areas of one level, polygons or label points. */
export async function boundariesGeoJson(sql: Tx, level: AreaLevel, shape: 'polygon' | 'label', within?: string): Promise<string> {
  const [row] = await sql<{ fc: string }[]>`
    SELECT json_build_object(
      'type', 'FeatureCollection',
      'features', coalesce(json_agg(json_build_object(
        'type', 'Feature',
        'id', a.code,
        'geometry', ST_AsGeoJSON(CASE WHEN ${shape} = 'label' THEN a.label_point ELSE a.geom END, ${PRECISION})::json,
        'properties', json_build_object(
          'code', a.code, 'name', a.name, 'level', a.level,
          'parent_code', a.parent_code, 'population', a.population)
      ) ORDER BY a.code), '[]'::json)
    )::text AS fc
    FROM admin_areas a
    WHERE a.level = ${level}
      AND (${within ?? null}::text IS NULL OR a.code LIKE ${(within ?? '') + '%'})`
  return row?.fc ?? '{"type":"FeatureCollection","features":[]}'
}

export interface AreaDetail {
  code: string
  name: string
  level: AreaLevel
  parent_code: string | null
  population: number | null
  properties: Record<string, unknown>
  bbox: [number, number, number, number]
  label_point: [number, number]
  children: { code: string; name: string; level: AreaLevel; population: number | null }[]
}

/** One area with its bounding box, label point and direct children, or null. */
export async function areaDetail(sql: Tx, code: string): Promise<AreaDetail | null> {
  const [area] = await sql<
    (Omit<AreaDetail, 'bbox' | 'label_point' | 'children'> & {
      xmin: number
      ymin: number
      xmax: number
      ymax: number
      lx: number
      ly: number
    })[]
  >`
    SELECT code, name, level, parent_code, population, properties,
           ST_XMin(geom) AS xmin, ST_YMin(geom) AS ymin, ST_XMax(geom) AS xmax, ST_YMax(geom) AS ymax,
           ST_X(label_point) AS lx, ST_Y(label_point) AS ly
    FROM admin_areas WHERE code = ${code}`
  if (!area) return null
  const children = await sql<AreaDetail['children']>`
    SELECT code, name, level, population FROM admin_areas WHERE parent_code = ${code} ORDER BY code`
  const { xmin, ymin, xmax, ymax, lx, ly, ...rest } = area
  return { ...rest, bbox: [xmin, ymin, xmax, ymax], label_point: [lx, ly], children: [...children] }
}

/** The district's code, name and bounding box, for fitting the map, and whether its boundaries are the demo's; null before seeding. */
/**
 * A scoped caller's areas and their joint extent: where their map and wall open.
 * @example (await scopeSummary(tx, ['330109001'])).bbox // [120.25, 30.15, 120.31, 30.2]
 */
export async function scopeSummary(sql: Tx, codes: readonly string[]) {
  const areas = await sql<{ code: string; name: string; level: AreaLevel }[]>`
    SELECT code, name, level FROM admin_areas WHERE code = ANY(${codes as string[]}::text[]) ORDER BY code`
  const [b] = await sql<{ xmin: number | null; ymin: number; xmax: number; ymax: number }[]>`
    SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
    FROM (SELECT ST_Extent(geom) AS e FROM admin_areas WHERE code = ANY(${codes as string[]}::text[])) x`
  const bbox = b && b.xmin !== null ? ([b.xmin, b.ymin, b.xmax, b.ymax] as [number, number, number, number]) : null
  return { areas: [...areas], bbox }
}

export async function districtSummary(sql: Tx) {
  const [d] = await sql<{ code: string; name: string; xmin: number; ymin: number; xmax: number; ymax: number; illustrative: boolean }[]>`
    SELECT code, name, ST_XMin(geom) AS xmin, ST_YMin(geom) AS ymin, ST_XMax(geom) AS xmax, ST_YMax(geom) AS ymax,
           coalesce((properties->>'synthetic_boundary')::boolean, false) AS illustrative
    FROM admin_areas WHERE level = 'district' ORDER BY code LIMIT 1`
  return d
    ? {
        code: d.code,
        name: d.name,
        bbox: [d.xmin, d.ymin, d.xmax, d.ymax] as [number, number, number, number],
        illustrative: d.illustrative,
      }
    : null
}
