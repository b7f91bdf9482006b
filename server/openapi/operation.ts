/**
 * One documented HTTP operation of `/api`, as each domain declares it beside its routes
 * (`server/<domain>/openapi.ts`): the same zod schemas the route parses its input with, so the
 * document is built from the code and not restated. server/openapi/document.ts turns the list
 * into OpenAPI 3.1; server/openapi/openapi.db.test.ts fails when the list and the mounted routes differ.
 */
import type { z } from 'zod'

export type HttpMethod = 'get' | 'head' | 'post' | 'put' | 'patch' | 'delete'

/** A response body: its media type, and its zod schema where the domain has one. */
export interface ApiContent {
  /** Default `application/json`. */
  type?: string
  schema?: z.ZodType
}

export interface ApiOperation {
  method: HttpMethod
  /** The Express path, exactly as mounted: `/api/hazards/:id`, `/api/boundaries/:level.geojson`. */
  path: string
  /** The group in the viewer: the domain, in words (`Hazards`). */
  tag: string
  summary: string
  /** Longer prose (Markdown) when the summary is not enough. */
  description?: string
  /** Path parameters: the route's params schema (names must match the path's `:names`). */
  params?: z.ZodType<unknown, Record<string, unknown>>
  query?: z.ZodType<unknown, Record<string, unknown>>
  /** Request body: a JSON schema, or another media type (multipart uploads) with its schema. */
  body?: z.ZodType | (ApiContent & { type: string })
  /** The success answer: status (default 200), what it is, and its content (none for 204/202 without body). */
  ok: { status?: number; description: string } & ApiContent & { none?: true }
  /** Other answers this operation gives on purpose (409 for an illegal step, 413, …) beyond the ones every route may give. */
  errors?: Partial<Record<404 | 409 | 413 | 415 | 422 | 429 | 503, string>>
}

/**
 * The OpenAPI path of an Express path: `:name` becomes `{name}`.
 * @example openApiPath('/api/boundaries/:level.geojson') // '/api/boundaries/{level}.geojson'
 * @example openApiPath('/api/users/:id/api-keys/:keyId') // '/api/users/{id}/api-keys/{keyId}'
 */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_$][A-Za-z0-9_$]*)/g, '{$1}')
}

/**
 * The names of an Express path's parameters, in order.
 * @example pathParamNames('/api/models/:id/runs/:runId') // ['id', 'runId']
 */
export function pathParamNames(expressPath: string): string[] {
  return [...expressPath.matchAll(/:([A-Za-z_$][A-Za-z0-9_$]*)/g)].map((m) => m[1]!)
}
