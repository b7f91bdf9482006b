/**
 * The desk's enterprise self-check (企业自查) in a real browser, as a town officer, against the real
 * server with logins required: the organisation is found by name in the officer's town, its own
 * checklist is checked, and the check fulfils its self-check duty — one self_checks row, one hazard
 * per failed item at the organisation, no longer overdue. Each outcome is read back from the
 * database and the API. The server's clock is the real one, as the browser's is.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { sealName, sealPhone } from '../server/auth/sealed.ts'
import { checklistOf, type OrganisationDetail } from '../server/shared/api.ts'
import type { TestServer } from '../server/testing/harness.ts'
import { deskIdle, loggedIn, type Login, openDesk, saveArtifact, twoTownDesk } from './test/browser.ts'

let server: TestServer
let browser: Browser
let officer: Login
let mine = ''
let other = ''
const PASSWORD = 'a-long-test-password'
const DAY_MS = 86_400_000

/** Inserts an active organisation with a 30-day duty against `checklist`, placed at a grid of `town`, last checked `daysAgo` days ago. */
async function organisation(orgId: string, name: string, town: string, checklist: string, daysAgo: number): Promise<string> {
  const [grid] = await server.db.sql<{ code: string; parent: string }[]>`
    SELECT code, parent_code AS parent FROM admin_areas WHERE level = 'grid' AND code LIKE ${town + '%'} ORDER BY code LIMIT 1`
  const person = sealName('赵建国')
  const phone = sealPhone('13912340000')
  const now = Date.now()
  const [row] = await server.db.sql<{ id: string }[]>`
    INSERT INTO organisations (org_id, name, type, risk_categories, status, responsible_name_sealed, responsible_name_masked,
      responsible_phone_sealed, responsible_phone_masked, self_check_every_days, self_check_checklist, address, geom,
      geocode_level, geocode_score, town_code, village_code, grid_code, source, created_at)
    SELECT ${orgId}, ${name}, 'enterprise', '{ebike_charging}'::text[], 'active', ${person.sealed}, ${person.masked},
      ${phone.sealed}, ${phone.masked}, 30, ${checklist}, ${`${name}所在地`}, a.label_point, 'grid', 1, ${town}, ${grid!.parent}, a.code,
      'test', ${new Date(now - 100 * DAY_MS)}
    FROM admin_areas a WHERE a.code = ${grid!.code}
    RETURNING id::text`
  await server.db.sql`
    INSERT INTO self_checks (organisation_id, checked_at, checklist, items, failed_items, actor, source)
    VALUES (${row!.id}::bigint, ${new Date(now - daysAgo * DAY_MS)}, ${checklist}, 5, '{}'::text[], 'import', 'test')`
  return row!.id
}

