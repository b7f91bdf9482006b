/**
 * Shapefiles, plain (`towns.shp` with its `.dbf/.shx/.prj/.cpg` beside it, extensions in any
 * case) or zipped (any folder inside the zip).
 *
 * Libraries: shpjs (calvinmetcalf/shapefile-js, maintained, ESM, works on buffers) parses the
 * .shp (parts to Polygon/MultiPolygon by ring orientation, holes kept with the outer ring that
 * holds them) and the .dbf (with the TextDecoder of the encoding we choose; character fields stay
 * text, so codes keep their leading zeros). fflate (maintained, no dependencies, synchronous)
 * unzips. We read only what those do not give: the DBF header's record count, lengths, language
 * driver id, deletion flags and field names in file order, to choose the encoding and check the
 * file before handing it over.
 */
import fs from 'node:fs'
import path from 'node:path'

import { unzipSync } from 'fflate'
import type { Geometry } from 'geojson'
import { parseDbf, parseShp } from 'shpjs'

import { eachPosition, mapPositions, resolveCrs, UNKNOWN_CRS } from './crs.ts'
import { detectEncoding, encodingLabel, ldidEncoding, redecodeLatin1 } from './encoding.ts'
import { type BoundaryFeature, BoundaryReadError, type BoundaryReadOptions, type BoundarySource, type BoundaryValue } from './types.ts'

const PARTS = ['shp', 'shx', 'dbf', 'prj', 'cpg'] as const
type Part = (typeof PARTS)[number]

/** One shapefile's files, and how to name each in a message. */
interface ShapefileFiles {
  bytes: Partial<Record<Part, Uint8Array>>
  where: Record<Part, string>
}

/** Shape types whose records are polygons (Polygon, PolygonZ, PolygonM). */
const POLYGON_TYPES = new Set([5, 15, 25])

function shapeType(shp: Uint8Array): number | null {
  return shp.byteLength >= 100 ? new DataView(shp.buffer, shp.byteOffset, shp.byteLength).getInt32(32, true) : null
}

/**
 * Reads a plain shapefile: the .shp given and the files beside it with the same base name
 * (any case of extension).
 */
export function readPlainShapefile(file: string, opts: BoundaryReadOptions): BoundarySource {
  const dir = path.dirname(file)
  const base = path.basename(file, path.extname(file))
  const entries = fs.readdirSync(dir)
  const sibling = (ext: Part): string | undefined =>
    entries.find((e) => e === `${base}.${ext}`) ?? entries.find((e) => e.toLowerCase() === `${base}.${ext}`.toLowerCase())
  const files: ShapefileFiles = { bytes: {}, where: { shp: file, shx: '', dbf: '', prj: '', cpg: '' } }
  for (const part of PARTS) {
    const name = part === 'shp' ? path.basename(file) : sibling(part)
    files.where[part] = path.join(dir, name ?? `${base}.${part}`)
    if (name !== undefined) files.bytes[part] = fs.readFileSync(path.join(dir, name))
  }
  return readShapefile(file, files, opts, null, [])
}

/**
 * Reads a zipped shapefile: the only one in the zip, the only polygon one, or the one `opts.layer`
 * names (base name or path inside the zip, any case).
 */
export function readZippedShapefile(file: string, opts: BoundaryReadOptions): BoundarySource {
  const held: string[] = []
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(fs.readFileSync(file), {
      filter: (f) => {
        const n = f.name.replace(/\\/g, '/')
        if (/(^|\/)__MACOSX\//.test(n) || /(^|\/)\._/.test(n) || n.endsWith('/')) return false
        held.push(f.name)
        return /\.(shp|shx|dbf|prj|cpg)$/i.test(n)
      },
    })
  } catch (err) {
    throw new BoundaryReadError(`${file} is not a readable zip file (${(err as Error).message})`)
  }
  // Group by path without extension, any case; names without the UTF-8 flag come as latin1.
  const groups = new Map<string, { path: string; files: ShapefileFiles }>()
  for (const [raw, bytes] of Object.entries(entries)) {
    const name = redecodeLatin1(raw).replace(/\\/g, '/')
    const ext = path.posix.extname(name).slice(1).toLowerCase() as Part
    const stem = name.slice(0, -(ext.length + 1))
    const key = stem.toLowerCase()
    let g = groups.get(key)
    if (!g) {
      g = { path: stem, files: { bytes: {}, where: { shp: '', shx: '', dbf: '', prj: '', cpg: '' } } }
      for (const p of PARTS) g.files.where[p] = `${file} (${stem}.${p})`
      groups.set(key, g)
    }
    g.files.bytes[ext] = bytes
    g.files.where[ext] = `${file} (${name})`
    if (ext === 'shp') g.path = stem
  }
  const shapefiles = [...groups.values()].filter((g) => g.files.bytes.shp)
  if (shapefiles.length === 0) {
    const list = held.map((n) => redecodeLatin1(n).replace(/\\/g, '/'))
    const others = list.filter((n) => /\.(gpkg|geojson|json)$/i.test(n))
    throw new BoundaryReadError(
      `${file} holds no .shp file (it holds ${list.length ? list.slice(0, 8).join(', ') + (list.length > 8 ? ', …' : '') : 'nothing'})${others.length ? `: unzip it and import ${others[0]}` : ''}`,
    )
  }
  // A layer is named by its base name, or by its path where two share a base name.
  const baseOf = (p: string) => path.posix.basename(p)
  const nameOf = (p: string) =>
    shapefiles.filter((s) => baseOf(s.path).toLowerCase() === baseOf(p).toLowerCase()).length > 1 ? p : baseOf(p)
  const polygons = shapefiles.filter((s) => POLYGON_TYPES.has(shapeType(s.files.bytes.shp!) ?? -1))
  const layers = polygons.map((s) => nameOf(s.path))
  let chosen: (typeof shapefiles)[number] | undefined
  if (opts.layer !== undefined) {
    const want = opts.layer.toLowerCase().replace(/\.shp$/, '')
    chosen = shapefiles.find((s) => s.path.toLowerCase() === want) ?? shapefiles.find((s) => baseOf(s.path).toLowerCase() === want)
    if (!chosen)
      throw new BoundaryReadError(
        `${file} holds no shapefile named ${opts.layer} (it holds ${shapefiles.map((s) => nameOf(s.path)).join(', ')})`,
      )
  } else if (shapefiles.length === 1) {
    chosen = shapefiles[0]
  } else if (polygons.length === 1) {
    chosen = polygons[0]
  } else {
    throw new BoundaryReadError(
      `${file} holds ${shapefiles.length} shapefiles (${shapefiles.map((s) => nameOf(s.path)).join(', ')}): name the one to import as the layer (--layer)`,
    )
  }
  return readShapefile(file, chosen!.files, opts, nameOf(chosen!.path), layers)
}

