/**
 * 双十条 assessments on the desk's rankings page, in a real browser, as a town officer against the
 * real server with logins required: they enter 村规民约 for a village of their town and it is the
 * village's value in the indicators API; another town's villages are not offered, and entering
 * one anyway is refused. Each outcome is read back from the database or the API, not the page.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { IndicatorsResponse } from '../server/shared/api.ts'
import type { TestServer } from '../server/testing/harness.ts'
import { deskIdle, launchBrowser, loggedIn, type Login, openDesk, saveArtifact } from './test/browser.ts'

let server: TestServer
let browser: Browser
let officer: Login
let town = ''
let village = ''
let otherVillage = ''
const PASSWORD = 'a-long-test-password'
const MONTH = '2026-11'

beforeAll(async () => {
  const { startTestServer } = await import('../server/testing/harness.ts')
  server = await startTestServer({ seed: 'boundaries', auth: 'required' })
  const villages = await server.db.sql<{ code: string; town: string }[]>`
    SELECT v.code, v.parent_code AS town FROM admin_areas v WHERE v.level = 'village' ORDER BY v.parent_code, v.code`
  town = villages[0]!.town
  village = villages[0]!.code
  otherVillage = villages.find((v) => v.town !== town)!.code
  ;[officer] = await loggedIn(server, PASSWORD, { username: 'desk-town', displayName: '镇街平安办', role: 'town', areaCodes: [town] })
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('双十条 assessments on the desk', () => {
  it('a town officer enters 村规民约 for their village, and cannot for another town’s', async () => {
    const w = await openDesk(browser, server.url, officer, `/desk/rankings?level=village&month=${MONTH}`)
    try {
      const form = '[data-form="assessment"]'
      await w.page.waitForSelector(form)
      // Only their own villages, and only the process indicators a town assesses itself.
      const areas = await w.page.$$eval(`${form} [name="area"] option`, (os) => os.map((o) => (o as HTMLOptionElement).value))
      expect(areas).toContain(village)
      expect(areas).not.toContain(otherVillage)
      const indicators = await w.page.$$eval(`${form} [name="indicator"] option`, (os) => os.map((o) => (o as HTMLOptionElement).value))
      expect(indicators).toContain('village_rules_score')
      expect(indicators).not.toContain('irregular_petitions')

      await w.page.selectOption(`${form} [name="month"]`, MONTH)
      await w.page.selectOption(`${form} [name="area"]`, village)
      await w.page.selectOption(`${form} [name="indicator"]`, 'village_rules_score')
      await w.page.fill(`${form} [name="value"]`, '86')
      await w.page.fill(`${form} [name="comment"]`, '村规民约已修订公示')
      await w.page.click(`${form} [data-action="enter-assessment"]`)
      await deskIdle(w)

      const rows = await server.db.sql<{ value: number; entered_by: string; comment: string; month: string }[]>`
        SELECT value, entered_by, comment, to_char(month, 'YYYY-MM') AS month FROM indicator_assessments
        WHERE area_code = ${village} AND indicator_id = 'village_rules_score'`
      expect(rows).toEqual([{ value: 86, entered_by: 'desk-town', comment: '村规民约已修订公示', month: MONTH }])
      // The page lists it with who entered it.
      const row = `.desk-assess-list tr[data-area="${village}"][data-indicator="village_rules_score"]`
      expect(await w.page.textContent(row)).toContain('86')
      expect(await w.page.textContent(row)).toContain('desk-town')
      saveArtifact('desk-assessment.png', await w.page.screenshot({ fullPage: true }))

      // It is the village's value in the indicators API.
      const res = await officer.api('GET', `/api/indicators?level=village&month=${MONTH}&area=${village}`)
      expect(res.status).toBe(200)
      const body = (await res.json()) as IndicatorsResponse
      expect(body.areas.find((a) => a.code === village)!.indicators.village_rules_score).toMatchObject({ value: 86, n: 1 })

      // Another town's village: refused as if it did not exist, and nothing stored.
      const other = await officer.api('POST', '/api/indicators/assessments', {
        indicator: 'village_rules_score',
        area: otherVillage,
        month: MONTH,
        value: 90,
      })
      expect(other.status).toBe(404)
      expect(await server.db.sql`SELECT 1 FROM indicator_assessments WHERE area_code = ${otherVillage}`).toHaveLength(0)
      expect(w.errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([])
    } finally {
      await w.context.close()
    }
  })
})
