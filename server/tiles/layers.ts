/**
 * The tile layer registry. A layer is one entry: its TileJSON facts, what data it depends on
 * (for cache invalidation) and one SQL source per MVT layer it writes. A source selects rows of
 * `geom` (EPSG:3857, already simplified), optional `fid` (bigint feature id) and `props` (jsonb,
 * becomes the feature's attributes), at most `cap` of them; render.ts turns the same source into
 * a tile with ST_AsMVT or with the JavaScript encoder.
 *
 * `warnings`, `hazards` and `tasks` show open items of their tables; a change to a table drops
 * its layer's cached tiles (changesWith; migrations/017_tile_layer_sources.sql). So do the full
 * view's `houses`, `organisations`, `patrols`, `patrol_coverage` and `devices` (fullview-layers.ts,
 * migrations/041_full_view_tile_sources.sql), which carry counts and flags, never a person's data.
 */
import { getHexagonEdgeLengthAvg, UNITS } from 'h3-js'
import type { ISql, PendingQuery, Row } from 'postgres'

import { overdueHazardSql } from '../hazards/store.ts'
import { areaCondition } from '../shared/area-sql.ts'
import { overdueTaskSql } from '../tasks/store.ts'
import { OPEN_STATUSES } from '../warnings/states.ts'
import type { PlaceChange } from './freshness.ts'
import { FULL_VIEW_LAYERS } from './fullview-layers.ts'
import { candidateCells, cellBox, cellCenter, cellWkt, storedCells } from './h3cells.ts'
import { type Box, BUFFER, h3ResolutionForZoom, intersectBoxes, simplifyTolerance, tileBoundsLngLat, type TileId } from './tile-math.ts'

/**
 * Incident filters, resolved: [from, to) split into the whole Shanghai days inside it (`days`,
 * answered by the daily rollups) and the parts of days at either end (`edges`, 0–2 ranges,
 * counted from the incidents through their reported_at index). See splitPeriod (service.ts).
 */
export interface TileFilter {
  from: Date
  to: Date
  /** Category item codes; null = all. */
  items: readonly string[] | null
  days: { from: string; to: string } | null
  edges: readonly (readonly [Date, Date])[]
  /** Only incidents placed in this area (null or absent: the whole district). */
  area?: TileArea | null
  /**
   * Count H3 cells from the incidents, not the rollup: a caller scoped to areas, for whom
   * row-level security hides the rollup (it has no area) but lets their own incidents through.
   */
  rawCells?: boolean
}

/** An area filter: a town, village, grid or micro-grid and its code. */
export interface TileArea {
  level: 'town' | 'village' | 'grid' | 'microgrid'
  code: string
}

/**
 * A source query, boxed: a postgres.js query is a thenable, so returned bare from an async
 * function it would run right there instead of being embedded by the renderer.
 */
export interface Source {
  query: PendingQuery<Row[]>
}

export interface LayerContext {
  tile: TileId
  filter: TileFilter
  /** Most features one MVT layer of a tile may hold. */
  cap: number
  /** The WGS84 box of the district's data (null in an empty database): no cells are looked for outside it. */
  extent: Box | null
  /**
   * The source runs as a caller scoped to areas (row-level security on). Layers of rows do not
   * need it; a layer of areas that belongs to the scope (patrol coverage) keeps to its areas.
   */
  scoped?: boolean
  /** The clock of current-state attributes (overdue days, alerting, days since a patrol); default now. */
  now?: Date
}

/** One MVT layer inside a tile. */
export interface LayerPart {
  name: string
  geometry: 'point' | 'line' | 'polygon'
  /** Whether rows carry `fid` (MVT feature ids must be unsigned integers, so codes go in attributes). */
  hasId: boolean
  /** Attribute names → TileJSON descriptions. */
  fields: Record<string, string>
  /** The source query, or null when the tile has nothing of this layer (e.g. no cells there). */
  source(sql: ISql, ctx: LayerContext): Promise<Source | null>
}

/** Bounding boxes of areas by code, for footprints of area layers. */
export type AreaBoxes = ReadonlyMap<string, Box>

