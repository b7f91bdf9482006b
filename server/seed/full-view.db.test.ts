import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { idHash, maskName, maskNumber, unseal } from '../auth/sealed.ts'
import { SYSTEM_SCOPE } from '../db/index.ts'
import { monthIndicators } from '../indicators/indicators.ts'
import { ENTERED_IDS } from '../indicators/schema.ts'
import { createTestDb, TEST_KIND, TEST_SEED_END, type TestDb } from '../testing/db.ts'
import { DEMO_ASSESSED, DEMO_RANGES } from './assessments.ts'
import { generateFullView, type RecentIncidents } from './full-view.ts'
import { generateAddresses, generateBoundaries } from './index.ts'
import { loadAddresses, loadAreas } from './load.ts'
import { loadFullView } from './load-full-view.ts'
import { seedPatterns, seedStatus } from './run.ts'

const TABLES = [
  'houses',
  'residents',
  'organisations',
  'self_checks',
  'disputes',
  'patrols',
  'devices',
  'device_events',
  'indicator_assessments',
] as const

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

  it('stores names, phones and ID numbers sealed, ID numbers also as a hash and a masked form: never in the clear', async () => {
    const residents = await t.db.sql<
      {
        name_sealed: string
        name_masked: string
        phone_sealed: string
        phone_masked: string
        id_hash: string
        id_masked: string
        id_sealed: string
      }[]
    >`SELECT name_sealed, name_masked, phone_sealed, phone_masked, id_hash, id_masked, id_sealed FROM residents ORDER BY id LIMIT 200`
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
      // The sealed ID number is the one the hash and the masked form were made from.
      expect(r.id_sealed).toMatch(/^v1:/)
      const id = unseal(r.id_sealed)!
      expect(id).toMatch(/^\d{17}[\dX]$/)
      expect(r.id_sealed).not.toContain(id)
      expect(maskNumber(id)).toBe(r.id_masked)
      expect(idHash(id)).toBe(r.id_hash)
    }
    // No personal field anywhere holds a plain name or number.
    const [plain] = await t.db.sql<{ n: number }[]>`
      SELECT (SELECT count(*) FROM houses WHERE owner_name_sealed NOT LIKE 'v1:%' OR owner_phone_sealed NOT LIKE 'v1:%')
           + (SELECT count(*) FROM organisations WHERE responsible_name_sealed NOT LIKE 'v1:%' OR responsible_phone_sealed NOT LIKE 'v1:%')
           + (SELECT count(*) FROM dispute_parties WHERE name_sealed NOT LIKE 'v1:%' OR phone_sealed NOT LIKE 'v1:%')
           + (SELECT count(*) FROM residents WHERE name_sealed NOT LIKE 'v1:%' OR id_masked !~ '^[0-9]{6}[*]{8}[0-9X]{4}$'
                                                  OR id_sealed IS NULL OR id_sealed NOT LIKE 'v1:%')
           + (SELECT count(*) FROM residents WHERE person_id ~ '[0-9]{15}') AS n`
    expect(Number(plain!.n)).toBe(0)
  })

  it('has the entered 双十条 assessments of every town and village for the last whole month, within their ranges', async () => {
    const month = '2026-10' // the last whole month before TEST_SEED_END
    const rows = await t.db.sql<{ indicator: string; area: string; level: string; value: number; entered_by: string; n: number }[]>`
      SELECT s.indicator_id AS indicator, s.area_code AS area, a.level, s.value, s.entered_by,
             count(*) OVER (PARTITION BY s.indicator_id, s.area_code)::int AS n
      FROM indicator_assessments s JOIN admin_areas a ON a.code = s.area_code
      WHERE s.month = ${`${month}-01`}::date AND s.entered_at < ${TEST_SEED_END}`
    const [areas] = await t.db.sql<{ towns: number; villages: number }[]>`
      SELECT count(*) FILTER (WHERE level = 'town')::int AS towns, count(*) FILTER (WHERE level = 'village')::int AS villages
      FROM admin_areas`
    expect(rows).toHaveLength(ENTERED_IDS.length * (areas!.towns + areas!.villages))
    for (const r of rows) {
      const ind = DEMO_ASSESSED.find((d) => d.id === r.indicator)!
      expect(r.n).toBe(1)
      expect(['town', 'village']).toContain(r.level)
      expect(r.value).toBeGreaterThanOrEqual(DEMO_RANGES[ind.scale][0])
      expect(r.value).toBeLessThanOrEqual(DEMO_RANGES[ind.scale][1])
      expect(r.entered_by).toMatch(/^demo:\S+$/)
    }
    // Every village of every town has each of them.
    const [missing] = await t.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM admin_areas v CROSS JOIN unnest(${[...ENTERED_IDS]}::text[]) i(id)
      WHERE v.level = 'village'
        AND NOT EXISTS (SELECT 1 FROM indicator_assessments s WHERE s.indicator_id = i.id AND s.area_code = v.code AND s.month = ${`${month}-01`}::date)`
    expect(missing!.n).toBe(0)

    // The indicators the API gives (GET /api/indicators?level=town&month=2026-10): the entered ones are configured, with values.
    const out = await t.db.withScope(SYSTEM_SCOPE, (tx) => monthIndicators(tx, 'town', month, TEST_SEED_END))
    for (const id of ENTERED_IDS) {
      expect(
        out.definitions.find((d) => d.id === id),
        id,
      ).toMatchObject({ configured: true, source: 'entered', reason: null })
      const towns = out.areas.filter((a) => a.level === 'town')
      expect(towns.length).toBeGreaterThan(0)
      for (const a of towns) expect(a.indicators[id]?.value, `${id} ${a.code}`).toEqual(expect.any(Number))
    }
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
               (SELECT count(*) FROM dispute_steps) || '/' || (SELECT count(*) FROM patrols) || '/' || (SELECT count(*) FROM device_events) || '/' ||
               (SELECT count(*) FROM indicator_assessments) AS n,
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
        counts.indicator_assessments,
      ].join('/'),
    )
    expect(counts.indicator_assessments).toBeGreaterThan(0)
    await loadFullView(t.db, fv)
    expect(await snapshot()).toEqual(first)
  }, 300_000)
})
