/**
 * The hazards register of the work desk in a real browser, as the town officer who registers and
 * works hazards in their town (and the command-center operator), against the real server with
 * logins required over the `small` demo seed. Each outcome is read back from the database.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { addDays, shanghaiDay } from '../server/shared/time.ts'
import type { TestServer } from '../server/testing/harness.ts'
import { deskIdle, launchBrowser, loggedIn, type Login, openDesk, saveArtifact, type WatchedPage } from './test/browser.ts'

let server: TestServer
let browser: Browser
let operator: Login
let officer: Login
let town = ''
const PASSWORD = 'a-long-test-password'

beforeAll(async () => {
  const { startTestServer } = await import('../server/testing/harness.ts')
  server = await startTestServer({ seed: 'small', auth: 'required' })
  const [busiest] = await server.db.sql<{ code: string }[]>`
    SELECT a.code FROM admin_areas a WHERE a.level = 'town'
    ORDER BY (SELECT count(*) FROM hazards h WHERE h.town_code = a.code) DESC, a.code LIMIT 1`
  town = busiest!.code
  ;[operator, officer] = await loggedIn(
    server,
    PASSWORD,
    { username: 'hz-operator', displayName: '指挥中心值班员', role: 'command', areaCodes: [] },
    { username: 'hz-town', displayName: '镇街平安办', role: 'town', areaCodes: [town] },
  )
  browser = await launchBrowser()
}, 900_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const deskPage = (who: Login, path: string) => openDesk(browser, server.url, who, path)

/** A small JPEG of one colour (a photo stand-in the server's image pipeline takes). */
async function photo(colour: string): Promise<Buffer> {
  const { default: sharp } = await import('sharp')
  return sharp({ create: { width: 64, height: 48, channels: 3, background: colour } })
    .jpeg()
    .toBuffer()
}

const idle = deskIdle
const statusText = (w: WatchedPage) => w.page.textContent('.desk-detail-head .desk-status')

/** A point of the base well inside the officer's town, with no hazard near it to be clicked instead. */
async function quietAddressInTown(): Promise<{ lng: number; lat: number }> {
  const [p] = await server.db.sql<{ lng: number; lat: number }[]>`
    SELECT ST_X(ad.geom) AS lng, ST_Y(ad.geom) AS lat
    FROM addresses ad JOIN admin_areas t ON t.code = ${town} AND ST_Covers(t.geom, ad.geom)
    WHERE NOT EXISTS (SELECT 1 FROM hazards h WHERE ST_DWithin(h.geom::geography, ad.geom::geography, 600))
    ORDER BY ST_Distance(ST_Boundary(t.geom)::geography, ad.geom::geography) DESC
    LIMIT 1`
  return p!
}

