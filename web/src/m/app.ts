/** What every page of the phone app is given. */
import type { MeResponse } from '../../../server/shared/api.ts'
import type { OfflineQueue } from './offline/queue.ts'

export interface MApp {
  me: MeResponse
  queue: OfflineQueue
  /** Goes to an address of the app (`/m/task/42`). */
  navigate(path: string): void
  /** A short note at the bottom of the screen. */
  toast(text: string, kind?: 'ok' | 'error'): void
  /** Listens to the live stream's events of one type; answers how to stop. */
  onLive(type: string, fn: (data: unknown) => void): () => void
  /** Whether the phone has a connection now. */
  online(): boolean
  /** The count on the "today" tab: the worker's open tasks. */
  setBadge(n: number): void
}

/** A page of the app: mounted into the view, destroyed when another opens. */
export type MPage = (root: HTMLElement, params: { id: string | null; search: URLSearchParams }, app: MApp) => Promise<(() => void) | void>

/**
 * Reads an app address into its page and record id.
 * @example mRoute('/m/task/42') // { page: 'task', id: '42' }
 * @example mRoute('/m') // { page: 'today', id: null }
 */
export function mRoute(pathname: string): { page: 'today' | 'task' | 'report' | 'grid' | 'rank' | 'queue'; id: string | null } {
  const [page, id] = pathname.replace(/^\/m\/?/, '').split('/')
  const known = ['task', 'report', 'grid', 'rank', 'queue'] as const
  const p = (known as readonly string[]).includes(page ?? '') ? (page as (typeof known)[number]) : 'today'
  return { page: p, id: p === 'task' && id ? decodeURIComponent(id) : null }
}

const CACHE_PREFIX = 'onemap.m.cache:'

/** Forgets every answer kept for offline reading (at logout: the phone may pass to someone else). */
export function forgetCachedAnswers(): void {
  for (const key of Object.keys(localStorage)) if (key.startsWith(CACHE_PREFIX)) localStorage.removeItem(key)
}

/**
 * GETs a JSON answer, keeping the last good one for offline use (localStorage, per path): offline
 * or on a network error the kept copy is answered with the time it was kept.
 */
export async function getCached<T>(path: string): Promise<{ data: T; cachedAt: string | null }> {
  const key = `${CACHE_PREFIX}${path}`
  try {
    const res = await fetch(path, { headers: { accept: 'application/json' } })
    if (res.status === 401) {
      location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`)
      throw new Error('login needed')
    }
    if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status })
    const data = (await res.json()) as T
    try {
      localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), data }))
    } catch {
      // Storage full or blocked: the answer still shows, only not offline.
    }
    return { data, cachedAt: null }
  } catch (err) {
    if ((err as { status?: number }).status !== undefined) throw err
    const kept = localStorage.getItem(key)
    if (!kept) throw err
    const { at, data } = JSON.parse(kept) as { at: string; data: T }
    return { data, cachedAt: at }
  }
}
