/**
 * The boundary file readers: GeoJSON, Shapefile (plain or zipped) and GeoPackage, each into one
 * BoundarySource with lon/lat GeoJSON geometries (projected files are reprojected), attribute
 * values decoded and typed, and what the file says about its coordinates and text encoding.
 *
 * @example
 * const src = await readBoundaryFile('towns.zip', { layer: 'towns' })
 * src.features[0] // { index: 1, properties: { 名称: '城厢街道', 代码: '330109001' }, geometry: { type: 'Polygon', … } }
 */
import fs from 'node:fs'
import path from 'node:path'

import { eachPosition } from './crs.ts'
import { readGeoJson } from './geojson.ts'
import { readGeoPackage } from './geopackage.ts'
import { readPlainShapefile, readZippedShapefile } from './shapefile.ts'
import { type BoundaryFormat, BoundaryReadError, type BoundaryReadOptions, type BoundarySource } from './types.ts'

export { BoundaryReadError }
export type { BoundaryFeature, BoundaryFormat, BoundaryReadOptions, BoundarySource, BoundaryValue, DeclaredCrs } from './types.ts'

type Kind = 'geojson' | 'zip' | 'shp' | 'gpkg'

const BY_EXTENSION: Record<string, Kind> = { '.geojson': 'geojson', '.json': 'geojson', '.zip': 'zip', '.shp': 'shp', '.gpkg': 'gpkg' }

/** What the first bytes say a file is, when its extension does not. */
function sniff(head: Buffer): Kind | null {
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'zip'
  if (head.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'gpkg'
  if (head.byteLength >= 4 && head.readInt32BE(0) === 9994) return 'shp'
  if (/^\s*\{/.test(head.toString('utf8').replace(/^\uFEFF/, ''))) return 'geojson'
  return null
}

/**
 * Reads a boundary file: `.geojson`/`.json`, `.zip` (a zipped shapefile), `.shp` (its `.dbf`,
 * `.shx`, `.prj`, `.cpg` beside it) or `.gpkg`; another extension is read by its content when
 * that is clearly one of these. Throws BoundaryReadError when the file cannot be read at all.
 * @example (await readBoundaryFile('towns.gpkg')).crs // { kind: 'geographic', name: 'cgcs2000', text: 'GEOGCS["China Geodetic Coordinate System 2000",…' }
 */
export async function readBoundaryFile(file: string, opts: BoundaryReadOptions = {}): Promise<BoundarySource> {
  let stat: fs.Stats
  try {
    stat = fs.statSync(file)
  } catch {
    throw new BoundaryReadError(`${file} does not exist`)
  }
  if (stat.isDirectory()) throw new BoundaryReadError(`${file} is a folder: give the .shp, .zip, .gpkg or .geojson file itself`)
  const ext = path.extname(file).toLowerCase()
  let kind: Kind | null = BY_EXTENSION[ext] ?? null
  if (!kind) {
    if (['.dbf', '.shx', '.prj', '.cpg'].includes(ext))
      throw new BoundaryReadError(`${file} is one part of a shapefile: give the .shp beside it (or the zip)`)
    const head = Buffer.alloc(64)
    const fd = fs.openSync(file, 'r')
    const n = (() => {
      try {
        return fs.readSync(fd, head, 0, 64, 0)
      } finally {
        fs.closeSync(fd)
      }
    })()
    kind = sniff(head.subarray(0, n))
    if (!kind)
      throw new BoundaryReadError(
        `${file} is not a boundary file we read (its extension ${ext || '(none)'} is not .geojson, .json, .zip, .shp or .gpkg)`,
      )
  }
  const src =
    kind === 'geojson'
      ? readGeoJson(file)
      : kind === 'zip'
        ? readZippedShapefile(file, opts)
        : kind === 'shp'
          ? readPlainShapefile(file, opts)
          : await readGeoPackage(file, opts)
  const range = outOfRange(src)
  if (range) src.warnings.push(range)
  return src
}

/** A warning when coordinates go beyond longitude/latitude: a projected file that does not say so. */
function outOfRange(src: BoundarySource): string | null {
  let x = 0,
    y = 0
  for (const f of src.features) {
    if (f.geometry)
      eachPosition(f.geometry, (p) => {
        x = Math.max(x, Math.abs(p[0]!))
        y = Math.max(y, Math.abs(p[1]!))
      })
  }
  if (x <= 180 && y <= 90) return null
  const fix = src.format === 'shapefile' ? 'the .prj beside the .shp' : src.format === 'geopackage' ? 'its srs' : 'a crs member'
  return `${src.file} has coordinates up to x ${Math.round(x)}, y ${Math.round(y)}, beyond longitude/latitude: it seems projected without saying so (check ${fix}, or export it in EPSG:4490 or 4326)`
}

/** The formats, for messages and options. */
export const BOUNDARY_FORMATS: readonly BoundaryFormat[] = ['geojson', 'shapefile', 'geopackage']
