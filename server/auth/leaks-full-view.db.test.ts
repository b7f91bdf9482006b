/**
 * The full information view leaks nothing, checked from the reader's side on a real server with
 * login required, over every read route of its records (houses, residents, organisations,
 * disputes, devices, patrols, an address's full view, the residents export and the map tiles):
 * - people's names, phones and ID numbers never appear in clear to an analyst (no `pii`), even
 *   when they ask to reveal; lists, tiles and the full view are masked for everyone (free text —
 *   a dispute's summary — is shown as written to pii callers, as incidents' descriptions are);
 * - a town officer asking for a record of another town gets exactly the answer they get for a
 *   record that does not exist (no existence oracle), and their lists hold their town only.
 * The records are written with SQL as an import would store them (sealed), in two towns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { SYSTEM_SCOPE } from '../db/index.ts'
import { TEST_KIND } from '../testing/db.ts'
import { loginToken, startTestServer, type TestServer } from '../testing/harness.ts'
import { decodeTile, tileAt } from '../tiles/testing.ts'
import { ensureFirstAdmin } from './bootstrap.ts'
import { idHash, maskNumber, seal, sealName, sealPhone } from './sealed.ts'

const PEOPLE = {
  A: { name: '欧阳春华', phone: '13812345678', id: '330109199001011234', owner: '司马青云', ownerPhone: '13912345678' },
  B: { name: '诸葛明远', phone: '13712345678', id: '330109198502021236', owner: '上官秋月', ownerPhone: '13612345678' },
}
const RAW = Object.values(PEOPLE).flatMap((p) => Object.values(p))

let s: TestServer
const tokens: Record<string, string> = {}
const ids: Record<'A' | 'B', Record<string, string>> = { A: {}, B: {} }
const towns: Record<'A' | 'B', string> = { A: '', B: '' }
const points: Record<'A' | 'B', [number, number]> = { A: [0, 0], B: [0, 0] }

async function call(path: string, token: string): Promise<Response> {
  return fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` } })
}
async function login(username: string, password: string): Promise<string> {
  return loginToken(s.url, username, password)
}

/** Writes one of each record at a grid of the town, as the imports store them. */
async function plant(key: 'A' | 'B'): Promise<void> {
  const p = PEOPLE[key]
  await s.db.withScope(SYSTEM_SCOPE, async (tx) => {
    const [g] = await tx<{ grid: string; village: string; lng: number; lat: number }[]>`
      SELECT g.code AS grid, g.parent_code AS village, ST_X(g.label_point) AS lng, ST_Y(g.label_point) AS lat
      FROM admin_areas g WHERE g.level = 'grid' AND g.code LIKE ${towns[key] + '%'} ORDER BY g.code LIMIT 1`
    const { grid, village, lng, lat } = g!
    points[key] = [lng, lat]
    const place = tx`ST_SetSRID(ST_Point(${lng}::float8, ${lat}::float8), 4326), ${towns[key]}, ${village}, ${grid}`
    const addressId = `LEAK-ADDR-${key}`
    await tx`INSERT INTO addresses (address_id, address, geom, town_code, village_code, grid_code)
             VALUES (${addressId}, ${`测试路${key === 'A' ? 1 : 2}号`}, ${place})`
    const owner = sealName(p.owner)
    const ownerPhone = sealPhone(p.ownerPhone)
    const [h] = await tx<{ id: string }[]>`
      INSERT INTO houses (house_id, address, use, rooms, owner_name_sealed, owner_name_masked, owner_phone_sealed, owner_phone_masked,
                          address_id, geom, town_code, village_code, grid_code)
      VALUES (${`LEAK-H-${key}`}, '测试路', 'rented', 2, ${owner.sealed}, ${owner.masked}, ${ownerPhone.sealed}, ${ownerPhone.masked},
              ${addressId}, ${place}) RETURNING id::text`
    ids[key].house = h!.id
    const name = sealName(p.name)
    const phone = sealPhone(p.phone)
    const [r] = await tx<{ id: string }[]>`
      INSERT INTO residents (person_id, house_id, residence, registered_on, key_categories, name_sealed, name_masked,
                             id_hash, id_masked, id_sealed, phone_sealed, phone_masked, address_id, geom, town_code, village_code, grid_code)
      VALUES (${`LEAK-P-${key}`}, ${h!.id}::bigint, 'migrant', '2026-01-01', '{drug}', ${name.sealed}, ${name.masked},
              ${idHash(p.id)}, ${maskNumber(p.id)}, ${seal(p.id)}, ${phone.sealed}, ${phone.masked}, ${addressId}, ${place})
      RETURNING id::text`
    ids[key].resident = r!.id
    const [o] = await tx<{ id: string }[]>`
      INSERT INTO organisations (org_id, name, type, risk_categories, responsible_name_sealed, responsible_name_masked,
                                 responsible_phone_sealed, responsible_phone_masked, self_check_every_days, self_check_checklist,
                                 address_id, geom, town_code, village_code, grid_code)
      VALUES (${`LEAK-O-${key}`}, '测试商铺', 'shop', '{gas}', ${name.sealed}, ${name.masked}, ${phone.sealed}, ${phone.masked},
              30, 'fire', ${addressId}, ${place}) RETURNING id::text`
    ids[key].organisation = o!.id
    const [d] = await tx<{ id: string }[]>`
      INSERT INTO disputes (case_id, type, summary, reported_at, level, status, party_key, address_id, geom, town_code, village_code, grid_code)
      VALUES (${`LEAK-D-${key}`}, 'neighbour', ${`当事人${p.name}称手机${p.phone}被邻居占用车位`}, now() - interval '2 days', 'village', 'mediating',
              ${`LEAK-P-${key}|LEAK-Q-${key}`}, ${addressId}, ${place}) RETURNING id::text`
    ids[key].dispute = d!.id
    await tx`INSERT INTO dispute_parties (dispute_id, party_id, role, name_sealed, name_masked, phone_sealed, phone_masked)
             VALUES (${d!.id}::bigint, ${`LEAK-P-${key}`}, 'applicant', ${name.sealed}, ${name.masked}, ${phone.sealed}, ${phone.masked})`
    await tx`INSERT INTO dispute_steps (dispute_id, at, level, action, note, actor)
             VALUES (${d!.id}::bigint, now() - interval '1 day', 'village', 'mediation', ${`联系人${p.owner}电话${p.ownerPhone}`}, 'test')`
    const [dev] = await tx<{ id: string }[]>`
      INSERT INTO devices (device_id, kind, name, organisation_id, address_id, geom, town_code, village_code, grid_code)
      VALUES (${`LEAK-SD-${key}`}, 'smoke_detector', '仓库烟感', ${o!.id}::bigint, ${addressId}, ${place}) RETURNING id::text`
    ids[key].device = dev!.id
    await tx`INSERT INTO device_events (device_id, at, kind, value) VALUES (${dev!.id}::bigint, now() - interval '1 hour', 'alarm', 0.4)`
    const [pt] = await tx<{ id: string }[]>`
      INSERT INTO patrols (patrol_id, team, members, started_at, ended_at, track, town_codes, village_codes, grid_codes)
      VALUES (${`LEAK-PT-${key}`}, '巡防队', 3, now() - interval '3 hours', now() - interval '2 hours',
              ST_SetSRID(ST_MakeLine(ST_Point(${lng}::float8, ${lat}::float8), ST_Point(${lng + 0.001}::float8, ${lat + 0.001}::float8)), 4326),
              ${[towns[key]]}::text[], ${[village]}::text[], ${[grid]}::text[]) RETURNING id::text`
    ids[key].patrol = pt!.id
    ids[key].address = addressId
  })
}

