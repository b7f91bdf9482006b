/**
 * The desk's disputes page (矛盾纠纷调解) in a real browser, against the real server with logins
 * required. A town officer sees their town's case and not the other town's (in the list, and by its
 * address the same "not found" as no case at all); is offered only the steps the case's state
 * allows; records a mediation and then a failure, each read back from dispute_steps and
 * disputes.status, sent with an Idempotency-Key; and reads the server's 409 words when the case moved
 * meanwhile. An analyst (no `pii`) never gets a party's name or phone into the page.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { sealName, sealPhone } from '../server/auth/sealed.ts'
import type { TestServer } from '../server/testing/harness.ts'
import { deskIdle, loggedIn, type Login, openDesk, saveArtifact, twoTownDesk, type WatchedPage } from './test/browser.ts'

let server: TestServer
let browser: Browser
let officer: Login
let analyst: Login
let mine = ''
let other = ''
const PASSWORD = 'a-long-test-password'
const DAY_MS = 86_400_000
const PARTIES = [
  { id: 'P-DS-1', role: 'applicant', name: '张伟民', phone: '13812345678' },
  { id: 'P-DS-2', role: 'respondent', name: '王建华', phone: '13987654321' },
] as const

/** Inserts a case as an import stores it: placed at a grid of `town`, its parties sealed, its registration step. */
async function dispute(caseId: string, town: string, status: 'open' | 'mediating', daysAgo: number): Promise<string> {
  const [grid] = await server.db.sql<{ code: string; parent: string }[]>`
    SELECT code, parent_code AS parent FROM admin_areas WHERE level = 'grid' AND code LIKE ${town + '%'} ORDER BY code LIMIT 1`
  const reported = new Date(Date.now() - daysAgo * DAY_MS)
  const [row] = await server.db.sql<{ id: string }[]>`
    INSERT INTO disputes (case_id, type, summary, reported_at, level, status, party_key, address, geom, geocode_level, geocode_score,
      town_code, village_code, grid_code, source)
    SELECT ${caseId}, 'neighbour', ${`申请人${PARTIES[0].name}称排水沟被堵，联系电话${PARTIES[0].phone}`}, ${reported}, 'village', ${status},
      ${PARTIES.map((p) => p.id).join('|')}, ${`${caseId}所在地`}, a.label_point, 'grid', 1, ${town}, ${grid!.parent}, a.code, 'test'
    FROM admin_areas a WHERE a.code = ${grid!.code}
    RETURNING id::text`
  for (const p of PARTIES) {
    const name = sealName(p.name)
    const phone = sealPhone(p.phone)
    await server.db.sql`
      INSERT INTO dispute_parties (dispute_id, party_id, role, name_sealed, name_masked, phone_sealed, phone_masked)
      VALUES (${row!.id}::bigint, ${p.id}, ${p.role}, ${name.sealed}, ${name.masked}, ${phone.sealed}, ${phone.masked})`
  }
  await server.db.sql`
    INSERT INTO dispute_steps (dispute_id, at, level, action, note, actor)
    VALUES (${row!.id}::bigint, ${reported}, 'village', 'registered', '村调委会受理', 'import:disputes.csv')`
  return row!.id
}

