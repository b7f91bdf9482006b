/**
 * The API reference in a real browser, as an integrator on the command center's LAN opens it:
 * /api/docs sends a stranger to log in and back, then lists every operation of the document —
 * with no request leaving the server (no CDN, no validator badge, no fonts from elsewhere).
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { TestServer } from '../server/testing/harness.ts'
import { openWatchedPage, saveArtifact, serverWithUser } from './test/browser.ts'

let server: TestServer
let browser: Browser
const PASSWORD = 'a-long-test-password'

beforeAll(async () => {
  ;({ server, browser } = await serverWithUser(
    { seed: 'none', web: false },
    { username: 'integrator', displayName: '接口对接员', role: 'analyst', areaCodes: [], password: PASSWORD },
  ))
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the API reference in the browser', () => {
  it('logs in, lists every documented operation, and fetches nothing from another origin', async () => {
    const w = await openWatchedPage(browser)
    const { page } = w
    await page.goto(`${server.url}/api/docs`)
    await page.waitForURL(/\/login\?next=%2Fapi%2Fdocs/)
    await page.fill('#username', 'integrator')
    await page.fill('#password', PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL(`${server.url}/api/docs`)

    // The operation list as the viewer drew it, against the document the server serves.
    await page.waitForSelector('.opblock-summary-path', { timeout: 60_000 })
    const doc = (await page.evaluate(async () => (await fetch('openapi.json')).json())) as {
      paths: Record<string, Record<string, unknown>>
    }
    const expected = Object.entries(doc.paths)
      .flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`))
      .sort()
    const shown = (
      await page.$$eval('.opblock', (blocks) =>
        blocks.map(
          (b) =>
            `${b.querySelector('.opblock-summary-method')?.textContent?.trim()} ${b.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`,
        ),
      )
    ).sort()
    expect(shown).toEqual(expected)
    expect(shown).toContain('POST /api/incidents')
    expect(await page.textContent('.info .title')).toContain("Ping'an OneMap API")

    // "Try it out" runs as the logged-in user: GET /api/auth/me answers with their name.
    const me = page.locator('.opblock', { has: page.locator('[data-path="/api/auth/me"]') })
    await me.locator('.opblock-summary-control').click()
    await me.locator('button.try-out__btn').click()
    await me.locator('button.execute').click()
    await expect
      .poll(async () => (await me.locator('.live-responses-table tr.response .response-col_status').first().textContent())?.trim())
      .toBe('200')
    expect(await me.locator('.live-responses-table .microlight').first().textContent()).toContain('"username": "integrator"')
    saveArtifact('api-docs.png', await page.screenshot({ fullPage: false }))

    const origin = new URL(server.url).origin
    const elsewhere = w.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin)
    expect(elsewhere).toEqual([])
    expect(w.requests.some((u) => u.endsWith('/api/docs/swagger-ui-bundle.js'))).toBe(true)
    expect(w.errors).toEqual([])
    expect(w.failures).toEqual([])
  })
})
