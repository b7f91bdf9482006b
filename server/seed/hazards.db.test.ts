import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { overdueHazards } from '../hazards/store.ts'
import { overdueTasks } from '../tasks/store.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { generateHazards } from './hazards.ts'
import { generateAddresses, generateBoundaries } from './index.ts'
import { loadAddresses, loadAreas, loadHazardsAndTasks } from './load.ts'

const END = new Date('2026-11-01T00:00:00+08:00')

describe(`demo hazards and tasks in the database (${TEST_KIND})`, () => {
  let t: TestDb
  const data = { hazards: 0, tasks: 0 }
  beforeAll(async () => {
    t = await createTestDb()
    const areas = generateBoundaries('xiaoshan')
    await loadAreas(t.db.sql, areas)
    const addresses = [...generateAddresses(areas, { seed: 'xiaoshan', count: 5_000 })]
    await loadAddresses(t.db, addresses)
    const register = generateHazards(addresses, { seed: 'xiaoshan', count: 120, end: END })
    Object.assign(data, await loadHazardsAndTasks(t.db, register))
    // Seeding again changes nothing.
    await loadHazardsAndTasks(t.db, register)
  }, 120_000)
  afterAll(async () => {
    await t?.drop()
  })

  it('loads every hazard and task once, with its history', async () => {
    const [c] = await t.db.sql<{ h: number; t: number; he: number; te: number; bad: number }[]>`
      SELECT (SELECT count(*)::int FROM hazards) AS h, (SELECT count(*)::int FROM tasks) AS t,
             (SELECT count(DISTINCT hazard_id)::int FROM hazard_events) AS he, (SELECT count(DISTINCT task_id)::int FROM task_events) AS te,
             (SELECT count(*)::int FROM hazards h WHERE status <> (SELECT to_status FROM hazard_events e WHERE e.hazard_id = h.id ORDER BY at DESC, id DESC LIMIT 1)) AS bad`
    expect(c).toEqual({ h: data.hazards, t: data.tasks, he: data.hazards, te: data.tasks, bad: 0 })
    expect(data.tasks).toBeGreaterThan(30)
  })

  it('has overdue hazards and tasks at the seed end', async () => {
    expect((await overdueHazards(t.db.sql, END)).length).toBeGreaterThan(0)
    expect((await overdueTasks(t.db.sql, END)).length).toBeGreaterThan(0)
  })
})
