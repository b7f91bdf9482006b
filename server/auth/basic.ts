/**
 * HTTP Basic for analysts' tools (QGIS, GDAL): they can send a user name and password but not
 * `Authorization: Bearer`. The password is an API key; Basic is read-only and only on the
 * tool-facing paths (/ogc, /tiles, /api/export), so browser-cached Basic credentials can never
 * carry a write (no CSRF route round the cookie rule).
 */

/** The realm tools show when they prompt (`WWW-Authenticate: Basic realm="OneMap"`). */
export const BASIC_CHALLENGE = 'Basic realm="OneMap", charset="UTF-8"'

const SAFE = new Set(['GET', 'HEAD'])

/**
 * True for the paths analysts' tools read: OGC API – Features, vector tiles, exports (not the export log).
 * @example isToolPath('/ogc/collections') // true
 * @example isToolPath('/api/exports') // false
 */
export function isToolPath(path: string): boolean {
  return /^\/(ogc|tiles)(\/|$)/.test(path) || /^\/api\/export\//.test(path)
}

/**
 * True when Basic may be used: a read of a tool path.
 * @example basicAllowed('GET', '/tiles/incidents/12/3417/1677.mvt') // true
 * @example basicAllowed('POST', '/ogc/collections') // false
 */
export function basicAllowed(method: string, path: string): boolean {
  return SAFE.has(method.toUpperCase()) && isToolPath(path)
}

/**
 * The user name and password of an `Authorization: Basic …` header, or null when it is not Basic.
 * A header that says Basic but does not decode to `user:password` gives an empty password.
 * @example parseBasic('Basic ' + btoa('qgis:omk_abc')) // { user: 'qgis', password: 'omk_abc' }
 * @example parseBasic('Bearer omk_abc') // null
 */
export function parseBasic(header: string): { user: string; password: string } | null {
  if (!/^Basic(\s|$)/i.test(header)) return null
  const m = /^Basic\s+([A-Za-z0-9+/=_-]*)\s*$/i.exec(header)
  if (!m) return { user: '', password: '' }
  const text = Buffer.from(m[1]!, 'base64').toString('utf8')
  const colon = text.indexOf(':')
  return colon < 0 ? { user: text, password: '' } : { user: text.slice(0, colon), password: text.slice(colon + 1) }
}

/**
 * Whether a 401 on this request should carry the Basic challenge: tool paths only, and not to a
 * browser page's own script (`Sec-Fetch-Mode: cors|same-origin|no-cors`), where a native login
 * dialog would pop up over the map when a session ends. Tools send no Sec-Fetch headers; a
 * browser tab opened on /ogc (`navigate`) does get the prompt.
 * @example wantsBasicChallenge('/ogc/collections', undefined) // true
 * @example wantsBasicChallenge('/tiles/incidents/1/0/0.mvt', 'cors') // false
 */
export function wantsBasicChallenge(path: string, secFetchMode: string | undefined): boolean {
  return isToolPath(path) && (!secFetchMode || secFetchMode === 'navigate')
}
