/**
 * The work desk's administration and imports pages in a real browser, as an administrator, against
 * the real server with logins required. Each outcome is read back from the database (and, for an
 * API key, from a request made with it), not from the API the page uses.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { TestServer } from '../server/testing/harness.ts'
import { deskIdle, launchBrowser, loggedIn, type Login, openDesk, saveArtifact, type WatchedPage } from './test/browser.ts'

let server: TestServer
let browser: Browser
let admin: Login
let town = ''
let townName = ''
const PASSWORD = 'a-long-test-password'

beforeAll(async () => {
  const { startTestServer } = await import('../server/testing/harness.ts')
  server = await startTestServer({ seed: 'boundaries', auth: 'required' })
  const [first] = await server.db.sql<{ code: string; name: string }[]>`
    SELECT code, name FROM admin_areas WHERE level = 'town' ORDER BY code LIMIT 1`
  town = first!.code
  townName = first!.name
  ;[admin] = await loggedIn(server, PASSWORD, { username: 'desk-admin', displayName: '系统管理员', role: 'admin', areaCodes: [] })
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const deskPage = (who: Login, path: string) => openDesk(browser, server.url, who, path)

const idle = deskIdle
/** Console errors other than the refused requests the test makes on purpose. */
const unexpected = (w: WatchedPage) => w.errors.filter((e) => !/status of 4\d\d/.test(e))

