/**
 * A town officer's own screens, in a real browser against the real server with logins required:
 * the wall's KPIs are their town's, their rank is out of every ranked town ("8/22", never "8/1"),
 * the wall and the map open on their town, and the map's time bar counts their town's incidents.
 * Each expected number is counted here from the incidents table, not read from the API the page uses.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { RankingResponse } from '../server/indicators/schema.ts'
import { addDays, dayStartMs, shanghaiDay } from '../server/shared/time.ts'
import type { TestServer } from '../server/testing/harness.ts'
import { wallPeriods } from './src/wall/kpi.ts'
import { launchBrowser, openWatchedPage, saveArtifact } from './test/browser.ts'

let server: TestServer
let browser: Browser
let town = ''
let townName = ''
let officerSession = ''
let box: [number, number, number, number] = [0, 0, 0, 0]
const PASSWORD = 'a-long-test-password'

beforeAll(async () => {
  const { startTestServer } = await import('../server/testing/harness.ts')
  const { createUser } = await import('../server/auth/store.ts')
  server = await startTestServer({ seed: 'small', auth: 'required' })
  const [t] = await server.db.sql<{ code: string; name: string; b: number[] }[]>`
    SELECT a.code, a.name, ARRAY[ST_XMin(a.geom), ST_YMin(a.geom), ST_XMax(a.geom), ST_YMax(a.geom)] AS b
    FROM admin_areas a WHERE a.level = 'town' AND NOT coalesce((a.properties->>'statistics_only')::boolean, false)
      AND coalesce(a.properties->>'type', '') NOT LIKE '统计单位%'
    ORDER BY (SELECT count(*) FROM incidents i WHERE i.town_code = a.code) DESC, a.code LIMIT 1`
  ;({ code: town, name: townName } = t!)
  box = t!.b as [number, number, number, number]
  const [other] = await server.db.sql<
    { code: string }[]
  >`SELECT code FROM admin_areas WHERE level = 'town' AND code <> ${town} ORDER BY code LIMIT 1`
  // Today: 3 incidents in the officer's town, 5 in another, an hour ago (the seed ends earlier),
  // or just after midnight when the day is younger than that.
  const at = new Date(Math.max(Date.now() - 3_600_000, dayStartMs(shanghaiDay(new Date())) + 1000))
  const rows = [
    ...[0, 1, 2].map((i) => ({ incident_id: `sc-mine-${i}`, reported_at: at, category_code: '0101', town_code: town })),
    ...[0, 1, 2, 3, 4].map((i) => ({ incident_id: `sc-other-${i}`, reported_at: at, category_code: '0101', town_code: other!.code })),
  ]
  await server.db.sql`INSERT INTO incidents ${server.db.sql(rows, 'incident_id', 'reported_at', 'category_code', 'town_code')}`
  await createUser(
    server.db.sql,
    { username: 'beigan-officer', displayName: '镇街值班员', role: 'town', areaCodes: [town], password: PASSWORD },
    'test',
  )
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'beigan-officer', password: PASSWORD }),
  })
  officerSession = res.headers
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

/** The town's incidents counted straight from the table over Shanghai days [from, to). */
async function townCount(from: string, to: string): Promise<number> {
  const [r] = await server.db.sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM incidents WHERE town_code = ${town}
      AND reported_at >= ${new Date(`${from}T00:00:00+08:00`)} AND reported_at < ${new Date(`${to}T00:00:00+08:00`)}`
  return r!.n
}

async function officerPage(viewport?: { width: number; height: number }) {
  const w = await openWatchedPage(browser, viewport)
  await w.context.addCookies([{ name: 'onemap_session', value: officerSession, url: server.url }])
  return w
}

const inside = ([lng, lat]: [number, number]) => lng >= box[0] && lng <= box[2] && lat >= box[1] && lat <= box[3]

describe('a town officer sees their own town', () => {
  it("fills the wall with their town's numbers, ranked out of every town, and opens on their town", async () => {
    const w = await officerPage({ width: 1920, height: 1080 })
    await w.page.goto(`${server.url}/wall?dwell=60000`)
    await w.page.waitForFunction(() => window.__wall !== undefined)
    await w.page.evaluate(() => window.__wall!.ready)
    const p = wallPeriods(new Date())
    const kpi = (k: string) => w.page.textContent(`[data-kpi="${k}"]`)
    expect(await kpi('today')).toBe(String(await townCount(p.today.from, p.today.to)))
    expect(await kpi('today')).toBe('3')
    expect(await kpi('month')).toBe(String(await townCount(p.month.from, p.today.to)))
    // The focus card is their town, ranked among all the ranked towns.
    expect(await w.page.textContent('#focus-name')).toBe(townName)
    const all = (await (
      await fetch(`${server.url}/api/rankings?level=town`, { headers: { cookie: `onemap_session=${officerSession}` } })
    ).json()) as RankingResponse
    expect(all.counts.total).toBe(22)
    const mine = all.areas.find((a) => a.code === town)
    const rankText = await w.page.textContent('[data-focus="rank"]')
    expect(rankText).toBe(mine?.rank == null ? '—' : `${mine.rank}/22`)
    // The cards say which hours 同比 compares.
    const now = new Date()
    const hhmm = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(11, 16)
    expect(await w.page.textContent('#kpi-yoy-base')).toMatch(new RegExp(`^去年同日 00:00–(${hhmm}|\\d\\d:\\d\\d)$`))
    expect(await w.page.textContent('#kpi-month-sub')).toMatch(/^环比上月同期 /)
    const centre = await w.page.evaluate(() => window.__wall!.map!.getCenter().toArray() as [number, number])
    expect(inside(centre), `wall centre ${centre.join(',')} in ${box.join(',')}`).toBe(true)
    saveArtifact('wall-town-officer.png', await w.page.screenshot())
    expect(w.errors).toEqual([])
    await w.context.close()
  })

  it("opens the map on their town, the time bar counting their town's incidents (also on a phone)", async () => {
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      const w = await officerPage(viewport)
      await w.page.goto(`${server.url}/`)
      await w.page.waitForFunction(() => window.__onemap !== undefined, null, { timeout: 60_000 })
      await w.page.evaluate(() => window.__onemap!.settled())
      const centre = await w.page.evaluate(() => window.__onemap!.map.getCenter().toArray() as [number, number])
      expect(inside(centre), `map centre ${centre.join(',')} in ${box.join(',')} (${viewport.width}px)`).toBe(true)
      const today = shanghaiDay(new Date())
      const expected = await townCount(addDays(today, -29), addDays(today, 1))
      expect(expected).toBe(3)
      await w.page.waitForFunction((n) => (document.querySelector('.timebar__period')?.textContent ?? '').includes(`${n} 起`), expected, {
        timeout: 20_000,
      })
      saveArtifact(`map-town-officer-${viewport.width}.png`, await w.page.screenshot())
      await w.context.close()
    }
  })
})
