/**
 * The full view on the map, in a real browser against the real server with logins required: a
 * command user switches on the houses and devices layers, sees them drawn (rendered features and
 * pixels: the alerting detector red at its address), clicks the address and reads its full view
 * in the inspector with residents masked; on a phone (390×844) the longer layer panel stays
 * within its corner and every switch can be reached and used.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { FullViewFixture } from '../server/addresses/full-view-fixtures.ts'
import type { TestServer } from '../server/testing/harness.ts'
import { decodePng, launchBrowser, openWatchedPage, pixelAt, saveArtifact, type WatchedPage } from './test/browser.ts'

const ADDRESS = 'F_R3_2_501'
const PASSWORD = 'a-long-test-password'

let server: TestServer
let browser: Browser
let session = ''
let fixture: FullViewFixture
let point: [number, number] = [0, 0]

beforeAll(async () => {
  const { startTestServer } = await import('../server/testing/harness.ts')
  const { createUser } = await import('../server/auth/store.ts')
  const { loadFixtureBase } = await import('../server/geocode/fixtures/base.ts')
  const { insertFullView } = await import('../server/addresses/full-view-fixtures.ts')
  server = await startTestServer({ seed: 'boundaries', auth: 'required' })
  const points = await loadFixtureBase(server.db.sql)
  point = points.get(ADDRESS)!
  fixture = await insertFullView(server.db.sql, ADDRESS, 'w')
  await createUser(
    server.db.sql,
    { username: 'fv-command', displayName: '指挥中心', role: 'command', areaCodes: [], password: PASSWORD },
    'test',
  )
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'fv-command', password: PASSWORD }),
  })
  session = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('onemap_session='))!
    .split(';')[0]!
    .slice('onemap_session='.length)
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function commandPage(viewport?: { width: number; height: number }): Promise<WatchedPage> {
  const w = await openWatchedPage(browser, viewport)
  await w.context.addCookies([{ name: 'onemap_session', value: session, url: server.url }])
  return w
}

/** Opens the map at the address, zoom 17, with only the grid layer on. */
async function open(w: WatchedPage): Promise<void> {
  await w.page.goto(`${server.url}/#v=17/${point[1].toFixed(5)}/${point[0].toFixed(5)}&l=grid`)
  await w.page.waitForFunction(() => window.__onemap !== undefined)
  await w.page.evaluate(() => window.__onemap!.ready)
}

const settled = (page: Page) => page.evaluate(() => window.__onemap!.settled())

/** The address's point on the page. */
const projected = (page: Page) =>
  page.evaluate(([lng, lat]) => {
    const map = window.__onemap!.map
    const p = map.project([lng, lat])
    const r = map.getContainer().getBoundingClientRect()
    return { x: r.left + p.x, y: r.top + p.y }
  }, point)

