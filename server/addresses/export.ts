/**
 * Address rows as an import CSV (the format `npm run import -- addresses` reads): for tests, the
 * import benchmark, and anyone who wants to round-trip the demo base through the importer.
 */
import { csvField } from '../imports/csv.ts'
import { type AddressRow, PART_COLUMNS, REQUIRED_COLUMNS } from './schema.ts'

export interface AddressCsvOptions {
  /** Write the parsed part columns (default true); without them the importer parses the text. */
  parts?: boolean
}

const part = (v: string | null) => (v === null ? '' : csvField(v))

/**
 * The header line of an import CSV.
 * @example addressCsvHeader({ parts: false }) // 'address_id,address,lng,lat,aliases\n'
 */
export function addressCsvHeader(opts: AddressCsvOptions = {}): string {
  return `${[...REQUIRED_COLUMNS, 'aliases', ...(opts.parts === false ? [] : PART_COLUMNS)].join(',')}\n`
}

/**
 * One address as a line of an import CSV (with its newline).
 * @example addressCsvLine(row) // 'A00000001,浙江省杭州市萧山区…,120.2645,30.1617,金色家苑,城厢街道,…\n'
 */
export function addressCsvLine(a: AddressRow, opts: AddressCsvOptions = {}): string {
  let line = `${csvField(a.addressId)},${csvField(a.address)},${a.lng},${a.lat},${csvField(a.aliases.join('|'))}`
  if (opts.parts !== false) {
    line += `,${part(a.town)},${part(a.village)},${part(a.groupNo)},${part(a.road)},${part(a.doorNo)},${part(a.compound)},${part(a.building)},${part(a.unit)},${part(a.room)}`
  }
  return `${line}\n`
}

/**
 * A whole import CSV, line by line (header first), for streaming to a file.
 * @example Readable.from(addressCsv(generateAddresses(areas, { seed, count }))).pipe(fs.createWriteStream(file))
 */
export function* addressCsv(rows: Iterable<AddressRow>, opts: AddressCsvOptions = {}): Generator<string> {
  yield addressCsvHeader(opts)
  for (const a of rows) yield addressCsvLine(a, opts)
}
