/**
 * What a file says about its coordinates (a .prj's WKT, a GeoPackage srs, a GeoJSON `crs`
 * member), and the reprojection of a projected CRS to longitude/latitude.
 *
 * proj4 (proj4js) does the projection maths and reads WKT (OGC and ESRI flavours); we only
 * classify the geographic datum by name and keep a small table of the EPSG codes a Chinese
 * district's files use, for a srs or `crs` member that gives a code without a definition.
 */
import type { Geometry, Position } from 'geojson'
import proj4 from 'proj4'

import { BoundaryReadError, type DeclaredCrs } from './types.ts'

export interface CrsReading {
  crs: DeclaredCrs
  /** The projected CRS the coordinates are reprojected from, named for people; null when none. */
  reprojectedFrom: string | null
  /** File x/y to lon/lat, for a projected CRS; null when the coordinates are lon/lat already. */
  project: ((p: Position) => Position) | null
  warnings: string[]
}

export const UNKNOWN_CRS: CrsReading = { crs: { kind: 'unknown', text: null }, reprojectedFrom: null, project: null, warnings: [] }

const CGCS2000 = /China[ _]?2000|CGCS[ _]?2000|China[ _]Geodetic[ _]Coordinate[ _]System[ _]2000/i
/** WGS 84, but not the TOWGS84 clause another datum may carry. */
const WGS84 = /(?<!TO)WGS[ _]?(19)?84/i
const PROJECTED = /^(PROJCS|PROJCRS|PROJECTEDCRS)$/i
const GEOGRAPHIC = /^(GEOGCS|GEOGCRS|GEOGRAPHICCRS|GEODCRS|GEODETICCRS)$/i

/**
 * The datum a geographic CRS's name or WKT says, by name.
 * @example datumOf('GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",…]]') // 'cgcs2000'
 */
export function datumOf(text: string): 'wgs84' | 'cgcs2000' | 'other' {
  if (CGCS2000.test(text) || /"EPSG"\s*,\s*"?4490"?\s*\]\s*\]?\s*$/.test(text)) return 'cgcs2000'
  if (WGS84.test(text) || /"EPSG"\s*,\s*"?4326"?\s*\]\s*\]?\s*$/.test(text)) return 'wgs84'
  return 'other'
}

/** A proj4 definition and a name, for EPSG codes given without a definition. */
export function epsgDefinition(code: number): { proj: string; name: string; geographic: boolean } | null {
  const tmerc = (lon0: number, x0: number) => `+proj=tmerc +lat_0=0 +lon_0=${lon0} +k=1 +x_0=${x0} +y_0=0 +ellps=GRS80 +units=m +no_defs`
  if (code === 4326) return { proj: '+proj=longlat +datum=WGS84 +no_defs', name: 'WGS 84', geographic: true }
  if (code === 4490) return { proj: '+proj=longlat +ellps=GRS80 +no_defs', name: 'China Geodetic Coordinate System 2000', geographic: true }
  if (code === 3857 || code === 900913) {
    return {
      proj: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs',
      name: 'WGS 84 / Pseudo-Mercator',
      geographic: false,
    }
  }
  if (code >= 32601 && code <= 32660)
    return {
      proj: `+proj=utm +zone=${code - 32600} +datum=WGS84 +units=m +no_defs`,
      name: `WGS 84 / UTM zone ${code - 32600}N`,
      geographic: false,
    }
  // CGCS2000 Gauss-Kruger: 6-degree zones 13–23 (zone number in the false easting), then CM 75E–135E;
  // 3-degree zones 25–45, then CM 75E–135E.
  if (code >= 4491 && code <= 4501) {
    const z = code - 4491 + 13
    return { proj: tmerc(6 * z - 3, z * 1e6 + 500000), name: `CGCS2000 / Gauss-Kruger zone ${z}`, geographic: false }
  }
  if (code >= 4502 && code <= 4512) {
    const cm = 75 + 6 * (code - 4502)
    return { proj: tmerc(cm, 500000), name: `CGCS2000 / Gauss-Kruger CM ${cm}E`, geographic: false }
  }
  if (code >= 4513 && code <= 4533) {
    const z = code - 4513 + 25
    return { proj: tmerc(3 * z, z * 1e6 + 500000), name: `CGCS2000 / 3-degree Gauss-Kruger zone ${z}`, geographic: false }
  }
  if (code >= 4534 && code <= 4554) {
    const cm = 75 + 3 * (code - 4534)
    return { proj: tmerc(cm, 500000), name: `CGCS2000 / 3-degree Gauss-Kruger CM ${cm}E`, geographic: false }
  }
  return null
}

