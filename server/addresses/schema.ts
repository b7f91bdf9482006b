/**
 * The address import row (one line of `npm run import -- addresses FILE.csv`): its columns, the
 * zod schema that validates and canonicalises it, and the canonical forms of its parts.
 */
import { z } from 'zod'

import { type Crs, CrsSchema } from '../geo/crs.ts'
import { canonicalNumber, normalizeName } from '../geocode/normalize.ts'

/** Columns every file must have. */
export const REQUIRED_COLUMNS = ['address_id', 'address', 'lng', 'lat'] as const
/** Parsed parts of the address (GA/T 2000.32 order); when all are empty the text is parsed. */
export const PART_COLUMNS = ['town', 'village', 'group_no', 'road', 'door_no', 'compound', 'building', 'unit', 'room'] as const
/** Columns a file may have. */
export const OPTIONAL_COLUMNS = ['crs', 'aliases', ...PART_COLUMNS] as const

export type RequiredColumn = (typeof REQUIRED_COLUMNS)[number]
export type PartColumn = (typeof PART_COLUMNS)[number]
export type AddressColumn = RequiredColumn | (typeof OPTIONAL_COLUMNS)[number]

/** One CSV line as column → raw text (absent columns undefined). */
export type AddressCsvInput = Partial<Record<AddressColumn, string>>

/** The parts in canonical form (what the addresses table stores, what parseAddress returns). */
export interface AddressParts {
  town: string | null
  village: string | null
  groupNo: string | null
  road: string | null
  doorNo: string | null
  compound: string | null
  building: string | null
  unit: string | null
  room: string | null
}

/**
 * One address of the unified address base (one row of addresses), WGS84: what the demo seed
 * generates and the import CSV (./export.ts) writes. Unlike AddressParts, town and village are known.
 */
export interface AddressRow {
  addressId: string
  /** Full canonical text, e.g. 浙江省杭州市萧山区城厢街道金城路438号 or …金色家园3幢2单元501室 */
  address: string
  lng: number
  lat: number
  town: string
  village: string
  groupNo: string | null
  road: string | null
  doorNo: string | null
  compound: string | null
  building: string | null
  unit: string | null
  room: string | null
  aliases: string[]
  townCode: string
  villageCode: string
  gridCode: string
  microgridCode: string
}

/** Ids: 1–64 letters (any script), digits or `_ . : / # -`; no spaces. */
const ADDRESS_ID = /^[\p{L}\p{N}_.:/#-]{1,64}$/u
/** A plain decimal number (what a CSV coordinate column holds); no hex, no Infinity. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const MAX_ADDRESS = 500
const MAX_PART = 100

/**
 * A name part (town, village, road, compound) as the geocoder compares it: NFKC, no spaces or
 * punctuation; null when nothing is left.
 * @example canonicalName(' 金色家园（二期） ') // '金色家园二期'
 */
export function canonicalName(value: string | undefined): string | null {
  if (value === undefined || value === '') return null
  const s = normalizeName(value)
  return s === '' ? null : s
}

/** Already canonical: ASCII digits and letters with inner dashes (most number parts are). */
const PLAIN_NUMBER = /^[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*$/

/**
 * A number part (group, door, building, unit, room): ASCII digits (NFKC, Chinese numerals),
 * trimmed, a leading 第 and its trailing word (组/号/幢/栋/单元/室…) stripped; building letters upper-cased like
 * the parser does. Null when empty.
 * @example canonicalNumberPart('３幢', true) // '3'; canonicalNumberPart('a座', true) // 'A'; canonicalNumberPart(' 501室 ') // '501'
 */
export function canonicalNumberPart(value: string | undefined, upper = false): string | null {
  if (value === undefined || value === '') return null
  // 第3组 / 第２幢: the ordinal prefix goes too (the parser drops it from text the same way).
  const s = PLAIN_NUMBER.test(value) ? value : canonicalNumber(value.trim().replace(/^第/, ''))
  if (s === '') return null
  return upper ? s.toUpperCase() : s
}

/**
 * The `|`-separated aliases as canonical names, without empties or repeats.
 * @example splitAliases('金色家苑| 金色家园 |金色家苑') // ['金色家苑', '金色家园']
 */
export function splitAliases(value: string | undefined): string[] {
  if (!value) return []
  const out: string[] = []
  for (const a of value.split('|')) {
    const n = canonicalName(a)
    if (n !== null && !out.includes(n)) out.push(n)
  }
  return out
}

/**
 * Text columns are checked in one transform each (rather than chains of zod refinements):
 * validation runs on every line of files with millions of lines.
 */
const requiredText = (name: 'address_id' | 'address', check: (s: string) => string | null) =>
  z.string({ error: `${name} is missing` }).transform((raw, ctx) => {
    const s = raw.trim()
    const problem = check(s)
    if (problem === null) return s
    ctx.addIssue({ code: 'custom', message: problem })
    return z.NEVER
  })

/** A coordinate column: a decimal number within [min, max]. */
const coordinate = (name: 'lng' | 'lat', min: number, max: number) =>
  z.string({ error: `${name} is missing` }).transform((raw, ctx) => {
    const s = raw.trim()
    if (s === '') {
      ctx.addIssue({ code: 'custom', message: `${name} is empty` })
      return z.NEVER
    }
    if (!DECIMAL.test(s)) {
      ctx.addIssue({ code: 'custom', message: `${name} is not a number: ${JSON.stringify(raw.slice(0, 40))}` })
      return z.NEVER
    }
    const n = Number(s)
    if (!(n >= min && n <= max)) {
      ctx.addIssue({ code: 'custom', message: `${name} ${s} is out of range [${min}, ${max}]` })
      return z.NEVER
    }
    return n
  })

/** A part column in canonical form (null when absent or blank). */
const part = (name: PartColumn, canonical: (s: string) => string | null) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === '') return null
      if (s.length > MAX_PART) {
        ctx.addIssue({ code: 'custom', message: `${name} is longer than ${MAX_PART} characters` })
        return z.NEVER
      }
      return canonical(s)
    })

