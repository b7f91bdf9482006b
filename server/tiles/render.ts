/**
 * Turns a layer part's SQL source into MVT bytes, two ways over the same rows:
 * - `postgis`: ST_AsMVTGeom + ST_AsMVT in the database (native PostGIS);
 * - `js`: the SQL does what ST_AsMVTGeom does (drop sub-pixel shapes, clip to the buffered tile,
 *   map to tile coordinates, snap to the integer grid, repair, orient rings) with functions
 *   PGlite's PostGIS has, and encode.ts writes the protobuf.
 * Sources take any postgres.js query function (ISql: the pool or a transaction). Tiles are
 * read with single statements, so the service runs them on the pool, concurrently.
 * Both see identical features and attributes (tiles.db.test.ts compares them on native). Shapes
 * agree to within snapping, except that PostGIS clips polygons with wagyu, which may drop a
 * sub-pixel sliver left in the buffer edge that ST_ClipByBox2D keeps (invisible: outside the tile).
 */
import type { ISql, PendingQuery, Row } from 'postgres'

import { encodeTile, mvtProperties, type TileFeature, type TileGeoJson, toTileGeometry } from './encode.ts'
import type { LayerContext, LayerPart } from './layers.ts'
import { BUFFER, EXTENT, tileBounds3857 } from './tile-math.ts'

export type Encoder = 'postgis' | 'js'

export interface RenderedPart {
  name: string
  bytes: Uint8Array
  features: number
  /** The part hit the feature cap (some features left out). */
  truncated: boolean
}

/**
 * `ST_MakeEnvelope` of an EPSG:3857 box.
 * @example sql`ST_AsMVTGeom(geom, ${envelope3857(sql, [0, 0, 1, 1])})`
 */
function envelope3857(sql: ISql, b: readonly [number, number, number, number]): PendingQuery<Row[]> {
  return sql`ST_MakeEnvelope(${b[0]}::float8, ${b[1]}::float8, ${b[2]}::float8, ${b[3]}::float8, 3857)`
}

/**
 * The geometry in tile coordinates as ST_AsMVTGeom(geom, bounds, 4096, 64, true) makes it, from
 * functions PGlite has, in its order: affine map (y flipped), snap to integers, clip to the
 * buffered tile, drop repeated points; polygons are repaired (ST_MakeValid), reduced to their
 * polygon parts and wound as MVT wants (outer rings clockwise on screen, which is
 * counter-clockwise in PostGIS's y-up sense; ST_ForcePolygonCCW).
 * @example sql`SELECT ${tileGeometry(sql, 'polygon', { z: 10, x: 857, y: 418 })} FROM (…) s`
 */
function tileGeometry(sql: ISql, kind: LayerPart['geometry'], ctx: LayerContext): PendingQuery<Row[]> {
  const [x0, , x1, y1] = tileBounds3857(ctx.tile)
  const scale = EXTENT / (x1 - x0)
  const snapped = sql`ST_SnapToGrid(ST_Affine(s.geom, ${scale}::float8, 0, 0, ${-scale}::float8, ${-x0 * scale}::float8, ${y1 * scale}::float8), 1)`
  if (kind === 'point') return sql`ST_RemoveRepeatedPoints(${snapped})`
  if (kind === 'line') {
    // Lines: the same order without the repair; what clipping leaves of them, as lines.
    const box = sql`ST_MakeEnvelope(${-BUFFER}, ${-BUFFER}, ${EXTENT + BUFFER}, ${EXTENT + BUFFER}, 3857)`
    return sql`ST_CollectionExtract(ST_RemoveRepeatedPoints(ST_SnapToGrid(ST_ClipByBox2D(ST_Simplify(${snapped}, 0), ${box}), 1)), 2)`
  }
  // ST_AsMVTGeom's order: snap, drop points left on straight lines (ST_Simplify(…, 0)), clip to
  // the buffer in tile units, snap the new edge points. Clipping before snapping would leave
  // more sub-unit slivers along the buffer edge.
  const clipped = sql`ST_ClipByBox2D(ST_Simplify(${snapped}, 0), ST_MakeEnvelope(${-BUFFER}, ${-BUFFER}, ${EXTENT + BUFFER}, ${EXTENT + BUFFER}, 3857))`
  return sql`ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(ST_RemoveRepeatedPoints(ST_SnapToGrid(${clipped}, 1))), 3))`
}

