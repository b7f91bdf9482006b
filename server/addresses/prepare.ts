/**
 * The per-line work of the address import, on a chunk of the file: parse the CSV (csv-parse),
 * validate (zod), convert to WGS84, locate in the area hierarchy, fill parts (from the columns,
 * else parsed from the text), compute H3 cells and encode the COPY row. Pure given its context,
 * so it runs in the importing thread or in worker threads alike.
 */
import { pgArrayLiteral } from '../db/copy-csv.ts'
import type { CopyValue } from '../db/index.ts'
import { type Crs, fromWgs84, toWgs84 } from '../geo/crs.ts'
import { h3Cells, type StoredCells } from '../geo/h3.ts'
import type { NameDictionary } from '../geocode/dictionary.ts'
import { ewkbPoint, quoteCsv } from '../imports/copy.ts'
import { type CsvChunk, type CsvRecord, parseCsvChunk } from '../imports/csv.ts'
import { type AreaCodes, type AreaLocator, codesOf, PLACEMENT_COLUMNS, placementValues } from './locate.ts'
import { partsFromText, writtenParts, writtenTownCode } from './parts.ts'
import {
  type AddressColumn,
  type AddressCsvInput,
  type AddressImportRow,
  AddressImportRowSchema,
  type AddressParts,
  rejectReason,
} from './schema.ts'

/** Columns of `addresses` the import writes (updated_at keeps its default). */
export const ADDRESS_COPY_COLUMNS = [
  'address_id',
  'address',
  'geom',
  'town',
  'village',
  'group_no',
  'road',
  'door_no',
  'compound',
  'building',
  'unit',
  'room',
  'aliases',
  ...PLACEMENT_COLUMNS,
  'source',
  'written_town_code',
] as const

export interface PrepareContext {
  /** Position of each known column in a record (-1: absent). */
  index: Record<AddressColumn, number>
  /** Fields per record (the header's length). */
  width: number
  locator: AreaLocator
  dict: NameDictionary
  /** addresses.source of every row. */
  source: string
  /**
   * 'csv': COPY CSV text (native: streamed to COPY FROM STDIN); 'values': the values, for
   * `db.copyIn` (the embedded database's COPY goes through its worker, which encodes them).
   */
  encode: 'csv' | 'values'
}

export interface Reject {
  line: number
  addressId: string
  reason: string
}

/** A chunk's accepted rows (in file order) as COPY CSV text or values, and its rejected lines. */
export interface PreparedBatch {
  /** Lines read (records and unreadable lines; blank lines do not count). */
  read: number
  ids: string[]
  lines: number[]
  /**
   * With encode 'csv': the rows' COPY lines, UTF-8, back to back; row i ends at byte ends[i].
   * Bytes, not a string: they move from a worker without a copy and go to the socket as they are.
   */
  copy: Uint8Array
  ends: number[]
  /** With encode 'values'. */
  values: CopyValue[][]
  rejects: Reject[]
  /** Whether each accepted row's parts were parsed from its text (no part columns given). */
  fromText: boolean[]
  /** Rows snapped to a nearby microgrid / left without codes. */
  snapped: number
  unlocated: number
  /** Milliseconds spent parsing CSV, validating, placing (CRS, locate, text, H3) and encoding. */
  ms: { parse: number; validate: number; place: number; encode: number }
}

const round7 = (x: number) => Math.round(x * 1e7) / 1e7
const utf8 = new TextEncoder()

/**
 * A point in `crs` as WGS84, to ~1e-10° (gcoord's inverse of GCJ-02/BD-09 is approximate, off by
 * up to ~0.1 m; two fixed-point steps against the exact forward transform remove that), rounded
 * to 1e-7° (~1 cm) so the stored point is the same on every import. WGS84 passes through as given.
 * @example toWgs84Stored(120.26896, 30.15924, 'gcj02') // ≈ [120.2645, 30.1617]
 */
export function toWgs84Stored(lng: number, lat: number, crs: Crs): [number, number] {
  if (crs === 'wgs84') return [lng, lat]
  let [x, y] = toWgs84(lng, lat, crs)
  for (let i = 0; i < 2; i++) {
    const [fx, fy] = fromWgs84(x, y, crs)
    x += lng - fx
    y += lat - fy
  }
  return [round7(x), round7(y)]
}

/** A record's fields as column → text for the schema. */
function toInput(fields: readonly string[], index: Record<AddressColumn, number>): AddressCsvInput {
  const out: AddressCsvInput = {}
  for (const c in index) {
    const i = index[c as AddressColumn]
    if (i >= 0) out[c as AddressColumn] = fields[i]
  }
  return out
}

interface Placed {
  line: number
  row: AddressImportRow
  fromText: boolean
  lng: number
  lat: number
  parts: AddressParts
  codes: AreaCodes
  h3: StoredCells
  /** The town the row's own text names (else its polygon's): what the geocoder matches it under. */
  writtenTown: string | null
}

const q = (s: string | null) => (s === null ? '' : quoteCsv(s))

/**
 * One row's COPY line, written out field by field (the generic encoder is several times slower).
 * Column order: ADDRESS_COPY_COLUMNS.
 */
