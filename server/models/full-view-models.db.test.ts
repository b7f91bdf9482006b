/**
 * The seven full-view warning models (issue 26) on the database under test, each run through the
 * runner as the scheduler runs it (a live run as of the data's end). Each scenario starts from the
 * seeded district (boundaries), inserts its rows with SQL following migrations/034_full_view.sql —
 * the planted pattern, subjects exactly at and just past each threshold, and more noise rows than
 * pattern rows, drawn with a seeded RNG from a different distribution — and asserts: the planted
 * subjects at their levels, nothing else raised, the key numbers in the explanation, and no name,
 * phone or person id in any warning field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Db } from '../db/index.ts'
import { createRng, poisson, randInt } from '../seed/rng.ts'
import { createTestDb, TEST_KIND, TEST_SEED_END, type TestDb } from '../testing/db.ts'
import { deliveryPoint } from './kinds/gas-cylinder.ts'
import { executeRun } from './runner.ts'
import { createRun, ensureBuiltinModels, getModel, getRun } from './store.ts'

const AS_OF = TEST_SEED_END // 2026-11-01T00:00+08:00
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
const M_PER_DEG_LAT = 110_854
const M_PER_DEG_LNG = 96_388

/** A day `n` days before the as-of day (Shanghai), as a date. */
const dayAgo = (n: number): string => new Date(AS_OF.getTime() + 8 * HOUR_MS - n * DAY_MS).toISOString().slice(0, 10)
/** An instant `n` days (fractions allowed) before the as-of time. */
const ago = (n: number): Date => new Date(AS_OF.getTime() - n * DAY_MS)

interface Grid {
  code: string
  village: string
  town: string
  lng: number
  lat: number
}
interface Point {
  lng: number
  lat: number
}
const at = (g: Point, dxM = 0, dyM = 0): Point => ({ lng: g.lng + dxM / M_PER_DEG_LNG, lat: g.lat + dyM / M_PER_DEG_LAT })
const metres = (a: Point, b: Point): number => Math.hypot((a.lng - b.lng) * M_PER_DEG_LNG, (a.lat - b.lat) * M_PER_DEG_LAT)

interface W {
  subject: string
  level: string
  title: string
  explanation: string
  metrics: Record<string, unknown>
  town_code: string | null
  village_code: string | null
  grid_code: string | null
  geometry: { type: string; coordinates: number[] }
}

// Personal data put in every scenario: none of it may reach a warning.
const NAME = '欧阳娜娜'
const NAME_MASKED = '欧**'
const PHONE = '13912345678'
const PHONE_MASKED = '139****5678'
const ID_MASKED = '330109********1234'
const PII = [NAME, NAME_MASKED, PHONE, PHONE_MASKED, ID_MASKED, 'PID-', 'PTY-', 'sealed:']

