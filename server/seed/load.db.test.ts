import { cellToParent } from 'h3-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { AddressRow } from '../addresses/schema.ts'
import { bigintToH3 } from '../geo/h3.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { generateAddresses, generateBoundaries, generateIncidents } from './index.ts'
import { loadAddresses, loadAreas, loadIncidents } from './load.ts'

const SEED = 'load-test'
const END = new Date('2026-11-01T00:00:00+08:00')

describe(`demo address and incident loading (${TEST_KIND})`, () => {
  let t: TestDb
  let addresses: AddressRow[]
  beforeAll(async () => {
    t = await createTestDb()
    const areas = generateBoundaries(SEED)
    await loadAreas(t.db.sql, areas)
    addresses = [...generateAddresses(areas, { seed: SEED, count: 6_000 })]
    await loadAddresses(t.db, addresses)
    await loadIncidents(t.db, generateIncidents(addresses, { seed: SEED, count: 3_000, end: END }))
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('puts every address inside the town, village, grid and micro-grid it names', async () => {
    const [r] = await t.db.sql<{ n: string; wrong: string }[]>`
      SELECT count(*) AS n, count(*) FILTER (WHERE NOT (
        ST_Intersects(a.geom, t.geom) AND ST_Intersects(a.geom, v.geom) AND
        ST_Intersects(a.geom, g.geom) AND ST_Intersects(a.geom, m.geom))) AS wrong
      FROM addresses a
      JOIN admin_areas t ON t.code = a.town_code
      JOIN admin_areas v ON v.code = a.village_code AND v.parent_code = t.code
      JOIN admin_areas g ON g.code = a.grid_code AND g.parent_code = v.code
      JOIN admin_areas m ON m.code = a.microgrid_code AND m.parent_code = g.code`
    expect(Number(r?.n)).toBe(6_000)
    expect(Number(r?.wrong)).toBe(0)
  })

  it('stores parsed parts and nested H3 cells that match the point', async () => {
    const sample = addresses.find((a) => a.room && a.compound)!
    const [row] = await t.db.sql<
      { address: string; compound: string; room: string; lng: number; lat: number; h3_r7: string; h3_r10: string }[]
    >`
      SELECT address, compound, room, ST_X(geom) AS lng, ST_Y(geom) AS lat, h3_r7, h3_r10
      FROM addresses WHERE address_id = ${sample.addressId}`
    expect(row).toMatchObject({ address: sample.address, compound: sample.compound, room: sample.room })
    expect(row!.lng).toBeCloseTo(sample.lng, 9)
    expect(row!.lat).toBeCloseTo(sample.lat, 9)
    expect(cellToParent(bigintToH3(row!.h3_r10), 7)).toBe(bigintToH3(row!.h3_r7))
  })

  it('loads incidents at their true address, in the two years before the end', async () => {
    const [r] = await t.db.sql<{ n: string; far: string; first: Date; last: Date; cats: string }[]>`
      SELECT count(*) AS n,
             count(*) FILTER (WHERE ST_Distance(i.geom::geography, a.geom::geography) > 1) AS far,
             min(i.reported_at) AS first, max(i.reported_at) AS last,
             count(DISTINCT i.category_code) AS cats
      FROM incidents i JOIN addresses a ON a.address_id = i.address_id`
    expect(Number(r?.n)).toBeGreaterThan(2_800)
    expect(Number(r?.far)).toBe(0)
    expect(r!.last.getTime()).toBeLessThan(END.getTime())
    expect(r!.first.getTime()).toBeGreaterThanOrEqual(END.getTime() - 2 * 366 * 86_400_000)
    expect(Number(r?.cats)).toBeGreaterThan(20)
  })

  it('re-loading the same rows changes nothing and duplicates nothing', async () => {
    const snapshot = async () => {
      const [a] = await t.db.sql<{ n: string; latest: Date }[]>`SELECT count(*) AS n, max(updated_at) AS latest FROM addresses`
      const [i] = await t.db.sql<{ n: string; latest: Date }[]>`SELECT count(*) AS n, max(updated_at) AS latest FROM incidents`
      return { a, i }
    }
    const before = await snapshot()
    await loadAddresses(t.db, addresses)
    await loadIncidents(t.db, generateIncidents(addresses, { seed: SEED, count: 3_000, end: END }))
    expect(await snapshot()).toEqual(before)
  })
})
