import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'

/** The value of one series in Prometheus text, or null when absent. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : null
}

describe(`GET /metrics (${TEST_KIND})`, () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ seed: 'none', web: false })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('serves Prometheus text with request, ingest and database series', async () => {
    // Counters are per process (as Prometheus expects), and other test files may share it: count from here.
    const before = await (await fetch(`${s.url}/metrics`)).text()
    const added = (text: string, series: string) => (sample(text, series) ?? 0) - (sample(before, series) ?? 0)
    await (await fetch(`${s.url}/api/health`)).text()
    await (await fetch(`${s.url}/api/areas/330109999999`)).text() // 404 from a matched route
    const post = await fetch(`${s.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'metrics-post-1' },
      body: JSON.stringify([
        { incident_id: 'M-1', reported_at: '2026-10-01T08:00:00+08:00', category: '0101', address: '萧山区', lng: 120.27, lat: 30.16 },
        { incident_id: 'M-2', reported_at: '2026-10-01T09:00:00+08:00', category: '0101', address: '萧山区', lng: 120.28, lat: 30.17 },
      ]),
    })
    expect(post.status).toBe(201)
    expect(post.headers.get('x-request-id')).toBe('metrics-post-1')

    const res = await fetch(`${s.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(added(text, 'onemap_http_requests_total{method="GET",route="/api/health",status_class="2xx"}')).toBe(1)
    expect(added(text, 'onemap_http_requests_total{method="GET",route="/api/areas/:code",status_class="4xx"}')).toBe(1)
    expect(added(text, 'onemap_http_requests_total{method="POST",route="/api/incidents",status_class="2xx"}')).toBe(1)
    expect(added(text, 'onemap_incidents_ingested_total{path="api",result="created"}')).toBe(2)
    expect(text).toContain(`onemap_db_info{kind="${TEST_KIND}",`)
    expect(sample(text, 'onemap_db_connections_max')).toBe(TEST_KIND === 'native' ? 10 : 1)
    expect(text).toContain('# TYPE onemap_tile_cache_hit_ratio gauge')
    expect(text).toContain('# TYPE onemap_model_runs_total counter')
    if (TEST_KIND === 'native') expect(text).toContain('# TYPE onemap_db_sessions gauge')

    // The scrape itself shows up in the next one.
    const again = await (await fetch(`${s.url}/metrics`)).text()
    const scrapes = 'onemap_http_requests_total{method="GET",route="/metrics",status_class="2xx"}'
    expect(added(again, scrapes) - added(text, scrapes)).toBe(1)
  })
})
