import { describe, expect, it } from 'vitest'

import {
  canonicalJson,
  jsonFingerprint,
  keyOwner,
  multipartBoundary,
  rawFingerprint,
  readIdempotencyKey,
  retryOutcome,
  storesAnswer,
} from './key.ts'

describe('readIdempotencyKey', () => {
  it('takes a bare key (as Stripe) or an sf-string (as the IETF draft)', () => {
    expect(readIdempotencyKey(['8e03978e-40d5-43e8-bc93-6894a57f9324'])).toEqual({ key: '8e03978e-40d5-43e8-bc93-6894a57f9324' })
    expect(readIdempotencyKey(['"8e03978e-40d5-43e8-bc93-6894a57f9324"'])).toEqual({ key: '8e03978e-40d5-43e8-bc93-6894a57f9324' })
    expect(readIdempotencyKey(['x'])).toEqual({ key: 'x' })
    expect(readIdempotencyKey(['k'.repeat(255)])).toEqual({ key: 'k'.repeat(255) })
  })
  it('is null without the header', () => {
    expect(readIdempotencyKey(undefined)).toBeNull()
    expect(readIdempotencyKey([])).toBeNull()
  })
  it('refuses empty, too long, spaces, control and non-ASCII characters, and two headers, naming the header', () => {
    for (const bad of ['', '""', 'k'.repeat(256), 'a b', 'tab\there', '任务-1', 'del\x7f']) {
      const r = readIdempotencyKey([bad])
      expect(r, bad).toHaveProperty('error')
      expect((r as { error: string }).error, bad).toContain('Idempotency-Key')
    }
    expect(readIdempotencyKey(['a', 'b'])).toEqual({ error: 'send one Idempotency-Key header, not 2' })
  })
})

describe('fingerprints', () => {
  it('canonicalJson orders keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}')
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}')
    expect(canonicalJson('田')).toBe('"田"')
  })
  it('the same JSON body in another key order is the same request; another value is not', () => {
    expect(jsonFingerprint({ to: 'accepted', comment: '到' })).toBe(jsonFingerprint({ comment: '到', to: 'accepted' }))
    expect(jsonFingerprint({ to: 'accepted' })).not.toBe(jsonFingerprint({ to: 'in_progress' }))
    expect(jsonFingerprint(undefined)).toMatch(/^[0-9a-f]{64}$/)
    expect(jsonFingerprint(undefined)).not.toBe(jsonFingerprint({}))
  })
  it('reads the multipart boundary, quoted or not', () => {
    expect(multipartBoundary('multipart/form-data; boundary=----WebKitFormBoundaryX1')).toBe('----WebKitFormBoundaryX1')
    expect(multipartBoundary('multipart/form-data; boundary="a b"; charset=utf-8')).toBe('a b')
    expect(multipartBoundary('application/json')).toBeNull()
    expect(multipartBoundary(undefined)).toBeNull()
  })
  it('a multipart form built again with a new boundary is the same request; another file is not', () => {
    const form = (boundary: string, content: string) =>
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n${content}\r\n--${boundary}--\r\n`,
      )
    const a = rawFingerprint(form('XaX', 'photo'), 'multipart/form-data; boundary=XaX')
    expect(rawFingerprint(form('----b2', 'photo'), 'multipart/form-data; boundary=----b2')).toBe(a)
    expect(rawFingerprint(form('XaX', 'other'), 'multipart/form-data; boundary=XaX')).not.toBe(a)
    // Not multipart: the bytes as they are.
    expect(rawFingerprint(Buffer.from('--XaX'), 'text/plain')).not.toBe(rawFingerprint(Buffer.from('--XbX'), 'text/plain'))
  })
})

describe('retryOutcome', () => {
  const stored = { state: 'done' as const, method: 'POST', path: '/api/tasks/5/transitions', fingerprint: 'f' }
  it('replays the same request, 409s one still running, 422s another request', () => {
    expect(retryOutcome(stored, { method: 'POST', path: '/api/tasks/5/transitions', fingerprint: 'f' })).toBe('replay')
    expect(retryOutcome({ ...stored, state: 'running' }, { method: 'POST', path: '/api/tasks/5/transitions', fingerprint: 'f' })).toBe(
      'in_flight',
    )
    expect(retryOutcome(stored, { method: 'POST', path: '/api/tasks/5/transitions', fingerprint: 'g' })).toBe('mismatch')
    expect(retryOutcome(stored, { method: 'POST', path: '/api/tasks/6/transitions', fingerprint: 'f' })).toBe('mismatch')
    expect(retryOutcome(stored, { method: 'PATCH', path: '/api/tasks/5/transitions', fingerprint: 'f' })).toBe('mismatch')
    // Another request is a mistake even while the first still runs.
    expect(retryOutcome({ ...stored, state: 'running' }, { method: 'POST', path: '/api/hazards', fingerprint: 'f' })).toBe('mismatch')
  })
})

describe('storesAnswer', () => {
  it('keeps successes and refusals, not 429 or server errors', () => {
    for (const s of [200, 201, 204, 400, 403, 404, 409, 413, 415]) expect(storesAnswer(s), String(s)).toBe(true)
    for (const s of [429, 500, 502, 503]) expect(storesAnswer(s), String(s)).toBe(false)
  })
})

describe('keyOwner', () => {
  it('is the user, or with anonymous access the named actor', () => {
    expect(keyOwner({ method: 'session', userId: '7' }, 'wang')).toBe('user:7')
    expect(keyOwner({ method: 'api-key', userId: '7' }, 'wang')).toBe('user:7')
    expect(keyOwner({ method: 'anonymous', userId: '0' }, 'wang')).toBe('anonymous:wang')
  })
})