interface DbfLayout {
  records: number
  headerLength: number
  recordLength: number
  fields: { nameBytes: Uint8Array; type: string }[]
}

/** The DBF header's numbers and field descriptors, checked against the file's size. */
function dbfLayout(dbf: Uint8Array, where: string): DbfLayout {
  const bad = (why: string) => new BoundaryReadError(`${where} is not a readable dBASE (.dbf) file: ${why}`)
  if (dbf.byteLength < 33) throw bad('it is too short')
  const view = new DataView(dbf.buffer, dbf.byteOffset, dbf.byteLength)
  const records = view.getUint32(4, true)
  const headerLength = view.getUint16(8, true)
  const recordLength = view.getUint16(10, true)
  if (headerLength < 33 || headerLength > dbf.byteLength || recordLength < 1) throw bad('its header is damaged')
  const fields: DbfLayout['fields'] = []
  let off = 32
  for (; off + 32 <= headerLength && dbf[off] !== 0x0d; off += 32) {
    const name = dbf.subarray(off, off + 11)
    const end = name.indexOf(0)
    fields.push({ nameBytes: end < 0 ? name : name.subarray(0, end), type: String.fromCharCode(dbf[off + 11]!) })
  }
  if (dbf[off] !== 0x0d) throw bad('its field list has no end')
  const width = 1 + fields.reduce((n, f, i) => n + dbf[32 + 32 * i + 16]!, 0)
  if (width > recordLength) throw bad(`its fields add up to ${width} bytes, its records to ${recordLength}`)
  if (headerLength + records * recordLength > dbf.byteLength) {
    const present = Math.floor((dbf.byteLength - headerLength) / recordLength)
    throw bad(`it declares ${records} records but holds ${present} (the file is cut short)`)
  }
  return { records, headerLength, recordLength, fields }
}

/** A DBF value from shpjs as a property: empty text and unreadable numbers as null, dates as YYYY-MM-DD. */
function propertyValue(v: string | number | boolean | Date | undefined): BoundaryValue {
  if (v === undefined) return null
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'string') return v === '' ? null : v
  if (typeof v === 'boolean') return v
  if (Number.isNaN(v.getTime())) return null
  return `${String(v.getFullYear()).padStart(4, '0')}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`
}

/** A geometry without positions is an empty shape: null. shpjs's bbox (in the file's units) is dropped. */
function nonEmpty(g: Geometry | null | undefined): Geometry | null {
  if (!g) return null
  let any = false
  eachPosition(g, () => {
    any = true
  })
  if (!any) return null
  const { bbox: _bbox, ...rest } = g
  return rest as Geometry
}

