/** The documented operations of ./routes.ts (server/openapi/operation.ts). */
import type { ApiOperation } from '../openapi/operation.ts'
import { BatchQuerySchema } from './routes.ts'
import { GeocodeBatchResponseSchema, GeocodeBatchSchema, GeocodeQuerySchema, GeocodeResponseSchema, ReverseQuerySchema } from './schema.ts'

const tag = 'Geocoding'
const limited = { 429: 'Too many geocoding requests from this caller this minute (GEOCODE_RATE_LIMIT)' } as const

export const geocodeOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/geocode',
    tag,
    query: GeocodeQuerySchema,
    summary: "Geocode one address against the district's address base and gazetteer",
    ok: { description: 'The best match (with its level and score) and the candidates', schema: GeocodeResponseSchema },
    errors: limited,
  },
  {
    method: 'post',
    path: '/api/geocode/batch',
    tag,
    query: BatchQuerySchema,
    body: GeocodeBatchSchema,
    summary: 'Geocode many addresses at once',
    ok: { description: 'One result per item, in order', schema: GeocodeBatchResponseSchema },
    errors: limited,
  },
  {
    method: 'get',
    path: '/api/reverse',
    tag,
    query: ReverseQuerySchema,
    summary: 'The nearest address and the areas at a point',
    ok: { description: 'The point as given, the areas containing it and the nearest address (in the same coordinate system)' },
    errors: limited,
  },
]