export interface LayerDef {
  name: string
  description: string
  /** Zooms the layer has data at; other zooms answer an empty tile. */
  minzoom: number
  maxzoom: number
  /**
   * Where a logged incident change (migrations/010_tiles.sql) shows in this layer's tiles at zoom
   * `z`, as WGS84 boxes; absent for layers that do not change with incidents. Every layer
   * changes with the address/area base (the cache is dropped then).
   */
  footprint?: (c: PlaceChange, z: number, areas: AreaBoxes) => Box[]
  /** Tables whose every change drops this layer's cached tiles (small layers, not worth placing). */
  changesWith?: readonly string[]
  /** Takes the incident filters (`from`, `to`, `category`). */
  filtered: boolean
  parts: readonly LayerPart[]
}

/** Incidents below this zoom are H3 cell counts at cell centres, not points. */
export const INCIDENT_POINTS_MINZOOM = 13

/**
 * `ST_MakeEnvelope` of a WGS84 box.
 * @example sql`WHERE geom && ${envelope(sql, [120, 30, 121, 31])}`
 */
function envelope(sql: ISql, b: Box): PendingQuery<Row[]> {
  return sql`ST_MakeEnvelope(${b[0]}::float8, ${b[1]}::float8, ${b[2]}::float8, ${b[3]}::float8, 4326)`
}

/**
 * The incident filter as SQL conditions on `i` (the whole period and category items).
 * @example sql`SELECT … FROM incidents i WHERE true ${incidentConditions(sql, filter)}`
 */
function incidentConditions(sql: ISql, f: TileFilter): PendingQuery<Row[]> {
  return sql`AND i.reported_at >= ${f.from}::timestamptz AND i.reported_at < ${f.to}::timestamptz
    ${f.items ? sql`AND i.category_code = ANY(${f.items as string[]}::text[])` : sql``}
    ${areaCondition(sql, 'i', f.area)}`
}

type AreaLevel = 'town' | 'village' | 'grid' | 'microgrid'

const AREA_FIELDS = {
  code: 'area code (GB/T 2260 + local digits)',
  name: 'area name',
  parent: 'code of the containing area',
  population: 'registered population, when known',
  incidents: 'incidents in the filter period (default the last 30 days) and categories',
}

/**
 * `reported_at` within the filter's edge ranges (never empty: callers check `edges.length`).
 * @example sql`WHERE ${edgeCondition(sql, f)}` // (i.reported_at >= … AND i.reported_at < …) OR (…)
 */
function edgeCondition(sql: ISql, f: TileFilter): PendingQuery<Row[]> {
  const [a, b] = f.edges
  const range = (e: readonly [Date, Date]) => sql`(i.reported_at >= ${e[0]}::timestamptz AND i.reported_at < ${e[1]}::timestamptz)`
  return b ? sql`(${range(a!)} OR ${range(b)})` : range(a!)
}

/**
 * Incidents per area in the filter (`c.n`): whole days from the daily rollup (an index range per
 * area), the partial days at the ends counted once from the incidents for all areas (a short
 * reported_at range; micro-grid codes have no index of their own, so never per area).
 * @example sql`… FROM admin_areas a ${areaCounts(sql, 'town', f)}`
 */
function areaCounts(sql: ISql, level: AreaLevel, f: TileFilter): PendingQuery<Row[]> {
  const items = (col: PendingQuery<Row[]>) => (f.items ? sql`AND ${col} = ANY(${f.items as string[]}::text[])` : sql``)
  const days = f.days
    ? sql`(SELECT coalesce(sum(d.n), 0)::int AS n FROM incident_area_daily d
        WHERE d.area_code = a.code AND d.day >= ${f.days.from}::date AND d.day < ${f.days.to}::date ${items(sql`d.category_code`)})`
    : sql`(SELECT 0 AS n)`
  const edges =
    f.edges.length > 0
      ? sql`(SELECT i.${sql(`${level}_code`)} AS code, count(*)::int AS n FROM incidents i
        WHERE ${edgeCondition(sql, f)} ${items(sql`i.category_code`)} GROUP BY 1)`
      : sql`(SELECT NULL::text AS code, 0 AS n)`
  return sql`CROSS JOIN LATERAL ${days} r LEFT JOIN ${edges} e ON e.code = a.code
    CROSS JOIN LATERAL (SELECT r.n + coalesce(e.n, 0) AS n) c`
}

