/**
 * Logging in and out in a real browser against the real server with logins required: the map
 * sends a stranger to the login page, the form logs in and comes back, the header names the
 * user, and logging out ends the session.
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
    { seed: 'boundaries' },
    { username: 'duty-officer', displayName: '值班员王', role: 'command', areaCodes: [], password: PASSWORD },
  ))
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('login in the browser', () => {
  it('goes to the login page, logs in back to the map, shows the user, and logs out', async () => {
    const w = await openWatchedPage(browser)
    const { page } = w
    await page.goto(`${server.url}/#v=11/30.18/120.27`)
    await page.waitForURL(/\/login\?next=/)
    expect(await page.textContent('h1')).toBe('平安一张图')
    saveArtifact('login-page.png', await page.screenshot())

    await page.fill('#username', 'duty-officer')
    await page.fill('#password', 'wrong password!')
    await page.click('button[type=submit]')
    await page.waitForURL(/\/login\?error=failed/)
    expect(await page.textContent('.error')).toContain('用户名或密码错误')

    await page.fill('#username', 'duty-officer')
    await page.fill('#password', PASSWORD)
    await page.click('button[type=submit]')
    // Back at the map, with the view of the link it was opened with.
    await page.waitForURL((url) => url.pathname === '/' && url.hash.startsWith('#v=11/'))
    await page.waitForSelector('#user-box:not([hidden])')
    expect(await page.textContent('#user-name')).toBe('值班员王')
    const session = (await w.context.cookies()).find((c) => c.name === 'onemap_session')
    expect(session?.httpOnly).toBe(true)
    saveArtifact('login-map.png', await page.screenshot())

    await page.click('#logout')
    await page.waitForURL(/\/login$/)
    // The old session is over: the map sends the browser to the login page again.
    const res = await w.context.request.get(`${server.url}/api/incidents?limit=1`, {
      headers: { cookie: `onemap_session=${session!.value}` },
    })
    expect(res.status()).toBe(401)
    await page.goto(`${server.url}/`)
    await page.waitForURL(/\/login\?next=%2F/)
    expect(w.errors).toEqual([])
    await w.context.close()
  })
})
