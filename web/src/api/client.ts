import type { AppConfig, BoundaryCollection, BoundaryLevel, LabelCollection, LabelLevel } from './types.ts'

/** An absolute API URL on the page's own origin (the same on every client route, e.g. /wall/…). */
export function apiUrl(path: string): string {
  return new URL(path, location.origin).href
}

export class ApiError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

async function getJson(path: string, signal?: AbortSignal): Promise<unknown> {
  const url = apiUrl(path)
  const res = await fetch(url, { headers: { accept: 'application/json, application/geo+json' }, signal })
  if (!res.ok) throw new ApiError(url, res.status, `GET ${path} failed: HTTP ${res.status}`)
  return res.json()
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isBbox(v: unknown): v is [number, number, number, number] {
  return Array.isArray(v) && v.length === 4 && v.every((n) => typeof n === 'number' && Number.isFinite(n))
}

/** Checks the shape of `/api/config`, naming what is wrong. */
export function parseConfig(v: unknown): AppConfig {
  if (!isRecord(v) || !isRecord(v.district)) throw new Error('config: expected { district: {...} }')
  const { basemapTileUrl, district } = v
  if (basemapTileUrl !== null && basemapTileUrl !== undefined && typeof basemapTileUrl !== 'string') {
    throw new Error('config: basemapTileUrl must be a string or null')
  }
  if (typeof district.code !== 'string' || typeof district.name !== 'string' || !isBbox(district.bbox)) {
    throw new Error('config: district needs code, name and bbox [w,s,e,n]')
  }
  return {
    basemapTileUrl: basemapTileUrl || null,
    district: { code: district.code, name: district.name, bbox: district.bbox },
  }
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