describe('administration, as an administrator', () => {
  it('an administrator creates a town user and revokes a key', async () => {
    const w = await deskPage(admin, '/desk/admin')
    try {
      expect(new URL(w.page.url()).pathname).toBe('/desk/admin')
      await w.page.click('[data-action="new-user"]')
      await idle(w)
      const form = '[data-form="user"]'
      await w.page.fill(`${form} [name="username"]`, 'town-li')
      await w.page.fill(`${form} [name="displayName"]`, '李镇街')
      await w.page.selectOption(`${form} [name="role"]`, 'town')
      // Picked from the list of towns (by name), not typed as a code.
      await w.page.getByLabel(`${townName} ${town}`).check()
      expect(await w.page.inputValue(`${form} [name="areaCodes"]`)).toBe(town)
      // A refusal is shown beside the field the server names.
      await w.page.fill(`${form} [name="password"]`, 'short')
      await w.page.click(`${form} [data-action="save-user"]`)
      await idle(w)
      expect(await w.page.textContent(`${form} [data-field="password"] .desk-field-error`)).toContain('at least 12 characters')
      expect(await server.db.sql`SELECT 1 FROM users WHERE username = 'town-li'`).toHaveLength(0)

      await w.page.fill(`${form} [name="password"]`, PASSWORD)
      await w.page.click(`${form} [data-action="save-user"]`)
      await idle(w)
      const [user] = await server.db.sql<{ id: string; role: string; area_codes: string[]; display_name: string; disabled: boolean }[]>`
        SELECT id::text, role, area_codes, display_name, disabled FROM users WHERE username = 'town-li'`
      expect(user).toMatchObject({ role: 'town', area_codes: [town], display_name: '李镇街', disabled: false })
      expect(new URL(w.page.url()).searchParams.get('user')).toBe(user!.id)
      expect(await w.page.textContent(`.desk-row[data-username="town-li"]`)).toContain(townName)

      // A key: its secret shown once, and it works.
      await w.page.fill('[data-form="api-key"] [name="name"]', '数据网关')
      await w.page.click('[data-action="create-key"]')
      await idle(w)
      const secret = await w.page.inputValue('.desk-secret [name="secret"]')
      expect(secret).toMatch(/^omk_/)
      saveArtifact('desk-admin-user.png', await w.page.screenshot())
      const withKey = () => fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } })
      const me = await withKey()
      expect(me.status).toBe(200)
      expect(((await me.json()) as { user: { username: string } }).user.username).toBe('town-li')
      const [key] = await server.db.sql<{ id: string; revoked_at: Date | null; name: string }[]>`
        SELECT id::text, revoked_at, name FROM api_keys WHERE user_id = ${user!.id}`
      expect(key).toMatchObject({ revoked_at: null, name: '数据网关' })

      // Opened again, the page no longer has the secret; it revokes the key.
      await w.page.reload()
      await w.page.waitForFunction(() => window.__desk !== undefined)
      await idle(w)
      expect(await w.page.locator('.desk-secret').count()).toBe(0)
      expect(await w.page.content()).not.toContain(secret)
      const row = `.desk-key[data-id="${key!.id}"]`
      await w.page.click(`${row} [data-action="revoke-key"]`)
      await w.page.click(`${row} [data-action="confirm-revoke"]`)
      await idle(w)
      expect(await w.page.getAttribute(row, 'data-state')).toBe('revoked')
      expect((await withKey()).status).toBe(401)
      const [after] = await server.db.sql<{ revoked_at: Date | null }[]>`SELECT revoked_at FROM api_keys WHERE id = ${key!.id}`
      expect(after!.revoked_at).toBeInstanceOf(Date)

      // The audit log lists those actions, newest first, filtered to this account.
      await w.page.click('.desk-user-detail a[href*="/desk/admin/audit"]')
      await idle(w)
      expect(new URL(w.page.url()).searchParams.get('target')).toBe(`user:${user!.id}`)
      const actions = await w.page.locator('.desk-audit tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.action))
      expect(actions).toEqual(['apikey.revoke', 'apikey.create', 'user.create'])
      const logged = await server.db.sql<{ action: string; actor: string }[]>`
        SELECT action, actor FROM audit_log WHERE target = ${`user:${user!.id}`} ORDER BY id DESC`
      expect(logged.map((l) => l.action)).toEqual(actions)
      expect(new Set(logged.map((l) => l.actor))).toEqual(new Set(['desk-admin']))
      // A filter by action narrows it.
      await w.page.selectOption('.desk-filters [name="action"]', 'apikey.create')
      await idle(w)
      expect(await w.page.locator('.desk-audit tbody tr').count()).toBe(1)

      // Edited into a grid worker: a town first, then one of its grids; then deactivated.
      const [grid] = await server.db.sql<{ code: string }[]>`
        SELECT code FROM admin_areas WHERE level = 'grid' AND code LIKE ${`${town}%`} ORDER BY code LIMIT 1`
      await w.page.click('[data-tab="users"]')
      await idle(w)
      await w.page.click(`.desk-row[data-username="town-li"]`)
      await idle(w)
      await w.page.selectOption(`${form} [name="role"]`, 'grid')
      expect(await w.page.inputValue(`${form} [name="areaCodes"]`), 'towns do not carry over to a grid worker').toBe('')
      await w.page.selectOption(`${form} [name="areaTown"]`, town)
      await idle(w)
      await w.page.check(`${form} input[name="area"][value="${grid!.code}"]`)
      await w.page.click(`${form} [data-action="save-user"]`)
      await idle(w)
      const edited = async () =>
        (
          await server.db.sql<{ role: string; area_codes: string[]; disabled: boolean }[]>`
          SELECT role, area_codes, disabled FROM users WHERE id = ${user!.id}`
        )[0]!
      expect(await edited()).toEqual({ role: 'grid', area_codes: [grid!.code], disabled: false })
      await w.page.click(`${form} [data-action="deactivate"]`)
      await idle(w)
      expect((await edited()).disabled).toBe(true)
      expect(await w.page.getAttribute(`.desk-row[data-username="town-li"]`, 'class')).toContain('is-disabled')
      expect(unexpected(w)).toEqual([])
    } finally {
      saveArtifact('desk-admin.png', await w.page.screenshot())
      await w.context.close()
    }
  })
})

