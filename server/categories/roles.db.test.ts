/**
 * A district that is not Xiaoshan onboards its own catalogue and binds the roles (issue 20), on
 * the database under test: the catalogue import (codes like ZA01 and 010100, rejects by line,
 * re-runs unchanged, import_runs, --replace removing only what nothing uses), the role binding
 * (mapping file and API, unknown roles and codes named), and what users then see: fires counted
 * over exactly the items bound to `fire`, an unbound role shown as "not configured" and never
 * computed — in indicators, rankings and models (no run, no warnings, and why).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ImportInputError } from '../imports/csv.ts'
import type { IndicatorsResponse, RankingResponse } from '../indicators/schema.ts'
import { executeRun } from '../models/runner.ts'
import { createModelService } from '../models/service.ts'
import { createRun, ensureBuiltinModels, getModel } from '../models/store.ts'
import { TEST_KIND } from '../testing/db.ts'
import { startTestServer, type TestServer } from '../testing/harness.ts'
import { importCategories } from './import-csv.ts'
import { importRoleMapping } from './import-roles.ts'
import type { CategoryRolesResponse } from './roles.ts'
import type { CategoriesResponse } from './schema.ts'

/** The other district's catalogue, with four bad lines (9, 11, 12, 13). */
const CATALOGUE = [
  'code,name,parent_code,name_en',
  'ZA,治安,,Public order',
  'ZA01,入室盗窃,ZA,Burglary',
  'ZA02,盗窃电动车,ZA,',
  'ZC,消防,,Fire service',
  'ZC01,火灾,ZC,Fire',
  'ZC02,电气火灾,ZC,Electrical fire',
  'ZC03,火警,ZC,Fire alarm',
  'ZA09,无主小类,ZX,',
  'ZD,矛盾纠纷,,Disputes',
  'ZA01,重复的,ZA,',
  'Z A,空格,ZA,',
  'ZB01,小类之下,ZA01,',
  'ZD01,邻里纠纷,ZD,Neighbour dispute',
  '010100,家庭纠纷,ZD,Family dispute',
].join('\n')

/** The district's binding: fires are ZC01 and ZC02 (not the alarm ZC03); fraud, traffic, fights… unbound. */
const BINDING = {
  roles: { public_order: ['ZA'], burglary: ['ZA01'], fire: ['ZC01', 'ZC02'], fire_alarm: ['ZC03'], fire_incident: ['ZC'], dispute: ['ZD'] },
}

