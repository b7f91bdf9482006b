/**
 * My village's ranking (本村社区排名): the village's rank and list this month among all villages,
 * and the grid's own numbers this month.
 */
import type { AreaStatsResponse, RankingResponse } from '../../../../server/shared/api.ts'
import { addDays, shanghaiDay } from '../../../../server/shared/time.ts'
import { getLang } from '../../i18n/i18n.ts'
import { el, facts } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import { getCached, type MPage } from '../app.ts'
import { mt } from '../strings.ts'

const LIST = {
  red: { zh: '红榜', en: 'Red list' },
  yellow: { zh: '黄榜', en: 'Yellow list' },
  black: { zh: '黑榜', en: 'Black list' },
} as const

export const mount: MPage = async (root, _params, app) => {
  root.append(el('h2', '', mt('rankTitle')))
  const area = app.me.user.areaCodes[0] ?? null
  const box = el('div', 'm-rank')
  root.append(box)
  try {
    // Scoped callers get their own villages' rows; `counts.total` is what the rank is out of.
    const { data: ranking } = await track(getCached<RankingResponse>('/api/rankings?level=village'))
    const mine = ranking.areas.filter((a) => area === null || area.startsWith(a.code) || a.code.startsWith(area))
    for (const a of mine) {
      const card = el('section', `m-card${a.colour ? ` is-${a.colour}` : ''}`)
      card.dataset.code = a.code
      card.append(
        el('strong', 'm-card-title', a.name),
        el('span', 'm-card-rank', a.rank === null ? '—' : mt('rankOf', { rank: a.rank, total: ranking.counts.total })),
        el('span', 'm-card-list', a.colour ? LIST[a.colour][getLang()] : ''),
        facts([[mt('score'), a.score === null ? '—' : a.score.toFixed(1)]]),
      )
      box.append(card)
    }
    if (mine.length === 0) box.append(el('p', 'm-empty', '—'))
  } catch (err) {
    box.append(el('p', 'm-error', `${mt('failed')}: ${err instanceof Error ? err.message : String(err)}`))
  }
  if (!area) return
  try {
    // This month so far, in Shanghai days: [the 1st, tomorrow).
    const today = shanghaiDay(new Date())
    const q = `from=${today.slice(0, 8)}01&to=${addDays(today, 1)}`
    const { data: stats } = await track(getCached<AreaStatsResponse>(`/api/areas/${encodeURIComponent(area)}/stats?${q}`))
    const grid = el('section', 'm-section')
    grid.dataset.total = String(stats.total)
    const top = [...stats.categories].sort((a, b) => b.n - a.n).slice(0, 5)
    grid.append(
      el('h3', '', mt('gridMonth')),
      facts([
        [mt('monthIncidents'), String(stats.total)],
        ...top.map((c) => [getLang() === 'en' ? c.nameEn : c.nameZh, String(c.n)] as const),
      ]),
    )
    root.append(grid)
  } catch {
    // The grid's numbers are a bonus: the ranking stands without them.
  }
}
