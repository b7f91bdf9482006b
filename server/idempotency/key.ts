/**
 * The pure parts of idempotency keys (docs/api.md#retries-and-idempotency-keys): reading the
 * header, fingerprinting a request's body, and deciding from a stored entry what a retry gets.
 * Follows the IETF draft "The Idempotency-Key HTTP Header Field" (a key is an sf-string; a key
 * reused for another request is 422, one still being processed 409) and Stripe's behaviour.
 */
import { createHash } from 'node:crypto'

import { z } from 'zod'

/** The request header, as the draft names it. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key'
/** The answer header that marks a stored answer sent again. */
export const REPLAYED_HEADER = 'Idempotent-Replayed'

/**
 * A key: 1–255 visible ASCII characters (`!` … `~`, no spaces), as Stripe takes it. The draft
 * sends it as a Structured Fields string (`"…"`): the quotes are taken off first.
 */
export const IdempotencyKeySchema = z
  .string()
  .transform((v) => (v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v))
  .pipe(
    z
      .string()
      .min(1, `${IDEMPOTENCY_HEADER} is empty: send 1 to 255 visible ASCII characters (a UUID)`)
      .max(255, `${IDEMPOTENCY_HEADER} is longer than 255 characters`)
      .regex(
        /^[\x21-\x7e]+$/,
        `${IDEMPOTENCY_HEADER} must be visible ASCII characters only (no spaces, no control or non-ASCII characters)`,
      ),
  )

/**
 * The key of a request's header values (`req.headersDistinct`), null without the header, or the
 * problem: the draft allows one header only.
 * @example readIdempotencyKey(['"8e03978e-40d5-43e8-bc93-6894a57f9324"']) // { key: '8e03978e-40d5-43e8-bc93-6894a57f9324' }
 * @example readIdempotencyKey(['a', 'b']) // { error: 'send one Idempotency-Key header, not 2' }
 */
export function readIdempotencyKey(values: readonly string[] | undefined): { key: string } | { error: string } | null {
  if (!values || values.length === 0) return null
  if (values.length > 1) return { error: `send one ${IDEMPOTENCY_HEADER} header, not ${values.length}` }
  const parsed = IdempotencyKeySchema.safeParse(values[0])
  return parsed.success ? { key: parsed.data } : { error: parsed.error.issues[0]?.message ?? `invalid ${IDEMPOTENCY_HEADER}` }
}

/**
 * JSON with object keys in a fixed order, so that the same body re-serialised by a client in
 * another key order has the same fingerprint.
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** The SHA-256 of some bytes or text, hex. */
function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * The fingerprint of a parsed JSON body (no body: the fingerprint of nothing).
 * @example jsonFingerprint({ to: 'accepted' }) === jsonFingerprint({ to: 'accepted' }) // true
 */
export function jsonFingerprint(body: unknown): string {
  return sha256(body === undefined ? '' : canonicalJson(body))
}

/**
 * The multipart boundary of a Content-Type header, or null.
 * @example multipartBoundary('multipart/form-data; boundary=----WebKitFormBoundaryX1') // '----WebKitFormBoundaryX1'
 */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\//i.test(contentType.trim())) return null
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return m ? (m[1] ?? m[2] ?? null) : null
}

/**
 * The fingerprint of a raw body. In a multipart body the boundary is replaced by a fixed one
 * first: a client that builds the same form again (a phone resending a queued photo) picks a new
 * random boundary, and that alone must not make it another request.
 * @example rawFingerprint(Buffer.from('--a\r\nx\r\n--a--'), 'multipart/form-data; boundary=a') === rawFingerprint(Buffer.from('--b\r\nx\r\n--b--'), 'multipart/form-data; boundary=b') // true
 */