/**
 * Renders one part of a tile with the chosen encoder. Empty parts are empty bytes with either
 * encoder (ST_AsMVT of no rows), so concatenating parts never adds empty layers.
 * @example await renderPart(tx, findLayer('towns')!.parts[0]!, ctx, db.capabilities.asMvt ? 'postgis' : 'js')
 */
export async function renderPart(sql: ISql, part: LayerPart, ctx: LayerContext, encoder: Encoder): Promise<RenderedPart> {
  const source = await part.source(sql, ctx)
  if (!source) return { name: part.name, bytes: new Uint8Array(0), features: 0, truncated: false }
  const [bx0, by0, bx1, by1] = tileBounds3857(ctx.tile)
  const fid = part.hasId ? sql`, s.fid` : sql``
  let features: number
  let rowsIn: number
  let bytes: Uint8Array
  if (encoder === 'postgis') {
    const [row] = await sql<{ mvt: Uint8Array; n: number; rows_in: number }[]>`
      SELECT coalesce(ST_AsMVT(t, ${part.name}, ${EXTENT}, 'geom'${part.hasId ? sql`, 'fid'` : sql``}) FILTER (WHERE t.geom IS NOT NULL), ''::bytea) AS mvt,
             count(t.geom)::int AS n, count(*)::int AS rows_in
      FROM (SELECT ST_AsMVTGeom(s.geom, ${envelope3857(sql, [bx0, by0, bx1, by1])}, ${EXTENT}, ${BUFFER}, true) AS geom${fid}, s.props
            FROM (${source.query}) s) t`
    bytes = row ? new Uint8Array(row.mvt) : new Uint8Array(0)
    features = row?.n ?? 0
    rowsIn = row?.rows_in ?? 0
  } else {
    // ST_AsMVTGeom drops lines and polygons smaller than half a tile unit both ways; so do we.
    const half = (bx1 - bx0) / EXTENT / 2
    const rows = await sql<{ g: string | null; fid: string | null; props: Record<string, unknown>; rows_in: number }[]>`
      SELECT CASE WHEN t.geom IS NULL OR ST_IsEmpty(t.geom) THEN NULL
                  -- ST_AsMVTGeom keeps points whose snapped coordinates are inside the buffer.
                  WHEN ${part.geometry === 'point'}::boolean AND NOT (ST_XMin(t.geom) >= ${-BUFFER} AND ST_XMax(t.geom) <= ${EXTENT + BUFFER}
                       AND ST_YMin(t.geom) >= ${-BUFFER} AND ST_YMax(t.geom) <= ${EXTENT + BUFFER}) THEN NULL
                  ELSE ST_AsGeoJSON(t.geom, 0) END AS g,
             ${part.hasId ? sql`t.fid::text` : sql`NULL::text`} AS fid, t.props, count(*) OVER ()::int AS rows_in
      FROM (SELECT CASE WHEN ${part.geometry !== 'point'}::boolean
                         AND ST_XMax(s.geom) - ST_XMin(s.geom) < ${half}::float8 AND ST_YMax(s.geom) - ST_YMin(s.geom) < ${half}::float8
                        THEN NULL ELSE ${tileGeometry(sql, part.geometry, ctx)} END AS geom${fid}, s.props
            FROM (${source.query}) s) t`
    const out: TileFeature[] = []
    for (const r of rows) {
      if (r.g === null) continue
      const geom = toTileGeometry(JSON.parse(r.g) as TileGeoJson)
      if (!geom || geom.geometry.length === 0) continue
      out.push({ ...geom, id: r.fid === null ? undefined : Number(r.fid), properties: mvtProperties(r.props) })
    }
    features = out.length
    rowsIn = rows[0]?.rows_in ?? 0
    bytes = out.length > 0 ? encodeTile([{ name: part.name, features: out }]) : new Uint8Array(0)
  }
  return { name: part.name, bytes, features, truncated: rowsIn >= ctx.cap }
}
