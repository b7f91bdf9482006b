/**
 * The phone app's service worker: registered from the page, made by the build
 * (scripts/vite/phone-pwa.ts, Workbox). It precaches the app shell so `/m` opens offline, keeps
 * MapLibre's chunk once the map tab has loaded it, and caches API answers only where the app asks
 * (offlineCacheHeaders). See docs/phone.md.
 */

/** Where the build writes the service worker, and the part of the site it controls. */
export const SERVICE_WORKER_URL = '/m-sw.js'
export const SERVICE_WORKER_SCOPE = '/m'

/** The caches the service worker fills (its precache and runtime caches all start with this). */
const CACHE_PREFIX = 'onemap-m'

/**
 * Headers that ask the service worker to keep this GET's answer for offline use (network first,
 * the last answer when offline). Without them no `/api/` answer is ever cached.
 * @example fetch('/api/tasks?assignee=me', { headers: offlineCacheHeaders() })
 */
export function offlineCacheHeaders(): Record<string, string> {
  return { 'x-onemap-offline': 'cache' }
}

/**
 * Registers the service worker (not in Vite's dev server, nor where browsers have none). A failure
 * is logged, never thrown: the app works without it, only not offline.
 * @example void registerServiceWorker()
 */
export async function registerServiceWorker(): Promise<void> {
  if (import.meta.env.DEV || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return
  try {
    await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: SERVICE_WORKER_SCOPE, updateViaCache: 'none' })
  } catch (err) {
    console.warn('service worker not registered:', err)
  }
}

/**
 * Deletes the API answers kept for offline use (on logout: the next person on this phone must not
 * read them). The app shell stays.
 * @example await clearOfflineAnswers()
 */
export async function clearOfflineAnswers(): Promise<void> {
  if (typeof caches === 'undefined') return
  for (const name of await caches.keys()) {
    if (name.startsWith(CACHE_PREFIX) && name.includes('-api')) await caches.delete(name)
  }
}
