/** Draws the wall's panels into the static skeleton of web/wall.html (text only: no innerHTML of data). */
import type { RankedArea, RankingResponse } from '../../../server/shared/api.ts'
import { formatNumber } from '../i18n/i18n.ts'
import type { Lang } from '../i18n/strings.ts'
import { formatAge, shanghaiClock, type StreamState, weekdayName } from './freshness.ts'
import { formatPct, type Kpis, type TownFocus, trend } from './kpi.ts'
import { WALL_STRINGS, type WallStringKey, wt } from './strings.ts'
import type { TickerItem } from './ticker.ts'

/** How many ticker entries fit the panel. */
export const TICKER_VISIBLE = 7

const $ = <T extends HTMLElement = HTMLElement>(sel: string, root: ParentNode = document): T | null => root.querySelector<T>(sel)

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  e.className = className
  if (text !== undefined) e.textContent = text
  return e
}

function isStringKey(k: string): k is WallStringKey {
  return k in WALL_STRINGS
}

/** Fills every `data-s` element with its string (the HTML holds the Chinese as a fallback). */
export function applyStrings(lang: Lang, root: ParentNode = document): void {
  for (const e of root.querySelectorAll<HTMLElement>('[data-s]')) {
    const key = e.dataset.s ?? ''
    if (isStringKey(key)) e.textContent = wt(key, lang)
  }
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
  document.title = `${wt('wall.title', lang)}`
}

/** Sets a KPI's text; a changed value gets a short bump so the eye catches it. */
function setKpi(name: string, text: string): void {
  const b = $(`[data-kpi="${name}"]`)
  if (!b || b.textContent === text) return
  const had = b.textContent !== '—'
  b.textContent = text
  const card = b.closest<HTMLElement>('.kpi')
  if (had && card) {
    card.classList.remove('bump')
    void card.offsetWidth // restart the animation
    card.classList.add('bump')
  }
}

/** The KPI row. */
export function renderKpis(k: Kpis, lang: Lang): void {
  setKpi('today', formatNumber(k.today, lang))
  setKpi('yearEarlier', formatNumber(k.yearEarlier, lang))
  setKpi('yoy', formatPct(k.yoyPct))
  $('[data-kpi="yoy"]')?.setAttribute('data-trend', trend(k.yoyPct))
  // The cards say which hours they compare: at 00:23, today's 23 minutes with last year's same 23.
  const base = $('#kpi-yoy-base')
  if (base) base.textContent = k.span ? wt('kpi.yoyBaseSpan', lang, { span: k.span }) : wt('kpi.yoyBase', lang)
  const yoySub = $('#kpi-yoy-sub')
  if (yoySub) {
    const counts = k.yoyPct === null ? wt('kpi.noBase', lang) : `${formatNumber(k.today, lang)} / ${formatNumber(k.yearEarlier, lang)}`
    yoySub.textContent = k.span ? `${wt('kpi.yoySpan', lang, { span: k.span })} · ${counts}` : counts
  }
  setKpi('month', formatNumber(k.month, lang))
  const monthSub = $('#kpi-month-sub')
  if (monthSub) {
    monthSub.textContent = wt('kpi.monthPop', lang, { pct: formatPct(k.monthPopPct) })
    monthSub.dataset.trend = trend(k.monthPopPct)
  }
  setKpi('red', formatNumber(k.redWarnings, lang))
  setKpi('openTasks', formatNumber(k.openTasks, lang))
  setKpi('overdueTasks', formatNumber(k.overdueTasks, lang))
  const share = k.openTasks > 0 ? `${((100 * k.overdueTasks) / k.openTasks).toFixed(1)}%` : '—'
  const sub = $('#kpi-overdue-sub')
  if (sub) sub.textContent = `${wt('kpi.overdueSub', lang)} ${share}`
}

/**
 * The ranking panel: counts per colour and one row per town (rank, name, score bar, score,
 * change since last month). Without a ranking it says so instead of leaving the panel empty.
 */
export function renderRanking(ranking: RankingResponse | null, rows: readonly RankedArea[], focusCode: string | null, lang: Lang): void {
  const list = $('#rank-list')
  if (!list) return
  for (const c of ['red', 'yellow', 'black'] as const) {
    const b = $(`[data-count="${c}"]`)
    if (b) b.textContent = ranking ? String(ranking.counts[c]) : '—'
  }
  const month = $('#rank-month')
  if (month) month.textContent = ranking ? `${ranking.month}${ranking.complete ? '' : ' *'}` : ''
  list.replaceChildren()
  list.dataset.state = ranking ? 'ranked' : 'pending'
  if (!ranking || rows.length === 0) {
    list.append(el('li', 'rank-empty', wt('rank.pending', lang)))
    return
  }
  for (const a of rows) {
    const li = el('li', 'rank-row')
    li.dataset.code = a.code
    li.dataset.colour = a.colour ?? 'none'
    if (a.code === focusCode) li.classList.add('is-focus')
    const bar = el('span', 'rank-bar')
    const fill = el('i', '')
    fill.style.width = `${Math.max(0, Math.min(100, a.score ?? 0))}%`
    bar.append(fill)
    const change = el('span', 'rank-change')
    if (a.rankChange !== null && a.rankChange !== 0) {
      change.textContent = `${a.rankChange > 0 ? '▲' : '▼'}${Math.abs(a.rankChange)}`
      change.dataset.dir = a.rankChange > 0 ? 'up' : 'down'
    } else change.textContent = a.rankChange === 0 ? '—' : ''
    li.append(
      el('span', 'rank-no', a.rank === null ? '–' : String(a.rank)),
      el('span', 'rank-name', a.name),
      bar,
      el('span', 'rank-score', a.score === null ? '—' : a.score.toFixed(1)),
      change,
    )
    list.append(li)
  }
}

