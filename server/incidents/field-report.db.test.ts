/**
 * Events reported from the field (`POST /api/incidents/reports`), from the reporters' side: a grid
 * worker reports in their grid and the incident is there, with who reported it; a point in another
 * grid is refused and writes nothing; an unknown category is a 400 naming it; an analyst (read
 * only) may not report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApiKey, createUser } from '../auth/store.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'

describe('events reported from the field', () => {
  let s: TestServer
  const keys: Record<string, string> = {}
  let mine = { code: '', lng: 0, lat: 0 }
  let other = { code: '', lng: 0, lat: 0 }
  let category = ''

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required' })
    const grids = await s.db.sql<{ code: string; lng: number; lat: number }[]>`
      SELECT code, ST_X(ST_PointOnSurface(geom)) AS lng, ST_Y(ST_PointOnSurface(geom)) AS lat
      FROM admin_areas WHERE level = 'grid' ORDER BY code LIMIT 2`
    mine = grids[0]!
    other = grids[1]!
    category = (await s.db.sql<{ code: string }[]>`SELECT code FROM incident_categories WHERE level = 2 ORDER BY code LIMIT 1`)[0]!.code
    for (const [k, role, areaCodes] of [
      ['grid', 'grid', [mine.code]],
      ['analyst', 'analyst', []],
    ] as const) {
      const user = await createUser(s.db.sql, { username: `fr-${k}`, displayName: `上报人${k}`, role, areaCodes: [...areaCodes] }, 'test')
      keys[k] = (await createApiKey(s.db.sql, user.id, 'test', 'test')).key
    }
  })
  afterAll(async () => {
    await s?.close()
  })

  const report = (who: string, body: unknown) =>
    fetch(`${s.url}/api/incidents/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  it('places a grid worker’s report in their grid, with the reporter as its source', async () => {
    const res = await report('grid', { category, description: '路口积水，车辆绕行', lng: mine.lng, lat: mine.lat })
    expect(res.status).toBe(201)
    const { id } = (await res.json()) as { id: string }
    const [row] = await s.db.sql<{ grid_code: string | null; source: string; category_code: string; incident_id: string }[]>`
      SELECT grid_code, source, category_code, incident_id FROM incidents WHERE id = ${id}`
    expect(row).toMatchObject({ grid_code: mine.code, source: '网格上报·fr-grid', category_code: category })
    expect(row!.incident_id).toMatch(/^FR-[0-9a-f-]{36}$/)
    const [audit] = await s.db.sql<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM audit_log WHERE action = 'incident.report' AND target = ${`incident:${id}`}`
    expect(audit!.n).toBe(1)
  })

  it('refuses a point in another grid, an unknown category and a reader, writing nothing', async () => {
    const before = (await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents`)[0]!.n
    const outside = await report('grid', { category, description: '别处', lng: other.lng, lat: other.lat })
    expect(outside.status).toBe(403)
    expect(((await outside.json()) as { details: { where: string }[] }).details[0]!.where).toBe('body.lng')
    const unknown = await report('grid', { category: 'NO_SUCH', description: '类别不对', lng: mine.lng, lat: mine.lat })
    expect(unknown.status).toBe(400)
    expect(((await unknown.json()) as { details: { where: string }[] }).details[0]!.where).toBe('body.category')
    const noPoint = await report('grid', { category, description: '没有位置' })
    expect(noPoint.status).toBe(400)
    expect((await report('analyst', { category, description: '只读', lng: mine.lng, lat: mine.lat })).status).toBe(403)
    expect((await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents`)[0]!.n).toBe(before)
  })
})
