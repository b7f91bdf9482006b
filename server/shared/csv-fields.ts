/**
 * The zod pieces every CSV import's line schema is made of (incidents, hazards and the full
 * view's houses, residents, organisations, disputes, devices, events and patrols): an empty
 * field is "not given", bounded text, coordinates, and the columns that place a record on the
 * address base. One definition, so every import reads an empty cell and a bad coordinate alike.
 */
import { z } from 'zod'

import { CrsSchema } from '../geo/crs.ts'

/**
 * Empty CSV fields and JSON nulls mean "not given".
 * @example absent('') // undefined
 */
export const absent = (v: unknown): unknown => (v === '' || v === null ? undefined : v)

/**
 * Optional trimmed text of at most `max` characters.
 * @example optionalText(64).parse('') // undefined
 */
export const optionalText = (max: number) => z.preprocess(absent, z.string().trim().max(max, `at most ${max} characters`).optional())

/**
 * An optional finite number within [min, max] (a longitude or latitude).
 * @example optionalCoordinate(-90, 90).parse('30.18') // 30.18
 */
export const optionalCoordinate = (min: number, max: number) =>
  z.preprocess(absent, z.coerce.number().finite().min(min).max(max).optional())

/**
 * True when a line gives both lng and lat, or neither (use with BOTH_OR_NEITHER in `.refine`).
 * @example bothOrNeither({ lng: 120.2 }) // false
 */
export const bothOrNeither = (v: { lng?: number | undefined; lat?: number | undefined }): boolean =>
  (v.lng === undefined) === (v.lat === undefined)
export const BOTH_OR_NEITHER = { message: 'give both lng and lat, or neither', path: ['lng'] }

/** The columns that place a record of the full view: an address code of the base and/or text and coordinates. */
export const PLACED_CSV_FIELDS = {
  address_id: optionalText(64),
  address: optionalText(500),
  lng: optionalCoordinate(-180, 180),
  lat: optionalCoordinate(-90, 90),
  crs: z.preprocess(absent, CrsSchema.default('wgs84')),
}
export const PLACED_CSV_COLUMNS = ['address_id', 'address', 'lng', 'lat', 'crs'] as const