function readShapefile(
  file: string,
  files: ShapefileFiles,
  opts: BoundaryReadOptions,
  layer: string | null,
  layers: string[],
): BoundarySource {
  const { bytes, where } = files
  const warnings: string[] = []
  const shp = bytes.shp!
  if (shp.byteLength < 100 || new DataView(shp.buffer, shp.byteOffset, shp.byteLength).getInt32(0, false) !== 9994) {
    throw new BoundaryReadError(`${where.shp} is not a shapefile (its .shp header is missing or damaged)`)
  }
  let dbf = bytes.dbf
  if (!dbf) throw new BoundaryReadError(`${where.dbf} is missing: a shapefile's attributes (names, codes) are in the .dbf beside its .shp`)
  if (!bytes.shx) warnings.push(`${where.shx} is missing (not needed to read the shapes)`)
  const layout = dbfLayout(dbf, where.dbf)

  // The text encoding: option, .cpg, language driver id, else detected.
  const textParts = [
    ...layout.fields.map((f) => f.nameBytes),
    dbf.subarray(layout.headerLength, layout.headerLength + layout.records * layout.recordLength),
  ]
  let encoding: string | null = null
  let encodingReason: string | null = null
  if (opts.encoding !== undefined) {
    encoding = encodingLabel(opts.encoding)
    if (!encoding) throw new BoundaryReadError(`${file}: the encoding ${opts.encoding} is not known (use e.g. gbk or utf-8)`)
    encodingReason = 'option'
  }
  if (!encoding && bytes.cpg) {
    const said = new TextDecoder().decode(bytes.cpg).trim()
    encoding = encodingLabel(said)
    if (encoding) encodingReason = 'cpg'
    else warnings.push(`${where.cpg} names an encoding that is not known (${said.slice(0, 40)}): the encoding is detected`)
  }
  if (!encoding) {
    encoding = ldidEncoding(dbf[29]!)
    if (encoding) encodingReason = 'ldid'
  }
  if (!encoding) {
    encoding = detectEncoding(textParts)
    encodingReason = 'detected'
  } else if (encodingReason !== 'option') {
    const valid = detectEncoding(textParts) === 'utf-8'
    const nonAscii = textParts.some((p) => p.some((b) => b >= 0x80))
    const how = encodingReason === 'cpg' ? 'its .cpg' : 'its language driver id'
    if (encoding === 'utf-8' && !valid)
      warnings.push(`${where.dbf} is declared UTF-8 by ${how} but is not valid UTF-8: its text may be garbled (try the encoding gbk)`)
    if (encoding !== 'utf-8' && valid && nonAscii)
      warnings.push(
        `${where.dbf} is declared ${encoding} by ${how} but its text reads as UTF-8: it may be garbled (try the encoding utf-8)`,
      )
  }

  // shpjs's DBF reader expects the field list to end the header: drop any bytes between them
  // (dBASE 7 / Visual FoxPro headers).
  const compact = 32 * (layout.fields.length + 1) + 1
  if (layout.headerLength > compact) {
    const fixed = new Uint8Array(dbf.byteLength - (layout.headerLength - compact))
    fixed.set(dbf.subarray(0, compact))
    fixed.set(dbf.subarray(layout.headerLength), compact)
    new DataView(fixed.buffer).setUint16(8, compact, true)
    dbf = fixed
  }

  // Field names decoded as shpjs decodes them (the keys of its records).
  const decoder = new TextDecoder(encoding)
  const fields: string[] = []
  for (const f of layout.fields) {
    const name = decoder.decode(f.nameBytes).replace(/\0/g, '').trim()
    if (fields.includes(name)) warnings.push(`${where.dbf} has two fields named ${name}: the last one is used`)
    else fields.push(name)
  }

  let rows: ReturnType<typeof parseDbf>
  try {
    rows = layout.records > 0 ? parseDbf(dbf, encoding) : []
  } catch (err) {
    throw new BoundaryReadError(`${where.dbf} could not be read (${(err as Error).message})`)
  }
  let shapes: (Geometry | null)[]
  try {
    shapes = parseShp(shp)
  } catch (err) {
    throw new BoundaryReadError(`${where.shp} could not be read (${(err as Error).message})`)
  }
  if (shapes.length !== rows.length) {
    warnings.push(`${where.shp} holds ${shapes.length} shapes but its .dbf ${rows.length} records: they are matched in order`)
  }

  const prj = bytes.prj ? new TextDecoder().decode(bytes.prj).trim() : ''
  const read = prj ? resolveCrs({ wkt: prj, epsg: null, where: where.prj }) : UNKNOWN_CRS
  warnings.push(...read.warnings)

  const features: BoundaryFeature[] = []
  let deleted = 0
  const count = Math.max(shapes.length, rows.length)
  for (let i = 0; i < count; i++) {
    if (i < layout.records && dbf[compact + i * layout.recordLength] === 0x2a) {
      deleted++
      continue
    }
    const row = rows[i]
    const properties: Record<string, BoundaryValue> = {}
    for (const f of fields) properties[f] = propertyValue(row?.[f])
    let geometry = nonEmpty(shapes[i])
    if (geometry && read.project) geometry = mapPositions(geometry, read.project)
    features.push({ index: i + 1, properties, geometry })
  }
  if (deleted) warnings.push(`${where.dbf} marks ${deleted} record${deleted > 1 ? 's' : ''} as deleted: left out`)

  return {
    format: 'shapefile',
    file,
    layer,
    layers,
    crs: read.crs,
    reprojectedFrom: read.reprojectedFrom,
    encoding,
    encodingReason,
    fields,
    features,
    warnings,
  }
}
