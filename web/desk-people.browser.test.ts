/**
 * The desk's residents and houses page (实有人口与房屋) in a real browser against the real server
 * with logins required. Houses and residents are inserted as an import stores them (names, phones
 * and ID numbers sealed beside their masked forms). A town officer sees their town's residents
 * only (another town's resident by its address is the same "not found" as none), masked
 * everywhere until they ask 「显示完整信息」, which writes one people.read audit row with
 * unmasked: true and leaves the values in no address or storage; the houses list counts who lives
 * there; the export is masked. An analyst (no `pii`) is offered no reveal and sees masked values.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { idHash, maskNumber, seal, sealName, sealPhone } from '../server/auth/sealed.ts'
import { SYSTEM_SCOPE } from '../server/db/index.ts'
import type { TestServer } from '../server/testing/harness.ts'
import { deskIdle, loggedIn, type Login, openDesk, saveArtifact, twoTownDesk, type WatchedPage } from './test/browser.ts'

let server: TestServer
let browser: Browser
let officer: Login
let analyst: Login
let mine = ''
let other = ''
const PASSWORD = 'a-long-test-password'

/** The people of the test: their real personal fields, which no page may hold until revealed. */
const PEOPLE = {
  zhang: { name: '张伟明', phone: '13812340001', id: '330109199001011234' },
  li: { name: '李娜娜', phone: '13812340002', id: '330109198505052345' },
  chen: { name: '陈志强', phone: '13812340004', id: '330109197007074567' },
  wang: { name: '王芳芳', phone: '13812340009', id: '33010919920303345X' },
}
const RAW = [...Object.values(PEOPLE).flatMap((p) => [p.name, p.phone, p.id]), '赵德明', '13905710003']
const ids: Record<string, string> = {}

/** A grid of a town, and its point. */
async function gridOf(town: string): Promise<{ code: string; village: string }> {
  const [grid] = await server.db.sql<{ code: string; village: string }[]>`
    SELECT code, parent_code AS village FROM admin_areas WHERE level = 'grid' AND code LIKE ${town + '%'} ORDER BY code LIMIT 1`
  return grid!
}

async function house(houseId: string, town: string, opts: { use: string; groupRental: boolean; rooms: number }): Promise<string> {
  const grid = await gridOf(town)
  const owner = sealName('赵德明')
  const phone = sealPhone('13905710003')
  const [row] = await server.db.withScope(
    SYSTEM_SCOPE,
    (tx) => tx<{ id: string }[]>`
      INSERT INTO houses (house_id, address, use, group_rental, rooms, owner_name_sealed, owner_name_masked, owner_phone_sealed,
        owner_phone_masked, geom, geocode_level, geocode_score, town_code, village_code, grid_code, source)
      SELECT ${houseId}, ${`${houseId} 测试路8号`}, ${opts.use}, ${opts.groupRental}, ${opts.rooms}, ${owner.sealed}, ${owner.masked},
        ${phone.sealed}, ${phone.masked}, a.label_point, 'grid', 1, ${town}, ${grid.village}, a.code, 'test'
      FROM admin_areas a WHERE a.code = ${grid.code}
      RETURNING id::text`,
  )
  return row!.id
}

async function resident(
  personId: string,
  who: { name: string; phone: string; id: string },
  town: string,
  opts: { house: string | null; residence: string; registered: [string, string] | null; keys?: string[] },
): Promise<string> {
  const grid = await gridOf(town)
  const name = sealName(who.name)
  const phone = sealPhone(who.phone)
  const [row] = await server.db.withScope(
    SYSTEM_SCOPE,
    (tx) => tx<{ id: string }[]>`
      INSERT INTO residents (person_id, house_id, residence, registered_on, registration_expires, moved_in, key_categories,
        name_sealed, name_masked, id_hash, id_sealed, id_masked, phone_sealed, phone_masked, address, geom, geocode_level,
        geocode_score, town_code, village_code, grid_code, source)
      SELECT ${personId}, ${opts.house}::bigint, ${opts.residence}, ${opts.registered?.[0] ?? null}::date,
        ${opts.registered?.[1] ?? null}::date, '2024-01-01'::date, ${opts.keys ?? []}::text[], ${name.sealed}, ${name.masked},
        ${idHash(who.id)}, ${seal(who.id)}, ${maskNumber(who.id)}, ${phone.sealed}, ${phone.masked},
        ${`${personId} 测试路8号`}, a.label_point, 'grid', 1, ${town}, ${grid.village}, a.code, 'test'
      FROM admin_areas a WHERE a.code = ${grid.code}
      RETURNING id::text`,
  )
  return row!.id
}

