import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

import type { Feature, FeatureCollection, Point } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { CONFORMANCE } from './documents.ts'
import { insertIncidents } from './fixtures.ts'

const run = promisify(execFile)

interface Link {
  href: string
  rel: string
  type?: string
}
type Page = FeatureCollection & { numberMatched: number; numberReturned: number; links: Link[]; timeStamp: string }

const N = 600
const TOWN_BBOX = [120.25, 30.1, 120.3, 30.2] as const

describe(`OGC API – Features (${TEST_KIND})`, () => {
  let s: TestServer
  let town: string
  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    // 600 incidents 37 minutes apart from 1 October (Shanghai), ~15 days; two unplaced; one with microseconds.
    await insertIncidents(s.db.sql, 'ogc-', N, '2026-10-01T00:00:00+08:00', 37 * 60)
    await s.db.sql`
      INSERT INTO incidents (incident_id, reported_at, category_code) VALUES
        ('ogc-unplaced-1', '2026-10-03T10:00:00+08:00', '0101'),
        ('ogc-unplaced-2', '2026-10-04T10:00:00+08:00', '0201'),
        ('ogc-micro', '2026-10-05T12:00:00.123456+08:00', '0301')`
    const [t] = await s.db.sql<
      { town_code: string }[]
    >`SELECT town_code FROM incidents WHERE town_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`
    town = t!.town_code
  }, 300_000)
  afterAll(async () => {
    await s?.close()
  })

  const get = (p: string, init?: RequestInit) => fetch(`${s.url}${p}`, init)
  const json = async <T>(p: string): Promise<T> => {
    const res = await get(p)
    expect(res.status, `${p}: ${res.status}`).toBe(200)
    return (await res.json()) as T
  }
  const count = async (where: (sql: TestServer['db']['sql']) => ReturnType<TestServer['db']['sql']>) => {
    const [r] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents WHERE true ${where(s.db.sql)}`
    return r!.n
  }
  const allIncidents = () => count((sql) => sql``)

  it('has a landing page linking the API definition, conformance and collections', async () => {
    const res = await get('/ogc')
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const landing = (await res.json()) as { title: string; links: Link[] }
    const rel = (r: string) => landing.links.find((l) => l.rel === r)
    expect(rel('self')?.href).toBe(`${s.url}/ogc`)
    expect(rel('service-desc')).toMatchObject({ href: `${s.url}/ogc/api`, type: 'application/vnd.oai.openapi+json;version=3.0' })
    expect(rel('conformance')?.href).toBe(`${s.url}/ogc/conformance`)
    expect(rel('data')?.href).toBe(`${s.url}/ogc/collections`)
  })

  it('declares core, GeoJSON and OpenAPI 3.0 conformance (and Part 3 queryables)', async () => {
    const { conformsTo } = await json<{ conformsTo: string[] }>('/ogc/conformance')
    expect(conformsTo).toEqual(
      expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
      ]),
    )
    expect(conformsTo).toEqual([...CONFORMANCE])
  })

  it('serves an OpenAPI 3.0 document describing every collection and its parameters (oas30)', async () => {
    const res = await get('/ogc/api')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oai\.openapi\+json;\s*version=3\.0/)
    const api = (await res.json()) as {
      openapi: string
      servers: { url: string }[]
      paths: Record<string, { get: { parameters: ({ $ref: string } | { name: string })[] } }>
      components: { parameters: Record<string, { schema: { maximum?: number; default?: number } }> }
    }
    expect(api.openapi).toMatch(/^3\.0\./)
    expect(api.servers[0]!.url).toBe(`${s.url}/ogc`)
    // Clients learn how to log in: Basic with an API key (QGIS, GDAL) or a Bearer token.
    const secured = api as unknown as {
      security: Record<string, string[]>[]
      components: { securitySchemes: Record<string, { type: string; scheme: string }> }
    }
    expect(secured.components.securitySchemes.basicApiKey).toMatchObject({ type: 'http', scheme: 'basic' })
    expect(secured.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(secured.security).toContainEqual({ basicApiKey: [] })
    for (const p of ['/', '/conformance', '/collections', '/collections/towns/items', '/collections/incidents/items/{featureId}'])
      expect(api.paths).toHaveProperty([p])
    const params = api.paths['/collections/incidents/items']!.get.parameters.map((p) => ('name' in p ? p.name : p.$ref.split('/').pop()))
    expect(params).toEqual(expect.arrayContaining(['limit', 'bbox', 'datetime', 'properties', 'category', 'area', 'cursor']))
    expect(api.components.parameters.limit!.schema).toMatchObject({ maximum: 10_000, default: 1_000 })
    // Every $ref resolves.
    const text = JSON.stringify(api)
    for (const [, path] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      const target = path!.split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], api)
      expect(target, path).toBeDefined()
    }
  })

  it('lists the admin levels and incidents as collections with extents and links', async () => {
    const body = await json<{
      collections: { id: string; extent: { spatial: { bbox: number[][] }; temporal?: { interval: (string | null)[][] } }; links: Link[] }[]
    }>('/ogc/collections')
    expect(body.collections.map((c) => c.id)).toEqual([
      'towns',
      'villages',
      'grids',
      'microgrids',
      'incidents',
      'warnings',
      'hazards',
      'tasks',
      'houses',
      'organisations',
      'disputes',
      'patrols',
      'devices',
    ])
    for (const c of body.collections) {
      expect(c.links.find((l) => l.rel === 'items')).toMatchObject({
        href: `${s.url}/ogc/collections/${c.id}/items`,
        type: 'application/geo+json',
      })
      const [x0, y0, x1, y1] = c.extent.spatial.bbox[0]!
      expect(x0).toBeGreaterThan(119.9)
      expect(x1).toBeLessThan(120.8)
      expect(y0).toBeGreaterThan(29.7)
      expect(y1).toBeLessThan(30.5)
    }
    const incidents = body.collections.find((c) => c.id === 'incidents')!
    expect(incidents.extent.temporal!.interval[0]![0]).toBe('2026-09-30T16:37:00.000Z')
    const one = await json<{ id: string }>('/ogc/collections/towns')
    expect(one.id).toBe('towns')
    const q = await json<{ properties: Record<string, unknown> }>('/ogc/collections/incidents/queryables')
    expect(Object.keys(q.properties)).toEqual([
      'category',
      'area',
      'status',
      'source',
      'geocodeLevel',
      'townCode',
      'villageCode',
      'gridCode',
    ])
  })

  it('answers items with numberMatched, numberReturned, links and the default limit of 1,000', async () => {
    const res = await get('/ogc/collections/incidents/items')
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/)
    const page = (await res.json()) as Page
    expect(page.type).toBe('FeatureCollection')
    const total = await allIncidents()
    expect(total).toBeLessThan(1_000)
    expect(page.numberReturned).toBe(total)
    expect(page.features).toHaveLength(total)
    expect(page.numberMatched).toBe(total)
    expect(page.links.find((l) => l.rel === 'self')?.type).toBe('application/geo+json')
    expect(page.links.find((l) => l.rel === 'next')).toBeUndefined()
    // A small first page's next link asks for a full page.
    const small = await json<Page>('/ogc/collections/incidents/items?limit=10')
    expect(small.numberReturned).toBe(10)
    const next = new URL(small.links.find((l) => l.rel === 'next')!.href)
    expect(next.searchParams.get('cursor')).toBeTruthy()
    expect(next.searchParams.get('limit')).toBe('1000')
    const rest = await json<Page>(next.pathname + next.search)
    expect(rest.numberReturned).toBe(total - 10)
    const f = page.features[0]!
    expect(typeof f.id).toBe('number')
    expect(f.geometry?.type).toBe('Point')
    expect(Object.keys(f.properties!)).toContain('reportedAt')
    const towns = await json<Page>('/ogc/collections/towns/items?limit=100')
    expect(towns.numberMatched).toBe(27)
    expect(towns.features).toHaveLength(27)
    expect(towns.links.find((l) => l.rel === 'next')).toBeUndefined()
    expect(towns.features[0]!.geometry!.type).toBe('MultiPolygon')
  })

  it('pages by key: every row exactly once while rows are appended between pages', async () => {
    const seen: number[] = []
    let url: string | undefined = `${s.url}/ogc/collections/incidents/items?limit=50&properties=incidentId`
    let pages = 0
    let appended = 0
    while (url && pages < 1_000) {
      const res = await fetch(url)
      expect(res.status).toBe(200)
      const page = (await res.json()) as Page
      seen.push(...page.features.map((f) => Number(f.id)))
      // The client keeps its page size (a next link alone would ask for full pages of 1,000).
      const next = page.links.find((l) => l.rel === 'next')?.href
      url = next ? next.replace(/([?&]limit=)\d+/, '$150') : undefined
      pages++
      if (pages <= 6) {
        // New reports arrive while a client pages: offset paging would shift rows across pages.
        await insertIncidents(s.db.sql, `ogc-append-${pages}-`, 5, '2026-10-20T00:00:00+08:00', 60)
        appended += 5
      }
    }
    expect(appended).toBe(30)
    expect(new Set(seen).size).toBe(seen.length)
    const ids = (await s.db.sql<{ id: string }[]>`SELECT id FROM incidents ORDER BY id`).map((r) => Number(r.id))
    // Appended rows sort after the cursor (ids only grow), so the walk also ends with all of them.
    expect(seen).toEqual(ids)
  })

  it('filters by datetime: instants, days, closed intervals and open ends', async () => {
    const matched = async (q: string) => (await json<Page>(`/ogc/collections/incidents/items?limit=1&${q}`)).numberMatched
    const micro = await json<Page>('/ogc/collections/incidents/items?datetime=2026-10-05T04:00:00.123456Z')
    expect(micro.features.map((f) => f.properties!.incidentId)).toEqual(['ogc-micro'])
    expect((await json<Page>('/ogc/collections/incidents/items?datetime=2026-10-05T04:00:00.123Z')).numberMatched).toBe(0)

    const day = await count((sql) => sql`AND reported_at >= '2026-10-03T00:00:00+08:00' AND reported_at < '2026-10-04T00:00:00+08:00'`)
    expect(day).toBeGreaterThan(30)
    expect(await matched('datetime=2026-10-03')).toBe(day)
    // A closed interval of dates includes its last day; of instants, its last instant.
    const days = await count((sql) => sql`AND reported_at >= '2026-10-03T00:00:00+08:00' AND reported_at < '2026-10-06T00:00:00+08:00'`)
    expect(await matched('datetime=2026-10-03/2026-10-05')).toBe(days)
    const [edge] = await s.db.sql<
      { at: string }[]
    >`SELECT to_char(reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at FROM incidents WHERE incident_id = 'ogc-100'`
    const upTo = await count((sql) => sql`AND reported_at <= ${edge!.at}::timestamptz`)
    expect(await matched(`datetime=../${edge!.at}`)).toBe(upTo)
    expect(await matched(`datetime=${encodeURIComponent(`2026-10-01T00:00:00+08:00/${edge!.at}`)}`)).toBe(upTo)
    const from = await count((sql) => sql`AND reported_at >= ${edge!.at}::timestamptz`)
    expect(await matched(`datetime=${edge!.at}/..`)).toBe(from)
    expect(await matched(`datetime=${edge!.at}/`)).toBe(from)
    for (const bad of ['2026-10-05/2026-10-01', 'yesterday', '2026-10-01T08:00:00', '2026-10-01/x', '2026-11-01T', '2026-10-01T08:00Z']) {
      expect((await get(`/ogc/collections/incidents/items?datetime=${bad}`)).status, bad).toBe(400)
    }
    expect((await get('/ogc/collections/towns/items?datetime=2026-10-01')).status).toBe(400)
  })

  it('filters by bbox (4 or 6 numbers) to exactly the features inside', async () => {
    const [x0, y0, x1, y1] = TOWN_BBOX
    const inside = await count((sql) => sql`AND ST_Intersects(geom, ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, 4326))`)
    expect(inside).toBeGreaterThan(0)
    const page = await json<Page>(`/ogc/collections/incidents/items?limit=10000&bbox=${TOWN_BBOX.join(',')}`)
    expect(page.numberMatched).toBe(inside)
    expect(page.features).toHaveLength(inside)
    for (const f of page.features) {
      const [x, y] = (f.geometry as Point).coordinates as [number, number]
      expect(x >= x0 && x <= x1 && y >= y0 && y <= y1).toBe(true)
    }
    expect((await json<Page>(`/ogc/collections/incidents/items?bbox=${x0},${y0},-100,${x1},${y1},100`)).numberMatched).toBe(inside)
    const towns = await json<Page>(`/ogc/collections/towns/items?bbox=${TOWN_BBOX.join(',')}`)
    expect(towns.numberMatched).toBeGreaterThan(0)
    expect(towns.numberMatched).toBeLessThan(27)
    for (const bad of ['1,2,3', '121,30,120,31', '120,30,121,95', 'a,b,c,d'])
      expect((await get(`/ogc/collections/incidents/items?bbox=${bad}`)).status, bad).toBe(400)
  })

  it('returns only the properties asked for with properties=', async () => {
    const page = await json<Page>('/ogc/collections/incidents/items?limit=3&properties=category,reportedAt')
    for (const f of page.features) expect(Object.keys(f.properties!).sort()).toEqual(['category', 'reportedAt'])
    const none = await json<Page>('/ogc/collections/towns/items?limit=2&properties=')
    expect(none.features[0]!.properties).toEqual({})
    const one = await json<Feature>('/ogc/collections/towns/items/330109001?properties=name')
    expect(one.properties).toEqual({ name: '城厢街道' })
    expect((await get('/ogc/collections/incidents/items?properties=nope')).status).toBe(400)
  })

  it('filters incidents by category and area (the queryables), as the map does', async () => {
    const page = await json<Page>(`/ogc/collections/incidents/items?limit=10000&category=01&area=${town}`)
    const expected = await count((sql) => sql`AND category_code LIKE '01%' AND town_code = ${town}`)
    expect(expected).toBeGreaterThan(0)
    expect(page.numberMatched).toBe(expected)
    expect(page.features.every((f) => String(f.properties!.category).startsWith('01') && f.properties!.townCode === town)).toBe(true)
    const villages = await json<Page>('/ogc/collections/villages/items?limit=100&area=330109001')
    expect(villages.numberMatched).toBe(36)
    expect((await get('/ogc/collections/incidents/items?category=99')).status).toBe(400)
    expect((await get('/ogc/collections/incidents/items?area=123456789')).status).toBe(404)
  })

  it('answers the documents with the filter parameters a QGIS 3.22 base URL carries, and refuses other parameters', async () => {
    // QGIS before 3.28 pushes a filter only by the data source URL (`url='…/ogc?status=open'`), and
    // sends it with every request it makes.
    for (const doc of [
      '/ogc',
      '/ogc/api',
      '/ogc/conformance',
      '/ogc/collections',
      '/ogc/collections/incidents',
      '/ogc/collections/incidents/queryables',
    ]) {
      expect((await get(`${doc}?status=open&townCode=330109001`)).status, doc).toBe(200)
      expect((await get(`${doc}?colour=red`)).status, doc).toBe(400)
    }
    const open = await json<Page>('/ogc/collections/incidents/items?limit=10000&status=open')
    expect(open.features.length).toBeGreaterThan(0)
    expect(open.features.every((f) => f.properties?.status === 'open')).toBe(true)
  })

  it('refuses limits out of bounds and unknown parameters with 400; unknown collections and features with 404', async () => {
    for (const limit of ['0', '-5', '1.5', 'many']) {
      const res = await get(`/ogc/collections/incidents/items?limit=${limit}`)
      expect(res.status, limit).toBe(400)
      expect(((await res.json()) as { error: string }).error).toMatch(/limit/)
    }
    expect((await json<Page>('/ogc/collections/incidents/items?limit=10000')).numberReturned).toBe(Math.min(10_000, await allIncidents()))
    // Over the maximum is read as the maximum (Part 1), not refused.
    expect((await json<Page>('/ogc/collections/incidents/items?limit=10001')).numberReturned).toBe(Math.min(10_000, await allIncidents()))
    expect((await get('/ogc/collections/incidents/items?colour=red')).status).toBe(400)
    expect((await get('/ogc/collections/towns/items?category=01')).status).toBe(400)
    expect((await get('/ogc/collections/incidents/items?f=html')).status).toBe(400)
    expect((await get('/ogc/collections/incidents/items?cursor=!!')).status).toBe(400)
    expect((await get('/ogc/collections/parcels')).status).toBe(404)
    expect((await get('/ogc/collections/parcels/items')).status).toBe(404)
    expect((await get('/ogc/collections/incidents/items/999999999')).status).toBe(404)
    expect((await get('/ogc/collections/incidents/items/not-a-number')).status).toBe(404)
    expect((await get('/ogc/collections/towns/items/330109999')).status).toBe(404)
    const nothing = await get('/ogc/nothing')
    expect(nothing.status).toBe(404)
    expect(nothing.headers.get('content-type')).toMatch(/json/)
  })

  it('serves single features with self and collection links', async () => {
    const [row] = await s.db.sql<{ id: string }[]>`SELECT id FROM incidents WHERE incident_id = 'ogc-micro'`
    const res = await get(`/ogc/collections/incidents/items/${row!.id}`, { headers: { accept: 'application/geo+json' } })
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/)
    const f = (await res.json()) as Feature & { links: Link[] }
    expect(f.id).toBe(Number(row!.id))
    expect(f.properties).toMatchObject({ incidentId: 'ogc-micro', category: '0301', reportedAt: '2026-10-05T04:00:00.123Z' })
    expect(f.geometry).toBeNull() // unplaced
    expect(f.links.map((l) => l.rel)).toEqual(['self', 'collection'])
    const town = await json<Feature>('/ogc/collections/towns/items/330109001')
    expect(town).toMatchObject({ id: '330109001', properties: { name: '城厢街道', level: 'town', parentCode: '330109' } })
  })

  it('works with GDAL’s OAPIF driver: layers, schema, feature count, spatial filter', async () => {
    // A CI proxy must not get between GDAL (curl) and the local test server.
    const env = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' }
    const ogrinfo = (...args: string[]) =>
      run('ogrinfo', ['-ro', '--config', 'GDAL_HTTP_TIMEOUT', '30', ...args], { timeout: 120_000, maxBuffer: 16 << 20, env })
    const ds = `OAPIF:${s.url}/ogc`
    const list = await ogrinfo(ds)
    for (const layer of ['towns', 'villages', 'grids', 'microgrids', 'incidents', 'warnings', 'hazards', 'tasks'])
      expect(list.stdout).toMatch(new RegExp(`^\\d+: ${layer}\\b`, 'm'))

    const total = await allIncidents()
    const all = await ogrinfo('-al', '-so', ds, 'incidents')
    expect(all.stdout).toMatch(new RegExp(`Feature Count: ${total}\\b`))
    expect(all.stdout).toMatch(/reportedAt: DateTime/)
    expect(all.stdout).toMatch(/category: String/)

    const towns = await ogrinfo('-al', '-so', ds, 'towns')
    expect(towns.stdout).toMatch(/Feature Count: 27\b/)
    expect(towns.stdout).toMatch(/Geometry: Multi Polygon/)

    // -spat: GDAL sends bbox and, without resultType=hits, counts by reading every page.
    const [x0, y0, x1, y1] = TOWN_BBOX
    const inside = await count((sql) => sql`AND ST_Intersects(geom, ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, 4326))`)
    const spat = await ogrinfo('-al', '-so', '-oo', 'PAGE_SIZE=1000', '-spat', ...TOWN_BBOX.map(String), ds, 'incidents')
    expect(spat.stdout).toMatch(new RegExp(`Feature Count: ${inside}\\b`))

    // Reading features (following next links) and an attribute filter sent as a query parameter.
    const cat = await count((sql) => sql`AND category_code = '0101'`)
    const where = await ogrinfo('-al', '-oo', 'PAGE_SIZE=500', '-where', "category = '0101'", ds, 'incidents')
    expect(where.stdout.match(/^OGRFeature\(incidents\):/gm)?.length).toBe(cat)
  }, 180_000)

  it('lets GDAL push -where equality filters to the server and types every field from the linked JSON Schema', async () => {
    const env = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', CPL_DEBUG: 'ON' }
    const ogrinfo = (...args: string[]) =>
      run('ogrinfo', ['-ro', '--config', 'GDAL_HTTP_TIMEOUT', '30', ...args], { timeout: 120_000, maxBuffer: 64 << 20, env })
    const ds = `OAPIF:${s.url}/ogc`
    // Every fixture incident has a null geocodeScore: typed from the schema, it is still a number.
    const [nulls] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents WHERE geocode_score IS NOT NULL`
    expect(nulls!.n).toBe(0)
    const info = await ogrinfo('-al', '-so', ds, 'incidents')
    expect(info.stderr).toMatch(/Using JSON schema/)
    expect(info.stdout).toMatch(/geocodeScore: Real/)
    expect(info.stdout).toMatch(/approximate: Integer\(Boolean\)/)
    expect(info.stdout.match(/^id: /gm)).toHaveLength(1)
    const tasks = await ogrinfo('-al', '-so', ds, 'tasks')
    expect(tasks.stdout).toMatch(/warningId: Integer/)

    // townCode = '…': sent as ?townCode=…, and only that town's incidents come back.
    const inTown = await count((sql) => sql`AND town_code = ${town}`)
    expect(inTown).toBeGreaterThan(0)
    const where = await ogrinfo('-al', '-where', `townCode = '${town}' AND status = 'open'`, ds, 'incidents')
    // (The first, unfiltered page is GDAL learning the layer.)
    const fetched = (where.stderr.match(/Fetch\(([^)]*\/collections\/incidents\/items[^)]*)\)/g) ?? []).filter((f) =>
      f.includes('townCode='),
    )
    expect(fetched.length).toBeGreaterThan(0)
    for (const f of fetched) {
      expect(f).toContain(`townCode=${town}`)
      expect(f).toContain('status=open')
    }
    expect(where.stdout.match(/^OGRFeature\(incidents\):/gm)?.length).toBe(inTown)

    // The same filters straight over HTTP, and a bad code is a 400.
    const page = await json<Page>(`/ogc/collections/incidents/items?townCode=${town}&source=fixture&geocodeLevel=village,none&limit=1`)
    expect(page.numberMatched).toBe(
      await count((sql) => sql`AND town_code = ${town} AND source = 'fixture' AND geocode_level IN ('village', 'none')`),
    )
    expect((await get('/ogc/collections/incidents/items?townCode=abc')).status).toBe(400)
    expect((await get('/ogc/collections/incidents/items?status=lost')).status).toBe(400)
  }, 180_000)

  it('answers in CGCS2000 (EPSG:4490, latitude first) on request, and names the CRS of every answer', async () => {
    const doc = await json<{ crs: string[]; storageCrs: string; links: Link[] }>('/ogc/collections/incidents')
    expect(doc.crs).toEqual(['http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'http://www.opengis.net/def/crs/EPSG/0/4490'])
    expect(doc.links.find((l) => l.rel === 'describedby')).toMatchObject({
      href: `${s.url}/ogc/collections/incidents/schema`,
      type: 'application/schema+json',
    })
    const [row] = await s.db.sql<
      { id: string; lng: number; lat: number }[]
    >`SELECT id::text, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM incidents WHERE geom IS NOT NULL ORDER BY id LIMIT 1`
    const plain = await get(`/ogc/collections/incidents/items/${row!.id}`)
    expect(plain.headers.get('content-crs')).toBe('<http://www.opengis.net/def/crs/OGC/1.3/CRS84>')
    expect(((await plain.json()) as Feature<Point>).geometry.coordinates).toEqual([row!.lng, row!.lat])
    const cgcs = await get(
      `/ogc/collections/incidents/items/${row!.id}?crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/4490')}`,
    )
    expect(cgcs.headers.get('content-crs')).toBe('<http://www.opengis.net/def/crs/EPSG/0/4490>')
    expect(((await cgcs.json()) as Feature<Point>).geometry.coordinates).toEqual([row!.lat, row!.lng])
    // bbox-crs: the town box given latitude first selects the same incidents.
    const [x0, y0, x1, y1] = TOWN_BBOX
    const lonLat = await json<Page>(`/ogc/collections/incidents/items?bbox=${TOWN_BBOX.join(',')}`)
    const latLon = await json<Page>(
      `/ogc/collections/incidents/items?bbox=${[y0, x0, y1, x1].join(',')}&bbox-crs=${encodeURIComponent('[EPSG:4490]')}&crs=${encodeURIComponent('[EPSG:4490]')}`,
    )
    expect(latLon.numberMatched).toBe(lonLat.numberMatched)
    expect(latLon.numberMatched).toBeGreaterThan(0)
    expect((latLon.features[0]!.geometry as Point).coordinates).toEqual([...(lonLat.features[0]!.geometry as Point).coordinates].reverse())
    expect((await get('/ogc/collections/incidents/items?crs=http://www.opengis.net/def/crs/EPSG/0/4326')).status).toBe(400)
  }, 120_000)

  it('serves warnings (mixed geometries), hazards and tasks with their filters, also to GDAL', async () => {
    const { sql } = s.db
    const [v] = await sql<{ code: string; town: string; lng: number; lat: number }[]>`
      SELECT code, parent_code AS town, ST_X(label_point) AS lng, ST_Y(label_point) AS lat FROM admin_areas WHERE level = 'village' ORDER BY code LIMIT 1`
    await sql`INSERT INTO models (id, kind, version, definition, updated_by) VALUES ('ogc-test', 'hotspot', 1, '{}', 'test')`
    const [modelRun] = await sql<{ id: string }[]>`
      INSERT INTO model_runs (model_id, model_version, definition, trigger, status, as_of, requested_by)
      VALUES ('ogc-test', 1, '{}', 'manual', 'done', '2026-10-20T00:00:00+08:00', 'test') RETURNING id::text`
    // One warning on an area polygon, one on a point.
    await sql`
      INSERT INTO warnings (model_id, model_version, subject, level, status, title, explanation, geom, town_code, village_code,
                            first_run_id, last_run_id, first_triggered_at, last_triggered_at)
      SELECT 'ogc-test', 1, s.subject, s.level, s.status, '测试预警', '近7日 9 起', s.geom, ${v!.town}, ${v!.code},
             ${modelRun!.id}::bigint, ${modelRun!.id}::bigint, '2026-10-20T00:00:00+08:00', '2026-10-20T00:00:00+08:00'
      FROM (VALUES ('village:' || ${v!.code}, 'red', 'new', (SELECT geom FROM admin_areas WHERE code = ${v!.code})::geometry),
                   ('point:1', 'yellow', 'acknowledged', ST_SetSRID(ST_Point(${v!.lng}, ${v!.lat}), 4326))) AS s(subject, level, status, geom)`
    await sql`
      INSERT INTO hazards (hazard_id, source, category, severity, status, description, reported_at, created_by, geom, town_code, village_code, due_date, closed_at)
      VALUES ('ogc-h1', 'grid_inspection', 'fire', 'major', 'confirmed', '消防通道堵塞', '2026-10-02T09:00:00+08:00', 'test',
              ST_SetSRID(ST_Point(${v!.lng}, ${v!.lat}), 4326), ${v!.town}, ${v!.code}, '2026-10-10', NULL),
             ('ogc-h2', 'self_check', 'gas_cylinder', 'general', 'closed', '气瓶未固定', '2026-10-03T09:00:00+08:00', 'test', NULL, NULL, NULL, NULL, '2026-10-04T09:00:00+08:00')`
    await sql`
      INSERT INTO tasks (title, source, area_code, area_level, town_code, village_code, assignee_team, due_date, status, geom, located_by, created_by, closed_at)
      VALUES ('整治消防通道', 'manual', ${v!.code}, 'village', ${v!.town}, ${v!.code}, '消防队', '2026-10-01', 'issued',
              ST_SetSRID(ST_Point(${v!.lng}, ${v!.lat}), 4326), 'given', 'test', NULL),
             ('复查气瓶', 'manual', ${v!.code}, 'village', ${v!.town}, ${v!.code}, '网格员', '2099-01-01', 'closed',
              ST_SetSRID(ST_Point(${v!.lng}, ${v!.lat}), 4326), 'given', 'test', '2026-10-05T09:00:00+08:00')`

    const w = await json<Page>('/ogc/collections/warnings/items?limit=100')
    expect(w.numberMatched).toBe(2)
    expect(w.features.map((f) => f.geometry?.type).sort()).toEqual(['MultiPolygon', 'Point'])
    const red = await json<Page>(`/ogc/collections/warnings/items?level=red&area=${v!.town}`)
    expect(red.features.map((f) => f.properties!.level)).toEqual(['red'])
    expect(red.features[0]!.properties!.explanation).toBe('近7日 9 起')
    expect((await get('/ogc/collections/warnings/items?level=purple')).status).toBe(400)

    const h = await json<Page>('/ogc/collections/hazards/items?status=confirmed,rectifying')
    expect(h.features.map((f) => f.properties!.hazardId)).toEqual(['ogc-h1'])
    expect(h.features[0]!.properties).toMatchObject({ category: 'fire', severity: 'major', dueDate: '2026-10-10' })
    const t = await json<Page>(`/ogc/collections/tasks/items?area=${v!.code}`)
    expect(t.features.map((f) => [f.properties!.title, f.properties!.overdue])).toEqual([
      ['整治消防通道', true],
      ['复查气瓶', false],
    ])

    const env = { ...process.env, GDAL_HTTP_UNSAFESSL: 'YES', CPL_DEBUG: 'OFF' }
    const info = await run('ogrinfo', ['-ro', '-al', '-so', `OAPIF:${s.url}/ogc`, 'warnings'], { timeout: 120_000, env })
    expect(info.stdout).toMatch(/Feature Count: 2\b/)
    expect(info.stdout).toMatch(/level: String/)
  }, 180_000)
})
