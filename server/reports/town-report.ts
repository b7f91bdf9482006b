/**
 * The town health report (平安体检报告): one printable, self-contained HTML page per town and
 * month — indicators (the 双十条 among them) and their change, ranking position, a map of hot
 * spots, warnings and open tasks, the 12-month trend by category, open and overdue tasks, and
 * every model's warnings open at the month's end. Inline CSS and SVG only: no
 * script, no font, no image or tile from anywhere. Every time and day on it is Asia/Shanghai
 * (北京时间), never UTC: a warning raised at 07:00 Shanghai time is on that day, not the one before.
 */
import { listCategories } from '../categories/queries.ts'
import type { Tx } from '../db/index.ts'
import { monthIndicators } from '../indicators/indicators.ts'
import { lastTwelveMonths, type Month, monthPeriod, type MonthWindow, monthWindow, previousWindowPeriod } from '../indicators/month.ts'
import { rankMonth } from '../indicators/rankings.ts'
import { type AreaIndicators, COLOUR_NAMES, type IndicatorDefinition, type RankedArea, type RankingResponse } from '../indicators/schema.ts'
import { addDays, shanghaiDay, shanghaiIso, shanghaiMinute } from '../shared/time.ts'
import { fmt, html, SafeHtml, signed } from './html.ts'
import {
  type ModelOpenWarnings,
  monthlyByCategory,
  type ReportTask,
  type ReportWarning,
  type TownArea,
  townArea,
  townHotCells,
  townOpenTasks,
  townOpenWarningsByModel,
  townVillages,
  townWarnings,
} from './queries.ts'
import { legendHtml, trendChartSvg, type TrendSeries } from './svg-chart.ts'
import { type MapArea, type MapCell, townMapSvg } from './svg-map.ts'

/** What every town's report of a month shares (computed once for the CLI's run over all towns). */
export interface ReportContext {
  month: Month
  window: MonthWindow
  now: Date
  towns: RankingResponse
  villages: RankingResponse
  indicators: Map<string, AreaIndicators>
  definitions: IndicatorDefinition[]
  categories: { code: string; name: string }[]
}

/**
 * Rankings and indicators of the month for every town (and the village ranking).
 * @example const ctx = await reportContext(tx, '2026-10', new Date())
 */
export async function reportContext(sql: Tx, month: Month, now: Date): Promise<ReportContext> {
  const ind = await monthIndicators(sql, 'town', month, now)
  const catalogue = await listCategories(sql)
  return {
    month,
    window: monthWindow(month, now),
    now,
    towns: await rankMonth(sql, 'town', month, { now }),
    villages: await rankMonth(sql, 'village', month, { now }),
    indicators: new Map(ind.areas.map((a) => [a.code, a])),
    definitions: ind.definitions,
    categories: catalogue.map((c) => ({ code: c.code, name: c.nameZh })),
  }
}

export interface TownReport {
  ctx: ReportContext
  town: TownArea
  indicators: AreaIndicators
  rank: RankedArea | null
  villages: RankedArea[]
  mapVillages: MapArea[]
  cells: MapCell[]
  warnings: ReportWarning[]
  /** Every model's warnings open at the month's end (the full view's models among them). */
  openByModel: ModelOpenWarnings[]
  tasks: ReportTask[]
  trend: { months: Month[]; series: TrendSeries[] }
}

/**
 * Everything one town's page shows.
 * @example const data = await townReportData(tx, '330109001', ctx)
 */
export async function townReportData(sql: Tx, code: string, ctx: ReportContext): Promise<TownReport> {
  const town = await townArea(sql, code)
  const w = ctx.window
  const months = lastTwelveMonths(ctx.month)
  const byMonth = await monthlyByCategory(sql, code, { from: monthPeriod(months[0]!).from, to: w.period.to })
  return {
    ctx,
    town,
    indicators: ctx.indicators.get(code)!,
    rank: ctx.towns.areas.find((a) => a.code === code) ?? null,
    villages: ctx.villages.areas.filter((a) => a.parentCode === code),
    mapVillages: await townVillages(sql, code),
    cells: await townHotCells(sql, town.geometry, w.period),
    warnings: await townWarnings(sql, code, w),
    openByModel: await townOpenWarningsByModel(sql, code, w.asOf),
    tasks: await townOpenTasks(sql, code, w.asOf),
    trend: {
      months,
      series: ctx.categories.map((c) => ({ code: c.code, name: c.name, values: months.map((m) => byMonth.get(m)?.get(c.code) ?? 0) })),
    },
  }
}

/** Decimals to show per unit. */
const DECIMALS: Readonly<Record<string, number>> = { '起/万人': 2, '%': 1, 小时: 1, 分: 1, 起: 1, 人: 1, 人次: 1 }

