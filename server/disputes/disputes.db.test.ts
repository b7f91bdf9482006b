import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type ScopedServer, startScopedServer } from '../organisations/testing.ts'
import { TEST_KIND } from '../testing/db.ts'
import { importDisputes } from './import-csv.ts'
import { type DisputeDetail, DisputeDetailSchema, type DisputePage, DisputePageSchema } from './schema.ts'

const NAME1 = '张三丰'
const PHONE1 = '13812345678'
const NAME2 = '李四光'
const PHONE2 = '13912345678'
const cell = (s: string) => `"${s.replaceAll('"', '""')}"`

describe(`disputes and mediation (${TEST_KIND})`, () => {
  let t: ScopedServer
  let tmp: string
  const file = () => path.join(tmp, 'disputes.csv')
  const steps = cell(
    JSON.stringify([
      { at: '2026-10-01 09:00', level: '村', action: 'registered' },
      { at: '2026-10-02 10:00', level: '村', action: '调解', note: '首次调解' },
    ]),
  )
  const csv = (phone2: string) => {
    const { a, b } = t.towns
    return (
      [
        'case_id,type,summary,reported_at,level,status,outcome_at,judicial_confirmation,incident_ids,steps,party1_id,party1_role,party1_name,party1_phone,party2_id,party2_role,party2_name,party2_phone,lng,lat',
        `MD-1,邻里,报警人${NAME1}称楼上漏水，电话${PHONE1},2026-10-01 09:00,村,调解中,,,INC-A;INC-B,${steps},P-002,申请人,${NAME1},${PHONE1},P-001,被申请人,${NAME2},${phone2},${a.lng},${a.lat}`,
        `MD-2,劳资,拖欠工资,2026-10-03 09:00,镇,调解成功,2026-10-05 16:00,是,,,P-003,,王五,,,,,,${b.lng},${b.lat}`,
        `MD-3,打架,x,2026-10-03 09:00,村,,,,,,,,,,,,,,${a.lng},${a.lat}`,
        `MD-4,债务,x,2026-10-03 09:00,村,调解失败,,,,,,,,,,,,,${a.lng},${a.lat}`,
        `MD-5,债务,x,2026-10-03 09:00,村,,,,,[not json,,,,,,,,,${a.lng},${a.lat}`,
      ].join('\n') + '\n'
    )
  }
  const audits = () => t.s.db.sql<{ actor: string; target: string; details: { count: number; unmasked: boolean } }[]>`
    SELECT actor, target, details FROM audit_log WHERE action = 'people.read' ORDER BY id`

  beforeAll(async () => {
    t = await startScopedServer()
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'disputes-'))
    const [cat] = await t.s.db.sql<{ code: string }[]>`SELECT code FROM incident_categories ORDER BY code LIMIT 1`
    for (const [id, town] of [
      ['INC-A', t.towns.a],
      ['INC-B', t.towns.b],
    ] as const) {
      await t.s.db.sql`
        INSERT INTO incidents (incident_id, reported_at, category_code, geom, town_code)
        VALUES (${id}, '2026-09-30T20:00:00+08:00', ${cat!.code}, ST_SetSRID(ST_Point(${town.lng}, ${town.lat}), 4326), ${town.code})`
    }
  })
  afterAll(async () => {
    await t?.s.close()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  it('imports: bad lines named by line and field, the rest loaded with parties and steps; a re-run changes nothing', async () => {
    fs.writeFileSync(file(), csv(PHONE2))
    const report = path.join(tmp, 'rejects.csv')
    const one = await importDisputes(t.s.db, file(), { reportPath: report })
    expect(one).toMatchObject({ read: 5, inserted: 2, updated: 0, unchanged: 0, rejected: 3, unplaced: 0 })
    const rejects = parse(fs.readFileSync(report), { columns: true }) as { line: string; case_id: string; reason: string }[]
    expect(rejects.map((r) => [r.line, r.case_id])).toEqual([
      ['4', 'MD-3'],
      ['5', 'MD-4'],
      ['6', 'MD-5'],
    ])
    expect(rejects[0]!.reason).toContain('type')
    expect(rejects[1]!.reason).toContain('outcome_at')
    expect(rejects[2]!.reason).toContain('steps')

    const rows = await t.s.db.sql`
      SELECT case_id, type, level, status, judicial_confirmation, party_key, incident_ids, town_code FROM disputes ORDER BY case_id`
    expect(rows).toEqual([
      {
        case_id: 'MD-1',
        type: 'neighbour',
        level: 'village',
        status: 'mediating',
        judicial_confirmation: false,
        party_key: 'P-001|P-002',
        incident_ids: ['INC-A', 'INC-B'],
        town_code: t.towns.a.code,
      },
      {
        case_id: 'MD-2',
        type: 'labour',
        level: 'town',
        status: 'resolved',
        judicial_confirmation: true,
        party_key: 'P-003',
        incident_ids: [],
        town_code: t.towns.b.code,
      },
    ])
    const parties = await t.s.db.sql`SELECT party_id, role, name_masked, phone_masked FROM dispute_parties ORDER BY party_id`
    expect(parties).toEqual([
      { party_id: 'P-001', role: 'respondent', name_masked: '李**', phone_masked: '139****5678' },
      { party_id: 'P-002', role: 'applicant', name_masked: '张**', phone_masked: '138****5678' },
      { party_id: 'P-003', role: 'applicant', name_masked: '王*', phone_masked: null },
    ])
    const stepRows = await t.s.db.sql<{ id: string; action: string }[]>`SELECT id::text, action FROM dispute_steps ORDER BY at`
    expect(stepRows.map((s) => s.action)).toEqual(['registered', 'mediation'])

    const stamp = async () => (await t.s.db.sql<{ u: string }[]>`SELECT max(updated_at)::text AS u FROM disputes`)[0]!.u
    const before = await stamp()
    expect(await importDisputes(t.s.db, file(), { reportPath: report })).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 2,
      rejected: 3,
    })
    expect(await stamp()).toBe(before)

    // A party's phone changed: the parties are rewritten, the steps are not.
    fs.writeFileSync(file(), csv('13900000000'))
    expect(await importDisputes(t.s.db, file(), { reportPath: report })).toMatchObject({ updated: 1, unchanged: 1 })
    expect((await t.s.db.sql<{ id: string }[]>`SELECT id::text FROM dispute_steps ORDER BY at`).map((s) => s.id)).toEqual(
      stepRows.map((s) => s.id),
    )
    const [p1] = await t.s.db.sql`SELECT phone_masked FROM dispute_parties WHERE party_id = 'P-001'`
    expect(p1).toEqual({ phone_masked: '139****0000' })
    fs.writeFileSync(file(), csv(PHONE2))
    expect(await importDisputes(t.s.db, file(), { reportPath: report })).toMatchObject({ updated: 1, unchanged: 1 })
  })

  it('stores no plaintext names or phones', async () => {
    const dump = JSON.stringify([await t.s.db.sql`SELECT * FROM dispute_parties`, await t.s.db.sql`SELECT party_key FROM disputes`])
    for (const raw of [NAME1, NAME2, PHONE1, PHONE2, '王五']) expect(dump).not.toContain(raw)
  })

  it('lists without parties, summaries masked without pii; a town officer sees only their town', async () => {
    const analyst = await t.call('GET', '/api/disputes', t.tokens.analyst)
    const text = JSON.stringify(analyst.json)
    for (const raw of [NAME1, NAME2, PHONE1, PHONE2]) expect(text).not.toContain(raw)
    const page = analyst.json as unknown as DisputePage
    expect(DisputePageSchema.safeParse(page).error).toBeUndefined()
    expect(page.features.map((f) => f.properties.caseId).sort()).toEqual(['MD-1', 'MD-2'])
    expect(page.features.find((f) => f.properties.caseId === 'MD-1')!.properties).toMatchObject({
      parties: 2,
      statusName: '调解中',
      levelName: '村',
    })
    const town = (await t.call('GET', '/api/disputes', t.tokens.town)).json as unknown as DisputePage
    expect(town.features.map((f) => f.properties.caseId)).toEqual(['MD-1'])
    expect(JSON.stringify(town)).not.toContain(NAME2)
    const q = async (s: string) =>
      ((await t.call('GET', `/api/disputes?${s}`, t.tokens.admin)).json as unknown as DisputePage).features.map((f) => f.properties.caseId)
    expect(await q('status=resolved&type=labour')).toEqual(['MD-2'])
    expect(await q('level=village')).toEqual(['MD-1'])
    expect(await q('from=2026-10-02&to=2026-10-04')).toEqual(['MD-2'])
    expect(await q(`area=${t.towns.a.code}`)).toEqual(['MD-1'])
    expect((await t.call('GET', '/api/disputes?from=2026-10-04&to=2026-10-02', t.tokens.admin)).json.error).toContain('query.to')
  })

  it('a case: parties masked, revealed only with pii and reveal=true; every read is one people.read row; incidents in scope only', async () => {
    const n0 = (await audits()).length
    const masked = (await t.call('GET', '/api/disputes/MD-1?reveal=true', t.tokens.analyst)).json as unknown as DisputeDetail
    expect(masked.parties.map((p) => [p.partyId, p.role, p.name, p.phone])).toEqual([
      ['P-002', 'applicant', '张**', '138****5678'],
      ['P-001', 'respondent', '李**', '139****5678'],
    ])
    expect(masked.properties.summary).not.toContain(NAME1)
    expect(masked.properties.summary).not.toContain(PHONE1)
    const open = (await t.call('GET', '/api/disputes/MD-1?reveal=true', t.tokens.town)).json as unknown as DisputeDetail
    expect(open.parties.map((p) => [p.name, p.phone])).toEqual([
      [NAME1, PHONE1],
      [NAME2, PHONE2],
    ])
    expect(open.steps.map((s) => [s.action, s.level, s.note])).toEqual([
      ['registered', 'village', null],
      ['mediation', 'village', '首次调解'],
    ])
    expect(open.incidents.map((i) => i.incidentId)).toEqual(['INC-A'])
    expect(DisputeDetailSchema.safeParse(open).error).toBeUndefined()
    const admin = (await t.call('GET', `/api/disputes/${open.id}`, t.tokens.admin)).json as unknown as DisputeDetail
    expect(admin.incidents.map((i) => i.incidentId)).toEqual(['INC-A', 'INC-B'])
    expect(admin.parties[0]!.name).toBe('张**')
    expect((await audits()).slice(n0)).toEqual([
      { actor: 'analyst-1', target: `dispute:${open.id}`, details: { count: 2, unmasked: false } },
      { actor: 'town-a', target: `dispute:${open.id}`, details: { count: 2, unmasked: true } },
      { actor: 'admin', target: `dispute:${open.id}`, details: { count: 2, unmasked: false } },
    ])
  })

  it('by id outside scope is the 404 of a missing id, for reads and steps', async () => {
    const [md2] = await t.s.db.sql<{ id: string }[]>`SELECT id::text FROM disputes WHERE case_id = 'MD-2'`
    const n0 = (await audits()).length
    for (const [ref, none] of [
      ['MD-2', 'MD-9'],
      [md2!.id, '999999'],
    ] as const) {
      const outside = await t.call('GET', `/api/disputes/${ref}`, t.tokens.town)
      const missing = await t.call('GET', `/api/disputes/${none}`, t.tokens.town)
      expect([outside.status, missing.status]).toEqual([404, 404])
      expect(outside.json.error!.replace(ref, 'X')).toBe(missing.json.error!.replace(none, 'X'))
      const step = await t.call('POST', `/api/disputes/${ref}/steps`, t.tokens.town, {
        at: '2026-10-20 09:00',
        level: '镇',
        action: 'note',
      })
      expect(step.status).toBe(404)
    }
    expect(await audits()).toHaveLength(n0)
  })

  it('steps move the case; an illegal step is 409 and changes nothing; legal ones are in the history; re-sent, nothing new', async () => {
    const step = (body: Record<string, string>) => t.call('POST', '/api/disputes/MD-1/steps', t.tokens.town, body)
    const up = await step({ at: '2026-10-10 09:00', level: '镇', action: '上交', note: '村级调解未果，上交镇矛调中心' })
    expect(up.status, JSON.stringify(up.json)).toBe(201)
    expect((up.json as unknown as DisputeDetail).properties).toMatchObject({ level: 'town', status: 'mediating' })
    expect((await step({ at: '2026-10-10 10:00', level: 'town', action: 'escalated' })).status).toBe(409) // at that level already
    expect((await step({ at: '2026-10-10 11:00', level: 'town', action: 'judicial_confirmation' })).status).toBe(409) // not resolved
    const deal = await step({ at: '2026-10-15 15:00', level: 'town', action: 'agreement', note: '达成赔偿协议' })
    expect(deal.status).toBe(201)
    expect((deal.json as unknown as DisputeDetail).properties).toMatchObject({ status: 'resolved', outcomeAt: '2026-10-15T07:00:00.000Z' })
    const again = await step({ at: '2026-10-15 15:00', level: 'town', action: 'agreement', note: '达成赔偿协议' })
    expect(again.status).toBe(200)
    const illegal = await step({ at: '2026-10-16 09:00', level: 'town', action: 'failed' })
    expect(illegal.status).toBe(409)
    expect(illegal.json.error).toContain('cannot go from resolved to failed (resolved is final)')
    const judicial = await step({ at: '2026-10-20 09:00', level: 'town', action: 'judicial_confirmation' })
    expect(judicial.status).toBe(201)
    const d = judicial.json as unknown as DisputeDetail
    expect(d.properties).toMatchObject({ status: 'resolved', level: 'town', judicialConfirmation: true })
    expect(d.steps.map((s) => [s.action, s.level, s.actor])).toEqual([
      ['registered', 'village', 'import:disputes.csv'],
      ['mediation', 'village', 'import:disputes.csv'],
      ['escalated', 'town', 'town-a'],
      ['agreement', 'town', 'town-a'],
      ['judicial_confirmation', 'town', 'town-a'],
    ])
    expect((await step({ at: '2026-10-21 09:00', level: 'town', action: 'registered' })).status).toBe(400)
    // Each step taken is in the audit log once; the re-sent and refused ones are not.
    const taken = await t.s.db.sql<{ actor: string; details: { action: string } }[]>`
      SELECT actor, details FROM audit_log WHERE action = 'dispute.step' AND target = ${`dispute:${d.id}`} ORDER BY id`
    expect(taken.map((a) => [a.actor, a.details.action])).toEqual([
      ['town-a', 'escalated'],
      ['town-a', 'agreement'],
      ['town-a', 'judicial_confirmation'],
    ])

    // A re-import leaves the case worked on here as it is: its status, level and steps.
    expect(await importDisputes(t.s.db, file(), { reportPath: null })).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 })
    const [row] = await t.s.db.sql`SELECT status, level, judicial_confirmation FROM disputes WHERE case_id = 'MD-1'`
    expect(row).toEqual({ status: 'resolved', level: 'town', judicial_confirmation: true })
    const [count] = await t.s.db.sql<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM dispute_steps s JOIN disputes d ON d.id = s.dispute_id WHERE d.case_id = 'MD-1'`
    expect(count!.n).toBe(5)
  })
})
