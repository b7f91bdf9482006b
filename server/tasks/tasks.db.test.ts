import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { SYSTEM_SCOPE } from '../db/index.ts'
import type { HazardDetail } from '../hazards/schema.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { TASK_TRANSITIONS, type TaskDetail, type TaskPage, type TaskStatus, TaskStatusSchema } from './schema.ts'
import { createTaskFromWarning, overdueTasks } from './store.ts'

interface Answer<T> {
  status: number
  json: T & { error?: string; details?: { where: string }[]; hazardClosed?: number | null }
}

/** The legal path from a new task to each state. */
const PATH: Record<TaskStatus, TaskStatus[]> = {
  issued: [],
  accepted: ['accepted'],
  in_progress: ['accepted', 'in_progress'],
  submitted: ['accepted', 'in_progress', 'submitted'],
  returned: ['accepted', 'in_progress', 'submitted', 'returned'],
  closed: ['accepted', 'in_progress', 'submitted', 'closed'],
}

describe(`rectification tasks (${TEST_KIND})`, () => {
  let s: TestServer
  let area: { town: string; village: string; grid: string; microgrid: string; gridPoint: [number, number]; villagePoint: [number, number] }
  const api = async <T = TaskDetail>(method: string, url: string, body?: unknown, user?: string): Promise<Answer<T>> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (user) headers['x-user'] = user
    const res = await fetch(`${s.url}${url}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    return { status: res.status, json: (await res.json()) as Answer<T>['json'] }
  }
  const newTask = async (extra: Record<string, unknown> = {}, user = 'dispatcher') => {
    const r = await api(
      'POST',
      '/api/tasks',
      { title: '清理楼道堆物', area_code: area.grid, assignee_team: '北干街道平安办', due_date: '2099-01-01', ...extra },
      user,
    )
    expect(r.status, JSON.stringify(r.json)).toBe(201)
    return r.json
  }
  const move = (id: number, to: TaskStatus, comment = '说明', user = 'team-3') =>
    api('POST', `/api/tasks/${id}/transitions`, { to, comment }, user)

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    const [row] = await s.db.sql<
      { town: string; village: string; grid: string; microgrid: string; glng: number; glat: number; vlng: number; vlat: number }[]
    >`
      SELECT g.parent_code AS village, v.parent_code AS town, g.code AS grid, m.code AS microgrid,
             ST_X(g.label_point) AS glng, ST_Y(g.label_point) AS glat, ST_X(v.label_point) AS vlng, ST_Y(v.label_point) AS vlat
      FROM admin_areas m JOIN admin_areas g ON g.code = m.parent_code JOIN admin_areas v ON v.code = g.parent_code
      WHERE m.level = 'microgrid' ORDER BY m.code LIMIT 1`
    area = { ...row!, gridPoint: [row!.glng, row!.glat], villagePoint: [row!.vlng, row!.vlat] }
  })
  afterAll(async () => {
    await s?.close()
  })

  it('creates a task by hand: assigned to an area with its ancestors, placed at its label point, history kept', async () => {
    const t = await newTask({ description: '楼道内堆放纸箱', ref: 'RW-001', comment: '专项整治' })
    expect(t).toMatchObject({
      ref: 'RW-001',
      source: 'manual',
      warningId: null,
      hazardId: null,
      areaCode: area.grid,
      areaLevel: 'grid',
      townCode: area.town,
      villageCode: area.village,
      gridCode: area.grid,
      status: 'issued',
      statusName: '已下发',
      overdue: false,
      dueDate: '2099-01-01',
      createdBy: 'dispatcher',
    })
    expect([t.lng, t.lat]).toEqual(area.gridPoint)
    expect(t.history).toMatchObject([{ action: 'created', actor: 'dispatcher', from: null, to: 'issued', comment: '专项整治' }])
    expect((await api('GET', `/api/tasks/${t.id}`)).json).toEqual(t)
    expect(
      (await api('POST', '/api/tasks', { title: 'x', area_code: area.grid, assignee_team: 'y', due_date: '2099-01-01', ref: 'RW-001' }))
        .status,
    ).toBe(409)
  })

  it('answers 400 naming the bad field', async () => {
    const bad = await api('POST', '/api/tasks', { title: 'x', area_code: area.grid, assignee_team: 'y', due_date: '2026-13-40' })
    expect(bad.status).toBe(400)
    expect(bad.json.details!.map((d) => d.where)).toEqual(['body.due_date'])
    expect(bad.json.error).toContain('body.due_date')
    const none = await api('POST', '/api/tasks', { title: 'x', assignee_team: 'y', due_date: '2026-12-01' })
    expect(none.json.details!.map((d) => d.where)).toEqual(['body.area_code'])
    const micro = await api('POST', '/api/tasks', { title: 'x', area_code: area.microgrid, assignee_team: 'y', due_date: '2026-12-01' })
    expect([micro.status, micro.json.details![0]!.where]).toEqual([400, 'body.area_code'])
    expect(micro.json.error).toContain('microgrid')
    const unknown = await api('POST', '/api/tasks', { title: 'x', area_code: '330109999999', assignee_team: 'y', due_date: '2026-12-01' })
    expect([unknown.status, unknown.json.details![0]!.where]).toEqual([400, 'body.area_code'])
    const hazard = await api('POST', '/api/tasks', { title: 'x', hazard_id: 999999, assignee_team: 'y', due_date: '2026-12-01' })
    expect([hazard.status, hazard.json.details![0]!.where]).toEqual([400, 'body.hazard_id'])
    expect((await api('GET', '/api/tasks/999999')).status).toBe(404)
    expect((await api('GET', '/api/tasks?status=open')).json.details![0]!.where).toMatch(/^query\.status/)
  })

  it('rejects every illegal transition with 409 naming both states, and leaves the task as it was', async () => {
    for (const from of TaskStatusSchema.options) {
      const t = await newTask()
      for (const to of PATH[from]) expect((await move(t.id, to)).status).toBe(200)
      for (const to of TaskStatusSchema.options) {
        if (TASK_TRANSITIONS[from].includes(to)) continue
        const r = await move(t.id, to)
        expect(r.status, `${from} → ${to}`).toBe(409)
        expect(r.json.error).toContain(`cannot go from ${from} to ${to}`)
      }
      const after = (await api('GET', `/api/tasks/${t.id}`)).json
      expect(after.status).toBe(from)
      expect(after.history).toHaveLength(1 + PATH[from].length)
    }
  })

  it('runs the closed loop from a hazard: a return and a resubmission, then closing it out closes the hazard', async () => {
    const h = (
      await api<HazardDetail>('POST', '/api/hazards', {
        source: 'grid_inspection',
        category: 'ebike_charging',
        description: '楼道内充电',
        lng: area.gridPoint[0],
        lat: area.gridPoint[1],
        due_date: '2099-01-01',
      })
    ).json
    await api('POST', `/api/hazards/${h.id}/transitions`, { to: 'confirmed' }, 'office')
    const t = (
      await api(
        'POST',
        '/api/tasks',
        { title: '整改楼道充电', hazard_id: h.id, assignee_team: '网格工作站', due_date: '2099-01-01' },
        'office',
      )
    ).json
    expect(t).toMatchObject({ source: 'hazard', hazardId: h.id, areaCode: h.properties.gridCode, areaLevel: 'grid' })
    expect([t.lng, t.lat]).toEqual(h.geometry!.coordinates)
    let hazard = (await api<HazardDetail>('GET', `/api/hazards/${h.id}`)).json
    expect(hazard.properties.status).toBe('rectifying')
    expect(hazard.history.at(-1)).toMatchObject({ from: 'confirmed', to: 'rectifying', actor: 'office', comment: `task #${t.id} issued` })
    expect(hazard.tasks).toEqual([{ id: t.id, title: '整改楼道充电', status: 'issued', dueDate: '2099-01-01', overdue: false }])

    expect((await move(t.id, 'accepted', '已签收', 'grid-team')).status).toBe(200)
    expect((await move(t.id, 'in_progress', '', 'grid-team')).status).toBe(200)
    // A submission from the phone says where it was made; a point off the globe is refused, naming it.
    const offGlobe = await api(
      'POST',
      `/api/tasks/${t.id}/transitions`,
      { to: 'submitted', position: { lng: 120.2, lat: 95 } },
      'grid-team',
    )
    expect([offGlobe.status, offGlobe.json.details![0]!.where]).toEqual([400, 'body.position.lat'])
    const submitted = await api<TaskDetail>(
      'POST',
      `/api/tasks/${t.id}/transitions`,
      { to: 'submitted', comment: '已整改', position: { lng: 120.27, lat: 30.18, accuracy: 12 } },
      'grid-team',
    )
    expect(submitted.status).toBe(200)
    expect(submitted.json.history.at(-1)!.changes).toEqual({ position: { from: null, to: { lng: 120.27, lat: 30.18, accuracy: 12 } } })
    const noReason = await api('POST', `/api/tasks/${t.id}/transitions`, { to: 'returned' }, 'office')
    expect([noReason.status, noReason.json.details![0]!.where]).toEqual([400, 'body.comment'])
    expect((await move(t.id, 'returned', '整改不到位', 'office')).status).toBe(200)
    expect((await move(t.id, 'accepted', '重新签收', 'grid-team')).status).toBe(200)
    expect((await move(t.id, 'in_progress', '', 'grid-team')).status).toBe(200)
    expect((await move(t.id, 'submitted', '再次提交', 'grid-team')).status).toBe(200)
    const closed = await move(t.id, 'closed', '复查合格', 'office')
    expect(closed.json).toMatchObject({ status: 'closed', hazardClosed: h.id })
    expect(closed.json.closedAt).not.toBeNull()
    expect(closed.json.history.map((e) => [e.from, e.to, e.actor, e.comment])).toEqual([
      [null, 'issued', 'office', null],
      ['issued', 'accepted', 'grid-team', '已签收'],
      ['accepted', 'in_progress', 'grid-team', null],
      ['in_progress', 'submitted', 'grid-team', '已整改'],
      ['submitted', 'returned', 'office', '整改不到位'],
      ['returned', 'accepted', 'grid-team', '重新签收'],
      ['accepted', 'in_progress', 'grid-team', null],
      ['in_progress', 'submitted', 'grid-team', '再次提交'],
      ['submitted', 'closed', 'office', '复查合格'],
    ])
    hazard = (await api<HazardDetail>('GET', `/api/hazards/${h.id}`)).json
    expect(hazard.properties.status).toBe('closed')
    expect(hazard.history.at(-1)).toMatchObject({
      from: 'rectifying',
      to: 'closed',
      actor: 'office',
      comment: `closed out with task #${t.id}`,
    })
    expect((await api('POST', '/api/tasks', { title: 'x', hazard_id: h.id, assignee_team: 'y', due_date: '2099-01-01' })).status).toBe(409)
  })

  it('edits assignment and due date into the history; an area-placed task follows its area; closed tasks stay', async () => {
    const t = await newTask()
    const r = await api(
      'PATCH',
      `/api/tasks/${t.id}`,
      { area_code: area.village, assignee_team: '村网格工作站', due_date: '2020-01-01', comment: '改派到村' },
      'chief',
    )
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({
      areaCode: area.village,
      areaLevel: 'village',
      gridCode: null,
      villageCode: area.village,
      assigneeTeam: '村网格工作站',
      overdue: true,
    })
    expect([r.json.lng, r.json.lat]).toEqual(area.villagePoint)
    expect(r.json.history.at(-1)).toMatchObject({
      action: 'edited',
      actor: 'chief',
      comment: '改派到村',
      changes: {
        area_code: { from: area.grid, to: area.village },
        assignee_team: { from: '北干街道平安办', to: '村网格工作站' },
        due_date: { from: '2099-01-01', to: '2020-01-01' },
      },
    })
    expect((await api('PATCH', `/api/tasks/${t.id}`, { status: 'closed' })).json.error).toContain('not editable: status')
    expect((await api('PATCH', `/api/tasks/${t.id}`, { due_date: 'soon' })).json.details![0]!.where).toBe('body.due_date')
    const done = await newTask()
    for (const to of PATH.closed) await move(done.id, to)
    expect((await api('PATCH', `/api/tasks/${done.id}`, { assignee_team: 'z' })).status).toBe(409)
  })

  it('creates a task from a warning, listed by ?warning=ID', async () => {
    // Migration 015 adds the foreign key to warnings; this test is about the task side (the
    // warnings' own tests create real warnings), so this throwaway database goes without it.
    await s.db.sql`ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_warning_id_fkey`
    const id = await s.db.withScope(SYSTEM_SCOPE, (tx) =>
      createTaskFromWarning(tx, 4242, {
        title: '近重复入室盗窃预警处置',
        area_code: area.village,
        assignee_team: '派出所社区警务队',
        due_date: '2099-02-01',
        lng: 120.3,
        lat: 30.2,
        actor: 'duty-officer',
      }),
    )
    const page = (await api<TaskPage>('GET', '/api/tasks?warning=4242')).json
    expect(page.items).toHaveLength(1)
    expect(page.items[0]).toMatchObject({
      id: Number(id),
      source: 'warning',
      warningId: 4242,
      hazardId: null,
      lng: 120.3,
      lat: 30.2,
      createdBy: 'duty-officer',
    })
    expect((await api<TaskPage>('GET', '/api/tasks?warning=4243')).json.items).toEqual([])
  })

  it('lists with filters (status, area, overdue, team, source, hazard) and keyset pages', async () => {
    const list = async (q: string) => (await api<TaskPage>('GET', `/api/tasks?${q}`)).json.items
    const all = await list('limit=1000')
    const ids = (items: { id: number }[]) => items.map((t) => t.id)
    expect(ids(await list('overdue=true'))).toEqual(ids(all.filter((t) => t.overdue)))
    expect(ids(await list('overdue=false'))).toEqual(ids(all.filter((t) => !t.overdue)))
    expect((await list('overdue=true')).length).toBeGreaterThan(0)
    expect(ids(await list('status=closed,returned'))).toEqual(ids(all.filter((t) => t.status === 'closed' || t.status === 'returned')))
    expect(ids(await list(`area=${area.town}`))).toEqual(ids(all.filter((t) => t.townCode === area.town)))
    expect(ids(await list(`area=${area.grid}`))).toEqual(ids(all.filter((t) => t.gridCode === area.grid)))
    expect(ids(await list(`team=${encodeURIComponent('村网格工作站')}`))).toEqual(ids(all.filter((t) => t.assigneeTeam === '村网格工作站')))
    expect(ids(await list('source=hazard,warning'))).toEqual(ids(all.filter((t) => t.source !== 'manual')))
    const hazardTask = all.find((t) => t.hazardId !== null)!
    expect(ids(await list(`hazard=${hazardTask.hazardId}`))).toEqual([hazardTask.id])
    const seen: number[] = []
    let next: string | null = ''
    while (next !== null) {
      const page: TaskPage = (await api<TaskPage>('GET', `/api/tasks?limit=3${next ? `&cursor=${next}` : ''}`)).json
      seen.push(...ids(page.items))
      next = page.next
    }
    expect(seen).toEqual(ids(all))
  })

  it('overdueTasks(sql, now) follows a fixed clock', async () => {
    const t = await newTask({ due_date: '2026-10-31' })
    const at = async (iso: string) => (await overdueTasks(s.db.sql, new Date(iso))).filter((x) => x.id === t.id)
    expect(await at('2026-10-31T23:59:00+08:00')).toEqual([])
    expect(await at('2026-11-02T08:00:00+08:00')).toMatchObject([{ id: t.id, daysOverdue: 2, status: 'issued', areaCode: area.grid }])
    expect((await overdueTasks(s.db.sql, new Date('2026-11-02T08:00:00+08:00'))).every((x) => x.status !== 'closed')).toBe(true)
  })
})
