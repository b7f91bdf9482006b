/**
 * The work desk in a real browser, as the people who use it, against the real server with logins
 * required and the warning models run over the `small` demo seed. Each expectation is read back
 * from the database, not from the API the page uses.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { addDays, shanghaiDay } from '../server/shared/time.ts'
import type { TestServer } from '../server/testing/harness.ts'
import { deskIdle, launchBrowser, loggedIn, type Login, openDesk, openWatchedPage, saveArtifact, type WatchedPage } from './test/browser.ts'

let server: TestServer
let browser: Browser
let operator: Login
let officer: Login
let town = ''
let otherTown = ''
const PASSWORD = 'a-long-test-password'

beforeAll(async () => {
  const { startTestServer } = await import('../server/testing/harness.ts')
  server = await startTestServer({ seed: 'small', auth: 'required' })
  const towns = await server.db.sql<{ code: string }[]>`
    SELECT a.code FROM admin_areas a WHERE a.level = 'town'
    ORDER BY (SELECT count(*) FROM incidents i WHERE i.town_code = a.code) DESC, a.code LIMIT 2`
  town = towns[0]!.code
  otherTown = towns[1]!.code
  ;[operator, officer] = await loggedIn(
    server,
    PASSWORD,
    { username: 'desk-operator', displayName: '指挥中心值班员', role: 'command', areaCodes: [] },
    { username: 'desk-town', displayName: '镇街平安办', role: 'town', areaCodes: [town] },
  )
  // The warning models as of the seed's end, as the scheduler would have run them.
  const models = (await (await operator.api('GET', '/api/models')).json()) as {
    items: { id: string; configured?: boolean; definition: { enabled: boolean } }[]
  }
  for (const m of models.items.filter((m) => m.definition.enabled && m.configured !== false)) {
    const run = await operator.api('POST', `/api/models/${m.id}/runs`, { asOf: '2026-11-01T00:00:00+08:00' })
    expect(run.status, m.id).toBe(202)
    const { id } = (await run.json()) as { id: string }
    for (let status = ''; !/^(done|failed)$/.test(status); await new Promise((ok) => setTimeout(ok, 300))) {
      status = ((await (await operator.api('GET', `/api/model-runs/${id}`)).json()) as { status: string }).status
    }
  }
  browser = await launchBrowser()
}, 900_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const deskPage = (who: Login, path: string) => openDesk(browser, server.url, who, path)

const idle = deskIdle

describe('the warnings inbox, as a command-center operator', () => {
  it('lists every open red warning, and dispatches a task from one with the warning’s area and a due date a week out', async () => {
    const w = await deskPage(operator, '/desk/warnings?level=red')
    try {
      const open = await server.db.sql<{ id: number; grid_code: string | null; village_code: string | null; town_code: string | null }[]>`
        SELECT id::int, grid_code, village_code, town_code FROM warnings
        WHERE level = 'red' AND status IN ('new', 'acknowledged') ORDER BY last_triggered_at DESC, id DESC`
      const [{ n: redOpen }] = await server.db.sql<[{ n: number }]>`
        SELECT count(*)::int AS n FROM warnings WHERE level = 'red' AND status IN ('new', 'acknowledged', 'tasked')`
      expect(open.length, 'the models raised red warnings to work on').toBeGreaterThan(0)
      expect(await w.page.locator('.desk-row[data-level]').count()).toBe(redOpen)
      expect(await w.page.locator('.desk-row[data-level]:not([data-level="red"])').count()).toBe(0)

      const target = open[0]!
      await w.page.click(`.desk-row[data-id="${target.id}"] a`)
      await idle(w)
      expect(w.page.url()).toContain(`/desk/warnings/${target.id}?level=red`)
      await w.page.click('[data-action="dispatch"]')
      const area = target.grid_code ?? target.village_code ?? target.town_code
      expect(await w.page.inputValue('[data-form="dispatch"] [name="area_code"]')).toBe(area)
      const due = addDays(shanghaiDay(new Date()), 7)
      expect(await w.page.inputValue('[data-form="dispatch"] [name="due_date"]')).toBe(due)
      await w.page.fill('[data-form="dispatch"] [name="assignee_team"]', '测试镇平安办')
      await w.page.click('[data-action="confirm-dispatch"]')
      await idle(w)

      const tasks = await server.db.sql<{ id: number; area_code: string; assignee_team: string; due_date: string; status: string }[]>`
        SELECT id::int, area_code, assignee_team, due_date::text, status FROM tasks WHERE warning_id = ${target.id}`
      expect(tasks).toHaveLength(1)
      expect(tasks[0]).toMatchObject({ area_code: area, assignee_team: '测试镇平安办', due_date: due, status: 'issued' })
      const [warning] = await server.db.sql<{ status: string }[]>`SELECT status FROM warnings WHERE id = ${target.id}`
      expect(warning!.status).toBe('tasked')
      // The warning now shows its task, which opens on the tasks page.
      await w.page.click(`.desk-warning-tasks a[href="/desk/tasks/${tasks[0]!.id}"]`)
      await idle(w)
      expect(await w.page.textContent('.desk-detail-head h2')).toContain(`#${tasks[0]!.id}`)
      expect(await w.page.textContent('.desk-detail-head .desk-status')).toBe('已下发')
      expect(w.errors).toEqual([])
    } finally {
      saveArtifact('desk-warnings.png', await w.page.screenshot())
      await w.context.close()
    }
  })

  it("goes from a warning on the map to the desk's dispatch form, and from a town's panel to its health report", async () => {
    const [target] = await server.db.sql<{ id: number; town_code: string }[]>`
      SELECT id::int, town_code FROM warnings WHERE status = 'new' AND town_code IS NOT NULL ORDER BY id LIMIT 1`
    const w = await openWatchedPage(browser)
    try {
      await w.context.addCookies(operator.cookies)
      await w.page.goto(`${server.url}/#s=warning:${target!.id}&a=${target!.town_code}`)
      await w.page.waitForFunction(() => window.__onemap !== undefined, null, { timeout: 60_000 })
      await w.page.waitForSelector('#inspector[data-state="ready"] a[data-action="dispatch"]', { timeout: 60_000 })
      expect(await w.page.getAttribute('#area-panel a[data-link="report"]', 'href')).toBe(`/reports/town/${target!.town_code}`)
      await w.page.click('#inspector a[data-action="dispatch"]')
      await w.page.waitForFunction(() => window.__desk !== undefined)
      await idle(w)
      expect(new URL(w.page.url()).pathname).toBe(`/desk/warnings/${target!.id}`)
      expect(await w.page.locator('[data-form="dispatch"]').count()).toBe(1)
    } finally {
      await w.context.close()
    }
  })

  it('dismisses a warning only with a reason, which its history keeps', async () => {
    const [target] = await server.db.sql<{ id: number }[]>`SELECT id::int FROM warnings WHERE status = 'new' ORDER BY id LIMIT 1`
    const w = await deskPage(operator, `/desk/warnings/${target!.id}?status=all`)
    try {
      await w.page.click('[data-action="dismiss"]')
      await w.page.click('[data-action="confirm-dismiss"]')
      await idle(w)
      const status = async () =>
        (await server.db.sql<{ status: string }[]>`SELECT status FROM warnings WHERE id = ${target!.id}`)[0]!.status
      expect(await status(), 'no reason, no dismissal').toBe('new')
      await w.page.fill('[data-form="dismiss"] [name="reason"]', '重复预警，已合并处理')
      await w.page.click('[data-action="confirm-dismiss"]')
      await idle(w)
      expect(await status()).toBe('resolved')
      const [event] = await server.db.sql<{ comment: string; actor: string }[]>`
        SELECT comment, actor FROM warning_events WHERE warning_id = ${target!.id} AND to_status = 'resolved'`
      expect(event!.comment).toBe('不予处置：重复预警，已合并处理')
      expect(await w.page.textContent('.desk-timeline')).toContain('不予处置：重复预警，已合并处理')
    } finally {
      await w.context.close()
    }
  })

  it('acknowledges every new yellow warning in the list in one go', async () => {
    const w = await deskPage(operator, '/desk/warnings?level=yellow&status=new')
    try {
      const before = await server.db.sql<{ id: number }[]>`SELECT id::int FROM warnings WHERE level = 'yellow' AND status = 'new'`
      expect(before.length).toBeGreaterThan(1)
      await w.page.click('[data-action="select-yellow"]')
      expect(await w.page.textContent('.desk-bulk-count')).toBe(`已选 ${before.length} 条`)
      await w.page.click('[data-action="bulk-acknowledge"]')
      await idle(w)
      const after = await server.db.sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM warnings WHERE id IN ${server.db.sql(before.map((b) => b.id))} AND status = 'acknowledged'`
      expect(after[0]!.n).toBe(before.length)
      expect(await w.page.locator('.desk-row[data-level]').count()).toBe(0)
    } finally {
      await w.context.close()
    }
  })
})

describe('the address review queue, as a command-center reviewer', () => {
  it('accepts a near pair at once, and a pair 800 m apart only after "the same place?" and a note', async () => {
    const { reconcileFile } = await import('../server/reconcile/run.ts')
    // Two door addresses whose text is theirs alone; the police table puts them 250 m and 800 m off.
    const doors = await server.db.sql<{ address_id: string; address: string; lng: number; lat: number }[]>`
      SELECT a.address_id, a.address, ST_X(a.geom) AS lng, ST_Y(a.geom) AS lat FROM addresses a
      WHERE a.address LIKE '%号' AND a.room IS NULL AND a.unit IS NULL AND a.building IS NULL
        AND NOT EXISTS (SELECT 1 FROM addresses b WHERE b.address = a.address AND b.address_id <> a.address_id)
      ORDER BY a.address_id OFFSET 500 LIMIT 2`
    const north = (m: number) => m / 111_320
    const csv = [
      'address_id,address,lng,lat',
      `P_NEAR,${doors[0]!.address},${doors[0]!.lng},${doors[0]!.lat + north(250)}`,
      `P_FAR,${doors[1]!.address},${doors[1]!.lng},${doors[1]!.lat + north(800)}`,
    ].join('\n')
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-review-'))
    fs.writeFileSync(path.join(dir, 'police.csv'), `${csv}\n`)
    await reconcileFile(server.db, path.join(dir, 'police.csv'), { source: 'police', reportPath: path.join(dir, 'rejects.csv') })
    const pair = async (otherId: string) =>
      (
        await server.db.sql<{ id: number; status: string; address_id: string | null; decision_note: string | null }[]>`
          SELECT id::int, status, address_id, decision_note FROM reconcile_pairs WHERE other_id = ${otherId}`
      )[0]!
    expect((await pair('P_NEAR')).status).toBe('review')
    expect((await pair('P_FAR')).status).toBe('review')

    const w = await deskPage(operator, '/desk/review')
    try {
      const [{ n }] = await server.db.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM reconcile_pairs WHERE status = 'review'`
      expect(await w.page.locator('.desk-row[data-id]').count()).toBe(n)

      await w.page.click(`.desk-row[data-id="${(await pair('P_NEAR')).id}"]`)
      await idle(w)
      expect(await w.page.textContent('.desk-pair-other')).toContain(doors[0]!.address)
      expect(await w.page.textContent('.desk-pair-proposed')).toMatch(/2[45]\d 米/)
      await w.page.click('[data-action="accept"]')
      await w.page.click('[data-form="accept"] [data-action="confirm"]')
      await idle(w)
      expect(await pair('P_NEAR')).toMatchObject({ status: 'accepted', address_id: doors[0]!.address_id })

      await w.page.click(`.desk-row[data-id="${(await pair('P_FAR')).id}"]`)
      await idle(w)
      await w.page.click('[data-action="accept"]')
      expect(await w.page.textContent('[data-form="far-accept"]')).toMatch(/相距 [78]\d\d 米，超过 500 米/)
      await w.page.click('[data-form="far-accept"] [data-action="confirm"]')
      await idle(w)
      expect((await pair('P_FAR')).status, 'no note, no acceptance').toBe('review')
      await w.page.fill('[data-form="far-accept"] [name="note"]', '派出所坐标录在村委会，门牌核实无误')
      await w.page.click('[data-form="far-accept"] [data-action="confirm"]')
      await idle(w)
      expect(await pair('P_FAR')).toMatchObject({
        status: 'accepted',
        address_id: doors[1]!.address_id,
        decision_note: '派出所坐标录在村委会，门牌核实无误',
      })
      expect(w.errors).toEqual([])
    } finally {
      saveArtifact('desk-review.png', await w.page.screenshot())
      await w.context.close()
    }
  })
})

describe('rankings and reports', () => {
  it("lists every ranked town with its scores, links each town's health report, and shows a town officer only theirs", async () => {
    // October: the last whole month of the demo seed.
    const w = await deskPage(operator, '/desk/rankings?level=town&month=2026-10')
    try {
      const rows = w.page.locator('.desk-ranking tbody tr')
      expect(await rows.count()).toBe(22)
      // The lists above the table name exactly the towns the table marks with that colour.
      for (const colour of ['red', 'yellow', 'black']) {
        const inTable = await w.page.locator(`.desk-ranking tr.is-${colour} td:nth-child(2)`).allTextContents()
        const listed = (await w.page.locator(`[data-colour="${colour}"] li`).allTextContents()).map((t) => t.replace(/ [\d.]+$/, ''))
        expect(listed, colour).toEqual(inTable)
      }
      expect(await w.page.locator('[data-colour="red"] li').count()).toBeGreaterThan(0)
      const [{ name }] = await server.db.sql<[{ name: string }]>`SELECT name FROM admin_areas WHERE code = ${town}`
      const link = w.page.locator(`.desk-report-links a:text-is("${name}")`)
      const href = await link.getAttribute('href')
      expect(href).toMatch(new RegExp(`^/reports/town/${town}\\?month=\\d{4}-\\d{2}$`))
      const report = await operator.api('GET', href!)
      expect(report.status).toBe(200)
      expect(await report.text()).toContain(name)
    } finally {
      await w.context.close()
    }
    const o = await deskPage(officer, '/desk/rankings?month=2026-10')
    try {
      expect(await o.page.locator('.desk-ranking tbody tr').count()).toBe(1)
      expect(await o.page.getAttribute('.desk-ranking tbody tr', 'data-code')).toBe(town)
      expect(await o.page.textContent('.desk-table-wrap')).toContain('共 22 个参与排名')
      expect(await o.page.locator('.desk-report-links a').count()).toBe(1)
    } finally {
      await o.context.close()
    }
  })
})

describe('warning models, as the command center that tunes them', () => {
  it('edits a threshold in the generated form: a wrong order is refused at its field, a right one saved as a new version', async () => {
    const [before] = await server.db.sql<
      { version: number; definition: { thresholds: { red: number; orange: number; yellow: number } } }[]
    >`
      SELECT version, definition FROM models WHERE id = 'hotspot'`
    const w = await deskPage(operator, '/desk/models/hotspot')
    try {
      expect(await w.page.locator('.desk-row[data-id]').count()).toBe(
        (await server.db.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM models`)[0].n,
      )
      const red = '[data-form="model"] [name="thresholds.red"]'
      expect(Number(await w.page.inputValue(red))).toBe(before!.definition.thresholds.red)
      // Red below orange: the model's own schema refuses it, at the field, before anything is sent.
      await w.page.fill(red, String(before!.definition.thresholds.orange - 1))
      await w.page.click('[data-action="save-model"]')
      await idle(w)
      expect(await w.page.textContent('[data-field="thresholds.red"] .desk-field-error')).toBe('red must be at least orange')
      expect((await server.db.sql<{ version: number }[]>`SELECT version FROM models WHERE id = 'hotspot'`)[0]!.version).toBe(
        before!.version,
      )
      await w.page.fill(red, '99.5')
      await w.page.fill('[data-form="model"] [name="maxRedPerRun"]', '7')
      await w.page.click('[data-action="save-model"]')
      await idle(w)
      const [after] = await server.db.sql<
        { version: number; definition: { thresholds: { red: number }; maxRedPerRun: number; kind: string } }[]
      >`
        SELECT version, definition FROM models WHERE id = 'hotspot'`
      expect(after!.version).toBe(before!.version + 1)
      expect(after!.definition).toMatchObject({ kind: 'hotspot', maxRedPerRun: 7, thresholds: { red: 99.5 } })
      expect(await w.page.textContent('.desk-detail-head h2')).toContain(`v${after!.version}`)
      expect(w.errors).toEqual([])
    } finally {
      saveArtifact('desk-models.png', await w.page.screenshot())
      await w.context.close()
    }
  })
})

describe('tasks, as a town officer and the operator who reviews them', () => {
  it('a task given to the officer in person reaches their open desk live; they accept, submit with a photo, get it returned, resubmit; it is closed out', async () => {
    const me = (await (await officer.api('GET', '/api/auth/me')).json()) as { user: { id: string } }
    const elsewhere = (await (
      await operator.api('POST', '/api/tasks', {
        title: '他镇任务',
        area_code: otherTown,
        assignee_team: '他镇',
        due_date: addDays(shanghaiDay(new Date()), 5),
      })
    ).json()) as { id: number }

    const o = await deskPage(officer, '/desk')
    try {
      expect(new URL(o.page.url()).pathname).toBe('/desk/tasks')
      const badge = async () => (await o.page.textContent('[data-badge="tasks"]'))?.trim() ?? ''
      const before = Number((await badge()) || '0')
      // The operator assigns a task to this officer by name while their desk is open.
      const created = await operator.api('POST', '/api/tasks', {
        title: '消防通道堆物整改',
        area_code: town,
        assignee_team: '镇街平安办',
        assignee_user: me.user.id,
        due_date: addDays(shanghaiDay(new Date()), 5),
      })
      expect(created.status).toBe(201)
      const task = (await created.json()) as { id: number }
      await o.page.waitForSelector(`.desk-toast a[href="/desk/tasks/${task.id}"]`, { timeout: 10_000 })
      await expect.poll(badge, { timeout: 10_000 }).toBe(String(before + 1))
      // "Mine" lists it (the list reloads by itself).
      await expect.poll(() => o.page.locator(`.desk-row[data-id="${task.id}"]`).count(), { timeout: 10_000 }).toBe(1)

      await o.page.click('[data-tab="area"]')
      await idle(o)
      // Their town's tasks, and none of another town's.
      const [{ n }] = await server.db.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM tasks WHERE town_code = ${town}`
      expect(await o.page.locator('.desk-row[data-id]').count()).toBe(n)
      expect(await o.page.locator(`.desk-row[data-id="${elsewhere.id}"]`).count()).toBe(0)

      const step = async (page: WatchedPage, to: string, comment?: string, photo?: Buffer) => {
        await page.page.click(`[data-action="move-${to}"]`)
        if (comment) await page.page.fill(`[data-form="move-${to}"] [name="comment"]`, comment)
        if (photo)
          await page.page.setInputFiles(`[data-form="move-${to}"] [name="photos"]`, {
            name: '整改后.jpg',
            mimeType: 'image/jpeg',
            buffer: photo,
          })
        await page.page.click(`[data-form="move-${to}"] [data-action="confirm"]`)
        await idle(page)
        expect(await page.page.textContent('.desk-detail-head .desk-status')).toBe(
          { accepted: '已签收', in_progress: '整改中', submitted: '待审核', returned: '已退回', closed: '已销号' }[to],
        )
      }
      const { default: sharp } = await import('sharp')
      const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#2f9e44' } })
        .jpeg()
        .toBuffer()
      await o.page.click(`.desk-row[data-id="${task.id}"]`)
      await idle(o)
      await step(o, 'accepted')
      await step(o, 'in_progress')
      await step(o, 'submitted', '已清理堆物，通道畅通', photo)
      // The photo is stored, linked to the submission, and shown with it.
      const links = await server.db.sql<{ to_status: string }[]>`
        SELECT e.to_status FROM attachment_links l JOIN task_events e ON e.id = l.task_event_id WHERE l.task_id = ${task.id}`
      expect(links.map((l) => l.to_status)).toEqual(['submitted'])
      expect(await o.page.locator('.desk-event[data-to="submitted"] .desk-photo img').count()).toBe(1)

      const op = await deskPage(operator, `/desk/tasks/${task.id}`)
      try {
        // A return without a reason is refused on the page; with one it goes back.
        await op.page.click('[data-action="move-returned"]')
        await op.page.click('[data-form="move-returned"] [data-action="confirm"]')
        await idle(op)
        expect((await server.db.sql<{ status: string }[]>`SELECT status FROM tasks WHERE id = ${task.id}`)[0]!.status).toBe('submitted')
        await op.page.fill('[data-form="move-returned"] [name="comment"]', '请补充整改后照片')
        await op.page.click('[data-form="move-returned"] [data-action="confirm"]')
        await idle(op)

        await o.page.reload()
        await idle(o)
        expect(await o.page.textContent('.desk-timeline')).toContain('请补充整改后照片')
        await step(o, 'in_progress')
        await step(o, 'submitted', '已补充照片')

        await op.page.reload()
        await idle(op)
        await step(op, 'closed', '复核通过')
      } finally {
        await op.context.close()
      }
      const history = await server.db.sql<{ to_status: string | null; comment: string | null }[]>`
        SELECT to_status, comment FROM task_events WHERE task_id = ${task.id} ORDER BY id`
      expect(history.map((h) => h.to_status)).toEqual([
        'issued',
        'accepted',
        'in_progress',
        'submitted',
        'returned',
        'in_progress',
        'submitted',
        'closed',
      ])
      expect(history.find((h) => h.to_status === 'returned')!.comment).toBe('请补充整改后照片')

      // Another town's task by its address: the same "not found" as a task that does not exist.
      await o.page.goto(`${server.url}/desk/tasks/${elsewhere.id}`)
      await o.page.waitForFunction(() => window.__desk !== undefined)
      await idle(o)
      expect(await o.page.textContent('.desk-detail')).toContain('找不到此记录')
      expect(o.errors.filter((e) => !e.includes('404'))).toEqual([])
    } finally {
      saveArtifact('desk-tasks.png', await o.page.screenshot())
      await o.context.close()
    }
  })
})
