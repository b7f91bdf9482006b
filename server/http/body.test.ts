import { PassThrough } from 'node:stream'

import type { Request } from 'express'
import { describe, expect, it } from 'vitest'

import { bodyStream, hasBody, readBody } from './body.ts'
import { HttpError } from './errors.ts'

/** A request-like stream with these headers that sends these chunks. */
function fakeRequest(chunks: string[], headers: Record<string, string> = {}): Request {
  const s = new PassThrough()
  const req = Object.assign(s, { headers, get: (name: string) => headers[name.toLowerCase()] }) as unknown as Request
  setImmediate(() => {
    for (const c of chunks) s.write(c)
    s.end()
  })
  return req
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = ''
  for await (const c of stream) out += String(c)
  return out
}

describe('hasBody', () => {
  it('is true for a length above 0 or a chunked body', () => {
    expect(hasBody({ 'content-length': '0' })).toBe(false)
    expect(hasBody({})).toBe(false)
    expect(hasBody({ 'content-length': '12' })).toBe(true)
    expect(hasBody({ 'transfer-encoding': 'chunked' })).toBe(true)
  })
})

describe('readBody and bodyStream', () => {
  it('reads the body once, and the route reads the same bytes back', async () => {
    const req = fakeRequest(['ab', 'cd'])
    expect(String(await readBody(req, 10, 'too big'))).toBe('abcd')
    expect(String(await readBody(req, 10, 'too big'))).toBe('abcd')
    expect(await text(bodyStream(req))).toBe('abcd')
  })
  it('is the request itself when nothing read it ahead', async () => {
    const req = fakeRequest(['xyz'])
    expect(bodyStream(req)).toBe(req)
    expect(await text(bodyStream(req))).toBe('xyz')
  })
  it('refuses a body over the limit with 413, declared or sent', async () => {
    await expect(readBody(fakeRequest(['abc'], { 'content-length': '3' }), 2, 'too big')).rejects.toThrow(HttpError)
    const err = await readBody(fakeRequest(['ab', 'cd']), 3, 'too big').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HttpError)
    expect((err as HttpError).status).toBe(413)
    expect((err as HttpError).message).toBe('too big')
  })
})
