import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { readEvents as readStream } from './testing.ts'

/** The events of the stream (see ./testing.ts), incident features in their data. */
const readEvents = async (res: Response, count: number, ms: number) =>
  (await readStream<{ properties: { incidentId: string } }>(res, count, ms)).events

describe(`live stream (${TEST_KIND})`, () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ seed: 'none', web: false })
  })
  afterAll(async () => {
    await s?.close()
  })
  const insert = (id: string) =>
    s.db.sql`INSERT INTO incidents (incident_id, reported_at, category_code, address) VALUES (${id}, now(), '0101', '金城路440号')`

  it('pushes a new incident within a second, with an event id', async () => {
    const res = await fetch(`${s.url}/api/stream`)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    await new Promise((r) => setTimeout(r, 100))
    const t0 = Date.now()
    await insert('S1')
    const [e] = await readEvents(res, 1, 3_000)
    expect(Date.now() - t0).toBeLessThan(1_500)
    expect(e).toMatchObject({ event: 'incident', data: { properties: { incidentId: 'S1' } } })
    // The id is where the client stands: a snapshot of transactions (./cursor.ts), not a change number.
    expect(e!.id).toMatch(/^\d+:\d+:[\d,]*$/)
  })

  it('resumes after Last-Event-ID with exactly what was missed, changes included', async () => {
    const first = await fetch(`${s.url}/api/stream`)
    await new Promise((r) => setTimeout(r, 100))
    await insert('S2')
    const [seen] = await readEvents(first, 1, 3_000)
    expect(seen!.data.properties.incidentId).toBe('S2')
    // Disconnected: two new incidents and a change to S1 happen meanwhile.
    await insert('S3')
    await s.db.sql`UPDATE incidents SET status = 'closed' WHERE incident_id = 'S1'`
    await insert('S4')
    const again = await fetch(`${s.url}/api/stream`, { headers: { 'Last-Event-ID': seen!.id } })
    const missed = await readEvents(again, 3, 3_000)
    expect(missed.map((e) => e.data.properties.incidentId)).toEqual(['S3', 'S1', 'S4'])
    // Resuming from any of them gives exactly the ones after it.
    const fromS1 = await fetch(`${s.url}/api/stream`, { headers: { 'Last-Event-ID': missed[1]!.id } })
    expect((await readEvents(fromS1, 2, 1_500)).map((e) => e.data.properties.incidentId)).toEqual(['S4'])
  })

  it('still resumes a change number sent as the id before the upgrade (a wall open across it)', async () => {
    await insert('S6')
    await insert('S7')
    const [row] = await s.db.sql<{ seq: string }[]>`SELECT change_seq::text AS seq FROM incidents WHERE incident_id = 'S6'`
    const again = await fetch(`${s.url}/api/stream`, { headers: { 'Last-Event-ID': row!.seq } })
    expect(again.status).toBe(200)
    const missed = await readEvents(again, 2, 1_500)
    expect(missed.map((e) => e.data.properties.incidentId)).toEqual(['S7'])
  })

  it('gives a wall resuming with an id from another database (a backup restored elsewhere) the new changes', async () => {
    const res = await fetch(`${s.url}/api/stream`, { headers: { 'Last-Event-ID': '900000000:900000000:' } })
    expect(res.status).toBe(200)
    await new Promise((r) => setTimeout(r, 100))
    await insert('S8')
    expect((await readEvents(res, 1, 3_000)).map((e) => e.data.properties.incidentId)).toEqual(['S8'])
  })

  it('pushes hazard and task changes and assignments too (event: hazard|task|task.assigned), in the order they happened, resumable', async () => {
    // A district and a town to assign the task to (this server has no seeded boundaries).
    await s.db.sql`
      INSERT INTO admin_areas (code, name, level, parent_code, geom, label_point) VALUES
        ('330109', '萧山区', 'district', NULL, ST_Multi(ST_MakeEnvelope(120, 30, 121, 31, 4326)), ST_SetSRID(ST_Point(120.5, 30.5), 4326)),
        ('330109001', '城厢街道', 'town', '330109', ST_Multi(ST_MakeEnvelope(120.2, 30.1, 120.3, 30.2, 4326)), ST_SetSRID(ST_Point(120.25, 30.15), 4326))`
    const post = async (url: string, body: unknown) => {
      const r = await fetch(`${s.url}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user': 'stream-test' },
        body: JSON.stringify(body),
      })
      expect(r.status).toBeLessThan(300)
      return (await r.json()) as { id: number }
    }
    const res = await fetch(`${s.url}/api/stream`)
    await new Promise((r) => setTimeout(r, 100))
    const hazard = await post('/api/hazards', {
      hazard_id: 'SH1',
      source: 'grid_inspection',
      category: 'fire',
      description: '消防通道堵塞',
      lng: 120.25,
      lat: 30.15,
    })
    const task = await post('/api/tasks', {
      title: '清理消防通道',
      hazard_id: hazard.id,
      area_code: '330109001',
      assignee_team: '城厢街道平安办',
      due_date: '2099-01-01',
    })
    await insert('S5')
    const events = await readEvents(res, 4, 3_000)
    expect(events.map((e) => e.event)).toEqual(['hazard', 'task', 'task.assigned', 'incident'])
    const [h, t, a, i] = events.map(
      (e) =>
        e.data as unknown as {
          id: number
          properties?: { hazardId?: string; incidentId?: string; status?: string }
          hazardId?: number
          status?: string
          taskId?: number
          assigneeTeam?: string
        },
    )
    expect(h).toMatchObject({ type: 'Feature', id: hazard.id, properties: { hazardId: 'SH1', status: 'reported' } })
    expect(t).toMatchObject({ id: task.id, hazardId: hazard.id, status: 'issued', areaCode: '330109001' })
    expect(a).toMatchObject({ taskId: task.id, assigneeTeam: '城厢街道平安办', assigneeUserId: null, assignedBy: 'stream-test' })
    expect(i!.properties!.incidentId).toBe('S5')

    // Disconnected: the task is accepted and the hazard confirmed; a reconnect gets both, in order.
    await post(`/api/tasks/${task.id}/transitions`, { to: 'accepted' })
    await post(`/api/hazards/${hazard.id}/transitions`, { to: 'confirmed' })
    const again = await fetch(`${s.url}/api/stream`, { headers: { 'Last-Event-ID': events[3]!.id } })
    const missed = await readEvents(again, 2, 3_000)
    expect(
      missed.map((e) => [
        e.event,
        (e.data as unknown as { status?: string; properties?: { status: string } }).status ??
          (e.data as unknown as { properties: { status: string } }).properties.status,
      ]),
    ).toEqual([
      ['task', 'accepted'],
      ['hazard', 'confirmed'],
    ])
  })

  it('rejects a malformed Last-Event-ID or since with 400', async () => {
    // Not an id; a snapshot PostgreSQL would refuse (in-flight ids outside xmin..xmax, unordered); a cut batch without its place.
    for (const id of ['abc', '12:10:', '10:20:25', '10:20:15,12', '10:20:/30:30:', '99999999999999999999'])
      expect((await fetch(`${s.url}/api/stream`, { headers: { 'Last-Event-ID': id } })).status, id).toBe(400)
    expect((await fetch(`${s.url}/api/stream?since=10:20:25`)).status).toBe(400)
  })
})