/**
 * A colour badge (红榜 / 黄榜 / 黑榜 / 未上榜).
 * @example colourBadge('red').value // '<span class="badge red">红榜</span>'
 */
function colourBadge(c: RankedArea['colour']): SafeHtml {
  return c ? html`<span class="badge ${c}">${COLOUR_NAMES[c]}</span>` : html`<span class="badge none">未上榜</span>`
}

/**
 * "↑2" / "↓1" / "—" for a rank change (positive = moved up).
 * @example rankArrow(2) // '↑2'
 */
export function rankArrow(change: number | null): string {
  return change === null ? '—' : change > 0 ? `↑${change}` : change < 0 ? `↓${-change}` : '持平'
}

/**
 * Zh date of a YYYY-MM-DD day.
 * @example zhDay('2026-10-31') // '2026年10月31日'
 */
function zhDay(day: string): string {
  return `${day.slice(0, 4)}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`
}

/**
 * The page. Numbers carry data attributes (indicator ids, `data-field`) so tools can read them back.
 * @example renderTownReport(data).startsWith('<!DOCTYPE html>') // true
 */
export function renderTownReport(d: TownReport): string {
  const { ctx, town, rank } = d
  const w = ctx.window
  const monthZh = `${ctx.month.slice(0, 4)}年${Number(ctx.month.slice(5))}月`
  const weights = new Map(Object.entries(rank?.parts ?? {}))
  const overdue = d.tasks.filter((t) => t.overdue)
  const prevPeriod = previousWindowPeriod(w)
  const period = `${zhDay(w.period.from)}—${zhDay(addDays(w.period.to, -1))}${w.complete ? '' : '（当月实时，截至今日）'}`
  const rows = ctx.definitions.map((def) => {
    const v = d.indicators.indicators[def.id]
    const dec = DECIMALS[def.unit] ?? 2
    const better = def.direction === 'lower_better' ? (v.change ?? 0) < 0 : (v.change ?? 0) > 0
    const cls = v.change === null || v.change === 0 ? '' : better ? 'better' : 'worse'
    const part = weights.get(def.id)
    const ten = def.doubleTen
      ? html`<span class="ten" data-double-ten="${def.doubleTen.kind}">双十条·${def.doubleTen.kind === 'result' ? '结果' : '过程'}：${def.doubleTen.nameZh}${def.source === 'entered' ? '（录入）' : ''}</span>`
      : ''
    return html`<tr class="${def.kind}">
<th scope="row">${def.nameZh}<small>${def.unit}</small>${ten}</th>
<td class="num" data-indicator="${def.id}" data-value="${v.value ?? ''}">${fmt(v.value, dec)}</td>
<td class="num" data-previous="${def.id}">${fmt(v.previous, dec)}</td>
<td class="num ${cls}" data-change="${def.id}">${signed(v.change, dec)}</td>
<td class="num">${part === undefined ? '' : fmt(part, 1)}</td>
<td class="note">${countNote(def, v.n, v.base)}</td>
</tr>`
  })
  const villageRows = d.villages.map(
    (v) =>
      html`<tr><td>${v.name}</td><td class="num">${fmt(v.score, 2)}</td><td class="num">${v.rank ?? '—'}</td><td class="num">${rankArrow(v.rankChange)}</td><td>${colourBadge(v.colour)}</td></tr>`,
  )
  const taskRows = d.tasks.map(
    (t) =>
      html`<tr class="${t.overdue ? 'overdue' : ''}" data-task-id="${t.id}"><td>${t.title}</td><td>${t.areaName}</td><td>${t.team}</td><td>${t.dueDate}</td><td>${t.statusName}</td><td class="num">${t.overdue ? `${t.daysOverdue} 天` : ''}</td></tr>`,
  )
  const warningRows = d.warnings.map(
    (x) =>
      html`<tr data-warning-id="${x.id}"><td><span class="dot ${x.level}"></span>${x.title}</td><td>${x.modelName}</td><td>${x.villageName ?? ''}</td><td>${shanghaiDay(new Date(x.createdAt))}</td><td>${x.status}</td></tr>`,
  )
  const openModels = d.openByModel.map(
    (m) =>
      html`<tr data-model="${m.modelId}"><td>${m.modelName}</td><td class="num" data-open-red="${m.modelId}">${m.counts.red}</td><td class="num">${m.counts.orange}</td><td class="num">${m.counts.yellow}</td><td>${m.warnings.map(
        (x, i) =>
          html`${i === 0 ? '' : '；'}<span class="dot ${x.level}"></span><span data-open-warning="${x.id}">${x.title}</span>${x.villageName ? `（${x.villageName}，${shanghaiDay(new Date(x.createdAt))}）` : `（${shanghaiDay(new Date(x.createdAt))}）`}`,
      )}</td></tr>`,
  )
  const openTotal = d.openByModel.reduce((s, m) => s + m.counts.red + m.counts.orange + m.counts.yellow, 0)
  const map = townMapSvg({ town, villages: d.mapVillages, cells: d.cells.slice(0, 400), warnings: d.warnings, tasks: d.tasks })
  const page = html`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${town.name}平安体检报告 · ${monthZh}</title>
<style>${new SafeHtml(CSS)}</style>
</head>
<body>
<header>
<h1>${town.name}平安体检报告</h1>
<p class="sub">${town.districtName ?? ''} · ${monthZh} · 统计期 ${period} · 生成于 <time datetime="${shanghaiIso(ctx.now)}" data-field="generated">${shanghaiMinute(ctx.now)}</time>（北京时间）</p>
</header>
<section class="cards">
<div class="card"><div class="k">综合得分</div><div class="v" data-field="score">${fmt(rank?.score, 2)}</div></div>
<div class="card"><div class="k">全区排名</div><div class="v"><span data-field="rank">${rank?.rank ?? '—'}</span><small> / <span data-field="rank-total">${ctx.towns.counts.total}</span></small></div></div>
<div class="card"><div class="k">较上月</div><div class="v" data-field="rank-change">${rankArrow(rank?.rankChange ?? null)}</div></div>
<div class="card"><div class="k">榜单</div><div class="v" data-field="colour" data-colour="${rank?.colour ?? 'none'}">${colourBadge(rank?.colour ?? null)}</div></div>
<div class="card"><div class="k">在办任务</div><div class="v" data-field="open-tasks">${d.tasks.length}</div></div>
<div class="card"><div class="k">逾期任务</div><div class="v warn" data-field="overdue-tasks">${overdue.length}</div></div>
<div class="card"><div class="k">期内预警</div><div class="v" data-field="warnings">${d.warnings.length}</div></div>
</section>
<section>
<h2>一、指标与变化</h2>
<table class="indicators">
<thead><tr><th>指标</th><th>本期</th><th>上期</th><th>变化</th><th>单项得分</th><th>依据</th></tr></thead>
<tbody>${rows}</tbody>
</table>
<p class="fine">上期：${zhDay(prevPeriod.from)}—${zhDay(addDays(prevPeriod.to, -1))}（当月实时时取上月同样天数）。单项得分按全区同级百分位计（100 为最好），权重见排名配置（版本 ${ctx.towns.configVersion}）。</p>
</section>
<section class="page">
<h2>二、热点、预警与任务分布</h2>
${map}
<ul class="legend"><li><span class="swatch cell"></span>警情热点（H3 网格，颜色越深越多）</li><li><span class="dot red"></span>红色预警</li><li><span class="dot orange"></span>橙色预警</li><li><span class="dot yellow"></span>黄色预警</li><li><span class="sq"></span>在办任务</li><li><span class="sq overdue"></span>逾期任务</li></ul>
</section>
<section>
<h2>三、近12个月警情趋势（按类别）</h2>
${trendChartSvg(d.trend.months, d.trend.series)}
${legendHtml(d.trend.series)}
</section>
<section>
<h2>四、村社排名（全区 ${ctx.villages.counts.total} 个村社）</h2>
<table><thead><tr><th>村社</th><th>得分</th><th>排名</th><th>较上月</th><th>榜单</th></tr></thead><tbody>${villageRows}</tbody></table>
</section>
<section>
<h2>五、在办与逾期任务（在办 ${d.tasks.length}，逾期 ${overdue.length}）</h2>
${d.tasks.length === 0 ? html`<p>无在办任务。</p>` : html`<table class="tasks"><thead><tr><th>任务</th><th>区域</th><th>责任单位</th><th>期限</th><th>状态</th><th>逾期</th></tr></thead><tbody>${taskRows}</tbody></table>`}
</section>
<section>
<h2>六、期内预警（${d.warnings.length}）</h2>
${d.warnings.length === 0 ? html`<p>期内无预警。</p>` : html`<table><thead><tr><th>预警</th><th>模型</th><th>村社</th><th>产生</th><th>状态</th></tr></thead><tbody>${warningRows}</tbody></table>`}
</section>
<section>
<h2>七、月末在办预警（按模型，<span data-field="open-warnings">${openTotal}</span> 条）</h2>
${d.openByModel.length === 0 ? html`<p>月末无在办预警。</p>` : html`<table class="models"><thead><tr><th>模型</th><th>红</th><th>橙</th><th>黄</th><th>预警（至多 10 条）</th></tr></thead><tbody>${openModels}</tbody></table>`}
<p class="fine">含全量信息视图的各模型（群租、纳管率、矛盾反复、重点人员周边警情、企业自查逾期、瓶装燃气、巡防空白等），以预警表中实际出现的模型为准。</p>
</section>
<footer>
<h2>指标口径</h2>
<dl>${ctx.definitions.map((def) => html`<dt>${def.nameZh}</dt><dd>${def.note}</dd>`)}</dl>
</footer>
</body>
</html>
`
  return page.value
}