describe('wall display tokens, as an administrator', () => {
  it('creates a token for a wall account, shows its address once, and revokes it', async () => {
    const created = await admin.api('POST', '/api/users', { username: 'wall-hall', displayName: '指挥大厅大屏', role: 'wall' })
    expect(created.status).toBe(201)
    const w = await deskPage(admin, '/desk/admin/tokens')
    try {
      await w.page.fill('[data-form="display-token"] [name="name"]', '大厅主屏')
      await w.page.click('[data-action="create-token"]')
      await idle(w)
      const url = new URL(await w.page.inputValue('.desk-secret [name="secret"]'))
      expect(url.pathname).toBe('/wall')
      const token = url.searchParams.get('display_token')!
      const open = () => fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })
      expect((await open()).status).toBe(200)
      const [row] = await server.db.sql<{ id: string; name: string }[]>`
        SELECT left(token_hash, 16) AS id, name FROM sessions WHERE kind = 'display' AND revoked_at IS NULL`
      expect(row!.name).toBe('大厅主屏')
      await w.page.click(`.desk-key[data-id="${row!.id}"] [data-action="revoke-token"]`)
      await w.page.click(`.desk-key[data-id="${row!.id}"] [data-action="confirm-revoke"]`)
      await idle(w)
      expect(await w.page.getAttribute(`.desk-key[data-id="${row!.id}"]`, 'data-state')).toBe('revoked')
      expect((await open()).status).toBe(401)
      expect(unexpected(w)).toEqual([])
    } finally {
      await w.context.close()
    }
  })
})

describe('imports, as an administrator', () => {
  it('uploads an incidents CSV with one bad line: the good rows load, the rejects report names the bad one', async () => {
    const csv = [
      'incident_id,reported_at,category,address,lng,lat,description',
      'DESK0001,2026-10-01T08:00:00+08:00,0101,,120.25,30.15,工作台导入测试一',
      'DESK0002,2026-10-01T09:00:00+08:00,0101,,120.26,30.16,工作台导入测试二',
      'DESK0003,not-a-time,0101,,120.27,30.17,坏行',
    ].join('\n')
    const w = await deskPage(admin, '/desk/imports')
    try {
      await w.page.selectOption('[data-form="upload"] [name="kind"]', 'incidents')
      await w.page.setInputFiles('[data-form="upload"] [name="file"]', {
        name: 'desk-incidents.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      })
      await w.page.click('[data-action="upload"]')
      // The page polls the job until it ends; idle() waits for that.
      await idle(w)
      expect(new URL(w.page.url()).pathname).toMatch(/^\/desk\/imports\/[0-9a-f-]{36}$/)
      expect(await w.page.textContent('.desk-detail-head .desk-status')).toBe('已完成')
      expect(await w.page.textContent('.desk-count[data-count="inserted"] dd')).toBe('2')
      expect(await w.page.textContent('.desk-count[data-count="rejected"] dd')).toBe('1')
      expect(await w.page.evaluate(() => document.querySelector<HTMLProgressElement>('.desk-progress')!.value)).toBe(1)

      const rows = await server.db.sql<{ incident_id: string }[]>`
        SELECT incident_id FROM incidents WHERE incident_id LIKE 'DESK%' ORDER BY incident_id`
      expect(rows.map((r) => r.incident_id)).toEqual(['DESK0001', 'DESK0002'])

      const href = await w.page.getAttribute('[data-action="report"]', 'href')
      const report = await (await admin.api('GET', href!)).text()
      expect(report.split('\n')[0]).toBe('line,incident_id,reason')
      expect(report).toMatch(/^4,DESK0003,.*reported_at/m)
      expect(await w.page.textContent('.desk-rejects tr[data-line="4"]')).toContain('DESK0003')

      // The run is listed with its counts.
      const [run] = await server.db.sql<{ id: number }[]>`SELECT id::int FROM import_runs WHERE kind = 'incidents' ORDER BY id DESC LIMIT 1`
      const listed = `.desk-run[data-id="${run!.id}"]`
      expect(await w.page.getAttribute(listed, 'data-status')).toBe('done')
      expect(await w.page.textContent(`${listed} [data-count="inserted"]`)).toBe('2')
      expect(await w.page.textContent(`${listed} [data-count="rejected"]`)).toBe('1')
      expect(unexpected(w)).toEqual([])
      expect(w.requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:'))).toEqual([])
    } finally {
      saveArtifact('desk-imports.png', await w.page.screenshot())
      await w.context.close()
    }
  })
})
