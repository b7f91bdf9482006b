/**
 * A fuzz pass over every endpoint: the routes are read from the Express app's router stack (so a
 * new route is fuzzed without anyone remembering to), path parameters get hostile values, and
 * queries and bodies get malformed, huge, wrong-typed and hostile input. Nothing may answer 5xx,
 * every error must be JSON with an `error` string, the server must still answer afterwards and
 * the incidents table may change only by the pass's deliberate valid writes.
 *
 * Deterministic: FUZZ_SEED (default 8) seeds the generator; a failure names the case number, and
 * FUZZ_CASES sets the random cases per route (default 50 on native, 20 on embedded).
 */
import http from 'node:http'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp } from '../app.ts'
import { loadConfig } from '../config.ts'
import { API_OPERATIONS } from '../openapi/registry.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 8)
// The pass is about the HTTP edge, the same code on both databases: native (the faster) gets 50
// cases a route, embedded 20, which still reach its SQL through every route.
const CASES_PER_ROUTE = Number(process.env.FUZZ_CASES ?? (TEST_KIND === 'native' ? 50 : 20))

/** mulberry32: small, fast and the same on every machine. */
function generator(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!
  return { next, int, pick }
}
type Gen = ReturnType<typeof generator>

// ---------------------------------------------------------------- the routes

export interface RouteInfo {
  method: string
  path: string
}

/** What we read of Express 5's (router 2.x) layers: routes, and nested routers with their mount path. */
interface LayerLike {
  route?: { path: string | RegExp | (string | RegExp)[]; methods: Record<string, boolean | undefined> }
  handle?: { stack?: unknown }
  rawPath?: string | string[] | RegExp
}

/**
 * A path a RegExp route matches: its literal start plus a `:rest` parameter when the pattern
 * takes more (e.g. /^\/wall(\/.*)?$/ → /wall/:rest), so the fuzzer has somewhere to put values.
 */
function samplePath(re: RegExp): string {
  const literal = /^\^((?:\\\/|[\w-])*)/.exec(re.source)?.[1]?.replace(/\\\//g, '/') ?? '/'
  return re.test(`${literal}/x`) ? `${literal}/:rest` : literal || '/'
}

/** Every route of an app (method and path pattern), through nested routers. */
export function listRoutes(app: unknown): RouteInfo[] {
  const out: RouteInfo[] = []
  const walk = (stack: readonly LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = (Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]).map((p) =>
          p instanceof RegExp ? samplePath(p) : p,
        )
        for (const p of paths) {
          for (const [m, on] of Object.entries(layer.route.methods))
            if (on && m !== '_all') out.push({ method: m.toUpperCase(), path: prefix + p })
        }
      } else if (layer.handle && Array.isArray(layer.handle.stack)) {
        // A mounted router: its routes live under the mount path ('/' adds nothing).
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''
        walk(layer.handle.stack as LayerLike[], prefix + mount)
      }
    }
  }
  const router = (app as { router?: { stack?: LayerLike[] } }).router
  walk(router?.stack ?? [], '')
  return out
}

// ---------------------------------------------------------------- the inputs