/** The page's whole HTML, its address and its storage: none may hold a raw personal value. */
async function leaked(w: WatchedPage): Promise<string[]> {
  const html = await w.page.content()
  const kept = await w.page.evaluate(() => location.href + JSON.stringify(localStorage) + JSON.stringify(sessionStorage))
  return RAW.filter((v) => html.includes(v) || kept.includes(v))
}

const rowIds = (w: WatchedPage) =>
  w.page.locator('.desk-list [data-id]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id))

beforeAll(async () => {
  ;({ server, mine, other, browser } = await twoTownDesk())
  ;[officer, analyst] = await loggedIn(
    server,
    PASSWORD,
    { username: 'people-town', displayName: '镇街流动人口专管员', role: 'town', areaCodes: [mine] },
    { username: 'people-analyst', displayName: '区分析员', role: 'analyst', areaCodes: [] },
  )
  ids.house = await house('H-PEOPLE-1', mine, { use: 'rented', groupRental: true, rooms: 4 })
  ids.otherHouse = await house('H-PEOPLE-2', other, { use: 'self_occupied', groupRental: false, rooms: 2 })
  ids.zhang = await resident('P-PEOPLE-1', PEOPLE.zhang, mine, {
    house: ids.house,
    residence: 'migrant',
    registered: ['2026-01-10', '2099-01-09'],
  })
  ids.li = await resident('P-PEOPLE-2', PEOPLE.li, mine, {
    house: ids.house,
    residence: 'migrant',
    registered: ['2024-03-01', '2025-02-28'],
    keys: ['drug'],
  })
  ids.chen = await resident('P-PEOPLE-3', PEOPLE.chen, mine, { house: null, residence: 'registered', registered: null })
  ids.wang = await resident('P-PEOPLE-4', PEOPLE.wang, other, { house: ids.otherHouse, residence: 'migrant', registered: null })
}, 900_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('residents and houses, as a town officer', () => {
  it("lists the town's residents masked, filters them, and another town's resident is not found", async () => {
    const w = await openDesk(browser, server.url, officer, '/desk/people')
    try {
      expect(await w.page.getAttribute('.desk-nav-link[aria-current="page"]', 'data-page')).toBe('people')
      expect((await rowIds(w)).sort()).toEqual([ids.zhang, ids.li, ids.chen].sort())
      expect(await w.page.getAttribute('.desk-list-head', 'data-count')).toBe('3')
      // The town filter offers the officer's own town, not the district's.
      const towns = await w.page.locator('select[name="area"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
      expect(towns).toEqual(['', mine])
      const zhang = (await w.page.textContent(`.desk-list [data-id="${ids.zhang}"]`))!
      expect(zhang).toContain('张**')
      expect(zhang).toContain('流动')
      expect(zhang).toContain('居住登记有效，至 2099-01-09')
      expect(zhang).toContain('P-PEOPLE-1 测试路8号')
      expect(await w.page.textContent(`.desk-list [data-id="${ids.li}"]`)).toContain('居住登记已于 2025-02-28 过期')
      expect(await w.page.textContent(`.desk-list [data-id="${ids.li}"]`)).toContain('吸毒')
      expect(await leaked(w)).toEqual([])

      // Expired registrations only: the filter is in the address, the list follows it.
      await w.page.selectOption('[name="registration"]', 'expired')
      await deskIdle(w)
      expect(new URL(w.page.url()).searchParams.get('registration')).toBe('expired')
      expect(await rowIds(w)).toEqual([ids.li])
      await w.page.selectOption('[name="registration"]', '')
      await w.page.selectOption('[name="residence"]', 'registered')
      await deskIdle(w)
      expect(await rowIds(w)).toEqual([ids.chen])

      // The export: what the list shows (the town's registered residents), masked.
      const csvOf = async () => {
        const href = (await w.page.getAttribute('[data-action="export"]', 'href'))!
        const csv = await (await w.context.request.get(`${server.url}${href}`)).text()
        expect(RAW.filter((v) => csv.includes(v))).toEqual([])
        return { csv, people: [...new Set([...csv.matchAll(/P-PEOPLE-\d/g)].map((m) => m[0]))].sort() }
      }
      expect((await csvOf()).people).toEqual(['P-PEOPLE-3'])
      await w.page.selectOption('[name="residence"]', '')
      await deskIdle(w)
      const all = await csvOf()
      expect(all.people).toEqual(['P-PEOPLE-1', 'P-PEOPLE-2', 'P-PEOPLE-3'])
      expect(all.csv).toContain('张**')

      // Another town's resident by its address: the same view as a resident that does not exist.
      await w.page.goto(`${server.url}/desk/people/${ids.wang}`)
      await w.page.waitForFunction(() => window.__desk !== undefined)
      await deskIdle(w)
      const elsewhere = await w.page.textContent('.desk-detail')
      await w.page.goto(`${server.url}/desk/people/987654321`)
      await w.page.waitForFunction(() => window.__desk !== undefined)
      await deskIdle(w)
      expect(await w.page.textContent('.desk-detail')).toBe(elsewhere)
      expect(elsewhere).toContain('找不到此记录')
      expect(await leaked(w)).toEqual([])
      expect(w.errors.filter((e) => !e.includes('404'))).toEqual([])
    } finally {
      saveArtifact('desk-people-list.png', await w.page.screenshot())
      await w.context.close()
    }
  })

  it('reveals one resident on asking, audited once as unmasked, kept in no address or storage', async () => {
    const w = await openDesk(browser, server.url, officer, `/desk/people/${ids.zhang}`)
    try {
      const detail = '.desk-detail'
      expect(await w.page.getAttribute(`${detail} .desk-detail-head`, 'data-id')).toBe(ids.zhang)
      expect(await w.page.textContent(detail)).toContain('张**')
      expect(await w.page.textContent(detail)).toContain('138****0001')
      expect(await leaked(w)).toEqual([])
      const unmasked = () =>
        server.db.sql<{ actor: string; details: { unmasked: boolean; count: number } }[]>`
          SELECT actor, details FROM audit_log
          WHERE action = 'people.read' AND target = ${`resident:${ids.zhang}`} AND (details->>'unmasked')::boolean`
      expect(await unmasked()).toHaveLength(0)

      const before = w.page.url()
      await w.page.click('[data-action="reveal"]')
      await deskIdle(w)
      const text = (await w.page.textContent(detail))!
      for (const v of Object.values(PEOPLE.zhang)) expect(text).toContain(v)
      expect(await w.page.locator(`${detail} [data-pii="revealed"]`).count()).toBe(3)
      expect(w.page.url()).toBe(before)
      const kept = await w.page.evaluate(() => location.href + JSON.stringify(localStorage) + JSON.stringify(sessionStorage))
      expect(Object.values(PEOPLE.zhang).filter((v) => kept.includes(v))).toEqual([])
      const rows = await unmasked()
      expect(rows).toHaveLength(1)
      expect(rows[0]!.details).toMatchObject({ unmasked: true, count: 1 })
      expect(rows[0]!.actor).toContain('people-town')

      // Hidden again: masked, and nothing more audited as unmasked.
      await w.page.click('[data-action="hide"]')
      await deskIdle(w)
      expect(await w.page.textContent(detail)).toContain('张**')
      expect(await leaked(w)).toEqual([])
      expect(await unmasked()).toHaveLength(1)
      expect(w.errors).toEqual([])
    } finally {
      saveArtifact('desk-people-reveal.png', await w.page.screenshot())
      await w.context.close()
    }
  })

  it("lists the town's houses with who lives there, and a house's residents masked", async () => {
    const w = await openDesk(browser, server.url, officer, '/desk/people?tab=houses')
    try {
      expect(await rowIds(w)).toEqual([`house-${ids.house}`])
      expect(await w.page.getAttribute(`.desk-list [data-id="house-${ids.house}"]`, 'data-residents')).toBe('2')
      expect(await w.page.textContent(`.desk-list [data-id="house-${ids.house}"]`)).toContain('出租 · 群租房 · 4 间 · 在住 2 人')
      await w.page.click(`.desk-list [data-id="house-${ids.house}"]`)
      await deskIdle(w)
      expect(new URL(w.page.url()).pathname).toBe(`/desk/people/house-${ids.house}`)
      const residents = await w.page
        .locator('.desk-house-residents [data-id]')
        .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id))
      expect(residents.sort()).toEqual([ids.zhang, ids.li].sort())
      expect(await w.page.textContent('.desk-detail')).toContain('赵**')
      expect(await w.page.getAttribute('.desk-house-counts', 'data-residents')).toBe('2')
      expect(await leaked(w)).toEqual([])
      // A house elsewhere is not found either.
      await w.page.goto(`${server.url}/desk/people/house-${ids.otherHouse}`)
      await w.page.waitForFunction(() => window.__desk !== undefined)
      await deskIdle(w)
      expect(await w.page.textContent('.desk-detail')).toContain('找不到此记录')
      expect(w.errors.filter((e) => !e.includes('404'))).toEqual([])
    } finally {
      await w.context.close()
    }
  })
})

describe('residents, as an analyst (no pii)', () => {
  it('offers no reveal and shows masked values', async () => {
    const w = await openDesk(browser, server.url, analyst, `/desk/people/${ids.li}`)
    try {
      // District-wide: every town's residents.
      expect((await rowIds(w)).sort()).toEqual([ids.zhang, ids.li, ids.chen, ids.wang].sort())
      expect(await w.page.getAttribute('.desk-detail .desk-detail-head', 'data-id')).toBe(ids.li)
      expect(await w.page.locator('[data-action="reveal"]').count()).toBe(0)
      // District-wide: every town to filter by.
      const [towns] = await server.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM admin_areas WHERE level = 'town'`
      expect(await w.page.locator('select[name="area"] option').count()).toBe(towns!.n + 1)
      const text = (await w.page.textContent('.desk-detail'))!
      expect(text).toContain('李**')
      expect(text).toContain('138****0002')
      expect(await w.page.locator('.desk-detail [data-pii="masked"]').count()).toBe(3)
      expect(await leaked(w)).toEqual([])
      expect(w.errors).toEqual([])
    } finally {
      await w.context.close()
    }
  })
})

describe('a town with more residents than one page', () => {
  it("counts the town's migrants as the database does, not the rows on the page", async () => {
    // 260 more migrants in the officer's town (a page is 200): a copy of one, with their own ids.
    await server.db.withScope(
      SYSTEM_SCOPE,
      (tx) => tx`
        INSERT INTO residents (person_id, house_id, residence, moved_in, name_sealed, name_masked, address, geom, geocode_level,
          geocode_score, town_code, village_code, grid_code, source)
        SELECT 'P-PAGE-' || n, r.house_id, 'migrant', r.moved_in, r.name_sealed, r.name_masked, r.address, r.geom, r.geocode_level,
          r.geocode_score, r.town_code, r.village_code, r.grid_code, 'test'
        FROM residents r CROSS JOIN generate_series(1, 260) AS n WHERE r.id = ${ids.zhang!}::bigint`,
    )
    const [db] = await server.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM residents WHERE town_code = ${mine} AND residence = 'migrant'`
    expect(db!.n).toBe(262)
    const w = await openDesk(browser, server.url, officer, '/desk/people?residence=migrant')
    try {
      expect(await rowIds(w)).toHaveLength(200)
      expect(await w.page.getAttribute('.desk-list-head', 'data-count')).toBe('262')
      expect(await w.page.textContent('.desk-list-head')).toBe('共 262 人，已列出 200 人')
      await w.page.click('.desk-list [data-action="more"]')
      await deskIdle(w)
      expect(await rowIds(w)).toHaveLength(262)
      expect(await w.page.textContent('.desk-list-head')).toBe('262 人')
    } finally {
      await w.context.close()
    }
  })
})
