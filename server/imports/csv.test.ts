import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'

import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'

import { createRng } from '../seed/rng.ts'
import { copyLine, ewkbPoint, quoteCsv } from './copy.ts'
import {
  csvField,
  type CsvRecord,
  ImportInputError,
  mapHeader,
  openCsvChunks,
  openRejectReport,
  parseCsvChunk,
  segmentRecords,
} from './csv.ts'
import { FirstSeen } from './first-seen.ts'

/** Reads a whole CSV text through the chunker and chunk parser, in pieces of `piece` bytes. */
async function readAll(text: string | Buffer, chunkBytes: number, piece = 7) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text
  const pieces: Buffer[] = []
  for (let i = 0; i < bytes.length; i += piece) pieces.push(bytes.subarray(i, i + piece))
  const src = await openCsvChunks(Readable.from(pieces), { chunkBytes })
  const records: CsvRecord[] = []
  const problems: { line: number; reason: string }[] = []
  let chunks = 0
  for await (const chunk of src.chunks) {
    chunks++
    const r = parseCsvChunk(chunk)
    records.push(...r.records)
    problems.push(...r.problems)
  }
  return { header: src.header, records, problems, chunks }
}

describe('segmentRecords', () => {
  it('cuts at line feeds outside quoted fields and counts lines', () => {
    const data = Buffer.from('a,"b\nc"\nd,"x""\n"\n\ne')
    expect(segmentRecords(data)).toEqual({ starts: [0, 8, 17, 18], lines: [0, 2, 4, 5], end: 18 })
    expect(segmentRecords(Buffer.from('a\nb\n'))).toEqual({ starts: [0, 2], lines: [0, 1], end: 4 })
  })

  it('treats a quote inside an unquoted field as a literal', () => {
    expect(segmentRecords(Buffer.from('a,5"x\nb\n')).starts).toEqual([0, 6])
  })
})

describe('openCsvChunks + parseCsvChunk', () => {
  const rows = Array.from({ length: 200 }, (_, i) => [
    `A${i}`,
    i % 7 === 0 ? `金城路${i}号,东\n门` : `金城路${i}号`,
    String(120 + i / 1000),
    '30.1',
  ])
  const text = `id,address,lng,lat\n${rows.map((r) => r.map((f) => (/[,\n"]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')).join('\n')}\n`

  it('yields every record with the line it starts on, whatever the chunk size', async () => {
    const expected = (parse(text) as string[][]).slice(1)
    // Line of record i: 2 + the line feeds inside the records before it.
    let line = 2
    const lines = expected.map((r) => {
      const l = line
      line += 1 + r.join(',').split('\n').length - 1
      return l
    })
    for (const chunkBytes of [16, 100, 1000, 1 << 20]) {
      const got = await readAll(text, chunkBytes)
      expect(got.header).toEqual(['id', 'address', 'lng', 'lat'])
      expect(got.records.map((r) => r.fields)).toEqual(expected)
      expect(got.records.map((r) => r.line)).toEqual(lines)
      expect(got.problems).toEqual([])
      if (chunkBytes === 100) expect(got.chunks).toBeGreaterThan(20)
    }
  })

  it('strips a BOM, reads CRLF files and a last line without a line feed, skips blank lines', async () => {
    const got = await readAll(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ID , Address\r\nA1,x\r\n\r\nA2,"y\r\nz"\r\nA3,w')]),
      8,
      3,
    )
    expect(got.header).toEqual(['id', 'address'])
    expect(got.records).toEqual([
      { line: 2, fields: ['A1', 'x'] },
      { line: 4, fields: ['A2', 'y\r\nz'] },
      { line: 6, fields: ['A3', 'w'] },
    ])
  })

  it('reports a line csv-parse cannot read with its number and goes on', async () => {
    const got = await readAll('id,address\nA1,x\nA2,"y"z\nA3,"w"\n', 1 << 20)
    expect(got.records.map((r) => [r.line, r.fields[0]])).toEqual([
      [2, 'A1'],
      [4, 'A3'],
    ])
    expect(got.problems).toHaveLength(1)
    expect(got.problems[0]!.line).toBe(3)
    expect(got.problems[0]!.reason).toMatch(/^unreadable CSV: .*[Qq]uote/)
  })

  it('keeps records with too many or too few fields for the caller to reject', async () => {
    const got = await readAll('a,b\n1,2,3\n4\n', 1 << 20)
    expect(got.records.map((r) => r.fields.length)).toEqual([3, 1])
  })

  it('refuses an empty file, a broken header and a runaway quote', async () => {
    await expect(readAll('', 100)).rejects.toThrow(ImportInputError)
    await expect(readAll('id,"add"ress\nA1,x\n', 100)).rejects.toThrow(/header row is not valid CSV/)
    await expect(
      (async () => {
        const src = await openCsvChunks(Readable.from([Buffer.from(`a,b\n1,"${'x'.repeat(5000)}`)]), {
          chunkBytes: 100,
          maxRecordBytes: 1000,
        })
        for await (const _ of src.chunks) {
          // drain
        }
      })(),
    ).rejects.toThrow(/unclosed quote/)
  })
})