/**
 * The areas of one level whose polygon (or label point) meets the tile, capped, with counts.
 * Polygons are simplified in 3857 by a tolerance of the zoom (ST_SimplifyPreserveTopology keeps
 * rings from crossing; the snap to the tile grid afterwards is repaired by the encoder's validation).
 * @example areaSource(sql, ctx, 'town', 'polygon')
 */
function areaSource(sql: ISql, ctx: LayerContext, level: AreaLevel, what: 'polygon' | 'label'): PendingQuery<Row[]> {
  const box = tileBoundsLngLat(ctx.tile, what === 'polygon' ? BUFFER : 0)
  const geom =
    what === 'polygon'
      ? sql`ST_SimplifyPreserveTopology(ST_Transform(a.geom, 3857), ${simplifyTolerance(ctx.tile.z)}::float8)`
      : sql`ST_Transform(a.label_point, 3857)`
  // label_point has no index of its own; a label point lies inside its polygon, so the polygon's
  // GiST index finds the candidates (a scan of 16 k micro-grids otherwise, and JIT on top).
  const where =
    what === 'polygon'
      ? sql`a.geom && ${envelope(sql, box)}`
      : sql`a.geom && ${envelope(sql, box)} AND ST_Intersects(a.label_point, ${envelope(sql, box)})`
  return sql`
    SELECT ${geom} AS geom,
           jsonb_build_object('code', a.code, 'name', a.name, 'parent', a.parent_code, 'population', a.population, 'incidents', c.n) AS props
    FROM (SELECT code, name, parent_code, population, geom, label_point FROM admin_areas a
          WHERE a.level = ${level} AND ${where} ORDER BY a.code LIMIT ${ctx.cap}) a
    ${areaCounts(sql, level, ctx.filter)}
    ORDER BY a.code`
}

/**
 * A registry entry for an administrative level: polygons plus a `<name>_labels` point layer
 * (label points are guaranteed inside their polygon, and a separate layer lets the style place
 * one label per area instead of one per tile piece).
 * @example areaLayer('towns', 'town', 0, '乡镇/街道')
 */
function areaLayer(name: string, level: AreaLevel, minzoom: number, description: string): LayerDef {
  return {
    name,
    description,
    minzoom,
    maxzoom: 16,
    footprint: (c, _z, areas) => {
      const box = areas.get(c[`${level}_code`] ?? '')
      return box ? [box] : []
    },
    filtered: true,
    parts: [
      {
        name,
        geometry: 'polygon',
        hasId: false,
        fields: AREA_FIELDS,
        source: async (sql, ctx) => ({ query: areaSource(sql, ctx, level, 'polygon') }),
      },
      {
        name: `${name}_labels`,
        geometry: 'point',
        hasId: false,
        fields: AREA_FIELDS,
        source: async (sql, ctx) => ({ query: areaSource(sql, ctx, level, 'label') }),
      },
    ],
  }
}

/** A cell with its incident count. */
export interface CellCount {
  cell: string
  n: number
}

/** Above this many candidate cells a count reads the rollup by (res, day) and keeps the cells in the box afterwards. */
const MAX_CANDIDATES = 4_000

/**
 * Incident counts of the H3 cells at `res` that overlap `box` (WGS84), the largest first, at most
 * `cap`: whole days from the rollup incident_h3_daily through its primary key (cells listed, day
 * range), the partial days at the ends from the incidents (a short reported_at range). With an
 * area the rollup (which has no area) cannot answer: the area's incidents are counted through
 * its (code, reported_at) index instead. Boxes with more than MAX_CANDIDATES cells (a district
 * at res 9) read the rollup by its (res, day) index and filter by cell centre here.
 * @example await cellCounts(sql, box, 8, filter, 5000) // [{ cell: '613…', n: 42 }, …]
 */
