/**
 * Rankings and reports (红黄黑榜与报告): the month's red, yellow and black lists of towns or
 * villages, each area's score and rank with their change, and each indicator's value with its
 * change on the month before; every town's health report linked (an index of them all), and the
 * page printable as it stands.
 */
import type {
  AssessmentsResponse,
  IndicatorDefinition,
  IndicatorsResponse,
  RankedArea,
  RankingResponse,
} from '../../../../server/shared/api.ts'
import { addMonthsToDay, shanghaiMinute } from '../../../../server/shared/time.ts'
import { getJson, sendJson } from '../../api/client.ts'
import { getLang } from '../../i18n/i18n.ts'
import { el } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import type { DeskView, PageMount } from '../context.ts'
import { busy, button, field, input, refusal, select } from '../form.ts'
import { deskPath, type DeskRoute } from '../routes.ts'
import { dt, strings } from '../strings.ts'

const rk = strings({
  level: { zh: '层级', en: 'Level' },
  town: { zh: '乡镇街道', en: 'Towns' },
  village: { zh: '村社区', en: 'Villages' },
  month: { zh: '月份', en: 'Month' },
  red: { zh: '红榜', en: 'Red list' },
  yellow: { zh: '黄榜', en: 'Yellow list' },
  black: { zh: '黑榜', en: 'Black list' },
  rank: { zh: '排名', en: 'Rank' },
  area: { zh: '区域', en: 'Area' },
  score: { zh: '得分', en: 'Score' },
  colour: { zh: '榜单', en: 'List' },
  report: { zh: '健康报告', en: 'Health report' },
  print: { zh: '打印', en: 'Print' },
  none: { zh: '（无）', en: '(none)' },
  outOf: { zh: '共 {n} 个参与排名', en: '{n} ranked' },
  apart: { zh: '统计单位（不参与排名）', en: 'Statistics-only units (not ranked)' },
  partial: { zh: '本月尚未结束，数据截至今日', en: 'The month is not over: counted up to today' },
  reports: { zh: '各镇街健康报告', en: 'Town health reports' },
  assess: { zh: '双十条录入', en: '双十条 assessments' },
  assessHint: {
    zh: '按月录入人工评定的指标（结果指标由区级部门录入，过程指标由镇街自评）；同月以最后一次录入为准，保留历次记录',
    en: 'Enter the indicators people assess, per month (result indicators: district departments; process: the towns); the latest entry of a month counts, earlier ones are kept',
  },
  indicator: { zh: '指标', en: 'Indicator' },
  value: { zh: '数值', en: 'Value' },
  comment: { zh: '说明', en: 'Comment' },
  enter: { zh: '录入', en: 'Enter' },
  entered: { zh: '已录入', en: 'Entered' },
  by: { zh: '录入人', en: 'By' },
  when: { zh: '时间', en: 'When' },
  earlier: { zh: '此前 {n} 次', en: '{n} earlier' },
  noAssessments: { zh: '本月尚无录入', en: 'Nothing entered this month' },
})

const COLOURS = ['red', 'yellow', 'black'] as const

/**
 * A signed change for a table cell: +1.5, −2, or '' when unknown or nil.
 * @example signed(1.54) // '+1.5'
 * @example signed(-2) // '−2'
 * @example signed(null) // ''
 */
export function signed(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n) || Math.abs(n) < 10 ** -digits / 2) return ''
  const s = Math.abs(n).toFixed(digits).replace(/\.0+$/, '')
  return n > 0 ? `+${s}` : `−${s}`
}

/**
 * The months the page offers: this one and the eleven before it, newest first.
 * @example recentMonths('2026-12-06', 3) // ['2026-12', '2026-11', '2026-10']
 */
export function recentMonths(today: string, n = 12): string[] {
  return Array.from({ length: n }, (_, i) => addMonthsToDay(`${today.slice(0, 7)}-01`, -i).slice(0, 7))
}