describe('the full view on the map', () => {
  it('draws houses and devices, and opens an address with its residents masked', async () => {
    const w = await commandPage()
    await open(w)
    await w.page.check('input[name="layer-houses"]')
    await w.page.check('input[name="layer-devices"]')
    expect(await w.page.evaluate(() => window.__onemap!.state().layers)).toEqual(['grid', 'houses', 'devices'])
    await settled(w.page)
    // Legends in words (Chinese first): group rentals, uses, alerting devices.
    const legend = await w.page.locator('#layers-panel').innerText()
    for (const words of ['实有房屋', '群租房', '出租', '物联感知设备', '24小时内告警/故障未恢复', '烟感']) expect(legend).toContain(words)

    const rendered = await w.page.evaluate(() => {
      const map = window.__onemap!.map
      const props = (layer: string) => map.queryRenderedFeatures({ layers: [layer] }).map((f) => f.properties)
      return { houses: props('house-point'), devices: props('device-point'), addresses: props('address-point') }
    })
    expect(rendered.houses.map((p) => p.id).sort()).toEqual([fixture.houses.rented, fixture.houses.own].map(Number).sort())
    expect(rendered.houses.find((p) => p.group_rental === true)).toMatchObject({ use: 'rented', residents: 4, migrants: 3 })
    expect(rendered.devices.filter((p) => p.alerting === true).map((p) => p.id)).toEqual([Number(fixture.devices.alerting)])
    expect(rendered.addresses.map((p) => p.id)).toContain(ADDRESS)

    // Drawn: the alerting detector is the red disc on top at the address.
    const at = await projected(w.page)
    const img = decodePng(await w.page.screenshot())
    const [r, g, b] = pixelAt(img, Math.round(at.x), Math.round(at.y))
    expect(r, `rgb ${r},${g},${b}`).toBeGreaterThan(180)
    expect(g).toBeLessThan(90)
    expect(b).toBeLessThan(90)
    saveArtifact('fullview-layers.png', await w.page.screenshot())

    // A click on it opens the address's full view.
    await w.page.mouse.click(at.x, at.y)
    await w.page.waitForSelector(`#inspector[data-selection="address:${ADDRESS}"][data-state="ready"]`, { timeout: 30_000 })
    const count = (section: string) => w.page.getAttribute(`.fv-section[data-section="${section}"]`, 'data-count')
    expect(await count('houses')).toBe('2')
    expect(await count('organisations')).toBe('1')
    expect(await count('devices')).toBe('3')
    expect(await count('disputes')).toBe('1')
    expect(await w.page.textContent('[data-count="residents"] .fv-counts__n')).toBe('5')
    const text = await w.page.locator('#inspector').innerText()
    expect(text).toContain('地址全量信息')
    expect(text).toContain('群租')
    expect(text).toContain('姓名均已脱敏')
    expect(text).toContain('告警中')
    expect(text).toContain('自查逾期 10 天')
    const people = await w.page.locator('.fv-person').allInnerTexts()
    expect(people).toHaveLength(5)
    for (const p of people) expect(p).toMatch(/^\p{Script=Han}\*+ · /u)
    // Each house leads to its residents on the desk's people page, the dispute to its mediation,
    // each device to its events.
    const links = await w.page.locator('#inspector .fv-item__link').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
    for (const id of [fixture.houses.rented, fixture.houses.own]) expect(links).toContain(`/desk/people/house-${id}`)
    expect(links).toContain(`/desk/disputes/${fixture.dispute}`)
    for (const id of Object.values(fixture.devices)) expect(links).toContain(`/desk/devices/${id}`)
    const html = await w.page.content()
    for (const secret of fixture.secrets) expect(html).not.toContain(secret)
    saveArtifact('fullview-inspector.png', await w.page.screenshot())

    // The group rental's link opens it on the desk with the same four residents, masked.
    await w.page.click(`#inspector a[href="/desk/people/house-${fixture.houses.rented}"]`)
    await w.page.waitForURL(`**/desk/people/house-${fixture.houses.rented}`)
    await w.page.waitForFunction(() => window.__desk !== undefined)
    await w.page.evaluate(() => window.__desk!.idle())
    expect(await w.page.getAttribute('.desk-house-counts', 'data-residents')).toBe('4')
    expect(await w.page.locator('.desk-house-residents [data-id]').count()).toBe(4)
    const deskHtml = await w.page.content()
    for (const secret of fixture.secrets) expect(deskHtml).not.toContain(secret)
    expect(w.errors).toEqual([])
    expect(w.failures).toEqual([])
    await w.context.close()
  })

  it('keeps the layer panel usable on a phone (390×844): in its corner, scrolled to every switch', async () => {
    const w = await commandPage({ width: 390, height: 844 })
    await open(w)
    const panel = w.page.locator('#layers-panel')
    const box = (await panel.boundingBox())!
    expect(box.x).toBeGreaterThanOrEqual(0)
    expect(box.x + box.width).toBeLessThanOrEqual(390 / 2)
    expect(box.y + box.height).toBeLessThanOrEqual(844 / 2)
    // The last switches are below the fold of the panel: scrolled to, tapped, shown on the map.
    for (const id of ['coverage', 'patrols', 'organisations', 'houses', 'devices']) {
      const input = w.page.locator(`input[name="layer-${id}"]`)
      await input.scrollIntoViewIfNeeded()
      const ib = (await input.boundingBox())!
      expect(ib.y, id).toBeGreaterThanOrEqual(box.y - 1)
      expect(ib.y + ib.height, id).toBeLessThanOrEqual(box.y + box.height + 1)
      await input.check()
    }
    expect((await w.page.evaluate(() => window.__onemap!.state().layers)).sort()).toEqual(
      ['coverage', 'devices', 'grid', 'houses', 'organisations', 'patrols'].sort(),
    )
    await settled(w.page)
    const visible = await w.page.evaluate(() =>
      ['coverage-fill', 'patrol-line', 'organisation-point', 'house-point', 'device-point'].map(
        (id) => window.__onemap!.map.getLayoutProperty(id, 'visibility') as string,
      ),
    )
    expect(visible).toEqual(['visible', 'visible', 'visible', 'visible', 'visible'])
    // The panel did not grow past its corner with the legends open.
    const after = (await panel.boundingBox())!
    expect(after.y + after.height).toBeLessThanOrEqual(844 / 2)
    saveArtifact('fullview-phone.png', await w.page.screenshot())
    expect(w.errors).toEqual([])
    await w.context.close()
  })
})
