/**
 * The desk's devices page (物联感知) in a real browser, against the real server with logins
 * required. A town officer opens the page on their town's alerting devices (not another town's),
 * counted as the database counts them; widens it to every device and narrows it by kind, the
 * filters in the address; meets the same "not found" for another town's device as for none; reads
 * a device's record (its organisation named, its responsible person masked) and its events as a
 * timeline, alarms in red, older ones a page at a time down to the last stored; and follows a
 * device's house to the people page.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { sealName, sealPhone } from '../server/auth/sealed.ts'
import type { TestServer } from '../server/testing/harness.ts'
import { decodePng, deskIdle, loggedIn, type Login, openDesk, saveArtifact, twoTownDesk, type WatchedPage } from './test/browser.ts'

let server: TestServer
let browser: Browser
let officer: Login
let mine = ''
let other = ''
const PASSWORD = 'a-long-test-password'
const HOUR_MS = 3_600_000
const RESPONSIBLE = { name: '王建国', phone: '13812345678' }
const RED = '#c0392b'

interface Grid {
  code: string
  village: string
}
const gridOf = async (town: string): Promise<Grid> => {
  const [g] = await server.db.sql<Grid[]>`
    SELECT code, parent_code AS village FROM admin_areas WHERE level = 'grid' AND code LIKE ${town + '%'} ORDER BY code LIMIT 1`
  return g!
}

/** An organisation of `town` as its import stores it (the responsible person sealed). */
async function organisation(orgId: string, name: string, town: string): Promise<string> {
  const g = await gridOf(town)
  const person = sealName(RESPONSIBLE.name)
  const phone = sealPhone(RESPONSIBLE.phone)
  const [row] = await server.db.sql<{ id: string }[]>`
    INSERT INTO organisations (org_id, name, type, risk_categories, status, responsible_name_sealed, responsible_name_masked,
      responsible_phone_sealed, responsible_phone_masked, address, geom, geocode_level, geocode_score, town_code, village_code, grid_code, source)
    SELECT ${orgId}, ${name}, 'shop', '{gas}'::text[], 'active', ${person.sealed}, ${person.masked}, ${phone.sealed}, ${phone.masked},
      ${`${name}所在地`}, a.label_point, 'grid', 1, ${town}, ${g.village}, a.code, 'test'
    FROM admin_areas a WHERE a.code = ${g.code}
    RETURNING id::text`
  return row!.id
}

/** A house of `town` as its import stores it. */
async function house(houseId: string, town: string): Promise<string> {
  const g = await gridOf(town)
  const owner = sealName('李小红')
  const phone = sealPhone('13900001111')
  const [row] = await server.db.sql<{ id: string }[]>`
    INSERT INTO houses (house_id, address, use, group_rental, rooms, owner_name_sealed, owner_name_masked, owner_phone_sealed,
      owner_phone_masked, geom, geocode_level, geocode_score, town_code, village_code, grid_code, source)
    SELECT ${houseId}, ${`${houseId} 测试路8号`}, 'rented', false, 3, ${owner.sealed}, ${owner.masked}, ${phone.sealed}, ${phone.masked},
      a.label_point, 'grid', 1, ${town}, ${g.village}, a.code, 'test'
    FROM admin_areas a WHERE a.code = ${g.code}
    RETURNING id::text`
  return row!.id
}

/** A device as the import stores one belonging to an organisation or house: it takes their place. */
async function device(deviceId: string, kind: string, name: string, owner: { organisation: string } | { house: string }): Promise<string> {
  const table = 'organisation' in owner ? server.db.sql`organisations` : server.db.sql`houses`
  const parent = 'organisation' in owner ? owner.organisation : owner.house
  const [row] = await server.db.sql<{ id: string }[]>`
    INSERT INTO devices (device_id, kind, name, status, installed_at, organisation_id, house_id, address, geom, geocode_level, geocode_score,
      town_code, village_code, grid_code, source)
    SELECT ${deviceId}, ${kind}, ${name}, 'active', '2026-03-01'::date,
      ${'organisation' in owner ? owner.organisation : null}::bigint, ${'house' in owner ? owner.house : null}::bigint,
      p.address, p.geom, p.geocode_level, p.geocode_score, p.town_code, p.village_code, p.grid_code, 'test'
    FROM ${table} p WHERE p.id = ${parent}::bigint
    RETURNING id::text`
  return row!.id
}

/** Events of a device, each `[hours ago, kind, value?]`, as the events import stores them. */
async function events(id: string, list: readonly (readonly [number, string, number?])[]): Promise<void> {
  const now = Date.now()
  for (const [ago, kind, value] of list) {
    await server.db.sql`
      INSERT INTO device_events (device_id, at, kind, value, source)
      VALUES (${id}::bigint, ${new Date(now - ago * HOUR_MS)}, ${kind}, ${value ?? null}::float8, 'test')`
  }
}