describe('the hazards register, as a town officer', () => {
  it('a hazard is registered from the map and closed out', async () => {
    const w = await deskPage(officer, '/desk/hazards/new')
    try {
      await w.page.waitForSelector('.desk-minimap[data-ready="true"]')
      const box = (await w.page.locator('.desk-minimap').boundingBox())!
      /** Clicks the mini map at a pixel; answers the point the form took, or null if a hazard was hit. */
      const clickAt = async (x: number, y: number): Promise<[number, number] | null> => {
        await w.page.mouse.click(x, y)
        await idle(w)
        if (!new URL(w.page.url()).pathname.endsWith('/new')) {
          await w.page.goto(`${server.url}/desk/hazards/new`)
          await idle(w)
          await w.page.waitForSelector('.desk-minimap[data-ready="true"]')
          return null
        }
        const lng = Number(await w.page.inputValue('[data-form="register"] [name="lng"]'))
        const lat = Number(await w.page.inputValue('[data-form="register"] [name="lat"]'))
        return [lng, lat]
      }
      // Where the map shows what: two clicks give its scale (the view is fixed once the list is in).
      const samples: { x: number; y: number; at: [number, number] }[] = []
      for (const [fx, fy] of [
        [0.2, 0.25],
        [0.8, 0.75],
        [0.25, 0.8],
        [0.75, 0.2],
        [0.1, 0.5],
        [0.9, 0.5],
      ] as const) {
        const x = box.x + fx * box.width
        const y = box.y + fy * box.height
        const at = await clickAt(x, y)
        if (at) samples.push({ x, y, at })
        if (samples.length === 2 && samples[0]!.x !== samples[1]!.x && samples[0]!.y !== samples[1]!.y) break
        if (samples.length === 2) samples.pop()
      }
      expect(samples).toHaveLength(2)
      const [a, b] = samples as [(typeof samples)[0], (typeof samples)[0]]
      const target = await quietAddressInTown()
      const px = a.x + ((target.lng - a.at[0]) / (b.at[0] - a.at[0])) * (b.x - a.x)
      const py = a.y + ((target.lat - a.at[1]) / (b.at[1] - a.at[1])) * (b.y - a.y)
      expect(px > box.x && px < box.x + box.width && py > box.y && py < box.y + box.height, 'the town is on the map').toBe(true)
      const clicked = (await clickAt(px, py))!
      expect(clicked).not.toBeNull()
      const [{ inside }] = await server.db.sql<[{ inside: boolean }]>`
        SELECT ST_Covers(geom, ST_SetSRID(ST_Point(${clicked[0]}, ${clicked[1]}), 4326)) AS inside FROM admin_areas WHERE code = ${town}`
      expect(inside, 'the click landed in the officer’s town').toBe(true)
      expect(await w.page.textContent('[data-form="register"] .desk-place-hint')).toContain('所在镇街')

      const due = addDays(shanghaiDay(new Date()), 10)
      const f = (name: string) => `[data-form="register"] [name="${name}"]`
      expect(await w.page.inputValue(f('source'))).toBe('grid_inspection')
      await w.page.selectOption(f('category'), 'ebike_charging')
      await w.page.selectOption(f('severity'), 'serious')
      await w.page.fill(f('place_name'), '测试小区3幢')
      await w.page.fill(f('responsible_party'), '测试物业公司')
      await w.page.fill(f('due_date'), due)
      await w.page.fill(f('description'), '楼道内电动自行车飞线充电')
      await w.page.setInputFiles(f('photos'), { name: '整改前.jpg', mimeType: 'image/jpeg', buffer: await photo('#c03020') })
      await w.page.click('[data-action="confirm-register"]')
      await idle(w)

      const rows = await server.db.sql<
        {
          id: number
          source: string
          category: string
          severity: string
          status: string
          place_name: string
          responsible_party: string
          due_date: string
          town_code: string
          created_by: string
          metres: number
        }[]
      >`
        SELECT id::int, source, category, severity, status, place_name, responsible_party, due_date::text, town_code, created_by,
               ST_Distance(geom::geography, ST_SetSRID(ST_Point(${clicked[0]}, ${clicked[1]}), 4326)::geography) AS metres
        FROM hazards WHERE description = '楼道内电动自行车飞线充电'`
      expect(rows).toHaveLength(1)
      const hz = rows[0]!
      expect(hz).toMatchObject({
        source: 'grid_inspection',
        category: 'ebike_charging',
        severity: 'serious',
        status: 'reported',
        place_name: '测试小区3幢',
        responsible_party: '测试物业公司',
        due_date: due,
        town_code: town,
        created_by: 'hz-town',
      })
      expect(hz.metres, 'placed where the map was clicked').toBeLessThan(150)
      expect(new URL(w.page.url()).pathname).toBe(`/desk/hazards/${hz.id}`)
      expect(await statusText(w)).toBe('已上报')

      // The loop: confirm → rectify → close out, each with its comment.
      const step = async (to: string, comment: string, shown: string) => {
        await w.page.click(`[data-action="move-${to}"]`)
        await w.page.fill(`[data-form="move-${to}"] [name="comment"]`, comment)
        if (to === 'closed')
          await w.page.setInputFiles(`[data-form="move-closed"] [name="photos"]`, {
            name: '整改后.jpg',
            mimeType: 'image/jpeg',
            buffer: await photo('#20a040'),
          })
        await w.page.click(`[data-form="move-${to}"] [data-action="confirm"]`)
        await idle(w)
        expect(await statusText(w)).toBe(shown)
      }
      await step('confirmed', '现场核实属实', '已确认')
      await step('rectifying', '已责令物业清理', '整改中')
      await step('closed', '复查已整改到位', '已销号')
      expect(await w.page.locator('[data-action^="move-"]').count()).toBe(0)

      const history = await server.db.sql<{ action: string; to_status: string | null; comment: string | null; actor: string }[]>`
        SELECT action, to_status, comment, actor FROM hazard_events WHERE hazard_id = ${hz.id} ORDER BY id`
      expect(history).toEqual([
        { action: 'created', to_status: 'reported', comment: null, actor: 'hz-town' },
        { action: 'transition', to_status: 'confirmed', comment: '现场核实属实', actor: 'hz-town' },
        { action: 'transition', to_status: 'rectifying', comment: '已责令物业清理', actor: 'hz-town' },
        { action: 'transition', to_status: 'closed', comment: '复查已整改到位', actor: 'hz-town' },
      ])
      const [closed] = await server.db.sql<{ status: string; closed: boolean }[]>`
        SELECT status, closed_at IS NOT NULL AS closed FROM hazards WHERE id = ${hz.id}`
      expect(closed).toEqual({ status: 'closed', closed: true })
      expect(await w.page.locator('.desk-timeline .desk-event').count()).toBe(4)
      // The photo before (with the registration) and the one after (with the close-out), stored and shown.
      const photos = await server.db.sql<{ to_status: string; filename: string }[]>`
        SELECT e.to_status, u.filename FROM attachment_links l
        JOIN hazard_events e ON e.id = l.hazard_event_id
        JOIN attachment_uploads u ON u.attachment_id = l.attachment_id
        WHERE l.hazard_id = ${hz.id} ORDER BY l.id`
      expect(photos).toEqual([
        { to_status: 'reported', filename: '整改前.jpg' },
        { to_status: 'closed', filename: '整改后.jpg' },
      ])
      expect(await w.page.locator('.desk-hazard-photos img').count()).toBe(2)
      expect(await w.page.textContent('.desk-timeline')).toContain('复查已整改到位')
      expect(w.errors).toEqual([])
    } finally {
      saveArtifact('desk-hazards.png', await w.page.screenshot())
      await w.context.close()
    }
  })
})