/** The EPSG code a WKT names for itself (its last, top-level AUTHORITY or ID), or one its ESRI name implies. */
function epsgOfWkt(wkt: string, name: string): number | null {
  const ids = [...wkt.matchAll(/(?:AUTHORITY|ID)\[\s*"EPSG"\s*,\s*"?(\d+)"?/gi)]
  const last = ids.at(-1)
  if (last && /^(?:AUTHORITY|ID)\[[^\]]*\]\s*\]\s*$/i.test(wkt.slice(last.index ?? 0))) return Number(last[1])
  const cm3 = /CGCS2000_3_Degree_GK_CM_(\d+)E/i.exec(name)
  if (cm3) return 4534 + (Number(cm3[1]) - 75) / 3
  const z3 = /CGCS2000_3_Degree_GK_Zone_(\d+)/i.exec(name)
  if (z3) return 4513 + Number(z3[1]) - 25
  const cm6 = /CGCS2000_GK_CM_(\d+)E/i.exec(name)
  if (cm6) return 4502 + (Number(cm6[1]) - 75) / 6
  const z6 = /CGCS2000_GK_Zone_(\d+)/i.exec(name)
  if (z6) return 4491 + Number(z6[1]) - 13
  return null
}

/** WKT without AXIS clauses: GeoPackage and shapefile coordinates are always x = easting/longitude. */
function withoutAxes(wkt: string): string {
  return wkt.replace(/,\s*AXIS\["[^"]*"\s*,\s*\w+\s*\]/gi, '')
}

function projector(definition: string): ((p: Position) => Position) | null {
  try {
    const conv = proj4(definition, 'WGS84')
    return (p) => {
      const [x, y] = conv.forward([p[0]!, p[1]!])
      return p.length > 2 ? [x!, y!, ...p.slice(2)] : [x!, y!]
    }
  } catch {
    return null
  }
}

/** Whether proj4 shifts this definition's datum to WGS84 on the way (it carries TOWGS84 parameters). */
function shiftsDatum(definition: string): boolean {
  try {
    const datum = (proj4.Proj(definition) as unknown as { datum?: { datum_type?: number; datum_params?: number[] } }).datum
    return (datum?.datum_type === 1 || datum?.datum_type === 2) && (datum.datum_params ?? []).some((v) => v !== 0)
  } catch {
    return false
  }
}

function geographic(name: 'wgs84' | 'cgcs2000' | 'other', text: string | null, where: string): CrsReading {
  const warnings =
    name === 'other'
      ? [
          `${where} declares a geographic coordinate system that is neither WGS84 nor CGCS2000 (${(text ?? '').slice(0, 80)}): its longitude/latitude are used as they are`,
        ]
      : []
  return { crs: { kind: 'geographic', name, text }, reprojectedFrom: null, project: null, warnings }
}

/**
 * Reads a CRS from a WKT text (.prj, GeoPackage definition) and/or an EPSG code. Geographic ones
 * are classified; projected ones get a projector to lon/lat. Throws BoundaryReadError for a
 * projected CRS we cannot reproject (its coordinates would be metres).
 * @example resolveCrs({ wkt: null, epsg: 4549, where: 'towns.gpkg' }).reprojectedFrom // 'CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549)'
 */
export function resolveCrs(input: { wkt: string | null; epsg: number | null; where: string }): CrsReading {
  const { where } = input
  const wkt = input.wkt?.trim() || null
  if (input.epsg === 4326) return geographic('wgs84', wkt, where)
  if (input.epsg === 4490) return geographic('cgcs2000', wkt, where)

  if (wkt) {
    const head = /^\s*([A-Z_]+)\s*\[\s*"([^"]*)"/i.exec(wkt)
    let keyword = head?.[1] ?? ''
    let name = head?.[2] ?? ''
    let body = wkt
    if (/^(COMPD_CS|COMPOUNDCRS)$/i.test(keyword)) {
      const inner = /(PROJCS|PROJCRS|PROJECTEDCRS|GEOGCS|GEOGCRS|GEOGRAPHICCRS|GEODCRS)\s*\[\s*"([^"]*)"/i.exec(wkt)
      if (inner) {
        keyword = inner[1]!
        name = inner[2]!
        body = wkt.slice(inner.index)
      }
    }
    if (GEOGRAPHIC.test(keyword)) return geographic(datumOf(body), wkt, where)
    if (PROJECTED.test(keyword)) {
      const base = /(GEOGCS|BASEGEOGCRS|BASEGEODCRS|GEOGCRS)\s*\[[\s\S]*/i.exec(body)?.[0] ?? body
      const code = input.epsg ?? epsgOfWkt(wkt, name)
      const definition = withoutAxes(wkt)
      let project = projector(definition)
      let shifted = project ? shiftsDatum(definition) : false
      const known = code !== null ? epsgDefinition(code) : null
      if (!project && known && !known.geographic) {
        project = projector(known.proj)
        shifted = false
      }
      if (!project) {
        throw new BoundaryReadError(
          `${where} declares a projected coordinate system that cannot be reprojected (${name || wkt.slice(0, 80)}): export the file in longitude/latitude (EPSG:4490 or 4326)`,
        )
      }
      const datum = shifted ? 'wgs84' : datumOf(base)
      const reading = geographic(datum, wkt, where)
      const label = code !== null ? `${known?.name ?? name} (EPSG:${code})` : name.replace(/_/g, ' ') || 'a projected coordinate system'
      return {
        ...reading,
        reprojectedFrom: label,
        project,
        warnings:
          datum === 'other'
            ? [`${where} is projected on a datum that is neither WGS84 nor CGCS2000 (${name}): reprojected to its own longitude/latitude`]
            : [],
      }
    }
  }

  if (input.epsg !== null) {
    const known = epsgDefinition(input.epsg)
    if (known && !known.geographic) {
      const project = projector(known.proj)!
      const datum = known.name.startsWith('CGCS2000') ? 'cgcs2000' : 'wgs84'
      return {
        crs: { kind: 'geographic', name: datum, text: wkt },
        reprojectedFrom: `${known.name} (EPSG:${input.epsg})`,
        project,
        warnings: [],
      }
    }
  }
  const what = wkt ? wkt.slice(0, 80) : `EPSG:${input.epsg}`
  return {
    ...UNKNOWN_CRS,
    warnings: [`${where} declares a coordinate system that is not understood (${what}): taken as longitude/latitude`],
  }
}

