/**
 * The 双十条 on the fixture (server/indicators/fixtures.ts) plus rows of the full information view
 * inserted here, October 2026, every expected number counted by hand from those rows:
 * - 矛盾化解 in V1: 3 resolved + 1 failed in October (a withdrawn one, one resolved in September
 *   and an open one do not count) → 75.0 %; in W2 (a village of T2): 1 resolved, 1 failed → 50.0 %.
 * - 治安巡逻 in V1: weeks 1–7, 8–14, 15–21, 22–28, 29–31; grid A patrolled in all five, grid B in
 *   all but the third → 1 of V1's grids covered.
 * - 流动人口纳管 in V1 on 31 October: 10 migrants living there (one moved out on 20 October and
 *   one moved in on 2 November are not), 7 with a valid registration (one expired on 15 October,
 *   one registered only on 5 November, one never) → 70.0 %.
 * - 隐患整改 in V1: due in October 4 (one due on 31 October closed on 2 November is open at the
 *   month's end), closed 2 → 50.0 %; one due in November is not counted.
 * - 企业自查 in V1: 4 active organisations with a duty (a closed one and one without a duty are
 *   out): checked 20 Oct every 30 days (on time), 10 Sep every 30 (due 10 Oct: overdue), none but
 *   registered 15 Oct (on time), 5 Oct every 7 (overdue) → 50.0 %.
 * Entered: a town officer of T1 enters 村规民约 for V1 (80, then 85), not for W2 (another town's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureFirstAdmin } from '../auth/bootstrap.ts'
import { TEST_KIND } from '../testing/db.ts'
import { loginToken, startTestServer, type TestServer } from '../testing/harness.ts'
import { DEFAULT_RANKING_CONFIG } from './definitions.ts'
import { type Fixture, loadFixture } from './fixtures.ts'
import type { Assessment, AssessmentsResponse, IndicatorsResponse, RankingConfigInput, RankingResponse } from './schema.ts'

let s: TestServer
let fx: Fixture
let W2 = ''
let gridA = ''
let gridB = ''
let v1Grids = 0
const tokens: Record<string, string> = {}
const at = (x: string) => new Date(`${x}+08:00`)

async function login(username: string, password: string): Promise<string> {
  return loginToken(s.url, username, password)
}

async function call<T>(who: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${s.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${tokens[who]!}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
  return { status: res.status, body: (await res.json()) as T }
}

async function insertViewRows(): Promise<void> {
  const sql = s.db.sql
  const [w2] = await sql<
    { code: string }[]
  >`SELECT code FROM admin_areas WHERE parent_code = ${fx.T2} AND level = 'village' ORDER BY code LIMIT 1`
  W2 = w2!.code
  // Disputes: key, village, status, outcome (Shanghai) or null.
  const disputes: [string, string, string, string, string | null][] = [
    ['d1', fx.V1, fx.T1, 'resolved', '2026-10-03T10:00:00'],
    ['d2', fx.V1, fx.T1, 'resolved', '2026-10-01T00:30:00'], // 30 Sep in UTC, October in Shanghai
    ['d3', fx.V1, fx.T1, 'resolved', '2026-10-31T23:00:00'],
    ['d4', fx.V1, fx.T1, 'failed', '2026-10-12T10:00:00'],
    ['d5', fx.V1, fx.T1, 'withdrawn', '2026-10-13T10:00:00'],
    ['d6', fx.V1, fx.T1, 'resolved', '2026-09-30T23:00:00'], // September
    ['d7', fx.V1, fx.T1, 'mediating', null],
    ['d8', W2, fx.T2, 'resolved', '2026-10-05T10:00:00'],
    ['d9', W2, fx.T2, 'failed', '2026-10-06T10:00:00'],
  ]
  for (const [key, village, town, status, outcome] of disputes) {
    await sql`
      INSERT INTO disputes (case_id, type, reported_at, level, status, outcome_at, town_code, village_code)
      VALUES (${`fx-${key}`}, 'neighbour', ${at('2026-09-20T10:00:00')}, 'village', ${status}, ${outcome ? at(outcome) : null}, ${town}, ${village})`
  }

  // Patrols: grid A in each of the five weeks, grid B in all but the third.
  const grids = await sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE parent_code = ${fx.V1} AND level = 'grid' ORDER BY code`
  v1Grids = grids.length
  gridA = grids[0]!.code
  gridB = grids[1]!.code
  const days = ['2026-10-02', '2026-10-09', '2026-10-16', '2026-10-23', '2026-10-30']
  for (const [i, day] of days.entries()) {
    const codes = i === 2 ? [gridA] : [gridA, gridB]
    await sql`
      INSERT INTO patrols (patrol_id, team, members, started_at, ended_at, town_codes, village_codes, grid_codes)
      VALUES (${`fx-p${i}`}, '巡防一队', 3, ${at(`${day}T20:00:00`)}, ${at(`${day}T22:00:00`)}, ${[fx.T1]}, ${[fx.V1]}, ${codes})`
  }
  // A patrol on 1 November does not count for October.
  await sql`
    INSERT INTO patrols (patrol_id, team, members, started_at, ended_at, town_codes, village_codes, grid_codes)
    VALUES ('fx-p9', '巡防一队', 3, ${at('2026-11-01T00:30:00')}, ${at('2026-11-01T02:00:00')}, ${[fx.T1]}, ${[fx.V1]}, ${[gridB]})`

  // Residents: key, residence, moved in, moved out, registered on, expires.
  const people: [string, string, string | null, string | null, string | null, string | null][] = [
    ...[1, 2, 3, 4, 5, 6].map((i): [string, string, string | null, string | null, string | null, string | null] => [
      `m${i}`,
      'migrant',
      '2026-03-01',
      null,
      '2026-03-05',
      '2027-03-05',
    ]),
    ['m7', 'migrant', null, null, '2026-06-01', null], // valid, no expiry
    ['m8', 'migrant', '2026-03-01', null, '2025-10-15', '2026-10-15'], // expired on 15 October
    ['m9', 'migrant', '2026-03-01', null, '2026-11-05', '2027-11-05'], // registered only in November
    ['m10', 'migrant', '2026-03-01', null, null, null], // never registered
    ['m11', 'migrant', '2026-03-01', '2026-10-20', '2026-03-05', '2027-03-05'], // moved out
    ['m12', 'migrant', '2026-11-02', null, null, null], // moved in in November
    ['r1', 'registered', null, null, null, null],
  ]
  for (const [key, residence, movedIn, movedOut, registered, expires] of people) {
    await sql`
      INSERT INTO residents (person_id, residence, moved_in, moved_out, registered_on, registration_expires, town_code, village_code)
      VALUES (${`fx-${key}`}, ${residence}, ${movedIn}, ${movedOut}, ${registered}, ${expires}, ${fx.T1}, ${fx.V1})`
  }

  // Hazards: key, due, closed (Shanghai) or null.
  const hazards: [string, string, string | null][] = [
    ['h1', '2026-10-10', '2026-10-09T10:00:00'],
    ['h2', '2026-10-20', '2026-10-25T10:00:00'], // late, but closed by the month's end
    ['h3', '2026-10-15', null],
    ['h4', '2026-10-31', '2026-11-02T10:00:00'], // open at the month's end
    ['h5', '2026-11-05', null], // due in November
  ]
  for (const [key, due, closed] of hazards) {
    await sql`
      INSERT INTO hazards (hazard_id, source, category, severity, status, description, due_date, reported_at, created_by, created_at,
                           closed_at, town_code, village_code)
      VALUES (${`fx-${key}`}, 'grid_inspection', 'fire', 'general', ${closed ? 'closed' : 'rectifying'}, '测试隐患', ${due}::date,
              ${at('2026-09-25T09:00:00')}, 'test', ${at('2026-09-25T09:00:00')}, ${closed ? at(closed) : null}, ${fx.T1}, ${fx.V1})`
  }

  // Organisations: key, status, every days, created, checks (Shanghai).
  const orgs: [string, string, number | null, string, string[]][] = [
    ['o1', 'active', 30, '2026-01-01T09:00:00', ['2026-09-15T10:00:00', '2026-10-20T10:00:00']],
    ['o2', 'active', 30, '2026-01-01T09:00:00', ['2026-09-10T10:00:00']],
    ['o3', 'active', 30, '2026-10-15T09:00:00', []],
    ['o4', 'active', 7, '2026-01-01T09:00:00', ['2026-10-05T10:00:00', '2026-11-01T10:00:00']], // November's check is too late
    ['o5', 'closed', 30, '2026-01-01T09:00:00', []],
    ['o6', 'active', null, '2026-01-01T09:00:00', []],
  ]
  for (const [key, status, every, created, checks] of orgs) {
    const [o] = await sql<{ id: string }[]>`
      INSERT INTO organisations (org_id, name, type, status, self_check_every_days, self_check_checklist, created_at, town_code, village_code)
      VALUES (${`fx-${key}`}, ${`测试单位${key}`}, 'shop', ${status}, ${every}, ${every === null ? null : 'fire'}, ${at(created)}, ${fx.T1}, ${fx.V1})
      RETURNING id::text`
    for (const c of checks) {
      await sql`INSERT INTO self_checks (organisation_id, checked_at, checklist, items, actor) VALUES (${o!.id}::bigint, ${at(c)}, 'fire', 10, 'test')`
    }
  }
}

beforeAll(async () => {
  s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required' })
  fx = await loadFixture(s.db)
  await insertViewRows()
  const first = await ensureFirstAdmin(s.db)
  tokens.admin = await login('admin', first!.password)
  for (const [username, body] of [
    ['town-officer', { role: 'town', areaCodes: [fx.T1] }],
    ['chief', { role: 'command' }],
  ] as const) {
    const res = await fetch(`${s.url}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.admin}` },
      body: JSON.stringify({ username, password: 'correct-horse-battery-staple', ...body }),
    })
    expect(res.status).toBe(201)
    tokens[username] = await login(username, 'correct-horse-battery-staple')
  }
}, 600_000)
afterAll(async () => {
  await s?.close()
})

describe(`双十条 indicators (${TEST_KIND})`, () => {
  it('lists the ten result and ten process indicators, computed or entered', async () => {
    const r = (await call<IndicatorsResponse>('chief', '/api/indicators?level=village&month=2026-10')).body
    const ten = r.definitions.filter((d) => d.doubleTen !== null)
    expect(ten.filter((d) => d.doubleTen!.kind === 'result')).toHaveLength(10)
    expect(ten.filter((d) => d.doubleTen!.kind === 'process')).toHaveLength(10)
    expect(ten.map((d) => d.doubleTen!.nameZh)).toEqual(
      expect.arrayContaining([
        '人员非访',
        '案件控发',
        '交通事故',
        '火灾事故',
        '村民违法犯罪',
        '治安巡逻',
        '矛盾化解',
        '人员帮教',
        '村规民约',
      ]),
    )
    expect(ten.filter((d) => d.source === 'entered').map((d) => d.id)).toHaveLength(9)
    // Nobody has entered anything yet: not configured, no value, never zero.
    expect(r.definitions.find((d) => d.id === 'village_rules_score')).toMatchObject({
      configured: false,
      reason: 'no assessment entered yet',
      source: 'entered',
    })
    for (const a of r.areas) expect(a.indicators.village_rules_score.value).toBeNull()
  })

  it('computes the view indicators as counted by hand from the rows inserted', async () => {
    const r = (await call<IndicatorsResponse>('chief', `/api/indicators?level=village&month=2026-10&area=${fx.T1}`)).body
    for (const id of [
      'dispute_resolution_rate',
      'patrol_coverage_rate',
      'migrant_registration_rate',
      'hazard_rectification_rate',
      'self_check_ontime_rate',
    ]) {
      expect(
        r.definitions.find((d) => d.id === id),
        id,
      ).toMatchObject({ configured: true, source: 'computed' })
    }
    const v1 = r.areas.find((a) => a.code === fx.V1)!.indicators
    expect(v1.dispute_resolution_rate).toMatchObject({ value: 75, n: 3, base: 4 })
    expect(v1.patrol_coverage_rate).toMatchObject({ value: Math.round((1000 * 1) / v1Grids) / 10, n: 1, base: v1Grids })
    expect(v1.migrant_registration_rate).toMatchObject({ value: 70, n: 7, base: 10 })
    expect(v1.hazard_rectification_rate).toMatchObject({ value: 50, n: 2, base: 4 })
    expect(v1.self_check_ontime_rate).toMatchObject({ value: 50, n: 2, base: 4 })
    // September: d6 alone resolved → 100 %, the change −25.
    expect(v1.dispute_resolution_rate).toMatchObject({ previous: 100, change: -25 })
    // Another village of T1 has grids and no patrols (0 %), and no disputes (no value).
    const other = r.areas.find((a) => a.code !== fx.V1 && a.indicators.patrol_coverage_rate.base)
    if (other) expect(other.indicators.patrol_coverage_rate.value).toBe(0)
    // The town counts its villages' rows.
    const towns = (await call<IndicatorsResponse>('chief', '/api/indicators?level=town&month=2026-10')).body
    const t1 = towns.areas.find((a) => a.code === fx.T1)!.indicators
    expect(t1.dispute_resolution_rate).toMatchObject({ value: 75, n: 3, base: 4 })
    expect(t1.migrant_registration_rate).toMatchObject({ value: 70, n: 7, base: 10 })
    const t2 = towns.areas.find((a) => a.code === fx.T2)!.indicators
    expect(t2.dispute_resolution_rate).toMatchObject({ value: 50, n: 1, base: 2 })
    expect(t2.self_check_ontime_rate.value).toBeNull() // no organisations: no rate, not 0 %
    expect(gridA).not.toBe(gridB)
  })

  it('lets a town officer enter a process assessment for their village, keeping who and when', async () => {
    const before = Date.now()
    const first = await call<Assessment>('town-officer', '/api/indicators/assessments', {
      method: 'POST',
      body: { indicator: 'village_rules_score', area: fx.V1, month: '2026-10', value: 80, comment: '初评' },
    })
    expect(first.status).toBe(201)
    const second = await call<Assessment>('town-officer', '/api/indicators/assessments', {
      method: 'POST',
      body: { indicator: 'village_rules_score', area: fx.V1, month: '2026-10', value: 85, comment: '复核后' },
    })
    expect(second.status).toBe(201)
    expect(second.body).toMatchObject({
      indicator: 'village_rules_score',
      area: fx.V1,
      month: '2026-10',
      value: 85,
      enteredBy: 'town-officer',
    })
    expect(second.body.history).toMatchObject([{ value: 80, comment: '初评', enteredBy: 'town-officer' }])
    expect(Date.parse(second.body.enteredAt)).toBeGreaterThanOrEqual(before - 1000)

    const list = (await call<AssessmentsResponse>('town-officer', `/api/indicators/assessments?month=2026-10&area=${fx.T1}`)).body
    expect(list.assessments).toHaveLength(1)
    expect(list.assessments[0]).toMatchObject({ value: 85, comment: '复核后', enteredBy: 'town-officer', history: [{ value: 80 }] })

    // It is the month's value now, and the indicator is configured.
    const r = (await call<IndicatorsResponse>('town-officer', `/api/indicators?level=village&month=2026-10&area=${fx.T1}`)).body
    expect(r.definitions.find((d) => d.id === 'village_rules_score')?.configured).toBe(true)
    expect(r.areas.find((a) => a.code === fx.V1)!.indicators.village_rules_score).toMatchObject({ value: 85, n: 1 })
    // Another village of T1 without an entry has no value, not 0.
    expect(r.areas.find((a) => a.code !== fx.V1)!.indicators.village_rules_score.value).toBeNull()

    const audit = await s.db.sql<{ actor: string; target: string; details: { value: number } }[]>`
      SELECT actor, target, details FROM audit_log WHERE action = 'assessment.enter' ORDER BY id`
    expect(audit.map((a) => [a.actor, a.target, a.details.value])).toEqual([
      ['town-officer', `assessment:${first.body.id}`, 80],
      ['town-officer', `assessment:${second.body.id}`, 85],
    ])
  })

  it("refuses a town officer another town's village, result indicators, and bad values naming the field", async () => {
    const post = (who: string, body: Record<string, unknown>) =>
      call<{ error: string; details?: { where: string }[] }>(who, '/api/indicators/assessments', {
        method: 'POST',
        body: { indicator: 'village_rules_score', area: fx.V1, month: '2026-10', value: 70, ...body },
      })
    // Another town's village: the same 404 as an area that does not exist.
    expect((await post('town-officer', { area: W2 })).status).toBe(404)
    expect((await post('town-officer', { area: '999999999999' })).status).toBe(404)
    // Result indicators are the district departments'.
    expect((await post('town-officer', { indicator: 'irregular_petitions', value: 2 })).status).toBe(403)
    const bad = async (body: Record<string, unknown>, where: string, who = 'town-officer') => {
      const r = await post(who, body)
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect(r.body.details?.map((d) => d.where)).toContain(where)
    }
    await bad({ indicator: 'task_closeout_rate' }, 'body.indicator')
    await bad({ value: 120 }, 'body.value')
    await bad({ value: -1 }, 'body.value')
    await bad({ month: '2099-01' }, 'body.month')
    await bad({ month: '2026-13' }, 'body.month')
    const [grid] = await s.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'grid' ORDER BY code LIMIT 1`
    await bad({ area: grid!.code }, 'body.area', 'chief')
    // Nothing of those was stored; the other town's list is not theirs to read.
    const [n] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM indicator_assessments`
    expect(n!.n).toBe(2)
    expect((await call<AssessmentsResponse>('chief', '/api/indicators/assessments', { method: 'POST', body: {} })).status).toBe(400)
    const entered = await call<Assessment>('chief', '/api/indicators/assessments', {
      method: 'POST',
      body: { indicator: 'irregular_petitions', area: W2, month: '2026-10', value: 3, comment: null },
    })
    expect(entered.status).toBe(201)
    expect(entered.body.enteredBy).toBe('chief')
    const theirs = (await call<AssessmentsResponse>('town-officer', '/api/indicators/assessments?month=2026-10')).body
    expect(theirs.assessments.map((a) => a.area)).toEqual([fx.V1])
    expect((await call('town-officer', `/api/indicators/assessments?month=2026-10&area=${W2}`)).status).toBe(404)
    expect((await call('town-officer', `/api/indicators/assessments?month=2026-10&area=${fx.T2}`)).status).toBe(404)
    expect((await call<AssessmentsResponse>('chief', '/api/indicators/assessments?month=2026-10')).body.assessments).toHaveLength(2)
  })

  it("gives a town officer their own ranking rows, with the 双十条's parts", async () => {
    const towns = (await call<RankingResponse>('town-officer', '/api/rankings?level=town&month=2026-10')).body
    expect(towns.areas.map((a) => a.code)).toEqual([fx.T1])
    expect(towns.counts.total).toBe(3)
    expect(Object.keys(towns.areas[0]!.parts)).toEqual(expect.arrayContaining(['dispute_resolution_rate', 'migrant_registration_rate']))
    const villages = (await call<RankingResponse>('town-officer', '/api/rankings?level=village&month=2026-10')).body
    expect(villages.areas.length).toBeGreaterThan(1)
    expect(villages.areas.every((a) => a.parentCode === fx.T1)).toBe(true)
    const all = (await call<RankingResponse>('chief', '/api/rankings?level=village&month=2026-10')).body
    expect(all.areas.filter((a) => a.parentCode === fx.T1).map((a) => [a.code, a.score, a.rank])).toEqual(
      villages.areas.map((a) => [a.code, a.score, a.rank]),
    )
  })

  /*
   * Ranked on 村规民约 alone (higher is better): T1 90 and T2 60 → T1 100, T2 0, T3 no value (no
   * score). T2 re-assessed at 95: T2 100, T1 0, and the stored October ranking is recomputed. On
   * 人员非访 alone (lower is better): T1 5, T2 1 → T2 100, T1 0.
   */
  it('moves the score the way an entered indicator’s direction says, and a late entry recomputes a stored month', async () => {
    const put = (config: RankingConfigInput) => call('admin', '/api/rankings/config', { method: 'PUT', body: config })
    const colours = DEFAULT_RANKING_CONFIG.colours
    const enter = (indicator: string, area: string, value: number) =>
      call('chief', '/api/indicators/assessments', { method: 'POST', body: { indicator, area, month: '2026-10', value } })
    expect((await enter('village_rules_score', fx.T1, 90)).status).toBe(201)
    expect((await enter('village_rules_score', fx.T2, 60)).status).toBe(201)
    expect((await put({ indicators: [{ id: 'village_rules_score', weight: 1 }], colours })).status).toBe(200)
    const scores = async () =>
      Object.fromEntries(
        (await call<RankingResponse>('chief', '/api/rankings?level=town&month=2026-10')).body.areas.map((a) => [a.code, a.score]),
      )
    expect(await scores()).toEqual({ [fx.T1]: 100, [fx.T2]: 0, [fx.T3]: null })
    expect((await call<RankingResponse>('chief', '/api/rankings?level=town&month=2026-10')).body.source).toBe('snapshot')
    expect((await enter('village_rules_score', fx.T2, 95)).status).toBe(201)
    expect(await scores()).toEqual({ [fx.T1]: 0, [fx.T2]: 100, [fx.T3]: null })

    expect((await enter('irregular_petitions', fx.T1, 5)).status).toBe(201)
    expect((await enter('irregular_petitions', fx.T2, 1)).status).toBe(201)
    expect((await put({ indicators: [{ id: 'irregular_petitions', weight: 1 }], colours })).status).toBe(200)
    expect(await scores()).toEqual({ [fx.T1]: 0, [fx.T2]: 100, [fx.T3]: null })
    expect((await put(DEFAULT_RANKING_CONFIG)).status).toBe(200)
  })
})
