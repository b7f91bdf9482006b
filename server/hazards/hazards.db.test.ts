import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { distanceM } from '../geo/crs.ts'
import { h3Cells } from '../geo/h3.ts'
import { loadFixtureBase } from '../geocode/fixtures/base.ts'
import { getImportRun } from '../imports/runs.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { importHazards } from './import-csv.ts'
import type { HazardDetail, HazardPage } from './schema.ts'
import { overdueHazards } from './store.ts'

interface Answer<T> {
  status: number
  json: T & { error?: string; details?: { where: string }[] }
}

describe(`hazards register (${TEST_KIND})`, () => {
  let s: TestServer
  let points: Map<string, [number, number]>
  let tmp: string
  const api = async <T = HazardDetail>(method: string, url: string, body?: unknown, user?: string): Promise<Answer<T>> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (user) headers['x-user'] = user
    const res = await fetch(`${s.url}${url}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    return { status: res.status, json: (await res.json()) as Answer<T>['json'] }
  }
  const codes = async (table: 'addresses' | 'hazards', key: string) => {
    const [row] =
      table === 'addresses'
        ? await s.db.sql`SELECT town_code, village_code, grid_code, microgrid_code FROM addresses WHERE address_id = ${key}`
        : await s.db.sql`SELECT town_code, village_code, grid_code, microgrid_code FROM hazards WHERE id = ${key}::bigint`
    return row
  }
  const base = {
    source: '网格巡查',
    category: 'fire',
    severity: 'serious',
    description: '疏散通道堆放杂物，安全出口被锁闭',
    place_name: '恒达五金店',
    responsible_party: '王某某',
    due_date: '2099-12-31',
    attachments: ['https://files.example/hz/1.jpg', { ref: 'oss://hz/2.jpg', name: '现场照片2.jpg', type: 'photo' }],
  }

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    points = await loadFixtureBase(s.db.sql)
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hazards-'))
  })
  afterAll(async () => {
    await s?.close()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  let first: HazardDetail
  it('registers a hazard: geocoded and placed like an incident, its creation kept with who and when', async () => {
    const t0 = Date.now()
    const { status, json } = await api('POST', '/api/hazards', { ...base, address: '北干金城路438号金色家园3幢2单元501室' }, 'grid-7')
    expect(status).toBe(201)
    first = json
    const p = json.properties
    expect(p).toMatchObject({
      hazardId: `HZ-${json.id}`,
      source: 'grid_inspection',
      sourceName: '网格巡查',
      category: 'fire',
      categoryName: '消防安全',
      severity: 'serious',
      status: 'reported',
      overdue: false,
      geocodeLevel: 'room',
      dueDate: '2099-12-31',
      createdBy: 'grid-7',
      attachments: [{ ref: 'https://files.example/hz/1.jpg' }, { ref: 'oss://hz/2.jpg', name: '现场照片2.jpg', type: 'photo' }],
    })
    const [x, y] = points.get('F_R3_2_501')!
    expect(distanceM(...json.geometry!.coordinates, x, y)).toBeLessThan(1)
    expect(await codes('hazards', String(json.id))).toEqual(await codes('addresses', 'F_R3_2_501'))
    const [cells] = await s.db.sql<{ h3_r10: string }[]>`SELECT h3_r10::text FROM hazards WHERE id = ${json.id}`
    expect(cells!.h3_r10).toBe(h3Cells(x, y).r10)
    expect(json.history).toHaveLength(1)
    expect(json.history[0]).toMatchObject({ action: 'created', actor: 'grid-7', from: null, to: 'reported' })
    expect(Date.parse(json.history[0]!.at)).toBeGreaterThanOrEqual(t0 - 5_000)
    // By the source's id too; anonymous without x-user.
    const again = await api('GET', `/api/hazards/${encodeURIComponent(p.hazardId)}`)
    expect(again.json.id).toBe(json.id)
    const anon = await api('POST', '/api/hazards', { ...base, hazard_id: 'SRC-1', lng: x, lat: y })
    expect(anon.status).toBe(201)
    expect(anon.json.properties).toMatchObject({ hazardId: 'SRC-1', createdBy: 'anonymous', geocodeLevel: null })
    expect(anon.json.properties.gridCode).toBe(p.gridCode)
  })

  it('answers 400 naming the bad fields, 409 for a taken hazard_id, 404 for none', async () => {
    const bad = await api('POST', '/api/hazards', { ...base, due_date: '2026-02-30', category: '不存在', lng: 120.2 })
    expect(bad.status).toBe(400)
    expect(bad.json.details!.map((d) => d.where)).toEqual(expect.arrayContaining(['body.due_date', 'body.category']))
    expect(bad.json.error).toContain('body.due_date')
    expect((await api('POST', '/api/hazards', { ...base, hazard_id: 'SRC-1' })).status).toBe(409)
    expect((await api('GET', '/api/hazards/999999')).status).toBe(404)
    expect((await api('POST', '/api/hazards/999999/transitions', { to: 'confirmed' })).status).toBe(404)
    const patch = await api('PATCH', `/api/hazards/${first.id}`, { status: 'closed' })
    expect(patch.status).toBe(400)
    expect(patch.json.error).toContain('not editable: status')
    expect((await api('POST', `/api/hazards/${first.id}/transitions`, { to: 'done' })).json.details![0]!.where).toBe('body.to')
  })

  it('edits record the changed fields with who and why; a new address re-places it', async () => {
    const { status, json } = await api(
      'PATCH',
      `/api/hazards/${first.id}`,
      { due_date: '2020-01-01', address: '金城路440号', comment: '核实地址' },
      'chief',
    )
    expect(status).toBe(200)
    expect(json.properties).toMatchObject({ dueDate: '2020-01-01', overdue: true, geocodeLevel: 'door' })
    expect(await codes('hazards', String(first.id))).toEqual(await codes('addresses', 'F_JC_440'))
    expect(json.history.at(-1)).toMatchObject({
      action: 'edited',
      actor: 'chief',
      comment: '核实地址',
      changes: {
        due_date: { from: '2099-12-31', to: '2020-01-01' },
        address: { from: '北干金城路438号金色家园3幢2单元501室', to: '金城路440号' },
      },
    })
    // Nothing changed: no event.
    const same = await api('PATCH', `/api/hazards/${first.id}`, { due_date: '2020-01-01' }, 'chief')
    expect(same.json.history).toHaveLength(json.history.length)
  })

  it('moves step by step; an illegal step is 409 naming both states; every step kept', async () => {
    const skip = await api('POST', `/api/hazards/${first.id}/transitions`, { to: 'closed' }, 'chief')
    expect(skip.status).toBe(409)
    expect(skip.json.error).toContain('cannot go from reported to closed')
    const steps = [
      ['confirmed', 'grid-7', '现场核实属实'],
      ['rectifying', 'chief', '责令限期整改'],
      ['closed', 'chief', '复查合格'],
    ] as const
    let last: HazardDetail | null = null
    for (const [to, user, comment] of steps) {
      const r = await api('POST', `/api/hazards/${first.id}/transitions`, { to, comment }, user)
      expect(r.status).toBe(200)
      last = r.json
    }
    expect(last!.properties).toMatchObject({ status: 'closed', statusName: '已销号', overdue: false })
    expect(last!.properties.closedAt).not.toBeNull()
    const moves = last!.history.filter((e) => e.action === 'transition')
    expect(moves.map((e) => [e.from, e.to, e.actor, e.comment])).toEqual([
      ['reported', 'confirmed', 'grid-7', '现场核实属实'],
      ['confirmed', 'rectifying', 'chief', '责令限期整改'],
      ['rectifying', 'closed', 'chief', '复查合格'],
    ])
    const times = last!.history.map((e) => Date.parse(e.at))
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect((await api('POST', `/api/hazards/${first.id}/transitions`, { to: 'rectifying' })).json.error).toContain('closed is final')
    expect((await api('PATCH', `/api/hazards/${first.id}`, { severity: 'major' })).status).toBe(409)
  })

  it('lists with filters, the overdue flag and filter, and keyset pages', async () => {
    const late = await api('POST', '/api/hazards', {
      ...base,
      hazard_id: 'LATE-1',
      category: '瓶装燃气',
      due_date: '2020-06-01',
      lng: 120.26,
      lat: 30.17,
    })
    expect(late.json.properties.overdue).toBe(true)
    const list = async (q: string) => (await api<HazardPage>('GET', `/api/hazards?${q}`)).json
    expect((await list('overdue=true')).features.map((f) => f.properties.hazardId)).toEqual(['LATE-1'])
    expect((await list('overdue=false')).features.map((f) => f.properties.hazardId)).toEqual(['SRC-1', first.properties.hazardId])
    expect((await list('category=gas_cylinder,fire&status=closed')).features.map((f) => f.id)).toEqual([first.id])
    expect((await list(`area=${first.properties.townCode}&status=reported`)).features.map((f) => f.properties.hazardId)).toEqual(['SRC-1'])
    expect((await list('source=self_check')).features).toEqual([])
    const seen: number[] = []
    let next: string | null = ''
    while (next !== null) {
      const page: HazardPage = await list(`limit=1${next ? `&cursor=${next}` : ''}`)
      seen.push(...page.features.map((f) => f.id))
      next = page.next
    }
    expect(seen).toEqual([late.json.id, ...(await list('')).features.slice(1).map((f) => f.id)])
    expect(new Set(seen).size).toBe(3)
    expect((await api('GET', '/api/hazards?overdue=maybe')).json.details![0]!.where).toBe('query.overdue')
    expect((await api('GET', '/api/hazards?area=999999999')).status).toBe(404)
  })

  it('overdueHazards(sql, now) follows a fixed clock', async () => {
    await api('POST', '/api/hazards', { ...base, hazard_id: 'EDGE-1', due_date: '2026-10-31' })
    const at = async (iso: string) => (await overdueHazards(s.db.sql, new Date(iso))).map((h) => h.hazardId)
    expect(await at('2026-10-31T23:59:00+08:00')).toEqual(['LATE-1'])
    expect(await at('2026-11-01T00:00:00+08:00')).toEqual(['LATE-1', 'EDGE-1'])
    const [edge] = (await overdueHazards(s.db.sql, new Date('2026-11-03T12:00:00+08:00'))).filter((h) => h.hazardId === 'EDGE-1')
    expect(edge).toMatchObject({ daysOverdue: 3, status: 'reported', category: 'fire', severity: 'serious' })
  })

  it('imports a CSV: good lines in (placed), bad and duplicate lines reported by line; a re-run changes nothing', async () => {
    const [gx, gy] = points.get('F_JC_440')!
    const file = path.join(tmp, 'hazards.csv')
    const report = path.join(tmp, 'rejects.csv')
    const lines = (description: string) =>
      [
        'hazard_id,reported_at,source,category,severity,description,address,lng,lat,status,due_date,attachments',
        `CSV-1,2026-10-01 09:00,企业自查,安全生产,一般,${description},北干街道金城路438号,,,,2026-10-15,oss://a.jpg|oss://b.jpg`,
        `CSV-2,2026-10-02T09:00:00+08:00,grid_inspection,ebike_charging,重大,楼道内停放电动自行车充电,,${gx},${gy},confirmed,2099-01-01,`,
        'CSV-3,2026-10-03 09:00,grid_inspection,不存在的类别,,x,,,,,,',
        'CSV-4,not a time,grid_inspection,fire,,x,,,,,,',
        `CSV-1,2026-10-01 09:00,企业自查,安全生产,一般,${description},北干街道金城路438号,,,,2026-10-15,`,
        'CSV-5,2026-10-03 09:00,regulator_inspection,fire',
        'CSV-6,2026-10-03 09:00,regulator_inspection,fire,general,x,,,,,2026-13-01,',
      ].join('\n') + '\n'
    fs.writeFileSync(file, lines('车间电气线路私拉乱接'))
    const one = await importHazards(s.db, file, { reportPath: report })
    expect(one).toMatchObject({ read: 7, inserted: 2, updated: 0, unchanged: 0, rejected: 5, unplaced: 0 })
    const rejects = parse(fs.readFileSync(report), { columns: true }) as { line: string; hazard_id: string; reason: string }[]
    expect(rejects.map((r) => [r.line, r.hazard_id])).toEqual([
      ['4', 'CSV-3'],
      ['5', 'CSV-4'],
      ['6', 'CSV-1'],
      ['7', 'CSV-5'],
      ['8', 'CSV-6'],
    ])
    expect(rejects[0]!.reason).toContain('category')
    expect(rejects[1]!.reason).toContain('reported_at')
    expect(rejects[2]!.reason).toBe('duplicate hazard_id (first on line 2)')
    expect(rejects[4]!.reason).toContain('due_date')
    expect(await getImportRun(s.db.sql, one.runId)).toMatchObject({ kind: 'hazards', status: 'done', inserted: 2, rejected: 5 })

    const csv2 = (await api('GET', '/api/hazards/CSV-2')).json
    expect(csv2.properties).toMatchObject({
      status: 'confirmed',
      severity: 'major',
      gridCode: (await codes('addresses', 'F_JC_440'))!.grid_code,
    })
    expect(csv2.history).toMatchObject([{ action: 'imported', to: 'confirmed', comment: `import run #${one.runId}` }])
    const csv1 = (await api('GET', '/api/hazards/CSV-1')).json
    expect(csv1.properties.townCode).toBe((await codes('addresses', 'F_GATE'))!.town_code)
    expect(csv1.properties.attachments).toEqual([{ ref: 'oss://a.jpg' }, { ref: 'oss://b.jpg' }])

    const maxSeq = async () => (await s.db.sql<{ seq: string }[]>`SELECT max(change_seq)::text AS seq FROM hazards`)[0]!.seq
    const before = await maxSeq()
    const two = await importHazards(s.db, file, { reportPath: report })
    expect(two).toMatchObject({ read: 7, inserted: 0, updated: 0, unchanged: 2, rejected: 5 })
    const after = await maxSeq()
    expect(after).toBe(before) // nothing written

    fs.writeFileSync(file, lines('车间电气线路私拉乱接，配电箱未上锁'))
    const three = await importHazards(s.db, file, { reportPath: report })
    expect(three).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 })
    const changed = (await api('GET', '/api/hazards/CSV-1')).json
    expect(changed.history.at(-1)).toMatchObject({
      action: 'imported',
      changes: { description: { from: '车间电气线路私拉乱接', to: '车间电气线路私拉乱接，配电箱未上锁' } },
    })
  })
  // Issue 21: future and impossible data.
  it('refuses a hazard found in 2030 with a 400 naming reported_at, and registers nothing', async () => {
    const [before] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM hazards`
    const r = await api('POST', '/api/hazards', { ...base, address: '金城路440号', reported_at: '2030-01-01 08:00' })
    expect(r.status).toBe(400)
    expect(r.json.details!.map((d) => d.where)).toEqual(['body.reported_at'])
    expect(r.json.error).toMatch(/body\.reported_at: is in the future/)
    const old = await api('POST', '/api/hazards', { ...base, address: '金城路440号', reported_at: '1900-01-01 00:00' })
    expect(old.status).toBe(400)
    expect(old.json.details!.map((d) => d.where)).toEqual(['body.reported_at'])
    const [after] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM hazards`
    expect(after!.n).toBe(before!.n)
  })

  it('keeps a hazard with Shanghai coordinates flagged outside the district, with no point or area', async () => {
    const { status, json } = await api('POST', '/api/hazards', { ...base, lng: 121.4737, lat: 31.2304 })
    expect(status).toBe(201)
    expect(json.geometry).toBeNull()
    expect(json.properties).toMatchObject({ outsideDistrict: true, townCode: null, villageCode: null, gridCode: null, microgridCode: null })
    const [row] = await s.db.sql`SELECT geom, h3_r9, input_lng, input_lat FROM hazards WHERE id = ${json.id}::bigint`
    expect(row).toEqual({ geom: null, h3_r9: null, input_lng: 121.4737, input_lat: 31.2304 })
    // Not on the map's hazard list of the district's box either.
    const page = (await api<HazardPage>('GET', '/api/hazards?bbox=120,29,122,32&limit=1000')).json
    expect(page.features.map((f) => f.id)).not.toContain(json.id)
  })

  it('imports hazards: a line found in the future is rejected by line and field, one outside the district is counted', async () => {
    const file = path.join(tmp, 'future-hazards.csv')
    const report = path.join(tmp, 'future-hazards.rejects.csv')
    fs.writeFileSync(
      file,
      [
        'hazard_id,reported_at,source,category,description,lng,lat',
        'FUT-1,2030-01-01 09:00,grid_inspection,fire,x,,',
        'SH-H1,2026-11-30 09:00,grid_inspection,fire,x,121.4737,31.2304',
      ].join('\n') + '\n',
    )
    const summary = await importHazards(s.db, file, { reportPath: report })
    expect(summary).toMatchObject({ read: 2, inserted: 1, rejected: 1, unplaced: 1, outside: 1 })
    const rejects = parse(fs.readFileSync(report), { columns: true }) as { line: string; hazard_id: string; reason: string }[]
    expect(rejects.map((r) => [r.line, r.hazard_id])).toEqual([['2', 'FUT-1']])
    expect(rejects[0]!.reason).toMatch(/^reported_at: is in the future/)
    expect(summary.warnings.join('\n')).toContain('1 hazards came with a point outside the district')
  })
})