const name = (s: string) => canonicalName(s)
const number = (s: string) => canonicalNumberPart(s)

/**
 * One line of an address file, validated and canonicalised. `parts` is null when the line has
 * no parts (all part columns absent or blank): the importer then parses them from the text.
 */
export const AddressImportRowSchema = z
  .object({
    address_id: requiredText('address_id', (s) =>
      s === '' ? 'address_id is empty' : ADDRESS_ID.test(s) ? null : 'bad address_id: use 1–64 letters, digits or _.:/#- (no spaces)',
    ),
    address: requiredText('address', (s) =>
      s === '' ? 'empty address' : s.length > MAX_ADDRESS ? `address is longer than ${MAX_ADDRESS} characters` : null,
    ),
    lng: coordinate('lng', -180, 180),
    lat: coordinate('lat', -90, 90),
    crs: z
      .string()
      .optional()
      .transform((s, ctx): Crs => {
        const v = (s ?? '').trim().toLowerCase()
        if (v === '' || v === 'wgs84') return 'wgs84'
        const parsed = CrsSchema.safeParse(v)
        if (parsed.success) return parsed.data
        ctx.addIssue({ code: 'custom', message: `unknown crs ${JSON.stringify(s)} (use wgs84, gcj02 or bd09)` })
        return z.NEVER
      }),
    aliases: z.string().optional().transform(splitAliases),
    town: part('town', name),
    village: part('village', name),
    group_no: part('group_no', number),
    road: part('road', name),
    door_no: part('door_no', number),
    compound: part('compound', name),
    building: part('building', (s) => canonicalNumberPart(s, true)),
    unit: part('unit', number),
    room: part('room', number),
  })
  .transform(({ address_id, address, lng, lat, crs, aliases, town, village, group_no, road, door_no, compound, building, unit, room }) => {
    const parts: AddressParts = { town, village, groupNo: group_no, road, doorNo: door_no, compound, building, unit, room }
    const empty =
      town === null &&
      village === null &&
      group_no === null &&
      road === null &&
      door_no === null &&
      compound === null &&
      building === null &&
      unit === null &&
      room === null
    return { addressId: address_id, address, lng, lat, crs, aliases, parts: empty ? null : parts }
  })
export type AddressImportRow = z.output<typeof AddressImportRowSchema>

/**
 * The reason a line is rejected, from a failed parse: the messages of its issues, joined.
 * @example rejectReason(AddressImportRowSchema.safeParse({ address_id: 'A1', address: '', lng: '1', lat: '2' }).error!) // 'empty address'
 */
export function rejectReason(error: z.ZodError): string {
  const seen = new Set<string>()
  for (const issue of error.issues) seen.add(issue.message)
  return [...seen].join('; ')
}
