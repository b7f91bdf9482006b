/**
 * The map page's API calls. Answer types come from the server's own schemas (type-only imports:
 * nothing of the server is bundled); answers are checked for their outer shape only, the server
 * validates what it sends with the same schemas.
 */
import type {
  AreaDetail,
  AreaStatsResponse,
  CategoriesResponse,
  GeocodeResponse,
  HazardDetail,
  IncidentFeature,
  IncidentPage,
  IndicatorsResponse,
  TaskDetail,
  TimeseriesResponse,
  WarningDetail,
} from '../../../server/shared/api.ts'
import { ApiError, getJson } from './client.ts'

export type {
  AreaDetail,
  AreaStatsResponse,
  CategoriesResponse,
  GeocodeResponse,
  HazardDetail,
  IncidentFeature,
  IncidentPage,
  IndicatorsResponse,
  TaskDetail,
  TimeseriesResponse,
  WarningDetail,
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Checks that an answer is an object having `keys` (or an array when `keys` is 'array'). */
function expectShape<T>(v: unknown, path: string, keys: readonly string[] | 'array'): T {
  const ok = keys === 'array' ? Array.isArray(v) : isRecord(v) && keys.every((k) => k in v)
  if (!ok) throw new Error(`${path}: unexpected answer`)
  return v as T
}

/** GET `path` and check its shape. */
async function get<T>(path: string, keys: readonly string[] | 'array', signal?: AbortSignal): Promise<T> {
  return expectShape<T>(await getJson(path, signal), path, keys)
}

export const fetchCategories = (signal?: AbortSignal) => get<CategoriesResponse>('/api/categories', 'array', signal)

export const fetchTimeseries = (query: string, signal?: AbortSignal) =>
  get<TimeseriesResponse>(`/api/stats/timeseries${query}`, 'array', signal)

export const fetchArea = (code: string, signal?: AbortSignal) => get<AreaDetail>(`/api/areas/${code}`, ['code', 'bbox', 'children'], signal)

export const fetchAreaStats = (code: string, query: string, signal?: AbortSignal) =>
  get<AreaStatsResponse>(`/api/areas/${code}/stats${query}`, ['total', 'categories', 'children'], signal)

/**
 * `GET /api/indicators` for one town or village, or null while the server has no indicators
 * (the route is new: a 404 means "not there yet", not an error).
 */
export async function fetchIndicators(query: string, signal?: AbortSignal): Promise<IndicatorsResponse | null> {
  try {
    return await get<IndicatorsResponse>(`/api/indicators${query}`, ['definitions', 'areas'], signal)
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null
    throw err
  }
}

export const fetchGeocode = (q: string, signal?: AbortSignal) =>
  get<GeocodeResponse>(`/api/geocode?q=${encodeURIComponent(q)}`, ['result', 'candidates'], signal)

export const fetchIncident = (id: string, signal?: AbortSignal) =>
  get<IncidentFeature>(`/api/incidents/${encodeURIComponent(id)}`, ['properties'], signal)

export const fetchIncidents = (query: string, signal?: AbortSignal) => get<IncidentPage>(`/api/incidents${query}`, ['features'], signal)

export const fetchWarning = (id: string, signal?: AbortSignal) => get<WarningDetail>(`/api/warnings/${id}`, ['properties', 'tasks'], signal)

export const fetchHazard = (id: string, signal?: AbortSignal) => get<HazardDetail>(`/api/hazards/${id}`, ['properties'], signal)

export const fetchTask = (id: string, signal?: AbortSignal) => get<TaskDetail>(`/api/tasks/${id}`, ['title'], signal)