/**
 * What the counts behind a value are, in words (or that the indicator is not configured).
 * @example countNote(def, 3, null) // '3 起'
 */
function countNote(def: IndicatorDefinition, n: number | null, base: number | null): string {
  // Its category role is unbound in this district: shown, never computed as zero.
  if (!def.configured) return `未配置（${def.reason ?? ''}）`
  switch (def.id) {
    case 'incidents_yoy_pct':
      return `本期 ${n ?? 0} 起，上年同期 ${base ?? 0} 起`
    case 'task_closeout_rate':
      return `应办结 ${base ?? 0}，已办结 ${n ?? 0}`
    case 'task_ontime_rate':
      return `应办结 ${base ?? 0}，按期 ${n ?? 0}`
    case 'warning_response_hours':
      return `预警 ${base ?? 0} 条，已响应 ${n ?? 0}`
    case 'dispute_resolution_rate':
      return `有结果 ${base ?? 0} 件，化解 ${n ?? 0}`
    case 'patrol_coverage_rate':
      return `网格 ${base ?? 0} 个，每周均巡防 ${n ?? 0}`
    case 'migrant_registration_rate':
      return `在住流动人口 ${base ?? 0}，有效登记 ${n ?? 0}`
    case 'hazard_rectification_rate':
      return `应整改 ${base ?? 0}，已整改 ${n ?? 0}`
    case 'self_check_ontime_rate':
      return `有自查义务 ${base ?? 0} 家，按期 ${n ?? 0}`
    default:
      if (def.source === 'entered') return n === null ? '未录入' : `录入（${n} 个月）`
      return `${n ?? 0} 起`
  }
}