// Long enough to hit every length limit, short enough to fit Node's 16 KB request line most of the time.
const LONG = 'x'.repeat(8_000)
const HOSTILE_STRINGS = [
  "'; DROP TABLE incidents; --",
  '1 OR 1=1',
  "' OR '1'='1",
  '1; SELECT pg_sleep(5)',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '\u0000',
  'a\u0000b',
  '__proto__',
  'constructor',
  'prototype',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '0',
  '1.5',
  '-0.0001',
  '1e309',
  '99999999999999999999999999',
  '-9223372036854775809',
  '9223372036854775808',
  '2147483648',
  '',
  ' ',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  LONG,
  '中'.repeat(1_000),
  '😀\uD800',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '%',
  '%00',
  '2026-02-30',
  '2026-13-01',
  '9999-99-99T99:99:99Z',
  '0000-00-00',
  '2026-10-01T25:00:00+08:00',
  '1,2',
  '999,999,-999,-999',
  '120,30,121',
  'a,b,c,d',
  'NaN,NaN,NaN,NaN',
  '121,31,120,30',
  '120.1,30.0,120.5,30.4',
  '-180,-90,180,90',
  '330109',
  '330109001',
  '330109001001',
  '999999999',
  'incidents',
  'towns,incidents',
  'fire',
  'wgs84',
  'gcj02',
  'epsg:9999',
  'day',
  'week',
  'year',
  'reported',
  'closed',
  'bogus_enum_value',
  '金城路440号',
  '0101',
  '01',
  '1',
  '2',
  'true,false',
  'admin',
  'incidents.csv',
  'incidents.geojson',
  'x.exe',
]
/** Path parameter values: hostile strings (encoded as clients would) and raw encodings that decode badly. */
const RAW_PATH_VALUES = ['%', '%E0%A4%A', '%C0%AF', '%FF%FE', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '%00', '.', '..', '%u0041']
const QUERY_KEYS = [
  'q',
  'lng',
  'lat',
  'crs',
  'outCrs',
  'from',
  'to',
  'category',
  'area',
  'bbox',
  'limit',
  'cursor',
  'within',
  'bucket',
  'status',
  'severity',
  'source',
  'overdue',
  'team',
  'warning',
  'hazard',
  'kind',
  'since',
  'format',
  'unmask',
  'datetime',
  'f',
  'properties',
  'level',
  'month',
  'res',
  'id',
  'layers',
  'offset',
  'sortby',
  'filter',
  'period',
  'town',
  'unit',
  'model',
  'at',
  'asOf',
  'subject',
  'action',
  'actor',
  'user',
  '__proto__',
  'constructor',
]
const BODY_KEYS = [
  'incident_id',
  'reported_at',
  'category',
  'address',
  'lng',
  'lat',
  'crs',
  'description',
  'source',
  'status',
  'items',
  'id',
  'hazard_id',
  'severity',
  'place_name',
  'responsible_party',
  'due_date',
  'attachments',
  'to',
  'comment',
  'title',
  'area_code',
  'assignee_team',
  'ref',
  'decision',
  'addressId',
  'note',
  'username',
  'password',
  'role',
  'display_name',
  'areas',
  'name',
  'enabled',
  'thresholds',
  'params',
  'schedule',
  'window',
  'baseline',
  'categories',
  'kind',
  'unit',
  'expireAfterHours',
  'weights',
  'geometry',
  'coordinates',
  'type',
  '__proto__',
  'constructor',
  'prototype',
]

function hostileNumber(g: Gen): number | string {
  return g.pick([
    -1,
    0,
    1.5,
    -0.0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 63,
    999,
    -999,
    181,
    91,
    1e-300,
    'NaN',
    'Infinity',
    '1e999',
  ])
}

/** A random JSON value of a wrong or hostile kind (depth-limited). */
function value(g: Gen, depth: number): unknown {
  switch (g.int(depth > 2 ? 5 : 8)) {
    case 0:
    case 1:
      return g.pick(HOSTILE_STRINGS)
    case 2:
      return hostileNumber(g)
    case 3:
      return g.pick([true, false, null])
    case 4:
      return g.pick([{}, [], '', 0])
    case 5:
      return Array.from({ length: g.int(4) }, () => value(g, depth + 1))
    case 6:
      return object(g, depth + 1)
    default:
      // A GeoJSON-looking geometry, mostly invalid.
      return {
        type: g.pick(['Point', 'Polygon', 'LineString', 'Bogus', 42]),
        coordinates: g.pick([
          [999, 'NaN'],
          [120.2, 30.1],
          [[1, 2], [3]],
          'x',
          null,
          [
            [
              [120, 30],
              [121, 30],
              [120, 31],
            ],
          ],
        ]),
      }
  }
}

