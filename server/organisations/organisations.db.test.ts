import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadFixtureBase } from '../geocode/fixtures/base.ts'
import { TEST_KIND } from '../testing/db.ts'
import { importOrganisations } from './import-csv.ts'
import {
  type OrganisationDetail,
  OrganisationDetailSchema,
  type OrganisationPage,
  OrganisationPageSchema,
  type SelfCheckAnswer,
  SelfCheckAnswerSchema,
} from './schema.ts'
import { type ScopedServer, startScopedServer } from './testing.ts'

const NAME = '王小明'
const PHONE = '13812345678'

describe(`organisations and self-checks (${TEST_KIND})`, () => {
  let t: ScopedServer
  let tmp: string
  const file = () => path.join(tmp, 'organisations.csv')
  const csv = (phone: string) => {
    const { a, b } = t.towns
    return (
      [
        'org_id,name,type,risk_categories,status,responsible_name,responsible_phone,self_check_every_days,self_check_checklist,address_id,address,lng,lat',
        `ORG-A1,恒达五金店,沿街商铺,餐饮;燃气,,${NAME},${phone},30,消防安全,,,${a.lng},${a.lat}`,
        `ORG-A2,金色家园物业,企业,出租房,在营,,,,,,,${a.lng + 0.0005},${a.lat}`,
        `ORG-B1,临浦化工仓库,enterprise,危化;仓储,active,李四光,13912345678,7,hazardous_chemicals,,,${b.lng},${b.lat}`,
        'ORG-F,金城路门店,场所,人员密集,,,,,,F_JC_440,,,',
        `ORG-X,坏类型,工厂,,,,,,,,,${a.lng},${a.lat}`,
        `ORG-Y,半截义务,企业,,,,,30,,,,${a.lng},${a.lat}`,
        `ORG-A1,恒达五金店,沿街商铺,餐饮;燃气,,${NAME},${phone},30,消防安全,,,${a.lng},${a.lat}`,
      ].join('\n') + '\n'
    )
  }
  const list = async (q: string, token: string) =>
    (await t.call('GET', `/api/organisations?${q}`, token)).json as unknown as OrganisationPage

  beforeAll(async () => {
    t = await startScopedServer()
    await loadFixtureBase(t.s.db.sql)
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'orgs-'))
  })
  afterAll(async () => {
    await t?.s.close()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  it('imports: bad lines named by line and field, the rest loaded and placed; a re-run changes nothing', async () => {
    fs.writeFileSync(file(), csv(PHONE))
    const report = path.join(tmp, 'rejects.csv')
    const one = await importOrganisations(t.s.db, file(), { reportPath: report })
    expect(one).toMatchObject({ read: 7, inserted: 4, updated: 0, unchanged: 0, rejected: 3, unplaced: 0 })
    const rejects = parse(fs.readFileSync(report), { columns: true }) as { line: string; org_id: string; reason: string }[]
    expect(rejects.map((r) => [r.line, r.org_id])).toEqual([
      ['6', 'ORG-X'],
      ['7', 'ORG-Y'],
      ['8', 'ORG-A1'],
    ])
    expect(rejects[0]!.reason).toContain('type')
    expect(rejects[1]!.reason).toContain('self_check_checklist')
    expect(rejects[2]!.reason).toBe('duplicate org_id (first on line 2)')

    const rows = await t.s.db.sql<
      { org_id: string; type: string; risk_categories: string[]; town_code: string; address_id: string | null }[]
    >`
      SELECT org_id, type, risk_categories, town_code, address_id FROM organisations ORDER BY org_id`
    expect(rows.map((r) => [r.org_id, r.type, r.risk_categories])).toEqual([
      ['ORG-A1', 'shop', ['catering', 'gas']],
      ['ORG-A2', 'enterprise', ['rental']],
      ['ORG-B1', 'enterprise', ['hazardous_chemicals', 'warehouse']],
      ['ORG-F', 'venue', ['crowded_venue']],
    ])
    expect(rows[0]!.town_code).toBe(t.towns.a.code)
    expect(rows[2]!.town_code).toBe(t.towns.b.code)
    const [base] = await t.s.db.sql<
      { town_code: string; grid_code: string }[]
    >`SELECT town_code, grid_code FROM addresses WHERE address_id = 'F_JC_440'`
    const [f] = await t.s.db.sql`SELECT address_id, town_code, grid_code, geocode_score FROM organisations WHERE org_id = 'ORG-F'`
    expect(f).toMatchObject({ address_id: 'F_JC_440', town_code: base!.town_code, grid_code: base!.grid_code, geocode_score: 1 })

    const stamp = async () => (await t.s.db.sql<{ u: string }[]>`SELECT max(updated_at)::text AS u FROM organisations`)[0]!.u
    const before = await stamp()
    const two = await importOrganisations(t.s.db, file(), { reportPath: report })
    expect(two).toMatchObject({ inserted: 0, updated: 0, unchanged: 4, rejected: 3 })
    expect(await stamp()).toBe(before)

    fs.writeFileSync(file(), csv('13800001111'))
    const three = await importOrganisations(t.s.db, file(), { reportPath: report })
    expect(three).toMatchObject({ inserted: 0, updated: 1, unchanged: 3 })
    fs.writeFileSync(file(), csv(PHONE))
    expect(await importOrganisations(t.s.db, file(), { reportPath: report })).toMatchObject({ updated: 1, unchanged: 3 })
  })

  it('stores no plaintext names or phones', async () => {
    const dump = JSON.stringify(await t.s.db.sql`SELECT * FROM organisations`)
    for (const raw of [NAME, PHONE, '李四光', '13912345678']) expect(dump).not.toContain(raw)
    expect(dump).toContain('王**')
    expect(dump).toContain('138****5678')
  })

  it('a self-check with 2 failed items registers exactly 2 hazards at the organisation; re-sent, none new', async () => {
    const body = {
      checkedAt: '2026-09-01T10:00:00+08:00',
      results: [
        { item: 'fire-01', ok: false, note: '后门上锁' },
        { item: 'fire-02', ok: false },
        { item: 'fire-03', ok: true },
      ],
    }
    const first = await t.call('POST', '/api/organisations/ORG-A1/self-checks', t.tokens.town, body)
    expect(first.status, JSON.stringify(first.json)).toBe(201)
    const a = first.json as unknown as SelfCheckAnswer
    expect(SelfCheckAnswerSchema.safeParse(first.json).error).toBeUndefined() // the documented answer
    expect(a.created).toBe(true)
    expect(a.selfCheck).toMatchObject({ checklist: 'fire', items: 3, failedItems: ['fire-01', 'fire-02'], actor: 'town-a' })
    expect(a.selfCheck.hazardIds).toHaveLength(2)
    const hazards = async () =>
      t.s.db.sql<{ hazard_id: string; source: string; category: string; severity: string; description: string; town_code: string }[]>`
        SELECT h.hazard_id, h.source, h.category, h.severity, h.description, h.town_code
        FROM hazards h JOIN organisations o ON o.id = h.organisation_id WHERE o.org_id = 'ORG-A1' ORDER BY h.hazard_id`
    const hs = await hazards()
    expect(hs.map((h) => h.hazard_id)).toEqual([...a.selfCheck.hazardIds].sort())
    expect(hs.map((h) => [h.source, h.category, h.severity, h.town_code])).toEqual([
      ['self_check', 'fire', 'serious', t.towns.a.code],
      ['self_check', 'fire', 'general', t.towns.a.code],
    ])
    expect(hs[0]!.hazard_id).toMatch(/^SC-20260901-[0-9a-f]{8}-fire-01$/)
    expect(hs[0]!.description).toContain('后门上锁')
    expect(a.organisation.hazards).toHaveLength(2)
    expect(a.organisation.selfChecks).toHaveLength(1)

    const again = await t.call('POST', '/api/organisations/ORG-A1/self-checks', t.tokens.town, body)
    expect(again.status).toBe(200)
    expect((again.json as unknown as SelfCheckAnswer).created).toBe(false)
    expect(await hazards()).toHaveLength(2)
    const [count] = await t.s.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM self_checks`
    expect(count!.n).toBe(1)
    const audits = await t.s.db.sql`SELECT actor, target, details FROM audit_log WHERE action = 'self-check.submit'`
    expect(audits).toHaveLength(1)
    expect(audits[0]).toMatchObject({ actor: 'town-a', details: { failed: ['fire-01', 'fire-02'] } })

    const bad = await t.call('POST', '/api/organisations/ORG-A1/self-checks', t.tokens.town, {
      checkedAt: '2026-09-02T10:00:00+08:00',
      results: [
        { item: 'ok', ok: true },
        { item: 'hc-01', ok: false },
      ],
    })
    expect(bad.status).toBe(400)
    expect(bad.json.error).toContain('body.results.0.item')
    const none = await t.call('POST', '/api/organisations/ORG-A2/self-checks', t.tokens.town, {
      checkedAt: '2026-09-02T10:00:00+08:00',
      results: [{ item: 'fire-01', ok: true }],
    })
    expect(none.status).toBe(400)
    expect(none.json.error).toContain('body.checklist')
  })

  it('lists with the self-check standing; a town officer sees only their town; by-id outside scope is the 404 of a missing id', async () => {
    const all = await list('', t.tokens.admin)
    expect(OrganisationPageSchema.safeParse(all).error).toBeUndefined()
    expect(all.features.map((f) => f.properties.orgId).sort()).toEqual(['ORG-A1', 'ORG-A2', 'ORG-B1', 'ORG-F'])
    const mine = await list('', t.tokens.town)
    expect(mine.features.every((f) => f.properties.townCode === t.towns.a.code)).toBe(true)
    expect(mine.features.map((f) => f.properties.orgId)).toContain('ORG-A1')
    expect(mine.features.map((f) => f.properties.orgId)).not.toContain('ORG-B1')

    // Checked 2026-09-01, every 30 days: due 2026-10-01, 31 days overdue at the clock (2026-11-01).
    const late = await list('selfCheck=overdue', t.tokens.admin)
    const a1 = late.features.find((f) => f.properties.orgId === 'ORG-A1')!
    expect(a1.properties).toMatchObject({
      responsibleName: '王**',
      responsiblePhone: '138****5678',
      lastSelfCheck: '2026-09-01T02:00:00.000Z',
      nextSelfCheckDue: '2026-10-01',
      daysOverdue: 31,
      selfCheckState: 'overdue',
    })
    const noDuty = (await list('', t.tokens.admin)).features.find((f) => f.properties.orgId === 'ORG-A2')!
    expect(noDuty.properties).toMatchObject({ selfCheckState: null, daysOverdue: null, nextSelfCheckDue: null })
    expect((await list('risk=gas,warehouse&type=shop', t.tokens.admin)).features.map((f) => f.properties.orgId)).toEqual(['ORG-A1'])
    const inB = (await list(`area=${t.towns.b.code}`, t.tokens.admin)).features
    expect(inB.map((f) => f.properties.orgId)).toContain('ORG-B1')
    expect(inB.every((f) => f.properties.townCode === t.towns.b.code)).toBe(true)
    const pages: string[] = []
    let next: string | null = ''
    while (next !== null) {
      const page: OrganisationPage = await list(`limit=1${next ? `&cursor=${next}` : ''}`, t.tokens.admin)
      pages.push(...page.features.map((f) => f.properties.orgId))
      next = page.next
    }
    expect(pages.sort()).toEqual(['ORG-A1', 'ORG-A2', 'ORG-B1', 'ORG-F'])
    expect((await t.call('GET', '/api/organisations?selfCheck=late', t.tokens.admin)).json.error).toContain('query.selfCheck')

    // By a part of the name (trimmed), within the caller's scope; % and _ are taken literally.
    const named = async (q: string, token = t.tokens.admin) =>
      (await list(`q=${encodeURIComponent(q)}`, token)).features.map((f) => f.properties.orgId).sort()
    expect(await named(' 五金 ')).toEqual(['ORG-A1'])
    expect(await named('物业')).toEqual(['ORG-A2'])
    expect(await named('仓库')).toEqual(['ORG-B1'])
    expect(await named('仓库', t.tokens.town)).toEqual([])
    expect(await named('店', t.tokens.town)).toEqual(['ORG-A1'])
    expect(await named('%')).toEqual([])
    expect(await named('_')).toEqual([])
    expect(await named('恒_五金')).toEqual([])
    expect((await list('q=%E4%BA%94%E9%87%91&type=venue', t.tokens.admin)).features).toEqual([])
    for (const bad of ['%20%20', 'x'.repeat(51)]) {
      const r = await t.call('GET', `/api/organisations?q=${bad}`, t.tokens.admin)
      expect(r.status).toBe(400)
      expect(r.json.error).toContain('query.q')
    }

    const [b1] = await t.s.db.sql<{ id: string }[]>`SELECT id::text FROM organisations WHERE org_id = 'ORG-B1'`
    for (const ref of ['ORG-B1', b1!.id]) {
      const outside = await t.call('GET', `/api/organisations/${ref}`, t.tokens.town)
      const missing = await t.call('GET', `/api/organisations/${ref === 'ORG-B1' ? 'ORG-ZZ' : '999999'}`, t.tokens.town)
      expect(outside.status).toBe(404)
      expect(missing.status).toBe(404)
      expect(Object.keys(outside.json).sort()).toEqual(Object.keys(missing.json).sort())
      expect(outside.json.error!.replace(ref, 'X')).toBe(missing.json.error!.replace(ref === 'ORG-B1' ? 'ORG-ZZ' : '999999', 'X'))
    }
    // A closed organisation has no duty any more.
    const b1Before = (await list(`area=${t.towns.b.code}`, t.tokens.admin)).features.find((f) => f.properties.orgId === 'ORG-B1')!
    expect(b1Before.properties.selfCheckState).not.toBeNull()
    await t.s.db.sql`UPDATE organisations SET status = 'closed' WHERE org_id = 'ORG-B1'`
    const closed = (await list(`area=${t.towns.b.code}`, t.tokens.admin)).features.find((f) => f.properties.orgId === 'ORG-B1')!
    expect(closed.properties).toMatchObject({ status: 'closed', selfCheckState: null, daysOverdue: null })
    const write = await t.call('POST', '/api/organisations/ORG-B1/self-checks', t.tokens.town, {
      checkedAt: '2026-09-01T10:00:00+08:00',
      results: [{ item: 'hc-01', ok: false }],
    })
    expect(write.status).toBe(404)
  })

  it('the responsible person is masked, revealed only to pii callers who ask, and the reveal is recorded', async () => {
    const masked = (await t.call('GET', '/api/organisations/ORG-A1?reveal=true', t.tokens.analyst)).json as unknown as OrganisationDetail
    expect(masked.properties).toMatchObject({ responsibleName: '王**', responsiblePhone: '138****5678' })
    const plain = (await t.call('GET', '/api/organisations/ORG-A1', t.tokens.town)).json as unknown as OrganisationDetail
    expect(plain.properties.responsibleName).toBe('王**')
    expect(await t.s.db.sql`SELECT 1 FROM audit_log WHERE action = 'people.read'`).toHaveLength(0)
    const open = (await t.call('GET', '/api/organisations/ORG-A1?reveal=true', t.tokens.town)).json as unknown as OrganisationDetail
    expect(open.properties).toMatchObject({ responsibleName: NAME, responsiblePhone: PHONE })
    expect(OrganisationDetailSchema.safeParse(open).error).toBeUndefined()
    expect(open.selfChecks.map((c) => c.failedItems)).toEqual([['fire-01', 'fire-02']])
    const reads = await t.s.db.sql`SELECT actor, target, details FROM audit_log WHERE action = 'people.read'`
    expect(reads).toEqual([{ actor: 'town-a', target: `organisation:${open.id}`, details: { count: 1, unmasked: true } }])
  })
})
