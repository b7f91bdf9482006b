/**
 * The grid worker's phone (/m) in Chromium with a phone's viewport and touch, against the real
 * server with logins required: log in, see an assigned task, accept it, submit it with a photo and
 * the phone's position, and the desk's database holds it; submit offline and come back online —
 * it arrives exactly once; report a hazard with a photo; another grid's task stays unseen.
 * Each outcome is read back from the database.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { addDays, shanghaiDay } from '../server/shared/time.ts'
import type { TestServer } from '../server/testing/harness.ts'
import { launchBrowser, loggedIn, type Login, saveArtifact } from './test/browser.ts'

let server: TestServer
let browser: Browser
let operator: Login
let grid = ''
let otherGrid = ''
let workerId = ''
const PASSWORD = 'a-long-test-password'
/** Inside the worker's grid: where the phone says it is. */
let here = { longitude: 0, latitude: 0 }

beforeAll(async () => {
  const { startTestServer } = await import('../server/testing/harness.ts')
  server = await startTestServer({ seed: 'small', auth: 'required' })
  // Grids whose box's centre lies inside them: a tap in the middle of the pin map lands in the grid.
  const grids = await server.db.sql<{ code: string; lng: number; lat: number }[]>`
    SELECT code, ST_X(ST_PointOnSurface(geom)) AS lng, ST_Y(ST_PointOnSurface(geom)) AS lat
    FROM admin_areas WHERE level = 'grid' AND ST_Covers(geom, ST_Centroid(ST_Envelope(geom))) ORDER BY code LIMIT 2`
  grid = grids[0]!.code
  otherGrid = grids[1]!.code
  here = { longitude: grids[0]!.lng, latitude: grids[0]!.lat }
  ;[operator] = await loggedIn(server, PASSWORD, { username: 'm-operator', displayName: '指挥中心', role: 'command', areaCodes: [] })
  const { createUser } = await import('../server/auth/store.ts')
  workerId = (
    await createUser(
      server.db.sql,
      { username: 'm-grid', displayName: '网格员王', role: 'grid', areaCodes: [grid], password: PASSWORD },
      'test',
    )
  ).id
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function phone(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    geolocation: here,
    permissions: ['geolocation'],
    serviceWorkers: 'block',
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  return { context, page, errors }
}

const idle = (page: Page) => page.evaluate(() => window.__m!.idle())

/** Logs in through the login page the phone is sent to. */
async function logIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/m`)
  await page.waitForURL(/\/login\?next=%2Fm/)
  await page.fill('#username', 'm-grid')
  await page.fill('#password', PASSWORD)
  await page.tap('button[type="submit"]')
  await page.waitForURL(`${server.url}/m`)
  await page.waitForFunction(() => window.__m !== undefined)
  await page.evaluate(() => window.__m!.ready)
  await idle(page)
}

async function newTask(area: string, title: string): Promise<number> {
  const res = await operator.api('POST', '/api/tasks', {
    title,
    area_code: area,
    assignee_team: '网格工作站',
    ...(area === grid ? { assignee_user: workerId } : {}),
    due_date: addDays(shanghaiDay(new Date()), 3),
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { id: number }).id
}

const photo = () =>
  sharp({ create: { width: 2400, height: 1800, channels: 3, background: '#3a7d44' } })
    .jpeg()
    .toBuffer()

describe('the grid worker’s phone', () => {
  it('logs in, sees an assigned task, accepts it, submits it with a photo and its position; the desk has it', async () => {
    const id = await newTask(grid, '楼道电动车充电整改')
    const elsewhere = await newTask(otherGrid, '他网格的任务')
    const { context, page, errors } = await phone()
    try {
      await logIn(page)
      expect(await page.locator(`.m-item-link[data-id="${id}"]`).count()).toBe(1)
      expect(await page.locator(`.m-item-link[data-id="${elsewhere}"]`).count(), 'another grid’s task').toBe(0)
      expect(await page.textContent('[data-badge="today"]')).not.toBe('')
      await page.tap(`.m-item-link[data-id="${id}"]`)
      await idle(page)
      await page.tap('[data-action="accepted"]')
      await idle(page)
      await page.tap('[data-action="in_progress"]')
      await idle(page)
      await page.fill('[data-form="submitted"] textarea', '已清理楼道，充电线已拆除')
      await page.setInputFiles('[data-form="submitted"] input[type="file"]', {
        name: 'IMG_0001.JPG',
        mimeType: 'image/jpeg',
        buffer: await photo(),
      })
      await page.tap('[data-action="submitted"]')
      await idle(page)
      expect(await page.textContent('.m-task-head .m-chip')).toBe('待审核')
      saveArtifact('m-task.png', await page.screenshot({ fullPage: true }))

      const events = await server.db.sql<
        { to_status: string; comment: string | null; changes: { position?: { to: { lng: number; lat: number } } } }[]
      >`
        SELECT to_status, comment, changes FROM task_events WHERE task_id = ${id} AND action = 'transition' ORDER BY id`
      expect(events.map((e) => e.to_status)).toEqual(['accepted', 'in_progress', 'submitted'])
      const submitted = events[2]!
      expect(submitted.comment).toBe('已清理楼道，充电线已拆除')
      expect(submitted.changes.position!.to.lng).toBeCloseTo(here.longitude, 5)
      expect(submitted.changes.position!.to.lat).toBeCloseTo(here.latitude, 5)
      // The photo, downscaled on the phone (2400 px → at most 1600), is linked to the submission.
      const [att] = await server.db.sql<{ width: number; height: number }[]>`
        SELECT a.width, a.height FROM attachment_links l JOIN attachments a ON a.id = l.attachment_id WHERE l.task_id = ${id}`
      expect(Math.max(att!.width, att!.height)).toBe(1600)
      // The office's desk sees the submission.
      const desk = (await (await operator.api('GET', `/api/tasks/${id}`)).json()) as { status: string; attachments: unknown[] }
      expect([desk.status, desk.attachments.length]).toEqual(['submitted', 1])

      // Another grid's task by its address: the same "not found" as none.
      await page.goto(`${server.url}/m/task/${elsewhere}`)
      await page.evaluate(() => window.__m!.ready)
      await idle(page)
      expect(await page.textContent('.m-error')).toBe('找不到此任务：它不存在，或不在你的网格（HTTP 404）')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('submits offline, and the step arrives exactly once when the connection returns', async () => {
    const id = await newTask(grid, '消防通道堆物')
    for (const to of ['accepted', 'in_progress'])
      expect((await operator.api('POST', `/api/tasks/${id}/transitions`, { to })).status).toBe(200)
    const { context, page, errors } = await phone()
    try {
      await logIn(page)
      await page.tap(`.m-item-link[data-id="${id}"]`)
      await idle(page)
      await context.setOffline(true)
      await page.fill('[data-form="submitted"] textarea', '已清理')
      await page.setInputFiles('[data-form="submitted"] input[type="file"]', {
        name: 'IMG_0002.JPG',
        mimeType: 'image/jpeg',
        buffer: await photo(),
      })
      await page.tap('[data-action="submitted"]')
      await idle(page)
      expect(await page.textContent('.m-status')).toContain('1 项待发送')
      const count = async () =>
        (
          await server.db.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM task_events WHERE task_id = ${id} AND to_status = 'submitted'`
        )[0].n
      expect(await count()).toBe(0)
      await context.setOffline(false)
      await expect.poll(count, { timeout: 20_000 }).toBe(1)
      await expect.poll(async () => (await page.evaluate(() => window.__m!.queue())).length, { timeout: 20_000 }).toBe(0)
      // Nudging the queue again sends nothing more.
      await page.evaluate(() => window.dispatchEvent(new Event('online')))
      await new Promise((ok) => setTimeout(ok, 1500))
      expect(await count()).toBe(1)
      const links = await server.db.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM attachment_links WHERE task_id = ${id}`
      expect(links[0].n).toBe(1)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('shows a step the server refused after the phone came back online (the office moved the task on meanwhile), never dropping it silently', async () => {
    const id = await newTask(grid, '占道经营')
    for (const to of ['accepted', 'in_progress'])
      expect((await operator.api('POST', `/api/tasks/${id}/transitions`, { to })).status).toBe(200)
    const { context, page } = await phone()
    try {
      await logIn(page)
      await page.tap(`.m-item-link[data-id="${id}"]`)
      await idle(page)
      await context.setOffline(true)
      await page.fill('[data-form="submitted"] textarea', '已劝离')
      await page.tap('[data-action="submitted"]')
      await idle(page)
      // Meanwhile the office moves the task on by itself.
      expect((await operator.api('POST', `/api/tasks/${id}/transitions`, { to: 'submitted', comment: '代为提交' })).status).toBe(200)
      await context.setOffline(false)
      await page.waitForSelector('.m-status.is-bad', { timeout: 20_000 })
      expect(await page.textContent('.m-status')).toContain('1 项未能办理')
      await page.tap('.m-status')
      await idle(page)
      const refused = page.locator('.m-item[data-state="conflict"]')
      expect(await refused.count()).toBe(1)
      expect(await refused.textContent()).toMatch(/cannot go from submitted to submitted|submitted/)
      // Only the office's submission is in the history.
      const [{ n }] = await server.db.sql<
        [{ n: number }]
      >`SELECT count(*)::int AS n FROM task_events WHERE task_id = ${id} AND to_status = 'submitted'`
      expect(n).toBe(1)
      await refused.locator('[data-action="discard"]').tap()
      await expect.poll(async () => (await page.evaluate(() => window.__m!.queue())).length).toBe(0)
    } finally {
      await context.close()
    }
  })

  it('reports an event where the phone stands, and a pin on the map moves the place; a point outside the grid is refused', async () => {
    const { context, page, errors } = await phone()
    try {
      await logIn(page)
      await page.tap('[data-tab="report"]')
      await idle(page)
      await page.tap('[data-kind="event"]')
      await idle(page)
      const [item] = await server.db.sql<
        { code: string }[]
      >`SELECT code FROM incident_categories WHERE parent_code IS NOT NULL ORDER BY code LIMIT 1`
      await page.selectOption('[data-form="event"] select[name="category"]', item!.code)
      await page.fill('[data-form="event"] textarea[name="description"]', '两车剐蹭引发口角，已劝离')
      // The pin map opens on the grid; a tap there says it is placed by the map.
      await page.tap('[data-action="pin"]')
      await idle(page)
      await page.waitForSelector('.m-pin canvas')
      expect(await page.textContent('[data-form="event"] .m-note')).toContain('当前位置')
      // A tap in the middle of the map: the centre of the grid's box, not where the phone stands.
      const box = (await page.locator('.m-pin canvas').boundingBox())!
      await page.waitForTimeout(500)
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
      await expect.poll(() => page.textContent('[data-form="event"] .m-note')).toContain('已在地图上选点')
      const [pinLng, pinLat] = /([\d.]+), ([\d.]+)/
        .exec((await page.textContent('[data-form="event"] .m-note'))!)!
        .slice(1)
        .map(Number) as [number, number]
      await page.tap('[data-action="report"]')
      await idle(page)
      const rows = await server.db.sql<
        { category_code: string; source: string; grid_code: string | null; fromPin: number; fromPhone: number }[]
      >`
        SELECT i.category_code, i.source, i.grid_code,
               ST_DistanceSphere(i.geom, ST_SetSRID(ST_Point(${pinLng}, ${pinLat}), 4326)) AS "fromPin",
               ST_DistanceSphere(i.geom, ST_SetSRID(ST_Point(${here.longitude}, ${here.latitude}), 4326)) AS "fromPhone"
        FROM incidents i WHERE i.description = '两车剐蹭引发口角，已劝离'`
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({ category_code: item!.code, source: '网格上报·m-grid', grid_code: grid })
      // Placed where the pin is (the note shows 5 decimals: about a metre), not where the phone is.
      expect(rows[0]!.fromPin).toBeLessThan(2)
      expect(rows[0]!.fromPhone).toBeGreaterThan(20)
      // The API refuses a point outside the worker's grid (here: the other grid's), naming it.
      const [other] = await server.db.sql<{ lng: number; lat: number }[]>`
        SELECT ST_X(ST_PointOnSurface(geom)) AS lng, ST_Y(ST_PointOnSurface(geom)) AS lat FROM admin_areas WHERE code = ${otherGrid}`
      const refused = await page.evaluate(
        async ([lng, lat, category]) => {
          const csrf = decodeURIComponent(/onemap_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '')
          const res = await fetch('/api/incidents/reports', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
            body: JSON.stringify({ category, description: '别处', lng, lat }),
          })
          return { status: res.status, body: (await res.json()) as { details?: { where: string }[] } }
        },
        [other!.lng, other!.lat, item!.code] as const,
      )
      expect(refused.status).toBe(403)
      expect(refused.body.details?.[0]?.where).toBe('body.lng')
      expect(errors).toEqual([])
    } finally {
      saveArtifact('m-event.png', await page.screenshot())
      await context.close()
    }
  })

  it('reports a hazard with a photo where the phone stands', async () => {
    const { context, page, errors } = await phone()
    try {
      await logIn(page)
      await page.tap('[data-tab="report"]')
      await idle(page)
      await page.selectOption('[data-form="report"] select[name="category"]', 'gas_cylinder')
      await page.fill('[data-form="report"] textarea[name="description"]', '餐馆后厨液化气钢瓶超期未检')
      await page.setInputFiles('[data-form="report"] input[type="file"]', {
        name: 'IMG_0003.JPG',
        mimeType: 'image/jpeg',
        buffer: await photo(),
      })
      await page.tap('[data-action="report"]')
      await idle(page)
      const rows = await server.db.sql<
        { id: number; category: string; source: string; grid_code: string | null; lng: number; lat: number }[]
      >`
        SELECT id::int, category, source, grid_code, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM hazards WHERE description = '餐馆后厨液化气钢瓶超期未检'`
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({ category: 'gas_cylinder', source: 'grid_inspection', grid_code: grid })
      expect(rows[0]!.lng).toBeCloseTo(here.longitude, 4)
      const links = await server.db.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM attachment_links WHERE hazard_id = ${rows[0]!.id}`
      expect(links[0].n).toBe(1)
      // Logging out leaves none of this worker's answers on the phone.
      expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('onemap.m.cache:')).length)).toBeGreaterThan(0)
      saveArtifact('m-report.png', await page.screenshot())
      await page.tap('[data-action="logout"]')
      await page.waitForURL(/\/login\?next=%2Fm/)
      expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('onemap.m.cache:')).length)).toBe(0)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
