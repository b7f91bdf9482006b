/**
 * The seven full-view models on the `small` demo (server/seed/full-view.ts plants one pattern of
 * each, docs/models.md#the-full-view-models-issue-26): each run live as of the seed's end finds
 * the planted subjects at their levels and nothing else, in well under a second, with no personal
 * data in any warning. The seed always loads the full view: a demo without it fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createTestDb, TEST_KIND, TEST_SEED_END, type TestDb } from '../testing/db.ts'
import { executeRun } from './runner.ts'
import { createRun, ensureBuiltinModels, getModel, getRun } from './store.ts'

interface W {
  subject: string
  level: string
  title: string
  explanation: string
  metrics: Record<string, unknown>
}

describe(`full-view models on the small demo (${TEST_KIND})`, () => {
  let t: TestDb
  beforeAll(async () => {
    t = await createTestDb({ seed: 'small' })
    await ensureBuiltinModels(t.db.sql)
  }, 1_800_000)
  afterAll(async () => {
    await t?.drop()
  })

  /** Runs a model live as of the seed's end; its warnings, checked for personal data. */
  const runLive = async (id: string): Promise<W[]> => {
    const run = await createRun(t.db.sql, (await getModel(t.db.sql, id))!, { trigger: 'schedule', asOf: TEST_SEED_END, actor: 'system' })
    await executeRun(t.db, String(run.id))
    const done = (await getRun(t.db.sql, String(run.id)))!
    expect(done.status, done.error ?? '').toBe('done')
    expect(done.durationMs!).toBeLessThan(10_000)
    const ws = await t.db.sql<W[]>`
      SELECT subject, level, title, explanation, metrics FROM warnings WHERE model_id = ${id} AND last_run_id = ${run.id} ORDER BY subject`
    // No resident's, party's or responsible person's masked name or phone, and no person or party id.
    const pii = await t.db.sql<{ v: string }[]>`
      SELECT v FROM (
        SELECT name_masked AS v FROM residents UNION SELECT phone_masked FROM residents UNION SELECT person_id FROM residents
        UNION SELECT name_masked FROM dispute_parties UNION SELECT phone_masked FROM dispute_parties UNION SELECT party_id FROM dispute_parties
        UNION SELECT responsible_name_masked FROM organisations UNION SELECT responsible_phone_masked FROM organisations
      ) x WHERE v IS NOT NULL AND length(v) >= 3`
    for (const w of ws) {
      const text = JSON.stringify(w)
      for (const { v } of pii) expect(text.includes(v), `${w.subject} holds ${v}`).toBe(false)
    }
    return ws
  }
  const levels = (ws: readonly W[]) => ws.map((w) => w.level).sort()

  it('has the full view seeded', async () => {
    const [r] = await t.db.sql<
      { houses: number; residents: number; organisations: number; disputes: number; patrols: number; devices: number }[]
    >`
      SELECT (SELECT count(*)::int FROM houses) AS houses, (SELECT count(*)::int FROM residents) AS residents,
             (SELECT count(*)::int FROM organisations) AS organisations, (SELECT count(*)::int FROM disputes) AS disputes,
             (SELECT count(*)::int FROM patrols) AS patrols, (SELECT count(*)::int FROM devices) AS devices`
    for (const [table, n] of Object.entries(r!)) expect(n, `${table} in the small demo`).toBeGreaterThan(0)
  })

  it('finds each planted pattern at its level and nothing else', async () => {
    const gr = await runLive('group-rental')
    expect(levels(gr)).toEqual(['red', 'red', 'red'])
    for (const w of gr) expect(w.metrics.occupants as number).toBeGreaterThanOrEqual(12)

    const rg = await runLive('registration-gap')
    expect(levels(rg)).toEqual(['orange', 'red'])

    const dr = await runLive('dispute-recurrence')
    expect(dr.map((w) => [w.metrics.count, w.level]).sort()).toEqual([
      [2, 'yellow'],
      [4, 'red'],
    ])

    const kp = await runLive('key-person-incident')
    expect(kp.map((w) => [w.metrics.count, w.level]).sort()).toEqual([
      [1, 'yellow'],
      [3, 'red'],
    ])

    const sc = await runLive('self-check-overdue')
    expect(sc.map((w) => [w.metrics.daysOverdue, w.metrics.failStreak, w.level]).sort()).toEqual([
      [0, 3, 'orange'],
      [10, 0, 'yellow'],
      [40, 0, 'red'],
    ])

    const gas = await runLive('gas-cylinder')
    const point = gas.find((w) => w.subject.startsWith('point:'))!
    expect(point).toMatchObject({ level: 'red', metrics: { deliveries: 8, cylinders: 3 } })
    expect(gas.filter((w) => w.subject.startsWith('cylinder:')).map((w) => w.level)).toEqual(['yellow'])
    expect(gas).toHaveLength(2)

    const pg = await runLive('patrol-gap')
    expect(pg.map((w) => [w.metrics.daysSincePatrol, w.level]).sort()).toEqual([
      [10, 'yellow'],
      [30, 'red'],
    ])
  }, 600_000)
})
