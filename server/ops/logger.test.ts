import http from 'node:http'
import type { AddressInfo } from 'node:net'

import express, { Router } from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { errorHandler, HttpError, notFound } from '../http/errors.ts'
import { createLogger, requestIdFrom, requestLogging } from './logger.ts'
import { counter, countIngested, httpMetrics, recordModelRun, recordTileCache, registry } from './metrics.ts'

/** The value of one series in Prometheus text, or null when absent. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : null
}

interface LogLine {
  time: string
  level: string
  msg: string
  requestId?: string
  method?: string
  route?: string
  path?: string
  status?: number
  durationMs?: number
  bytes?: number
  err?: { message: string; stack: string }
}

describe('requestIdFrom', () => {
  it('keeps a plain client id and replaces anything else with a UUID', () => {
    expect(requestIdFrom('abc-123.X:9_z')).toBe('abc-123.X:9_z')
    expect(requestIdFrom(['first', 'second'])).toBe('first')
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    expect(requestIdFrom(undefined)).toMatch(uuid)
    expect(requestIdFrom('')).toMatch(uuid)
    expect(requestIdFrom('has space')).toMatch(uuid)
    expect(requestIdFrom('x'.repeat(129))).toMatch(uuid)
    expect(requestIdFrom('{"json":1}')).toMatch(uuid)
  })
})

describe('request logging and HTTP metrics', () => {
  const lines: LogLine[] = []
  let server: http.Server
  let base = ''

  beforeAll(async () => {
    const logger = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) })
    const app = express()
    app.use(requestLogging(logger), httpMetrics())
    const router = Router()
    router.get('/api/things/:id', (req, res) => {
      if (req.params.id === 'boom') throw new Error('kaput')
      if (req.params.id === 'missing') throw new HttpError(404, 'no such thing')
      res.json({ id: req.params.id, padding: 'x'.repeat(1000) })
    })
    app.use(router)
    app.use('/api', notFound)
    app.use(errorHandler)
    server = http.createServer(app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  it('writes one JSON line per request with the client request id, route pattern, status, duration and bytes', async () => {
    const res = await fetch(`${base}/api/things/42?q=secret`, { headers: { 'x-request-id': 'trace-abc-1' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBe('trace-abc-1')
    await res.text()
    const line = lines.find((l) => l.requestId === 'trace-abc-1')
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      route: '/api/things/:id',
      path: '/api/things/42',
      status: 200,
    })
    expect(new Date(line!.time).toISOString()).toBe(line!.time)
    expect(line!.durationMs).toBeGreaterThanOrEqual(0)
    expect(line!.bytes).toBeGreaterThan(1000) // body plus headers
    expect(JSON.stringify(line)).not.toContain('secret') // the query string is not logged
    expect(lines.filter((l) => l.requestId === 'trace-abc-1')).toHaveLength(1)
  })

  it('generates an id when the client sends none or a bad one, and answers it', async () => {
    const res = await fetch(`${base}/api/things/7`, { headers: { 'x-request-id': 'not ok!' } })
    const id = res.headers.get('x-request-id')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(lines.find((l) => l.requestId === id)).toMatchObject({ route: '/api/things/:id', status: 200 })
  })

  it('logs a server error with its stack under the request id, then the request line at error level', async () => {
    const res = await fetch(`${base}/api/things/boom`, { headers: { 'x-request-id': 'err-1' } })
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: 'internal server error' })
    const mine = lines.filter((l) => l.requestId === 'err-1')
    expect(mine.map((l) => [l.level, l.msg])).toEqual([
      ['error', 'request failed'],
      ['error', 'request'],
    ])
    expect(mine[0]!.err!.message).toBe('kaput')
    expect(mine[0]!.err!.stack).toMatch(/kaput\n\s+at /)
    expect(mine[1]).toMatchObject({ status: 500, route: '/api/things/:id' })
    expect(mine[1]!.err).toBeUndefined() // the stack is logged once
  })

  it('logs client errors at warn, unmatched paths under one route label', async () => {
    await (await fetch(`${base}/api/things/missing`, { headers: { 'x-request-id': 'c4xx' } })).text()
    await (await fetch(`${base}/api/nowhere/${Date.now()}`, { headers: { 'x-request-id': 'c404' } })).text()
    expect(lines.find((l) => l.requestId === 'c4xx')).toMatchObject({ level: 'warn', status: 404, route: '/api/things/:id' })
    expect(lines.find((l) => l.requestId === 'c404')).toMatchObject({ level: 'warn', status: 404, route: 'unmatched' })
  })

  it('counts requests and latency per route pattern and status class', async () => {
    for (const id of ['a', 'b', 'c']) await (await fetch(`${base}/api/things/${id}`)).text()
    const text = await registry.metrics()
    // 42, 7, a, b, c (the earlier tests ran first, in order)
    expect(sample(text, 'onemap_http_requests_total{method="GET",route="/api/things/:id",status_class="2xx"}')).toBe(5)
    expect(sample(text, 'onemap_http_requests_total{method="GET",route="/api/things/:id",status_class="5xx"}')).toBe(1)
    expect(sample(text, 'onemap_http_requests_total{method="GET",route="/api/things/:id",status_class="4xx"}')).toBe(1)
    expect(sample(text, 'onemap_http_requests_total{method="GET",route="unmatched",status_class="4xx"}')).toBe(1)
    expect(sample(text, 'onemap_http_request_duration_seconds_count{method="GET",route="/api/things/:id",status_class="2xx"}')).toBe(5)
    expect(
      sample(text, 'onemap_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/things/:id",status_class="2xx"}'),
    ).toBe(5)
    expect(sample(text, 'onemap_http_requests_in_flight')).toBe(0)
    // No raw URLs in the labels.
    expect(text).not.toMatch(/route="\/api\/things\/(42|a|b|c)"/)
  })
})

describe('metric helpers', () => {
  it('count ingest results, model runs and the tile cache hit ratio', async () => {
    countIngested('api', [{ status: 'created' }, { status: 'created' }, { status: 'updated' }])
    countIngested('csv', [{ status: 'unchanged' }])
    recordModelRun('hotspot', 'done', 1.5)
    recordModelRun('hotspot', 'failed', 0.2)
    recordTileCache(true)
    recordTileCache(true)
    recordTileCache(true)
    recordTileCache(false)
    const text = await registry.metrics()
    expect(sample(text, 'onemap_incidents_ingested_total{path="api",result="created"}')).toBe(2)
    expect(sample(text, 'onemap_incidents_ingested_total{path="api",result="updated"}')).toBe(1)
    expect(sample(text, 'onemap_incidents_ingested_total{path="csv",result="unchanged"}')).toBe(1)
    expect(sample(text, 'onemap_model_runs_total{model="hotspot",outcome="done"}')).toBe(1)
    expect(sample(text, 'onemap_model_runs_total{model="hotspot",outcome="failed"}')).toBe(1)
    expect(sample(text, 'onemap_model_run_duration_seconds_sum{model="hotspot"}')).toBeCloseTo(1.7)
    expect(sample(text, 'onemap_tile_cache_lookups_total{result="hit"}')).toBe(3)
    expect(sample(text, 'onemap_tile_cache_hit_ratio')).toBe(0.75)
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0)
  })

  it('let other modules register their own series, once per name', async () => {
    const c = counter('onemap_test_things_total', 'Things', ['kind'])
    expect(counter('onemap_test_things_total', 'Things', ['kind'])).toBe(c)
    c.inc({ kind: 'x' }, 4)
    expect(sample(await registry.metrics(), 'onemap_test_things_total{kind="x"}')).toBe(4)
    expect(() => counter('things_total', 'no prefix')).toThrow(/onemap_/)
  })
})
