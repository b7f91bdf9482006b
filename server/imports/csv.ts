/**
 * CSV input for the file importers, in chunks: UTF-8 with or without a BOM, a header row, then
 * records with the line each starts on (the header is line 1), and the rejects report.
 *
 * The file is streamed and cut into ~1 MB chunks at record boundaries (a small scanner follows
 * quoting, so a quoted field may hold commas and line breaks); each chunk is parsed with
 * csv-parse on its own. That keeps memory constant and lets chunks be parsed in worker threads:
 * csv-parse costs ~12 µs a line, the biggest single cost of an import.
 */
import { once } from 'node:events'
import fs from 'node:fs'
import type { Readable, Writable } from 'node:stream'

import { parse } from 'csv-parse/sync'

/** Bad input as a whole (not one line): the import stops before loading anything. */
export class ImportInputError extends Error {
  override name = 'ImportInputError'
}

/** One data record: its fields and the line it starts on. */
export interface CsvRecord {
  line: number
  fields: string[]
}

/** A line csv-parse could not read (e.g. a stray quote); it is reported, not loaded. */
export interface CsvProblem {
  line: number
  reason: string
}

/** Whole records of the file, starting on line `firstLine`. */
export interface CsvChunk {
  data: Uint8Array
  firstLine: number
}

export interface CsvSource {
  /** Column names as written (trimmed, lower-cased). */
  header: string[]
  chunks: AsyncGenerator<CsvChunk>
  /** Bytes read so far (for progress on a file of known size). */
  bytesRead(): number
}

const QUOTE = 0x22
const COMMA = 0x2c
const LF = 0x0a
const CR = 0x0d

/** Where records start in `data` (byte offsets) and on which line, relative to its first line. */
export interface Segments {
  starts: number[]
  lines: number[]
  /** The offset after the last line feed that ends a record (0 if none does). */
  end: number
}

/**
 * Splits whole records at line feeds outside quoted fields (RFC 4180 quoting: a field that starts
 * with a quote runs to the closing quote; "" inside it is a quote). A quote elsewhere is literal.
 * A last record without its line feed is a segment too.
 * @example segmentRecords(Buffer.from('a,"b\nc"\nd\n')) // { starts: [0, 8], lines: [0, 2], end: 10 }
 */
export function segmentRecords(data: Uint8Array): Segments {
  const starts: number[] = []
  const lines: number[] = []
  const n = data.length
  if (data.indexOf(QUOTE) === -1) {
    // No quotes: every line is a record.
    let end = 0
    for (let pos = 0, line = 0; pos < n; line++) {
      starts.push(pos)
      lines.push(line)
      const lf = data.indexOf(LF, pos)
      pos = lf === -1 ? n : lf + 1
      if (lf !== -1) end = pos
    }
    return { starts, lines, end }
  }
  // 0 field start, 1 unquoted field, 2 quoted field, 3 quote seen inside a quoted field
  let state = 0
  let line = 0
  let start = 0
  let startLine = 0
  for (let i = 0; i < n; i++) {
    const c = data[i]
    if (c === LF) {
      line++
      if (state !== 2) {
        starts.push(start)
        lines.push(startLine)
        start = i + 1
        startLine = line
        state = 0
      }
    } else if (state === 0) state = c === QUOTE ? 2 : c === COMMA ? 0 : 1
    else if (state === 1) {
      if (c === COMMA) state = 0
    } else if (state === 2) {
      if (c === QUOTE) state = 3
    } else state = c === QUOTE ? 2 : c === COMMA ? 0 : 1
  }
  const end = start
  if (start < n) {
    starts.push(start)
    lines.push(startLine)
  }
  return { starts, lines, end }
}

/** Line feeds in data[from, to). */
function countLf(data: Uint8Array, from: number, to: number): number {
  let k = 0
  for (let p = data.indexOf(LF, from); p !== -1 && p < to; p = data.indexOf(LF, p + 1)) k++
  return k
}

/** The end (exclusive) of the last whole record in `data` (after its line feed), or -1. */
function lastRecordEnd(data: Uint8Array): number {
  if (data.indexOf(QUOTE) === -1) {
    const lf = data.lastIndexOf(LF)
    return lf === -1 ? -1 : lf + 1
  }
  const { end } = segmentRecords(data)
  return end > 0 ? end : -1
}

/** The end of the first whole record (after its line feed), or -1. */
function firstRecordEnd(data: Uint8Array): number {
  if (data.indexOf(QUOTE) === -1) {
    const lf = data.indexOf(LF)
    return lf === -1 ? -1 : lf + 1
  }
  const { starts, end } = segmentRecords(data)
  return starts.length > 1 ? starts[1]! : end > 0 ? end : -1
}

const stripLineEnd = (s: Uint8Array): Uint8Array => {
  let end = s.length
  if (end > 0 && s[end - 1] === LF) end--
  if (end > 0 && s[end - 1] === CR) end--
  return s.subarray(0, end)
}

