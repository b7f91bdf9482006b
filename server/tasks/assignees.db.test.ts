/**
 * Who a task is for, from the users' side on a real server with login required: a command operator
 * assigns a task to a named town officer, who finds it under "mine" and is told live on the
 * stream, while an officer of another town neither lists it nor hears of it; a person who could
 * not see the task cannot be given it; reassignment is history; teams are the accounts' `team`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureFirstAdmin } from '../auth/bootstrap.ts'
import { SYSTEM_SCOPE } from '../db/index.ts'
import { type EventReader, eventReader, type SseEvent } from '../stream/testing.ts'
import { TEST_KIND } from '../testing/db.ts'
import { loginToken, startTestServer, type TestServer } from '../testing/harness.ts'
import { upsertWarning } from '../warnings/store.ts'
import type { TaskAssigned, TaskAssignee, TaskCounts, TaskDetail, TaskPage } from './schema.ts'

const PASSWORD = 'correct-horse-battery-staple'

describe(`task assignees (${TEST_KIND})`, () => {
  let s: TestServer
  const tokens: Record<string, string> = {}
  const userIds: Record<string, string> = {}
  let townA = ''
  let townB = ''
  /** Two grids of town A, one of town B. */
  let gridA = ''
  let gridA2 = ''
  let gridB = ''
  const streams: Record<string, EventReader<Record<string, unknown>>> = {}

  const call = async <T>(path: string, who: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${s.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${tokens[who]}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    })
    return { status: res.status, json: (await res.json()) as T & { error?: string; details?: { where: string; message: string }[] } }
  }
  const ok = async <T>(path: string, who: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const r = await call<T>(path, who, init)
    expect(r.status, `${init.method ?? 'GET'} ${path}: ${JSON.stringify(r.json)}`).toBeLessThan(300)
    return r.json
  }
  const login = async (username: string, password: string) => {
    return loginToken(s.url, username, password)
  }
  const task = (who: string, body: Record<string, unknown>) =>
    call<TaskDetail>('/api/tasks', who, {
      method: 'POST',
      body: { title: '清理楼道堆物', assignee_team: '北干街道平安办', due_date: '2099-01-01', ...body },
    })
  /** Stream events until a `task.assigned` of `taskId` (to `userId`, if given) or `ms`, all of them. */
  const until = async (who: string, taskId: number, userId?: string, ms = 5_000) => {
    const seen: SseEvent<Record<string, unknown>>[] = []
    const deadline = Date.now() + ms
    while (Date.now() < deadline) {
      const batch = await streams[who]!.next(1, deadline - Date.now())
      seen.push(...batch)
      if (assigned(batch, taskId, userId).length > 0) break
    }
    return seen
  }
  const assigned = (events: SseEvent<Record<string, unknown>>[], taskId: number, userId?: string) =>
    events
      .filter((e) => e.event === 'task.assigned' && e.data.taskId === taskId && (userId === undefined || e.data.assigneeUserId === userId))
      .map((e) => e.data as unknown as TaskAssigned)

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required' })
    const first = await ensureFirstAdmin(s.db)
    tokens.admin = await login('admin', first!.password)
    const towns = await s.db.sql<{ code: string }[]>`
      SELECT t.code FROM admin_areas t WHERE t.level = 'town'
        AND (SELECT count(*) FROM admin_areas g JOIN admin_areas v ON v.code = g.parent_code WHERE g.level = 'grid' AND v.parent_code = t.code) >= 2
      ORDER BY t.code LIMIT 2`
    townA = towns[0]!.code
    townB = towns[1]!.code
    const grids = async (town: string) =>
      (
        await s.db.sql<{ code: string }[]>`
          SELECT g.code FROM admin_areas g JOIN admin_areas v ON v.code = g.parent_code
          WHERE g.level = 'grid' AND v.parent_code = ${town} ORDER BY g.code LIMIT 2`
      ).map((r) => r.code)
    ;[gridA, gridA2] = (await grids(townA)) as [string, string]
    ;[gridB] = (await grids(townB)) as [string]
    const accounts: [string, Record<string, unknown>][] = [
      ['command-1', { role: 'command', displayName: '赵指挥', team: '区指挥中心值班组' }],
      ['town-a', { role: 'town', areaCodes: [townA], displayName: '王伟', team: '北干街道平安办' }],
      ['town-b', { role: 'town', areaCodes: [townB], displayName: '陈静' }],
      ['grid-a', { role: 'grid', areaCodes: [gridA], displayName: '李强' }],
      ['analyst-1', { role: 'analyst' }],
    ]
    for (const [username, body] of accounts) {
      const u = await ok<{ id: string; team: string | null }>('/api/users', 'admin', {
        method: 'POST',
        body: { username, password: PASSWORD, ...body },
      })
      expect(u.team).toBe(body.team ?? null)
      userIds[username] = u.id
      tokens[username] = await login(username, PASSWORD)
    }
    // The officers' desks are open before anything is assigned.
    for (const who of ['town-a', 'town-b', 'grid-a']) {
      const res = await fetch(`${s.url}/api/stream`, { headers: { authorization: `Bearer ${tokens[who]}` } })
      expect(res.status).toBe(200)
      streams[who] = eventReader<Record<string, unknown>>(res)
      await streams[who].next(1, 300) // the opening id
    }
  })
  afterAll(async () => {
    for (const r of Object.values(streams)) await r.close()
    await s?.close()
  })

  it("an operator assigns a task to a named town officer: it is theirs, live on their stream; another town's officer sees nothing", async () => {
    const t0 = Date.now()
    const r = await task('command-1', { area_code: gridA, assignee_user: userIds['town-a'], due_date: '2099-03-01' })
    expect(r.status, JSON.stringify(r.json)).toBe(201)
    const t = r.json
    expect(t).toMatchObject({ assigneeUserId: userIds['town-a'], assigneeName: '王伟', assigneeTeam: '北干街道平安办' })

    const [event] = assigned(await until('town-a', t.id), t.id)
    expect(Date.now() - t0).toBeLessThan(3_000)
    expect(event).toMatchObject({
      taskId: t.id,
      title: '清理楼道堆物',
      status: 'issued',
      areaCode: gridA,
      assigneeTeam: '北干街道平安办',
      assigneeUserId: userIds['town-a'],
      assigneeName: '王伟',
      dueDate: '2099-03-01',
      assignedBy: 'command-1',
    })
    expect((await ok<TaskPage>('/api/tasks?assignee=me', 'town-a')).items.map((x) => x.id)).toEqual([t.id])
    expect((await ok<TaskCounts>('/api/tasks/counts?assignee=me', 'town-a')).byStatus.issued).toBe(1)

    // Town B's officer: not in their list, not on their stream (a task of their own, written
    // after, arrives alone: the stream keeps the order of transactions), and a 404 by id.
    expect((await ok<TaskPage>('/api/tasks?assignee=me', 'town-b')).items).toEqual([])
    expect((await ok<TaskPage>('/api/tasks?limit=1000', 'town-b')).items.map((x) => x.id)).not.toContain(t.id)
    expect((await call(`/api/tasks/${t.id}`, 'town-b')).status).toBe(404)
    const mine = (await task('command-1', { area_code: gridB, assignee_user: userIds['town-b'], assignee_team: '其他镇平安办' })).json
    const seenByB = await until('town-b', mine.id)
    expect(seenByB.filter((e) => e.event.startsWith('task')).map((e) => [e.event, e.data.taskId ?? e.data.id])).toEqual([
      ['task', mine.id],
      ['task.assigned', mine.id],
    ])
  })

  it('refuses a person who could not see the task, naming body.assignee_user and why', async () => {
    const refused = async (who: string, body: Record<string, unknown>, why: RegExp) => {
      const r = await task(who, body)
      expect(r.status, JSON.stringify(r.json)).toBe(400)
      expect(r.json.details!.map((d) => d.where)).toEqual(['body.assignee_user'])
      expect(r.json.error).toMatch(why)
    }
    // A grid worker outside the task's grid, or given a task of their whole town (which they cannot see).
    await refused(
      'command-1',
      { area_code: gridA2, assignee_user: userIds['grid-a'] },
      /李强 \(user \d+, grid\) works in \d+, not in the task's area/,
    )
    await refused('command-1', { area_code: townA, assignee_user: userIds['grid-a'] }, /not in the task's area/)
    await refused('command-1', { area_code: gridA, assignee_user: userIds['town-b'] }, /陈静.*not in the task's area/)
    await refused('command-1', { area_code: gridA, assignee_user: userIds['analyst-1'] }, /cannot act on tasks/)
    await refused('command-1', { area_code: gridA, assignee_user: 999999 }, /no user 999999/)
    expect((await task('command-1', { area_code: gridA, assignee_user: 'me' })).json.details![0]!.where).toBe('body.assignee_user')
    await ok(`/api/users/${userIds['grid-a']}`, 'admin', { method: 'PATCH', body: { disabled: true } })
    await refused('command-1', { area_code: gridA, assignee_user: userIds['grid-a'] }, /is disabled/)
    await ok(`/api/users/${userIds['grid-a']}`, 'admin', { method: 'PATCH', body: { disabled: false } })
    tokens['grid-a'] = await login('grid-a', PASSWORD)

    // The same rule from a warning's one-click task.
    await ok('/api/models', 'admin') // the built-in models, made on first read
    const [run] = await s.db.sql<{ id: string }[]>`
      INSERT INTO model_runs (model_id, model_version, definition, trigger, status, as_of, requested_by)
      SELECT id, version, definition, 'manual', 'done', now(), 'assignee-test' FROM models ORDER BY id LIMIT 1 RETURNING id::text`
    const [model] = await s.db.sql<{ id: string; version: number }[]>`SELECT id, version FROM models ORDER BY id LIMIT 1`
    await s.db.withScope(SYSTEM_SCOPE, (tx) =>
      upsertWarning(
        tx,
        { modelId: model!.id, version: model!.version, runId: run!.id, asOf: new Date() },
        {
          subject: `grid:${gridA}`,
          level: 'yellow',
          title: '测试预警',
          explanation: '测试',
          metrics: {},
          place: { kind: 'area', code: gridA },
        },
      ),
    )
    const [w] = await s.db.sql<{ id: string }[]>`SELECT id::text FROM warnings WHERE subject = ${`grid:${gridA}`}`
    const bad = await call(`/api/warnings/${w!.id}/tasks`, 'command-1', { method: 'POST', body: { assignee_user: userIds['town-b'] } })
    expect([bad.status, bad.json.details![0]!.where]).toEqual([400, 'body.assignee_user'])
    const good = await ok<{ task: TaskDetail }>(`/api/warnings/${w!.id}/tasks`, 'command-1', {
      method: 'POST',
      body: { assignee_user: userIds['grid-a'] },
    })
    expect(good.task).toMatchObject({ source: 'warning', areaCode: gridA, assigneeUserId: userIds['grid-a'], assigneeName: '李强' })
  })

  it('a town officer assigns a grid worker of their town; reassignment is history with who and when, and reaches the new assignee', async () => {
    // Written in the officer's own scope (row-level security, the accounts read through 032's functions).
    const t = (await task('town-a', { area_code: gridA, assignee_user: userIds['grid-a'] })).json
    expect(t).toMatchObject({ assigneeUserId: userIds['grid-a'], assigneeName: '李强', createdBy: 'town-a' })
    expect(assigned(await until('grid-a', t.id), t.id)).toMatchObject([{ assigneeUserId: userIds['grid-a'], assignedBy: 'town-a' }])

    const before = Date.now()
    const moved = await ok<TaskDetail>(`/api/tasks/${t.id}`, 'command-1', {
      method: 'PATCH',
      body: { assignee_user: userIds['town-a'], comment: '改派镇街' },
    })
    expect(moved).toMatchObject({ assigneeUserId: userIds['town-a'], assigneeName: '王伟' })
    const last = moved.history.at(-1)!
    expect(last).toMatchObject({
      action: 'edited',
      actor: 'command-1',
      comment: '改派镇街',
      changes: {
        assignee_user: { from: userIds['grid-a'], to: userIds['town-a'] },
        assignee_name: { from: '李强', to: '王伟' },
      },
    })
    expect(Date.parse(last.at)).toBeGreaterThanOrEqual(before - 1_000)
    const toTownA = assigned(await until('town-a', t.id, userIds['town-a']), t.id, userIds['town-a'])
    expect(toTownA).toMatchObject([{ assigneeName: '王伟', assignedBy: 'command-1' }])
    expect((await ok<TaskPage>('/api/tasks?assignee=me', 'grid-a')).items.map((x) => x.id)).not.toContain(t.id)

    // Moving the task out of its person's areas says so; taking the person off leaves the team.
    const away = await call<TaskDetail>(`/api/tasks/${t.id}`, 'command-1', { method: 'PATCH', body: { area_code: gridB } })
    expect([away.status, away.json.details![0]!.where]).toEqual([400, 'body.area_code'])
    expect(away.json.error).toContain('王伟')
    const off = await ok<TaskDetail>(`/api/tasks/${t.id}`, 'command-1', { method: 'PATCH', body: { assignee_user: null } })
    expect(off).toMatchObject({ assigneeUserId: null, assigneeName: null, assigneeTeam: '北干街道平安办' })
    expect(off.history.at(-1)!.changes).toEqual({
      assignee_user: { from: userIds['town-a'], to: null },
      assignee_name: { from: '王伟', to: null },
    })
  })

  it("lists the desk's tabs (mine, my team's, my area's, all), counts, sorts by due date and offers assignees", async () => {
    const ids = (p: TaskPage) => p.items.map((x) => x.id)
    const all = await ok<TaskPage>('/api/tasks?limit=1000', 'admin')
    // My team's: the account's team, by name; an account without a team has none.
    const me = await ok<{ user: { team: string | null } }>('/api/auth/me', 'town-a')
    expect(me.user.team).toBe('北干街道平安办')
    expect(ids(await ok<TaskPage>('/api/tasks?team=mine&limit=1000', 'town-a'))).toEqual(
      ids(all).filter((id) => {
        const x = all.items.find((i) => i.id === id)!
        return x.assigneeTeam === '北干街道平安办' && x.townCode === townA
      }),
    )
    expect((await ok<TaskPage>('/api/tasks?team=mine', 'town-b')).items).toEqual([])
    // (Any change of an account ends its sessions: server/auth/routes.ts.)
    await ok(`/api/users/${userIds['town-b']}`, 'admin', { method: 'PATCH', body: { team: '其他镇平安办' } })
    tokens['town-b'] = await login('town-b', PASSWORD)
    expect((await ok<TaskPage>('/api/tasks?team=mine', 'town-b')).items.length).toBeGreaterThan(0)
    expect((await ok<TaskCounts>('/api/tasks/counts?team=mine', 'town-b')).open).toBeGreaterThan(0)
    // All (no filter) is what row-level security lets the caller see.
    expect(ids(await ok<TaskPage>('/api/tasks?limit=1000', 'town-a'))).toEqual(
      all.items.filter((x) => x.townCode === townA).map((x) => x.id),
    )

    // Counts of the caller's own, open ones, by status; a command operator may ask for anyone's.
    const counts = await ok<TaskCounts>('/api/tasks/counts?assignee=me', 'town-a')
    const theirs = all.items.filter((x) => x.assigneeUserId === userIds['town-a'] && x.status !== 'closed')
    expect(counts).toEqual({
      open: theirs.length,
      overdue: theirs.filter((x) => x.overdue).length,
      byStatus: { issued: theirs.length, accepted: 0, in_progress: 0, submitted: 0, returned: 0 },
    })
    expect(await ok<TaskCounts>(`/api/tasks/counts?assignee=${userIds['town-a']}`, 'command-1')).toEqual(counts)

    // The desk's order: overdue first, then by due date, in keyset pages.
    await task('command-1', { area_code: gridA, due_date: '2020-01-01' })
    await task('command-1', { area_code: gridA, due_date: '2098-06-01' })
    const sorted = (await ok<TaskPage>('/api/tasks?sort=due&limit=1000', 'admin')).items
    const key = (x: { overdue: boolean; dueDate: string; id: number }) =>
      `${x.overdue ? 0 : 1}${x.dueDate}${String(x.id).padStart(12, '0')}`
    expect(sorted.map(key)).toEqual([...sorted.map(key)].sort())
    expect(sorted[0]!.overdue).toBe(true)
    const paged: number[] = []
    let next: string | null = ''
    while (next !== null) {
      const page: TaskPage = await ok<TaskPage>(`/api/tasks?sort=due&limit=2${next ? `&cursor=${next}` : ''}`, 'admin')
      paged.push(...ids(page))
      next = page.next
    }
    expect(paged).toEqual(sorted.map((x) => x.id))
    const mixed = await call('/api/tasks?sort=due&cursor=12', 'admin')
    expect([mixed.status, mixed.json.details![0]!.where]).toEqual([400, 'query.cursor'])

    // Who can take a task in grid A: its grid worker, town A's officer, the district's staff; not
    // the analyst nor town B. Town B's officer may not ask about town A.
    const names = (await ok<{ items: TaskAssignee[] }>(`/api/tasks/assignees?area=${gridA}`, 'command-1')).items.map((u) => u.name)
    expect(names.sort()).toEqual(['系统管理员', '李强', '王伟', '赵指挥'].sort())
    const inTown = (await ok<{ items: TaskAssignee[] }>(`/api/tasks/assignees?area=${townA}`, 'town-a')).items.map((u) => u.name)
    expect(inTown.sort()).toEqual(['系统管理员', '王伟', '赵指挥'].sort())
    expect((await call(`/api/tasks/assignees?area=${gridA}`, 'town-b')).status).toBe(404)
  })
})
