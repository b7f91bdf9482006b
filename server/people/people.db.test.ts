/**
 * Houses and residents end to end on a real server with login required: the imports (bad lines
 * named, the rest loaded; idempotent; a changed line updated), and from the readers' side the
 * area scope, masking, reveal and its audit, and what the raw table holds.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureFirstAdmin } from '../auth/bootstrap.ts'
import { SYSTEM_SCOPE, type Tx } from '../db/index.ts'
import { loadFixtureBase } from '../geocode/fixtures/base.ts'
import { TEST_KIND } from '../testing/db.ts'
import { loginToken, startTestServer, type TestServer } from '../testing/harness.ts'
import { importHouses, importResidents } from './import-csv.ts'
import {
  type HouseDetail,
  HouseDetailSchema,
  type HousePage,
  HousePageSchema,
  type Resident,
  type ResidentPage,
  ResidentPageSchema,
  ResidentSchema,
} from './schema.ts'

const HOUSES = [
  'house_id,address_id,address,room,use,group_rental,rooms,floor_area_m2,owner_name,owner_phone',
  'H-BG-1,F_R3_2_501,,501,出租,否,3,89.5,王建国,13805710001',
  'H-BG-2,F_JC_440,,,自住,false,2,120,陈秀英,13805710002',
  'H-CX-1,F_CX_GARDEN,,501,rented,是,3,76.3,赵德明,13905710003',
  'H-BAD-1,F_JC_1,,,群租,否,,,,',
  'H-LP-1,,临浦镇人民路12号,,经营,0,1,45,孙丽,13705710004',
  'H-BAD-2,F_JC_2,,,自住,否,many,,,',
].join('\n')

const RESIDENT_HEADER =
  'person_id,house_id,address_id,residence,registered_on,registration_expires,moved_in,moved_out,key_categories,name,id_number,phone'
const RESIDENT_LINES = [
  'P-001,H-BG-1,,流动,2026-01-10,2027-01-09,2026-01-05,,,张伟,330109199001011234,13812340001',
  'P-002,H-BG-1,,流动,2024-03-01,2025-02-28,2024-02-20,,吸毒,李娜,330109198505052345,13812340002',
  'P-003,H-BG-1,,migrant,,,2026-06-01,,,刘洋,33010919920303345X,13812340003',
  'P-004,H-BG-2,,户籍,,,2001-05-01,,社区矫正;重点信访,陈志强,330109197007074567,13812340004',
  'P-005,H-CX-1,,流动,2026-02-01,2027-01-31,2026-02-01,,,杨静,330109199512125678,13812340005',
  'P-006,H-CX-1,,registered,,,2010-09-01,,mental_illness,黄磊,330109198808086789,13812340006',
  'P-007,,F_LP_RM12,流动,2026-03-01,,2026-03-01,,,周敏,330109199901017890,13812340007',
  'P-BAD-1,H-NONE,,流动,,,,,,吴刚,,',
  'P-BAD-2,H-BG-2,,户籍,,,2026-02-30,,,郑爽,,',
  'P-BAD-3,H-BG-2,,流动,2026-05-01,2026-04-01,,,,王芳,,',
  'P-BAD-4,H-BG-2,,流动,,,,,赌博,冯军,,',
]
const RESIDENTS = [RESIDENT_HEADER, ...RESIDENT_LINES].join('\n')
const PLAIN = ['张伟', '李娜', '刘洋', '陈志强', '杨静', '黄磊', '周敏', '13812340001', '330109199001011234', '王建国', '13805710001']

let s: TestServer
let tmp: string
const tokens: Record<string, string> = {}
let townBG = ''
let townCX = ''

async function call(url: string, token: string): Promise<Response> {
  return fetch(`${s.url}${url}`, { headers: { authorization: `Bearer ${token}` } })
}
async function get<T>(url: string, token: string): Promise<T> {
  const res = await call(url, token)
  const text = await res.text()
  expect(res.status, `GET ${url}: ${text}`).toBe(200)
  return JSON.parse(text) as T
}
async function login(username: string, password: string): Promise<string> {
  return loginToken(s.url, username, password)
}
function file(name: string, text: string): string {
  const f = path.join(tmp, name)
  fs.writeFileSync(f, text + '\n')
  return f
}
const system = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => s.db.withScope<T>(SYSTEM_SCOPE, fn)
async function residentId(personId: string): Promise<string> {
  const [r] = await system<{ id: string }[]>((tx) => tx`SELECT id::text FROM residents WHERE person_id = ${personId}`)
  return r!.id
}
async function auditRows(action: string, target: string): Promise<{ details: Record<string, unknown>; actor: string }[]> {
  return s.db.sql<{ details: Record<string, unknown>; actor: string }[]>`
    SELECT details, actor FROM audit_log WHERE action = ${action} AND target = ${target} ORDER BY id`
}

describe(`houses and residents (${TEST_KIND})`, () => {
  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required', now: () => new Date() })
    await loadFixtureBase(s.db.sql)
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'people-'))
    const first = await ensureFirstAdmin(s.db)
    tokens.admin = await login('admin', first!.password)
    const codes = await s.db.sql<{ address_id: string; town_code: string }[]>`
      SELECT address_id, town_code FROM addresses WHERE address_id IN ('F_R3_2_501', 'F_CX_GARDEN')`
    townBG = codes.find((c) => c.address_id === 'F_R3_2_501')!.town_code
    townCX = codes.find((c) => c.address_id === 'F_CX_GARDEN')!.town_code
    expect(townBG).not.toBe(townCX)
    for (const [username, body] of [
      ['analyst-1', { role: 'analyst' }],
      ['town-bg', { role: 'town', areaCodes: [townBG] }],
    ] as const) {
      const res = await fetch(`${s.url}/api/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'correct-horse-battery-staple', ...body }),
      })
      expect(res.status).toBe(201)
      tokens[username] = await login(username, 'correct-horse-battery-staple')
    }
  })
  afterAll(async () => {
    await s?.close()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  it('imports houses: bad lines named by line and field, the rest placed on the address base', async () => {
    const sum = await importHouses(s.db, file('houses.csv', HOUSES), { reportPath: null })
    expect(sum).toMatchObject({ read: 6, inserted: 4, rejected: 2 })
    expect(sum.rejects.map((r) => [r.line, r.id])).toEqual([
      [5, 'H-BAD-1'],
      [7, 'H-BAD-2'],
    ])
    expect(sum.rejects[0]!.reason).toContain('use:')
    expect(sum.rejects[1]!.reason).toContain('rooms:')
    const rows = await system<{ house_id: string; address_id: string; town_code: string; use: string; group_rental: boolean }[]>(
      (tx) => tx`SELECT h.house_id, h.address_id, h.town_code, h.use, h.group_rental FROM houses h ORDER BY h.house_id`,
    )
    const byId = new Map(rows.map((r) => [r.house_id, r]))
    expect(byId.get('H-BG-1')).toMatchObject({ address_id: 'F_R3_2_501', town_code: townBG, use: 'rented', group_rental: false })
    expect(byId.get('H-CX-1')).toMatchObject({ address_id: 'F_CX_GARDEN', town_code: townCX, group_rental: true })
    // Placed by its text (the geocoder), in 临浦.
    expect(byId.get('H-LP-1')).toMatchObject({ address_id: 'F_LP_RM12', use: 'commercial' })
  })

  it('imports residents: unknown house, bad date, reversed registration and a bad category rejected; the rest take their house', async () => {
    const sum = await importResidents(s.db, file('residents.csv', RESIDENTS), { reportPath: null })
    expect(sum).toMatchObject({ read: 11, inserted: 7, rejected: 4 })
    const reasons = new Map(sum.rejects.map((r) => [r.id, `${r.line} ${r.reason}`]))
    expect(reasons.get('P-BAD-1')).toMatch(/^9 house_id: no house H-NONE/)
    expect(reasons.get('P-BAD-2')).toMatch(/^10 moved_in:/)
    expect(reasons.get('P-BAD-3')).toMatch(/^11 registration_expires: must not be before registered_on/)
    expect(reasons.get('P-BAD-4')).toMatch(/^12 key_categories/)
    const [r] = await system<{ town_code: string; address_id: string; key_categories: string[]; residence: string }[]>(
      (tx) => tx`
      SELECT r.town_code, r.address_id, r.key_categories, r.residence FROM residents r WHERE person_id = 'P-004'`,
    )
    expect(r).toMatchObject({
      town_code: townBG,
      address_id: 'F_JC_440',
      key_categories: ['community_correction', 'petition'],
      residence: 'registered',
    })
    const [own] = await system<{ address_id: string; house_id: string | null }[]>(
      (tx) => tx`SELECT address_id, house_id::text FROM residents WHERE person_id = 'P-007'`,
    )
    expect(own).toEqual({ address_id: 'F_LP_RM12', house_id: null })
  })

  it('the raw table holds no plaintext name, phone or ID number', async () => {
    const rows = await system<Record<string, unknown>[]>((tx) => tx`SELECT * FROM residents`)
    const houses = await system<Record<string, unknown>[]>((tx) => tx`SELECT * FROM houses`)
    const raw = JSON.stringify([rows, houses])
    for (const p of PLAIN) expect(raw).not.toContain(p)
    const p1 = rows.find((r) => r.person_id === 'P-001')!
    expect(p1).toMatchObject({ name_masked: '张*', phone_masked: '138****0001', id_masked: '330109********1234' })
    expect(String(p1.name_sealed)).toMatch(/^v1:/)
    expect(String(p1.id_hash)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('a re-import changes nothing: no row written, no duplicate', async () => {
    const before = await system<{ n: number; max: Date }[]>((tx) => tx`SELECT count(*)::int AS n, max(updated_at) AS max FROM residents`)
    const sealed = await system<{ name_sealed: string }[]>((tx) => tx`SELECT name_sealed FROM residents ORDER BY id`)
    const h = await importHouses(s.db, file('houses.csv', HOUSES), { reportPath: null })
    expect(h).toMatchObject({ inserted: 0, updated: 0, unchanged: 4, rejected: 2 })
    const r = await importResidents(s.db, file('residents.csv', RESIDENTS), { reportPath: null })
    expect(r).toMatchObject({ inserted: 0, updated: 0, unchanged: 7, rejected: 4 })
    const after = await system<{ n: number; max: Date }[]>((tx) => tx`SELECT count(*)::int AS n, max(updated_at) AS max FROM residents`)
    expect(after).toEqual(before)
    expect(await system<{ name_sealed: string }[]>((tx) => tx`SELECT name_sealed FROM residents ORDER BY id`)).toEqual(sealed)
    const [dups] = await system<{ n: number }[]>((tx) => tx`SELECT count(*)::int AS n FROM houses`)
    expect(dups!.n).toBe(4)
  })

  it('a changed line updates that record only; unchanged personal fields keep their seal', async () => {
    const [old] = await system<{ name_sealed: string; phone_sealed: string; id_sealed: string }[]>(
      (tx) => tx`SELECT name_sealed, phone_sealed, id_sealed FROM residents WHERE person_id = 'P-001'`,
    )
    const lines = RESIDENT_LINES.map((l) =>
      l.startsWith('P-001,')
        ? l.replace('13812340001', '13812349999')
        : l.startsWith('P-002,')
          ? l.replace(',2024-02-20,,', ',2024-02-20,2026-09-30,')
          : l,
    )
    const r = await importResidents(s.db, file('residents-2.csv', [RESIDENT_HEADER, ...lines].join('\n')), { reportPath: null })
    expect(r).toMatchObject({ inserted: 0, updated: 2, unchanged: 5, rejected: 4 })
    const [now] = await system<{ name_sealed: string; phone_sealed: string; id_sealed: string; phone_masked: string }[]>(
      (tx) => tx`SELECT name_sealed, phone_sealed, id_sealed, phone_masked FROM residents WHERE person_id = 'P-001'`,
    )
    expect(now!.name_sealed).toBe(old!.name_sealed)
    expect(now!.id_sealed).toBe(old!.id_sealed)
    expect(now!.phone_sealed).not.toBe(old!.phone_sealed)
    expect(now!.phone_masked).toBe('138****9999')
    const [moved] = await system<{ moved_out: string }[]>((tx) => tx`SELECT moved_out::text FROM residents WHERE person_id = 'P-002'`)
    expect(moved!.moved_out).toBe('2026-09-30')
  })

  it("a town officer sees only their town's residents, masked, as many as the database holds there", async () => {
    const page = await get<ResidentPage>('/api/residents?limit=1000', tokens['town-bg']!)
    const [db] = await system<{ n: number }[]>((tx) => tx`SELECT count(*)::int AS n FROM residents WHERE town_code = ${townBG}`)
    expect(db!.n).toBeGreaterThan(0)
    expect(page.residents).toHaveLength(db!.n)
    for (const r of page.residents) {
      expect(r.townCode).toBe(townBG)
      expect(r.unmasked).toBe(false)
      expect(r.name).toMatch(/^\p{Script=Han}\*+$/u)
    }
    const text = JSON.stringify(page)
    for (const p of PLAIN) expect(text).not.toContain(p)
    // The district-wide admin sees every town.
    const all = await get<ResidentPage>('/api/residents?limit=1000', tokens.admin!)
    // The answers are what the API reference says (server/people/openapi.ts).
    expect(ResidentPageSchema.safeParse(all).error).toBeUndefined()
    expect(new Set(all.residents.map((r) => r.townCode))).toEqual(
      new Set([townBG, townCX, all.residents.find((r) => r.personId === 'P-007')!.townCode]),
    )
    // Filters: key persons, expired registrations, a house.
    const key = await get<ResidentPage>('/api/residents?key=any', tokens.admin!)
    expect(key.residents.map((r) => r.personId).sort()).toEqual(['P-002', 'P-004', 'P-006'])
    const drug = await get<ResidentPage>('/api/residents?key=drug,petition', tokens.admin!)
    expect(drug.residents.map((r) => r.personId).sort()).toEqual(['P-002', 'P-004'])
    const expired = await get<ResidentPage>('/api/residents?registration=expired', tokens.admin!)
    expect(expired.residents.map((r) => r.personId)).toEqual(['P-002'])
    const none = await get<ResidentPage>('/api/residents?registration=none&residence=migrant', tokens.admin!)
    expect(none.residents.map((r) => r.personId)).toEqual(['P-003'])
    const inHouse = await get<ResidentPage>('/api/residents?house=H-CX-1', tokens.admin!)
    expect(inHouse.residents.map((r) => r.personId).sort()).toEqual(['P-005', 'P-006'])
    // Keyset pages: each row once.
    const p1 = await get<ResidentPage>('/api/residents?limit=4', tokens.admin!)
    const p2 = await get<ResidentPage>(`/api/residents?limit=4&cursor=${p1.next}`, tokens.admin!)
    expect([...p1.residents, ...p2.residents].map((r) => r.id)).toEqual(all.residents.map((r) => r.id))
    expect(p2.next).toBeNull()
    // The first page says how many there are, even when it shows fewer: a town officer's count of
    // their town and of its migrants is the database's, not the page's.
    expect(p1.numberMatched).toBe(all.residents.length)
    expect(p2.numberMatched).toBeUndefined()
    const one = await get<ResidentPage>('/api/residents?limit=1', tokens['town-bg']!)
    expect(one.residents).toHaveLength(1)
    expect(one.numberMatched).toBe(db!.n)
    const migrants = await get<ResidentPage>('/api/residents?limit=1&residence=migrant', tokens['town-bg']!)
    const [m] = await system<{ n: number }[]>(
      (tx) => tx`SELECT count(*)::int AS n FROM residents WHERE town_code = ${townBG} AND residence = 'migrant'`,
    )
    expect(migrants.numberMatched).toBe(m!.n)
    const houses = await get<HousePage>('/api/houses?limit=1', tokens['town-bg']!)
    const [h] = await system<{ n: number }[]>((tx) => tx`SELECT count(*)::int AS n FROM houses WHERE town_code = ${townBG}`)
    expect(houses.numberMatched).toBe(h!.n)
  })

  it('every residents read writes one people.read row', async () => {
    const before = await auditRows('people.read', 'residents:list')
    await get<ResidentPage>('/api/residents?area=' + townBG, tokens['town-bg']!)
    const after = await auditRows('people.read', 'residents:list')
    expect(after).toHaveLength(before.length + 1)
    expect(after.at(-1)).toMatchObject({ actor: 'town-bg', details: { unmasked: false } })
  })

  it('a record outside the caller’s scope is the same 404 as a missing one, by number and by source id', async () => {
    const cx = await residentId('P-005')
    const answer = async (url: string) => {
      const res = await call(url, tokens['town-bg']!)
      return { status: res.status, body: (await res.text()).replace(/"requestId":"[^"]*"/, '') }
    }
    const outside = await answer(`/api/residents/${cx}`)
    const missing = await answer(`/api/residents/99999999`)
    expect(outside.status).toBe(404)
    expect(outside).toEqual({ status: missing.status, body: missing.body.replace('99999999', cx) })
    const bySource = await answer('/api/residents/P-005')
    expect(bySource).toEqual({ status: 404, body: missing.body.replace('99999999', 'P-005') })
    const house = await answer('/api/houses/H-CX-1')
    expect(house).toEqual({ status: 404, body: (await answer('/api/houses/H-NONE')).body.replace('H-NONE', 'H-CX-1') })
    // Inside their town: found.
    expect((await call(`/api/residents/${await residentId('P-001')}`, tokens['town-bg']!)).status).toBe(200)
  })

  it('reveal gives the real values only to a pii caller who asks, and records it', async () => {
    const id = await residentId('P-001')
    const masked = await get<Resident>(`/api/residents/${id}`, tokens.admin!)
    expect(masked).toMatchObject({ name: '张*', phone: '138****9999', idNumber: '330109********1234', unmasked: false })
    const revealed = await get<Resident>(`/api/residents/${id}?reveal=true`, tokens.admin!)
    expect(revealed).toMatchObject({ name: '张伟', phone: '13812349999', idNumber: '330109199001011234', unmasked: true })
    expect(ResidentSchema.safeParse(revealed).error).toBeUndefined()
    // An analyst has no pii: asking gives the masked forms, not a 403.
    const analyst = await get<Resident>(`/api/residents/${id}?reveal=true`, tokens['analyst-1']!)
    expect(analyst).toMatchObject({ name: '张*', phone: '138****9999', idNumber: '330109********1234', unmasked: false })
    const rows = (await auditRows('people.read', `resident:${id}`)).slice(-3)
    expect(rows.map((r) => [r.actor, r.details.unmasked])).toEqual([
      ['admin', false],
      ['admin', true],
      ['analyst-1', false],
    ])
  })

  it('a house shows its current residents, masked, and their counts', async () => {
    const d = await get<HouseDetail>('/api/houses/H-BG-1', tokens['town-bg']!)
    expect(HouseDetailSchema.safeParse(d).error).toBeUndefined()
    expect(d.properties).toMatchObject({ houseId: 'H-BG-1', use: 'rented', useName: '出租', ownerName: '王**', ownerPhone: '138****0001' })
    // P-002 moved out on 2026-09-30.
    expect(d.residents.map((r) => r.personId).sort()).toEqual(['P-001', 'P-003'])
    expect(d.counts).toEqual({ residents: 2, migrants: 2, registered: 0, unregisteredMigrants: 1, keyPersons: 0 })
    expect(d.properties.currentResidents).toBe(2)
    expect(JSON.stringify(d)).not.toContain('张伟')
    expect((await auditRows('people.read', `house:${d.id}`)).length).toBe(1)
    // A query string takes codes: a Chinese name is a 400 naming the field.
    const bad = await call('/api/houses?use=出租', tokens.admin!)
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('query.use')
    const rented = await get<{ features: { properties: { houseId: string; currentResidents: number } }[] }>(
      '/api/houses?use=rented',
      tokens.admin!,
    )
    expect(HousePageSchema.safeParse(rented).error).toBeUndefined()
    expect(rented.features.map((f) => f.properties.houseId).sort()).toEqual(['H-BG-1', 'H-CX-1'])
    // The list counts who lives there today, as the detail does (P-005 and P-006 in H-CX-1).
    expect(Object.fromEntries(rented.features.map((f) => [f.properties.houseId, f.properties.currentResidents]))).toEqual({
      'H-BG-1': 2,
      'H-CX-1': 2,
    })
    const mine = await get<{ features: { properties: { townCode: string } }[] }>('/api/houses', tokens['town-bg']!)
    expect(mine.features.length).toBe(2)
    expect(mine.features.every((f) => f.properties.townCode === townBG)).toBe(true)
  })

  it('the CSV export is masked for town staff (their town only), unmasked for a district pii caller who asks, and audited', async () => {
    const res = await call('/api/export/residents.csv', tokens['town-bg']!)
    expect(res.status).toBe(200)
    const text = await res.text()
    const lines = text.trim().split(/\r\n/)
    const [db] = await system<{ n: number }[]>((tx) => tx`SELECT count(*)::int AS n FROM residents WHERE town_code = ${townBG}`)
    expect(lines).toHaveLength(db!.n + 1)
    for (const p of PLAIN) expect(text).not.toContain(p)
    expect((await call('/api/export/residents.csv?unmasked=true', tokens['town-bg']!)).status).toBe(403)
    expect((await call('/api/export/residents.csv', tokens['analyst-1']!)).status).toBe(200)
    expect((await call('/api/export/residents.csv?unmasked=true', tokens['analyst-1']!)).status).toBe(403)
    const full = await (await call('/api/export/residents.csv?unmasked=true', tokens.admin!)).text()
    expect(full).toContain('张伟')
    expect(full).toContain('330109199001011234')
    const rows = await auditRows('people.export', 'residents:csv')
    expect(rows.map((r) => [r.actor, r.details.unmasked])).toEqual([
      ['town-bg', false],
      ['analyst-1', false],
      ['admin', true],
    ])
  })

  it('the CSV export of a filter holds the residents the list shows with that filter', async () => {
    const csvIds = async (query: string) => {
      const res = await call(`/api/export/residents.csv?${query}`, tokens['town-bg']!)
      expect(res.status, query).toBe(200)
      const [head, ...lines] = (await res.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r\n/)
      const col = head!.split(',').indexOf('person_id')
      return lines.map((l) => l.split(',')[col]!).sort()
    }
    const listIds = async (query: string) =>
      (await get<{ residents: { personId: string }[] }>(`/api/residents?${query}&limit=1000`, tokens['town-bg']!)).residents
        .map((r) => r.personId)
        .sort()
    const [migrants] = await system<{ n: number }[]>(
      (tx) => tx`SELECT count(*)::int AS n FROM residents WHERE town_code = ${townBG} AND residence = 'migrant'`,
    )
    expect(await csvIds('residence=migrant')).toHaveLength(migrants!.n)
    for (const q of [
      'residence=migrant',
      'residence=registered',
      'registration=expired',
      'registration=none',
      'key=any',
      'residence=migrant&registration=valid',
    ])
      expect(await csvIds(q), q).toEqual(await listIds(q))
    expect((await call('/api/export/residents.csv?registration=soon', tokens['town-bg']!)).status).toBe(400)
    const [audit] = (await auditRows('people.export', 'residents:csv')).slice(-1)
    expect(audit!.details.filters).toEqual({ residence: 'migrant', registration: 'valid' })
  })

  it('a house that moves takes its residents with it', async () => {
    const moved = HOUSES.replace('H-BG-2,F_JC_440,', 'H-BG-2,F_JC_21,')
    const sum = await importHouses(s.db, file('houses-2.csv', moved), { reportPath: null })
    expect(sum).toMatchObject({ inserted: 0, updated: 1, unchanged: 3 })
    const [r] = await system<{ address_id: string; same: boolean }[]>(
      (tx) => tx`
      SELECT r.address_id, ST_Equals(r.geom, h.geom) AS same FROM residents r JOIN houses h ON h.id = r.house_id WHERE r.person_id = 'P-004'`,
    )
    expect(r).toEqual({ address_id: 'F_JC_21', same: true })
    // The first residents file again: P-004 is where their house is (nothing to write); only the two lines
    // changed by residents-2.csv are written back.
    const again = await importResidents(s.db, file('residents.csv', RESIDENTS), { reportPath: null })
    expect(again).toMatchObject({ inserted: 0, updated: 2, unchanged: 5, rejected: 4 })
  })

  it('the example files import without a rejected line', async () => {
    const h = await importHouses(s.db, 'data/examples/houses.csv', { reportPath: null })
    expect(h).toMatchObject({ inserted: 6, rejected: 0 })
    const r = await importResidents(s.db, 'data/examples/residents.csv', { reportPath: null })
    expect(r).toMatchObject({ inserted: 7, rejected: 0 })
  })
})
