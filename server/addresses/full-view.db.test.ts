/**
 * `GET /api/addresses/{id}/full-view` over rows written at one address (full-view-fixtures.ts)
 * plus incidents, a hazard and its task: every section with its counts, residents masked for
 * every caller, free text masked without `pii`, another town's officer answered as for a missing
 * address, and one `people.read` audit row per read that lists residents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadFixtureBase } from '../geocode/fixtures/base.ts'
import { type FullView, FullViewSchema } from '../shared/full-view.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { type FullViewFixture, insertFullView } from './full-view-fixtures.ts'

const ADDRESS = 'F_R3_2_501'
const CALLER = '张三丰'
const CALLER_PHONE = '13912345678'

describe(`an address's full view (${TEST_KIND})`, () => {
  let s: TestServer
  let f: FullViewFixture
  let hazardId = ''
  let taskId = 0
  const tokens: Record<string, string> = {}

  const call = (path: string, user?: string) =>
    fetch(`${s.url}${path}`, user ? { headers: { authorization: `Bearer ${tokens[user]}` } } : {})
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${s.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const text = await res.text()
    expect(res.status, `${path}: ${text}`).toBeLessThan(300)
    return JSON.parse(text) as T
  }
  const auditRows = async () =>
    (
      await s.db.sql<
        { n: number }[]
      >`SELECT count(*)::int AS n FROM audit_log WHERE action = 'people.read' AND target = ${`address:${ADDRESS}`}`
    )[0]!.n

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    const points = await loadFixtureBase(s.db.sql)
    f = await insertFullView(s.db.sql, ADDRESS, 'a')
    await insertFullView(s.db.sql, 'F_CX_RM12', 'b')
    const [lng, lat] = points.get(ADDRESS)!
    // Two incidents at the address (one naming its caller), one elsewhere.
    await s.db.sql`
      INSERT INTO incidents (incident_id, reported_at, category_code, address, address_id, geom, town_code, village_code, grid_code, status, source, description)
      SELECT v.id, now() - v.ago * interval '1 hour', '0101', a.address, v.aid, a.geom, a.town_code, a.village_code, a.grid_code, 'open', 'fixture', v.d
      FROM (VALUES ('FV-I-1', 5, ${ADDRESS}, ${`报警人${CALLER}称手机${CALLER_PHONE}被盗`}),
                   ('FV-I-2', 30, ${ADDRESS}, '楼道内电瓶车充电'),
                   ('FV-I-3', 2, 'F_CX_RM12', '其他地址')) AS v(id, ago, aid, d)
      JOIN addresses a ON a.address_id = v.aid`
    // A hazard at the shop (registered through the API, then tied to the address and the shop) and its task.
    const hazard = await post<{ id: number }>('/api/hazards', {
      source: '网格巡查',
      category: 'fire',
      severity: 'serious',
      description: `后厨燃气管老化，负责人${CALLER}`,
      lng,
      lat,
      due_date: '2099-12-31',
    })
    hazardId = String(hazard.id)
    await s.db.sql`UPDATE hazards SET address_id = ${ADDRESS}, organisation_id = ${f.organisation}::bigint WHERE id = ${hazardId}::bigint`
    const task = await post<{ id: number }>('/api/tasks', {
      title: '更换燃气软管',
      assignee_team: '北干街道安监',
      due_date: '2099-12-31',
      hazard_id: hazardId,
    })
    taskId = Number(task.id)

    const [row] = await s.db.sql<{ town_code: string }[]>`SELECT town_code FROM addresses WHERE address_id = ${ADDRESS}`
    const [other] = await s.db.sql<{ town_code: string }[]>`SELECT town_code FROM addresses WHERE address_id = 'F_CX_RM12'`
    for (const [username, body] of [
      ['fv-analyst', { role: 'analyst' }],
      ['fv-town-a', { role: 'town', areaCodes: [row!.town_code] }],
      ['fv-town-b', { role: 'town', areaCodes: [other!.town_code] }],
    ] as const) {
      await post('/api/users', { username, password: 'correct-horse-battery-staple', ...body })
      const login = await fetch(`${s.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'correct-horse-battery-staple' }),
      })
      tokens[username] = login.headers
        .getSetCookie()
        .find((c) => c.startsWith('onemap_session='))!
        .split(';')[0]!
        .slice('onemap_session='.length)
    }
  }, 900_000)
  afterAll(async () => {
    await s?.close()
  })

  const read = async (user?: string): Promise<{ view: FullView; text: string }> => {
    const res = await call(`/api/addresses/${ADDRESS}/full-view`, user)
    const text = await res.text()
    expect(res.status, text).toBe(200)
    return { view: FullViewSchema.parse(JSON.parse(text)), text }
  }

  it('gives every section tied to the address, with counts', async () => {
    const { view, text } = await read()
    expect(view.address).toMatchObject({ id: ADDRESS })
    expect(view.address.townName).toBeTruthy()
    expect(view.counts).toEqual({
      houses: 2,
      residents: 5,
      migrants: 3,
      organisations: 1,
      incidents: 2,
      hazards: 1,
      openHazards: 1,
      disputes: 1,
      devices: 3,
      alertingDevices: 1,
      tasks: 1,
      openTasks: 1,
    })
    const rented = view.houses.find((h) => h.id === Number(f.houses.rented))!
    expect(rented).toMatchObject({ use: 'rented', groupRental: true, rooms: 3, residents: 4, migrants: 3 })
    // The one who moved out is not listed; names and the owner are masked.
    expect(rented.people).toHaveLength(4)
    for (const p of rented.people) expect(p.name).toMatch(/^\p{Script=Han}\*+$/u)
    expect(rented.owner).toMatch(/\*/)
    expect(rented.ownerPhone).toBe('138****4444')
    expect(rented.people.filter((p) => p.keyPerson).map((p) => p.keyCategories)).toEqual([['community_correction']])
    expect(rented.people.filter((p) => p.residence === 'migrant').every((p) => p.registered)).toBe(true)
    expect(view.houses.find((h) => h.id === Number(f.houses.own))).toMatchObject({ use: 'self_occupied', residents: 1, migrants: 0 })

    expect(view.organisations).toEqual([
      expect.objectContaining({
        id: Number(f.organisation),
        name: '金色小吃店',
        type: 'shop',
        riskCategories: ['catering', 'gas'],
        overdueDays: 10,
      }),
    ])
    expect(view.organisations[0]!.responsible).toMatch(/\*/)
    expect(view.incidents.recent.map((i) => i.incidentId)).toEqual(['FV-I-1', 'FV-I-2'])
    expect(view.hazards).toEqual([expect.objectContaining({ id: Number(hazardId), category: 'fire', severity: 'serious', overdue: false })])
    expect(view.tasks).toEqual([expect.objectContaining({ id: taskId, title: '更换燃气软管', source: 'hazard' })])
    expect(view.disputes).toEqual([expect.objectContaining({ id: Number(f.dispute), type: 'neighbour', status: 'failed', parties: 2 })])
    expect(view.devices.map((d) => [d.id, d.alerting]).sort()).toEqual(
      [
        [Number(f.devices.alerting), true],
        [Number(f.devices.quiet), false],
        [Number(f.devices.cylinder), false],
      ].sort(),
    )
    expect(view.devices.find((d) => d.id === Number(f.devices.quiet))!.lastEventKind).toBe('online')
    // Not one resident's, owner's, responsible person's or party's name, phone or ID number in the answer.
    for (const secret of f.secrets) expect(text).not.toContain(secret)
    // An administrator has `pii`: the incident's caller stays as written.
    expect(view.incidents.recent[0]!.description).toContain(CALLER)
  })

  it('masks free text for a caller without pii; key categories only with pii', async () => {
    const { view, text } = await read('fv-analyst')
    for (const secret of f.secrets) expect(text).not.toContain(secret)
    expect(text).not.toContain(CALLER)
    expect(text).not.toContain(CALLER_PHONE)
    expect(view.incidents.recent[0]!.description).toContain('139****5678')
    const people = view.houses.flatMap((h) => h.people)
    expect(people.filter((p) => p.keyPerson)).toHaveLength(1)
    expect(people.every((p) => p.keyCategories.length === 0)).toBe(true)
  })

  it("answers another town's officer as for an address that does not exist; their own officer sees it", async () => {
    const theirs = await call(`/api/addresses/${ADDRESS}/full-view`, 'fv-town-b')
    const missing = await call('/api/addresses/NO_SUCH_ADDRESS/full-view', 'fv-town-b')
    expect(theirs.status).toBe(404)
    expect(missing.status).toBe(404)
    const [a, b] = [(await theirs.json()) as { error: string }, (await missing.json()) as { error: string }]
    expect(a.error.replace(ADDRESS, 'X')).toBe(b.error.replace('NO_SUCH_ADDRESS', 'X'))
    const { view } = await read('fv-town-a')
    expect(view.counts.residents).toBe(5)
  })

  it('writes one people.read audit row per read that lists residents', async () => {
    const before = await auditRows()
    await read()
    expect(await auditRows()).toBe(before + 1)
    const [last] = await s.db.sql<{ actor: string; details: { residents: number; view: string } }[]>`
      SELECT actor, details FROM audit_log WHERE action = 'people.read' AND target = ${`address:${ADDRESS}`} ORDER BY id DESC LIMIT 1`
    expect(last!.details).toMatchObject({ view: 'full-view', residents: 5 })
    // A refused read writes none.
    await call(`/api/addresses/${ADDRESS}/full-view`, 'fv-town-b')
    expect(await auditRows()).toBe(before + 1)
  })
})
