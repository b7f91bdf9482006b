/**
 * Devices and their events end to end on a real server with login required: the imports (bad
 * lines named by line, the rest loaded, a re-run changing nothing, unknown devices rejected), a
 * device taking its organisation's place, alerting devices, event pages, and a grid officer's scope.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureFirstAdmin } from '../auth/bootstrap.ts'
import { fromWgs84 } from '../geo/crs.ts'
import { getImportRun } from '../imports/runs.ts'
import { TEST_KIND } from '../testing/db.ts'
import { loginToken, startTestServer, TEST_SEED_END, type TestServer } from '../testing/harness.ts'
import { importDeviceEvents, importDevices } from './import-csv.ts'
import type { DeviceEventPage, DeviceFeature, DevicePage } from './schema.ts'

interface Grid {
  code: string
  village: string
  town: string
  lng: number
  lat: number
}

describe(`devices (${TEST_KIND})`, () => {
  let s: TestServer
  let tmp: string
  const tokens: Record<string, string> = {}
  let mine: Grid
  let theirs: Grid

  const call = async (url: string, who = 'admin') => {
    const res = await fetch(`${s.url}${url}`, { headers: { authorization: `Bearer ${tokens[who]}` } })
    return { status: res.status, text: await res.text() }
  }
  const get = async <T>(url: string, who = 'admin'): Promise<T> => {
    const r = await call(url, who)
    expect(r.status, `${url}: ${r.text}`).toBe(200)
    return JSON.parse(r.text) as T
  }
  const login = async (username: string, password: string) => {
    return loginToken(s.url, username, password)
  }
  const end = TEST_SEED_END.getTime()
  const iso = (hoursBefore: number) => new Date(end - hoursBefore * 3600_000).toISOString()

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required' })
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'devices-'))
    const first = await ensureFirstAdmin(s.db)
    tokens.admin = await login('admin', first!.password)
    const towns = await s.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'town' ORDER BY code LIMIT 2`
    const grid = async (town: string) => {
      const [g] = await s.db.sql<Grid[]>`
        SELECT g.code, v.code AS village, v.parent_code AS town, ST_X(g.label_point) AS lng, ST_Y(g.label_point) AS lat
        FROM admin_areas g JOIN admin_areas v ON v.code = g.parent_code
        WHERE g.level = 'grid' AND v.parent_code = ${town} ORDER BY g.code LIMIT 1`
      return g!
    }
    mine = await grid(towns[0]!.code)
    theirs = await grid(towns[1]!.code)
    // A shop in my grid (the organisations import is another piece's: written here directly).
    await s.db.sql`
      INSERT INTO organisations (org_id, name, type, address, geom, town_code, village_code, grid_code)
      VALUES ('ORG-1', '恒达五金店', 'shop', '金城路440号', ST_SetSRID(ST_Point(${mine.lng}, ${mine.lat}), 4326), ${mine.town}, ${mine.village}, ${mine.code})`
    await fetch(`${s.url}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'grid-a', password: 'correct-horse-battery-staple', role: 'grid', areaCodes: [mine.code] }),
    })
    tokens['grid-a'] = await login('grid-a', 'correct-horse-battery-staple')
  })
  afterAll(async () => {
    await s?.close()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  let devicesFile = ''
  it('imports devices: placed by their organisation or their own coordinates; bad lines named by line; a re-run writes nothing', async () => {
    devicesFile = path.join(tmp, 'devices.csv')
    const report = path.join(tmp, 'devices.rejects.csv')
    const [gx, gy] = fromWgs84(theirs.lng, theirs.lat, 'gcj02')
    fs.writeFileSync(
      devicesFile,
      [
        'device_id,kind,name,status,installed_at,org_id,lng,lat,crs,expected_refill_days',
        'SD-1,烟感,二楼走廊烟感,,2026-03-01,ORG-1,,,,',
        `GA-2,gas_alarm,厨房燃气报警,在用,,,${gx},${gy},gcj02,`,
        'CY-3,液化气钢瓶,15kg钢瓶,,,ORG-1,,,,30',
        'SD-4,烟感,,,,ORG-404,,,,',
        'XX-5,水表,,,,,,,,',
        'SD-6,smoke_detector,,,,ORG-1,,,,30',
        'SD-1,烟感,重复,,,ORG-1,,,,',
      ].join('\n') + '\n',
    )
    const one = await importDevices(s.db, devicesFile, { reportPath: report })
    expect(one).toMatchObject({ read: 7, inserted: 3, updated: 0, unchanged: 0, rejected: 4, unplaced: 0 })
    const rejects = parse(fs.readFileSync(report), { columns: true }) as { line: string; device_id: string; reason: string }[]
    expect(rejects.map((r) => [r.line, r.device_id])).toEqual([
      ['5', 'SD-4'],
      ['6', 'XX-5'],
      ['7', 'SD-6'],
      ['8', 'SD-1'],
    ])
    expect(rejects[0]!.reason).toMatch(/^org_id: no organisation with this org_id/)
    expect(rejects[1]!.reason).toMatch(/^kind: one of smoke_detector \(烟感\)/)
    expect(rejects[2]!.reason).toMatch(/^expected_refill_days: only gas cylinders/)
    expect(await getImportRun(s.db.sql, one.runId)).toMatchObject({ kind: 'devices', status: 'done', inserted: 3, rejected: 4 })

    const sd1 = await get<DeviceFeature>('/api/devices/SD-1')
    expect(sd1.properties).toMatchObject({
      kind: 'smoke_detector',
      kindName: '烟感',
      status: 'active',
      installedAt: '2026-03-01',
      orgId: 'ORG-1',
      address: '金城路440号',
      gridCode: mine.code,
      villageCode: mine.village,
      townCode: mine.town,
    })
    expect(sd1.geometry!.coordinates[0]).toBeCloseTo(mine.lng, 9)
    // GCJ-02 coordinates converted: placed in the other town's grid.
    const ga2 = await get<DeviceFeature>('/api/devices/GA-2')
    expect(ga2.properties.gridCode).toBe(theirs.code)
    expect(Math.abs(ga2.geometry!.coordinates[0] - theirs.lng)).toBeLessThan(1e-5)
    expect((await get<DeviceFeature>('/api/devices/CY-3')).properties).toMatchObject({ kind: 'gas_cylinder', expectedRefillDays: 30 })

    const before = await s.db.sql`SELECT device_id, updated_at FROM devices ORDER BY device_id`
    const two = await importDevices(s.db, devicesFile, { reportPath: report })
    expect(two).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, rejected: 4 })
    expect(await s.db.sql`SELECT device_id, updated_at FROM devices ORDER BY device_id`).toEqual(before)
  })

  it('imports events fast and idempotently: unknown devices rejected by line; a delivery placed; a re-run inserts nothing', async () => {
    const file = path.join(tmp, 'events.csv')
    const report = path.join(tmp, 'events.rejects.csv')
    const readings = Array.from({ length: 250 }, (_, i) => `SD-1,${iso(100 + i)},reading,${i},,,,`)
    fs.writeFileSync(
      file,
      [
        'device_id,at,kind,value,station,lng,lat,details',
        `SD-1,${iso(2)},报警,,,,,"{""smoke"": 0.4}"`,
        `GA-2,${iso(3)},alarm,120,,,,`,
        `GA-2,${iso(1)},测试,,,,,`,
        `GA-2,${iso(30)},fault,,,,,`,
        `CY-3,${iso(40)},filling,15,城东充装站,,,`,
        `CY-3,${iso(20)},delivery,,,${theirs.lng},${theirs.lat},`,
        `NOPE-9,${iso(5)},alarm,,,,,`,
        `SD-1,${iso(2)},alarm,,,,,`,
        `SD-1,2030-01-01 00:00,alarm,,,,,`,
        `SD-1,${iso(6)},reading,,,,,{not json`,
        ...readings,
      ].join('\n') + '\n',
    )
    const one = await importDeviceEvents(s.db, file, { reportPath: report })
    expect(one).toMatchObject({ read: 260, inserted: 256, unchanged: 0, rejected: 4 })
    const rejects = parse(fs.readFileSync(report), { columns: true }) as { line: string; device_id: string; reason: string }[]
    expect(rejects.map((r) => [r.line, r.device_id])).toEqual([
      ['8', 'NOPE-9'],
      ['9', 'SD-1'],
      ['10', 'SD-1'],
      ['11', 'SD-1'],
    ])
    expect(rejects[0]!.reason).toMatch(/^device_id: no device with this device_id/)
    expect(rejects[1]!.reason).toBe('duplicate device_id (first on line 2)')
    expect(rejects[2]!.reason).toMatch(/^at: is in the future/)
    expect(rejects[3]!.reason).toMatch(/^details: a JSON object/)
    const [delivery] = await s.db.sql<{ x: number; y: number }[]>`
      SELECT ST_X(e.geom) AS x, ST_Y(e.geom) AS y FROM device_events e JOIN devices d ON d.id = e.device_id
      WHERE d.device_id = 'CY-3' AND e.kind = 'delivery'`
    expect(delivery).toEqual({ x: theirs.lng, y: theirs.lat })

    const count = async () => (await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM device_events`)[0]!.n
    const n = await count()
    const two = await importDeviceEvents(s.db, file, { reportPath: report })
    expect(two).toMatchObject({ read: 260, inserted: 0, unchanged: 256, rejected: 4 })
    expect(await count()).toBe(n)
  })

  it('alerting: an alarm or fault in the last 24 h with no later online or test; each device with its latest event', async () => {
    const page = await get<DevicePage>('/api/devices?alerting=true')
    expect(page.features.map((f) => f.properties.deviceId)).toEqual(['SD-1'])
    expect(page.features[0]!.properties).toMatchObject({ alerting: true, latestEvent: { at: iso(2), kind: 'alarm', kindName: '报警' } })
    const quiet = await get<DevicePage>('/api/devices?alerting=false')
    expect(quiet.features.map((f) => f.properties.deviceId)).toEqual(['CY-3', 'GA-2'])
    expect(quiet.features.find((f) => f.properties.deviceId === 'GA-2')!.properties.latestEvent).toMatchObject({ kind: 'test' })
    expect((await get<DevicePage>('/api/devices?kind=gas_cylinder,gas_alarm')).features).toHaveLength(2)
    expect((await get<DevicePage>(`/api/devices?area=${theirs.town}`)).features.map((f) => f.properties.deviceId)).toEqual(['GA-2'])
    expect((await call('/api/devices?alerting=maybe')).status).toBe(400)
  })

  it("the first page says how many devices match in the caller's areas (numberMatched); later pages do not", async () => {
    const first = await get<DevicePage>('/api/devices?limit=1')
    expect(first.features).toHaveLength(1)
    expect(first.numberMatched).toBe(3)
    const second = await get<DevicePage>(`/api/devices?limit=1&cursor=${first.next}`)
    expect(second.features).toHaveLength(1)
    expect(second.numberMatched).toBeUndefined()
    expect((await get<DevicePage>('/api/devices?alerting=true')).numberMatched).toBe(1)
    expect((await get<DevicePage>('/api/devices?alerting=false&kind=gas_alarm')).numberMatched).toBe(1)
    expect((await get<DevicePage>(`/api/devices?area=${theirs.town}&alerting=true`)).numberMatched).toBe(0)
    // A grid officer's count is their grid's, whatever the district holds.
    const [all] = await s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM devices WHERE grid_code = ${mine.code}`
    expect((await get<DevicePage>('/api/devices?limit=1', 'grid-a')).numberMatched).toBe(all!.n)
    expect(all!.n).toBe(2)
  })

  it("pages a device's events newest first, with kind and time filters", async () => {
    const seen: DeviceEventPage['events'] = []
    let next: string | null = ''
    while (next !== null) {
      const page: DeviceEventPage = await get<DeviceEventPage>(`/api/devices/SD-1/events?limit=100${next ? `&cursor=${next}` : ''}`)
      expect(page.deviceId).toBe('SD-1')
      seen.push(...page.events)
      next = page.next
    }
    expect(seen).toHaveLength(251)
    expect(new Set(seen.map((e) => e.id)).size).toBe(251)
    const times = seen.map((e) => Date.parse(e.at))
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect(seen[0]).toMatchObject({ kind: 'alarm', details: { smoke: 0.4 } })
    expect(seen.at(-1)).toMatchObject({ kind: 'reading', value: 249 })
    const alarms = await get<DeviceEventPage>('/api/devices/SD-1/events?kind=alarm')
    expect(alarms.events.map((e) => e.at)).toEqual([iso(2)])
    const window = await get<DeviceEventPage>(
      `/api/devices/SD-1/events?from=${encodeURIComponent(iso(110))}&to=${encodeURIComponent(iso(100))}`,
    )
    expect(window.events.map((e) => e.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    const cy = await get<DeviceEventPage>('/api/devices/CY-3/events')
    expect(cy.events.map((e) => [e.kind, e.station])).toEqual([
      ['delivery', null],
      ['filling', '城东充装站'],
    ])
    expect(cy.events[0]!.point).toEqual({ type: 'Point', coordinates: [theirs.lng, theirs.lat] })
  })

  it("a grid officer sees only their grid's devices; another's device and its events are a 404 like none", async () => {
    const list = await get<DevicePage>('/api/devices', 'grid-a')
    expect(list.features.map((f) => f.properties.deviceId)).toEqual(['CY-3', 'SD-1'])
    const ga2 = (await get<DeviceFeature>('/api/devices/GA-2')).id
    for (const [url, none] of [
      ['/api/devices/GA-2', '/api/devices/NOPE-1'],
      [`/api/devices/${ga2}`, '/api/devices/999999'],
      ['/api/devices/GA-2/events', '/api/devices/NOPE-1/events'],
    ] as const) {
      const a = await call(url, 'grid-a')
      const b = await call(none, 'grid-a')
      expect(a.status).toBe(404)
      expect(b.status).toBe(404)
      expect(a.text.replace(/no device [^"]+/, 'no device X')).toBe(b.text.replace(/no device [^"]+/, 'no device X'))
    }
    expect((await get<DeviceEventPage>('/api/devices/SD-1/events?limit=1', 'grid-a')).events).toHaveLength(1)
  })
})
