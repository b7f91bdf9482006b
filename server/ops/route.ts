import type { Request } from 'express'

/**
 * The route pattern that served a request (`/api/areas/:code`), never the raw URL, so that
 * metric labels stay few: unmatched requests fold into `unmatched` (404) or `other` (static
 * files of the web app and anything answered by middleware).
 * @example routeLabel(req, 200) // '/api/incidents/:id'
 */
export function routeLabel(req: Request, status: number): string {
  const route = (req as Partial<Request>).route as { path?: unknown } | undefined
  if (route && route.path !== undefined) {
    const path = Array.isArray(route.path) ? route.path.map(String).join('|') : String(route.path)
    return `${req.baseUrl ?? ''}${path}`
  }
  return status === 404 ? 'unmatched' : 'other'
}