export function rawFingerprint(bytes: Buffer, contentType: string | undefined): string {
  const boundary = multipartBoundary(contentType)
  const hash = createHash('sha256')
  if (!boundary) return hash.update(bytes).digest('hex')
  const delimiter = Buffer.from(`--${boundary}`, 'latin1')
  let at = 0
  for (let i = bytes.indexOf(delimiter, at); i !== -1; i = bytes.indexOf(delimiter, at)) {
    hash.update(bytes.subarray(at, i)).update('--\u0000boundary\u0000')
    at = i + delimiter.length
  }
  return hash.update(bytes.subarray(at)).digest('hex')
}

/** What a request with a key finds stored under it. */
export interface StoredEntry {
  state: 'running' | 'done'
  method: string
  path: string
  fingerprint: string
}

/** What a retry gets: the stored answer, a 409 (still running) or a 422 (another request). */
export type RetryOutcome = 'replay' | 'in_flight' | 'mismatch'

/**
 * What a request gets when its key is already taken by `stored`.
 * @example retryOutcome({ state: 'done', method: 'POST', path: '/api/hazards', fingerprint: 'f' }, { method: 'POST', path: '/api/hazards', fingerprint: 'f' }) // 'replay'
 * @example retryOutcome({ state: 'done', method: 'POST', path: '/api/hazards', fingerprint: 'f' }, { method: 'POST', path: '/api/hazards', fingerprint: 'g' }) // 'mismatch'
 */
export function retryOutcome(stored: StoredEntry, request: Omit<StoredEntry, 'state'>): RetryOutcome {
  if (stored.method !== request.method || stored.path !== request.path || stored.fingerprint !== request.fingerprint) return 'mismatch'
  return stored.state === 'running' ? 'in_flight' : 'replay'
}

/**
 * Whether an answer is kept for retries. Successes and refusals (4xx) are: a retry of a refused
 * request is refused the same way. Not 429 (slow down, then try again) nor 5xx (the retry may
 * succeed), after which the key is free again; the 409 of a key still in use is never stored
 * (it is not the request's answer).
 * @example storesAnswer(201) // true
 * @example storesAnswer(503) // false
 */
export function storesAnswer(status: number): boolean {
  return status < 500 && status !== 429
}

/** The answer headers kept with a stored answer (others, such as the request id, are per request). */
export const KEPT_HEADERS = ['content-type', 'location', 'content-disposition'] as const

/**
 * The identity a key belongs to: the user (an API key acts as its user), or with anonymous
 * access the actor named by `x-user`.
 * @example keyOwner({ method: 'session', userId: '7' }, 'wang') // 'user:7'
 * @example keyOwner({ method: 'anonymous', userId: '0' }, 'wang') // 'anonymous:wang'
 */
export function keyOwner(auth: { method: string; userId: string }, actor: string): string {
  return auth.method === 'anonymous' ? `anonymous:${actor}` : `user:${auth.userId}`
}

/** The methods a key applies to. */
export const KEYED_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * True for a write a key applies to: every POST, PUT, PATCH and DELETE under /api but the
 * login routes (/api/auth/*: their answers set cookies, which are never kept).
 * @example takesKey('POST', '/api/tasks/5/transitions') // true
 * @example takesKey('POST', '/api/auth/login') // false
 */
export function takesKey(method: string, path: string): boolean {
  return KEYED_METHODS.has(method.toUpperCase()) && path.startsWith('/api/') && !path.startsWith('/api/auth/')
}

/** The request header as the API reference (server/openapi/) describes it. */
export const IdempotencyKeyHeaderSchema = z.string().min(1).max(257).meta({
  description:
    'Optional. A key the client makes for this one action (a UUID), 1–255 visible ASCII characters, bare or quoted ("…", as the IETF draft sends it). The first request with it runs and its answer is kept for IDEMPOTENCY_TTL_HOURS (24 h); the same request again (same method, path and body) gets that answer without running again, marked `Idempotent-Replayed: true`. Answers 5xx and 429 are not kept (a retry runs). Keys are per caller. See docs/api.md, "Retries and idempotency keys".',
  example: '8e03978e-40d5-43e8-bc93-6894a57f9324',
})
