/**
 * The CSRF token, on its own so that a page can send it without loading the rest of client.ts
 * (whose config parsing brings zod: about 29 kB gzipped, a fifth of the phone app's budget).
 */

/**
 * The CSRF token the login set in a cookie the page may read; echoed in `x-csrf-token` (double submit).
 * @example csrfToken('a=1; onemap_csrf=t%2B1') // 't+1'
 */
export function csrfToken(cookie: string = typeof document === 'undefined' ? '' : document.cookie): string {
  const m = /(?:^|;\s*)onemap_csrf=([^;]*)/.exec(cookie)
  return m ? decodeURIComponent(m[1]!) : ''
}
