/**
 * Nothing leaks, checked from the reader's side on a real server with login required:
 * - an analyst (no `pii` permission) reading any route that carries people's words sees names,
 *   phone and ID-card numbers masked, while a town officer of the same town (who has `pii`) sees
 *   them as written: one table lists every read route and every field that may hold them;
 * - a town officer asking for a record of another town gets exactly the answer they get for a
 *   record that does not exist, on every by-id route (no existence oracle, by number or by code).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { SYSTEM_SCOPE } from '../db/index.ts'
import { type EventReader, eventReader } from '../stream/testing.ts'
import { TEST_KIND } from '../testing/db.ts'
import { loginToken, startTestServer, type TestServer } from '../testing/harness.ts'
import { decodeTile, tileAt } from '../tiles/testing.ts'
import { upsertWarning } from '../warnings/store.ts'
import { ensureFirstAdmin } from './bootstrap.ts'

/** What people type into reports: a name after a cue, a mobile, an ID-card number. */
const PHONE = '13812345678'
const PHONE2 = '13912345678'
const ID_CARD = '330109199001011234'
const NAME = '张三丰'
const NAME2 = '李四光'
const RAW = [PHONE, PHONE2, ID_CARD, NAME, NAME2]

let s: TestServer
const tokens: Record<string, string> = {}
let townA = ''
let townB = ''
const ids: Record<string, string> = {}
let streams: { analyst: EventReader<Record<string, unknown>>; town: EventReader<Record<string, unknown>> }
const streamEvents: Record<'analyst' | 'town', { event: string; data: Record<string, unknown> }[]> = { analyst: [], town: [] }
let hazardPoint: [number, number] = [0, 0]

async function call(path: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${s.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  })
}
async function ok<T>(path: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await call(path, token, init)
  const text = await res.text()
  expect(res.status, `${init.method ?? 'GET'} ${path}: ${text}`).toBeLessThan(300)
  return JSON.parse(text) as T
}
async function login(username: string, password: string): Promise<string> {
  return loginToken(s.url, username, password)
}
async function grid(town: string): Promise<{ code: string; lng: number; lat: number }> {
  const [g] = await s.db.sql<{ code: string; lng: number; lat: number }[]>`
    SELECT g.code, ST_X(g.label_point) AS lng, ST_Y(g.label_point) AS lat
    FROM admin_areas g WHERE g.level = 'grid' AND g.code LIKE ${town + '%'} ORDER BY g.code LIMIT 1`
  return g!
}