/** Marks the town in focus in the ranking list. */
export function markRankingFocus(code: string | null): void {
  for (const li of document.querySelectorAll<HTMLElement>('.rank-row')) li.classList.toggle('is-focus', li.dataset.code === code)
}

/**
 * Time of an incident for the ticker: HH:MM, with the date above it when not today (Shanghai).
 * @example tickerTime('2026-11-22T01:02:00Z', new Date('2026-11-22T03:00:00Z')) // { time: '09:02', date: '' }
 */
export function tickerTime(iso: string, now: Date): { time: string; date: string } {
  const at = shanghaiClock(new Date(iso))
  const today = shanghaiClock(now)
  return { time: at.time.slice(0, 5), date: at.date === today.date ? '' : at.date.slice(5) }
}

/** The ticker: the newest entries; `fresh` ids slide in. */
export function renderTicker(items: readonly TickerItem[], fresh: ReadonlySet<number>, lang: Lang, now: Date): void {
  const list = $('#ticker-list')
  if (!list) return
  list.replaceChildren()
  if (items.length === 0) {
    list.append(el('li', 'ticker-empty', wt('ticker.empty', lang)))
    return
  }
  for (const it of items.slice(0, TICKER_VISIBLE)) {
    const li = el('li', 'ticker-item')
    li.dataset.incident = String(it.id)
    if (it.live) li.classList.add('is-live')
    if (fresh.has(it.id)) li.classList.add('is-new')
    const t = tickerTime(it.reportedAt, now)
    const time = el('span', 'ticker-time', t.time)
    if (t.date) time.append(el('small', '', t.date))
    const head = el('span', 'ticker-head')
    head.append(
      el('span', 'ticker-cat', it.categoryName),
      el('span', 'ticker-town', it.townName ?? (it.lngLat ? '' : wt('ticker.unplaced', lang))),
    )
    li.append(time, head, el('span', 'ticker-addr', it.address ?? ''))
    list.append(li)
  }
}

/** The focus card and the name over the map. */
export function renderFocus(f: TownFocus | null, lang: Lang): void {
  const name = f?.name ?? '—'
  const n = $('#focus-name')
  if (n) n.textContent = name
  const over = $('#map-focus-name')
  if (over) over.textContent = f?.name ?? ''
  const set = (k: string, text: string, colour?: string) => {
    const b = $(`[data-focus="${k}"]`)
    if (!b) return
    b.textContent = text
    if (colour) b.dataset.colour = colour
    else delete b.dataset.colour
  }
  if (!f) return
  set('today', formatNumber(f.today, lang))
  set('month', formatNumber(f.month, lang))
  set('rank', f.rank === null ? '—' : `${f.rank}/${f.rankOf}`, f.colour ?? undefined)
  set('warnings', formatNumber(f.warnings, lang))
  set('red', formatNumber(f.redWarnings, lang), f.redWarnings > 0 ? 'red' : undefined)
  set('tasks', formatNumber(f.openTasks, lang), f.overdueTasks > 0 ? 'yellow' : undefined)
  const tasks = $('[data-focus="tasks"]')
  // Overdue ones beside the open count, small: the card stays one number per box.
  if (tasks && f.overdueTasks > 0) tasks.append(el('small', 'fstat-extra', `${wt('focus.overdue', lang)} ${f.overdueTasks}`))
}

/**
 * Runs the dwell progress bar under the focus card from `from` (0–1) to full in `ms`. It scales
 * (a compositor animation) rather than widening, which would lay out and repaint every frame.
 */
export function restartFocusProgress(ms: number, from = 0): void {
  const bar = $('#focus-progress')
  if (!bar) return
  bar.style.transition = 'none'
  bar.style.transform = `scaleX(${from})`
  void bar.offsetWidth
  bar.style.transition = `transform ${ms}ms linear`
  bar.style.transform = 'scaleX(1)'
}

/** The clock. */
export function renderClock(now: Date, lang: Lang): void {
  const c = shanghaiClock(now)
  const time = $('#wall-time')
  if (time) time.textContent = c.time
  const date = $('#wall-date')
  if (date) date.textContent = `${c.date} ${weekdayName(c.weekday, lang)}`
}

/** The connection pill, the freshness lines and the stale banner. */
export function renderStatus(
  s: { stream: StreamState; attempt: number; stale: boolean; lastDataMs: number | null; lastEventMs: number | null; nowMs: number },
  lang: Lang,
): void {
  const pill = $('#wall-status')
  if (pill) pill.dataset.state = s.stream
  const label = $('#wall-status-label')
  if (label)
    label.textContent = wt(
      s.stream === 'live' ? 'status.live' : s.stream === 'reconnecting' ? 'status.reconnecting' : 'status.connecting',
      lang,
    )
  const detail = $('#wall-status-detail')
  if (detail) detail.textContent = s.attempt > 0 ? wt('status.attempt', lang, { n: s.attempt }) : ''
  const age = (ms: number | null) => (ms === null ? wt('status.never', lang) : formatAge(s.nowMs - ms, lang))
  const data = $('#wall-fresh-data')
  if (data) data.textContent = age(s.lastDataMs)
  const ev = $('#wall-fresh-event')
  if (ev) ev.textContent = age(s.lastEventMs)
  const banner = $('#stale-banner')
  if (banner) banner.hidden = !s.stale
  const text = $('#stale-text')
  if (text) text.textContent = `${wt('status.stale', lang)} · ${age(s.lastDataMs)}`
  $('#wall-stage')?.classList.toggle('is-stale', s.stale)
}