export async function cellCounts(sql: ISql, box: Box, res: number, f: TileFilter, cap: number): Promise<CellCount[]> {
  if (!f.days && f.edges.length === 0) return []
  const all = candidateCells(box, res)
  if (all.length === 0) return []
  const wide = all.length > MAX_CANDIDATES
  const cells = wide ? null : all
  const col = sql(`h3_r${res}`)
  const items = (c: PendingQuery<Row[]>) => (f.items ? sql`AND ${c} = ANY(${f.items as string[]}::text[])` : sql``)
  const inCells = (c: PendingQuery<Row[]>) => (cells ? sql`AND ${c} = ANY(${cells}::bigint[])` : sql``)
  let both: PendingQuery<Row[]>
  if (f.area || f.rawCells) {
    both = sql`SELECT i.${col} AS cell, 1 AS n FROM incidents i
      WHERE i.${col} IS NOT NULL ${inCells(sql`i.${col}`)} ${incidentConditions(sql, f)}`
  } else {
    // ::smallint so the primary key (res, cell, day, …) is usable (REFERENCE: 2–11 ms instead of ~60).
    const days = f.days
      ? sql`SELECT cell, n FROM incident_h3_daily
          WHERE res = ${res}::smallint ${inCells(sql`cell`)}
            AND day >= ${f.days.from}::date AND day < ${f.days.to}::date ${items(sql`category_code`)}`
      : null
    const edges =
      f.edges.length > 0
        ? sql`SELECT i.${col} AS cell, 1 AS n FROM incidents i
          WHERE ${edgeCondition(sql, f)} AND i.${col} IS NOT NULL ${inCells(sql`i.${col}`)} ${items(sql`i.category_code`)}`
        : null
    both = days && edges ? sql`${days} UNION ALL ${edges}` : (days ?? edges)!
  }
  const rows = await sql<CellCount[]>`
    SELECT cell::text AS cell, sum(n)::int AS n FROM (${both}) c
    GROUP BY cell HAVING sum(n) > 0
    ORDER BY 2 DESC, 1 ${cells ? sql`LIMIT ${cap}` : sql``}`
  if (cells) return rows
  // A cell overlaps the box when its centre lies within one edge length of it (the centre-to-
  // vertex distance of a hexagon); degrees of longitude are shorter, so the margin is generous in latitude.
  const margin = getHexagonEdgeLengthAvg(res, UNITS.km) / 96
  const [x0, y0, x1, y1] = box
  return rows
    .filter((r) => {
      const [lng, lat] = cellCenter(r.cell)
      return lng >= x0 - margin && lng <= x1 + margin && lat >= y0 - margin && lat <= y1 + margin
    })
    .slice(0, cap)
}

/**
 * The part of the tile (with buffer) where data can be: the tile ∩ the district, or null.
 * @example dataBox({ tile: { z: 10, x: 857, y: 418 }, extent: [120.1, 29.9, 120.6, 30.4], … }, 64)
 */
function dataBox(ctx: LayerContext, buffer: number): Box | null {
  return ctx.extent ? intersectBoxes(tileBoundsLngLat(ctx.tile, buffer), ctx.extent) : null
}

/**
 * H3 cells with counts as polygons; the outlines come from h3-js and go into the SQL as WKT so
 * both encoders clip and encode them like any other polygon.
 * @example await h3Source(sql, ctx)
 */
async function h3Source(sql: ISql, ctx: LayerContext): Promise<Source | null> {
  const box = dataBox(ctx, BUFFER)
  if (!box) return null
  const res = h3ResolutionForZoom(ctx.tile.z)
  const counts = await cellCounts(sql, box, res, ctx.filter, ctx.cap)
  if (counts.length === 0) return null
  return {
    query: sql`
    SELECT ST_Transform(ST_GeomFromText(c.wkt, 4326), 3857) AS geom,
           jsonb_build_object('h3', c.h3, 'res', ${res}::int, 'count', c.n) AS props
    FROM unnest(${counts.map((c) => BigInt(c.cell).toString(16))}::text[], ${counts.map((c) => cellWkt(c.cell))}::text[], ${counts.map((c) => c.n)}::int[]) AS c(h3, wkt, n)
    ORDER BY c.n DESC, c.h3`,
  }
}

/**
 * Incidents below INCIDENT_POINTS_MINZOOM: one point per H3 cell at its centre with the count
 * (`cluster` true), from the rollups; from INCIDENT_POINTS_MINZOOM on the incidents themselves,
 * newest first up to the cap.
 * @example await incidentSource(sql, ctx)
 */
