/**
 * The address review queue (地址复核): each doubtful pair of the police standard-address table and
 * the unified address base — both records, both points on a small map, the distance and the
 * reason — accepted, answered with another candidate, or rejected. Accepting a place more than
 * 500 m away asks for a confirmation and a note (the server refuses it without one).
 */
import { FAR_ACCEPT_M, type Pair, type ReviewPage } from '../../../../server/shared/api.ts'
import { getJson, sendJson } from '../../api/client.ts'
import { getLang } from '../../i18n/i18n.ts'
import { el, facts, formatTime } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import type { MiniFeature, MiniMap } from '../../ui/minimap.ts'
import type { DeskView, PageMount } from '../context.ts'
import { button, field, inlineForm, refusal, select, textarea } from '../form.ts'
import { deskPath, type DeskRoute } from '../routes.ts'
import { openMiniMap, splitLayout } from '../split.ts'
import { dt, strings } from '../strings.ts'

const rt = strings({
  count: { zh: '{n} 对待复核', en: '{n} pairs' },
  other: { zh: '公安标准地址', en: 'Police standard address' },
  proposed: { zh: '统一地址库', en: 'Unified address base' },
  candidates: { zh: '其他候选地址', en: 'Other candidates' },
  distance: { zh: '相距', en: 'Distance' },
  metres: { zh: '{m} 米', en: '{m} m' },
  reason: { zh: '复核原因', en: 'Why it needs a person' },
  level: { zh: '匹配级别', en: 'Match level' },
  score: { zh: '得分', en: 'Score' },
  accept: { zh: '确认匹配', en: 'Accept' },
  acceptOther: { zh: '改选此地址', en: 'Accept this one instead' },
  reject: { zh: '不匹配', en: 'Reject' },
  note: { zh: '备注', en: 'Note' },
  farNote: { zh: '说明理由（必填）', en: 'Say why (required)' },
  farConfirm: {
    zh: '两处相距 {m} 米，超过 {limit} 米。确认是同一地点吗？',
    en: 'The two points are {m} m apart, more than {limit} m. Are they really the same place?',
  },
  confirmFar: { zh: '确认，是同一地点', en: 'Yes, the same place' },
  decided: { zh: '已处理：{status}', en: 'Decided: {status}' },
  source: { zh: '来源表', en: 'Source table' },
  pick: { zh: '选择一对地址', en: 'Pick a pair' },
  none: { zh: '无', en: 'none' },
  decidedBy: { zh: '处理人', en: 'Decided by' },
})

const STATUSES = ['review', 'matched', 'accepted', 'rejected', 'unmatched'] as const
const STATUS_NAMES: Record<(typeof STATUSES)[number], { zh: string; en: string }> = {
  review: { zh: '待复核', en: 'To review' },
  matched: { zh: '自动匹配', en: 'Matched' },
  accepted: { zh: '已确认', en: 'Accepted' },
  rejected: { zh: '已否决', en: 'Rejected' },
  unmatched: { zh: '未匹配', en: 'Unmatched' },
}
const statusName = (s: string) => STATUS_NAMES[s as keyof typeof STATUS_NAMES]?.[getLang()] ?? s

/**
 * Whether accepting a place this far away needs the confirmation and a note.
 * @example needsFarNote(730) // true
 * @example needsFarNote(null) // false
 */
export function needsFarNote(distanceM: number | null | undefined): boolean {
  return distanceM != null && distanceM > FAR_ACCEPT_M
}

