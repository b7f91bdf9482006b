/**
 * `Idempotency-Key` on every write under /api (docs/api.md#retries-and-idempotency-keys): the
 * first request with a key runs and its answer is stored; the same request again gets that
 * answer (`Idempotent-Replayed: true`) without running; a key still being handled is 409, a key
 * used for another request 422. Mounted after authentication (keys belong to callers) and before
 * every router, so no route does anything of its own for it.
 */
import type { Request, RequestHandler, Response } from 'express'

import { authOf } from '../auth/context.ts'
import type { Db } from '../db/index.ts'
import { actorOf } from '../http/actor.ts'
import { hasBody, readBody } from '../http/body.ts'
import { HttpError } from '../http/errors.ts'
import { logFor } from '../ops/logger.ts'
import {
  IDEMPOTENCY_HEADER,
  jsonFingerprint,
  KEPT_HEADERS,
  keyOwner,
  rawFingerprint,
  readIdempotencyKey,
  REPLAYED_HEADER,
  retryOutcome,
  storesAnswer,
  takesKey,
} from './key.ts'
import { claimKey, pruneExpiredKeys, releaseKey, storeAnswer, type StoredAnswer } from './store.ts'

export interface IdempotencyOptions {
  /** How long an answer is kept (IDEMPOTENCY_TTL_HOURS). */
  ttlSeconds: number
  /** The largest body not parsed as JSON (a multipart upload) read ahead to be fingerprinted; larger is 413. */
  maxRawBodyBytes: number
  /** How long a key may stay "being processed" before a retry may take it over (its server died). */
  leaseSeconds?: number
  /** The largest answer kept; a larger one is sent but not kept (a retry runs again). */
  maxAnswerBytes?: number
}

/**
 * The fingerprint of a request's body: of the parsed JSON when express.json read it (so key
 * order and spacing do not matter), else of the raw bytes, read ahead here (routes read them
 * back through server/http/body.ts), a multipart body with its boundary set aside.
 */
async function fingerprintOf(req: Request, maxBytes: number): Promise<string> {
  if (req.body !== undefined || !hasBody(req.headers)) return jsonFingerprint(req.body)
  const limit = `${+(maxBytes / 1024 ** 2).toFixed(3)} MB`
  const bytes = await readBody(
    req,
    maxBytes,
    `a request body sent with ${IDEMPOTENCY_HEADER} may be at most ${limit} (it is read whole to be compared with retries): send a larger upload without the header`,
  )
  return rawFingerprint(bytes, req.get('content-type'))
}

/** Sends a stored answer again, marked as such. */
function replay(res: Response, answer: StoredAnswer): void {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value)
  res.setHeader(REPLAYED_HEADER, 'true')
  res.status(answer.status).end(answer.body)
}

/** A chunk as written to a response: bytes, or text in an encoding. */
function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk
  if (chunk instanceof Uint8Array) return Buffer.from(chunk)
  return Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
}

/**
 * Holds back a response's body until `settle` has seen the whole answer (status, kept headers,
 * bytes), then sends it: the answer is stored before the client can retry. An answer larger than
 * `maxBytes` is sent as it comes and settled as null (not kept).
 */
function holdAnswer(res: Response, maxBytes: number, settle: (answer: StoredAnswer | null) => Promise<void>): void {
  const write = res.write.bind(res) as (...args: unknown[]) => boolean
  const end = res.end.bind(res) as (...args: unknown[]) => Response
  const chunks: Buffer[] = []
  let size = 0
  let passing = false
  res.write = ((...args: unknown[]) => {
    if (passing) return write(...args)
    const buf = toBuffer(args[0], typeof args[1] === 'string' ? args[1] : undefined)
    if (size + buf.length > maxBytes) {
      passing = true
      void settle(null)
      for (const c of chunks.splice(0)) write(c)
      return write(...args)
    }
    size += buf.length
    chunks.push(buf)
    const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined
    if (cb) process.nextTick(cb)
    return true
  }) as Response['write']
  res.end = ((...args: unknown[]) => {
    if (passing) return end(...args)
    const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined
    const chunk = typeof args[0] === 'function' ? undefined : args[0]
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, typeof args[1] === 'string' ? args[1] : undefined))
    const body = Buffer.concat(chunks)
    const headers: Record<string, string> = {}
    for (const name of KEPT_HEADERS) {
      const v = res.getHeader(name)
      if (v !== undefined) headers[name] = String(v)
    }
    void settle({ status: res.statusCode, headers, body }).finally(() => end(body, cb))
    return res
  }) as Response['end']
}

/**
 * The middleware. Requests without the header, reads, unauthenticated requests and the login
 * routes (/api/auth/*, whose answers set cookies) pass untouched.
 * @example app.use('/api', idempotency(db, { ttlSeconds: 86_400, maxRawBodyBytes: 21 * 1024 ** 2 }))
 */
export function idempotency(db: Db, opts: IdempotencyOptions): RequestHandler {
  const leaseSeconds = opts.leaseSeconds ?? 300
  const maxAnswerBytes = opts.maxAnswerBytes ?? 16 * 1024 ** 2
  return async (req, res, next) => {
    const header = req.headersDistinct['idempotency-key']
    if (!header || !takesKey(req.method, req.originalUrl)) return next()
    const auth = authOf(req)
    if (!auth) return next()
    const read = readIdempotencyKey(header)
    if (read === null) return next()
    if ('error' in read)
      throw new HttpError(400, `invalid header: ${IDEMPOTENCY_HEADER}: ${read.error}`, [
        { where: `headers.${IDEMPOTENCY_HEADER}`, message: read.error },
      ])
    const request = {
      owner: keyOwner({ method: auth.method, userId: auth.user.id }, actorOf(req)),
      key: read.key,
      method: req.method,
      path: req.originalUrl,
      fingerprint: await fingerprintOf(req, opts.maxRawBodyBytes),
    }
    const claim = await claimKey(db.sql, request, opts.ttlSeconds, leaseSeconds)
    if (claim.kind === 'taken') {
      const outcome = retryOutcome(claim.entry, request)
      if (outcome === 'mismatch') {
        const first = `${claim.entry.method} ${claim.entry.path}`
        throw new HttpError(
          422,
          `${IDEMPOTENCY_HEADER} was already used for another request (${first}${first === `${request.method} ${request.path}` ? ' with another body' : ''}): send a new key for a new request`,
          [{ where: `headers.${IDEMPOTENCY_HEADER}`, message: 'already used for another request' }],
        )
      }
      if (outcome === 'in_flight' || !claim.answer) {
        res.setHeader('Retry-After', '1')
        throw new HttpError(409, `a request with this ${IDEMPOTENCY_HEADER} is still being processed: retry when it is done`)
      }
      replay(res, claim.answer)
      return
    }
    await pruneExpiredKeys(db.sql)
    holdAnswer(res, maxAnswerBytes, async (answer) => {
      try {
        if (answer && storesAnswer(answer.status)) await storeAnswer(db.sql, request.owner, request.key, claim.claim, answer)
        else await releaseKey(db.sql, request.owner, request.key, claim.claim)
      } catch (err) {
        // The answer still goes out; the key is freed, so a retry runs again.
        logFor(req).error({ err }, 'idempotency: could not store the answer')
        await releaseKey(db.sql, request.owner, request.key, claim.claim).catch(() => undefined)
      }
    })
    next()
  }
}