async function incidentSource(sql: ISql, ctx: LayerContext): Promise<Source | null> {
  if (ctx.tile.z >= INCIDENT_POINTS_MINZOOM) {
    // Incidents at one spot (one address: its point) would be drawn on top of each other as one
    // dot. Each stays a feature, but those sharing a point carry `stack` (how many there are in
    // the filter), and all but the newest `covered`: the map draws the newest with the count.
    return {
      query: sql`
      SELECT ST_Transform(i.geom, 3857) AS geom, i.id AS fid,
             -- Epoch seconds, not ISO text: a style can filter on a number, and unique strings
             -- would double a dense tile (details come from GET /api/incidents/{id}).
             jsonb_build_object('id', i.id, 'category', i.category_code,
               'reported_at', extract(epoch FROM i.reported_at)::bigint, 'status', i.status)
             -- Only on the few approximate points: a road's or village's representative point.
             || CASE WHEN i.approximate THEN '{"approximate": true}'::jsonb ELSE '{}'::jsonb END
             || CASE WHEN i.stack > 1 THEN jsonb_build_object('stack', i.stack) ELSE '{}'::jsonb END
             || CASE WHEN i.place_rank > 1 THEN '{"covered": true}'::jsonb ELSE '{}'::jsonb END AS props
      FROM (
        SELECT i.id, i.geom, i.category_code, i.reported_at, i.status, i.approximate,
               count(*) OVER place AS stack,
               row_number() OVER (place ORDER BY i.reported_at DESC, i.id DESC) AS place_rank
        FROM incidents i
        WHERE i.geom && ${envelope(sql, tileBoundsLngLat(ctx.tile, BUFFER))} ${incidentConditions(sql, ctx.filter)}
        -- The exact point (coordinates, not geometry equality, whose meaning varies by PostGIS version).
        WINDOW place AS (PARTITION BY ST_X(i.geom), ST_Y(i.geom))
      ) i
      ORDER BY i.reported_at DESC, i.id DESC
      LIMIT ${ctx.cap}`,
    }
  }
  const box = dataBox(ctx, BUFFER)
  if (!box) return null
  const res = h3ResolutionForZoom(ctx.tile.z)
  // Centres outside the buffered tile belong to the neighbour tile.
  const tileBox = tileBoundsLngLat(ctx.tile, BUFFER)
  const counts = (await cellCounts(sql, box, res, ctx.filter, ctx.cap))
    .map((c) => ({ ...c, center: cellCenter(c.cell) }))
    .filter(({ center: [lng, lat] }) => lng >= tileBox[0] && lng <= tileBox[2] && lat >= tileBox[1] && lat <= tileBox[3])
  if (counts.length === 0) return null
  return {
    query: sql`
    SELECT ST_Transform(ST_SetSRID(ST_MakePoint(c.lng, c.lat), 4326), 3857) AS geom, NULL::bigint AS fid,
           jsonb_build_object('cluster', true, 'h3', c.h3, 'count', c.n) AS props
    FROM unnest(${counts.map((c) => BigInt(c.cell).toString(16))}::text[], ${counts.map((c) => c.center[0])}::float8[],
                ${counts.map((c) => c.center[1])}::float8[], ${counts.map((c) => c.n)}::int[]) AS c(h3, lng, lat, n)
    ORDER BY c.n DESC, c.h3`,
  }
}

/**
 * Open warnings as polygons (H3 cells, areas) or points, red first, at most the cap per part.
 * @example await warningSource('polygon')(sql, ctx)
 */
function warningSource(kind: 'point' | 'polygon') {
  return async (sql: ISql, ctx: LayerContext): Promise<Source | null> => ({
    query: sql`
    SELECT ST_Transform(w.geom, 3857) AS geom, w.id AS fid,
           jsonb_build_object('id', w.id, 'model', w.model_id, 'level', w.level, 'status', w.status, 'title', w.title) AS props
    FROM warnings w
    WHERE w.status = ANY(${[...OPEN_STATUSES]}::text[])
      AND (GeometryType(w.geom) IN ('POINT', 'MULTIPOINT')) = ${kind === 'point'}::boolean
      AND w.geom && ${envelope(sql, tileBoundsLngLat(ctx.tile, BUFFER))}
    ORDER BY CASE w.level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END, w.id
    LIMIT ${ctx.cap}`,
  })
}

/**
 * The box around a logged point (the log rounds points to 0.001°).
 * @example pointBoxes({ lng: 120.261, lat: 30.162, … }) // [[120.26, 30.161, 120.262, 30.163]]
 */
function pointBoxes(c: PlaceChange): Box[] {
  return c.lng === null || c.lat === null ? [] : [[c.lng - 0.001, c.lat - 0.001, c.lng + 0.001, c.lat + 0.001]]
}