function object(g: Gen, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  const n = 1 + g.int(8)
  for (let i = 0; i < n; i++) {
    const k = g.pick(BODY_KEYS)
    // defineProperty: `o[k] = …` with k = '__proto__' would set the prototype instead of a key that JSON carries.
    Object.defineProperty(o, k, { value: value(g, depth), enumerable: true, writable: true, configurable: true })
  }
  return o
}

interface Body {
  bytes: Buffer
  type: string
  label: string
}

const json = (v: unknown, label: string): Body => ({ bytes: Buffer.from(JSON.stringify(v)), type: 'application/json', label })

/** Malformed and hostile bodies for a write route. */
function body(g: Gen): Body {
  switch (g.int(15)) {
    case 0:
      return { bytes: Buffer.from('{"incident_id": "A", '), type: 'application/json', label: 'truncated JSON' }
    case 1:
      return {
        bytes: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]),
        type: 'application/json',
        label: 'invalid UTF-8',
      }
    case 2:
      return { bytes: Buffer.from('['.repeat(50_000) + ']'.repeat(50_000)), type: 'application/json', label: 'deeply nested array' }
    case 3:
      return {
        bytes: Buffer.from('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)),
        type: 'application/json',
        label: 'deeply nested object',
      }
    case 4:
      return { bytes: Buffer.from('{"description":"a\\u0000b","address":"\\u0000"}'), type: 'application/json', label: 'NUL bytes' }
    case 5:
      return {
        bytes: Buffer.from('{"__proto__":{"isAdmin":true,"polluted":1},"constructor":{"prototype":{"polluted":1}}}'),
        type: 'application/json',
        label: 'prototype pollution',
      }
    case 6:
      return { bytes: Buffer.from('incident_id=1&category=0101'), type: 'application/x-www-form-urlencoded', label: 'form body' }
    case 7:
      return { bytes: Buffer.from('{"a":1}'), type: 'application/json; charset=x-bogus', label: 'unknown charset' }
    case 8:
      return json(
        g.pick([null, 0, 'string', true, [], [[]], [null], Array.from({ length: 3 }, () => object(g, 1))]),
        'wrong top-level type',
      )
    case 10:
      return json(Object.fromEntries(BODY_KEYS.slice(0, 12).map((k) => [k, 'z'.repeat(1_000_000)])), 'megabyte strings')
    case 9:
      return json({ items: Array.from({ length: 20 }, () => object(g, 2)) }, 'items of garbage')
    default:
      return json(object(g, 0), 'random object')
  }
}

/** Percent-encodes as a client would; a lone surrogate (which encodeURIComponent refuses) goes as its UTF-8 replacement. */
const enc = (v: string) =>
  encodeURIComponent(v.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'))

function query(g: Gen): string {
  const parts: string[] = []
  const n = g.int(5)
  for (let i = 0; i < n; i++) {
    const k = g.pick(QUERY_KEYS)
    const v = g.next() < 0.15 ? g.pick(RAW_PATH_VALUES) : enc(g.pick(HOSTILE_STRINGS))
    // Sometimes repeated (an array in req.query) or bracketed (an object with the extended parser).
    const shape = g.int(6)
    if (shape === 0) parts.push(`${k}=${v}`, `${k}=${v}`)
    else if (shape === 1) parts.push(`${k}[a]=${v}`)
    else parts.push(`${k}=${v}`)
  }
  return parts.length ? `?${parts.join('&')}` : ''
}

function fillPath(g: Gen, pattern: string): string {
  return pattern.replace(/:(\w+)/g, () => (g.next() < 0.2 ? g.pick(RAW_PATH_VALUES) : enc(g.pick(HOSTILE_STRINGS))))
}

// ---------------------------------------------------------------- the client

interface Answer {
  status: number
  type: string
  text: string
  /** Only the start of a large answer is kept (`text`); such an answer is not checked against its schema. */
  truncated?: boolean
  timedOut?: boolean
  networkError?: string
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })

