/**
 * The desk's pages and their addresses: every page and every record has a URL of its own under
 * /desk, so a link in a message, a report or the map's inspector opens the same view.
 */

/** The desk's pages, in the order of its navigation. */
export const DESK_PAGES = [
  'warnings',
  'tasks',
  'hazards',
  'disputes',
  'people',
  'devices',
  'review',
  'rankings',
  'models',
  'imports',
  'admin',
] as const
export type DeskPage = (typeof DESK_PAGES)[number]

/** Where the desk is: a page, an optional record id on it, and the page's filters (the query string). */
export interface DeskRoute {
  page: DeskPage
  /** A record's id (`/desk/tasks/17`), or a sub-view such as `new`. */
  id: string | null
  params: URLSearchParams
}

function isPage(s: string): s is DeskPage {
  return (DESK_PAGES as readonly string[]).includes(s)
}

/**
 * Reads a desk address; anything unknown lands on `fallback` (the role's first page).
 * @example parseDeskPath('/desk/tasks/17', '?tab=mine', 'warnings') // { page: 'tasks', id: '17', params: tab=mine }
 * @example parseDeskPath('/desk', '', 'tasks').page // 'tasks'
 */
export function parseDeskPath(pathname: string, search: string, fallback: DeskPage): DeskRoute {
  const parts = pathname
    .replace(/^\/desk\/?/, '')
    .split('/')
    .filter(Boolean)
  const page = parts[0] && isPage(parts[0]) ? parts[0] : fallback
  const id = page === parts[0] && parts[1] ? decodeURIComponent(parts[1]) : null
  return { page, id, params: new URLSearchParams(search) }
}

/**
 * The address of a desk route; empty parameters are left out.
 * @example deskPath({ page: 'warnings', id: null, params: new URLSearchParams('level=red&model=') }) // '/desk/warnings?level=red'
 */
export function deskPath(route: { page: DeskPage; id?: string | null; params?: URLSearchParams | Record<string, string> }): string {
  const params = new URLSearchParams(route.params instanceof URLSearchParams ? route.params : Object.entries(route.params ?? {}))
  for (const [k, v] of [...params]) if (v === '') params.delete(k)
  const qs = params.toString()
  return `/desk/${route.page}${route.id ? `/${encodeURIComponent(route.id)}` : ''}${qs ? `?${qs}` : ''}`
}

/**
 * The filters of a page's address: `keys` that have a value, in their order (a record's id, the
 * tab and anything else left behind).
 * @example pickParams(new URLSearchParams('kind=smoke&x=1&area='), ['area', 'kind']).toString() // 'kind=smoke'
 */
export function pickParams(params: URLSearchParams, keys: readonly string[]): URLSearchParams {
  const out = new URLSearchParams()
  for (const k of keys) {
    const v = params.get(k)
    if (v) out.set(k, v)
  }
  return out
}