beforeAll(async () => {
  ;({ server, mine, other, browser } = await twoTownDesk())
  ;[officer] = await loggedIn(server, PASSWORD, { username: 'sc-town', displayName: '镇街平安办', role: 'town', areaCodes: [mine] })
}, 900_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the enterprise self-check, as a town officer', () => {
  it('finds the organisation by name in the town, records its check against the duty with a hazard per failed item, once', async () => {
    const id = await organisation('SC-T-1', '自查测试电动车行', mine, 'ebike_charging', 40)
    const elsewhere = await organisation('SC-T-2', '自查测试化工仓库', other, 'fire', 40)
    const [first, second] = checklistOf('ebike_charging')
    const w = await openDesk(browser, server.url, officer, '/desk/hazards/self-check')
    try {
      const form = '[data-form="self-check"]'
      // The search offers the organisation of the officer's town only, with its standing.
      await w.page.fill(`${form} [name="org_q"]`, '自查测试')
      await w.page.click(`${form} [data-action="find-org"]`)
      await deskIdle(w)
      const offered = await w.page
        .locator(`${form} .desk-selfcheck-candidates [data-org]`)
        .evaluateAll((rows) => rows.map((r) => ({ id: (r as HTMLElement).dataset.org, text: r.textContent })))
      expect(offered.map((o) => o.id)).toEqual([id])
      expect(offered.map((o) => o.id)).not.toContain(elsewhere)
      expect(offered[0]!.text).toContain('自查测试电动车行')
      expect(offered[0]!.text).toContain('企业')
      expect(offered[0]!.text).toContain('自查测试电动车行所在地')
      expect(offered[0]!.text).toContain('逾期 10 天')
      await w.page.fill(`${form} [name="org_q"]`, '化工仓库')
      await w.page.press(`${form} [name="org_q"]`, 'Enter')
      await deskIdle(w)
      expect(await w.page.locator(`${form} .desk-selfcheck-candidates [data-org]`).count()).toBe(0)
      expect(await w.page.textContent(`${form} .desk-selfcheck-candidates`)).toContain('没有')

      await w.page.fill(`${form} [name="org_q"]`, '电动车行')
      await w.page.click(`${form} [data-action="find-org"]`)
      await deskIdle(w)
      await w.page.click(`${form} .desk-selfcheck-candidates [data-org="${id}"]`)
      expect(await w.page.textContent(`${form} .desk-selfcheck-picked`)).toContain('自查测试电动车行')
      // The organisation's own checklist, not the form's default.
      expect(await w.page.inputValue(`${form} [name="category"]`)).toBe('ebike_charging')
      await w.page.check(`${form} [data-item="${first!.id}"] input[value="fail"]`)
      await w.page.fill(`${form} [name="note-${first!.id}"]`, '楼道内飞线充电')
      await w.page.check(`${form} [data-item="${second!.id}"] input[value="fail"]`)
      await w.page.click(`${form} [data-action="rest-pass"]`)
      // A click on the mini map (an empty spot, as one does to look around) keeps the half-sent check.
      await w.page.waitForSelector('.desk-minimap[data-ready="true"]')
      const box = (await w.page.locator('.desk-minimap').boundingBox())!
      const path = new URL(w.page.url()).pathname
      await w.page.mouse.click(box.x + 0.5 * box.width, box.y + 0.5 * box.height)
      await deskIdle(w)
      expect(new URL(w.page.url()).pathname).toBe(path)
      expect(await w.page.locator('[data-form="register"]').count()).toBe(0)
      expect(await w.page.isChecked(`${form} [data-item="${first!.id}"] input[value="fail"]`)).toBe(true)
      expect(await w.page.inputValue(`${form} [name="note-${first!.id}"]`)).toBe('楼道内飞线充电')
      await w.page.click(`${form} [data-action="confirm-self-check"]`)
      await deskIdle(w)

      const checks = () =>
        server.db.sql<{ id: number; checklist: string; items: number; failed_items: string[]; hazard_ids: string[] }[]>`
          SELECT id::int, checklist, items, failed_items, hazard_ids FROM self_checks
          WHERE organisation_id = ${id}::bigint AND actor = 'sc-town'`
      const hazards = () =>
        server.db.sql<{ id: number; hazard_id: string; source: string; category: string; description: string; town_code: string }[]>`
          SELECT id::int, hazard_id, source, category, description, town_code FROM hazards
          WHERE organisation_id = ${id}::bigint ORDER BY hazard_id`
      const recorded = await checks()
      expect(recorded).toHaveLength(1)
      expect(recorded[0]).toMatchObject({
        checklist: 'ebike_charging',
        items: checklistOf('ebike_charging').length,
        failed_items: [first!.id, second!.id],
      })
      const registered = await hazards()
      expect(registered).toHaveLength(2)
      expect(registered.every((h) => h.source === 'self_check' && h.category === 'ebike_charging' && h.town_code === mine)).toBe(true)
      expect(registered.map((h) => h.hazard_id).sort()).toEqual([...recorded[0]!.hazard_ids].sort())
      expect(registered.find((h) => h.hazard_id.endsWith(first!.id))!.description).toContain('楼道内飞线充电')
      expect(await server.db.sql`SELECT 1 FROM hazards WHERE organisation_id = ${elsewhere}::bigint`).toHaveLength(0)

      // The page: how many were registered, each linked; the organisation's standing now.
      const result = `${form} .desk-selfcheck-result`
      expect(await w.page.textContent(result)).toContain('登记隐患 2 条')
      const links = await w.page.locator(`${result} a[data-result="created"]`).evaluateAll((as) => as.map((a) => a.getAttribute('href')))
      expect(links.sort()).toEqual(registered.map((h) => `/desk/hazards/${h.id}`).sort())
      expect(await w.page.getAttribute(`${result} .desk-selfcheck-standing`, 'data-state')).not.toBe('overdue')
      expect(await w.page.textContent(`${form} .desk-selfcheck-picked`)).not.toContain('逾期')
      const answer = await officer.api('GET', `/api/organisations/${id}`)
      expect(answer.status).toBe(200)
      const org = (await answer.json()) as OrganisationDetail
      expect(org.properties.daysOverdue).toBe(0)
      expect(org.properties.selfCheckState).not.toBe('overdue')
      expect(org.hazards).toHaveLength(2)

      // The same check sent again: nothing new.
      await w.page.click(`${form} [data-action="confirm-self-check"]`)
      await deskIdle(w)
      expect(await checks()).toEqual(recorded)
      expect(await hazards()).toEqual(registered)
      expect(await w.page.locator(`${result} a[data-result="existing"]`).count()).toBe(2)
      expect(await w.page.textContent(result)).toContain('此前已记录')
      expect(w.errors).toEqual([])
    } finally {
      saveArtifact('desk-self-check.png', await w.page.screenshot())
      await w.context.close()
    }
  })
})