const asBuffer = (d: Uint8Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength)

/**
 * Opens a CSV stream: reads the header row, then yields chunks of whole records of about
 * `chunkBytes`. Throws ImportInputError for an empty file or a record longer than
 * `maxRecordBytes` (an unclosed quote swallowing the file).
 */
export async function openCsvChunks(input: Readable, opts: { chunkBytes?: number; maxRecordBytes?: number } = {}): Promise<CsvSource> {
  const chunkBytes = opts.chunkBytes ?? 1 << 20
  const maxRecordBytes = opts.maxRecordBytes ?? 64 << 20
  let bytes = 0
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>
  let pending: Buffer = Buffer.alloc(0)
  let done = false
  let line = 1
  const more = async (): Promise<boolean> => {
    if (done) return false
    const r = await it.next()
    if (r.done) {
      done = true
      return false
    }
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value
    bytes += b.length
    pending = pending.length === 0 ? b : Buffer.concat([pending, b])
    return true
  }
  // The header: the first whole record.
  let headerEnd: number
  while ((headerEnd = firstRecordEnd(pending)) === -1 && (await more())) {
    if (pending.length > maxRecordBytes) throw new ImportInputError('the header row is not terminated (an unclosed quote?)')
  }
  if (pending[0] === 0xef && pending[1] === 0xbb && pending[2] === 0xbf) {
    pending = pending.subarray(3)
    if (headerEnd > 0) headerEnd -= 3
  }
  const headerBytes = headerEnd === -1 ? pending : pending.subarray(0, headerEnd)
  let parsed: string[][]
  try {
    parsed = parse(asBuffer(stripLineEnd(headerBytes))) as string[][]
  } catch (err) {
    throw new ImportInputError(`the header row is not valid CSV: ${err instanceof Error ? err.message : String(err)}`)
  }
  const header = (parsed[0] ?? []).map((h) => h.trim().toLowerCase())
  if (header.length === 0 || (header.length === 1 && header[0] === ''))
    throw new ImportInputError('the file is empty: expected a header row')
  line += countLf(headerBytes, 0, headerBytes.length)
  pending = headerEnd === -1 ? Buffer.alloc(0) : pending.subarray(headerEnd)

  async function* chunks(): AsyncGenerator<CsvChunk> {
    try {
      for (;;) {
        while (pending.length < chunkBytes && (await more())) {
          /* read on */
        }
        if (pending.length === 0) return
        let end = done ? pending.length : lastRecordEnd(pending)
        if (end === -1) {
          if (pending.length > maxRecordBytes) {
            throw new ImportInputError(
              `a record starting on line ${line} runs on for more than ${maxRecordBytes >> 20} MB (an unclosed quote?)`,
            )
          }
          // One record longer than a chunk: read until it ends.
          if (!(await more())) end = pending.length
          else continue
        }
        // A copy that owns its memory: it can be transferred to a worker thread.
        // (Buffer#slice would be a view; a Uint8Array built from one copies.)
        const data = new Uint8Array(pending.subarray(0, end))
        const chunk = { data, firstLine: line }
        line += countLf(data, 0, data.length)
        pending = pending.subarray(end)
        yield chunk
      }
    } finally {
      if (!input.destroyed) input.destroy()
    }
  }
  return { header, chunks: chunks(), bytesRead: () => bytes }
}

/**
 * Parses a chunk of whole records with csv-parse. Blank lines are skipped; records with too many
 * or too few fields are kept (the caller rejects them with a reason); records csv-parse cannot
 * read are returned as problems with their line.
 * @example parseCsvChunk({ data: Buffer.from('a,b\n\nc,d\n'), firstLine: 2 }).records // [{ line: 2, … }, { line: 4, … }]
 */
export function parseCsvChunk(chunk: CsvChunk): { records: CsvRecord[]; problems: CsvProblem[] } {
  const { data, firstLine } = chunk
  const seg = segmentRecords(data)
  const records: CsvRecord[] = []
  const problems: CsvProblem[] = []
  let skipped = 0
  // Fast path: the whole chunk in one call, matched record for record with the segments.
  const all = parse(asBuffer(data), {
    relax_column_count: true,
    skip_empty_lines: false,
    skip_records_with_error: true,
    on_skip: () => {
      skipped++
    },
  }) as string[][]
  if (skipped === 0 && all.length === seg.starts.length) {
    for (let i = 0; i < all.length; i++) {
      const fields = all[i]!
      if (fields.length === 1 && fields[0]!.trim() === '') continue // a blank line
      records.push({ line: firstLine + seg.lines[i]!, fields })
    }
    return { records, problems }
  }
  // Something did not parse: each record on its own, so a bad one names its own line.
  for (let i = 0; i < seg.starts.length; i++) {
    const line = firstLine + seg.lines[i]!
    const bytes = stripLineEnd(data.subarray(seg.starts[i]!, seg.starts[i + 1] ?? data.length))
    if (bytes.length === 0) continue
    try {
      const one = parse(asBuffer(bytes), { relax_column_count: true }) as string[][]
      if (one.length !== 1) throw new Error(`one line read as ${one.length} records`)
      const fields = one[0]!
      if (fields.length === 1 && fields[0]!.trim() === '') continue
      records.push({ line, fields })
    } catch (err) {
      problems.push({ line, reason: `unreadable CSV: ${(err instanceof Error ? err.message : String(err)).replace(/ at line \d+/, '')}` })
    }
  }
  return { records, problems }
}