const CSS = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimHei", sans-serif; color: #1b1f24; margin: 0 auto; max-width: 820px; padding: 16px; font-size: 13px; line-height: 1.5; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 24px; margin: 0; color: #8b0000; }
h2 { font-size: 16px; border-left: 4px solid #8b0000; padding-left: 8px; margin: 18px 0 8px; }
.sub { color: #555; margin: 4px 0 12px; }
.cards { display: grid; grid-template-columns: repeat(7, 1fr); gap: 6px; }
.card { border: 1px solid #d0d4d9; border-radius: 4px; padding: 6px; text-align: center; }
.card .k { color: #666; font-size: 11px; }
.card .v { font-size: 18px; font-weight: bold; }
.card .v.warn { color: #b30000; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #e3e6ea; padding: 3px 6px; text-align: left; vertical-align: top; }
thead th { background: #f3f4f6; }
th small { color: #888; margin-left: 4px; font-weight: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.better { color: #1a7f37; }
td.worse { color: #b30000; }
td.note, .fine { color: #666; font-size: 11px; }
tr.process th { color: #1f4e79; }
th .ten { display: block; font-size: 10px; color: #8b0000; font-weight: normal; }
tr.overdue td { color: #b30000; }
.badge { display: inline-block; padding: 0 8px; border-radius: 3px; font-size: 13px; color: #fff; }
.badge.red { background: #c0392b; }
.badge.yellow { background: #e6b800; color: #1b1f24; }
.badge.black { background: #1b1f24; }
.badge.none { background: #e3e6ea; color: #555; }
svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
svg.map .town { fill: #f7f7f2; stroke: #333; stroke-width: 2; }
svg.map .village { fill: none; stroke: #8a939c; stroke-width: 0.8; stroke-dasharray: 3 2; }
svg.map .label { font-size: 10px; fill: #444; text-anchor: middle; paint-order: stroke; stroke: #fff; stroke-width: 2.5px; }
svg.map .task rect { fill: #1f4e79; stroke: #fff; stroke-width: 1; }
svg.map .task.overdue rect { fill: #b30000; }
svg.chart .grid { stroke: #e3e6ea; }
svg.chart .axis { stroke: #333; }
svg.chart text { font-size: 11px; fill: #444; }
.legend { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; }
.swatch, .dot, .sq { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: -1px; }
.swatch.cell { background: #b2182b; opacity: 0.6; }
.dot { border-radius: 50%; }
.dot.red { background: #d7191c; } .dot.orange { background: #f28e2b; } .dot.yellow { background: #e6c229; }
.sq { background: #1f4e79; } .sq.overdue { background: #b30000; }
dl { font-size: 11px; color: #555; display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; }
dt { font-weight: bold; } dd { margin: 0; }
section, table, svg, tr { break-inside: avoid; page-break-inside: avoid; }
section.page { break-before: page; }
@media screen { section.page { break-before: auto; } }
@media print { body { max-width: none; padding: 0; } .cards { gap: 4px; } }
`