export const mount: PageMount = async (root, route, ctx) => {
  const filters = el('form', 'desk-filters desk-noprint')
  const lists = el('div', 'desk-colour-lists')
  const table = el('div', 'desk-table-wrap')
  const reports = el('section', 'desk-section desk-report-index')
  const assess = el('section', 'desk-section desk-assess desk-noprint')
  root.append(filters, lists, table, assess, reports)
  let params = route.params

  const level = () => (params.get('level') === 'village' ? 'village' : 'town')
  const month = () => params.get('month') ?? ctx.today.slice(0, 7)

  const renderFilters = () => {
    const print = button(rk('print'), 'plain', 'print')
    print.addEventListener('click', () => window.print())
    filters.replaceChildren(
      field(
        rk('level'),
        select(
          [
            ['town', rk('town')],
            ['village', rk('village')],
          ],
          level(),
        ),
        'level',
      ),
      field(
        rk('month'),
        select(
          [...new Set([month(), ...recentMonths(ctx.today)])]
            .sort()
            .reverse()
            .map((m) => [m, m] as const),
          month(),
        ),
        'month',
      ),
      print,
    )
  }
  filters.addEventListener('change', () => {
    const next = new URLSearchParams()
    for (const name of ['level', 'month']) next.set(name, (filters.elements.namedItem(name) as HTMLSelectElement).value)
    ctx.navigate(deskPath({ page: 'rankings', params: next }), { replace: true })
  })

  const reportLink = (code: string, text: string) => {
    const a = el('a', 'desk-link', text)
    a.href = `/reports/town/${encodeURIComponent(code)}?month=${month()}`
    a.target = '_blank'
    a.rel = 'noopener'
    return a
  }

  async function load(): Promise<void> {
    lists.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
    table.replaceChildren()
    reports.replaceChildren()
    let ranking: RankingResponse
    let indicators: IndicatorsResponse
    try {
      const q = `level=${level()}&month=${month()}`
      ;[ranking, indicators] = (await Promise.all([getJson(`/api/rankings?${q}`), getJson(`/api/indicators?${q}`)])) as [
        RankingResponse,
        IndicatorsResponse,
      ]
    } catch (err) {
      lists.replaceChildren(el('p', 'desk-error', refusal(err)))
      return
    }
    const en = getLang() === 'en'
    const defs = new Map(indicators.definitions.map((d) => [d.id, d]))
    const values = new Map(indicators.areas.map((a) => [a.code, a.indicators]))
    const weighted = ranking.indicators.filter((i) => i.configured && i.weight > 0)

    // The three lists.
    lists.replaceChildren(
      ...COLOURS.map((c) => {
        const box = el('section', `desk-colour-list desk-colour-list--${c}`)
        box.dataset.colour = c
        const members = ranking.areas.filter((a) => a.colour === c)
        box.append(el('h3', '', `${rk(c)} · ${members.length}`))
        const ol = el('ol')
        for (const a of members) ol.append(el('li', '', `${a.name}${a.score === null ? '' : ` ${a.score.toFixed(1)}`}`))
        box.append(members.length ? ol : el('p', 'desk-empty', rk('none')))
        return box
      }),
    )
    if (!ranking.complete) lists.append(el('p', 'desk-hint', rk('partial')))

    // The table: rank, area, score, list, and each weighted indicator's value and change.
    const t = el('table', 'desk-table desk-ranking')
    const head = el('tr')
    head.append(el('th', '', rk('rank')), el('th', '', rk('area')), el('th', '', rk('score')), el('th', '', rk('colour')))
    for (const i of weighted) {
      const d = defs.get(i.id)
      const th = el('th', '', d ? (en ? d.nameEn : d.nameZh) : i.id)
      th.title = d ? `${d.unit} · ${d.note}` : ''
      head.append(th)
    }
    if (level() === 'town') head.append(el('th', 'desk-noprint', rk('report')))
    const thead = el('thead')
    thead.append(head)
    const tbody = el('tbody')
    const row = (a: RankedArea) => {
      const tr = el('tr', a.colour ? `is-${a.colour}` : '')
      tr.dataset.code = a.code
      const rank = el('td', 'num', a.rank === null ? '—' : String(a.rank))
      if (a.rankChange)
        rank.append(el('small', a.rankChange > 0 ? 'up' : 'down', ` ${a.rankChange > 0 ? '↑' : '↓'}${Math.abs(a.rankChange)}`))
      const score = el('td', 'num', a.score === null ? '—' : a.score.toFixed(1))
      const sc = signed(a.scoreChange)
      if (sc) score.append(el('small', '', ` (${sc})`))
      tr.append(rank, el('td', '', a.name), score, el('td', '', a.colour ? rk(a.colour) : ''))
      const v = values.get(a.code)
      for (const i of weighted) {
        const iv = v?.[i.id]
        const td = el('td', 'num', iv?.value == null ? '—' : String(Math.round(iv.value * 100) / 100))
        td.dataset.indicator = i.id
        const ch = signed(iv?.change, 2)
        if (ch) td.append(el('small', '', ` (${ch})`))
        tr.append(td)
      }
      if (level() === 'town') {
        const td = el('td', 'desk-noprint')
        td.append(reportLink(a.code, rk('report')))
        tr.append(td)
      }
      return tr
    }
    tbody.append(...ranking.areas.map(row))
    t.append(thead, tbody)
    table.replaceChildren(el('p', 'desk-hint', rk('outOf', { n: ranking.counts.total })), t)
    if (ranking.apart.length) {
      const apart = el('table', 'desk-table')
      const body = el('tbody')
      body.append(...ranking.apart.map(row))
      apart.append(body)
      table.append(el('h3', '', rk('apart')), apart)
    }

    if (ctx.can('write')) void track(renderAssess(indicators))

    // The index of every town's report for the month (a town officer: theirs).
    if (level() === 'town') {
      const ul = el('ul', 'desk-report-links')
      for (const a of [...ranking.areas, ...ranking.apart]) {
        const li = el('li')
        li.append(reportLink(a.code, a.name))
        ul.append(li)
      }
      reports.replaceChildren(el('h3', '', `${rk('reports')} · ${month()}`), ul)
    }
  }

  /**
   * The assessment form (month, area of the page's level, an entered indicator, value, comment) and
   * the month's entries with who and when. A town's staff are offered the process indicators and
   * their own areas only; the server checks both again.
   */
  async function renderAssess(indicators: IndicatorsResponse): Promise<void> {
    const en = getLang() === 'en'
    const scoped = ctx.me.user.areaCodes.length > 0
    const entered = indicators.definitions.filter(
      (d: IndicatorDefinition) => d.source === 'entered' && (!scoped || d.doubleTen?.kind === 'process'),
    )
    const form = el('form', 'desk-filters desk-assess-form')
    form.dataset.form = 'assessment'
    const monthSel = select(
      [...new Set([month(), ...recentMonths(ctx.today)])]
        .sort()
        .reverse()
        .map((m) => [m, m] as const),
      month(),
    )
    const areaSel = select(indicators.areas.map((a) => [a.code, `${a.name} ${a.code}`] as const))
    const indSel = select(
      entered.map((d) => [d.id, `${d.doubleTen?.nameZh ?? d.nameZh}${en ? ` (${d.nameEn})` : ''} · ${d.unit}`] as const),
    )
    const value = input('number', '', { min: '0', step: 'any', required: '' })
    const comment = input('text', '', { maxlength: '2000' })
    const ok = button(rk('enter'), 'primary', 'enter-assessment')
    ok.type = 'submit'
    form.append(
      field(rk('month'), monthSel, 'month'),
      field(level() === 'town' ? rk('town') : rk('village'), areaSel, 'area'),
      field(rk('indicator'), indSel, 'indicator'),
      field(rk('value'), value, 'value'),
      field(rk('comment'), comment, 'comment'),
      ok,
    )
    const list = el('div', 'desk-assess-list')
    const names = new Map(indicators.definitions.map((d) => [d.id, d.doubleTen?.nameZh ?? d.nameZh]))
    const showList = async () => {
      let r: AssessmentsResponse
      try {
        r = (await getJson(`/api/indicators/assessments?month=${monthSel.value}`)) as AssessmentsResponse
      } catch (err) {
        list.replaceChildren(el('p', 'desk-error', refusal(err)))
        return
      }
      if (r.assessments.length === 0) {
        list.replaceChildren(el('p', 'desk-empty', rk('noAssessments')))
        return
      }
      const t = el('table', 'desk-table')
      const head = el('tr')
      for (const h of [rk('area'), rk('indicator'), rk('value'), rk('comment'), rk('by'), rk('when')]) head.append(el('th', '', h))
      const thead = el('thead')
      thead.append(head)
      const body = el('tbody')
      for (const a of r.assessments) {
        const tr = el('tr')
        tr.dataset.area = a.area
        tr.dataset.indicator = a.indicator
        const v = el('td', 'num', String(a.value))
        if (a.history.length) v.append(el('small', '', ` (${rk('earlier', { n: a.history.length })})`))
        tr.append(
          el('td', '', a.areaName),
          el('td', '', names.get(a.indicator) ?? a.indicator),
          v,
          el('td', '', a.comment ?? ''),
          el('td', '', a.enteredBy),
          el('td', '', shanghaiMinute(new Date(a.enteredAt))),
        )
        body.append(tr)
      }
      t.append(thead, body)
      list.replaceChildren(t)
    }
    monthSel.addEventListener('change', () => void track(showList()))
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      void track(
        busy(form, async () => {
          try {
            await sendJson('POST', '/api/indicators/assessments', {
              indicator: indSel.value,
              area: areaSel.value,
              month: monthSel.value,
              value: Number(value.value),
              comment: comment.value.trim() || null,
            })
            ctx.toast(rk('entered'), 'ok')
            value.value = ''
            comment.value = ''
            await showList()
          } catch (err) {
            ctx.toast(refusal(err), 'error')
          }
        }),
      )
    })
    assess.replaceChildren(el('h3', '', rk('assess')), el('p', 'desk-hint', rk('assessHint')), form, list)
    if (entered.length === 0 || indicators.areas.length === 0) form.hidden = true
    await showList()
  }

  renderFilters()
  await track(load())
  const view: DeskView = {
    update(next: DeskRoute) {
      params = next.params
      renderFilters()
      void track(load())
    },
    destroy() {},
  }
  return view
}