/** Where each column is in the header, and the header's columns nobody asked for. */
export interface HeaderMap<C extends string> {
  index: Record<C, number>
  unknown: string[]
}

/**
 * Maps known column names to their positions; throws ImportInputError if a required one is
 * missing or a column is named twice. Absent optional columns map to -1.
 * @example mapHeader(['id', 'x'], ['id'], ['name']) // { index: { id: 0, name: -1 }, unknown: ['x'] }
 */
export function mapHeader<R extends string, O extends string>(
  header: readonly string[],
  required: readonly R[],
  optional: readonly O[],
): HeaderMap<R | O> {
  const seen = new Set<string>()
  for (const h of header) {
    if (h !== '' && seen.has(h)) throw new ImportInputError(`column "${h}" appears twice in the header`)
    seen.add(h)
  }
  const missing = required.filter((c) => !seen.has(c))
  if (missing.length > 0) {
    throw new ImportInputError(
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')} in the header ` +
        `(found: ${header.map((h) => `"${h}"`).join(', ') || 'nothing'}; required: ${required.join(', ')})`,
    )
  }
  const known = new Set<string>([...required, ...optional])
  const index = {} as Record<R | O, number>
  for (const c of [...required, ...optional]) index[c] = header.indexOf(c)
  return { index, unknown: header.filter((h) => h !== '' && !known.has(h)) }
}

/**
 * One CSV field: quoted only when it has to be (comma, quote, CR or LF inside).
 * @example csvField('a,b') // '"a,b"'
 */
export function csvField(value: string | number): string {
  const s = String(value)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** A rejects report being written: `line,<key>,reason`, one row per rejected line. */
export interface RejectReport {
  readonly path: string
  add(line: number, key: string, reason: string): Promise<void>
  close(): Promise<void>
}

/**
 * Creates (or truncates, so a stale report never misleads) the rejects report at `path`.
 * @example const r = openRejectReport('x.rejects.csv', 'address_id'); await r.add(7, 'A1', 'empty address'); await r.close()
 */
export function openRejectReport(path: string, keyColumn: string): RejectReport {
  const out: Writable = fs.createWriteStream(path, { encoding: 'utf8' })
  let failed: Error | null = null
  out.on('error', (err) => {
    failed = err
  })
  out.write(`line,${keyColumn},reason\n`)
  return {
    path,
    async add(line, key, reason) {
      if (failed) throw failed
      if (!out.write(`${line},${csvField(key)},${csvField(reason)}\n`)) await once(out, 'drain')
    },
    async close() {
      if (failed) throw failed
      out.end()
      await once(out, 'finish')
    },
  }
}

/** An import file, opened: what both importers need before their first row. */
export interface OpenedImport<C extends string> {
  /** The byte stream (the caller destroys it when done). */
  stream: Readable
  /** File size in bytes, for progress; null for a stream input. */
  size: number | null
  csv: CsvSource
  header: HeaderMap<C>
  /** 'ignored unknown columns …', or null. */
  warning: string | null
}

/**
 * Opens a CSV path or stream for an import: checks the file exists, reads the header and maps
 * the columns (ImportInputError for a missing file or required column, before any row is read).
 * @example const f = await openImportFile('base.csv', ['address_id'], ['town']); f.header.index.town
 */
export async function openImportFile<R extends string, O extends string>(
  input: Readable | string,
  required: readonly R[],
  optional: readonly O[],
): Promise<OpenedImport<R | O>> {
  const isPath = typeof input === 'string'
  const size = isPath ? ((await fs.promises.stat(input).catch(() => null))?.size ?? undefined) : null
  if (isPath && size === undefined) throw new ImportInputError(`no such file: ${input}`)
  const stream = isPath ? fs.createReadStream(input, { highWaterMark: 1 << 20 }) : input
  try {
    const csv = await openCsvChunks(stream)
    const header = mapHeader(csv.header, required, optional)
    const n = header.unknown.length
    const warning = n > 0 ? `ignored unknown column${n > 1 ? 's' : ''} ${header.unknown.map((c) => `"${c}"`).join(', ')}` : null
    return { stream, size: size ?? null, csv, header, warning }
  } catch (err) {
    stream.destroy()
    throw err
  }
}