beforeAll(async () => {
  s = await startTestServer({ seed: 'boundaries', web: false, auth: 'required', now: () => new Date() })
  const first = await ensureFirstAdmin(s.db)
  tokens.admin = await login('admin', first!.password)
  const t = await s.db.sql<{ code: string }[]>`SELECT code FROM admin_areas WHERE level = 'town' ORDER BY code LIMIT 2`
  towns.A = t[0]!.code
  towns.B = t[1]!.code
  for (const [username, body] of [
    ['analyst-1', { role: 'analyst' }],
    ['town-a', { role: 'town', areaCodes: [towns.A] }],
  ] as const) {
    const res = await fetch(`${s.url}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'correct-horse-battery-staple', ...body }),
    })
    expect(res.status).toBe(201)
    tokens[username] = await login(username, 'correct-horse-battery-staple')
  }
  await plant('A')
  await plant('B')
}, 300_000)
afterAll(async () => {
  await s?.close()
})

/** The raw personal words an answer holds. */
const leaked = (text: string) => RAW.filter((w) => text.includes(w))

/** Every list route of the full view, as town A's officer and an analyst read them. */
const LISTS: { name: string; path: () => string; holds: (key: 'A' | 'B') => string; freeText?: true }[] = [
  { name: 'houses', path: () => '/api/houses', holds: (k) => `LEAK-H-${k}` },
  { name: 'residents', path: () => '/api/residents', holds: (k) => `LEAK-P-${k}` },
  { name: 'organisations', path: () => '/api/organisations', holds: (k) => `LEAK-O-${k}` },
  // A dispute's summary is free text, shown as written to pii callers like an incident's description.
  { name: 'disputes', path: () => '/api/disputes', holds: (k) => `LEAK-D-${k}`, freeText: true },
  { name: 'devices', path: () => '/api/devices', holds: (k) => `LEAK-SD-${k}` },
  { name: 'alerting devices', path: () => '/api/devices?alerting=true', holds: (k) => `LEAK-SD-${k}` },
  { name: 'patrols', path: () => '/api/patrols', holds: (k) => `LEAK-PT-${k}` },
  { name: 'residents export', path: () => '/api/export/residents.csv', holds: (k) => `LEAK-P-${k}` },
  // The same records as QGIS and GDAL read them (OGC API – Features) and as exported files.
  { name: 'OGC houses', path: () => '/ogc/collections/houses/items', holds: (k) => `LEAK-H-${k}` },
  { name: 'OGC organisations', path: () => '/ogc/collections/organisations/items', holds: (k) => `LEAK-O-${k}` },
  { name: 'OGC disputes', path: () => '/ogc/collections/disputes/items', holds: (k) => `LEAK-D-${k}`, freeText: true },
  { name: 'OGC patrols', path: () => '/ogc/collections/patrols/items', holds: (k) => `LEAK-PT-${k}` },
  { name: 'OGC devices', path: () => '/ogc/collections/devices/items', holds: (k) => `LEAK-SD-${k}` },
  { name: 'houses export', path: () => '/api/export/houses.csv', holds: (k) => `LEAK-H-${k}` },
  { name: 'disputes export', path: () => '/api/export/disputes.geojson', holds: (k) => `LEAK-D-${k}` },
]

/** Every by-id route: a record of town A (readable), of town B (elsewhere) and one that does not exist. */
const RECORDS: { name: string; path: (key: 'A' | 'B' | 'none') => string }[] = [
  { name: 'house', path: (k) => `/api/houses/${k === 'none' ? '999999999' : ids[k].house}` },
  { name: 'house by code', path: (k) => `/api/houses/${k === 'none' ? 'LEAK-H-Z' : `LEAK-H-${k}`}` },
  { name: 'resident', path: (k) => `/api/residents/${k === 'none' ? '999999999' : ids[k].resident}?reveal=true` },
  { name: 'resident by code', path: (k) => `/api/residents/${k === 'none' ? 'LEAK-P-Z' : `LEAK-P-${k}`}?reveal=true` },
  { name: 'organisation', path: (k) => `/api/organisations/${k === 'none' ? '999999999' : ids[k].organisation}?reveal=true` },
  { name: 'dispute', path: (k) => `/api/disputes/${k === 'none' ? '999999999' : ids[k].dispute}?reveal=true` },
  { name: 'dispute by code', path: (k) => `/api/disputes/${k === 'none' ? 'LEAK-D-Z' : `LEAK-D-${k}`}?reveal=true` },
  { name: 'device', path: (k) => `/api/devices/${k === 'none' ? '999999999' : ids[k].device}` },
  { name: "device's events", path: (k) => `/api/devices/${k === 'none' ? '999999999' : ids[k].device}/events` },
  { name: 'patrol', path: (k) => `/api/patrols/${k === 'none' ? '999999999' : ids[k].patrol}` },
  { name: "address's full view", path: (k) => `/api/addresses/${k === 'none' ? 'LEAK-ADDR-Z' : ids[k].address}/full-view` },
  ...(['houses', 'organisations', 'disputes', 'patrols', 'devices'] as const).map((c) => {
    const key = ({ houses: 'house', organisations: 'organisation', disputes: 'dispute', patrols: 'patrol', devices: 'device' } as const)[c]
    return {
      name: `OGC ${c} item`,
      path: (k: 'A' | 'B' | 'none') => `/ogc/collections/${c}/items/${k === 'none' ? '999999999' : ids[k][key]}`,
    }
  }),
]

describe(`the full information view leaks nothing (${TEST_KIND})`, () => {
  it.each(LISTS)('$name: masked for everyone, and a town officer lists their town only', async (route) => {
    for (const who of ['analyst-1', 'town-a'] as const) {
      const res = await call(route.path(), tokens[who]!)
      const text = await res.text()
      expect(res.status, `${who} ${route.path()}: ${text.slice(0, 300)}`).toBe(200)
      const free = route.freeText && who === 'town-a' ? [PEOPLE.A.name, PEOPLE.A.phone] : []
      expect(
        leaked(text).filter((w) => !free.includes(w)),
        `${who} ${route.name}`,
      ).toEqual([])
      expect(text, `${who} ${route.name} lists town A's record`).toContain(route.holds('A'))
      if (who === 'town-a') expect(text, `town-a ${route.name} lists town B's record`).not.toContain(route.holds('B'))
      else expect(text, `the analyst's ${route.name} lists town B's record`).toContain(route.holds('B'))
    }
  })

  it.each(RECORDS)('$name: an analyst asking to reveal sees it masked', async (route) => {
    const res = await call(route.path('A'), tokens['analyst-1']!)
    const text = await res.text()
    expect(res.status, text.slice(0, 300)).toBe(200)
    expect(leaked(text), route.name).toEqual([])
  })

  it.each(RECORDS)("$name: another town's record answers as one that does not exist", async (route) => {
    const mine = await call(route.path('A'), tokens['town-a']!)
    expect(mine.status, `${route.name} of town A`).toBe(200)
    const elsewhere = await call(route.path('B'), tokens['town-a']!)
    const nowhere = await call(route.path('none'), tokens['town-a']!)
    expect(elsewhere.status, route.name).toBe(404)
    expect(nowhere.status, route.name).toBe(404)
    const body = async (r: Response) => ((await r.json()) as { error: string }).error.replaceAll(/LEAK-\w+-[ABZ]|\d+/g, '#')
    expect(await body(elsewhere), route.name).toBe(await body(nowhere))
  })

  it("a pii caller's reveal is the only way to the words as written (the control)", async () => {
    const text = await (await call(`/api/residents/${ids.A.resident}?reveal=true`, tokens['town-a']!)).text()
    expect(text).toContain(PEOPLE.A.name)
    expect(text).toContain(PEOPLE.A.phone)
  })

  it("OGC's area filters: a patrol by the towns its track crossed, the others by their town", async () => {
    const ids = async (path: string) =>
      ((await (await call(path, tokens['analyst-1']!)).json()) as { features: { properties: Record<string, unknown> }[] }).features
    const patrols = await ids(`/ogc/collections/patrols/items?area=${towns.A}`)
    expect(patrols.map((f) => f.properties.patrolId)).toEqual(['LEAK-PT-A'])
    const shops = await ids(`/ogc/collections/organisations/items?area=${towns.B}&risk=gas,catering`)
    expect(shops.map((f) => f.properties.orgId)).toEqual(['LEAK-O-B'])
    expect(await ids(`/ogc/collections/organisations/items?risk=catering`)).toEqual([])
    const bad = await call('/ogc/collections/organisations/items?risk=fireworks', tokens['analyst-1']!)
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toContain('query.risk')
  })

  it('the map tiles of the full view carry no personal words', async () => {
    for (const layer of ['houses', 'organisations', 'devices', 'patrols']) {
      const { z, x, y } = tileAt(14, points.A[0], points.A[1])
      const res = await call(`/tiles/${layer}/${z}/${x}/${y}.mvt`, tokens['analyst-1']!)
      expect(res.status, layer).toBe(200)
      const bytes = Buffer.from(await res.arrayBuffer())
      const features = decodeTile(bytes)
      expect(features[layer]?.length ?? 0, `${layer} features at town A's grid`).toBeGreaterThan(0)
      expect(leaked(bytes.toString('utf8')), layer).toEqual([])
      expect(leaked(JSON.stringify(features)), layer).toEqual([])
    }
  })
})
