/**
 * The import endpoint and the district profile as an administrator and a command-center
 * operator meet them: uploads become jobs with progress and a summary, setting up the district
 * is for administrators only, and bad requests say what is wrong and where.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureFirstAdmin } from '../auth/bootstrap.ts'
import { TEST_KIND } from '../testing/db.ts'
import { loginToken, startTestServer, type TestServer } from '../testing/harness.ts'

const PASSWORD = 'correct-horse-battery-staple'

describe(`import jobs and the district profile (${TEST_KIND})`, () => {
  let s: TestServer
  const tokens: Record<string, string> = {}
  const login = async (username: string, password: string) => {
    return loginToken(s.url, username, password)
  }
  const call = (path: string, who: string, init: RequestInit = {}) =>
    fetch(`${s.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${tokens[who]}` } })
  const upload = (who: string, kind: string, files: Record<string, string>, options?: string) => {
    const form = new FormData()
    form.set('kind', kind)
    if (options !== undefined) form.set('options', options)
    for (const [name, text] of Object.entries(files)) form.append('file', new Blob([text]), name)
    return call('/api/imports', who, { method: 'POST', body: form })
  }

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required' })
    const first = await ensureFirstAdmin(s.db)
    tokens.admin = await login('admin', first!.password)
    const res = await call('/api/users', 'admin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'command', password: PASSWORD, role: 'command' }),
    })
    expect(res.status).toBe(201)
    tokens.command = await login('command', PASSWORD)
  }, 300_000)
  afterAll(async () => {
    await s?.close()
  })

  it('runs an uploaded file as a job: 202, then its progress, summary and rejects report', async () => {
    const csv = 'name,alias_of\n老宁围,宁围街道\n无名地,不存在的地方\n'
    const res = await upload('command', 'gazetteer', { 'names.csv': csv })
    expect(res.status).toBe(202)
    let job = (await res.json()) as {
      id: string
      status: string
      result: { inserted: number; rejected: number } | null
      reports: { name: string; url: string }[]
    }
    expect(res.headers.get('location')).toBe(`/api/imports/jobs/${job.id}`)
    for (let i = 0; i < 300 && (job.status === 'queued' || job.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 100))
      job = (await (await call(`/api/imports/jobs/${job.id}`, 'command')).json()) as typeof job
    }
    expect(job.status).toBe('done')
    expect(job.result).toMatchObject({ inserted: 1, rejected: 1 })
    const [row] = await s.db.sql<{ alias_of: string }[]>`SELECT alias_of FROM gazetteer WHERE name = '老宁围'`
    expect(row?.alias_of).toBe('宁围街道')
    expect(job.reports.map((r) => r.name)).toEqual(['names.csv.rejects.csv'])
    const report = await (await call(job.reports[0]!.url, 'command')).text()
    expect(report).toMatch(/无名地/)
  })

  it('keeps setting up the district for administrators', async () => {
    const geo = JSON.stringify({ type: 'FeatureCollection', features: [] })
    const refused = await upload('command', 'boundaries', { 'towns.geojson': geo }, '{"level":"town"}')
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: string }).error).toBe('a boundaries import needs the settings permission')
    expect(
      (await call('/api/profile', 'command', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"name":"别的区"}' }))
        .status,
    ).toBe(403)
    const put = await call('/api/profile', 'admin', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '萧山区（测试）', home: { center: [120.27, 30.16], zoom: 11 } }),
    })
    expect(put.status).toBe(200)
    const config = (await (await call('/api/config', 'command')).json()) as {
      district: { name: string }
      home: { center: number[]; zoom: number }
    }
    expect(config.district.name).toBe('萧山区（测试）')
    expect(config.home).toEqual({ center: [120.27, 30.16], zoom: 11 })
    // Cleared, the name is the data's again.
    await call('/api/profile', 'admin', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"name":null,"home":null}',
    })
    const back = (await (await call('/api/profile', 'command')).json()) as {
      name: string
      setByHand: string[]
      statisticsOnlyUnits: { name: string }[]
    }
    expect(back.name).toBe('萧山区')
    expect(back.setByHand).toEqual([])
    // Xiaoshan's statistics-only units (统计单位 in the town table) are listed apart.
    expect(back.statisticsOnlyUnits.length).toBeGreaterThan(0)
  })

  it('answers a bad upload with 400 naming what and where', async () => {
    const noKind = await upload('admin', 'parcels', { 'a.csv': 'x' })
    expect(noKind.status).toBe(400)
    expect(((await noKind.json()) as { error: string }).error).toMatch(/body\.kind/)
    const badOptions = await upload('admin', 'boundaries', { 'towns.geojson': '{}' }, '{"level":"county"}')
    expect(badOptions.status).toBe(400)
    expect(((await badOptions.json()) as { error: string }).error).toMatch(/body\.level/)
    const twoLayers = await upload('admin', 'boundaries', { 'a.geojson': '{}', 'b.geojson': '{}' }, '{"level":"town"}')
    expect(twoLayers.status).toBe(400)
    expect(((await twoLayers.json()) as { error: string }).error).toMatch(/upload one boundary layer/)
    const json = await call('/api/imports', 'admin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(json.status).toBe(400)
    expect(((await json.json()) as { error: string }).error).toMatch(/multipart\/form-data/)
    const tz = await call('/api/profile', 'admin', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"timeZone":"Mars/Olympus"}',
    })
    expect(tz.status).toBe(400)
    expect(((await tz.json()) as { error: string }).error).toMatch(/body\.timeZone/)
  })
})
