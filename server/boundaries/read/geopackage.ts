/**
 * GeoPackages (.gpkg): the single features table, the single polygon one, or `opts.layer`.
 *
 * Libraries: sql.js (SQLite compiled to WebAssembly, maintained; its .wasm is loaded from
 * node_modules, so nothing is fetched at run time and no native build is needed; better-sqlite3
 * wants Node 22, node:sqlite Node 22.5) reads the database. A geometry blob is the GeoPackage
 * header ("GP", flags, srs id, envelope) followed by standard WKB: we skip the header, as the
 * flags byte says, and wkx (small, dependency-free, ISO/extended WKB with Z/M) decodes the WKB to
 * GeoJSON. @ngageoint/geopackage would do both but pins an old proj4, turf 6 and a sql.js fork.
 */
import fs from 'node:fs'

import type { Geometry } from 'geojson'
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js'
import wkx from 'wkx'

import { type CrsReading, eachPosition, mapPositions, resolveCrs, UNKNOWN_CRS } from './crs.ts'
import { type BoundaryFeature, BoundaryReadError, type BoundaryReadOptions, type BoundarySource, type BoundaryValue } from './types.ts'

let sqlJs: Promise<SqlJsStatic> | null = null

/** Geometry type names of the layers that may hold polygons. */
const AREAL = /^(GEOMETRY|POLYGON|MULTIPOLYGON|CURVEPOLYGON|MULTISURFACE|SURFACE)$/i

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`

function rowsOf(db: Database, sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
  const stmt = db.prepare(sql)
  try {
    stmt.bind(params)
    const out: Record<string, SqlValue>[] = []
    while (stmt.step()) out.push(stmt.getAsObject())
    return out
  } finally {
    stmt.free()
  }
}

/** Envelope sizes (bytes) by the flags' envelope indicator. */
const ENVELOPE_BYTES = [0, 32, 48, 48, 64]

/**
 * A GeoPackage geometry blob as GeoJSON: null for an empty one; a string says why it cannot be read.
 * @example gpkgGeometry(blob) // { type: 'Polygon', coordinates: [...] }
 */
export function gpkgGeometry(blob: Uint8Array): Geometry | null | string {
  let wkb = blob
  if (blob.byteLength >= 8 && blob[0] === 0x47 && blob[1] === 0x50) {
    const flags = blob[3]!
    if (flags & 0x20) return 'an extended GeoPackage geometry type'
    if (flags & 0x10) return null
    const envelope = ENVELOPE_BYTES[(flags >> 1) & 0x07]
    if (envelope === undefined) return 'a damaged geometry header'
    wkb = blob.subarray(8 + envelope)
  }
  try {
    const g = wkx.Geometry.parse(Buffer.from(wkb.buffer, wkb.byteOffset, wkb.byteLength)).toGeoJSON() as Geometry
    let any = false
    eachPosition(g, (p) => {
      if (Number.isFinite(p[0]) && Number.isFinite(p[1])) any = true
    })
    return any ? g : null
  } catch (err) {
    return `a geometry that is not readable WKB (${(err as Error).message})`
  }
}

function crsOfSrs(db: Database, srsId: number, where: string): CrsReading {
  if (srsId === 0) return UNKNOWN_CRS
  if (srsId === -1)
    return { ...UNKNOWN_CRS, warnings: [`${where} has an undefined Cartesian coordinate system (srs -1): taken as longitude/latitude`] }
  const srs = rowsOf(db, 'SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?', [srsId])[0]
  const epsg = srs && String(srs.organization).toUpperCase() === 'EPSG' ? Number(srs.organization_coordsys_id) : null
  const definition = typeof srs?.definition === 'string' && srs.definition.trim().toLowerCase() !== 'undefined' ? srs.definition : null
  return resolveCrs({ wkt: definition, epsg: epsg ?? (srs ? null : srsId), where: `${where} (srs ${srsId})` })
}

/** Reads a GeoPackage's features table. */
export async function readGeoPackage(file: string, opts: BoundaryReadOptions): Promise<BoundarySource> {
  const bytes = fs.readFileSync(file)
  if (bytes.byteLength < 100 || bytes.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') {
    throw new BoundaryReadError(`${file} is not a GeoPackage (it is not an SQLite database)`)
  }
  sqlJs ??= initSqlJs()
  const SQL = await sqlJs
  let db: Database
  try {
    db = new SQL.Database(bytes)
  } catch (err) {
    throw new BoundaryReadError(`${file} could not be opened as a GeoPackage (${(err as Error).message})`)
  }
  try {
    return readLayer(db, file, opts)
  } catch (err) {
    if (err instanceof BoundaryReadError) throw err
    throw new BoundaryReadError(`${file} could not be read as a GeoPackage (${(err as Error).message})`)
  } finally {
    db.close()
  }
}

function readLayer(db: Database, file: string, opts: BoundaryReadOptions): BoundarySource {
  const hasContents =
    rowsOf(db, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name IN ('gpkg_contents', 'gpkg_geometry_columns')")
      .length === 2
  if (!hasContents)
    throw new BoundaryReadError(
      `${file} is an SQLite database but not a GeoPackage (it has no gpkg_contents and gpkg_geometry_columns tables)`,
    )
  const tables = rowsOf(
    db,
    `
    SELECT c.table_name AS name, g.column_name AS geom, g.geometry_type_name AS type, g.srs_id AS srs
    FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
    WHERE c.data_type = 'features' ORDER BY c.rowid`,
  ).map((r) => ({ name: String(r.name), geom: String(r.geom), type: String(r.type), srs: Number(r.srs) }))
  if (tables.length === 0) throw new BoundaryReadError(`${file} holds no feature table`)
  const polygons = tables.filter((t) => AREAL.test(t.type))
  const layers = polygons.map((t) => t.name)
  let table: (typeof tables)[number] | undefined
  if (opts.layer !== undefined) {
    table = tables.find((t) => t.name === opts.layer) ?? tables.find((t) => t.name.toLowerCase() === opts.layer!.toLowerCase())
    if (!table) throw new BoundaryReadError(`${file} holds no layer named ${opts.layer} (it holds ${tables.map((t) => t.name).join(', ')})`)
  } else if (tables.length === 1) {
    table = tables[0]
  } else if (polygons.length === 1) {
    table = polygons[0]
  } else {
    throw new BoundaryReadError(
      `${file} holds ${tables.length} layers (${tables.map((t) => t.name).join(', ')}): name the one to import as the layer (--layer)`,
    )
  }
  const t = table!
  const where = `${file} (layer ${t.name})`
  const warnings: string[] = []
  const read = crsOfSrs(db, t.srs, where)
  warnings.push(...read.warnings)

  const columns = rowsOf(db, `PRAGMA table_info(${quote(t.name)})`).map((c) => ({
    name: String(c.name),
    type: String(c.type ?? '').toUpperCase(),
    pk: Number(c.pk),
  }))
  const pk = columns.find((c) => c.pk > 0 && c.type === 'INTEGER')
  const fieldColumns = columns.filter((c) => c !== pk && c.name !== t.geom)
  const fields = fieldColumns.map((c) => c.name)
  const select = [t.geom, ...fields].map(quote).join(', ')
  const stmt = db.prepare(`SELECT ${select} FROM ${quote(t.name)} ORDER BY ${pk ? quote(pk.name) : 'rowid'}`)
  const features: BoundaryFeature[] = []
  let blobs = 0
  try {
    let index = 0
    while (stmt.step()) {
      index++
      const row = stmt.get()
      const blob = row[0]
      let geometry: Geometry | null = null
      if (blob instanceof Uint8Array) {
        const g = gpkgGeometry(blob)
        if (typeof g === 'string') warnings.push(`${where}: feature ${index} has ${g}: read as empty`)
        else geometry = g && read.project ? mapPositions(g, read.project) : g
      }
      const properties: Record<string, BoundaryValue> = {}
      fieldColumns.forEach((c, i) => {
        const v = row[i + 1] ?? null
        if (v instanceof Uint8Array) {
          blobs++
          properties[c.name] = null
        } else if (c.type === 'BOOLEAN' && typeof v === 'number') properties[c.name] = v !== 0
        else properties[c.name] = v
      })
      features.push({ index, properties, geometry })
    }
  } finally {
    stmt.free()
  }
  if (blobs) warnings.push(`${where}: ${blobs} binary attribute value${blobs > 1 ? 's were' : ' was'} left out`)
  return {
    format: 'geopackage',
    file,
    layer: t.name,
    layers,
    crs: read.crs,
    reprojectedFrom: read.reprojectedFrom,
    encoding: null,
    encodingReason: null,
    fields,
    features,
    warnings,
  }
}
