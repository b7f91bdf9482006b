import { z } from 'zod'

import { CrsSchema } from '../geo/crs.ts'

/**
 * Match levels, finest first. `addressId` is set only for `door` and finer; `district` means
 * "somewhere in Xiaoshan"; `none` means not placed (e.g. text outside the district).
 */
export const MATCH_LEVELS = ['room', 'unit', 'building', 'door', 'compound', 'road', 'village', 'town', 'district', 'none'] as const
export const MatchLevelSchema = z.enum(MATCH_LEVELS)
export type MatchLevel = z.infer<typeof MatchLevelSchema>

/** Levels that name one address of the base (the result carries its `addressId`). */
export const ADDRESS_LEVELS: ReadonlySet<MatchLevel> = new Set(['room', 'unit', 'building', 'door'])

/** Rank of a level: 0 for room … 9 for none. */
export const levelRank = (level: MatchLevel): number => MATCH_LEVELS.indexOf(level)

/** A longitude or latitude in the query string or a body: finite numbers within range. */
const lng = z.coerce.number().finite().min(-180).max(180)
const lat = z.coerce.number().finite().min(-90).max(90)
const addressText = z.string().trim().min(1, 'must not be empty').max(500, 'at most 500 characters')

const bothOrNeither = (v: { lng?: number | undefined; lat?: number | undefined }) => (v.lng === undefined) === (v.lat === undefined)
const BOTH_MSG = { message: 'give both lng and lat, or neither', path: ['lng'] }

/** `GET /api/geocode?q=&lng=&lat=&crs=&outCrs=` */
export const GeocodeQuerySchema = z
  .object({
    q: addressText,
    lng: lng.optional(),
    lat: lat.optional(),
    crs: CrsSchema.default('wgs84'),
    outCrs: CrsSchema.default('wgs84'),
  })
  .refine(bothOrNeither, BOTH_MSG)
export type GeocodeQuery = z.infer<typeof GeocodeQuerySchema>

/** One item of `POST /api/geocode/batch`. */
export const GeocodeItemSchema = z
  .object({
    id: z.string().max(200).optional(),
    address: addressText,
    lng: z.number().finite().min(-180).max(180).optional(),
    lat: z.number().finite().min(-90).max(90).optional(),
    crs: CrsSchema.default('wgs84'),
  })
  .refine(bothOrNeither, BOTH_MSG)
export type GeocodeItem = z.input<typeof GeocodeItemSchema>

export const MAX_BATCH = 10_000

/** `POST /api/geocode/batch` body (`outCrs` may also be given in the query string). */
export const GeocodeBatchSchema = z.object({
  items: z.array(GeocodeItemSchema).min(1, 'give at least one item').max(MAX_BATCH, `at most ${MAX_BATCH} items`),
})

/** R: one geocoding result. Coordinates are WGS84 unless `outCrs` asked otherwise. */
export const GeocodeResultSchema = z.object({
  id: z.string().optional(),
  addressId: z.string().nullable(),
  address: z.string().nullable(),
  level: MatchLevelSchema,
  score: z.number().min(0).max(1),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  townCode: z.string().nullable(),
  villageCode: z.string().nullable(),
  gridCode: z.string().nullable(),
  /** The H3 cell (resolution 10, hex) of the point. */
  h3: z.string().nullable(),
  /** Metres from the coordinates given with the query, when given. */
  distanceM: z.number().optional(),
})
export type GeocodeResult = z.infer<typeof GeocodeResultSchema>

export const GeocodeResponseSchema = z.object({
  query: z.string(),
  result: GeocodeResultSchema,
  candidates: z.array(GeocodeResultSchema).max(5),
})
export type GeocodeResponse = z.infer<typeof GeocodeResponseSchema>

export const GeocodeBatchResponseSchema = z.object({ results: z.array(GeocodeResultSchema) })

/** `GET /api/reverse?lng=&lat=&crs=` */
export const ReverseQuerySchema = z.object({ lng, lat, crs: CrsSchema.default('wgs84') })