const offeredSteps = (w: WatchedPage) =>
  w.page
    .locator('[data-form="dispute-step"] select[name="action"] option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))

async function recordStep(w: WatchedPage, action: string, note: string): Promise<void> {
  const form = '[data-form="dispute-step"]'
  await w.page.selectOption(`${form} select[name="action"]`, action)
  await w.page.fill(`${form} textarea[name="note"]`, note)
  await w.page.click(`${form} [data-action="record-step"]`)
  await deskIdle(w)
}

beforeAll(async () => {
  ;({ server, mine, other, browser } = await twoTownDesk())
  ;[officer, analyst] = await loggedIn(
    server,
    PASSWORD,
    { username: 'ds-town', displayName: '镇矛调中心', role: 'town', areaCodes: [mine] },
    { username: 'ds-analyst', displayName: '分析员', role: 'analyst', areaCodes: [] },
  )
}, 900_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the disputes page', () => {
  it('as a town officer: only the town’s cases, only legal steps, a mediation then a failure recorded', async () => {
    const id = await dispute('MD-DS-1', mine, 'open', 3)
    const elsewhere = await dispute('MD-DS-2', other, 'open', 2)
    const stale = await dispute('MD-DS-3', mine, 'mediating', 1)
    const w = await openDesk(browser, server.url, officer, '/desk/disputes')
    const keys: string[] = []
    w.page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/api/disputes/')) keys.push(r.headers()['idempotency-key'] ?? '')
    })
    try {
      // The list: the town's open cases, with their id, type, level, status, day and address.
      const rows = () => w.page.locator('.desk-list [data-case]').evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.case))
      expect((await rows()).sort()).toEqual(['MD-DS-1', 'MD-DS-3'])
      // The head counts what the database holds for the town (open and mediating), not the page.
      const [open] = await server.db.sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM disputes WHERE town_code = ${mine} AND status IN ('open', 'mediating')`
      expect(await w.page.getAttribute('.desk-list-head', 'data-count')).toBe(String(open!.n))
      expect(await w.page.textContent('.desk-list-head')).toBe(`${open!.n} 件纠纷`)
      const towns = await w.page.locator('select[name="area"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
      expect(towns).toEqual(['', mine])
      const row = await w.page.textContent(`.desk-list [data-id="${id}"]`)
      for (const part of ['MD-DS-1', '邻里纠纷', '村调委会', '已登记', 'MD-DS-1所在地']) expect(row).toContain(part)
      await w.page.waitForSelector('.desk-minimap[data-ready="true"]')

      // Another town's case by its address reads exactly as a case that does not exist.
      await w.page.goto(`${server.url}/desk/disputes/${elsewhere}`)
      await w.page.waitForFunction(() => window.__desk !== undefined)
      await deskIdle(w)
      const hidden = await w.page.textContent('.desk-detail')
      expect(hidden).toContain('找不到此记录')
      await w.page.goto(`${server.url}/desk/disputes/987654321`)
      await w.page.waitForFunction(() => window.__desk !== undefined)
      await deskIdle(w)
      expect(await w.page.textContent('.desk-detail')).toBe(hidden)

      // The case: parties masked until asked; the officer (pii) may ask, and it is audited.
      await w.page.click(`.desk-list [data-id="${id}"]`)
      await deskIdle(w)
      const parties = '.desk-dispute-parties'
      expect(await w.page.textContent(parties)).toContain('张**')
      expect(await w.page.textContent(parties)).not.toContain(PARTIES[0].name)
      expect(await w.page.textContent('.desk-dispute-steps')).toContain('受理登记')
      await w.page.click(`${parties} [data-action="reveal"]`)
      await deskIdle(w)
      expect(await w.page.textContent(parties)).toContain(PARTIES[0].name)
      expect(await w.page.textContent(parties)).toContain(PARTIES[1].phone)
      const audit = await server.db.sql<{ unmasked: boolean }[]>`
        SELECT (details->>'unmasked')::boolean AS unmasked FROM audit_log
        WHERE action = 'people.read' AND target = ${`dispute:${id}`} AND actor = 'ds-town'`
      expect(audit.some((a) => a.unmasked)).toBe(true)
      expect(new URL(w.page.url()).search).not.toContain('reveal')

      // Only the steps an open case may take: no agreement, failure or confirmation before mediation.
      expect(await offeredSteps(w)).toEqual(['mediation', 'escalated', 'withdrawn', 'note'])

      const steps = () =>
        server.db.sql<{ action: string; level: string; note: string | null; actor: string }[]>`
          SELECT action, level, note, actor FROM dispute_steps WHERE dispute_id = ${id}::bigint ORDER BY at, id`
      const state = async () =>
        (
          await server.db.sql<{ status: string; outcome: boolean }[]>`
            SELECT status, outcome_at IS NOT NULL AS outcome FROM disputes WHERE id = ${id}::bigint`
        )[0]!

      await recordStep(w, 'mediation', '双方到村调委会，初步沟通')
      expect(await steps()).toEqual([
        { action: 'registered', level: 'village', note: '村调委会受理', actor: 'import:disputes.csv' },
        { action: 'mediation', level: 'village', note: '双方到村调委会，初步沟通', actor: 'ds-town' },
      ])
      expect(await state()).toEqual({ status: 'mediating', outcome: false })
      expect(await w.page.textContent('.desk-dispute-result')).toBe('已记录：调解（村调委会）；案件状态：调解中')
      expect(await w.page.getAttribute('.desk-detail-head', 'data-status')).toBe('mediating')
      expect(await w.page.textContent('.desk-dispute-steps')).toContain('双方到村调委会，初步沟通')
      // After the page's re-render the parties are masked again.
      expect(await w.page.textContent(parties)).not.toContain(PARTIES[0].name)
      expect(await offeredSteps(w)).toEqual(['mediation', 'escalated', 'agreement', 'failed', 'withdrawn', 'note'])

      await recordStep(w, 'failed', '申请人不接受调解方案')
      expect((await steps()).map((s) => s.action)).toEqual(['registered', 'mediation', 'failed'])
      expect((await steps())[2]).toEqual({ action: 'failed', level: 'village', note: '申请人不接受调解方案', actor: 'ds-town' })
      expect(await state()).toEqual({ status: 'failed', outcome: true })
      expect(await w.page.textContent('.desk-dispute-result')).toBe('已记录：调解失败（村调委会）；案件状态：调解失败')
      expect(await offeredSteps(w)).toEqual(['note'])
      // A failed case leaves the default list (open and mediating).
      expect(await rows()).toEqual(['MD-DS-3'])

      // Each step was sent with its own Idempotency-Key, kept by the server with its answer.
      expect(keys).toHaveLength(2)
      expect(new Set(keys).size).toBe(2)
      expect(keys.every((k) => /^[0-9a-f-]{32,36}$/.test(k))).toBe(true)
      const stored = await server.db.sql<{ status: number }[]>`
        SELECT status FROM idempotency_keys WHERE key = ANY(${keys}::text[]) AND path LIKE ${`%/api/disputes/${id}/steps`}`
      expect(stored.map((s) => s.status)).toEqual([201, 201])

      // A case that moved meanwhile: the page still offers mediation, the server refuses in its words.
      await w.page.click(`.desk-list [data-id="${stale}"]`)
      await deskIdle(w)
      const meanwhile = await officer.api('POST', `/api/disputes/${stale}/steps`, {
        at: new Date(Date.now() - 60_000).toISOString(),
        level: 'village',
        action: 'withdrawn',
      })
      expect(meanwhile.status).toBe(201)
      await recordStep(w, 'agreement', '达成协议')
      const message = await w.page.textContent('[data-form="dispute-step"] .desk-dispute-step-message')
      expect(message).toContain('未记录')
      expect(message).toContain('cannot go from withdrawn to resolved')
      expect(await server.db.sql`SELECT 1 FROM dispute_steps WHERE dispute_id = ${stale}::bigint AND action = 'agreement'`).toHaveLength(0)
      expect(w.errors.filter((e) => !e.includes('404') && !e.includes('409'))).toEqual([])
    } finally {
      saveArtifact('desk-disputes.png', await w.page.screenshot())
      await w.context.close()
    }
  })

  it('as an analyst (no pii): no party’s name or phone in the page, no reveal, no step form', async () => {
    const id = await dispute('MD-DS-4', mine, 'mediating', 1)
    const w = await openDesk(browser, server.url, analyst, `/desk/disputes/${id}`)
    try {
      expect(await w.page.textContent('.desk-dispute-parties')).toContain('张**')
      expect(await w.page.textContent('.desk-dispute-summary')).toContain('申请人张**')
      const html = await w.page.content()
      for (const p of PARTIES) {
        expect(html).not.toContain(p.name)
        expect(html).not.toContain(p.phone)
      }
      expect(await w.page.locator('[data-action="reveal"]').count()).toBe(0)
      expect(await w.page.locator('[data-form="dispute-step"]').count()).toBe(0)
      expect(await w.page.textContent('.desk-detail')).toContain('只读')
      expect(w.errors).toEqual([])
    } finally {
      await w.context.close()
    }
  })
})
