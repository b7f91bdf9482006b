import { csrfToken } from './csrf.ts'
import {
  type AppConfig,
  AppConfigSchema,
  type BoundaryCollection,
  type BoundaryLevel,
  type LabelCollection,
  type LabelLevel,
} from './types.ts'

/** An absolute API URL on the page's own origin (the same on every client route, e.g. /wall/…). */
export function apiUrl(path: string): string {
  return new URL(path, location.origin).href
}

export class ApiError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
    /** The server's own words for a refused request (`error`, and `details` naming each bad field). */
    readonly body: { error?: string; details?: unknown } = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/**
 * The login page's address that comes back to where the page is now.
 * @example loginUrl({ pathname: '/', search: '?z=12', hash: '' }) // '/login?next=%2F%3Fz%3D12'
 */
export function loginUrl(at: Pick<Location, 'pathname' | 'search' | 'hash'>): string {
  return `/login?next=${encodeURIComponent(at.pathname + at.search + at.hash)}`
}

/** A session that ended (expired, logged out elsewhere, account changed) sends the page to the login. */
export function loginAgainOn401(status: number): void {
  if (status === 401 && typeof location !== 'undefined' && location.pathname !== '/login') location.assign(loginUrl(location))
}

/** GETs a JSON answer from our own server; an HTTP error is an ApiError. */
export async function getJson(path: string, signal?: AbortSignal): Promise<unknown> {
  const url = apiUrl(path)
  const res = await fetch(url, { headers: { accept: 'application/json, application/geo+json' }, signal })
  loginAgainOn401(res.status)
  if (!res.ok) throw new ApiError(url, res.status, `GET ${path} failed: HTTP ${res.status}`)
  return res.json()
}

export { csrfToken }

/**
 * Sends a JSON body (POST, PUT, PATCH, DELETE) with the CSRF token; answers the JSON reply (null
 * for 204). A refusal is an ApiError carrying the server's message, for the page to show.
 * `headers` adds request headers (e.g. an `Idempotency-Key`).
 */
export async function sendJson(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<unknown> {
  const url = apiUrl(path)
  const res = await fetch(url, {
    method,
    headers: {
      ...headers,
      accept: 'application/json',
      'x-csrf-token': csrfToken(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  loginAgainOn401(res.status)
  const text = await res.text()
  const parsed: unknown = text ? JSON.parse(text) : null
  if (!res.ok) {
    const reply = isRecord(parsed) ? parsed : {}
    const error = typeof reply.error === 'string' ? reply.error : `HTTP ${res.status}`
    throw new ApiError(url, res.status, error, { error, details: reply.details })
  }
  return parsed
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Checks the shape of `/api/config` with the shared zod schema, naming what is wrong and where. */
export function parseConfig(v: unknown): AppConfig {
  const parsed = AppConfigSchema.safeParse(v)
  if (!parsed.success) {
    throw new Error(`config: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
  }
  return parsed.data
}

function asFeatureCollection<T>(v: unknown, what: string): T {
  if (!isRecord(v) || v.type !== 'FeatureCollection' || !Array.isArray(v.features)) {
    throw new Error(`${what}: expected a GeoJSON FeatureCollection`)
  }
  return v as T
}

export async function fetchConfig(signal?: AbortSignal): Promise<AppConfig> {
  return parseConfig(await getJson('/api/config', signal))
}

/** `GET /api/boundaries/{level}.geojson`: the level's polygons. */
export async function fetchBoundaries(level: BoundaryLevel, signal?: AbortSignal): Promise<BoundaryCollection> {
  const path = `/api/boundaries/${level}.geojson`
  return asFeatureCollection<BoundaryCollection>(await getJson(path, signal), path)
}

/** `GET /api/boundaries/{level}/labels.geojson`: one label point per area. */
export async function fetchLabels(level: LabelLevel, signal?: AbortSignal): Promise<LabelCollection> {
  const path = `/api/boundaries/${level}/labels.geojson`
  return asFeatureCollection<LabelCollection>(await getJson(path, signal), path)
}
