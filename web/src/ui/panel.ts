/** The drilled-down area's panel: breadcrumbs back up, its numbers in the period, sub-areas and indicators. */
import type { AreaDetail, AreaStatsResponse, IndicatorsResponse } from '../api/map-api.ts'
import { districtName, formatNumber, getLang, onLangChange, t } from '../i18n/i18n.ts'
import type { StringKey } from '../i18n/strings.ts'
import { el, facts } from './dom.ts'

const LEVEL_KEYS: Record<string, StringKey> = {
  district: 'level.district',
  town: 'level.town',
  village: 'level.village',
  grid: 'level.grid',
  microgrid: 'level.microgrid',
}

export interface AreaPanelData {
  area: AreaDetail
  /** District → … → the area itself. */
  trail: { code: string; name: string }[]
  stats: AreaStatsResponse | null
  indicators: IndicatorsResponse | null
}

export interface AreaPanel {
  show(data: AreaPanelData): void
  hide(): void
}

/** Mounts the panel; `onArea` drills to an area (null = the whole district). */
/** A link out of the panel (a report opens in its own tab). */
function link(href: string, text: string, name: string): HTMLAnchorElement {
  const a = el('a', 'desk-action', text)
  a.href = href
  a.dataset.link = name
  if (href.startsWith('/reports/')) a.target = '_blank'
  return a
}

export function mountAreaPanel(root: HTMLElement, onArea: (code: string | null) => void): AreaPanel {
  let data: AreaPanelData | null = null

  const render = () => {
    root.replaceChildren()
    if (!data) {
      root.hidden = true
      return
    }
    const { area, trail, stats, indicators } = data
    const crumbs = el('nav', 'crumbs')
    crumbs.setAttribute('aria-label', 'breadcrumbs')
    trail.forEach((c, i) => {
      if (i > 0) crumbs.append(el('span', 'crumbs__sep', '›'))
      const last = i === trail.length - 1
      const label = i === 0 ? districtName(c.code, c.name) : c.name
      if (last) crumbs.append(el('span', 'crumbs__here', label))
      else {
        const b = el('button', 'crumbs__link', label)
        b.type = 'button'
        b.dataset.code = c.code
        b.addEventListener('click', () => onArea(i === 0 ? null : c.code))
        crumbs.append(b)
      }
    })

    const head = el('div', 'area-panel__head')
    head.append(el('span', 'area-panel__level', t(LEVEL_KEYS[area.level] ?? 'level.town')))
    const close = el('button', 'area-panel__close', '×')
    close.type = 'button'
    close.title = t('panel.close')
    close.setAttribute('aria-label', t('panel.close'))
    close.addEventListener('click', () => onArea(null))
    head.append(close)

    const name = el('h2', 'area-panel__name', area.name)
    name.lang = 'zh-CN'
    const population = typeof area.population === 'number' ? formatNumber(area.population) : t('panel.populationUnknown')
    const rows: [string, string][] = [
      [t('panel.code'), area.code],
      [t('panel.population'), population],
    ]
    if (stats) rows.push([t('area.incidents'), formatNumber(stats.total)])
    root.append(crumbs, head, name, facts(rows))

    if (stats && stats.categories.length > 0) {
      const top = [...stats.categories].sort((a, b) => b.n - a.n).slice(0, 5)
      const list = el('ul', 'mini-bars')
      const max = Math.max(1, ...top.map((c) => c.n))
      for (const c of top) {
        const li = el('li')
        const bar = el('span', 'mini-bars__bar')
        bar.style.width = `${(c.n / max) * 100}%`
        li.append(
          el('span', 'mini-bars__name', getLang() === 'zh' ? c.nameZh : c.nameEn),
          bar,
          el('span', 'mini-bars__n', formatNumber(c.n)),
        )
        list.append(li)
      }
      root.append(el('h3', 'panel-sub', t('area.byCategory')), list)
    }

    if (area.children.length > 0 && area.level !== 'grid') {
      const totals = new Map((stats?.children ?? []).map((c) => [c.code, c.total]))
      const kids = [...area.children].sort((a, b) => (totals.get(b.code) ?? 0) - (totals.get(a.code) ?? 0))
      const list = el('ul', 'children')
      for (const c of kids) {
        const li = el('li')
        const b = el('button', 'children__link', c.name)
        b.type = 'button'
        b.dataset.code = c.code
        b.addEventListener('click', () => onArea(c.code))
        li.append(b, el('span', 'children__n', totals.has(c.code) ? formatNumber(totals.get(c.code)!) : ''))
        list.append(li)
      }
      root.append(el('h3', 'panel-sub', t('area.children')), list)
    }

    if (area.level === 'town' || area.level === 'village') {
      // The town's health report (a village's: its town's) and the level's ranking, on the desk.
      const town = area.level === 'town' ? area.code : (trail[1]?.code ?? null)
      const links = el('div', 'area-panel__links')
      if (town) links.append(link(`/reports/town/${encodeURIComponent(town)}`, t('area.report'), 'report'))
      links.append(link(`/desk/rankings?level=${area.level}`, t('area.ranking'), 'ranking'))
      root.append(links)
      root.append(el('h3', 'panel-sub', t('area.indicators')))
      const mine = indicators?.areas.find((a) => a.code === area.code)
      if (!indicators || !mine) root.append(el('p', 'muted', t('area.indicatorsNone')))
      else {
        const rows2: [string, string][] = []
        for (const d of indicators.definitions) {
          const v = mine.indicators[d.id]
          if (!v) continue
          const value = v.value === null ? '—' : `${formatNumber(Math.round(v.value * 100) / 100)} ${d.unit}`
          rows2.push([getLang() === 'zh' ? d.nameZh : d.nameEn, value])
        }
        root.append(facts(rows2))
      }
    }
    root.hidden = false
  }

  onLangChange(render)
  return {
    show(next) {
      data = next
      render()
    },
    hide() {
      data = null
      render()
    },
  }
}