describe(`full-view warning models (${TEST_KIND})`, () => {
  let t: TestDb
  let db: Db
  /** Grids far apart, each in its own village. */
  let grids: Grid[]
  let gi = 0
  /** The next unused grid (each scenario takes its own). */
  const nextGrid = (): Grid => grids[gi++]!
  const sql = () => db.sql

  beforeAll(async () => {
    t = await createTestDb({ seed: 'boundaries' })
    db = t.db
    await ensureBuiltinModels(db.sql)
    const all = await db.sql<Grid[]>`
      SELECT g.code, v.code AS village, v.parent_code AS town, ST_X(g.label_point) AS lng, ST_Y(g.label_point) AS lat
      FROM admin_areas g JOIN admin_areas v ON v.code = g.parent_code
      WHERE g.level = 'grid' ORDER BY g.code`
    const villages = new Set<string>()
    grids = []
    for (const g of all) {
      if (villages.has(g.village)) continue
      if (grids.some((x) => metres(x, g) < 1500)) continue
      villages.add(g.village)
      grids.push(g)
    }
    expect(grids.length).toBeGreaterThan(120)
  }, 300_000)

  afterAll(async () => {
    await t?.drop()
  })

  /** Empties what the scenarios insert, so each model sees only its own scenario. */
  const reset = async () => {
    const s = sql()
    await s`DELETE FROM device_events`
    await s`DELETE FROM devices`
    await s`DELETE FROM self_checks`
    await s`DELETE FROM organisations`
    await s`DELETE FROM disputes`
    await s`DELETE FROM residents`
    await s`DELETE FROM houses`
    await s`DELETE FROM patrols`
    await s`DELETE FROM incidents`
    await s`DELETE FROM addresses WHERE address_id LIKE 'T-%'`
  }

  /** Runs a built-in model as the scheduler does (live, as of the data's end); its open warnings. */
  const runLive = async (id: string): Promise<W[]> => {
    const model = (await getModel(sql(), id))!
    expect(model.builtin).toBe(true)
    const run = await createRun(sql(), model, { trigger: 'schedule', asOf: AS_OF, actor: 'system' })
    await executeRun(db, String(run.id))
    const done = (await getRun(sql(), String(run.id)))!
    expect(done.status, done.error ?? '').toBe('done')
    expect(done.mode).toBe('live')
    const ws = await sql()<W[]>`
      SELECT subject, level, title, explanation, metrics, town_code, village_code, grid_code, ST_AsGeoJSON(geom, 7)::json AS geometry
      FROM warnings WHERE model_id = ${id} AND last_run_id = ${run.id} AND status = 'new' ORDER BY subject`
    expect(ws).toHaveLength(done.findingsCount!)
    for (const w of ws) for (const p of PII) expect(JSON.stringify(w), `${w.subject} holds ${p}`).not.toContain(p)
    return ws
  }
  const levels = (ws: readonly W[]) => Object.fromEntries(ws.map((w) => [w.subject, w.level]))
  const bySubject = (ws: readonly W[], s: string): W => {
    const w = ws.find((x) => x.subject === s)
    expect(w, s).toBeDefined()
    return w!
  }

  // ── Insert helpers (SQL as migration 034) ────────────────────────────────────────────────
  let houseNo = 0
  const house = async (g: Grid, o: { rooms: number | null; use?: string; flagged?: boolean; dx?: number; dy?: number }) => {
    const houseId = `T-H${++houseNo}`
    const address = `测试路${houseNo}号`
    const p = at(g, o.dx ?? 0, o.dy ?? 0)
    const [r] = await sql()<{ id: string }[]>`
      INSERT INTO houses (house_id, address, use, group_rental, rooms, owner_name_sealed, owner_name_masked, owner_phone_sealed,
                          owner_phone_masked, geom, town_code, village_code, grid_code)
      VALUES (${houseId}, ${address}, ${o.use ?? 'rented'}, ${o.flagged ?? false}, ${o.rooms}, ${`sealed:${NAME}`}, ${NAME_MASKED},
              ${`sealed:${PHONE}`}, ${PHONE_MASKED}, ST_SetSRID(ST_MakePoint(${p.lng}, ${p.lat}), 4326), ${g.town}, ${g.village}, ${g.code})
      RETURNING id::text`
    return { id: r!.id, houseId, address }
  }
  let personNo = 0
  interface ResidentSpec {
    residence?: 'registered' | 'migrant'
    registeredOn?: string | null
    expires?: string | null
    movedIn?: string | null
    movedOut?: string | null
  }
  /** Residents of a house (or of a village without a house), in one INSERT. */
  const residents = async (g: Grid, houseDbId: string | null, specs: readonly ResidentSpec[]) => {
    if (specs.length === 0) return
    const rows = specs.map((r) => ({
      person_id: `PID-${++personNo}`,
      house_id: houseDbId,
      residence: r.residence ?? 'migrant',
      registered_on: r.registeredOn ?? null,
      registration_expires: r.expires ?? null,
      moved_in: r.movedIn === undefined ? dayAgo(200) : r.movedIn,
      moved_out: r.movedOut ?? null,
      name_sealed: `sealed:${NAME}`,
      name_masked: NAME_MASKED,
      id_hash: `hash-${personNo}`,
      id_masked: ID_MASKED,
      phone_sealed: `sealed:${PHONE}`,
      phone_masked: PHONE_MASKED,
      town_code: g.town,
      village_code: g.village,
      grid_code: g.code,
    }))
    await sql()`INSERT INTO residents ${sql()(rows)}`
  }
  const times = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x)
  const valid: ResidentSpec = { registeredOn: dayAgo(300), expires: dayAgo(-200) }
  const unregistered: ResidentSpec = { registeredOn: null }
  const expired: ResidentSpec = { registeredOn: dayAgo(500), expires: dayAgo(10) }

  let incidentNo = 0
  const incident = async (p: Point, g: Grid, t: Date, category = '0103', approximate = false, id = `T-I${++incidentNo}`) => {
    await sql()`
      INSERT INTO incidents (incident_id, reported_at, category_code, address, source, geom, approximate, town_code, village_code, grid_code)
      VALUES (${id}, ${t}, ${category}, '测试地址', 'test', ST_SetSRID(ST_MakePoint(${p.lng}, ${p.lat}), 4326), ${approximate},
              ${g.town}, ${g.village}, ${g.code})`
    return id
  }

  // ── 1. Group rental ─────────────────────────────────────────────────────────────────────
  describe('group rental (群租)', () => {
    let ws: W[]
    const planted: Record<string, string> = {}
    beforeAll(async () => {
      await reset()
      const g = [nextGrid(), nextGrid(), nextGrid()]
      const rng = createRng('group-rental')
      // Planted: three rented houses of 3 rooms with 12, 14 and 16 current migrants.
      const p1 = await house(g[0]!, { rooms: 3 })
      // …12 current, 4 who moved out and 2 who move in after the as-of day (neither counted).
      await residents(g[0]!, p1.id, [
        ...times(12, valid),
        ...times(4, { ...valid, movedOut: dayAgo(30) }),
        ...times(2, { ...valid, movedIn: dayAgo(-5) }),
      ])
      const p2 = await house(g[0]!, { rooms: 3, flagged: true, dx: 80 })
      await residents(g[0]!, p2.id, [...times(10, valid), ...times(4, unregistered)])
      const p3 = await house(g[1]!, { rooms: 3 })
      await residents(g[1]!, p3.id, times(16, valid))
      Object.assign(planted, { [p1.houseId]: 'red', [p2.houseId]: 'red', [p3.houseId]: 'red' })
      // Boundaries: 2.0 a room (yellow, exactly), 3.0 (orange, exactly), 5 people in 1 room (under
      // minOccupants 6: none), 7 in 4 rooms (1.75: none), 6 with no room count (one room: red).
      const b1 = await house(g[1]!, { rooms: 3, dx: 60 })
      await residents(g[1]!, b1.id, times(6, valid))
      const b2 = await house(g[1]!, { rooms: 3, dx: -60 })
      await residents(g[1]!, b2.id, times(9, valid))
      const b3 = await house(g[2]!, { rooms: 1 })
      await residents(g[2]!, b3.id, times(5, valid))
      const b4 = await house(g[2]!, { rooms: 4, dx: 60 })
      await residents(g[2]!, b4.id, times(7, valid))
      const b5 = await house(g[2]!, { rooms: null, dx: -60 })
      await residents(g[2]!, b5.id, times(6, valid))
      Object.assign(planted, { [b1.houseId]: 'yellow', [b2.houseId]: 'orange', [b5.houseId]: 'red' })
      // Noise: 80 ordinary houses of 0–5 residents, mostly registered households, 1–4 rooms.
      let noise = 0
      for (let i = 0; i < 80; i++) {
        const gg = g[i % 3]!
        const h = await house(gg, {
          rooms: randInt(rng, 1, 4),
          use: rng() < 0.7 ? 'self_occupied' : 'rented',
          dx: randInt(rng, -400, 400),
          dy: randInt(rng, -400, 400),
        })
        const n = randInt(rng, 0, 5)
        noise += n
        await residents(
          gg,
          h.id,
          Array.from({ length: n }, () => (rng() < 0.7 ? { residence: 'registered' as const } : valid)),
        )
      }
      expect(noise).toBeGreaterThan(12 + 14 + 16 + 6 + 9 + 5 + 7 + 6 + 6)
      ws = await runLive('group-rental')
    }, 120_000)

    it('finds the planted houses at their levels and nothing else', () => {
      expect(levels(ws)).toEqual(Object.fromEntries(Object.entries(planted).map(([h, l]) => [`house:${h}`, l])))
    })

    it('explains with the numbers: residents, migrants, rooms, per room', () => {
      const [p1] = Object.keys(planted)
      const w = bySubject(ws, `house:${p1}`)
      expect(w.title).toMatch(/^群租房风险：测试路\d+号$/)
      expect(w.explanation).toContain('现住 12 人（其中流动人口 12 人）')
      expect(w.explanation).toContain('房间 3 间，每间 4 人')
      expect(w.metrics).toMatchObject({ occupants: 12, rooms: 3, perRoom: 4 })
      expect(w.geometry.type).toBe('Point')
      expect(w.grid_code).not.toBeNull()
      const flagged = bySubject(ws, `house:${Object.keys(planted)[1]}`)
      expect(flagged.explanation).toContain('现住 14 人（其中流动人口 14 人）')
      expect(flagged.explanation).toContain('核查已标为群租房')
      const noRooms = ws.find((x) => x.explanation.includes('房间数未登记'))!
      expect(noRooms.explanation).toContain('每间 6 人')
    })
  })

  // ── 2. Registration gap ─────────────────────────────────────────────────────────────────
  describe('registration gap (纳管率)', () => {
    let ws: W[]
    const v: Grid[] = []
    let worst: { houseId: string; address: string }
    beforeAll(async () => {
      await reset()
      for (let i = 0; i < 12; i++) v.push(nextGrid())
      /** Migrants of a village in houses of at most 4, the not-registered first. */
      const village = async (g: Grid, specs: ResidentSpec[]) => {
        const made: { houseId: string; address: string }[] = []
        for (let i = 0; i < specs.length; i += 4) {
          const h = await house(g, { rooms: 2, dx: (i % 40) * 10, dy: Math.floor(i / 40) * 30 })
          made.push(h)
          await residents(g, h.id, specs.slice(i, i + 4))
        }
        return made
      }
      // V0: 50 migrants, 40 registered → 80 % (red): 6 unregistered (one registers only after
      // the as-of day), 4 expired; the 10 share houses of 4, 4 and 2.
      const v0 = await village(v[0]!, [
        ...times(5, unregistered),
        { registeredOn: dayAgo(-3), expires: dayAgo(-300) },
        ...times(4, expired),
        ...times(40, valid),
      ])
      worst = v0[0]!
      // …and people who do not count: registered households, migrants who moved out.
      await residents(v[0]!, null, [
        ...times<ResidentSpec>(10, { residence: 'registered' }),
        ...times<ResidentSpec>(5, { ...unregistered, movedOut: dayAgo(20) }),
      ])
      // V1: 43 migrants, 40 registered → 93.0 % (orange).
      await village(v[1]!, [...times(2, unregistered), expired, ...times(40, valid)])
      // V2: 20 of which 18 → exactly 90 % (orange, not red); V3: 29 of 30 → 96.7 % (yellow; one
      // registration runs out on the as-of day itself: still valid).
      await village(v[2]!, [...times(2, unregistered), ...times(18, valid)])
      await village(v[3]!, [expired, { registeredOn: dayAgo(300), expires: dayAgo(0) }, ...times(28, valid)])
      // V4: 19 migrants (under minMigrants 20), half registered: none. V5: 97 of 100 → exactly 97 %: none.
      await village(v[4]!, [...times(9, unregistered), ...times(10, valid)])
      await village(v[5]!, [...times(3, unregistered), ...times(97, valid)])
      // Noise: six villages of 30–90 migrants at ≥ 98 %, with registered households beside them.
      const rng = createRng('registration-gap')
      let noise = 0
      for (let i = 6; i < 12; i++) {
        const n = randInt(rng, 30, 90)
        const gaps = n >= 50 && rng() < 0.5 ? 1 : 0
        await village(v[i]!, [...times(gaps, rng() < 0.5 ? unregistered : expired), ...times(n - gaps, valid)])
        const households = randInt(rng, 5, 30)
        await residents(v[i]!, null, times(households, { residence: 'registered' }))
        noise += n + households
      }
      expect(noise).toBeGreaterThan(65 + 43 + 20 + 30 + 19 + 100)
      ws = await runLive('registration-gap')
    }, 180_000)

    it('finds the planted villages at their levels and nothing else', () => {
      expect(levels(ws)).toEqual({
        [`village:${v[0]!.village}`]: 'red',
        [`village:${v[1]!.village}`]: 'orange',
        [`village:${v[2]!.village}`]: 'orange',
        [`village:${v[3]!.village}`]: 'yellow',
      })
    })

    it('names the rate, the unregistered and expired, and the worst houses by address', () => {
      const w = bySubject(ws, `village:${v[0]!.village}`)
      expect(w.explanation).toContain('现住流动人口 50 人，已办居住登记且在有效期内 40 人，纳管率 80%')
      expect(w.explanation).toContain('未登记 6 人，登记已过期 4 人')
      expect(w.explanation).toContain(`未纳管人数最多的房屋：${worst.address} 4 人`)
      expect(w.metrics).toMatchObject({ migrants: 50, registered: 40, unregistered: 6, expired: 4, rate: 80 })
      expect(w.title).toMatch(/^流动人口纳管率偏低：\S+$/)
      expect(w.village_code).toBe(v[0]!.village)
      expect(w.geometry.type).toMatch(/Polygon/)
      expect(bySubject(ws, `village:${v[1]!.village}`).explanation).toContain('纳管率 93%')
      expect(bySubject(ws, `village:${v[2]!.village}`).explanation).toContain('纳管率 90%')
    })
  })

  // ── 3. Dispute recurrence ───────────────────────────────────────────────────────────────
  describe('dispute recurrence (民转刑, mediation history)', () => {
    let ws: W[]
    let gA: Grid
    beforeAll(async () => {
      await reset()
      gA = nextGrid()
      const gB = nextGrid()
      const gN = [nextGrid(), nextGrid(), nextGrid()]
      let caseNo = 0
      const dispute = async (
        g: Grid,
        d: {
          daysAgo: number
          status: string
          parties?: [string, string] | null
          addressId?: string | null
          type?: string
          failedStep?: boolean
          incidents?: string[]
        },
      ) => {
        const reported = ago(d.daysAgo)
        const outcome = ['resolved', 'failed', 'withdrawn'].includes(d.status)
          ? new Date(reported.getTime() + Math.min(5 * DAY_MS, (d.daysAgo * DAY_MS) / 2))
          : null
        const partyKey = d.parties ? [...d.parties].sort().join('|') : null
        const [row] = await sql()<{ id: string }[]>`
          INSERT INTO disputes (case_id, type, summary, reported_at, level, status, outcome_at, incident_ids, party_key, address, geom,
                                address_id, town_code, village_code, grid_code)
          VALUES (${`T-D${++caseNo}`}, ${d.type ?? 'neighbour'}, ${`${NAME}与邻居因噪声争执，电话${PHONE}`}, ${reported}, 'village', ${d.status},
                  ${outcome}, ${d.incidents ?? []}::text[], ${partyKey}, ${`测试村${g.code.slice(-3)}号`},
                  ST_SetSRID(ST_MakePoint(${g.lng}, ${g.lat}), 4326), ${d.addressId ?? null}, ${g.town}, ${g.village}, ${g.code})
          RETURNING id::text`
        for (const [k, p] of (d.parties ?? []).entries()) {
          await sql()`INSERT INTO dispute_parties (dispute_id, party_id, role, name_sealed, name_masked, phone_sealed, phone_masked)
            VALUES (${row!.id}::bigint, ${p}, ${k === 0 ? 'applicant' : 'respondent'}, ${`sealed:${NAME}`}, ${NAME_MASKED}, ${`sealed:${PHONE}`}, ${PHONE_MASKED})`
        }
        await sql()`INSERT INTO dispute_steps (dispute_id, at, level, action, actor) VALUES (${row!.id}::bigint, ${reported}, 'village', 'registered', 'test')`
        if (d.failedStep) {
          await sql()`INSERT INTO dispute_steps (dispute_id, at, level, action, note, actor)
            VALUES (${row!.id}::bigint, ${new Date(reported.getTime() + DAY_MS)}, 'village', 'failed', ${`${NAME}拒绝调解`}, 'test')`
        }
      }
      // A: the same parties at the same address 4 times, the second failed → red.
      const A: [string, string] = ['PTY-A1', 'PTY-A2']
      for (const [daysAgo, status] of [
        [200, 'resolved'],
        [120, 'failed'],
        [60, 'resolved'],
        [20, 'mediating'],
      ] as const)
        await dispute(gA, { daysAgo, status, parties: A, addressId: 'T-ADDR-DA', type: daysAgo === 60 ? 'property' : 'neighbour' })
      // B: twice; the first failed by a step (still open on paper) → yellow. A linked noise complaint does not raise it.
      const noiseIncident = await incident(gB, gB, ago(11), '0402')
      await dispute(gB, { daysAgo: 50, status: 'mediating', parties: ['PTY-B1', 'PTY-B2'], failedStep: true })
      await dispute(gB, { daysAgo: 10, status: 'open', parties: ['PTY-B1', 'PTY-B2'], incidents: [noiseIncident] })
      // C: no parties on record, twice at one address, one failed, one from a fight → yellow raised to orange.
      const fight = await incident(gN[0]!, gN[0]!, ago(16), '0104')
      await dispute(gN[0]!, { daysAgo: 40, status: 'failed', addressId: 'T-ADDR-DC' })
      await dispute(gN[0]!, { daysAgo: 15, status: 'open', addressId: 'T-ADDR-DC', incidents: [fight] })
      // Boundaries: D's newest is 91 days old (none); E's exactly 90 (orange, 3); F's failed one is
      // 370 days old, outside the lookback, leaving one (none); G: 4 times, always settled (none).
      for (const daysAgo of [150, 120, 91])
        await dispute(gN[1]!, { daysAgo, status: daysAgo === 150 ? 'failed' : 'resolved', parties: ['PTY-D1', 'PTY-D2'] })
      for (const daysAgo of [150, 100, 90])
        await dispute(gN[1]!, { daysAgo, status: daysAgo === 150 ? 'failed' : 'resolved', parties: ['PTY-E1', 'PTY-E2'] })
      await dispute(gN[2]!, { daysAgo: 370, status: 'failed', parties: ['PTY-F1', 'PTY-F2'] })
      await dispute(gN[2]!, { daysAgo: 30, status: 'resolved', parties: ['PTY-F1', 'PTY-F2'] })
      for (const daysAgo of [80, 60, 40, 5]) await dispute(gN[2]!, { daysAgo, status: 'resolved', parties: ['PTY-G1', 'PTY-G2'] })
      // Noise: 50 single disputes (any outcome, failed too) and 12 repeats settled every time.
      const rng = createRng('dispute-recurrence')
      const types = ['neighbour', 'family', 'debt', 'labour', 'consumer'] as const
      let noise = 0
      for (let i = 0; i < 50; i++) {
        const status = (['open', 'mediating', 'resolved', 'failed', 'withdrawn'] as const)[randInt(rng, 0, 4)]!
        await dispute(gN[i % 3]!, {
          daysAgo: randInt(rng, 1, 360),
          status,
          parties: [`PTY-S${i}a`, `PTY-S${i}b`],
          type: types[randInt(rng, 0, 4)],
        })
        noise++
      }
      for (let i = 0; i < 12; i++) {
        const n = randInt(rng, 2, 5)
        for (let k = 0; k < n; k++) {
          await dispute(gN[i % 3]!, {
            daysAgo: randInt(rng, 1, 300),
            status: rng() < 0.8 ? 'resolved' : 'withdrawn',
            parties: [`PTY-R${i}a`, `PTY-R${i}b`],
          })
          noise++
        }
      }
      expect(noise).toBeGreaterThan(4 + 2 + 2 + 3 + 3 + 2 + 4)
      ws = await runLive('dispute-recurrence')
    }, 180_000)

    it('finds the planted chains at their levels and nothing else; party ids stay out', () => {
      const got = ws.map((w) => [w.metrics.by, w.metrics.count, w.level])
      expect(got.sort()).toEqual(
        [
          ['address', 2, 'orange'], // C, raised by the fight
          ['parties', 2, 'yellow'], // B
          ['parties', 3, 'orange'], // E, newest exactly 90 days back
          ['parties', 4, 'red'], // A
        ].sort(),
      )
      expect(ws.find((w) => w.metrics.by === 'address')!.subject).toBe('address:T-ADDR-DC')
      for (const w of ws.filter((x) => x.metrics.by === 'parties')) expect(w.subject).toMatch(/^parties:[0-9a-f]{16}$/)
    })

    it('explains with the numbers: length, types, failed mediations, the fight', () => {
      const a = ws.find((w) => w.metrics.count === 4)!
      expect(a.explanation).toContain('近365日同一当事人矛盾纠纷 4 起（邻里纠纷 3 起、物业纠纷 1 起）')
      expect(a.explanation).toContain('其中调解失败 1 起')
      expect(a.explanation).toContain('最近一起调解中')
      expect(a.title).toBe(`矛盾纠纷反复调解未果：测试村${gA.code.slice(-3)}号`)
      const c = bySubject(ws, 'address:T-ADDR-DC')
      expect(c.explanation).toContain('同一地址矛盾纠纷 2 起')
      expect(c.explanation).toContain('打架斗殴等 1 起，升一级')
      expect(c.metrics).toMatchObject({ count: 2, failed: 1, escalations: 1 })
    })
  })

  // ── 4. Key persons ──────────────────────────────────────────────────────────────────────
  describe('incidents near key persons (重点人员)', () => {
    let ws: W[]
    const ids: Record<string, string> = {}
    let k0: Grid
    let newestNearK0: Point
    beforeAll(async () => {
      await reset()
      const keyPerson = async (label: string, g: Grid, cats: string[], o: { movedOut?: string; key?: boolean } = {}) => {
        const [r] = await sql()<{ id: string }[]>`
          INSERT INTO residents (person_id, residence, moved_in, moved_out, key_categories, name_sealed, name_masked, phone_sealed, phone_masked,
                                 id_masked, address, geom, town_code, village_code, grid_code)
          VALUES (${`PID-K${++personNo}`}, 'registered', ${dayAgo(400)}, ${o.movedOut ?? null}, ${cats}::text[], ${`sealed:${NAME}`}, ${NAME_MASKED},
                  ${`sealed:${PHONE}`}, ${PHONE_MASKED}, ${ID_MASKED}, '测试路1号', ST_SetSRID(ST_MakePoint(${g.lng}, ${g.lat}), 4326),
                  ${g.town}, ${g.village}, ${g.code})
          RETURNING id::text`
        ids[label] = r!.id
      }
      k0 = nextGrid()
      const [k1, k2, k3, k4] = [nextGrid(), nextGrid(), nextGrid(), nextGrid()]
      // KP1 (community correction): 3 incidents within 50 m in the last 7 days → red.
      await keyPerson('kp1', k0, ['community_correction'])
      newestNearK0 = at(k0, 0, 10)
      await incident(at(k0, 0, -45), k0, ago(6))
      await incident(at(k0, 0, 30), k0, ago(3), '0104')
      await incident(newestNearK0, k0, ago(1))
      // KP2 (drug): one within 50 m → yellow; an approximate point at 10 m does not count.
      await keyPerson('kp2', k1, ['drug', 'petition'])
      await incident(at(k1, 0, 40), k1, ago(2))
      await incident(at(k1, 0, 10), k1, ago(2), '0103', true)
      // Boundaries: KP3 has one at 55 m and one at 20 m just over 7 days ago (none); KP5 one at
      // 20 m exactly 7 days ago (yellow); KP4 moved out before the incidents (none).
      await keyPerson('kp3', k2, ['petition'])
      await incident(at(k2, 0, 55), k2, ago(1))
      await incident(at(k2, 0, 20), k2, ago(7 + 1 / 24))
      await keyPerson('kp5', k3, ['mental_illness'])
      await incident(at(k3, 0, 20), k3, ago(7))
      await keyPerson('kp4', k4, ['released_prisoner'], { movedOut: dayAgo(30) })
      for (let i = 0; i < 3; i++) await incident(at(k4, 0, 10 * i), k4, ago(1 + i))
      // Noise: 20 key persons away from the hot spots; 150 incidents around 5 hot spots, where
      // 30 ordinary residents live; verified: no key person within 60 m of a recent incident.
      const rng = createRng('key-person')
      const hot = [nextGrid(), nextGrid(), nextGrid(), nextGrid(), nextGrid()]
      const quiet = [nextGrid(), nextGrid(), nextGrid(), nextGrid()]
      const points: Point[] = []
      for (let i = 0; i < 150; i++) {
        const g = hot[i % 5]!
        const p = at(g, randInt(rng, -300, 300), randInt(rng, -300, 300))
        points.push(p)
        await incident(p, g, ago(rng() * 20), (['0103', '0104', '0402'] as const)[randInt(rng, 0, 2)])
      }
      for (let i = 0; i < 30; i++) {
        const g = hot[i % 5]!
        const p = at(g, randInt(rng, -100, 100), randInt(rng, -100, 100))
        await sql()`INSERT INTO residents (person_id, residence, name_masked, geom, town_code, village_code, grid_code)
          VALUES (${`PID-O${++personNo}`}, 'registered', ${NAME_MASKED}, ST_SetSRID(ST_MakePoint(${p.lng}, ${p.lat}), 4326), ${g.town}, ${g.village}, ${g.code})`
      }
      const cats = ['community_correction', 'released_prisoner', 'drug', 'mental_illness', 'petition', 'juvenile']
      for (let i = 0; i < 20; i++) {
        const g = quiet[i % 4]!
        const home = at(g, randInt(rng, -500, 500), randInt(rng, -500, 500))
        expect(Math.min(...points.map((p) => metres(p, home)))).toBeGreaterThan(60)
        await keyPerson(`noise${i}`, { ...g, ...home }, [cats[randInt(rng, 0, 5)]!])
      }
      // …with older incidents right at their homes (8–30 days back: outside the window).
      for (let i = 0; i < 20; i++) await incident(at(quiet[i % 4]!, 0, 0), quiet[i % 4]!, ago(8 + rng() * 22))
      ws = await runLive('key-person-incident')
    }, 180_000)

    it('finds the planted key persons at their levels and nothing else', () => {
      expect(levels(ws)).toEqual({ [`resident:${ids.kp1}`]: 'red', [`resident:${ids.kp2}`]: 'yellow', [`resident:${ids.kp5}`]: 'yellow' })
    })

    it('titles by category and village, points at the newest incident, explains with the count', () => {
      const w = bySubject(ws, `resident:${ids.kp1}`)
      expect(w.title).toMatch(/^重点人员（社区矫正）周边新发警情：\S+$/)
      expect(w.explanation).toContain('重点人员住处 50 米内近7日警情 3 起')
      expect(w.metrics).toMatchObject({ count: 3, radiusM: 50, keyCategories: 'community_correction' })
      expect(w.geometry.coordinates[0]).toBeCloseTo(newestNearK0.lng, 6)
      expect(w.geometry.coordinates[1]).toBeCloseTo(newestNearK0.lat, 6)
      expect(w.village_code).toBe(k0.village)
      expect(bySubject(ws, `resident:${ids.kp2}`).title).toMatch(/^重点人员（吸毒、重点信访）周边新发警情：/)
    })
  })

  // ── 5. Self-checks ──────────────────────────────────────────────────────────────────────
  describe('overdue self-checks (企业自查)', () => {
    let ws: W[]
    beforeAll(async () => {
      await reset()
      const g = [nextGrid(), nextGrid(), nextGrid()]
      let orgNo = 0
      const org = async (
        orgId: string,
        o: { every: number | null; createdDaysAgo?: number; status?: string; checks?: [number, number][]; gi?: number },
      ) => {
        const gg = g[o.gi ?? orgNo % 3]!
        const p = at(gg, (orgNo % 20) * 30, Math.floor(orgNo / 20) * 30)
        orgNo++
        const [r] = await sql()<{ id: string }[]>`
          INSERT INTO organisations (org_id, name, type, status, responsible_name_sealed, responsible_name_masked, responsible_phone_sealed,
                                     responsible_phone_masked, self_check_every_days, self_check_checklist, address, geom, town_code,
                                     village_code, grid_code, created_at)
          VALUES (${orgId}, ${`测试餐馆${orgId}`}, 'shop', ${o.status ?? 'active'}, ${`sealed:${NAME}`}, ${NAME_MASKED}, ${`sealed:${PHONE}`},
                  ${PHONE_MASKED}, ${o.every}, ${o.every === null ? null : 'fire'}, '测试路2号', ST_SetSRID(ST_MakePoint(${p.lng}, ${p.lat}), 4326),
                  ${gg.town}, ${gg.village}, ${gg.code}, ${ago(o.createdDaysAgo ?? 400)})
          RETURNING id::text`
        // A check at 10:00 Shanghai time `d` days back, with `f` failed items.
        for (const [d, f] of o.checks ?? []) {
          await sql()`INSERT INTO self_checks (organisation_id, checked_at, checklist, items, failed_items, actor)
            VALUES (${r!.id}::bigint, ${new Date(AS_OF.getTime() - d * DAY_MS + 10 * HOUR_MS)}, 'fire', 12,
                    ${Array.from({ length: f }, (_, k) => `fire-${k + 1}`)}::text[], ${NAME_MASKED})`
        }
      }
      await org('T-O1', {
        every: 30,
        checks: [
          [70, 0],
          [-2, 0],
        ],
      }) // 40 days overdue (a check after the as-of day is not seen): red
      await org('T-O2', {
        every: 30,
        checks: [
          [40, 0],
          [75, 0],
        ],
      }) // 10: yellow
      await org('T-O3', {
        every: 30,
        checks: [
          [25, 2],
          [55, 1],
          [85, 3],
        ],
      }) // on time, 3 failing in a row: orange
      await org('T-O4', { every: 30, checks: [[44, 0]] }) // 14 exactly: orange
      await org('T-O5', { every: 30, checks: [[43, 0]] }) // 13: yellow
      await org('T-O6', { every: 30, checks: [[30, 0]] }) // 0: none
      await org('T-O7', { every: 30, createdDaysAgo: 60 }) // never checked, registered 60 days ago: 30, red
      await org('T-O8', {
        every: 30,
        checks: [
          [35, 1],
          [65, 1],
          [95, 2],
        ],
      }) // failing streak and 5 days overdue: red
      await org('T-O9', {
        every: 30,
        checks: [
          [10, 1],
          [40, 0],
          [70, 2],
        ],
      }) // failures not in a row, on time: none
      await org('T-O10', { every: 30, status: 'closed', checks: [[200, 0]] }) // closed: none
      await org('T-O11', { every: null }) // no duty: none
      // Noise: 40 organisations checking on time (every 7, 30 or 90 days, at 60–95 % of the
      // period), failing now and then but never twice running.
      const rng = createRng('self-check')
      let noise = 0
      for (let i = 0; i < 40; i++) {
        const every = [7, 30, 90][randInt(rng, 0, 2)]!
        const checks: [number, number][] = []
        let d = Math.floor(every * (0.1 + 0.8 * rng()))
        let lastFailed = false
        while (d < 365) {
          const fail: boolean = !lastFailed && rng() < 0.2
          checks.push([d, fail ? randInt(rng, 1, 3) : 0])
          lastFailed = fail
          d += Math.max(1, Math.floor(every * (0.6 + 0.35 * rng())))
        }
        noise += checks.length
        await org(`T-N${i}`, { every, checks })
      }
      expect(noise).toBeGreaterThan(40)
      ws = await runLive('self-check-overdue')
    }, 180_000)

    it('finds the planted organisations at their levels and nothing else', () => {
      expect(levels(ws)).toEqual({
        'org:T-O1': 'red',
        'org:T-O2': 'yellow',
        'org:T-O3': 'orange',
        'org:T-O4': 'orange',
        'org:T-O5': 'yellow',
        'org:T-O7': 'red',
        'org:T-O8': 'red',
      })
    })

    it('explains with the duty, the last check, the days overdue and the failing streak', () => {
      const o1 = bySubject(ws, 'org:T-O1')
      expect(o1.title).toBe('企业自查逾期：测试餐馆T-O1')
      expect(o1.explanation).toBe(
        `应每 30 日自查一次（消防安全清单），上次自查 ${Number(dayAgo(70).slice(5, 7))}月${Number(dayAgo(70).slice(8))}日，已逾期 40 日`,
      )
      expect(o1.metrics).toMatchObject({ daysOverdue: 40, everyDays: 30, failStreak: 0 })
      expect(bySubject(ws, 'org:T-O3').explanation).toContain('近 3 次自查均有不合格项（共 6 项），至少橙色')
      expect(bySubject(ws, 'org:T-O7').explanation).toContain('从未自查')
      expect(bySubject(ws, 'org:T-O7').explanation).toContain('已逾期 30 日')
      expect(bySubject(ws, 'org:T-O8').explanation).toContain('且已逾期，定为红色')
    })
  })

  // ── 6. Gas cylinders ────────────────────────────────────────────────────────────────────
  describe('gas cylinders (液化气钢瓶)', () => {
    let ws: W[]
    let cellSubject: string
    beforeAll(async () => {
      await reset()
      const [gP, gC, gQ, gN] = [nextGrid(), nextGrid(), nextGrid(), nextGrid()]
      let n = 0
      const customer = async (g: Grid, p: Point) => {
        const [r] = await sql()<{ id: string }[]>`
          INSERT INTO organisations (org_id, name, type, responsible_name_masked, responsible_phone_masked, geom, town_code, village_code, grid_code, created_at)
          VALUES (${`T-GC${++n}`}, ${`测试饭店${n}`}, 'shop', ${NAME_MASKED}, ${PHONE_MASKED}, ST_SetSRID(ST_MakePoint(${p.lng}, ${p.lat}), 4326),
                  ${g.town}, ${g.village}, ${g.code}, ${ago(400)})
          RETURNING id::text`
        return r!.id
      }
      const cylinder = async (deviceId: string, owner: { org?: string; house?: string }, expected = 30) => {
        const [r] = await sql()<{ id: string }[]>`
          INSERT INTO devices (device_id, kind, organisation_id, house_id, expected_refill_days, installed_at)
          VALUES (${deviceId}, 'gas_cylinder', ${owner.org ?? null}::bigint, ${owner.house ?? null}::bigint, ${expected}, ${dayAgo(500)})
          RETURNING id::text`
        return r!.id
      }
      const event = async (
        device: string,
        kind: 'filling' | 'delivery',
        t: Date,
        p: Point | null,
        addressId: string | null = null,
        address: string | null = null,
      ) => {
        await sql()`INSERT INTO device_events (device_id, at, kind, station, address, address_id, geom)
          VALUES (${device}::bigint, ${t}, ${kind}, ${kind === 'filling' ? '测试充装站' : null}, ${address}, ${addressId},
                  ${p ? sql()`ST_SetSRID(ST_MakePoint(${p.lng}, ${p.lat}), 4326)` : null})`
      }
      // The unregistered point P (a standard address): 8 deliveries from 3 cylinders whose
      // customers are ~600 m away → red.
      const P = at(gP)
      await sql()`INSERT INTO addresses (address_id, address, geom, town_code, village_code, grid_code)
        VALUES ('T-ADDR-GP', '测试路88号', ST_SetSRID(ST_MakePoint(${P.lng}, ${P.lat}), 4326), ${gP.town}, ${gP.village}, ${gP.code})`
      const c1 = await cylinder('T-CYL-1', { org: await customer(gC, at(gP, 600, 0)) })
      const c2 = await cylinder('T-CYL-2', { org: await customer(gC, at(gP, 0, 650)) })
      const c3 = await cylinder('T-CYL-3', { org: await customer(gC, at(gP, -700, 0)) })
      for (const [c, k] of [
        [c1, 3],
        [c2, 3],
        [c3, 2],
      ] as const)
        for (let i = 0; i < k; i++) await event(c, 'delivery', ago(5 + 9 * i + k), at(P, i * 3, 0), 'T-ADDR-GP', '测试路88号')
      // T-CYL-1 is also filled every 6 days (15 times) → orange, being delivered elsewhere too.
      for (let i = 0; i < 15; i++) await event(c1, 'filling', ago(1 + 6 * i), null)
      // Q, no address: exactly 4 deliveries from T-CYL-4 → orange; R: 1 (none); a point 90 m from
      // its customer is not unregistered (T-CYL-5); deliveries 100 days back are outside the window.
      const Q = at(gQ, 12, 12)
      const c4 = await cylinder('T-CYL-4', { org: await customer(gQ, at(gQ, 400, 400)) })
      for (let i = 0; i < 4; i++) await event(c4, 'delivery', ago(3 + 10 * i), Q)
      await event(c4, 'delivery', ago(4), at(gQ, -300, -300))
      cellSubject = deliveryPoint({ addressId: null, ...Q }, 50)
      const home5 = at(gQ, -600, 600)
      const c5 = await cylinder('T-CYL-5', { org: await customer(gQ, home5) })
      for (let i = 0; i < 3; i++) await event(c5, 'delivery', ago(2 + 20 * i), at(home5, 0, 90))
      // T-CYL-5 filled every 5 days → yellow. T-CYL-6: exactly every 15 days (half of 30: not
      // below, none) and 3 deliveries 100 days back; T-CYL-7: 2 fillings 3 days apart (too few).
      for (let i = 0; i < 12; i++) await event(c5, 'filling', ago(2 + 5 * i), null)
      const c6 = await cylinder('T-CYL-6', { org: await customer(gQ, at(gQ, 900, -900)) })
      for (let i = 0; i < 5; i++) await event(c6, 'filling', ago(3 + 15 * i), null)
      for (let i = 0; i < 3; i++) await event(c6, 'delivery', ago(100 + i), Q)
      const c7 = await cylinder('T-CYL-7', { org: await customer(gQ, at(gQ, -900, -900)) })
      await event(c7, 'filling', ago(10), null)
      await event(c7, 'filling', ago(7), null)
      // Noise: 40 cylinders of shops and houses, filled every 30 days ± 20 %, delivered to their customer (0–60 m).
      const rng = createRng('gas-cylinder')
      let noise = 0
      for (let i = 0; i < 40; i++) {
        const home = at(gN, randInt(rng, -800, 800), randInt(rng, -800, 800))
        const owner =
          i % 2 === 0
            ? { org: await customer(gN, home) }
            : {
                house: (
                  await house(gN, {
                    rooms: 2,
                    use: 'self_occupied',
                    dx: (home.lng - gN.lng) * M_PER_DEG_LNG,
                    dy: (home.lat - gN.lat) * M_PER_DEG_LAT,
                  })
                ).id,
              }
        const c = await cylinder(`T-CYL-N${i}`, owner)
        let d = rng() * 20
        while (d < 88) {
          await event(c, 'filling', ago(d), null)
          await event(c, 'delivery', ago(d - 0.2 > 0 ? d - 0.2 : d), at(home, randInt(rng, -40, 40), randInt(rng, -40, 40)))
          noise += 2
          d += 24 + rng() * 12
        }
      }
      expect(noise).toBeGreaterThan(8 + 15 + 5 + 3 + 12 + 5 + 3 + 2)
      ws = await runLive('gas-cylinder')
    }, 180_000)

    it('finds the unregistered points and the over-filled cylinders at their levels, nothing else', () => {
      expect(levels(ws)).toEqual({
        'point:T-ADDR-GP': 'red',
        [cellSubject]: 'orange',
        'cylinder:T-CYL-1': 'orange',
        'cylinder:T-CYL-5': 'yellow',
      })
    })

    it('explains with the deliveries, the cylinders and the filling intervals', () => {
      const p = bySubject(ws, 'point:T-ADDR-GP')
      expect(p.title).toBe('液化气钢瓶配送至非登记地点：测试路88号')
      expect(p.explanation).toContain('配送液化气钢瓶 8 次，涉及钢瓶 3 个')
      expect(p.metrics).toMatchObject({ deliveries: 8, cylinders: 3 })
      expect(bySubject(ws, cellSubject).explanation).toContain('配送液化气钢瓶 4 次，涉及钢瓶 1 个')
      const c1 = bySubject(ws, 'cylinder:T-CYL-1')
      expect(c1.explanation).toContain('充装 15 次，充装间隔中位数 6 日，低于正常周期 30 日的 50%（15 日）')
      expect(c1.explanation).toContain('另有 3 次配送至距登记用户 100 米以外，升为橙色')
      expect(bySubject(ws, 'cylinder:T-CYL-5').metrics).toMatchObject({ fillings: 12, medianIntervalDays: 5, expectedRefillDays: 30 })
    })
  })

  // ── 7. Patrol gaps ──────────────────────────────────────────────────────────────────────
  describe('patrol gaps (巡防空白)', () => {
    let ws: W[]
    const T: Grid[] = []
    beforeAll(async () => {
      await reset()
      for (let i = 0; i < 8; i++) T.push(nextGrid())
      let patrolNo = 0
      const patrol = async (codes: string[], endedDaysAgo: number) => {
        const end = ago(endedDaysAgo)
        await sql()`INSERT INTO patrols (patrol_id, team, members, started_at, ended_at, grid_codes)
          VALUES (${`T-P${++patrolNo}`}, '测试巡防队', 2, ${new Date(end.getTime() - 2 * HOUR_MS)}, ${end}, ${codes}::text[])`
      }
      /** `before` incidents in the 14 days before the window, `recent` in the window. */
      const counts = async (g: Grid, before: number, recent: number) => {
        for (let i = 0; i < before; i++) await incident(g, g, ago(14.5 + (13 * i) / Math.max(1, before)))
        for (let i = 0; i < recent; i++) await incident(g, g, ago(0.5 + (13 * i) / Math.max(1, recent)))
      }
      await counts(T[0]!, 5, 10) // doubled; last patrol 30 days ago → red
      await patrol([T[0]!.code], 30)
      await patrol([T[0]!.code], 45)
      await counts(T[1]!, 4, 8) // last patrol 10 days ago → yellow
      await patrol([T[1]!.code], 10)
      await counts(T[2]!, 3, 6) // patrol ended exactly 14 days ago → orange
      await patrol([T[2]!.code], 14)
      await counts(T[3]!, 2, 6) // patrolled 6 days 23 hours ago → none
      await patrol([T[3]!.code], 7 - 1 / 24)
      await counts(T[4]!, 0, 5) // exactly minIncidents, never patrolled → 60 days, red
      await counts(T[5]!, 0, 4) // one under minIncidents, never patrolled → none
      await counts(T[6]!, 4, 6) // exactly 1.5 × → rising; 30 days → red
      await patrol([T[6]!.code], 30)
      await counts(T[7]!, 5, 7) // 1.4 × → not rising; never patrolled → none
      // A patrol that starts after the as-of time is not seen.
      await sql()`INSERT INTO patrols (patrol_id, team, members, started_at, ended_at, grid_codes)
        VALUES ('T-P-future', '测试巡防队', 2, ${new Date(AS_OF.getTime() + HOUR_MS)}, ${new Date(AS_OF.getTime() + 3 * HOUR_MS)}, ${[T[0]!.code]}::text[])`
      // Noise: 20 grids with flat incidents (Poisson, 0.6 a day over 28 days; some rise by
      // chance) patrolled at least every 5 days by patrols covering 1–3 of them.
      const rng = createRng('patrol-gap')
      const N = Array.from({ length: 20 }, () => nextGrid())
      let noise = 0
      for (const g of N) {
        for (let d = 0; d < 28; d++) {
          for (let k = poisson(rng, 0.6); k > 0; k--) {
            await incident(at(g, randInt(rng, -200, 200), randInt(rng, -200, 200)), g, ago(d + rng()))
            noise++
          }
        }
      }
      for (const [i, g] of N.entries()) {
        for (let d = rng() * 5; d < 60; d += 1 + rng() * 4) {
          const others = [N[(i + 1) % 20]!, N[(i + 7) % 20]!].slice(0, randInt(rng, 0, 2)).map((x) => x.code)
          await patrol([g.code, ...others], d)
        }
      }
      expect(noise).toBeGreaterThan(5 + 10 + 4 + 8 + 3 + 6 + 2 + 6 + 5 + 4 + 4 + 6 + 5 + 7)
      ws = await runLive('patrol-gap')
    }, 240_000)

    it('finds the planted grids at their levels and nothing else', () => {
      expect(levels(ws)).toEqual({
        [`grid:${T[0]!.code}`]: 'red',
        [`grid:${T[1]!.code}`]: 'yellow',
        [`grid:${T[2]!.code}`]: 'orange',
        [`grid:${T[4]!.code}`]: 'red',
        [`grid:${T[6]!.code}`]: 'red',
      })
    })

    it('explains with the days without a patrol and the incidents before and now', () => {
      const w = bySubject(ws, `grid:${T[0]!.code}`)
      expect(w.title).toMatch(/^巡防空白：\S+$/)
      expect(w.explanation).toContain('已 30 日无巡防轨迹经过')
      expect(w.explanation).toContain('近14日警情 10 起，前14日 5 起，为前14日的 2 倍')
      expect(w.metrics).toMatchObject({ daysSincePatrol: 30, recent: 10, before: 5, rise: 2 })
      expect(w.grid_code).toBe(T[0]!.code)
      expect(bySubject(ws, `grid:${T[4]!.code}`).explanation).toContain('近60日无巡防轨迹经过')
      expect(bySubject(ws, `grid:${T[1]!.code}`).metrics).toMatchObject({ daysSincePatrol: 10 })
    })
  })

  it('lists 17 built-in models, the seven new ones among them', async () => {
    const rows = await sql()<{ id: string; kind: string }[]>`SELECT id, kind FROM models WHERE builtin ORDER BY id`
    expect(rows).toHaveLength(17)
    expect(rows.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        'group-rental',
        'registration-gap',
        'dispute-recurrence',
        'key-person-incident',
        'self-check-overdue',
        'gas-cylinder',
        'patrol-gap',
      ]),
    )
  })
})
