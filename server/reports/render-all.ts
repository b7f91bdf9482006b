/**
 * Renders every town's report of a month into a directory, with an index page: what
 * `npm run reports` does (and what a test checks), with progress reported per town.
 */
import fs from 'node:fs/promises'
import path from 'node:path'

import { type Db, SYSTEM_SCOPE } from '../db/index.ts'
import type { Month } from '../indicators/month.ts'
import { COLOUR_NAMES } from '../indicators/schema.ts'
import type { PhaseProgress } from '../ops/progress.ts'
import { silentProgress } from '../ops/progress.ts'
import { fmt, html } from './html.ts'
import { allTowns } from './queries.ts'
import { rankArrow, renderTownReport, type ReportContext, reportContext, townReportData } from './town-report.ts'

export interface RenderAllResult {
  dir: string
  files: string[]
  index: string
}

/**
 * A town report's file name.
 * @example reportFileName('330109001', '2026-10') // 'town-330109001-2026-10.html'
 */
export function reportFileName(code: string, month: Month): string {
  return `town-${code}-${month}.html`
}

/**
 * Writes `town-<code>-<month>.html` for every town and `index.html` (the town ranking with links).
 * @example await renderAllTowns(db, { month: '2026-10', outDir: 'reports/2026-10', now: new Date() })
 */
export async function renderAllTowns(
  db: Db,
  opts: { month: Month; outDir: string; now: Date; progress?: PhaseProgress },
): Promise<RenderAllResult> {
  const progress = opts.progress ?? silentProgress
  await fs.mkdir(opts.outDir, { recursive: true })
  // One transaction per town: a long run never holds one transaction open across all of them.
  const { ctx, towns } = await db.withScope(SYSTEM_SCOPE, async (tx) => ({
    ctx: await reportContext(tx, opts.month, opts.now),
    towns: await allTowns(tx),
  }))
  const files: string[] = []
  progress.start('towns', towns.length)
  for (const [i, t] of towns.entries()) {
    const page = await db.withScope(SYSTEM_SCOPE, async (tx) => renderTownReport(await townReportData(tx, t.code, ctx)))
    const file = path.join(opts.outDir, reportFileName(t.code, opts.month))
    await fs.writeFile(file, page)
    files.push(file)
    progress.update(i + 1)
  }
  progress.stop()
  const index = path.join(opts.outDir, 'index.html')
  await fs.writeFile(index, renderIndex(ctx))
  return { dir: opts.outDir, files, index }
}

/**
 * The index page: every town in ranking order with its score, colour and a link to its report.
 * @example renderIndex(ctx).includes('town-330109001-2026-10.html') // true
 */
export function renderIndex(ctx: ReportContext): string {
  const monthZh = `${ctx.month.slice(0, 4)}年${Number(ctx.month.slice(5))}月`
  const rows = ctx.towns.areas.map(
    (a) =>
      html`<tr><td class="num">${a.rank ?? '—'}</td><td><a href="${reportFileName(a.code, ctx.month)}">${a.name}</a></td><td class="num">${fmt(a.score, 2)}</td><td class="num">${rankArrow(a.rankChange)}</td><td class="${a.colour ?? 'none'}">${a.colour ? COLOUR_NAMES[a.colour] : '未上榜'}</td></tr>`,
  )
  // Statistics-only units have reports too, listed apart from the ranking.
  const apart = ctx.towns.apart.map((a) => html`<li><a href="${reportFileName(a.code, ctx.month)}">${a.name}</a></li>`)
  return html`<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>平安体检报告 · ${monthZh}</title>
<style>body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:760px;margin:0 auto;padding:16px;font-size:14px}h1{color:#8b0000}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e3e6ea;padding:4px 8px;text-align:left}.num{text-align:right}.red{color:#c0392b;font-weight:bold}.yellow{color:#b38f00;font-weight:bold}.black{font-weight:bold}.none{color:#777}@page{size:A4;margin:14mm}</style>
</head>
<body>
<h1>平安体检报告 · ${monthZh}</h1>
<p>乡镇街道 ${ctx.towns.counts.total} 个：红榜 ${ctx.towns.counts.red}，黄榜 ${ctx.towns.counts.yellow}，黑榜 ${ctx.towns.counts.black}。排名配置版本 ${ctx.towns.configVersion}。</p>
<table><thead><tr><th>排名</th><th>乡镇街道</th><th>得分</th><th>较上月</th><th>榜单</th></tr></thead><tbody>${rows}</tbody></table>
${apart.length ? html`<h2>统计单位（不参与排名）</h2><p>开发区、农场、围垦区等统计单位单列，不与乡镇街道同榜排名。</p><ul>${apart}</ul>` : ''}
</body>
</html>
`.value
}
