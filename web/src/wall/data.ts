/**
 * What the wall reads from the API. Answers are checked with the server's own zod schemas where
 * those are light enough for the browser bundle; tasks and warnings (whose schemas pull in the
 * geocoder and the model catalogue) are typed from the server and checked for their outer shape.
 */
import type { z } from 'zod'

import {
  type AreaStatsResponse,
  AreaStatsResponseSchema,
  type CategoriesResponse,
  CategoriesResponseSchema,
  type IncidentPage,
  IncidentPageSchema,
  type RankingResponse,
  RankingResponseSchema,
  type SummaryResponse,
  SummaryResponseSchema,
  type Task,
  type TaskPage,
  type WarningFeature,
  type WarningPage,
} from '../../../server/shared/api.ts'
import { ApiError, apiUrl, loginAgainOn401 } from '../api/client.ts'
import { OPEN_TASK_STATUSES, OPEN_WARNING_STATUSES } from './kpi.ts'

/** A request that hangs (half-open connection after a network drop) must not stall a refresh. */
const REQUEST_TIMEOUT_MS = 15_000
/** Lists are paged; the wall reads at most this many pages (1,000 rows each). */
const MAX_PAGES = 20

type Period = { from: string; to: string }

async function getRaw(path: string, signal?: AbortSignal): Promise<Response> {
  const url = apiUrl(path)
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS)
  const res = await fetch(url, {
    headers: { accept: 'application/json, application/geo+json' },
    cache: 'no-store',
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  })
  loginAgainOn401(res.status)
  if (!res.ok) throw new ApiError(url, res.status, `GET ${path} failed: HTTP ${res.status}`)
  return res
}

/** GET a JSON answer and check it against a server schema (naming the first problem). */
async function getParsed<S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal): Promise<z.infer<S>> {
  const body: unknown = await (await getRaw(path, signal)).json()
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    const i = parsed.error.issues[0]
    throw new Error(`${path}: unexpected answer (${i ? `${i.path.join('.')}: ${i.message}` : 'invalid'})`)
  }
  return parsed.data
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** `GET /api/stats/summary` for the whole district over a period. */
export function fetchSummary(p: Period, signal?: AbortSignal): Promise<SummaryResponse> {
  return getParsed(`/api/stats/summary?from=${p.from}&to=${p.to}`, SummaryResponseSchema, signal)
}

/** `GET /api/areas/{district}/stats`: every town's total in one request. */
export function fetchAreaStats(code: string, p: Period, signal?: AbortSignal): Promise<AreaStatsResponse> {
  return getParsed(`/api/areas/${encodeURIComponent(code)}/stats?from=${p.from}&to=${p.to}`, AreaStatsResponseSchema, signal)
}

/** `GET /api/categories`: the catalogue, for category names in the ticker. */
export function fetchCategories(signal?: AbortSignal): Promise<CategoriesResponse> {
  return getParsed('/api/categories', CategoriesResponseSchema, signal)
}

/** `GET /api/incidents?limit=N`: the latest incidents (newest first), to fill the ticker at start. */
export function fetchLatestIncidents(limit: number, signal?: AbortSignal): Promise<IncidentPage> {
  return getParsed(`/api/incidents?limit=${limit}`, IncidentPageSchema, signal)
}

/**
 * `GET /api/rankings?level=town` (the current month); null while the server has no rankings
 * (the route answers 404 until indicators are deployed): the panel then says so.
 */
export async function fetchTownRanking(signal?: AbortSignal): Promise<RankingResponse | null> {
  try {
    return await getParsed('/api/rankings?level=town', RankingResponseSchema, signal)
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null
    throw err
  }
}

/** Reads every page of a keyset-paged list (`next` cursor) up to MAX_PAGES. */
async function allPages<T>(path: string, rows: (body: Record<string, unknown>) => unknown, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = []
  let cursor: string | null = null
  for (let page = 0; page < MAX_PAGES; page++) {
    const sep = path.includes('?') ? '&' : '?'
    const body: unknown = await (await getRaw(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path, signal)).json()
    const list = isRecord(body) ? rows(body) : undefined
    if (!isRecord(body) || !Array.isArray(list)) throw new Error(`${path}: expected a page with a list`)
    out.push(...(list as T[]))
    cursor = typeof body.next === 'string' && body.next !== '' ? body.next : null
    if (!cursor) break
  }
  return out
}

/** Every open warning (new, acknowledged, tasked), all levels: the map draws them, the KPI counts red. */
export function fetchOpenWarnings(signal?: AbortSignal): Promise<WarningFeature[]> {
  return allPages<WarningFeature>(
    `/api/warnings?status=${OPEN_WARNING_STATUSES.join(',')}&limit=1000`,
    (b) => (b as Partial<WarningPage>).features,
    signal,
  )
}

/** Every task not closed out. */
export function fetchOpenTasks(signal?: AbortSignal): Promise<Task[]> {
  return allPages<Task>(`/api/tasks?status=${OPEN_TASK_STATUSES.join(',')}&limit=1000`, (b) => (b as Partial<TaskPage>).items, signal)
}

/** True when the server answers at all (used before a last-resort reload). */
export async function serverIsUp(): Promise<boolean> {
  try {
    await getRaw('/api/config')
    return true
  } catch {
    return false
  }
}