/**
 * A geometry with every position passed through `f` (a new object; the input is not changed).
 * @example mapPositions({ type: 'Point', coordinates: [1, 2] }, ([x, y]) => [y!, x!]) // { type: 'Point', coordinates: [2, 1] }
 */
export function mapPositions(g: Geometry, f: (p: Position) => Position): Geometry {
  switch (g.type) {
    case 'Point':
      return { ...g, coordinates: f(g.coordinates) }
    case 'MultiPoint':
    case 'LineString':
      return { ...g, coordinates: g.coordinates.map(f) }
    case 'MultiLineString':
    case 'Polygon':
      return { ...g, coordinates: g.coordinates.map((r) => r.map(f)) }
    case 'MultiPolygon':
      return { ...g, coordinates: g.coordinates.map((p) => p.map((r) => r.map(f))) }
    case 'GeometryCollection':
      return { ...g, geometries: g.geometries.map((c) => mapPositions(c, f)) }
  }
}

/** Calls `f` on every position of a geometry. */
export function eachPosition(g: Geometry, f: (p: Position) => void): void {
  switch (g.type) {
    case 'Point':
      f(g.coordinates)
      return
    case 'MultiPoint':
    case 'LineString':
      g.coordinates.forEach(f)
      return
    case 'MultiLineString':
    case 'Polygon':
      for (const r of g.coordinates) r.forEach(f)
      return
    case 'MultiPolygon':
      for (const p of g.coordinates) for (const r of p) r.forEach(f)
      return
    case 'GeometryCollection':
      for (const c of g.geometries) eachPosition(c, f)
  }
}