describe('the hazards register, as the command-center operator', () => {
  it('raises a rectification task from a confirmed hazard, which moves it to rectifying', async () => {
    const at = await quietAddressInTown()
    const created = await operator.api('POST', '/api/hazards', {
      source: 'regulator_inspection',
      category: 'gas_cylinder',
      severity: 'major',
      description: '餐馆液化气钢瓶放置在地下室',
      responsible_party: '测试餐馆',
      lng: at.lng,
      lat: at.lat,
    })
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: number }
    expect((await operator.api('POST', `/api/hazards/${id}/transitions`, { to: 'confirmed' })).status).toBe(200)

    const w = await deskPage(operator, `/desk/hazards/${id}?status=all`)
    try {
      await w.page.click('[data-action="raise-task"]')
      expect(await w.page.inputValue('[data-form="raise-task"] [name="assignee_team"]')).toBe('测试餐馆')
      await w.page.fill('[data-form="raise-task"] [name="assignee_team"]', '镇街平安办')
      await w.page.click('[data-form="raise-task"] [data-action="confirm"]')
      await idle(w)
      const tasks = await server.db.sql<{ id: number; source: string; assignee_team: string; status: string }[]>`
        SELECT id::int, source, assignee_team, status FROM tasks WHERE hazard_id = ${id}`
      expect(tasks).toHaveLength(1)
      expect(tasks[0]).toMatchObject({ source: 'hazard', assignee_team: '镇街平安办', status: 'issued' })
      const [hz] = await server.db.sql<{ status: string }[]>`SELECT status FROM hazards WHERE id = ${id}`
      expect(hz!.status).toBe('rectifying')
      expect(await statusText(w)).toBe('整改中')
      await w.page.click(`.desk-hazard-tasks a[href="/desk/tasks/${tasks[0]!.id}"]`)
      await idle(w)
      expect(await w.page.textContent('.desk-detail-head h2')).toContain(`#${tasks[0]!.id}`)
      expect(w.errors).toEqual([])
    } finally {
      await w.context.close()
    }
  })
})