/** One request over node:http (fetch would normalise the path and refuse some bytes we mean to send). */
function send(
  base: string,
  method: string,
  path: string,
  opts: { body?: Body; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const url = new URL(base)
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...opts.headers }
    if (opts.body) {
      headers['content-type'] = opts.body.type
      headers['content-length'] = opts.body.bytes.length
    }
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent }, (res) => {
      const type = String(res.headers['content-type'] ?? '')
      // An open event stream never ends: its status and type are the answer.
      if (type.startsWith('text/event-stream')) {
        res.destroy()
        resolve({ status: res.statusCode ?? 0, type, text: '' })
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        // Only the start matters for the checks: an export may be large.
        if (size < 1_000_000) chunks.push(c)
        size += c.length
      })
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({ status: res.statusCode ?? 0, type, text, truncated: Buffer.byteLength(text) < size })
      })
      res.on('error', (e) => resolve({ status: res.statusCode ?? 0, type, text: '', networkError: e.message }))
    })
    req.setTimeout(opts.timeoutMs ?? 30_000, () => {
      req.destroy()
      resolve({ status: 0, type: '', text: '', timedOut: true })
    })
    req.on('error', (e) => resolve({ status: 0, type: '', text: '', networkError: e.message }))
    if (opts.body) req.end(opts.body.bytes)
    else req.end()
  })
}

interface Case {
  n: number
  method: string
  path: string
  /** The route it fuzzes (`GET /api/hazards/:id`), whose documented answer a success must match. */
  route?: string
  body?: Body
  headers?: Record<string, string>
  /** An exact status this case must get (e.g. 400 for an out-of-range tile). */
  expect?: number
}

interface Failure {
  case: number
  request: string
  status: number
  why: string
  body: string
}

/** The documented JSON success answer of each operation (server/openapi), by `METHOD /express/path`. */
const DOCUMENTED = new Map(
  API_OPERATIONS.filter((op) => op.ok.schema && /json$/.test(op.ok.type ?? 'application/json')).map((op) => [
    `${op.method.toUpperCase()} ${op.path}`,
    { status: op.ok.status ?? 200, schema: op.ok.schema! },
  ]),
)

/**
 * Problems with one answer: a 5xx, a hang, a wrong expected status, an error that is not
 * `{ error: string }` JSON, or a success that does not match the API reference's schema for it.
 */
function check(c: Case, a: Answer): string | null {
  // Node's HTTP parser refuses a request line over 16 KB itself (431, empty body) before the app sees it.
  if (a.status === 431) return null
  if (a.timedOut) return 'timed out'
  if (a.networkError && a.status === 0) return `connection: ${a.networkError}`
  if (a.status >= 500) return `status ${a.status}`
  if (c.expect !== undefined && a.status !== c.expect) return `expected ${c.expect}, got ${a.status}`
  // The web app's pages (/wall, /login) answer browsers in HTML, errors too; the rest is an API.
  const page = !/^\/(api|tiles|ogc|metrics|reports)(\/|\?|$)/.test(c.path)
  if (a.status >= 400 && c.method !== 'HEAD' && !page) {
    if (!a.type.startsWith('application/json')) return `error not JSON (${a.type})`
    try {
      const parsed: unknown = JSON.parse(a.text)
      if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { error?: unknown }).error !== 'string')
        return 'error body without an `error` string'
    } catch {
      return 'error body is not valid JSON'
    }
  }
  const documented = c.route ? DOCUMENTED.get(c.route) : undefined
  if (documented && a.status === documented.status && c.method !== 'HEAD' && !a.truncated) {
    const parsed = documented.schema.safeParse(JSON.parse(a.text))
    if (!parsed.success)
      return `answer does not match the documented schema: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`
  }
  return null
}

async function runCases(
  base: string,
  cases: readonly Case[],
  concurrency: number,
): Promise<{ failures: Failure[]; statuses: Map<number, number> }> {
  const failures: Failure[] = []
  const statuses = new Map<number, number>()
  let next = 0
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!
      const a = await send(base, c.method, c.path, { body: c.body, headers: c.headers })
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1)
      const why = check(c, a)
      if (why)
        failures.push({
          case: c.n,
          request: `${c.method} ${c.path.slice(0, 300)}${c.body ? ` [${c.body.label}]` : ''}`,
          status: a.status,
          why,
          body: a.text.slice(0, 300),
        })
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  failures.sort((a, b) => a.case - b.case)
  return { failures, statuses }
}