function addressCopyLine(p: Placed, quotedSource: string): string {
  const { parts: t, codes: c, h3 } = p
  const aliases = p.row.aliases.length === 0 ? '"{}"' : quoteCsv(pgArrayLiteral(p.row.aliases))
  return (
    `${quoteCsv(p.row.addressId)},${quoteCsv(p.row.address)},${ewkbPoint(p.lng, p.lat)},${q(t.town)},${q(t.village)},` +
    `${q(t.groupNo)},${q(t.road)},${q(t.doorNo)},${q(t.compound)},${q(t.building)},${q(t.unit)},${q(t.room)},${aliases},` +
    `${q(c.townCode)},${q(c.villageCode)},${q(c.gridCode)},${q(c.microgridCode)},${h3.r7},${h3.r8},${h3.r9},${h3.r10},${quotedSource},` +
    `${q(p.writtenTown)}\n`
  )
}

function addressValues(p: Placed, source: string): CopyValue[] {
  const { parts: t, codes: c, h3 } = p
  return [
    p.row.addressId,
    p.row.address,
    ewkbPoint(p.lng, p.lat),
    t.town,
    t.village,
    t.groupNo,
    t.road,
    t.doorNo,
    t.compound,
    t.building,
    t.unit,
    t.room,
    p.row.aliases,
    ...placementValues(c, h3),
    source,
    p.writtenTown,
  ]
}

/**
 * Prepares parsed records (see the module comment). Rejects name the line and the reason.
 * @example prepareBatch([{ line: 2, fields: ['A1', '…', '120.26', '30.16'] }], ctx).ids // ['A1']
 */
export function prepareBatch(records: readonly CsvRecord[], ctx: PrepareContext): PreparedBatch {
  const out: PreparedBatch = {
    read: records.length,
    ids: [],
    lines: [],
    copy: new Uint8Array(0),
    ends: [],
    values: [],
    rejects: [],
    fromText: [],
    snapped: 0,
    unlocated: 0,
    ms: { parse: 0, validate: 0, place: 0, encode: 0 },
  }
  let t = performance.now()
  const valid: { line: number; row: AddressImportRow }[] = []
  const idColumn = ctx.index.address_id
  for (const r of records) {
    if (r.fields.length !== ctx.width) {
      const id = (r.fields[idColumn] ?? '').trim()
      out.rejects.push({ line: r.line, addressId: id, reason: `expected ${ctx.width} fields, found ${r.fields.length}` })
      continue
    }
    const parsed = AddressImportRowSchema.safeParse(toInput(r.fields, ctx.index))
    if (parsed.success) valid.push({ line: r.line, row: parsed.data })
    else out.rejects.push({ line: r.line, addressId: (r.fields[idColumn] ?? '').trim(), reason: rejectReason(parsed.error) })
  }
  let now = performance.now()
  out.ms.validate = now - t
  t = now

  const placed: Placed[] = []
  for (const { line, row } of valid) {
    const [lng, lat] = toWgs84Stored(row.lng, row.lat, row.crs)
    const loc = ctx.locator.locate(lng, lat)
    if (loc.kind === 'outside') {
      const shown = row.crs === 'wgs84' ? `${lng}, ${lat}` : `${row.lng}, ${row.lat} ${row.crs} = ${lng}, ${lat} WGS84`
      out.rejects.push({ line, addressId: row.addressId, reason: `point (${shown}) is outside the district` })
      continue
    }
    if (loc.kind === 'near') out.snapped++
    if (loc.kind === 'unlocated') out.unlocated++
    const codes = codesOf(loc)
    const parts = writtenParts(row.parts ?? partsFromText(row.address, ctx.dict), codes, ctx.dict)
    const writtenTown = writtenTownCode(parts.town, ctx.dict) ?? codes.townCode
    placed.push({ line, row, fromText: row.parts === null, lng, lat, parts, codes, h3: h3Cells(lng, lat), writtenTown })
  }
  now = performance.now()
  out.ms.place = now - t
  t = now

  const quotedSource = quoteCsv(ctx.source)
  // A UTF-8 line is at most 3 bytes per UTF-16 unit; grow if an estimate falls short.
  let copy = new Uint8Array(ctx.encode === 'csv' ? placed.length * 600 : 0)
  let used = 0
  for (const p of placed) {
    out.ids.push(p.row.addressId)
    out.lines.push(p.line)
    out.fromText.push(p.fromText)
    if (ctx.encode === 'csv') {
      const line = addressCopyLine(p, quotedSource)
      if (copy.length - used < line.length * 3) {
        const bigger = new Uint8Array(Math.max(copy.length * 2, used + line.length * 3))
        bigger.set(copy.subarray(0, used))
        copy = bigger
      }
      used += utf8.encodeInto(line, copy.subarray(used)).written
      out.ends.push(used)
    } else out.values.push(addressValues(p, ctx.source))
  }
  // A copy of the used part: the batch owns exactly its bytes (and can transfer them).
  out.copy = copy.slice(0, used)
  out.ms.encode = performance.now() - t
  return out
}

/**
 * Parses a chunk of the file (csv-parse) and prepares its records; lines csv-parse cannot read
 * are rejected with its reason.
 * @example prepareChunk({ data: Buffer.from('A1,…,120.26,30.16\n'), firstLine: 2 }, ctx).read // 1
 */
export function prepareChunk(chunk: CsvChunk, ctx: PrepareContext): PreparedBatch {
  const t = performance.now()
  const { records, problems } = parseCsvChunk(chunk)
  const parseMs = performance.now() - t
  const batch = prepareBatch(records, ctx)
  batch.ms.parse = parseMs
  batch.read += problems.length
  if (problems.length > 0) {
    for (const p of problems) batch.rejects.push({ line: p.line, addressId: '', reason: p.reason })
    batch.rejects.sort((a, b) => a.line - b.line)
  }
  return batch
}