describe(`a district's own catalogue and role binding (${TEST_KIND})`, () => {
  let s: TestServer
  let dir: string
  let town: string
  let village: string
  const api = async <T = unknown>(p: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${s.url}${p}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', 'x-user': 'district-admin' },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    })
    return { status: res.status, body: (await res.json()) as T }
  }
  const write = (name: string, text: string) => {
    const file = path.join(dir, name)
    fs.writeFileSync(file, text)
    return file
  }

  beforeAll(async () => {
    s = await startTestServer({ seed: 'boundaries', web: false })
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-catalogue-'))
    const [v] = await s.db.sql<{ code: string; town: string }[]>`
      SELECT code, parent_code AS town FROM admin_areas WHERE level = 'village' ORDER BY code LIMIT 1`
    village = v!.code
    town = v!.town
    await s.db.sql`UPDATE admin_areas SET population = 10000 WHERE code = ${town}`
  }, 600_000)
  afterAll(async () => {
    await s?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('imports the catalogue, rejecting bad lines by number and reason, replacing the demo one', async () => {
    const file = write('catalogue.csv', CATALOGUE)
    const r = await importCategories(s.db, file, { replace: true })
    expect(r).toMatchObject({ read: 14, inserted: 10, updated: 0, unchanged: 0, rejected: 4 })
    expect(r.rejects.map((x) => [x.line, x.id, x.reason])).toEqual([
      [9, 'ZA09', 'unknown parent_code ZX: not a level-1 category of the file (with --replace every parent must be in the file)'],
      [11, 'ZA01', 'duplicate code (first on line 3)'],
      [12, 'Z A', 'code: a category code is 1–20 letters, digits, - or _'],
      [13, 'ZB01', 'parent_code ZA01 is an item (line 3), not a level-1 category'],
    ])
    // The report names the same lines; the run is recorded.
    const report = fs.readFileSync(`${file}.rejects.csv`, 'utf8').trim().split('\n')
    expect(report[0]).toBe('line,code,reason')
    expect(report.slice(1).map((l) => l.split(',')[0])).toEqual(['9', '11', '12', '13'])
    const [run] = await s.db.sql<{ kind: string; status: string; inserted: number; rejected: number }[]>`
      SELECT kind, status, inserted, rejected FROM import_runs WHERE id = ${r.runId}`
    expect(run).toEqual({ kind: 'categories', status: 'done', inserted: 10, rejected: 4 })
    // Nothing used the demo catalogue (boundaries only): it is gone, and its role bindings with it.
    expect(r.removed).toContain('0101')
    expect(r.removed).toContain('01')
    expect(r.kept).toEqual([])
    expect(r.unbound).toContainEqual({ role: 'fire', code: '0301' })

    const cats = (await api<CategoriesResponse>('/api/categories')).body
    expect(cats.map((c) => [c.code, c.items.map((i) => i.code)])).toEqual([
      ['ZA', ['ZA01', 'ZA02']],
      ['ZC', ['ZC01', 'ZC02', 'ZC03']],
      ['ZD', ['ZD01', '010100']],
    ])
    expect(cats[0]!.items[1]).toMatchObject({ code: 'ZA02', nameZh: '盗窃电动车', nameEn: '盗窃电动车' })
  })

  it('re-runs safely: the same file changes nothing', async () => {
    const r = await importCategories(s.db, Readable.from([CATALOGUE]), { fileName: 'again.csv', replace: true })
    expect(r).toMatchObject({ read: 14, inserted: 0, updated: 0, unchanged: 10, rejected: 4, removed: [], kept: [] })
  })

  it('binds roles from a mapping file; an unknown role or code is an error naming it and changes nothing', async () => {
    const bad = async (mapping: unknown, message: RegExp) => {
      const err = await importRoleMapping(s.db, write('bad.json', JSON.stringify(mapping))).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ImportInputError)
      expect((err as Error).message).toMatch(message)
    }
    await bad({ roles: { fyre: ['ZC01'] } }, /roles\.fyre: unknown role "fyre" \(known: public_order, /)
    await bad({ roles: { fire: ['ZC01', 'ZC99'] } }, /roles\.fire\.1: unknown category "ZC99"/)
    await bad({ role: {} }, /roles: /)
    const roles = (await api<CategoryRolesResponse>('/api/category-roles')).body
    expect(roles.roles).toEqual({}) // --replace unbound every demo role; the bad files changed nothing

    const r = await importRoleMapping(s.db, write('mapping.json', JSON.stringify(BINDING)))
    expect(r.changed).toEqual(['public_order', 'burglary', 'fire', 'fire_alarm', 'fire_incident', 'dispute'])
    expect(r.roles.fire).toMatchObject({ configured: true, items: ['ZC01', 'ZC02'] })
    expect(r.roles.dispute.items).toEqual(['010100', 'ZD01'])
    expect(r.unbound).toEqual(['ebike_theft', 'fight', 'traffic', 'traffic_injury', 'ebike_accident', 'fraud', 'production_safety'])
    expect(r.roles.fraud.reason).toBe('role fraud (电信网络诈骗) is not bound to any category')
  })

  it("sets the binding over the API (400 naming the field) and answers it in the file's shape", async () => {
    const bad = await api<{ error: string; details: { where: string }[] }>('/api/category-roles', {
      method: 'PUT',
      body: { roles: { fire: ['ZC01', 'NOPE'] } },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.details.map((d) => d.where)).toEqual(['body.roles.fire.1'])
    const role = await api<{ error: string }>('/api/category-roles', { method: 'PUT', body: { roles: { arson: ['ZC01'] } } })
    expect(role.status).toBe(400)
    expect(role.body.error).toMatch(/body\.roles\.arson: unknown role "arson"/)
    const same = await api<CategoryRolesResponse & { changed: string[] }>('/api/category-roles', { method: 'PUT', body: BINDING })
    expect(same.status).toBe(200)
    expect(same.body.changed).toEqual([])
    expect(same.body.roles).toEqual(BINDING.roles)
    const got = (await api<CategoryRolesResponse>('/api/category-roles')).body
    expect(got.updatedBy).toBe('import:mapping.json')
    expect(got.states.find((x) => x.role === 'fire_incident')).toMatchObject({
      codes: ['ZC'],
      items: ['ZC01', 'ZC02', 'ZC03'],
      configured: true,
    })
    expect(got.states.find((x) => x.role === 'traffic')).toMatchObject({
      configured: false,
      items: [],
      reason: 'role traffic (交通) is not bound to any category',
    })
  })

  it('counts fires over exactly the items bound to fire; unbound indicators are not configured and have no value', async () => {
    // October 2026 in one town of 10,000: fires ZC01 ×2 and ZC02 ×1, alarms ZC03 ×4, burglaries ZA01 ×3.
    const plant: [string, number][] = [
      ['ZC01', 2],
      ['ZC02', 1],
      ['ZC03', 4],
      ['ZA01', 3],
    ]
    const rows = plant.flatMap(([code, n]) =>
      Array.from({ length: n }, (_, i) => ({
        incident_id: `other-${code}-${i}`,
        reported_at: new Date(`2026-10-1${i}T10:00:00+08:00`),
        category_code: code,
        town_code: town,
        village_code: village,
      })),
    )
    await s.db.sql`INSERT INTO incidents ${s.db.sql(rows, 'incident_id', 'reported_at', 'category_code', 'town_code', 'village_code')}`

    const r = (await api<IndicatorsResponse>('/api/indicators?level=town&month=2026-10')).body
    const t = r.areas.find((a) => a.code === town)!.indicators
    // A district whose fire items are ZC01 and ZC02 sees fires = their incidents: 3, per 10,000: 3.
    expect(t.fires_per_10k).toMatchObject({ value: 3, n: 3 })
    expect(t.fire_per_10k).toMatchObject({ value: 7, n: 7 })
    expect(t.public_order_per_10k).toMatchObject({ value: 3, n: 3 })
    expect(t.incidents_per_10k).toMatchObject({ value: 10, n: 10 })
    const def = (id: string) => r.definitions.find((d) => d.id === id)!
    expect(def('fires_per_10k')).toMatchObject({ role: 'fire', configured: true, reason: null, items: ['ZC01', 'ZC02'] })
    expect(def('fires_per_10k').note).toMatch(/本区：ZC01 火灾、ZC02 电气火灾/)
    // Fraud and traffic are unbound: "not configured", named, and never a zero — in every area.
    expect(def('frauds_per_10k')).toMatchObject({
      role: 'fraud',
      configured: false,
      items: [],
      reason: 'role fraud (电信网络诈骗) is not bound to any category',
    })
    expect(def('traffic_casualties_per_10k')).toMatchObject({ configured: false, reason: expect.stringMatching(/traffic_injury/) })
    for (const a of r.areas) {
      expect(a.indicators.frauds_per_10k).toEqual({ value: null, n: null, base: null, previous: null, change: null })
      expect(a.indicators.traffic_per_10k.value).toBeNull()
    }
  })

  it('ranks over the configured indicators only, and says which are not configured and why', async () => {
    const r = (await api<RankingResponse>('/api/rankings?level=town&month=2026-10')).body
    const ind = (id: string) => r.indicators.find((i) => i.id === id)!
    expect(ind('fires_per_10k')).toMatchObject({ weight: 10, configured: true, items: ['ZC01', 'ZC02'] })
    expect(ind('frauds_per_10k')).toMatchObject({ weight: 10, configured: false, reason: expect.stringMatching(/role fraud/) })
    expect(ind('traffic_casualties_per_10k')).toMatchObject({ configured: false })
    const area = r.areas.find((a) => a.code === town)!
    expect(Object.keys(area.parts).sort()).toEqual([
      'fires_per_10k',
      'incidents_per_10k',
      'incidents_yoy_pct',
      'task_closeout_rate',
      'task_ontime_rate',
      'warning_response_hours',
    ])
    expect(area.values.frauds_per_10k).toBeNull()
    expect(area.score).not.toBeNull()
  })

  it('shows models whose roles are unbound as not configured: never run, no warnings, and why', async () => {
    const { items } = (
      await api<{ items: { id: string; configured: boolean; reason: string | null; definition: { roles: string[] } }[] }>('/api/models')
    ).body
    const m = (id: string) => items.find((x) => x.id === id)!
    expect(m('concentration-fire')).toMatchObject({ configured: true, reason: null, definition: { roles: ['fire', 'fire_alarm'] } })
    expect(m('concentration-fraud')).toMatchObject({ configured: false, reason: 'role fraud (电信网络诈骗) is not bound to any category' })
    expect(m('near-repeat')).toMatchObject({ configured: false, reason: 'role ebike_theft (盗窃电动车) is not bound to any category' })
    expect(m('dispute-escalation')).toMatchObject({ configured: false, reason: expect.stringMatching(/role fight/) })
    expect(m('surge')).toMatchObject({ configured: true })

    const refused = await api<{ error: string }>('/api/models/concentration-fraud/runs', { method: 'POST', body: {} })
    expect(refused.status).toBe(409)
    expect(refused.body.error).toMatch(
      /^model concentration-fraud is not configured: role fraud \(电信网络诈骗\) is not bound to any category/,
    )

    // A run queued before the binding changed finds the model unconfigured: failed with why, no warnings.
    const model = (await getModel(s.db.sql, 'concentration-fraud'))!
    const queued = await createRun(s.db.sql, model, { trigger: 'manual', asOf: new Date('2026-11-01T00:00:00+08:00'), actor: 'test' })
    await executeRun(s.db, String(queued.id))
    const [run] = await s.db.sql<{ status: string; error: string }[]>`SELECT status, error FROM model_runs WHERE id = ${queued.id}`
    expect(run).toEqual({
      status: 'failed',
      error: 'model concentration-fraud is not configured: role fraud (电信网络诈骗) is not bound to any category',
    })

    // Start-up runs every configured model and none of the others.
    const configured = items
      .filter((x) => x.configured)
      .map((x) => x.id)
      .sort()
    expect(configured).toEqual([
      'concentration-fire',
      'emerging',
      'gas-cylinder',
      'group-rental',
      'hotspot',
      'key-person-incident',
      'overdue',
      'patrol-gap',
      'registration-gap',
      'repeat-address',
      'self-check-overdue',
      'surge',
    ])
    // The dispute chains' fights are unbound too.
    expect(m('dispute-recurrence')).toMatchObject({ configured: false, reason: expect.stringMatching(/role fight/) })
    const svc = createModelService(s.db, { scheduler: false, runOnStart: true, tickMs: 60_000 })
    svc.start()
    let ran: { model_id: string; status: string }[] = []
    try {
      for (let i = 0; i < 2400; i++) {
        ran = await s.db.sql<
          { model_id: string; status: string }[]
        >`SELECT model_id, status FROM model_runs WHERE trigger = 'startup' ORDER BY model_id`
        if (ran.length >= configured.length && ran.every((x) => x.status === 'done' || x.status === 'failed')) break
        await new Promise((ok) => setTimeout(ok, 100))
      }
    } finally {
      svc.stop()
      await svc.idle()
    }
    expect(ran).toEqual(configured.map((model_id) => ({ model_id, status: 'done' })))
    const [w] = await s.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM warnings
      WHERE model_id IN ('concentration-fraud', 'concentration-ebike', 'near-repeat', 'dispute-escalation', 'dispute-recurrence')`
    expect(w!.n).toBe(0)
  }, 300_000)

  it('moves a built-in stored with item codes (before roles) to its role form, unless someone edited it', async () => {
    // As an older version stored them: Xiaoshan's codes, by the system only…
    const oldForm = async (id: string, codes: string[]) => ({
      ...(await getModel(s.db.sql, id))!.definition,
      roles: undefined,
      categories: codes,
    })
    const fraud = await oldForm('concentration-fraud', ['05'])
    await s.db.sql`UPDATE models SET definition = ${s.db.sql.json(fraud as never)} WHERE id = 'concentration-fraud'`
    await s.db.sql`UPDATE model_versions SET definition = ${s.db.sql.json(fraud as never)} WHERE model_id = 'concentration-fraud'`
    // …and one an analyst edited since (version 2).
    const ebike = await oldForm('concentration-ebike', ['0203'])
    await s.db
      .sql`UPDATE models SET version = 2, definition = ${s.db.sql.json(ebike as never)}, updated_by = 'analyst' WHERE id = 'concentration-ebike'`
    await s.db
      .sql`INSERT INTO model_versions (model_id, version, definition, created_by) VALUES ('concentration-ebike', 2, ${s.db.sql.json(ebike as never)}, 'analyst')`
    await ensureBuiltinModels(s.db.sql)
    expect(await getModel(s.db.sql, 'concentration-fraud')).toMatchObject({
      version: 2,
      updatedBy: 'system',
      definition: { roles: ['fraud'], categories: [] },
    })
    expect((await getModel(s.db.sql, 'concentration-fraud', 1))!.definition).toMatchObject({ roles: [], categories: ['05'] })
    expect(await getModel(s.db.sql, 'concentration-ebike')).toMatchObject({
      version: 2,
      updatedBy: 'analyst',
      definition: { roles: [], categories: ['0203'] },
    })
    // Untouched built-ins already in their role form get no new version.
    await ensureBuiltinModels(s.db.sql)
    expect((await getModel(s.db.sql, 'concentration-fraud'))!.version).toBe(2)
    expect((await getModel(s.db.sql, 'surge'))!.version).toBe(1)
  })

  it('keeps, on a re-import without them, the codes incidents carry; removes the rest only with --replace', async () => {
    // The file drops ZA01 (3 incidents) and ZD01 (none).
    const smaller = CATALOGUE.split('\n')
      .filter((l) => !l.startsWith('ZA01,') && !l.startsWith('ZD01,'))
      .join('\n')
    const plain = await importCategories(s.db, write('smaller.csv', smaller))
    expect(plain.removed).toEqual([])
    expect(plain.kept.map((k) => k.code)).toEqual(['ZA01', 'ZD01'])
    expect(plain.warnings.join(' ')).toMatch(/2 codes of the catalogue are not in the file and were left as they are/)
    const replaced = await importCategories(s.db, write('smaller.csv', smaller), { replace: true })
    expect(replaced.kept).toEqual([{ code: 'ZA01', reason: 'carried by 3 incidents' }])
    expect(replaced.removed).toEqual(['ZD01'])
    const codes = (await api<CategoriesResponse>('/api/categories')).body.flatMap((c) => c.items.map((i) => i.code))
    expect(codes).toContain('ZA01')
    expect(codes).not.toContain('ZD01')
    // The burglary binding to the kept item stands.
    expect((await api<CategoryRolesResponse>('/api/category-roles')).body.roles.burglary).toEqual(['ZA01'])
  })
})