/** Routes that would end the pass's own session or are long-running by design get fewer, gentler cases. */
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** The generated cases: random ones per route plus the targeted ones every run must include. */
function buildCases(routes: readonly RouteInfo[], g: Gen, perRoute: number): Case[] {
  const cases: Case[] = []
  let n = 0
  const add = (c: Omit<Case, 'n'>) => cases.push({ n: n++, ...c })
  for (const r of routes) {
    for (let i = 0; i < perRoute; i++) {
      const path = fillPath(g, r.path) + query(g)
      // An empty parameter makes another route's path (/api/users/ is the list): only a filled one is checked against the route's document.
      const filled = path
        .split('?')[0]!
        .split('/')
        .every((segment, i) => i === 0 || segment !== '')
      add({ method: r.method, path, route: filled ? `${r.method} ${r.path}` : undefined, body: WRITES.has(r.method) ? body(g) : undefined })
    }
  }
  // Bodies over the 5 MB limit: 413, on every write route.
  const huge: Body = {
    bytes: Buffer.from(JSON.stringify({ description: 'y'.repeat(6 * 1024 * 1024) })),
    type: 'application/json',
    label: '6 MB body',
  }
  for (const r of routes.filter((r) => WRITES.has(r.method)))
    add({ method: r.method, path: r.path.replace(/:(\w+)/g, '1'), body: huge, expect: 413 })
  // Tile coordinates out of range: 400.
  for (const [z, x, y] of [
    [99, 0, 0],
    [5, -1, 0],
    [5, 0, 32],
    [5, 32, 0],
    [0, 1, 0],
    [3, 1.5, 2],
    [-1, 0, 0],
    [22, 2 ** 22, 0],
    [1e9, 0, 0],
  ] as const) {
    add({ method: 'GET', path: `/tiles/incidents/${z}/${x}/${y}.mvt`, expect: 400 })
    add({ method: 'GET', path: `/tiles/towns,h3/${z}/${x}/${y}.mvt`, expect: 400 })
  }
  add({ method: 'GET', path: '/tiles/no_such_layer/10/856/418.mvt' })
  add({ method: 'GET', path: `/tiles/${encodeURIComponent("incidents'; DROP TABLE incidents; --")}/10/856/418.mvt`, expect: 400 })
  add({ method: 'GET', path: '/tiles/incidents/10/856/418.mvt?from=2026-02-30&to=x', expect: 400 })
  add({ method: 'GET', path: '/tiles/incidents/10/856/418.mvt?category=%27%3B%20DROP%20TABLE%20incidents%3B%20--', expect: 400 })
  // Geocoding and reverse geocoding with impossible coordinates.
  add({ method: 'GET', path: '/api/geocode?q=%E9%87%91%E5%9F%8E%E8%B7%AF440%E5%8F%B7&lng=999&lat=NaN', expect: 400 })
  add({ method: 'GET', path: '/api/reverse?lng=999&lat=30', expect: 400 })
  add({ method: 'GET', path: '/api/reverse?lng=120.2&lat=NaN', expect: 400 })
  add({ method: 'GET', path: `/api/geocode?q=${encodeURIComponent("1' OR 1=1; --")}` })
  add({ method: 'GET', path: `/api/geocode?q=${'%E4%B8%AD'.repeat(3000)}` })
  add({
    method: 'POST',
    path: '/api/geocode/batch',
    body: json({ items: [{ address: '金城路', lng: 999, lat: 'NaN' }] }, 'bad coordinates'),
    expect: 400,
  })
  add({
    method: 'POST',
    path: '/api/geocode/batch',
    body: json({ items: Array.from({ length: 10_001 }, () => ({ address: 'a' })) }, 'too many items'),
    expect: 400,
  })
  // Bad bbox, dates and enums on the reads.
  for (const bbox of ['1,2,3', '121,31,120,30', 'NaN,NaN,NaN,NaN', '-999,-999,999,999', 'a,b,c,d', '1,2,3,4,5']) {
    add({ method: 'GET', path: `/api/incidents?bbox=${bbox}`, expect: 400 })
    add({ method: 'GET', path: `/ogc/collections/incidents/items?bbox=${bbox}`, expect: 400 })
  }
  add({ method: 'GET', path: '/api/incidents?from=2026-02-30', expect: 400 })
  add({ method: 'GET', path: '/api/incidents?limit=-1', expect: 400 })
  add({ method: 'GET', path: '/api/incidents?limit=1e9', expect: 400 })
  add({ method: 'GET', path: '/api/stats/timeseries?bucket=year', expect: 400 })
  add({ method: 'GET', path: '/api/hazards?severity=catastrophic', expect: 400 })
  add({ method: 'GET', path: '/ogc/collections/incidents/items?datetime=2026-02-30/..', expect: 400 })
  add({ method: 'GET', path: '/ogc/collections/incidents/items?limit=NaN', expect: 400 })
  add({ method: 'GET', path: '/api/boundaries/..%2F..%2Fetc%2Fpasswd.geojson' })
  add({ method: 'GET', path: '/api/areas/..%2F..%2Fetc%2Fpasswd' })
  add({ method: 'GET', path: '/api/areas/../../etc/passwd' })
  add({ method: 'GET', path: '/api/export/..%2F..%2Fetc%2Fpasswd' })
  // Writes with invalid geometry, dates, enums and SQL-looking text: 400, nothing stored.
  const incident = { incident_id: 'FUZZ-BAD', reported_at: '2026-10-01T08:00:00+08:00', category: '0101', address: '金城路440号' }
  for (const bad of [
    { lng: 999, lat: 30 },
    { lng: 120.2, lat: 'NaN' },
    { reported_at: '2026-02-30' },
    { reported_at: '2026-02-30T08:00:00+08:00' },
    { reported_at: '2026-04-31 08:00' },
    { category: "'; DROP TABLE incidents; --" },
    { status: 'bogus' },
    { crs: 'epsg:9999', lng: 120, lat: 30 },
    { incident_id: '' },
    { incident_id: LONG },
  ]) {
    add({
      method: 'POST',
      path: '/api/incidents',
      body: json({ ...incident, ...bad }, `incident ${Object.keys(bad).join(',')}`),
      expect: 400,
    })
  }
  add({
    method: 'POST',
    path: '/api/incidents',
    body: json([incident, { ...incident, reported_at: 'x' }], 'batch with one bad item'),
    expect: 400,
  })
  add({
    method: 'POST',
    path: '/api/hazards',
    body: json(
      { hazard_id: 'FUZZ-H', source: 'grid_inspection', category: 'fire', description: 'd', lng: 999, lat: -999 },
      'hazard bad coordinates',
    ),
    expect: 400,
  })
  add({
    method: 'POST',
    path: '/api/hazards',
    body: json({ hazard_id: 'FUZZ-H', source: 'bogus', category: 'fire', description: 'd' }, 'hazard bad enum'),
    expect: 400,
  })
  add({
    method: 'POST',
    path: '/api/tasks',
    body: json({ title: 't', area_code: "'; DROP TABLE tasks; --", assignee_team: 'x', due_date: '2026-02-30' }, 'task bad date'),
    expect: 400,
  })
  add({ method: 'POST', path: '/api/hazards/1/transitions', body: json({ to: 'bogus' }, 'unknown state'), expect: 400 })
  // NUL characters (PostgreSQL text cannot hold them) in every path parameter, query key and body: 400.
  for (const r of routes) {
    if (r.path.includes(':'))
      add({ method: r.method, path: r.path.replace(/:(\w+)/g, 'a%00b'), body: WRITES.has(r.method) ? json({}, 'empty') : undefined })
    if (r.method === 'GET' && !r.path.includes(':') && r.path !== '/api/stream')
      add({
        method: r.method,
        path: `${r.path}?${QUERY_KEYS.filter((k) => !k.startsWith('_') && k !== 'constructor')
          .map((k) => `${k}=a%00b`)
          .join('&')}`,
      })
    if (WRITES.has(r.method)) {
      const o: Record<string, unknown> = {}
      for (const k of BODY_KEYS) if (!k.startsWith('_') && k !== 'constructor' && k !== 'prototype') o[k] = 'a\u0000b'
      add({ method: r.method, path: r.path.replace(/:(\w+)/g, '1'), body: json(o, 'NUL in every field') })
      add({
        method: r.method,
        path: r.path.replace(/:(\w+)/g, '1'),
        body: json([{ ...incident, description: 'a\u0000b' }], 'NUL in an incident'),
      })
    }
  }
  add({
    method: 'POST',
    path: '/api/incidents',
    body: json({ ...incident, description: '报警人\u0000张三' }, 'NUL in a description'),
    expect: 400,
  })
  return cases
}

