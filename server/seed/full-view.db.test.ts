import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { maskName, unseal } from '../auth/sealed.ts'
import { createTestDb, TEST_KIND, TEST_SEED_END, type TestDb } from '../testing/db.ts'
import { generateFullView, type RecentIncidents } from './full-view.ts'
import { generateAddresses, generateBoundaries } from './index.ts'
import { loadAddresses, loadAreas } from './load.ts'
import { loadFullView } from './load-full-view.ts'
import { seedPatterns, seedStatus } from './run.ts'

const TABLES = ['houses', 'residents', 'organisations', 'self_checks', 'disputes', 'patrols', 'devices', 'device_events'] as const

describe(`the seeded small district's full view (${TEST_KIND})`, () => {
  let t: TestDb
  beforeAll(async () => {
    t = await createTestDb({ seed: 'small' })
  }, 900_000)
  afterAll(async () => {
    await t?.drop()
  })

  it('has every row the seed counted', async () => {
    const meta = await seedStatus(t.db)
    for (const table of TABLES) {
      const [row] = await t.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM ${t.db.sql(table)}`
      expect(row!.n, table).toBe(meta!.counts[table])
      expect(row!.n, table).toBeGreaterThan(0)
    }
    const [c] = await t.db.sql<{ orphans: number; parties: number; steps: number; planted: number }[]>`
      SELECT (SELECT count(*)::int FROM residents WHERE house_id IS NULL) AS orphans,
             (SELECT count(*)::int FROM dispute_parties) AS parties, (SELECT count(*)::int FROM dispute_steps) AS steps,
             (SELECT count(*)::int FROM incidents WHERE incident_id LIKE 'WF%') AS planted`
    expect(c!.orphans).toBe(0)
    expect(c!.parties).toBeGreaterThan(meta!.counts.disputes! * 2 - 1)
    expect(c!.steps).toBeGreaterThan(meta!.counts.disputes!)
    expect(c!.planted).toBeGreaterThan(10)
  })

  it('stores names and phones sealed, ID numbers as a hash and a masked form: never in the clear', async () => {
    const residents = await t.db.sql<
      { name_sealed: string; name_masked: string; phone_sealed: string; phone_masked: string; id_hash: string; id_masked: string }[]
    >`SELECT name_sealed, name_masked, phone_sealed, phone_masked, id_hash, id_masked FROM residents ORDER BY id LIMIT 200`
    for (const r of residents) {
      expect(r.name_sealed).toMatch(/^v1:/)
      expect(r.phone_sealed).toMatch(/^v1:/)
      const name = unseal(r.name_sealed)!
      const phone = unseal(r.phone_sealed)!
      expect(name).toMatch(/^\p{Script=Han}{2,3}$/u)
      expect(r.name_masked).toBe(maskName(name))
      expect(r.name_sealed).not.toContain(name)
      expect(phone).toMatch(/^1\d{10}$/)
      expect(r.phone_masked).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`)
      expect(r.id_hash).toMatch(/^[0-9a-f]{64}$/)
      expect(r.id_masked).toMatch(/^\d{6}\*{8}[\dX]{4}$/)
    }
    // No personal field anywhere holds a plain name or number.
    const [plain] = await t.db.sql<{ n: number }[]>`
      SELECT (SELECT count(*) FROM houses WHERE owner_name_sealed NOT LIKE 'v1:%' OR owner_phone_sealed NOT LIKE 'v1:%')
           + (SELECT count(*) FROM organisations WHERE responsible_name_sealed NOT LIKE 'v1:%' OR responsible_phone_sealed NOT LIKE 'v1:%')
           + (SELECT count(*) FROM dispute_parties WHERE name_sealed NOT LIKE 'v1:%' OR phone_sealed NOT LIKE 'v1:%')
           + (SELECT count(*) FROM residents WHERE name_sealed NOT LIKE 'v1:%' OR id_masked !~ '^[0-9]{6}[*]{8}[0-9X]{4}$')
           + (SELECT count(*) FROM residents WHERE person_id ~ '[0-9]{15}') AS n`
    expect(Number(plain!.n)).toBe(0)
  })

  it('holds the planted patterns', async () => {
    const [p] = await t.db.sql<{ crowded: number; overdue: number; away: number; unpatrolled: number }[]>`
      SELECT
        (SELECT count(*)::int FROM (SELECT house_id FROM residents WHERE moved_out IS NULL GROUP BY house_id HAVING count(*) >= 6) x) AS crowded,
        (SELECT count(*)::int FROM organisations o
          WHERE self_check_every_days IS NOT NULL
            AND (SELECT max(checked_at) FROM self_checks c WHERE c.organisation_id = o.id) + make_interval(days => self_check_every_days + 1)
                < ${TEST_SEED_END}::timestamptz) AS overdue,
        (SELECT count(*)::int FROM device_events e JOIN devices d ON d.id = e.device_id
          WHERE e.kind = 'delivery' AND ST_DistanceSphere(e.geom, d.geom) > 100) AS away,
        (SELECT count(*)::int FROM admin_areas g WHERE g.level = 'grid'
          AND NOT EXISTS (SELECT 1 FROM patrols p WHERE g.code = ANY (p.grid_codes) AND p.started_at > ${TEST_SEED_END}::timestamptz - interval '5 days')) AS unpatrolled`
    expect(p).toEqual({ crowded: 3, overdue: 2, away: 8, unpatrolled: 2 })
    // The seed records what it planted where (app_meta 'seed_patterns'), by the rows' own ids.
    const planted = (await seedPatterns(t.db))!
    const crowded = await t.db.sql<{ house_id: string }[]>`
      SELECT h.house_id FROM houses h JOIN residents r ON r.house_id = h.id AND r.moved_out IS NULL
      GROUP BY h.house_id HAVING count(*) >= 6 ORDER BY 1`
    expect(crowded.map((r) => r.house_id)).toEqual([...planted.groupRentalHouses].sort())
    const [ids] = await t.db.sql<{ orgs: number; cylinders: number; keys: number; cases: number }[]>`
      SELECT (SELECT count(*)::int FROM organisations WHERE org_id = ANY (${[planted.selfChecks.overdue40!, planted.selfChecks.overdue10!, planted.selfChecks.failStreak!]}::text[])) AS orgs,
             (SELECT count(*)::int FROM devices WHERE device_id = ANY (${[...planted.gas.pointCylinders, planted.gas.fastCylinder!]}::text[])) AS cylinders,
             (SELECT count(*)::int FROM residents WHERE key_categories <> '{}' AND person_id = ANY (${planted.keyPersons.map((k) => k.personId)}::text[])) AS keys,
             (SELECT count(*)::int FROM disputes WHERE case_id = ANY (${planted.disputeChains.flatMap((c) => c.caseIds)}::text[])) AS cases`
    expect(ids).toEqual({ orgs: 3, cylinders: 4, keys: 2, cases: 6 })
    expect(planted.patrolGaps.map((g) => g.daysUnpatrolled)).toEqual([30, 10])
    expect(planted.registrationGapVillages).toHaveLength(2)
  })
})