/**
 * The outline box of the cell a change counts in at zoom `z`'s resolution. Incidents without a
 * res-10 cell count in no cell (the rollups skip them too).
 * @example cellBoxes({ h3_r10: '6223…', … }, 8) // [box of its res-7 parent]
 */
function cellBoxes(c: PlaceChange, z: number): Box[] {
  return c.h3_r10 === null ? [] : [cellBox(storedCells(c.h3_r10)[h3ResolutionForZoom(z) - 7]!)]
}

/**
 * Every layer, by name. Adding a layer is adding an entry. Minimum zooms keep tiles small: at
 * their minzoom the densest tiles of the full data are ~100–250 KB (grids below z11 and
 * micro-grids below z13 would reach 0.2–0.7 MB, too small to see apart anyway).
 */
export const LAYERS: readonly LayerDef[] = [
  areaLayer('towns', 'town', 0, 'Towns and subdistricts (乡镇/街道) with incident counts; label points in towns_labels'),
  areaLayer('villages', 'village', 8, 'Villages and communities (村/社区) with incident counts; label points in villages_labels'),
  areaLayer('grids', 'grid', 11, 'Grids (网格) with incident counts; label points in grids_labels'),
  areaLayer('microgrids', 'microgrid', 13, 'Micro-grids (微网格) with incident counts; label points in microgrids_labels'),
  {
    name: 'incidents',
    description: `Incidents: points from z${INCIDENT_POINTS_MINZOOM}, below that counts per H3 cell at the cell centre (cluster=true)`,
    minzoom: 0,
    maxzoom: 16,
    footprint: (c, z) => (z >= INCIDENT_POINTS_MINZOOM ? pointBoxes(c) : cellBoxes(c, z)),
    filtered: true,
    parts: [
      {
        name: 'incidents',
        geometry: 'point',
        hasId: true,
        fields: {
          id: 'incident id (points; details at /api/incidents/{id})',
          category: 'category item code (points)',
          reported_at: 'report time, Unix epoch seconds (points)',
          status: 'status (points)',
          approximate: 'true for a point that stands for the road, village or town the address named (points)',
          stack: 'incidents at exactly this point in the filter, when more than one (points)',
          covered: 'true for all but the newest incident of a stack: drawn under it (points)',
          cluster: 'true for a cell count (below the points zoom)',
          h3: 'H3 cell (counts)',
          count: 'incidents in the cell (counts)',
        },
        source: incidentSource,
      },
    ],
  },
  {
    name: 'h3',
    description: 'Incident counts per H3 cell (res 7 up to z10, 8 at z11, 9 at z12–13, 10 from z14) as hexagons',
    minzoom: 0,
    maxzoom: 16,
    footprint: cellBoxes,
    filtered: true,
    parts: [
      {
        name: 'h3',
        geometry: 'polygon',
        hasId: false,
        fields: { h3: 'H3 cell index (hex)', res: 'H3 resolution', count: 'incidents in the cell' },
        source: h3Source,
      },
    ],
  },
  {
    name: 'addresses',
    description: 'The unified address base (统一地址库), points from z15',
    minzoom: 15,
    maxzoom: 16,
    filtered: false,
    parts: [
      {
        name: 'addresses',
        geometry: 'point',
        hasId: false,
        fields: { id: 'address id (details at /api/geocode or the address base)', address: 'full address text' },
        source: async (sql, ctx) => ({
          query: sql`
        SELECT ST_Transform(a.geom, 3857) AS geom,
               -- The text says it all (road, door, compound, building…): parts would only double a
               -- dense z15 tile, where ~5,000 addresses already make ~0.4 MB.
               jsonb_build_object('id', a.address_id, 'address', a.address) AS props
        FROM addresses a
        WHERE a.geom && ${envelope(sql, tileBoundsLngLat(ctx.tile, BUFFER))}
        ORDER BY a.address_id
        LIMIT ${ctx.cap}`,
        }),
      },
    ],
  },
  {
    name: 'warnings',
    description:
      'Open warnings (new, acknowledged, tasked) from the warning models: H3 cell and area polygons in warnings, points in warnings_points',
    minzoom: 0,
    maxzoom: 16,
    changesWith: ['warnings'],
    filtered: false,
    parts: (['polygon', 'point'] as const).map((kind) => ({
      name: kind === 'polygon' ? 'warnings' : 'warnings_points',
      geometry: kind,
      hasId: true,
      fields: {
        id: 'warning id (details at /api/warnings/{id})',
        model: 'warning model id',
        level: 'red, orange or yellow',
        status: 'new, acknowledged or tasked',
        title: 'title (Chinese)',
      },
      source: warningSource(kind),
    })),
  },
  {
    name: 'hazards',
    description: 'Hazards (隐患) not yet closed out, with severity and whether they are overdue',
    minzoom: 0,
    maxzoom: 16,
    changesWith: ['hazards'],
    filtered: false,
    parts: [
      {
        name: 'hazards',
        geometry: 'point',
        hasId: true,
        fields: {
          id: 'hazard id (details at /api/hazards/{id})',
          category: 'hazard category',
          severity: 'general, serious or major',
          status: 'reported, confirmed or rectifying',
          overdue: 'past its due date',
        },
        source: async (sql, ctx) => ({
          query: sql`
        SELECT ST_Transform(h.geom, 3857) AS geom, h.id AS fid,
               jsonb_build_object('id', h.id, 'category', h.category, 'severity', h.severity, 'status', h.status,
                 'overdue', ${overdueHazardSql(sql, new Date())}) AS props
        FROM hazards h
        WHERE h.status <> 'closed' AND h.geom && ${envelope(sql, tileBoundsLngLat(ctx.tile, BUFFER))}
        ORDER BY CASE h.severity WHEN 'major' THEN 0 WHEN 'serious' THEN 1 ELSE 2 END, h.id
        LIMIT ${ctx.cap}`,
        }),
      },
    ],
  },
  {
    name: 'tasks',
    description: 'Rectification tasks (整治任务) not yet closed out, with whether they are overdue',
    minzoom: 0,
    maxzoom: 16,
    changesWith: ['tasks'],
    filtered: false,
    parts: [
      {
        name: 'tasks',
        geometry: 'point',
        hasId: true,
        fields: {
          id: 'task id (details at /api/tasks/{id})',
          status: 'issued, accepted, in_progress, submitted or returned',
          source: 'warning, hazard or manual',
          overdue: 'past its due date',
        },
        source: async (sql, ctx) => ({
          query: sql`
        SELECT ST_Transform(t.geom, 3857) AS geom, t.id AS fid,
               jsonb_build_object('id', t.id, 'status', t.status, 'source', t.source, 'overdue', ${overdueTaskSql(sql, new Date())}) AS props
        FROM tasks t
        WHERE t.status <> 'closed' AND t.geom && ${envelope(sql, tileBoundsLngLat(ctx.tile, BUFFER))}
        ORDER BY t.due_date, t.id
        LIMIT ${ctx.cap}`,
        }),
      },
    ],
  },
  ...FULL_VIEW_LAYERS,
]