beforeAll(async () => {
  // The server's clock is the real one: the records are made now and the report reads this month.
  s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required', now: () => new Date() })
  const first = await ensureFirstAdmin(s.db)
  tokens.admin = await login('admin', first!.password)
  const towns = await s.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'town' ORDER BY code LIMIT 2`
  townA = towns[0]!.code
  townB = towns[1]!.code
  for (const [username, body] of [
    ['analyst-1', { role: 'analyst' }],
    ['town-a', { role: 'town', areaCodes: [townA] }],
  ] as const) {
    await ok(`/api/users`, tokens.admin, { method: 'POST', body: { username, password: 'correct-horse-battery-staple', ...body } })
    tokens[username] = await login(username, 'correct-horse-battery-staple')
  }
  // Both streams open before anything is written, so they get every change below.
  const open = async (t: string) => {
    const res = await call('/api/stream', t)
    expect(res.status).toBe(200)
    const r = eventReader<Record<string, unknown>>(res)
    await r.next(1, 300) // the opening id
    return r
  }
  streams = { analyst: await open(tokens['analyst-1']!), town: await open(tokens['town-a']!) }

  const gA = await grid(townA)
  const gB = await grid(townB)
  hazardPoint = [gA.lng, gA.lat]
  const now = new Date(Date.now() - 60_000).toISOString()
  const a = tokens.admin
  const [inc] =
    (
      await ok<{ results: { id: string | number }[] } & Record<string, unknown>>('/api/incidents', a, {
        method: 'POST',
        body: {
          incident_id: 'LEAK-1',
          reported_at: now,
          category: '0101',
          lng: gA.lng,
          lat: gA.lat,
          description: `报警人${NAME}称手机${PHONE}被盗，身份证${ID_CARD}`,
        },
      })
    ).results ?? []
  const [incRow] = await s.db.sql<{ id: string }[]>`SELECT id::text FROM incidents WHERE incident_id = 'LEAK-1'`
  ids.incident = incRow?.id ?? String(inc?.id)
  const hazard = await ok<{ id: number }>('/api/hazards', a, {
    method: 'POST',
    body: {
      hazard_id: 'XS-LEAK-A',
      reported_at: now,
      source: 'grid_inspection',
      category: 'fire',
      lng: gA.lng,
      lat: gA.lat,
      description: `当事人${NAME}（手机${PHONE}）私拉电线`,
      place_name: `恒达五金店（联系人${NAME}${PHONE}）`,
      responsible_party: `${NAME} ${PHONE}`,
    },
  })
  ids.hazard = String(hazard.id)
  await ok(`/api/hazards/${ids.hazard}`, a, {
    method: 'PATCH',
    body: { responsible_party: `恒达物业公司 ${NAME2} ${PHONE2}`, comment: `联系人${NAME}${PHONE}已通知` },
  })
  const task = await ok<{ id: number }>('/api/tasks', a, {
    method: 'POST',
    body: {
      hazard_id: ids.hazard,
      title: `联系人${NAME}${PHONE}督促整改`,
      description: `负责人${NAME}，电话${PHONE}`,
      assignee_team: '平安办',
      due_date: '2099-01-01',
      comment: `已电话${PHONE}通知`,
    },
  })
  ids.task = String(task.id)
  // A warning in town A (as a model run would raise it), tasked with personal words in the comment.
  await ok('/api/models', a)
  const [run] = await s.db.sql<{ id: string }[]>`
    INSERT INTO model_runs (model_id, model_version, definition, trigger, status, as_of, requested_by)
    SELECT id, version, definition, 'manual', 'done', now(), 'leak-test' FROM models ORDER BY id LIMIT 1 RETURNING id::text`
  const [model] = await s.db.sql<{ id: string; version: number }[]>`SELECT id, version FROM models ORDER BY id LIMIT 1`
  const raise = (code: string) =>
    s.db.withScope(SYSTEM_SCOPE, (tx) =>
      upsertWarning(
        tx,
        { modelId: model!.id, version: model!.version, runId: run!.id, asOf: new Date() },
        { subject: `grid:${code}`, level: 'yellow', title: '测试预警', explanation: '测试', metrics: {}, place: { kind: 'area', code } },
      ),
    )
  await raise(gA.code)
  await raise(gB.code)
  const [wA] = await s.db.sql<{ id: string }[]>`SELECT id::text FROM warnings WHERE subject = ${`grid:${gA.code}`}`
  const [wB] = await s.db.sql<{ id: string }[]>`SELECT id::text FROM warnings WHERE subject = ${`grid:${gB.code}`}`
  ids.warning = wA!.id
  ids.warningB = wB!.id
  await ok(`/api/warnings/${ids.warning}/tasks`, a, {
    method: 'POST',
    body: { description: `报警人${NAME}电话${PHONE}`, comment: `联系人${NAME}${PHONE}`, due_date: '2099-01-01' },
  })
  // Town B's records, for the existence oracle.
  const hB = await ok<{ id: number }>('/api/hazards', a, {
    method: 'POST',
    body: {
      hazard_id: 'XS-LEAK-B',
      reported_at: now,
      source: 'grid_inspection',
      category: 'fire',
      lng: gB.lng,
      lat: gB.lat,
      description: '楼道堆物',
    },
  })
  ids.hazardB = String(hB.id)
  const tB = await ok<{ id: number }>('/api/tasks', a, {
    method: 'POST',
    body: { area_code: gB.code, title: '清理楼道', assignee_team: '平安办', due_date: '2099-01-01' },
  })
  ids.taskB = String(tB.id)
  await ok('/api/incidents', a, {
    method: 'POST',
    body: { incident_id: 'LEAK-B', reported_at: now, category: '0101', lng: gB.lng, lat: gB.lat },
  })
  const [iB] = await s.db.sql<{ id: string }[]>`SELECT id::text FROM incidents WHERE incident_id = 'LEAK-B'`
  ids.incidentB = iB!.id
  // Gather what the streams were sent.
  for (const who of ['analyst', 'town'] as const) {
    for (let i = 0; i < 20; i++) {
      const got = await streams[who].next(50, 500)
      streamEvents[who].push(...got.map((e) => ({ event: e.event, data: e.data })))
      if (
        streamEvents[who].some((e) => e.event === 'task' && String(e.data.id) === ids.task) &&
        streamEvents[who].some((e) => e.event === 'hazard')
      )
        break
    }
  }
}, 600_000)
afterAll(async () => {
  await streams?.analyst.close()
  await streams?.town.close()
  await s?.close()
})

type Json = Record<string, unknown>
const props = (f: unknown) => (f as { properties: Json }).properties
const feature = (fc: unknown, key: string, value: string) =>
  (fc as { features: { properties: Json }[] }).features.find((f) => String(f.properties[key]) === value)!

/** Every read route that carries people's words, and where in its answer they are. */
const ROUTES: { name: string; path: () => string; fields: (body: unknown) => unknown[]; html?: true }[] = [
  {
    name: 'incident list',
    path: () => `/api/incidents?bbox=${bboxAround()}`,
    fields: (b) => [props(feature(b, 'incidentId', 'LEAK-1')).description],
  },
  { name: 'incident by id', path: () => `/api/incidents/${ids.incident}`, fields: (b) => [props(b).description] },
  {
    name: 'hazard list',
    path: () => '/api/hazards',
    fields: (b) => ['description', 'placeName', 'responsibleParty'].map((k) => props(feature(b, 'hazardId', 'XS-LEAK-A'))[k]),
  },
  {
    name: 'hazard by id (with history and tasks)',
    path: () => `/api/hazards/${ids.hazard}`,
    fields: (b) => {
      const d = b as {
        properties: Json
        history: { action: string; comment: string | null; changes: { responsible_party?: { from: string; to: string } } }[]
        tasks: { title: string }[]
      }
      const edit = d.history.find((e) => e.action === 'edited')!
      return [
        d.properties.description,
        d.properties.placeName,
        d.properties.responsibleParty,
        edit.comment,
        edit.changes.responsible_party!.from,
        edit.changes.responsible_party!.to,
        d.tasks[0]!.title,
      ]
    },
  },
  { name: 'hazard by its code', path: () => '/api/hazards/XS-LEAK-A', fields: (b) => [props(b).description, props(b).responsibleParty] },
  {
    name: 'task list',
    path: () => `/api/tasks?hazard=${ids.hazard}`,
    fields: (b) => {
      const t = (b as { items: Json[] }).items[0]!
      return [t.title, t.description]
    },
  },
  {
    name: 'task by id (with history)',
    path: () => `/api/tasks/${ids.task}`,
    fields: (b) => {
      const t = b as Json & { history: { comment: string | null }[] }
      return [t.title, t.description, t.history[0]!.comment]
    },
  },
  {
    name: 'warning by id (history and tasks)',
    path: () => `/api/warnings/${ids.warning}`,
    fields: (b) => {
      const w = b as { history: { action: string; comment: string | null }[]; tasks: Json[] }
      return [w.history.find((e) => e.action === 'transition')!.comment, w.tasks[0]!.description]
    },
  },
  {
    name: 'OGC incidents',
    path: () => `/ogc/collections/incidents/items?bbox=${bboxAround()}`,
    fields: (b) => [props(feature(b, 'incidentId', 'LEAK-1')).description],
  },
  { name: 'OGC incident by id', path: () => `/ogc/collections/incidents/items/${ids.incident}`, fields: (b) => [props(b).description] },
  {
    name: 'OGC hazards',
    path: () => `/ogc/collections/hazards/items?bbox=${bboxAround()}`,
    fields: (b) => [props(feature(b, 'hazardId', 'XS-LEAK-A')).description, props(feature(b, 'hazardId', 'XS-LEAK-A')).placeName],
  },
  {
    name: 'OGC hazard by id',
    path: () => `/ogc/collections/hazards/items/${ids.hazard}`,
    fields: (b) => [props(b).description, props(b).placeName],
  },
  {
    name: 'OGC tasks',
    path: () => `/ogc/collections/tasks/items?bbox=${bboxAround()}`,
    fields: (b) => [props(feature(b, 'id', ids.task!)).title],
  },
  { name: 'OGC task by id', path: () => `/ogc/collections/tasks/items/${ids.task}`, fields: (b) => [props(b).title] },
  {
    name: "town report's open tasks",
    path: () => `/reports/town/${townA}?month=${new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7)}`,
    html: true,
    fields: (b) => [/<tr[^>]*data-task-id="(\d+)"[^>]*><td>([^<]*)<\/td>/.exec(String(b))?.[2]],
  },
]

function bboxAround(): string {
  const [x, y] = hazardPoint
  return [x - 0.01, y - 0.01, x + 0.01, y + 0.01].map((v) => v.toFixed(6)).join(',')
}

/** True when the text holds none of the raw personal words. */
const clean = (text: string) => RAW.every((w) => !text.includes(w))

describe(`personal data is masked on every read path for callers without pii (${TEST_KIND})`, () => {
  it.each(ROUTES)('$name: an analyst sees masked values, a town officer the words as written', async (route) => {
    for (const who of ['analyst-1', 'town-a'] as const) {
      const res = await call(route.path(), tokens[who]!)
      const text = await res.text()
      expect(res.status, `${who} ${route.path()}: ${text.slice(0, 300)}`).toBe(200)
      const fields = route.fields(route.html ? text : JSON.parse(text)).map(String)
      expect(fields.length).toBeGreaterThan(0)
      if (who === 'analyst-1') {
        // Every listed field is there, masked, and nothing anywhere in the answer is raw.
        for (const f of fields) expect(f, route.name).toContain('*')
        for (const f of fields) expect(clean(f), `${route.name}: ${f}`).toBe(true)
        expect(clean(text), `${route.name} leaks: ${RAW.filter((w) => text.includes(w)).join(', ')}`).toBe(true)
      } else {
        // The control: the fields do carry personal words, which a pii role reads in full.
        expect(
          fields.some((f) => !clean(f)),
          `${route.name} for a town officer`,
        ).toBe(true)
      }
    }
  })

  it('the live stream sends an analyst the hazard and task masked, a town officer as written', () => {
    const pick = (who: 'analyst' | 'town') => {
      const hazard = streamEvents[who].filter((e) => e.event === 'hazard' && String(e.data.id) === ids.hazard).at(-1)
      const task = streamEvents[who].filter((e) => e.event === 'task' && String(e.data.id) === ids.task).at(-1)
      expect(hazard, `${who} got the hazard`).toBeDefined()
      expect(task, `${who} got the task`).toBeDefined()
      const h = props(hazard!.data)
      return [h.description, h.placeName, h.responsibleParty, task!.data.title, task!.data.description].map(String)
    }
    const analyst = pick('analyst')
    for (const f of analyst) expect(clean(f), f).toBe(true)
    for (const f of analyst) expect(f).toContain('*')
    expect(clean(JSON.stringify(streamEvents.analyst))).toBe(true)
    expect(pick('town').some((f) => !clean(f))).toBe(true)
  })

  it('hazard and task tiles carry no personal words at all', async () => {
    const t = tileAt(14, hazardPoint[0], hazardPoint[1])
    const res = await call(`/tiles/hazards,tasks/${t.z}/${t.x}/${t.y}.mvt`, tokens['analyst-1']!)
    expect(res.status).toBe(200)
    const layers = decodeTile(new Uint8Array(await res.arrayBuffer()))
    expect(layers.hazards?.some((f) => String(f.properties.id) === ids.hazard)).toBe(true)
    const values = Object.values(layers)
      .flat()
      .flatMap((f) => Object.values(f.properties).map(String))
    expect(clean(values.join(' '))).toBe(true)
  })
})

describe(`a town officer cannot tell "elsewhere" from "nowhere" (${TEST_KIND})`, () => {
  /** By-id routes: a record of town B, and one that does not exist, asked the same way. */
  const CASES: { name: string; elsewhere: () => string; nowhere: () => string; method?: string; body?: unknown }[] = [
    { name: 'hazard by number', elsewhere: () => `/api/hazards/${ids.hazardB}`, nowhere: () => '/api/hazards/999999999' },
    { name: 'hazard by code', elsewhere: () => '/api/hazards/XS-LEAK-B', nowhere: () => '/api/hazards/XS-LEAK-Z' },
    {
      name: 'hazard edit by code',
      elsewhere: () => '/api/hazards/XS-LEAK-B',
      nowhere: () => '/api/hazards/XS-LEAK-Z',
      method: 'PATCH',
      body: { due_date: '2099-01-01' },
    },
    {
      name: 'hazard transition by code',
      elsewhere: () => '/api/hazards/XS-LEAK-B/transitions',
      nowhere: () => '/api/hazards/XS-LEAK-Z/transitions',
      method: 'POST',
      body: { to: 'confirmed' },
    },
    { name: 'task', elsewhere: () => `/api/tasks/${ids.taskB}`, nowhere: () => '/api/tasks/999999999' },
    {
      name: 'task transition',
      elsewhere: () => `/api/tasks/${ids.taskB}/transitions`,
      nowhere: () => '/api/tasks/999999999/transitions',
      method: 'POST',
      body: { to: 'accepted' },
    },
    { name: 'warning', elsewhere: () => `/api/warnings/${ids.warningB}`, nowhere: () => '/api/warnings/999999999' },
    { name: 'incident', elsewhere: () => `/api/incidents/${ids.incidentB}`, nowhere: () => '/api/incidents/999999999' },
    {
      name: 'OGC hazard',
      elsewhere: () => `/ogc/collections/hazards/items/${ids.hazardB}`,
      nowhere: () => '/ogc/collections/hazards/items/999999999',
    },
    {
      name: 'OGC incident',
      elsewhere: () => `/ogc/collections/incidents/items/${ids.incidentB}`,
      nowhere: () => '/ogc/collections/incidents/items/999999999',
    },
    {
      name: 'OGC task',
      elsewhere: () => `/ogc/collections/tasks/items/${ids.taskB}`,
      nowhere: () => '/ogc/collections/tasks/items/999999999',
    },
  ]

  it.each(CASES)('$name: the same 404, naming only what was asked', async (c) => {
    const ask = async (path: string) => {
      const res = await call(path, tokens['town-a']!, { method: c.method ?? 'GET', ...(c.body ? { body: c.body } : {}) })
      return { status: res.status, error: ((await res.json()) as { error: string }).error, path }
    }
    const elsewhere = await ask(c.elsewhere())
    const nowhere = await ask(c.nowhere())
    expect(elsewhere.status).toBe(404)
    expect(nowhere.status).toBe(404)
    // The message with the asked id taken out is word for word the same.
    const idIn = (p: string) =>
      decodeURIComponent(
        p
          .split('/')
          .filter((x) => x !== 'transitions')
          .at(-1)!,
      )
    expect(elsewhere.error.replace(idIn(elsewhere.path), '{id}')).toBe(nowhere.error.replace(idIn(nowhere.path), '{id}'))
    expect(elsewhere.error).toContain(idIn(elsewhere.path))
  })

  it('the admin does see those records (the cases are real)', async () => {
    for (const p of [
      `/api/hazards/XS-LEAK-B`,
      `/api/tasks/${ids.taskB}`,
      `/api/warnings/${ids.warningB}`,
      `/api/incidents/${ids.incidentB}`,
    ]) {
      expect((await call(p, tokens.admin!)).status, p).toBe(200)
    }
  })
})