export const mount: PageMount = async (root, route, ctx) => {
  const { filters, listHead, list, mapBox, detail } = splitLayout(root, { map: true })

  let params = route.params
  let selectedId = route.id
  let items: Pair[] = []
  let total = 0
  let miniMap: MiniMap | null = null
  let destroyed = false

  const renderFilters = () => {
    filters.replaceChildren(
      field(
        dt('f.status'),
        select(
          STATUSES.map((s) => [s, statusName(s)] as const),
          params.get('status') ?? 'review',
        ),
        'status',
      ),
    )
  }
  filters.addEventListener('change', () => {
    const status = (filters.elements.namedItem('status') as HTMLSelectElement).value
    const next = new URLSearchParams(params)
    if (status === 'review') next.delete('status')
    else next.set('status', status)
    ctx.navigate(deskPath({ page: 'review', params: next }), { replace: true })
  })

  const renderList = () => {
    listHead.textContent = rt('count', { n: total })
    if (items.length === 0) return void list.replaceChildren(el('p', 'desk-empty', dt('desk.empty')))
    list.replaceChildren(
      ...items.map((p) => {
        const row = el('a', `desk-row desk-row-main${String(p.id) === selectedId ? ' is-selected' : ''}`)
        row.setAttribute('role', 'listitem')
        row.href = deskPath({ page: 'review', id: String(p.id), params })
        row.dataset.id = String(p.id)
        const d = p.proposed?.distanceM
        row.append(
          el('span', 'desk-row-title', p.other.address),
          el(
            'span',
            'desk-row-meta',
            `→ ${p.proposed?.address ?? rt('none')}${d != null ? ` · ${rt('metres', { m: Math.round(d) })}` : ''}`,
          ),
          el('span', `desk-due${needsFarNote(d) ? ' is-overdue' : ''}`, p.reason ?? ''),
        )
        return row
      }),
    )
  }

  async function load(): Promise<void> {
    list.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
    try {
      const q = new URLSearchParams({ status: params.get('status') ?? 'review', limit: '500' })
      const source = params.get('source')
      if (source) q.set('source', source)
      const page = (await getJson(`/api/reconcile/review?${q.toString()}`)) as ReviewPage
      items = page.items
      total = page.total
      renderList()
      renderDetail()
    } catch (err) {
      list.replaceChildren(el('p', 'desk-error', refusal(err)))
    }
  }

  function mapFeatures(p: Pair, chosen: string | null): MiniFeature[] {
    const out: MiniFeature[] = [
      { id: 'other', geometry: { type: 'Point', coordinates: [p.other.lng, p.other.lat] }, colour: '#1f5fbf', label: rt('other') },
    ]
    if (p.proposed?.lng != null && p.proposed.lat != null)
      out.push({
        id: 'proposed',
        geometry: { type: 'Point', coordinates: [p.proposed.lng, p.proposed.lat] },
        colour: '#e8590c',
        selected: chosen === null,
      })
    for (const c of p.candidates)
      if (c.addressId && c.addressId !== p.proposed?.addressId && c.lng !== null && c.lat !== null)
        out.push({
          id: `c:${c.addressId}`,
          geometry: { type: 'Point', coordinates: [c.lng, c.lat] },
          colour: '#2f9e44',
          selected: chosen === c.addressId,
        })
    return out
  }

  function renderDetail(): void {
    const p = items.find((x) => String(x.id) === selectedId)
    if (!p) {
      detail.replaceChildren(el('p', 'desk-hint', selectedId ? dt('desk.notFound') : rt('pick')))
      miniMap?.setFeatures([])
      return
    }
    miniMap?.setFeatures(mapFeatures(p, null), true)
    const head = el('header', 'desk-detail-head')
    head.dataset.id = String(p.id)
    head.append(el('h2', '', p.other.address), el('span', `desk-status desk-status--${p.status}`, statusName(p.status)))
    const other = el('section', 'desk-section desk-pair-other')
    other.append(
      el('h3', '', `● ${rt('other')}`),
      facts([
        [rt('source'), `${p.source} · ${p.otherId}`],
        ['', p.other.address],
        ['WGS84', `${p.other.lng.toFixed(6)}, ${p.other.lat.toFixed(6)}`],
      ]),
    )
    const proposed = el('section', 'desk-section desk-pair-proposed')
    proposed.append(
      el('h3', '', `● ${rt('proposed')}`),
      p.proposed
        ? facts([
            ['', `${p.proposed.address ?? '—'}${p.proposed.addressId ? ` (${p.proposed.addressId})` : ''}`],
            [rt('level'), p.proposed.level],
            [rt('score'), p.proposed.score === null ? '—' : p.proposed.score.toFixed(2)],
            [rt('distance'), p.proposed.distanceM === null ? '—' : rt('metres', { m: Math.round(p.proposed.distanceM) })],
          ])
        : el('p', 'desk-empty', rt('none')),
    )
    const reason = el('section', 'desk-section')
    reason.append(el('h3', '', rt('reason')), el('p', 'desk-explanation', p.reason ?? '—'))
    const sections: Node[] = [head, other, proposed, reason]
    if (p.decidedBy)
      sections.push(
        facts([[rt('decidedBy'), `${p.decidedBy} · ${p.decidedAt ? formatTime(p.decidedAt) : ''}${p.note ? ` · ${p.note}` : ''}`]]),
      )
    if (ctx.can('reconcile')) {
      const actions = el('div', 'desk-actions')
      if (p.proposed?.addressId) {
        const accept = button(rt('accept'), 'primary', 'accept')
        accept.addEventListener('click', () => decide(p, 'accept', null, p.proposed?.distanceM ?? null, actions))
        actions.append(accept)
      }
      if (p.status !== 'unmatched' && p.proposed) {
        const reject = button(rt('reject'), 'danger', 'reject')
        reject.addEventListener('click', () => decide(p, 'reject', null, null, actions))
        actions.append(reject)
      }
      sections.push(actions)
    }
    const others = p.candidates.filter((c) => c.addressId && c.addressId !== p.proposed?.addressId)
    if (others.length) {
      const box = el('section', 'desk-section desk-candidates')
      box.append(el('h3', '', `● ${rt('candidates')}`))
      for (const c of others) {
        const row = el('div', 'desk-candidate')
        row.dataset.addressId = c.addressId!
        row.append(
          el(
            'span',
            '',
            `${c.address ?? c.addressId} · ${c.level} · ${c.score.toFixed(2)}${c.distanceM !== undefined ? ` · ${rt('metres', { m: Math.round(c.distanceM) })}` : ''}`,
          ),
        )
        row.addEventListener('mouseenter', () => miniMap?.setFeatures(mapFeatures(p, c.addressId)))
        if (ctx.can('reconcile')) {
          const b = button(rt('acceptOther'), 'plain', 'accept-candidate')
          b.addEventListener('click', () => decide(p, 'accept', c.addressId, c.distanceM ?? null, row))
          row.append(b)
        }
        box.append(row)
      }
      sections.push(box)
    }
    detail.replaceChildren(...sections)
  }

  /** A decision; a far accept first asks "the same place?" and a note, as the server will. */
  function decide(p: Pair, decision: 'accept' | 'reject', addressId: string | null, distanceM: number | null, after: HTMLElement): void {
    const far = decision === 'accept' && needsFarNote(distanceM)
    const note = textarea('', 2)
    note.required = far
    const fields = [
      ...(far ? [el('p', 'desk-warning', rt('farConfirm', { m: Math.round(distanceM!), limit: FAR_ACCEPT_M }))] : []),
      field(far ? rt('farNote') : rt('note'), note, 'note'),
    ]
    const confirm = {
      text: far ? rt('confirmFar') : decision === 'accept' ? rt('accept') : rt('reject'),
      kind: decision === 'reject' ? ('danger' as const) : ('primary' as const),
    }
    const form = inlineForm(
      detail,
      far ? 'far-accept' : decision,
      fields,
      confirm,
      async () => {
        const text = note.value.trim()
        if (far && !text) throw new Error(rt('farNote'))
        const out = (await sendJson('POST', `/api/reconcile/review/${p.id}`, {
          decision,
          ...(addressId ? { addressId } : {}),
          ...(text ? { note: text } : {}),
        })) as Pair
        ctx.toast(rt('decided', { status: statusName(out.status) }))
        await load()
      },
      ctx.toast,
    )
    after.after(form)
  }

  renderFilters()
  // Drawing only: re-rendering the detail here would throw away a decision form opened before
  // the map arrived (seen on a loaded machine).
  void openMiniMap(
    mapBox,
    () => destroyed,
    (m) => {
      miniMap = m
      const p = items.find((x) => String(x.id) === selectedId)
      if (p) m.setFeatures(mapFeatures(p, null), true)
    },
  )
  await track(load())

  const view: DeskView = {
    update(next: DeskRoute) {
      const reload = next.params.toString() !== params.toString()
      params = next.params
      selectedId = next.id
      if (reload) {
        renderFilters()
        void track(load())
      } else {
        renderList()
        renderDetail()
      }
    },
    destroy() {
      destroyed = true
      miniMap?.destroy()
    },
  }
  return view
}