/**
 * A layer by name, or undefined.
 * @example findLayer('towns')?.parts.map((p) => p.name) // ['towns', 'towns_labels']
 */
export function findLayer(name: string): LayerDef | undefined {
  return LAYERS.find((l) => l.name === name)
}

/** What a tile attribute holds, in the words of MBTiles metadata (GDAL's MVT driver reads them). */
export type FieldType = 'Number' | 'Boolean' | 'String'

/** The type of every attribute any layer writes (one table: an attribute name means one thing). */
const FIELD_TYPES: Readonly<Record<string, FieldType>> = {
  id: 'Number',
  population: 'Number',
  incidents: 'Number',
  reported_at: 'Number',
  stack: 'Number',
  count: 'Number',
  res: 'Number',
  approximate: 'Boolean',
  covered: 'Boolean',
  cluster: 'Boolean',
  overdue: 'Boolean',
  residents: 'Number',
  migrants: 'Number',
  rooms: 'Number',
  group_rental: 'Boolean',
  overdue_days: 'Number',
  members: 'Number',
  started_at: 'Number',
  length_m: 'Number',
  days: 'Number',
  never: 'Boolean',
  alerting: 'Boolean',
}

/**
 * The type of a tile attribute: numbers and flags as listed, everything else text.
 * @example fieldType('count') // 'Number'
 * @example fieldType('category') // 'String'
 */
export function fieldType(name: string): FieldType {
  return FIELD_TYPES[name] ?? 'String'
}