describe(`loading the full view (${TEST_KIND})`, () => {
  let t: TestDb
  beforeAll(async () => {
    t = await createTestDb()
  }, 300_000)
  afterAll(async () => {
    await t?.drop()
  })

  it('loads once: seeding again changes nothing', async () => {
    const areas = generateBoundaries('xiaoshan')
    await loadAreas(t.db.sql, areas)
    const addresses = [...generateAddresses(areas, { seed: 'xiaoshan', count: 3_000 })]
    await loadAddresses(t.db, addresses)
    const recent: RecentIncidents = { grids: new Map(), points: [], disputes: [] }
    const fv = generateFullView(addresses, areas, recent, {
      seed: 'xiaoshan',
      end: TEST_SEED_END,
      houses: 300,
      organisations: 80,
      disputes: 60,
    })
    const counts = await loadFullView(t.db, fv)
    const snapshot = async () =>
      t.db.sql<{ n: string; names: string }[]>`
        SELECT (SELECT count(*) FROM houses) || '/' || (SELECT count(*) FROM residents) || '/' || (SELECT count(*) FROM self_checks) || '/' ||
               (SELECT count(*) FROM dispute_steps) || '/' || (SELECT count(*) FROM patrols) || '/' || (SELECT count(*) FROM device_events) AS n,
               (SELECT string_agg(name_sealed, ',' ORDER BY id) FROM residents) AS names`
    const first = await snapshot()
    expect(first[0]!.n).toBe(
      [
        counts.houses,
        counts.residents,
        counts.self_checks,
        fv.disputes.reduce((s, d) => s + d.steps.length, 0),
        counts.patrols,
        counts.device_events,
      ].join('/'),
    )
    await loadFullView(t.db, fv)
    expect(await snapshot()).toEqual(first)
  }, 300_000)
})
