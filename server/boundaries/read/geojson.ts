/**
 * GeoJSON files: a FeatureCollection, a Feature or a bare geometry (JSON.parse is the reader).
 * A `crs` member (GeoJSON 2008, as GDAL writes for other than WGS84) is honoured: CRS84 and EPSG
 * codes, projected ones reprojected.
 */
import fs from 'node:fs'

import type { Geometry } from 'geojson'

import { type CrsReading, mapPositions, resolveCrs, UNKNOWN_CRS } from './crs.ts'
import { type BoundaryFeature, BoundaryReadError, type BoundarySource, type BoundaryValue } from './types.ts'

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'])

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v)

function crsMember(crs: Json | undefined, file: string): CrsReading {
  if (!isObject(crs)) return UNKNOWN_CRS
  const name = isObject(crs.properties) && typeof crs.properties.name === 'string' ? crs.properties.name : ''
  if (/CRS:?84$/i.test(name))
    return { crs: { kind: 'geographic', name: 'wgs84', text: name }, reprojectedFrom: null, project: null, warnings: [] }
  const code = /EPSG:{1,2}(?:[\d.]*:)?(\d+)$/i.exec(name)?.[1]
  if (code) return resolveCrs({ wkt: null, epsg: Number(code), where: `${file} (crs ${name})` })
  return {
    ...UNKNOWN_CRS,
    warnings: [`${file} has a crs member that is not understood (${JSON.stringify(crs).slice(0, 80)}): taken as longitude/latitude`],
  }
}

function geometryOf(g: Json | undefined): Geometry | null | undefined {
  if (g === null || g === undefined) return null
  if (!isObject(g) || typeof g.type !== 'string' || !GEOMETRY_TYPES.has(g.type)) return undefined
  if (g.type === 'GeometryCollection' ? !Array.isArray(g.geometries) : !Array.isArray(g.coordinates)) return undefined
  if (g.type !== 'GeometryCollection' && (g.coordinates as Json[]).length === 0) return null
  return g as unknown as Geometry
}

function value(v: Json | undefined): BoundaryValue {
  if (v === undefined || v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v ?? null
  return JSON.stringify(v)
}

/** Reads a GeoJSON file. */
export function readGeoJson(file: string): BoundarySource {
  let doc: Json
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as Json
  } catch (err) {
    throw new BoundaryReadError(`${file} is not valid JSON (${(err as Error).message})`)
  }
  if (!isObject(doc)) throw new BoundaryReadError(`${file} is not GeoJSON (it is not a JSON object)`)
  let raw: Json[]
  if (doc.type === 'FeatureCollection') {
    if (!Array.isArray(doc.features)) throw new BoundaryReadError(`${file} is a FeatureCollection without a features array`)
    raw = doc.features
  } else if (doc.type === 'Feature') {
    raw = [doc]
  } else if (typeof doc.type === 'string' && GEOMETRY_TYPES.has(doc.type)) {
    raw = [{ type: 'Feature', properties: {}, geometry: doc }]
  } else {
    throw new BoundaryReadError(
      `${file} is not GeoJSON (its type is ${JSON.stringify(doc.type ?? null)}, not FeatureCollection, Feature or a geometry)`,
    )
  }
  const read = crsMember(doc.crs, file)
  const warnings = [...read.warnings]
  const fields: string[] = []
  const seen = new Set<string>()
  const features: BoundaryFeature[] = raw.map((f, i) => {
    const index = i + 1
    if (!isObject(f)) {
      warnings.push(`${file}: feature ${index} is not a GeoJSON object: read as empty`)
      return { index, properties: {}, geometry: null }
    }
    const properties: Record<string, BoundaryValue> = {}
    if (isObject(f.properties)) {
      for (const [k, v] of Object.entries(f.properties)) {
        properties[k] = value(v)
        if (!seen.has(k)) {
          seen.add(k)
          fields.push(k)
        }
      }
    }
    let geometry = geometryOf(f.geometry)
    if (geometry === undefined) {
      warnings.push(`${file}: feature ${index} has a geometry that is not GeoJSON: read as empty`)
      geometry = null
    }
    if (geometry && read.project) geometry = mapPositions(geometry, read.project)
    return { index, properties, geometry }
  })
  // Every feature lists every field (null where it has none), as shapefile and GeoPackage rows do.
  for (const f of features) for (const k of fields) if (!(k in f.properties)) f.properties[k] = null
  return {
    format: 'geojson',
    file,
    layer: null,
    layers: [],
    crs: read.crs,
    reprojectedFrom: read.reprojectedFrom,
    encoding: null,
    encodingReason: null,
    fields,
    features,
    warnings,
  }
}