// ---------------------------------------------------------------- the passes

describe(`fuzz pass over every endpoint (${TEST_KIND}, seed ${SEED})`, () => {
  let s: TestServer
  let routes: RouteInfo[]
  beforeAll(async () => {
    s = await startTestServer({ seed: 'small', web: false })
    // The route table of an app built like the server's (then its hooks closed: nothing listens).
    const app = createApp(s.db, loadConfig({ PORT: '0', SEED: 'none', AUTH_ANONYMOUS_ROLE: 'admin' }))
    routes = listRoutes(app)
    for (const close of (app.locals.onClose ?? []) as (() => void | Promise<void>)[]) await close()
  }, 600_000)
  afterAll(async () => {
    agent.destroy()
    await s?.close()
  })

  it('finds the routes in the router stack', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`)
    // A few of every kind, nested routers included: if the walk broke, the pass would be empty.
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /api/health',
        'POST /api/incidents',
        'GET /tiles/:layers/:z/:x/:y.mvt',
        'GET /ogc/collections/:id/items',
        'PATCH /api/tasks/:id',
        'DELETE /api/users/:id/api-keys/:keyId',
      ]),
    )
    expect(routes.length).toBeGreaterThan(60)
  })

  it('answers every hostile request without a 5xx, with JSON errors, and keeps its data', async () => {
    const count = async () => Number((await s.db.sql<{ n: string }[]>`SELECT count(*)::text AS n FROM incidents`)[0]!.n)
    const before = await count()
    const maxId = (await s.db.sql<{ id: string }[]>`SELECT coalesce(max(id), 0)::text AS id FROM incidents`)[0]!.id
    const g = generator(SEED)
    // The stream and the model runs are slow by nature; the pass is about input handling, so they get a few cases each.
    const heavy = (r: RouteInfo) =>
      r.path === '/api/stream' ||
      r.path.startsWith('/api/models/:id/runs') ||
      r.path.startsWith('/reports/') ||
      r.path.startsWith('/api/export/')
    const cases = [
      ...buildCases(
        routes.filter((r) => !heavy(r)),
        g,
        CASES_PER_ROUTE,
      ),
      ...buildCases(routes.filter(heavy), g, 4),
    ].map((c, n) => ({ ...c, n }))
    // The deliberate valid write: SQL-looking text stored as text, one incident more.
    cases.push({
      n: cases.length,
      method: 'POST',
      path: '/api/incidents',
      body: json(
        {
          incident_id: 'FUZZ-VALID-1',
          reported_at: '2026-10-01T08:00:00+08:00',
          category: '0101',
          address: "金城路440号'; DROP TABLE incidents; --",
          description: '1 OR 1=1 <script>alert(1)</script>',
        },
        'valid write',
      ),
      expect: 201,
    })
    const t0 = Date.now()
    const { failures, statuses } = await runCases(s.url, cases, 4)
    console.log(
      `fuzz (${TEST_KIND}): ${cases.length} requests over ${routes.length} routes in ${((Date.now() - t0) / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    )
    expect(failures).toEqual([])

    // Random writes that happened to be valid would change the count: they are counted from the rows themselves.
    const stray = Number(
      (
        await s.db.sql<
          { n: string }[]
        >`SELECT count(*)::text AS n FROM incidents WHERE id > ${maxId}::bigint AND incident_id <> 'FUZZ-VALID-1'`
      )[0]!.n,
    )
    expect(await count()).toBe(before + 1 + stray)
    const [stored] = await s.db.sql<{ address: string }[]>`SELECT address FROM incidents WHERE incident_id = 'FUZZ-VALID-1'`
    expect(stored!.address).toBe("金城路440号'; DROP TABLE incidents; --")

    const health = await send(s.url, 'GET', '/api/health')
    expect(health.status).toBe(200)
    expect(JSON.parse(health.text)).toMatchObject({ database: expect.any(Object) })
    // No prototype pollution leaked into this process's objects.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  }, 300_000)
})

describe(`fuzz pass without credentials (${TEST_KIND})`, () => {
  let s: TestServer
  let routes: RouteInfo[]
  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required' })
    const app = createApp(s.db, loadConfig({ PORT: '0', SEED: 'none' }))
    routes = listRoutes(app)
    for (const close of (app.locals.onClose ?? []) as (() => void | Promise<void>)[]) await close()
  }, 600_000)
  afterAll(async () => {
    await s?.close()
  })

  it('answers 401 (never 5xx) to every protected route without credentials or with a bogus token', async () => {
    const g = generator(SEED + 1)
    const publicRoute = (r: RouteInfo) =>
      ['GET /api/health', 'GET /metrics', 'GET /login', 'GET /login.js', 'POST /api/auth/login'].includes(`${r.method} ${r.path}`)
    const cases: Case[] = []
    const credentials: (Record<string, string> | undefined)[] = [
      undefined,
      { authorization: 'Bearer bogus-token' },
      { authorization: `Bearer ${"'; DROP TABLE users; --"}` },
      { authorization: 'Basic YWRtaW46YWRtaW4=' },
      { authorization: 'Bearer ' + 'A'.repeat(10_000) },
      { 'x-api-key': '1 OR 1=1' },
      { cookie: 'onemap_session=bogus; __proto__=x' },
    ]
    for (const r of routes) {
      for (const headers of credentials) {
        cases.push({
          n: cases.length,
          method: r.method,
          path: fillPath(g, r.path) + query(g),
          headers,
          body: WRITES.has(r.method) ? body(g) : undefined,
          expect: publicRoute(r) ? undefined : 401,
        })
      }
    }
    const { failures, statuses } = await runCases(s.url, cases, 4)
    console.log(
      `fuzz without credentials (${TEST_KIND}): ${cases.length} requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    )
    // Refusals that come before anyone asks who is calling leak nothing: a body that cannot be
    // parsed (400, 413, 415: the JSON parser runs before authentication), a path parameter that
    // cannot be decoded (400), and the web pages' redirect to the login page (302): the app's pages
    // and the API reference /api/docs (a page for people), never an API, tile or OGC resource.
    const page = (request: string) => /^\w+ \/api\/docs(\?|$)/.test(request) || !/^\w+ \/(api|tiles|ogc)\//.test(request)
    const early = (f: Failure) =>
      ([400, 413, 415].includes(f.status) && (/\[/.test(f.request) || /%/.test(f.request))) || (f.status === 302 && page(f.request))
    expect(failures.filter((f) => !early(f))).toEqual([])
    // …but most requests must really have been turned away for want of credentials.
    expect(statuses.get(401) ?? 0).toBeGreaterThan(cases.length * 0.7)
    expect((await send(s.url, 'GET', '/api/health')).status).toBe(200)
  }, 300_000)
})
