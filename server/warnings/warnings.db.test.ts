/**
 * Warning models end to end on the database under test: runs recorded and reproducible, repeat
 * triggers update one open warning, previews of a past date touch no warning, expiry, the
 * lifecycle over HTTP (legal and illegal moves, one-click tasks, no resolving past an open task
 * without a reason), definitions validated and versioned, 400s naming the field, the scheduler,
 * and `event: warning` on the live stream. Data: the seeded boundaries plus incidents planted
 * here (seeded RNG); the server's clock is the test's (`clock`, AS_OF unless a test moves it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadConfig } from '../config.ts'
import { h3Cells } from '../geo/h3.ts'
import { executeRun } from '../models/runner.ts'
import { createModelService } from '../models/service.ts'
import { beatModelRun, lastRunRequested, type ModelRun } from '../models/store.ts'
import { createRng, poisson } from '../seed/rng.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import type { WarningDetail, WarningPage } from './schema.ts'
import { transitionWarning } from './store.ts'

const AS_OF = new Date('2026-11-01T00:00:00+08:00')
const DAY_MS = 86_400_000
const ADDRESS_ID = 'TEST-A1'

interface Grid {
  code: string
  village: string
  town: string
  lng: number
  lat: number
}

describe(`warning models and warnings (${TEST_KIND})`, () => {
  let s: TestServer
  let grids: Grid[]
  /** The server's "now": a run as of it is live, one more than 10 minutes before is a preview. */
  let clock = AS_OF
  const api = async <T = unknown>(
    path: string,
    init: { method?: string; body?: unknown; user?: string } = {},
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${s.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...(init.user ? { 'x-user': init.user } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    })
    return { status: res.status, body: (await res.json()) as T }
  }
  /** Queues a run over HTTP and waits for it to finish. */
  const run = async (model: string, asOf: Date = AS_OF, user?: string): Promise<ModelRun> => {
    const queued = await api<ModelRun>(`/api/models/${model}/runs`, {
      method: 'POST',
      body: { asOf: asOf.toISOString() },
      ...(user ? { user } : {}),
    })
    expect(queued.status).toBe(202)
    expect(queued.body.status).toBe('queued')
    for (let i = 0; i < 600; i++) {
      const r = await api<ModelRun>(`/api/model-runs/${queued.body.id}`)
      if (r.body.status === 'done' || r.body.status === 'failed') return r.body
      await new Promise((ok) => setTimeout(ok, 100))
    }
    throw new Error(`run ${queued.body.id} did not finish`)
  }
  const warningsOf = async (model: string, status?: string) =>
    (await api<WarningPage>(`/api/warnings?model=${model}${status ? `&status=${status}` : ''}`)).body.features

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false, now: () => clock })
    grids = await s.db.sql<Grid[]>`
      SELECT g.code, v.code AS village, v.parent_code AS town, ST_X(g.label_point) AS lng, ST_Y(g.label_point) AS lat
      FROM admin_areas g JOIN admin_areas v ON v.code = g.parent_code
      WHERE g.level = 'grid' ORDER BY g.code LIMIT 30`
    const rng = createRng('warnings-db-test')
    const rows: { id: string; t: Date; cat: string; g: Grid; address: string | null }[] = []
    let n = 0
    const add = (g: Grid, back: number, cat: string, address: string | null = null) =>
      rows.push({ id: `T${++n}`, t: new Date(AS_OF.getTime() - back * DAY_MS + Math.floor(rng() * 20) * 3600_000), cat, g, address })
    // Background: about 0.3 a day in each grid over 9 weeks; the planted surge: +14 in grid 0's last week.
    grids.forEach((g) => {
      for (let back = 1; back <= 63; back++) for (let k = poisson(rng, 0.3); k > 0; k--) add(g, back, '0103')
    })
    for (let i = 0; i < 14; i++) add(grids[0]!, 1 + (i % 7), '0104')
    // The planted repeat address: 5 neighbour disputes and a fight in the last 20 days.
    await s.db.sql`INSERT INTO addresses (address_id, address, geom, town_code, village_code, grid_code)
      VALUES (${ADDRESS_ID}, '测试街道测试小区1幢101室', ST_SetSRID(ST_MakePoint(${grids[5]!.lng}, ${grids[5]!.lat}), 4326),
              ${grids[5]!.town}, ${grids[5]!.village}, ${grids[5]!.code})`
    ;[19, 15, 11, 6, 2].forEach((back) => add(grids[5]!, back, '0402', ADDRESS_ID))
    add(grids[5]!, 3, '0104', ADDRESS_ID)
    // Last May (113–119 days back): a burst of 16 in grid 10 that no live run can see any more.
    for (let i = 0; i < 16; i++) add(grids[10]!, 114 + (i % 6), '0103')
    for (const r of rows) {
      const h = h3Cells(r.g.lng, r.g.lat)
      await s.db.sql`
        INSERT INTO incidents (incident_id, reported_at, category_code, address, source, geom, address_id, town_code, village_code, grid_code, h3_r7, h3_r8, h3_r9, h3_r10)
        VALUES (${r.id}, ${r.t}, ${r.cat}, '测试地址', 'test', ST_SetSRID(ST_MakePoint(${r.g.lng}, ${r.g.lat}), 4326), ${r.address},
                ${r.g.town}, ${r.g.village}, ${r.g.code}, ${h.r7}, ${h.r8}, ${h.r9}, ${h.r10})`
    }
  }, 120_000)

  afterAll(async () => {
    await s?.close()
  })

  it('lists the built-in definitions', async () => {
    const { status, body } = await api<{ items: { id: string; version: number; builtin: boolean; definition: { kind: string } }[] }>(
      '/api/models',
    )
    expect(status).toBe(200)
    expect(body.items.map((m) => m.id)).toEqual(
      expect.arrayContaining([
        'surge',
        'hotspot',
        'emerging',
        'repeat-address',
        'near-repeat',
        'concentration-fraud',
        'concentration-ebike',
        'concentration-fire',
        'dispute-escalation',
        'overdue',
        'group-rental',
        'registration-gap',
        'dispute-recurrence',
        'key-person-incident',
        'self-check-overdue',
        'gas-cylinder',
        'patrol-gap',
      ]),
    )
    expect(body.items.filter((m) => m.builtin)).toHaveLength(17)
    expect(body.items.every((m) => m.version >= 1)).toBe(true)
  })

  let surgeRun: ModelRun
  it('records a run: version, window, duration, counts; finds the planted surge and no noise grid', async () => {
    surgeRun = await run('surge')
    expect(surgeRun).toMatchObject({
      status: 'done',
      modelId: 'surge',
      modelVersion: 1,
      trigger: 'manual',
      mode: 'live',
      findingsCount: 1,
      raised: 1,
      updated: 0,
      expired: 0,
    })
    expect(surgeRun.asOf).toBe(AS_OF.toISOString())
    expect(surgeRun.dataTo).toBe(AS_OF.toISOString())
    expect(new Date(surgeRun.dataFrom!).getTime()).toBe(AS_OF.getTime() - 63 * DAY_MS)
    expect(surgeRun.durationMs).toBeGreaterThanOrEqual(0)
    expect(surgeRun.definition).toMatchObject({ id: 'surge', thresholds: { red: 0.0001 } })
    const [w, ...rest] = await warningsOf('surge')
    expect(rest).toEqual([])
    expect(w!.properties).toMatchObject({
      subject: `grid:${grids[0]!.code}`,
      level: 'red',
      status: 'new',
      gridCode: grids[0]!.code,
      villageCode: grids[0]!.village,
      triggerCount: 1,
    })
    expect(w!.properties.explanation).toMatch(/^近7日 \d+ 起，前8周同期均值 [\d.]+ 起，泊松超越概率/)
    expect(['Polygon', 'MultiPolygon']).toContain(w!.geometry.type)
  })

  it('reproduces: a rerun at the same asOf gives the same findings and updates the one open warning', async () => {
    const again = await run('surge')
    expect(again.findings).toEqual(surgeRun.findings)
    expect(again).toMatchObject({ raised: 0, updated: 1, expired: 0 })
    const open = await warningsOf('surge')
    expect(open).toHaveLength(1)
    expect(open[0]!.properties).toMatchObject({ triggerCount: 2, lastRunId: again.id, firstRunId: surgeRun.id })
  })

  it("a supervisor previewing last May's data sees its findings, but the live warning list is unchanged", async () => {
    const everything = async () => (await api<WarningPage>('/api/warnings?limit=1000')).body.features
    const events = async () => (await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM warning_events`)[0]!.n
    const before = await everything()
    const eventsBefore = await events()
    expect(before.map((f) => [f.properties.subject, f.properties.level, f.properties.triggerCount])).toEqual([
      [`grid:${grids[0]!.code}`, 'red', 2],
    ])

    // Last May: the burst in grid 10 is a red surge there, shown with the run, raised nowhere.
    const may = await run('surge', new Date(AS_OF.getTime() - 113 * DAY_MS), 'supervisor')
    expect(may).toMatchObject({ status: 'done', mode: 'preview', requestedBy: 'supervisor', raised: 0, updated: 0, expired: 0 })
    const read = await api<ModelRun & { findings: { items: { subject: string; level: string }[] } }>(`/api/models/surge/runs/${may.id}`)
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ id: may.id, mode: 'preview', findingsCount: read.body.findings.items.length })
    expect(read.body.findings.items).toContainEqual(expect.objectContaining({ subject: `grid:${grids[10]!.code}`, level: 'red' }))
    // Yesterday: it finds grid 0 again, but the open warning is not re-triggered (a live run would).
    const yesterday = await run('surge', new Date(AS_OF.getTime() - DAY_MS))
    expect(yesterday).toMatchObject({ mode: 'preview', raised: 0, updated: 0 })
    expect(
      (await api<{ findings: { items: { subject: string }[] } }>(`/api/models/surge/runs/${yesterday.id}`)).body.findings.items.map(
        (f) => f.subject,
      ),
    ).toContain(`grid:${grids[0]!.code}`)

    expect(await everything()).toEqual(before)
    expect(await events()).toBe(eventsBefore)
    // Listed as previews; the model's card keeps its last live run, and so does the scheduler.
    const previews = (await api<{ items: ModelRun[] }>('/api/models/surge/runs?mode=preview')).body.items
    expect(previews.map((r) => r.id)).toEqual([yesterday.id, may.id])
    const card = (await api<{ lastRun: ModelRun; lastLiveRun: ModelRun }>('/api/models/surge')).body
    expect(card.lastRun.id).toBe(yesterday.id)
    expect(card.lastLiveRun.id).toBe(before[0]!.properties.lastRunId)
    const [liveRequested] = await s.db.sql<{ at: Date }[]>`SELECT requested_at AS at FROM model_runs WHERE id = ${card.lastLiveRun.id}`
    expect((await lastRunRequested(s.db.sql)).get('surge')).toEqual(liveRequested!.at)
    // Another model's run of another run's id is not found under this one.
    expect((await api(`/api/models/hotspot/runs/${may.id}`)).status).toBe(404)
  })

  it('refuses a live run for a past date and any run for the future; previews now on request', async () => {
    const past = await api<{ error: string }>('/api/models/surge/runs', {
      method: 'POST',
      body: { asOf: new Date(AS_OF.getTime() - 30 * DAY_MS).toISOString(), mode: 'live' },
    })
    expect(past.status).toBe(400)
    expect(past.body.error).toMatch(/body\.mode: a run for a past date/)
    const future = await api<{ error: string }>('/api/models/surge/runs', {
      method: 'POST',
      body: { asOf: new Date(AS_OF.getTime() + 3600_000).toISOString() },
    })
    expect(future.status).toBe(400)
    expect(future.body.error).toMatch(/body\.asOf: more than 10 minutes ahead/)
    // A run a few minutes back (a client's clock, a queue) is still live: it re-triggers.
    const recent = await run('surge', new Date(AS_OF.getTime() - 5 * 60_000))
    expect(recent).toMatchObject({ mode: 'live', updated: 1 })
    // Trying an edited definition against today's data without acting on anything.
    const before = (await api<WarningPage>('/api/warnings?limit=1000')).body.features
    const queued = await api<ModelRun>('/api/models/surge/runs', { method: 'POST', body: { mode: 'preview' } })
    expect(queued.status).toBe(202)
    expect(queued.body).toMatchObject({ mode: 'preview', asOf: AS_OF.toISOString() })
    for (let i = 0; i < 600 && !['done', 'failed'].includes((await api<ModelRun>(`/api/model-runs/${queued.body.id}`)).body.status); i++)
      await new Promise((ok) => setTimeout(ok, 100))
    expect((await api<ModelRun>(`/api/model-runs/${queued.body.id}`)).body).toMatchObject({ status: 'done', findingsCount: 1, updated: 0 })
    expect((await api<WarningPage>('/api/warnings?limit=1000')).body.features).toEqual(before)
  })

  it('finds the repeat address (orange) and the dispute escalation (red: 5 disputes and a fight)', async () => {
    const r = await run('repeat-address')
    expect(r).toMatchObject({ status: 'done', findingsCount: 1 })
    const [rep] = await warningsOf('repeat-address')
    expect(rep!.properties).toMatchObject({
      subject: `address:${ADDRESS_ID}`,
      level: 'orange',
      addressId: ADDRESS_ID,
      gridCode: grids[5]!.code,
    })
    expect(rep!.geometry.type).toBe('Point')
    await run('dispute-escalation')
    const [d] = await warningsOf('dispute-escalation')
    expect(d!.properties).toMatchObject({ subject: `address:${ADDRESS_ID}`, level: 'red' })
    expect(d!.properties.explanation).toMatch(
      /^近60日同一地址矛盾纠纷 5 起（邻里纠纷 5 起）.*同址另有打架斗殴等 1 起，升一级，有民转刑风险$/,
    )
  })

  it('runs every other built-in model without failing', async () => {
    for (const m of [
      'hotspot',
      'emerging',
      'near-repeat',
      'concentration-fraud',
      'overdue',
      // the full-view models on a district without houses, disputes, organisations, devices or patrols
      'group-rental',
      'registration-gap',
      'dispute-recurrence',
      'key-person-incident',
      'self-check-overdue',
      'gas-cylinder',
      'patrol-gap',
    ]) {
      expect(await run(m)).toMatchObject({ status: 'done', error: null })
    }
  })

  it('moves through the lifecycle: legal moves recorded with who and why, illegal ones 409', async () => {
    const [w] = await warningsOf('surge')
    const id = w!.id
    const ack = await api<WarningDetail>(`/api/warnings/${id}/transitions`, {
      method: 'POST',
      body: { to: 'acknowledged', comment: '已签收，安排核查' },
      user: 'duty-officer',
    })
    expect(ack.status).toBe(200)
    expect(ack.body.properties.status).toBe('acknowledged')
    expect(ack.body.history.at(-1)).toMatchObject({
      action: 'transition',
      actor: 'duty-officer',
      from: 'new',
      to: 'acknowledged',
      comment: '已签收，安排核查',
    })
    expect((await api(`/api/warnings/${id}/transitions`, { method: 'POST', body: { to: 'new' } })).status).toBe(409)
    expect((await api(`/api/warnings/${id}/transitions`, { method: 'POST', body: { to: 'tasked' } })).status).toBe(409)
    const bad = await api<{ error: string }>(`/api/warnings/${id}/transitions`, { method: 'POST', body: { to: 'closed' } })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/body\.to/)

    // One click: a task from the warning, the warning tasked.
    const tasked = await api<{ task: { id: number; source: string; warningId: number; areaCode: string }; warning: WarningDetail }>(
      `/api/warnings/${id}/tasks`,
      { method: 'POST', body: {}, user: 'chief' },
    )
    expect(tasked.status).toBe(201)
    expect(tasked.body.task).toMatchObject({ source: 'warning', warningId: id, areaCode: grids[0]!.code })
    expect(tasked.body.warning.properties.status).toBe('tasked')
    const detail = await api<WarningDetail>(`/api/warnings/${id}`)
    expect(detail.body.tasks).toHaveLength(1)
    expect(detail.body.history.map((h) => h.action)).toEqual(['raised', 'retriggered', 'retriggered', 'transition', 'transition'])

    expect((await api(`/api/warnings/${id}/transitions`, { method: 'POST', body: { to: 'acknowledged' } })).status).toBe(409)
    // The chief cannot close it while its task is open, however it is worded…
    const early = await api<{ error: string; details: { openTasks: { id: number; status: string }[] } }>(
      `/api/warnings/${id}/transitions`,
      { method: 'POST', body: { to: 'resolved', comment: '已整改' }, user: 'chief' },
    )
    expect(early.status).toBe(409)
    expect(early.body.error).toBe(
      `warning ${id}: task #${tasked.body.task.id} (issued) raised from it is still open: close it first, or give body.reason saying why the warning is resolved anyway`,
    )
    expect(early.body.details.openTasks).toEqual([{ id: tasked.body.task.id, status: 'issued' }])
    expect((await api<WarningDetail>(`/api/warnings/${id}`)).body.properties.status).toBe('tasked')
    expect(
      (await api<{ error: string }>(`/api/warnings/${id}/transitions`, { method: 'POST', body: { to: 'resolved', reason: ' ' } })).body
        .error,
    ).toMatch(/body\.reason/)
    // …unless they say why: the why, who and which task are in the warning's history.
    const why = '现场核实为重复报警，任务由街道另行跟进'
    const resolved = await api<WarningDetail>(`/api/warnings/${id}/transitions`, {
      method: 'POST',
      body: { to: 'resolved', comment: '已整改', reason: why },
      user: 'chief',
    })
    expect(resolved.status).toBe(200)
    expect(resolved.body.properties.status).toBe('resolved')
    expect(resolved.body.history.at(-1)).toMatchObject({
      action: 'transition',
      actor: 'chief',
      from: 'tasked',
      to: 'resolved',
      comment: '已整改',
      details: { reason: why, overrideOpenTasks: [tasked.body.task.id] },
    })
    expect((await api(`/api/warnings/${id}/transitions`, { method: 'POST', body: { to: 'acknowledged' } })).status).toBe(409)
    expect((await api(`/api/warnings/${id}/tasks`, { method: 'POST', body: {} })).status).toBe(409)
  })

  it('resolves a warning without a reason once every task it raised is closed out (销号)', async () => {
    const [w] = await warningsOf('dispute-escalation')
    const id = w!.id
    const { body } = await api<{ task: { id: number } }>(`/api/warnings/${id}/tasks`, { method: 'POST', body: {} })
    const taskId = body.task.id
    for (const to of ['accepted', 'in_progress', 'submitted']) {
      expect((await api(`/api/tasks/${taskId}/transitions`, { method: 'POST', body: { to } })).status, to).toBe(200)
    }
    // Submitted for review is still open.
    expect((await api(`/api/warnings/${id}/transitions`, { method: 'POST', body: { to: 'resolved' } })).status).toBe(409)
    expect((await api(`/api/tasks/${taskId}/transitions`, { method: 'POST', body: { to: 'closed' } })).status).toBe(200)
    const done = await api<WarningDetail>(`/api/warnings/${id}/transitions`, {
      method: 'POST',
      body: { to: 'resolved', comment: '整改完毕' },
      user: 'chief',
    })
    expect(done.status).toBe(200)
    expect(done.body.history.at(-1)).toMatchObject({ action: 'transition', to: 'resolved', details: {} })
  })

  it('expires a warning not re-triggered in time; a later trigger raises a new one', async () => {
    const later = new Date(AS_OF.getTime() + 40 * DAY_MS)
    clock = later
    const r = await run('repeat-address', later).finally(() => (clock = AS_OF))
    expect(r).toMatchObject({ findingsCount: 0, expired: 1 })
    const [w] = await warningsOf('repeat-address', 'expired')
    expect(w!.properties.closedAt).not.toBeNull()
    const detail = await api<WarningDetail>(`/api/warnings/${w!.id}`)
    expect(detail.body.history.at(-1)).toMatchObject({ action: 'expired', actor: 'system', from: 'new', to: 'expired' })
    const again = await run('repeat-address')
    expect(again).toMatchObject({ raised: 1, updated: 0 })
    expect(await warningsOf('repeat-address')).toHaveLength(2)
  })

  it("a town officer cannot close a warning whose open task lies in another town's area", async () => {
    const [w] = await warningsOf('repeat-address', 'new')
    const [other] = await s.db.sql<{ code: string }[]>`
      SELECT g.code FROM admin_areas g JOIN admin_areas v ON v.code = g.parent_code
      WHERE g.level = 'grid' AND v.parent_code <> ${w!.properties.townCode} ORDER BY g.code LIMIT 1`
    const { body } = await api<{ task: { id: number } }>(`/api/warnings/${w!.id}/tasks`, {
      method: 'POST',
      body: { area_code: other!.code },
    })
    const town = { role: 'town', userId: 'town-officer', areaCodes: [w!.properties.townCode!] }
    const attempt = s.db.withScope(town, async (tx) => {
      expect(await tx`SELECT id FROM tasks WHERE warning_id = ${w!.id}`).toHaveLength(0) // out of their sight
      return transitionWarning(tx, String(w!.id), 'resolved', 'town-officer', null)
    })
    await expect(attempt).rejects.toMatchObject({
      name: 'Conflict',
      kind: 'conflict',
      message: expect.stringContaining(`task #${body.task.id} (issued)`),
    })
  })

  it('validates definitions (400 naming the field) and keeps every version', async () => {
    const cur = (await api<{ definition: Record<string, unknown> }>('/api/models/surge')).body.definition
    const order = await api<{ error: string }>('/api/models/surge', {
      method: 'PUT',
      body: { ...cur, thresholds: { red: 0.01, orange: 0.001, yellow: 0.05 } },
    })
    expect(order.status).toBe(400)
    expect(order.body.error).toMatch(/body\.thresholds\.red/)
    const cat = await api<{ error: string }>('/api/models/surge', { method: 'PUT', body: { ...cur, categories: ['01', '9999'] } })
    expect(cat.status).toBe(400)
    expect(cat.body.error).toMatch(/body\.categories\.1: unknown category 9999/)
    const kind = await api<{ error: string }>('/api/models/surge', { method: 'PUT', body: { ...cur, kind: 'crystal_ball' } })
    expect(kind.status).toBe(400)
    expect(kind.body.error).toMatch(/body\.kind/)
    const kindChange = await api('/api/models/surge', {
      method: 'PUT',
      body: { id: 'surge', kind: 'hotspot', name: { zh: '热点', en: 'Hot' } },
    })
    expect(kindChange.status).toBe(409)

    const edit = await api<{ version: number; changed: boolean; versions: unknown[] }>('/api/models/surge', {
      method: 'PUT',
      body: { ...cur, params: { ...(cur.params as object), minCount: 6 } },
      user: 'analyst',
    })
    expect(edit.status).toBe(200)
    expect(edit.body).toMatchObject({ version: 2, changed: true })
    expect(edit.body.versions).toHaveLength(2)
    const v1 = await api<{ version: number; definition: { params: { minCount: number } } }>('/api/models/surge?version=1')
    expect(v1.body).toMatchObject({ version: 1, definition: { params: { minCount: 5 } } })
    expect((await run('surge')).modelVersion).toBe(2)

    const created = await api<{ version: number }>('/api/models/my-fraud-surge', {
      method: 'PUT',
      body: { kind: 'surge', name: { zh: '诈骗激增', en: 'Fraud surge' }, categories: ['05'] },
    })
    expect(created.status).toBe(201)
    expect(created.body.version).toBe(1)
  })

  it('answers 400 naming the bad field, 404 for unknown ids, and pages by key', async () => {
    const cases: [string, RegExp][] = [
      ['/api/warnings?level=purple', /query\.level/],
      ['/api/warnings?from=yesterday', /query\.from/],
      ['/api/warnings?limit=0', /query\.limit/],
      ['/api/warnings/abc', /params\.id/],
      ['/api/models/Bad%20Id', /params\.id/],
    ]
    for (const [path, re] of cases) {
      const r = await api<{ error: string }>(path)
      expect(r.status, path).toBe(400)
      expect(r.body.error).toMatch(re)
    }
    const asOf = await api<{ error: string }>('/api/models/surge/runs', { method: 'POST', body: { asOf: 'last tuesday' } })
    expect(asOf.status).toBe(400)
    expect(asOf.body.error).toMatch(/body\.asOf/)
    expect((await api('/api/warnings/999999')).status).toBe(404)
    expect((await api('/api/models/nope/runs', { method: 'POST', body: {} })).status).toBe(404)

    const first = (await api<WarningPage>('/api/warnings?limit=1')).body
    expect(first.type).toBe('FeatureCollection')
    expect(first.next).not.toBeNull()
    const second = (await api<WarningPage>(`/api/warnings?limit=1&cursor=${first.next}`)).body
    expect(second.features[0]!.id).toBeLessThan(first.features[0]!.id)
    const red = (await api<WarningPage>('/api/warnings?level=red&status=new,acknowledged,tasked,resolved,expired')).body
    expect(red.features.every((f) => f.properties.level === 'red')).toBe(true)
    const area = (await api<WarningPage>(`/api/warnings?area=${grids[5]!.village}`)).body
    expect(area.features.length).toBeGreaterThan(0)
    expect(area.features.every((f) => f.properties.villageCode === grids[5]!.village)).toBe(true)
  })

  it('sends event: warning on the live stream', async () => {
    const res = await fetch(`${s.url}/api/stream`)
    await new Promise((ok) => setTimeout(ok, 150))
    const done = run('dispute-escalation') // re-triggers the open warning: a change
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    const deadline = Date.now() + 10_000
    while (!/event: warning\ndata: /.test(text) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((ok) => setTimeout(() => ok(null), 500))])
      if (chunk && !chunk.done) text += decoder.decode(chunk.value, { stream: true })
    }
    await reader.cancel()
    await done
    const m = /id: (\S+)\nevent: warning\ndata: (.*)\n/.exec(text)
    expect(m).not.toBeNull()
    expect(JSON.parse(m![2]!)).toMatchObject({
      type: 'Feature',
      properties: { modelId: 'dispute-escalation', subject: `address:${ADDRESS_ID}` },
    })
  })

  it('closes model runs whose process died (no heartbeat for 3 minutes) and leaves live ones, of any server, alone', async () => {
    await run('surge')
    // Rows as processes leave them: one killed mid-run, one killed with a run still queued, and one
    // running on another server that beat a minute ago.
    const plant = async (status: string, quietFor: string) => {
      const [r] = await s.db.sql<{ id: string; t: Date }[]>`
        INSERT INTO model_runs (model_id, model_version, definition, trigger, status, as_of, requested_by, started_at, heartbeat_at)
        SELECT model_id, model_version, definition, 'manual', ${status}, as_of, 'test', now(), date_trunc('second', now()) - ${quietFor}::interval
        FROM model_runs WHERE model_id = 'surge' AND status = 'done' ORDER BY id DESC LIMIT 1
        RETURNING id::text, heartbeat_at AS t`
      return r!
    }
    const dead = await plant('running', '10 minutes')
    const deadQueued = await plant('queued', '4 minutes')
    const live = await plant('running', '1 minute')
    const message = (t: Date) => `interrupted: the process running it stopped (last heartbeat ${t.toISOString().replace('.000Z', 'Z')})`

    const got = await api<ModelRun>(`/api/model-runs/${dead.id}`)
    expect(got.body).toMatchObject({ status: 'failed', error: message(dead.t), finishedAt: dead.t.toISOString() })
    const listed = new Map((await api<{ items: ModelRun[] }>('/api/models/surge/runs?limit=10')).body.items.map((r) => [String(r.id), r]))
    expect(listed.get(deadQueued.id)).toMatchObject({ status: 'failed', error: message(deadQueued.t) })
    expect(listed.get(live.id)!.status).toBe('running')

    // A beat keeps a live run from being closed, and never reopens an ended one.
    await beatModelRun(s.db.sql, live.id)
    await beatModelRun(s.db.sql, dead.id)
    const rows = new Map(
      (
        await s.db.sql<{ id: string; status: string; age: number }[]>`
      SELECT id::text, status, extract(epoch FROM now() - heartbeat_at)::float8 AS age FROM model_runs WHERE id IN ${s.db.sql([dead.id, live.id])}`
      ).map((r) => [r.id, r]),
    )
    expect(rows.get(live.id)!.age).toBeLessThan(5)
    expect(rows.get(dead.id)).toMatchObject({ status: 'failed' })
    expect(rows.get(dead.id)!.age).toBeGreaterThan(500)
    // A process that wakes up after its run was closed does not run it, nor overwrite why it failed.
    await executeRun(s.db, dead.id)
    expect((await api<ModelRun>(`/api/model-runs/${dead.id}`)).body).toMatchObject({ status: 'failed', error: message(dead.t) })
    await s.db.sql`UPDATE model_runs SET status = 'failed', error = 'test' WHERE id = ${live.id}::bigint`
  })

  it('keeps the scheduler off under the test runner unless asked; when asked it runs due models', async () => {
    expect(loadConfig({}).MODELS_SCHEDULER).toBe(false)
    expect(loadConfig({ MODELS_SCHEDULER: 'true' }).MODELS_SCHEDULER).toBe(true)
    const [before] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM model_runs WHERE trigger = 'schedule'`
    // A clock a day ahead: every enabled model is due (the last runs were requested "now").
    const svc = createModelService(s.db, { scheduler: true, runOnStart: false, tickMs: 60_000, now: () => new Date(Date.now() + DAY_MS) })
    svc.start()
    try {
      for (let i = 0; i < 400; i++) {
        const [r] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM model_runs WHERE trigger = 'schedule'`
        if (r!.n - before!.n >= 17) break
        await new Promise((ok) => setTimeout(ok, 100))
      }
    } finally {
      svc.stop()
    }
    await svc.idle()
    const rows = await s.db.sql<{ model_id: string; status: string }[]>`SELECT model_id, status FROM model_runs WHERE trigger = 'schedule'`
    // All 17 built-ins (and any model an earlier test saved) are due.
    expect(new Set(rows.map((r) => r.model_id)).size).toBeGreaterThanOrEqual(17)
  }, 120_000)
})
