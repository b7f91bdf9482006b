/**
 * Geocoding a CSV file: every line of the input comes out, in order, with the match appended
 * (analysts join the output back to their table). Streams both files in batches.
 */
import { once } from 'node:events'
import fs from 'node:fs'
import type { Readable, Writable } from 'node:stream'

import { parse } from 'csv-parse'
import { stringify } from 'csv-stringify'
import { z } from 'zod'

import { CrsSchema } from '../geo/crs.ts'
import type { Geocoder } from './geocoder.ts'
import type { MatchInput } from './match.ts'
import { MATCH_LEVELS, type MatchLevel } from './schema.ts'

/** Columns appended to every input line. */
export const MATCH_COLUMNS = [
  'match_address_id',
  'match_address',
  'match_level',
  'match_score',
  'match_lng',
  'match_lat',
  'match_town_code',
  'match_village_code',
  'match_grid_code',
  'match_h3',
  'match_distance_m',
  'match_error',
] as const

/** The optional coordinate columns of an input line (blank means absent). */
const CoordsSchema = z.object({
  lng: z.coerce.number().finite().min(-180).max(180).optional(),
  lat: z.coerce.number().finite().min(-90).max(90).optional(),
  crs: CrsSchema.default('wgs84'),
})
const blankToUndefined = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim())

export interface GeocodeCsvSummary {
  lines: number
  byLevel: Record<MatchLevel, number>
  /** Lines that could not be geocoded (no address text, bad coordinates): kept, with match_error. */
  errors: number
}

/**
 * Geocodes the `address` column of a CSV (with optional `lng`, `lat`, `crs`), writing the input
 * columns plus MATCH_COLUMNS. Throws before writing anything if there is no `address` column.
 * @example await geocodeCsv(geocoder, 'in.csv', 'out.csv', { onProgress: (bytes) => bar.update(bytes) })
 */
export async function geocodeCsv(
  geocoder: Geocoder,
  input: string | Readable,
  output: string | Writable,
  opts: { batchSize?: number; onProgress?: (bytesRead: number) => void } = {},
): Promise<GeocodeCsvSummary> {
  const batchSize = opts.batchSize ?? 2_000
  const parser = (typeof input === 'string' ? fs.createReadStream(input) : input).pipe(
    parse({
      columns: (header: string[]) => header.map((h) => h.trim()),
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }),
  )
  const out = typeof output === 'string' ? fs.createWriteStream(output) : output
  let writer: ReturnType<typeof stringify> | null = null
  const summary: GeocodeCsvSummary = {
    lines: 0,
    byLevel: Object.fromEntries(MATCH_LEVELS.map((l) => [l, 0])) as Record<MatchLevel, number>,
    errors: 0,
  }
  type Line = { record: Record<string, string>; input: MatchInput | null; error: string | null }
  let batch: Line[] = []

  const flush = async () => {
    const todo = batch.filter((l) => l.input)
    const matches = await geocoder.geocode(
      todo.map((l) => l.input!),
      { candidates: false },
    )
    let k = 0
    for (const line of batch) {
      const m = line.input ? matches[k++]!.result : null
      if (m) summary.byLevel[m.level]++
      else summary.errors++
      const row = [
        ...Object.values(line.record),
        m?.addressId ?? '',
        m?.address ?? '',
        m?.level ?? '',
        m?.score ?? '',
        m?.lng ?? '',
        m?.lat ?? '',
        m?.townCode ?? '',
        m?.villageCode ?? '',
        m?.gridCode ?? '',
        m?.h3 ?? '',
        m?.distanceM ?? '',
        line.error ?? '',
      ]
      if (!writer!.write(row)) await once(writer!, 'drain')
    }
    batch = []
  }

  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { bytes: number } }>) {
    if (!writer) {
      if (!('address' in record)) throw new Error(`the input has no "address" column (columns: ${Object.keys(record).join(', ')})`)
      writer = stringify({ header: true, columns: [...Object.keys(record), ...MATCH_COLUMNS] })
      writer.pipe(out)
    }
    summary.lines++
    const address = blankToUndefined(record.address)
    const coords = CoordsSchema.safeParse({
      lng: blankToUndefined(record.lng),
      lat: blankToUndefined(record.lat),
      crs: blankToUndefined(record.crs),
    })
    let error: string | null = null
    if (!address) error = 'empty address'
    else if (!coords.success) error = coords.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    else if ((coords.data.lng === undefined) !== (coords.data.lat === undefined)) error = 'give both lng and lat, or neither'
    const input: MatchInput | null =
      error || !coords.success ? null : { address: address!, lng: coords.data.lng, lat: coords.data.lat, crs: coords.data.crs }
    batch.push({ record, input, error })
    if (batch.length >= batchSize) {
      await flush()
      opts.onProgress?.(info.bytes)
    }
  }
  if (!writer) throw new Error('the input is empty (no header row)')
  await flush()
  writer.end()
  await once(out, 'finish')
  return summary
}