const rows = (w: WatchedPage) =>
  w.page.locator('.desk-list [data-device]').evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.device).sort())

let alarmed = ''
let quiet = ''
let elsewhere = ''
let houseId = ''

beforeAll(async () => {
  ;({ server, mine, other, browser } = await twoTownDesk())
  ;[officer] = await loggedIn(server, PASSWORD, { username: 'dv-town', displayName: '镇物联值班', role: 'town', areaCodes: [mine] })
  const shop = await organisation('ORG-DV-1', '恒达五金店', mine)
  const theirShop = await organisation('ORG-DV-2', '外镇餐馆', other)
  houseId = await house('H-DV-1', mine)
  alarmed = await device('SD-DV-1', 'smoke_detector', '二楼走廊烟感', { organisation: shop })
  quiet = await device('GA-DV-2', 'gas_alarm', '厨房燃气报警', { house: houseId })
  await device('CY-DV-4', 'gas_cylinder', '15kg钢瓶', { organisation: shop })
  elsewhere = await device('EB-DV-3', 'ebike_charger', '外镇充电桩', { organisation: theirShop })
  // SD-DV-1: 60 hourly readings, a fault three days ago, and an alarm 2 hours ago: alerting.
  await events(alarmed, [[2, 'alarm'], [70, 'fault'], ...Array.from({ length: 60 }, (_, i) => [3 + i, 'reading', i] as const)])
  // GA-DV-2: an alarm, then a test: not alerting. EB-DV-3 (the other town's) alerting.
  await events(quiet, [
    [3, 'alarm', 120],
    [1, 'test'],
  ])
  await events(elsewhere, [[1, 'alarm']])
}, 900_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the devices page', () => {
  it('as a town officer: the town’s alerting devices first, every device and one kind by filter, another town’s device not found', async () => {
    const w = await openDesk(browser, server.url, officer, '/desk/devices')
    try {
      // Opened on the alerting devices of the officer's town only (the other town's alarm is not there), in red.
      expect(await rows(w)).toEqual(['SD-DV-1'])
      expect(await w.page.getAttribute('.desk-list [data-device="SD-DV-1"]', 'data-colour')).toBe(RED)
      expect(await w.page.textContent('.desk-list-head')).toBe('1 台设备告警中')
      expect(await w.page.inputValue('select[name="alerting"]')).toBe('true')
      const towns = await w.page.locator('select[name="area"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
      expect(towns).toEqual(['', mine])
      await w.page.waitForSelector('.desk-minimap[data-ready="true"]')
      // On the mini map the alerting device is a red point.
      const map = decodePng(await w.page.locator('.desk-minimap').screenshot())
      let red = 0
      for (let i = 0; i < map.data.length; i += 4) if (map.data[i]! > 170 && map.data[i + 1]! < 90 && map.data[i + 2]! < 80) red++
      expect(red).toBeGreaterThan(30)

      // Every device: the head counts the town's devices as the database holds them.
      await w.page.selectOption('select[name="alerting"]', 'all')
      await deskIdle(w)
      expect(new URL(w.page.url()).searchParams.get('alerting')).toBe('all')
      const [all] = await server.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM devices WHERE town_code = ${mine}`
      expect(all!.n).toBe(3)
      expect(await w.page.getAttribute('.desk-list-head', 'data-count')).toBe(String(all!.n))
      expect(await w.page.textContent('.desk-list-head')).toBe(`${all!.n} 台设备`)
      expect(await rows(w)).toEqual(['CY-DV-4', 'GA-DV-2', 'SD-DV-1'])
      // Only the alerting one is red; the quiet gas alarm shows its latest event, the test.
      expect(await w.page.getAttribute('.desk-list [data-device="GA-DV-2"]', 'data-colour')).not.toBe(RED)
      expect(await w.page.textContent('.desk-list [data-device="GA-DV-2"]')).toContain('测试')
      expect(await w.page.textContent('.desk-list [data-device="CY-DV-4"]')).toContain('尚无事件')

      // One kind; the address keeps both filters, and a reload opens the same list.
      await w.page.selectOption('select[name="kind"]', 'gas_alarm')
      await deskIdle(w)
      expect(await rows(w)).toEqual(['GA-DV-2'])
      const url = new URL(w.page.url())
      expect(url.pathname).toBe('/desk/devices')
      expect(url.search).toBe('?alerting=all&kind=gas_alarm')
      await w.page.reload()
      await w.page.waitForFunction(() => window.__desk !== undefined)
      await deskIdle(w)
      expect(await rows(w)).toEqual(['GA-DV-2'])

      // Another town's device, by its number or its device id, reads exactly as one that does not exist.
      const notFound = async (path: string) => {
        await w.page.goto(`${server.url}${path}`)
        await w.page.waitForFunction(() => window.__desk !== undefined)
        await deskIdle(w)
        return w.page.textContent('.desk-detail')
      }
      const hidden = await notFound(`/desk/devices/${elsewhere}?alerting=all`)
      expect(hidden).toContain('找不到此记录')
      expect(await notFound('/desk/devices/987654321?alerting=all')).toBe(hidden)
      expect(await notFound('/desk/devices/EB-DV-3?alerting=all')).toBe(hidden)
      expect(await rows(w)).toEqual(['CY-DV-4', 'GA-DV-2', 'SD-DV-1'])
      expect(w.errors.filter((e) => !e.includes('404'))).toEqual([])
    } finally {
      await w.context.close()
    }
  })

  it('a device’s record: its kind, status, place and organisation (masked), its events newest first with alarms red, older ones on demand', async () => {
    const w = await openDesk(browser, server.url, officer, '/desk/devices')
    try {
      await w.page.click('.desk-list [data-device="SD-DV-1"]')
      await deskIdle(w)
      expect(new URL(w.page.url()).pathname).toBe(`/desk/devices/${alarmed}`)
      expect(await w.page.getAttribute('.desk-detail-head', 'data-alerting')).toBe('true')
      const facts = (await w.page.textContent('.desk-detail .facts'))!
      for (const part of ['SD-DV-1', '烟感', '二楼走廊烟感', '在用', '2026-03-01', '恒达五金店所在地', '恒达五金店（沿街商铺）', '王**']) {
        expect(facts).toContain(part)
      }
      // The organisation's responsible person as the API gives it: masked, never in full.
      const html = await w.page.content()
      expect(html).not.toContain(RESPONSIBLE.name)
      expect(html).not.toContain(RESPONSIBLE.phone)

      // The timeline: one page of 50, newest first, the alarm on top in red; then the rest, to the last stored.
      const timeline = '.desk-device-events .desk-timeline > li'
      const shown = () =>
        w.page
          .locator(timeline)
          .evaluateAll((ls) => ls.map((l) => ({ id: (l as HTMLElement).dataset.event, kind: (l as HTMLElement).dataset.kind })))
      const first = await shown()
      expect(first).toHaveLength(50)
      expect(first[0]!.kind).toBe('alarm')
      expect(await w.page.locator(`${timeline}.desk-event--alert`).count()).toBe(1)
      const red = await w.page.locator(`${timeline}.desk-event--alert .desk-event-what`).evaluate((n) => getComputedStyle(n).color)
      expect(red).toBe('rgb(180, 35, 24)')
      saveArtifact('desk-devices.png', await w.page.screenshot())
      await w.page.click('.desk-device-events [data-action="more-events"]')
      await deskIdle(w)
      const stored = await server.db.sql<{ id: string; kind: string }[]>`
        SELECT id::text, kind FROM device_events WHERE device_id = ${alarmed}::bigint ORDER BY at DESC, id DESC`
      expect(await shown()).toEqual(stored.map((e) => ({ id: e.id, kind: e.kind })))
      expect(await w.page.locator(`${timeline}.desk-event--alert`).count()).toBe(2)
      expect(await w.page.locator('.desk-device-events [data-action="more-events"]').count()).toBe(0)
      expect(await w.page.getAttribute('.desk-device-events-count', 'data-count')).toBe(String(stored.length))

      // A device of a house links to the house's record on the people page.
      await w.page.goto(`${server.url}/desk/devices/GA-DV-2?alerting=all`)
      await w.page.waitForFunction(() => window.__desk !== undefined)
      await deskIdle(w)
      expect(await w.page.getAttribute('.desk-detail-head', 'data-alerting')).toBe('false')
      expect(
        await w.page.locator('.desk-device-events .desk-timeline > li').evaluateAll((ls) => ls.map((l) => (l as HTMLElement).dataset.kind)),
      ).toEqual(['test', 'alarm'])
      expect(await w.page.getAttribute('.desk-device-house', 'href')).toBe('/desk/people/house-H-DV-1')
      await w.page.click('.desk-device-house')
      // Moving to another page loads its module first: wait for the people page, then for what it loads.
      await w.page.waitForSelector('.desk-page--people .desk-detail-head')
      await deskIdle(w)
      expect(new URL(w.page.url()).pathname).toBe('/desk/people/house-H-DV-1')
      expect(await w.page.textContent('.desk-page--people .desk-detail')).toContain('H-DV-1 测试路8号')
      expect(w.errors).toEqual([])
    } finally {
      await w.context.close()
    }
  })
})