describe('mapHeader', () => {
  it('maps known columns and lists unknown ones', () => {
    expect(mapHeader(['lat', 'x', 'id'], ['id', 'lat'], ['crs'])).toEqual({ index: { id: 2, lat: 0, crs: -1 }, unknown: ['x'] })
  })
  it('names the missing required columns', () => {
    expect(() => mapHeader(['id', 'lng'], ['id', 'lng', 'lat', 'address'], [])).toThrow(/missing required columns "lat", "address"/)
    expect(() => mapHeader(['id', 'id'], ['id'], [])).toThrow(/appears twice/)
  })
})

describe('rejects report', () => {
  it('writes line, key and reason, quoting where needed', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-report-')), 'r.csv')
    const r = openRejectReport(file, 'address_id')
    await r.add(3, 'A,1', 'lat 95 is out of range [-90, 90]')
    await r.close()
    expect(fs.readFileSync(file, 'utf8')).toBe('line,address_id,reason\n3,"A,1","lat 95 is out of range [-90, 90]"\n')
    expect(csvField('plain')).toBe('plain')
    fs.rmSync(path.dirname(file), { recursive: true })
  })
})

describe('COPY encoding', () => {
  it('quotes strings, leaves NULL empty and writes arrays as literals', () => {
    expect(copyLine(['A"1', null, 3, ['x', 'y"z'], '', true])).toBe('"A""1",,3,"{""x"",""y\\""z""}","",t\n')
    expect(quoteCsv('a')).toBe('"a"')
  })
  it('writes points as hex EWKB', () => {
    expect(ewkbPoint(1, 2)).toBe('0101000020E6100000000000000000F03F0000000000000040')
  })
})

describe('FirstSeen', () => {
  it('returns the first line of a key seen before', () => {
    const s = new FirstSeen()
    expect(s.claim('A1', 2)).toBeUndefined()
    expect(s.claim('A2', 3)).toBeUndefined()
    expect(s.claim('A1', 9)).toBe(2)
    expect(s.size).toBe(2)
  })

  it('agrees with a Map on many keys: one- and two-byte, long, empty, equal hashes', () => {
    const s = new FirstSeen()
    const m = new Map<string, number>()
    const rng = createRng('first-seen')
    const rand = (n: number) => Math.floor(rng() * n)
    const alphabet = ['A', 'b', '7', '-', 'é', '号', '萧', '\u00ff', '\u0100']
    const wrong: string[] = []
    for (let line = 2; line < 300_000; line++) {
      // Short keys from a small alphabet repeat often; some are long.
      const len = rand(10) === 0 ? 40 + rand(30) : rand(5)
      let key = ''
      for (let i = 0; i < len; i++) key += alphabet[rand(alphabet.length)]
      const got = s.claim(key, line)
      const want = m.get(key)
      if (want === undefined) m.set(key, line)
      if (got !== want) wrong.push(`${key}: ${got} vs ${want}`)
    }
    expect(wrong.slice(0, 5)).toEqual([])
    expect(s.size).toBe(m.size)
    expect(m.size).toBeGreaterThan(10_000)
  })
})
