import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { loadConfig } from '../config.ts'
import { type Fixture, loadFixture } from '../indicators/fixtures.ts'
import { listen, type RunningServer } from '../server.ts'
import { createTestDb, TEST_KIND, type TestDb } from '../testing/db.ts'
import { ROOT_DIR } from '../web/static.ts'
import { renderAllTowns } from './render-all.ts'
import { checkWellFormed } from './xml-check.ts'

/**
 * The town report of T1 for October 2026 on the fixture (numbers worked out in
 * server/indicators/indicators.db.test.ts): incidents 3.00 per 10k (6 incidents), fires 0.50,
 * close-out 50.0 %, response 42.0 h; rank 3 of 3 (black) by the default config; at month end
 * k3, k4 (closed only on 2 Nov) and k5 are open, k3 and k4 overdue; warnings open in October:
 * w1, w2, w3 and w5 (w4 closed in September, w6 raised in November) → 4 marks; one hot cell.
 * Names and titles carry markup, which must come out as text.
 */
describe(`town health report (${TEST_KIND})`, () => {
  let t: TestDb
  let server: RunningServer | null = null
  let fx: Fixture
  let page: string
  /** When the page was asked for (before, after). */
  let asked: [Date, Date]

  beforeAll(async () => {
    t = await createTestDb({ seed: 'boundaries' })
    fx = await loadFixture(t.db, { hostileNames: true })
    server = await listen(
      t.db,
      loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: t.dataDir, SEED: 'none', AUTH_ANONYMOUS_ROLE: 'admin' }),
    )
    asked = [new Date(), new Date()]
    const res = await fetch(`${server.url}/reports/town/${fx.T1}?month=2026-10`)
    asked[1] = new Date()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    page = await res.text()
  }, 600_000)
  afterAll(async () => {
    await server?.close()
    await t?.drop()
  })

  const field = (name: string) => page.match(new RegExp(`data-field="${name}"[^>]*>([^<]*)<`))?.[1]
  const indicator = (id: string) => page.match(new RegExp(`data-indicator="${id}" data-value="([^"]*)">([^<]*)<`))?.slice(1, 3)

  it('shows the town indicators, their change and the ranking position', () => {
    expect(indicator('incidents_per_10k')).toEqual(['3', '3.00'])
    expect(indicator('fires_per_10k')).toEqual(['0.5', '0.50'])
    expect(indicator('traffic_casualties_per_10k')).toEqual(['0.5', '0.50'])
    expect(indicator('incidents_yoy_pct')).toEqual(['100', '100.0'])
    expect(indicator('task_closeout_rate')).toEqual(['50', '50.0'])
    expect(indicator('task_ontime_rate')).toEqual(['25', '25.0'])
    expect(indicator('warning_response_hours')).toEqual(['42', '42.0'])
    expect(page).toMatch(/data-change="incidents_per_10k">\+1\.00</)
    expect(page).toMatch(/data-change="warning_response_hours">−19\.0</)
    expect(field('rank')).toBe('3')
    expect(field('rank-total')).toBe('3')
    expect(field('rank-change')).toBe('↓1')
    expect(page).toContain('data-colour="black"')
    expect(field('score')).toBe('15.00')
  })

  it('counts open and overdue tasks as of the month end', () => {
    expect(field('open-tasks')).toBe('3')
    expect(field('overdue-tasks')).toBe('2')
    const rows = [...page.matchAll(/<tr class="(overdue)?" data-task-id="(\d+)"/g)].map((m) => [Number(m[2]), m[1] === 'overdue'])
    expect(rows).toEqual([
      [fx.tasks.k3, true],
      [fx.tasks.k4, true],
      [fx.tasks.k5, false],
    ])
  })

  it('draws a well-formed SVG map with one mark per warning, the hot cell and the tasks', () => {
    const svg = page.match(/<svg[^>]*class="map"[\s\S]*?<\/svg>/)?.[0]
    expect(svg).toBeDefined()
    checkWellFormed(svg!)
    expect(svg!.match(/<g class="warning warning-/g)).toHaveLength(4)
    expect(svg!.match(/class="warning warning-red"/g)).toHaveLength(2) // w1, w5
    expect(svg!.match(/class="warning warning-orange"/g)).toHaveLength(1)
    expect(svg!.match(/<path class="cell"/g)).toHaveLength(1)
    expect(svg!.match(/<g class="task( overdue)?"/g)).toHaveLength(3)
    expect(svg!.match(/<g class="task overdue"/g)).toHaveLength(2)
    expect(svg!.match(/<path class="town"/g)).toHaveLength(1)
    expect(svg!.match(/<path class="village"/g)!.length).toBeGreaterThan(1)
    const chart = page.match(/<svg[^>]*class="chart"[\s\S]*?<\/svg>/)?.[0]
    checkWellFormed(chart!)
    expect(chart!.match(/<g class="bar"/g)).toHaveLength(12)
    expect(chart).toContain('data-month="2026-10" data-total="6"')
    expect(chart).toContain('data-month="2026-09" data-total="4"')
    expect(chart).toContain('data-month="2025-11" data-total="0"')
  })

  it('gives every time in Beijing time (Asia/Shanghai), never UTC', () => {
    // A town officer reads the days warnings were raised as their own calendar days: w2 came at
    // 00:00 on 10 October in Xiaoshan (16:00 UTC on the 9th), w5 at 00:00 on 28 September.
    const raised = Object.fromEntries(
      [
        ...page.matchAll(
          /<tr data-warning-id="\d+"><td><span class="dot \w+"><\/span>预警 (w\d)<\/td><td>[^<]*<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g,
        ),
      ].map((m) => [m[1], m[2]]),
    )
    expect(raised).toEqual({ w1: '2026-10-03', w2: '2026-10-10', w3: '2026-10-30', w5: '2026-09-28' })
    // "Generated at" is the Shanghai wall clock of the request, to the minute, and says so.
    const generated = page.match(/生成于 <time datetime="([^"]+)" data-field="generated">([^<]+)<\/time>（北京时间）/)
    expect(generated).not.toBeNull()
    const local = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
    expect([local(asked[0]), local(asked[1])]).toContain(generated![2])
    expect(generated![1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+08:00$/)
    expect(page).not.toMatch(/UTC/)
  })

  it('escapes every text and loads nothing from elsewhere', () => {
    expect(page).not.toMatch(/<script/i)
    expect(page).not.toMatch(/<img/i)
    expect(page).toContain('城&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;镇')
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;整改')
    expect(page).not.toMatch(/<link|@import|url\(|@font-face/i)
    // No element loads anything: no src, no href but the index's own relative links (none here).
    const tags = page.match(/<[a-z][^>]*>/gi) ?? []
    expect(tags.filter((tag) => /\s(src|href|xlink:href)=/i.test(tag))).toEqual([])
    const urls = [...page.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0])
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']))
    expect(page).toContain('@media print')
  })

  it('answers 404 for a code that is not a town and 400 for a bad month', async () => {
    expect((await fetch(`${server!.url}/reports/town/${fx.V1}?month=2026-10`)).status).toBe(404)
    expect((await fetch(`${server!.url}/reports/town/${fx.T1}?month=2026-1`)).status).toBe(400)
  })

  /*
   * The 双十条 and the models' open warnings: V1 gets 1 resolved and 1 failed dispute in October
   * (50.0 %) and 1 resolved in September (100.0 %: change −50.0); T1 is assessed 88 on 村规民约;
   * a model seen only in the warnings table ('fx-gap') has one red warning open at the month's
   * end beside the fixture model's w1, w3 and w5 (w2 expired on 13 October, w6 came in November).
   */
  it('shows the 双十条 values and changes, and every model’s warnings open at the month’s end', async () => {
    const sql = t.db.sql
    const at = (x: string) => new Date(`${x}+08:00`)
    for (const [key, status, outcome] of [
      ['r1', 'resolved', '2026-10-05T10:00:00'],
      ['r2', 'failed', '2026-10-06T10:00:00'],
      ['r3', 'resolved', '2026-09-06T10:00:00'],
    ] as const) {
      await sql`
        INSERT INTO disputes (case_id, type, reported_at, level, status, outcome_at, town_code, village_code)
        VALUES (${key}, 'family', ${at('2026-09-01T10:00:00')}, 'village', ${status}, ${at(outcome)}, ${fx.T1}, ${fx.V1})`
    }
    await sql`
      INSERT INTO indicator_assessments (indicator_id, area_code, month, value, entered_by)
      VALUES ('village_rules_score', ${fx.T1}, '2026-10-01', 88, 'chief')`
    await sql`INSERT INTO models (id, kind, version, definition, updated_by) VALUES ('fx-gap', 'surge', 1, ${sql.json({ name: { zh: '纳管率测试', en: 'Gap' } })}, 'test')`
    const [run] = await sql<{ id: string }[]>`SELECT first_run_id::text AS id FROM warnings LIMIT 1`
    await sql`
      INSERT INTO warnings (model_id, model_version, subject, level, status, title, explanation, geom, town_code, village_code,
                            first_run_id, last_run_id, first_triggered_at, last_triggered_at, created_at, updated_at)
      SELECT 'fx-gap', 1, 'village:x', 'red', 'new', '流动人口纳管率偏低', '测试', label_point, ${fx.T1}, ${fx.V1},
             ${run!.id}::bigint, ${run!.id}::bigint, ${at('2026-10-20T10:00:00')}, ${at('2026-10-20T10:00:00')},
             ${at('2026-10-20T10:00:00')}, ${at('2026-10-20T10:00:00')}
      FROM admin_areas WHERE code = ${fx.V1}`
    const res = await fetch(`${server!.url}/reports/town/${fx.T1}?month=2026-10`)
    expect(res.status).toBe(200)
    const p = await res.text()
    const ind = (id: string) => p.match(new RegExp(`data-indicator="${id}" data-value="([^"]*)">([^<]*)<`))?.slice(1, 3)
    expect(ind('dispute_resolution_rate')).toEqual(['50', '50.0'])
    expect(p).toMatch(/data-change="dispute_resolution_rate">−50\.0</)
    expect(ind('village_rules_score')).toEqual(['88', '88.0'])
    expect(p).toContain('双十条·过程：村规民约（录入）')
    expect(p).toContain('双十条·过程：矛盾化解')
    expect(p).toContain('双十条·结果：火灾事故')
    // Not configured in this district (no patrols, nobody entered 人员非访): shown, no value.
    expect(ind('patrol_coverage_rate')).toEqual(['', '—'])
    expect(ind('irregular_petitions')).toEqual(['', '—'])
    expect(p).toMatch(/data-field="open-warnings">4</)
    expect(p).toMatch(/<tr data-model="fx-gap"><td>纳管率测试<\/td><td class="num" data-open-red="fx-gap">1</)
    expect(p).toMatch(
      /<tr data-model="fx-model"><td>测试模型<\/td><td class="num" data-open-red="fx-model">2<\/td><td class="num">0<\/td><td class="num">1</,
    )
    checkWellFormed(p.match(/<section>\s*<h2>七、[\s\S]*?<\/section>/)![0])
  })

  it('renders every town to files with an index', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-reports-'))
    try {
      const r = await renderAllTowns(t.db, { month: '2026-10', outDir: out, now: new Date() })
      expect(r.files.map((f) => path.basename(f))).toEqual([fx.T1, fx.T2, fx.T3].map((c) => `town-${c}-2026-10.html`))
      const index = fs.readFileSync(r.index, 'utf8')
      for (const c of [fx.T1, fx.T2, fx.T3]) expect(index).toContain(`href="town-${c}-2026-10.html"`)
      expect(fs.readFileSync(r.files[0]!, 'utf8')).toContain('data-field="open-tasks">3<')
      // A statistics-only unit keeps its report but is listed apart from the ranking.
      await t.db.sql`UPDATE admin_areas SET properties = properties || '{"statistics_only": true}' WHERE code = ${fx.T3}`
      const again = await renderAllTowns(t.db, { month: '2026-10', outDir: out, now: new Date() })
      const [ranked, apart] = fs.readFileSync(again.index, 'utf8').split('统计单位（不参与排名）')
      expect(ranked).toContain('乡镇街道 2 个')
      expect(ranked).not.toContain(`href="town-${fx.T3}-2026-10.html"`)
      expect(apart).toContain(`href="town-${fx.T3}-2026-10.html"`)
    } finally {
      await t.db.sql`UPDATE admin_areas SET properties = properties - 'statistics_only' WHERE code = ${fx.T3}`
      fs.rmSync(out, { recursive: true, force: true })
    }
  })

  it('npm run reports renders all towns with progress', async () => {
    // The CLI opens the database itself: the test's server and connection let go of it first.
    await server?.close()
    server = null
    await t.db.close()
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-reports-cli-'))
    try {
      const env = { ...process.env, DATA_DIR: t.dataDir, ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : {}) }
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', path.join(ROOT_DIR, 'server/cli/reports.ts'), '--month', '2026-10', '--out', out],
          { env, cwd: ROOT_DIR },
        )
        let err = ''
        child.stderr.on('data', (b: Buffer) => (err += b.toString()))
        child.on('close', (c) => resolve({ code: c, stderr: err }))
      })
      expect(code, stderr).toBe(0)
      expect(stderr).toMatch(/towns: 3\/3/)
      expect(fs.readdirSync(out).sort()).toEqual(['index.html', ...[fx.T1, fx.T2, fx.T3].map((c) => `town-${c}-2026-10.html`)].sort())
    } finally {
      fs.rmSync(out, { recursive: true, force: true })
    }
  }, 120_000)
})
