/**
 * A request body read ahead of its route: middleware that must see the bytes before the handler
 * (server/idempotency/ fingerprints them) reads them here, and routes that parse the body as a
 * stream themselves (multipart uploads, busboy) read it through `bodyStream`, which gives the
 * bytes already read, or the request itself when nothing read them.
 */
import { Readable } from 'node:stream'

import type { Request } from 'express'

import { HttpError } from './errors.ts'

const buffered = new WeakMap<Request, Buffer>()

/**
 * True when a request carries a body (a length above 0, or chunked), as body parsers judge it.
 * @example hasBody({ 'content-length': '0' }) // false
 */
export function hasBody(headers: { 'content-length'?: string | undefined; 'transfer-encoding'?: string | undefined }): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0')
}

/**
 * Reads a request's whole body into memory, at most `maxBytes` (413 with `tooBig` beyond), and
 * keeps it for `bodyStream`. A body declared larger is refused before anything is read.
 * @example const bytes = await readBody(req, 21 * 1024 ** 2, 'the upload is too large')
 */
export async function readBody(req: Request, maxBytes: number, tooBig: string): Promise<Buffer> {
  const kept = buffered.get(req)
  if (kept) return kept
  if (Number(req.get('content-length') ?? 0) > maxBytes) {
    req.resume()
    throw new HttpError(413, tooBig)
  }
  const chunks: Buffer[] = []
  let size = 0
  // By events, not `for await`: leaving that loop early destroys the socket, and the client would
  // never read the 413. Past the limit the rest is read and dropped while the answer goes out.
  await new Promise<void>((resolve, reject) => {
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) chunks.push(chunk)
      else {
        chunks.length = 0
        reject(new HttpError(413, tooBig)) // once: a settled promise ignores the rest
      }
    })
    req.on('end', () => resolve())
    req.on('error', reject)
  })
  const bytes = Buffer.concat(chunks)
  buffered.set(req, bytes)
  return bytes
}

/**
 * The request's body as a stream: the bytes `readBody` already read, else the request.
 * @example bodyStream(req).pipe(busboy({ headers: req.headers }))
 */
export function bodyStream(req: Request): Readable {
  const kept = buffered.get(req)
  return kept ? Readable.from([kept]) : req
}
