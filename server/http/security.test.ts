import type { AddressInfo } from 'node:net'

import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { corsPolicy } from './security.ts'

describe('corsPolicy', () => {
  let server: ReturnType<express.Express['listen']>
  let base = ''
  beforeAll(async () => {
    const app = express()
    app.use(corsPolicy({ CORS_ORIGINS: ['https://phone.example'] }))
    app.post('/api/things', (_req, res) => {
      res.setHeader('Idempotent-Replayed', 'true')
      res.json({ ok: true })
    })
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve())
    })
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('lets an allowed origin send Idempotency-Key and read Idempotent-Replayed', async () => {
    const pre = await fetch(`${base}/api/things`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://phone.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'idempotency-key',
      },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-headers')?.split(',')).toContain('idempotency-key')
    const res = await fetch(`${base}/api/things`, { method: 'POST', headers: { origin: 'https://phone.example' } })
    expect(res.headers.get('access-control-expose-headers')).toBe('idempotent-replayed')
  })
})
