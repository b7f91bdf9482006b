/**
 * The hazards register (隐患 · 萧然安宁): the list and the map side by side, filtered by state,
 * severity, category, source, town and overdue; a hazard's every field, photos, tasks and history;
 * registering one from a form or a click on the map; the confirm → rectify → close-out loop; a
 * rectification task raised from it; and the enterprise self-check (企业自查) of an organisation
 * found by name, recorded against its self-check duty by the organisations API, which registers
 * each failed item as a hazard there. Every write goes through the API and its rules.
 */

import {
  type ChecklistItem,
  checklistOf,
  HAZARD_TRANSITIONS,
  type HazardCategory,
  HazardCategorySchema,
  type HazardDetail,
  type HazardFeature,
  type HazardPage,
  type HazardSeverity,
  HazardSeveritySchema,
  HazardSourceSchema,
  type HazardStatus,
  HazardStatusSchema,
  type OrganisationDetail,
  type OrganisationPage,
  type OrganisationProperties,
  type ReverseResult,
  type SelfCheckAnswer,
  type Task,
} from '../../../../server/shared/api.ts'
import { addDays, shanghaiDay } from '../../../../server/shared/time.ts'
import { uploadFiles } from '../../api/attachments.ts'
import { getJson, sendJson } from '../../api/client.ts'
import type { Lang } from '../../i18n/strings.ts'
import { HAZARD_COLOURS } from '../../map/legend.ts'
import { el, facts, formatTime, swatch } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import { miniFeatures, type MiniMap } from '../../ui/minimap.ts'
import { timeline } from '../../ui/timeline.ts'
import type { DeskContext, PageMount } from '../context.ts'
import { busy, button, field, inlineForm, input, options, refusal, select, textarea, townOptions } from '../form.ts'
import { gallery, photoInput, type PhotoLink } from '../photos.ts'
import { deskPath, pickParams } from '../routes.ts'
import { openMiniMap, showRecord, splitLayout, splitView } from '../split.ts'
import { dt, strings } from '../strings.ts'

const H = strings({
  'h.count': { zh: '{n} 条隐患', en: '{n} hazards' },
  'h.pick': {
    zh: '从列表或地图选择一条隐患；在地图空白处点击，可在该处登记隐患',
    en: 'Pick a hazard from the list or the map; click an empty spot on the map to register one there',
  },
  'h.register': { zh: '登记隐患', en: 'Register a hazard' },
  'h.selfCheck': { zh: '企业自查', en: 'Enterprise self-check' },
  'f.severity': { zh: '等级', en: 'Severity' },
  'f.category': { zh: '类别', en: 'Category' },
  'f.source': { zh: '来源', en: 'Source' },
  'f.town': { zh: '镇街', en: 'Town' },
  'f.overdue': { zh: '只看超期', en: 'Overdue only' },
  'status.reported': { zh: '已上报', en: 'Reported' },
  'status.confirmed': { zh: '已确认', en: 'Confirmed' },
  'status.rectifying': { zh: '整改中', en: 'Rectifying' },
  'status.closed': { zh: '已销号', en: 'Closed out' },
  'severity.general': { zh: '一般', en: 'General' },
  'severity.serious': { zh: '较大', en: 'Serious' },
  'severity.major': { zh: '重大', en: 'Major' },
  'source.self_check': { zh: '企业自查', en: 'Enterprise self-check' },
  'source.grid_inspection': { zh: '网格巡查', en: 'Grid inspection' },
  'source.regulator_inspection': { zh: '部门检查', en: 'Regulator inspection' },
  'category.fire': { zh: '消防安全', en: 'Fire safety' },
  'category.production_safety': { zh: '安全生产', en: 'Production safety' },
  'category.gas_cylinder': { zh: '瓶装燃气', en: 'Gas cylinders' },
  'category.ebike_charging': { zh: '电动自行车充电', en: 'E-bike charging' },
  'category.road_traffic': { zh: '道路交通', en: 'Road traffic' },
  'category.building': { zh: '房屋安全', en: 'Building safety' },
  'category.hazardous_chemicals': { zh: '危险化学品', en: 'Hazardous chemicals' },
  'category.other': { zh: '其他', en: 'Other' },
  'h.hazardId': { zh: '隐患编号', en: 'Hazard no.' },
  'h.description': { zh: '隐患描述', en: 'Description' },
  'h.placeName': { zh: '场所名称', en: 'Place' },
  'h.responsible': { zh: '责任主体', en: 'Responsible party' },
  'h.due': { zh: '整改期限', en: 'Due date' },
  'h.address': { zh: '地址', en: 'Address' },
  'h.lng': { zh: '经度', en: 'Longitude' },
  'h.lat': { zh: '纬度', en: 'Latitude' },
  'h.reportedAt': { zh: '发现时间', en: 'Found' },
  'h.area': { zh: '所在区域', en: 'Area' },
  'h.createdBy': { zh: '登记人', en: 'Registered by' },
  'h.closedAt': { zh: '销号时间', en: 'Closed out' },
  'h.approximate': { zh: '（近似位置）', en: ' (approximate)' },
  'h.unplaced': { zh: '未定位', en: 'Not placed' },
  'h.overdue': { zh: '已超期', en: 'Overdue' },
  'h.photos': { zh: '照片与附件', en: 'Photos and files' },
  'h.addPhotos': { zh: '照片（可多选，图片或 PDF）', en: 'Photos (images or PDFs, several at once)' },
  'h.afterPhotos': { zh: '整改后照片', en: 'Photos after rectification' },
  'h.tasks': { zh: '整改任务', en: 'Rectification tasks' },
  'h.history': { zh: '处置记录', en: 'History' },
  'h.where': { zh: '在地图上点击隐患位置，或填写地址', en: 'Click the place on the map, or give an address' },
  'h.nearest': { zh: '最近地址 {m} 米：{address}', en: 'Nearest address, {m} m: {address}' },
  'h.inTown': { zh: '所在镇街：{name}', en: 'Town: {name}' },
  'h.submit': { zh: '登记', en: 'Register' },
  'h.registered': { zh: '已登记隐患 #{id}', en: 'Hazard #{id} registered' },
  'h.comment': { zh: '意见', en: 'Comment' },
  'move.confirmed': { zh: '确认隐患', en: 'Confirm' },
  'move.rectifying': { zh: '开始整改', en: 'Start rectification' },
  'move.closed': { zh: '验收销号', en: 'Close out' },
  'h.confirmHint': { zh: '确认时核定责任主体和整改期限', en: 'Fix the responsible party and the due date when confirming' },
  'h.raiseTask': { zh: '派发整改任务', en: 'Raise a rectification task' },
  'h.raiseHint': {
    zh: '已确认的隐患派发任务后即转为“整改中”；任务销号时隐患随之销号',
    en: 'A confirmed hazard moves to rectifying when a task is raised; closing the task out closes the hazard',
  },
  'h.taskTitle': { zh: '整改：{what}', en: 'Rectify: {what}' },
  'h.taskRaised': { zh: '已派发任务 #{id}', en: 'Task #{id} raised' },
  'h.areaDefault': { zh: '留空则为隐患所在网格', en: 'Empty: the hazard’s grid' },
  'h.openOnMap': { zh: '在一张图上查看', en: 'Open on the map' },
  'sc.intro': {
    zh: '先选择场所（企业），再逐项检查：记入该场所的自查义务；每个不合格项在该场所登记为一条隐患。同一次自查重复提交不会重复登记。',
    en: 'Pick the place (enterprise), then check every item: the check counts towards its self-check duty, and each failed item is registered as a hazard there. Sending the same check again registers nothing twice.',
  },
  'sc.org': { zh: '场所/企业', en: 'Place / enterprise' },
  'sc.find': { zh: '查找', en: 'Find' },
  'sc.findHint': { zh: '输入名称的一部分查找本辖区的场所', en: 'Type a part of the name to find a place in your areas' },
  'sc.none': { zh: '本辖区内没有名称含“{q}”的场所', en: 'No place in your areas has “{q}” in its name' },
  'sc.pickOrg': { zh: '请先选择场所', en: 'Pick the place first' },
  'sc.change': { zh: '更换场所', en: 'Another place' },
  'sc.noDuty': { zh: '无自查义务', en: 'No self-check duty' },
  'sc.every': { zh: '每 {n} 天自查', en: 'Every {n} days' },
  'sc.last': { zh: '上次 {day}', en: 'last {day}' },
  'sc.never': { zh: '尚未自查', en: 'never checked' },
  'sc.overdue': { zh: '逾期 {n} 天', en: '{n} days overdue' },
  'sc.nextDue': { zh: '下次 {day} 前', en: 'next by {day}' },
  'sc.day': { zh: '自查日期', en: 'Checked on' },
  'sc.pass': { zh: '合格', en: 'Pass' },
  'sc.fail': { zh: '不合格', en: 'Fail' },
  'sc.na': { zh: '不涉及', en: 'N/A' },
  'sc.note': { zh: '情况说明', en: 'Note' },
  'sc.restPass': { zh: '其余均合格', en: 'Mark the rest as passed' },
  'sc.unanswered': { zh: '还有 {n} 项未检查', en: '{n} items not checked yet' },
  'sc.allNa': { zh: '至少检查一项（不能全部“不涉及”）', en: 'Check at least one item (not all N/A)' },
  'sc.submit': { zh: '提交自查', en: 'Submit the self-check' },
  'sc.recorded': {
    zh: '已记录自查：检查 {items} 项，不合格 {failed} 项，登记隐患 {hazards} 条',
    en: 'Self-check recorded: {items} items checked, {failed} failed, {hazards} hazards registered',
  },
  'sc.again': {
    zh: '这次自查此前已记录（检查 {items} 项，不合格 {failed} 项），未重复登记',
    en: 'This check was recorded before ({items} items, {failed} failed): nothing registered again',
  },
  'sc.standingNow': { zh: '该场所现在：{standing}', en: 'The place now: {standing}' },
})

const OPEN = 'reported,confirmed,rectifying'
const FILTERS = ['status', 'severity', 'category', 'source', 'area', 'overdue'] as const
/** Clicks nearer than this to an address of the base take its text (the address then places the hazard). */
export const ADDRESS_PREFILL_M = 100

/**
 * The API query of the register's filters (the page's own query string): `status` defaults to
 * the open states; anything else on the address (a clicked point) is not a filter.
 * @example hazardQuery(new URLSearchParams('severity=major&overdue=true&lng=120.2')).toString() // 'status=reported%2Cconfirmed%2Crectifying&severity=major&overdue=true&limit=500'
 */
export function hazardQuery(params: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams()
  const status = params.get('status') ?? OPEN
  if (status && status !== 'all') q.set('status', status)
  for (const k of ['severity', 'category', 'source', 'area'] as const) {
    const v = params.get(k)
    if (v) q.set(k, v)
  }
  if (params.get('overdue') === 'true') q.set('overdue', 'true')
  q.set('limit', '500')
  return q
}

/**
 * A coordinate as sent: six decimals (about 0.1 m), enough for any hazard.
 * @example roundCoord(120.123456789) // 120.123457
 */
export function roundCoord(v: number): number {
  return Math.round(v * 1e6) / 1e6
}

/**
 * The address text a clicked point may take: the nearest address of the base when it lies within
 * `maxM` (the address then places the hazard, so it must be where the click was), else null.
 * @example addressPrefill({ address: { address: '萧山区城厢街道人民路1号', distanceM: 12 } }) // '萧山区城厢街道人民路1号'
 */
export function addressPrefill(r: { address: { address: string; distanceM: number } | null }, maxM = ADDRESS_PREFILL_M): string | null {
  return r.address && r.address.distanceM <= maxM ? r.address.address : null
}

/** The register form's values, as typed. */
export interface RegisterValues {
  source: string
  category: string
  severity: string
  description: string
  place_name: string
  responsible_party: string
  due_date: string
  address: string
  lng: string
  lat: string
}

/**
 * The `POST /api/hazards` body of the register form: empty fields left out, coordinates as numbers.
 * @example registerBody({ source: 'grid_inspection', category: 'fire', severity: 'general', description: ' 堆物 ', place_name: '', responsible_party: '', due_date: '', address: '', lng: '120.2', lat: '30.1' }) // { source: 'grid_inspection', category: 'fire', severity: 'general', description: '堆物', lng: 120.2, lat: 30.1 }
 */
export function registerBody(v: RegisterValues): Record<string, string | number> {
  const body: Record<string, string | number> = {
    source: v.source,
    category: v.category,
    severity: v.severity,
    description: v.description.trim(),
  }
  for (const k of ['place_name', 'responsible_party', 'due_date', 'address'] as const) if (v[k].trim()) body[k] = v[k].trim()
  if (v.lng.trim() !== '') body.lng = Number(v.lng)
  if (v.lat.trim() !== '') body.lat = Number(v.lat)
  return body
}

/** An item's answer in the self-check form: passed, failed, or not applicable (left out of the check). */
export type ItemAnswer = 'pass' | 'fail' | 'na'

/**
 * The time a self-check is recorded at: now for a check of today, else the noon of its day
 * (Shanghai). The form keeps it, so the same check sent again is the same check.
 * @example selfCheckTime('2026-12-05', '2026-12-06', new Date()) // '2026-12-05T12:00:00+08:00'
 */
export function selfCheckTime(day: string, today: string, now: Date): string {
  return day < today ? `${day}T12:00:00+08:00` : now.toISOString()
}

/**
 * The `POST /api/organisations/{id}/self-checks` body of the form: each answered item in checklist
 * order (`na` left out), failed ones with their note.
 * @example selfCheckBody('2026-12-05T12:00:00+08:00', 'fire', [{ item: 'fire-01', answer: 'fail', note: ' 堆物 ' }, { item: 'fire-02', answer: 'na', note: '' }]) // { checkedAt: '2026-12-05T12:00:00+08:00', checklist: 'fire', results: [{ item: 'fire-01', ok: false, note: '堆物' }] }
 */
export function selfCheckBody(
  checkedAt: string,
  checklist: HazardCategory,
  answers: readonly { item: string; answer: ItemAnswer; note: string }[],
): { checkedAt: string; checklist: HazardCategory; results: { item: string; ok: boolean; note?: string }[] } {
  const results = answers
    .filter((a) => a.answer !== 'na')
    .map((a) => ({ item: a.item, ok: a.answer === 'pass', ...(a.note.trim() ? { note: a.note.trim() } : {}) }))
  return { checkedAt, checklist, results }
}

/**
 * An organisation's self-check standing in words: its last check and days overdue, or no duty.
 * @example selfCheckStandingText({ selfCheckEveryDays: 30, lastSelfCheck: '2026-10-01T02:00:00.000Z', nextSelfCheckDue: '2026-10-31', daysOverdue: 10, selfCheckState: 'overdue' }, 'zh') // '每 30 天自查 · 上次 2026-10-01 · 逾期 10 天'
 */
export function selfCheckStandingText(
  p: Pick<OrganisationProperties, 'selfCheckEveryDays' | 'lastSelfCheck' | 'nextSelfCheckDue' | 'daysOverdue' | 'selfCheckState'>,
  lang?: Lang,
): string {
  if (p.selfCheckEveryDays === null) return H('sc.noDuty', {}, lang)
  const parts = [
    H('sc.every', { n: p.selfCheckEveryDays }, lang),
    p.lastSelfCheck ? H('sc.last', { day: shanghaiDay(new Date(p.lastSelfCheck)) }, lang) : H('sc.never', {}, lang),
  ]
  if (p.selfCheckState === 'overdue') parts.push(H('sc.overdue', { n: p.daysOverdue ?? 0 }, lang))
  else if (p.nextSelfCheckDue) parts.push(H('sc.nextDue', { day: p.nextSelfCheckDue }, lang))
  return parts.join(' · ')
}

/**
 * A hazard's photos and files: those stored here (with thumbnails), then the references it was
 * given (a URL, or an uploaded attachment's id) that are not among them.
 * @example photoLinks({ properties: { attachments: [{ ref: 'https://x/y.jpg' }] } }) // [{ href: 'https://x/y.jpg', thumb: null, name: 'y.jpg' }]
 */
export function photoLinks(d: {
  properties: { attachments: readonly { ref: string; name?: string | undefined }[] }
  attachments?: readonly { id: string; url: string; thumbnailUrl: string | null; filename: string | null }[]
}): PhotoLink[] {
  const stored = (d.attachments ?? []).map((a) => ({ href: a.url, thumb: a.thumbnailUrl, name: a.filename ?? a.id.slice(0, 8) }))
  const seen = new Set((d.attachments ?? []).map((a) => a.id))
  const given = d.properties.attachments
    .filter((a) => !seen.has(a.ref) && (/^https?:\/\//.test(a.ref) || /^[0-9a-f]{64}$/.test(a.ref)))
    .map((a) => {
      const uploaded = /^[0-9a-f]{64}$/.test(a.ref)
      return {
        href: uploaded ? `/api/attachments/${a.ref}` : a.ref,
        thumb: uploaded ? `/api/attachments/${a.ref}/thumb` : null,
        name: a.name ?? (uploaded ? a.ref.slice(0, 8) : (a.ref.split('/').pop() ?? a.ref)),
      }
    })
  return [...stored, ...given]
}

const colourOf = (severity: HazardSeverity) => HAZARD_COLOURS[severity]
const statusName = (s: string) => (HazardStatusSchema.safeParse(s).success ? H(`status.${s as HazardStatus}`) : s)
const severityOptions = () => options(HazardSeveritySchema.options, (s) => H(`severity.${s}`))
const categoryOptions = () => options(HazardCategorySchema.options, (c) => H(`category.${c}`))
const sourceOptions = () => options(HazardSourceSchema.options, (s) => H(`source.${s}`))

/** The source a new hazard starts with: a grid worker or town officer found it on patrol; others by inspection. */
function defaultSource(ctx: DeskContext): string {
  return ctx.me.user.role === 'town' || ctx.me.user.role === 'grid' ? 'grid_inspection' : 'regulator_inspection'
}

/** Opens the register. */
export const mount: PageMount = async (root, route, ctx) => {
  const canWrite = ctx.can('write')
  const towns = await track(townOptions(ctx.me.user.areaCodes))

  const { filters, listHead, list, mapBox, detail } = splitLayout(root, { map: true })

  let params = route.params
  let selectedId = route.id
  let items: HazardFeature[] = []
  let miniMap: MiniMap | null = null
  let needFit = true
  let destroyed = false
  /** The point clicked for a new hazard, drawn on the map. */
  let picked: [number, number] | null = null
  /** Called with a clicked point while a register or self-check form is open. */
  let onPoint: ((lng: number, lat: number) => void) | null = null

  const filterKey = (p: URLSearchParams) => hazardQuery(p).toString()
  const go = (id: string | null, next: URLSearchParams = params, replace = false) =>
    ctx.navigate(deskPath({ page: 'hazards', id, params: next }), { replace })
  /** The filters alone (a clicked point is left behind when moving on). */
  const filtersOnly = () => pickParams(params, FILTERS)

  // --- filters -----------------------------------------------------------------------------
  const renderFilters = () => {
    const overdue = input('checkbox', 'true')
    overdue.checked = params.get('overdue') === 'true'
    overdue.name = 'overdue'
    const overdueChip = el('label', 'desk-chip')
    overdueChip.append(overdue, el('span', '', H('f.overdue')))
    const tools = el('div', 'desk-hazard-tools')
    if (canWrite) {
      for (const [id, label, action] of [
        ['new', H('h.register'), 'register'],
        ['self-check', H('h.selfCheck'), 'self-check'],
      ] as const) {
        const a = el('a', `desk-btn desk-btn--${id === 'new' ? 'primary' : 'plain'}`, label)
        a.href = deskPath({ page: 'hazards', id, params: filtersOnly() })
        a.dataset.action = action
        tools.append(a)
      }
    }
    filters.replaceChildren(
      field(
        dt('f.status'),
        select(
          [[OPEN, dt('f.open')], ['all', dt('desk.all')], ...options(HazardStatusSchema.options, (s) => H(`status.${s}`))],
          params.get('status') ?? OPEN,
        ),
        'status',
      ),
      field(H('f.severity'), select([['', dt('desk.all')], ...severityOptions()], params.get('severity') ?? ''), 'severity'),
      field(H('f.category'), select([['', dt('desk.all')], ...categoryOptions()], params.get('category') ?? ''), 'category'),
      field(H('f.source'), select([['', dt('desk.all')], ...sourceOptions()], params.get('source') ?? ''), 'source'),
      field(H('f.town'), select([['', dt('desk.all')], ...towns], params.get('area') ?? ''), 'area'),
      overdueChip,
      tools,
    )
  }
  filters.addEventListener('change', (e) => {
    if (!(e.target instanceof HTMLElement) || !e.target.closest('.desk-field, .desk-chip')) return
    const next = new URLSearchParams()
    for (const name of ['status', 'severity', 'category', 'source', 'area']) {
      const v = (filters.elements.namedItem(name) as HTMLSelectElement | null)?.value ?? ''
      if (v && !(name === 'status' && v === OPEN)) next.set(name, v)
    }
    if ((filters.elements.namedItem('overdue') as HTMLInputElement | null)?.checked) next.set('overdue', 'true')
    for (const k of ['lng', 'lat']) if (params.get(k)) next.set(k, params.get(k)!)
    go(selectedId, next, true)
  })

  // --- list and map ------------------------------------------------------------------------
  const renderMap = () => {
    if (!miniMap) return
    const features = miniFeatures(
      items,
      { id: (h) => String(h.id), geometry: (h) => h.geometry, colour: (h) => colourOf(h.properties.severity) },
      selectedId,
    )
    const fit = needFit && features.length > 0
    if (picked) features.push({ id: 'picked', geometry: { type: 'Point', coordinates: picked }, colour: '#1f5fbf', selected: true })
    miniMap.setFeatures(features, fit)
    if (fit) needFit = false
  }

  const renderList = () => {
    listHead.textContent = H('h.count', { n: items.length })
    if (items.length === 0) list.replaceChildren(el('p', 'desk-empty', dt('desk.empty')))
    else
      list.replaceChildren(
        ...items.map((h) => {
          const p = h.properties
          const row = el('a', `desk-row desk-row-main${p.overdue ? ' is-overdue' : ''}${String(h.id) === selectedId ? ' is-selected' : ''}`)
          row.setAttribute('role', 'listitem')
          row.href = deskPath({ page: 'hazards', id: String(h.id), params: filtersOnly() })
          row.dataset.id = String(h.id)
          row.dataset.status = p.status
          row.dataset.severity = p.severity
          row.append(
            swatch(colourOf(p.severity), 'dot'),
            el('span', 'desk-row-title', `#${h.id} ${H(`category.${p.category}`)} · ${p.placeName ?? p.description.slice(0, 40)}`),
            el('span', 'desk-row-meta', `${H(`severity.${p.severity}`)} · ${statusName(p.status)} · ${H(`source.${p.source}`)}`),
            el(
              'span',
              `desk-due${p.overdue ? ' is-overdue' : ''}`,
              p.dueDate ? `${p.overdue ? H('h.overdue') : H('h.due')} ${p.dueDate}` : formatTime(p.reportedAt),
            ),
          )
          return row
        }),
      )
    renderMap()
  }

  async function load(): Promise<void> {
    list.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
    try {
      const page = (await getJson(`/api/hazards?${hazardQuery(params).toString()}`)) as HazardPage
      items = page.features
      needFit = true
      renderList()
    } catch (err) {
      list.replaceChildren(el('p', 'desk-error', `${dt('desk.failed')}: ${refusal(err)}`))
    }
  }

  // --- detail ------------------------------------------------------------------------------
  async function showDetail(): Promise<void> {
    onPoint = null
    if (selectedId !== 'new' && selectedId !== 'self-check' && picked) {
      picked = null
      renderMap()
    }
    if (!selectedId) return void detail.replaceChildren(el('p', 'desk-hint', H('h.pick')))
    if (selectedId === 'new' || selectedId === 'self-check') {
      if (!canWrite) return void detail.replaceChildren(el('p', 'desk-hint', dt('desk.readOnly')))
      const lng = Number(params.get('lng'))
      const lat = Number(params.get('lat'))
      const at: [number, number] | null = params.get('lng') && Number.isFinite(lng) && Number.isFinite(lat) ? [lng, lat] : null
      detail.replaceChildren(selectedId === 'new' ? registerForm(at) : selfCheckForm(params.get('org')))
      return
    }
    const id = selectedId
    await showRecord<HazardDetail>(detail, `/api/hazards/${encodeURIComponent(id)}`, () => id === selectedId && !destroyed, renderDetail)
  }

  function renderDetail(d: HazardDetail): void {
    const p = d.properties
    const head = el('header', 'desk-detail-head')
    head.dataset.id = String(d.id)
    head.append(
      swatch(colourOf(p.severity), 'dot'),
      el('h2', '', `#${d.id} ${H(`category.${p.category}`)}${p.placeName ? ` · ${p.placeName}` : ''}`),
      el('span', `desk-status desk-status--${p.status}`, statusName(p.status)),
    )
    if (p.overdue) head.append(el('span', 'desk-due is-overdue', H('h.overdue')))
    const where = d.geometry
      ? `${p.address ?? ''}${p.address ? ' · ' : ''}${d.geometry.coordinates.map((c) => c.toFixed(6)).join(', ')}${p.approximate ? H('h.approximate') : ''}`
      : `${p.address ?? ''} ${H('h.unplaced')}`.trim()
    const sections: Node[] = [
      head,
      facts([
        [H('h.hazardId'), p.hazardId],
        [dt('f.status'), statusName(p.status)],
        [H('f.severity'), H(`severity.${p.severity}`)],
        [H('f.category'), H(`category.${p.category}`)],
        [H('f.source'), H(`source.${p.source}`)],
        [H('h.placeName'), p.placeName ?? '—'],
        [H('h.responsible'), p.responsibleParty ?? '—'],
        [H('h.due'), p.dueDate ? `${p.dueDate}${p.overdue ? ` (${H('h.overdue')})` : ''}` : '—'],
        [H('h.reportedAt'), formatTime(p.reportedAt)],
        [H('h.address'), where],
        [H('h.area'), [p.townCode, p.villageCode, p.gridCode, p.microgridCode].filter(Boolean).join(' / ') || '—'],
        [H('h.createdBy'), `${p.createdBy} · ${formatTime(p.createdAt)}`],
        ...(p.closedAt ? [[H('h.closedAt'), formatTime(p.closedAt)] as const] : []),
      ]),
      el('p', 'desk-explanation', p.description),
    ]
    if (canWrite) sections.push(actions(d))
    else sections.push(el('p', 'desk-hint', dt('desk.readOnly')))

    const photos = photoLinks(d)
    if (photos.length) {
      const box = el('section', 'desk-section desk-hazard-photos')
      box.append(el('h3', '', H('h.photos')))
      box.append(gallery(photos, 'desk-photos'))
      sections.push(box)
    }

    const tasks = el('section', 'desk-section desk-hazard-tasks')
    tasks.append(el('h3', '', H('h.tasks')))
    if (d.tasks.length === 0) tasks.append(el('p', 'desk-empty', '—'))
    for (const t of d.tasks) {
      const a = el(
        'a',
        `desk-link${t.overdue ? ' is-overdue' : ''}`,
        `#${t.id} ${t.title} · ${dt(`status.${t.status}` as 'status.issued')} · ${dt('t.dueIn', { day: t.dueDate })}`,
      )
      a.href = deskPath({ page: 'tasks', id: String(t.id) })
      const row = el('div', 'desk-hazard-task')
      row.append(a)
      tasks.append(row)
    }
    sections.push(tasks)

    const history = el('section', 'desk-section')
    history.append(el('h3', '', H('h.history')), timeline(d.history, statusName))
    sections.push(history)
    const onMap = el('a', 'desk-link', H('h.openOnMap'))
    onMap.href = `/#s=hazard:${d.id}`
    sections.push(onMap)
    detail.replaceChildren(...sections)
  }

  async function afterChange(d: HazardDetail): Promise<void> {
    renderDetail(d)
    await load()
  }

  function actions(d: HazardDetail): HTMLElement {
    const box = el('div', 'desk-actions')
    const status = d.properties.status
    for (const to of HAZARD_TRANSITIONS[status]) {
      const b = button(H(`move.${to}` as 'move.confirmed'), 'primary', `move-${to}`)
      b.addEventListener('click', () => box.after(moveForm(d, to)))
      box.append(b)
    }
    if (status !== 'closed') {
      const raise = button(H('h.raiseTask'), 'plain', 'raise-task')
      raise.addEventListener('click', () => box.after(taskForm(d)))
      box.append(raise)
    }
    return box
  }

  function moveForm(d: HazardDetail, to: HazardStatus): HTMLFormElement {
    const p = d.properties
    const comment = textarea('', 3)
    // Confirming fixes the responsible party and the due date (an edit, recorded, before the step).
    const responsible = input('text', p.responsibleParty ?? '', { maxlength: '200' })
    const due = input('date', p.dueDate ?? '')
    const photos = photoInput()
    const fields = [
      ...(to === 'confirmed'
        ? [
            el('p', 'desk-hint', H('h.confirmHint')),
            field(H('h.responsible'), responsible, 'responsible_party'),
            field(H('h.due'), due, 'due_date'),
          ]
        : []),
      field(H('h.comment'), comment, 'comment'),
      ...(to === 'closed' ? [field(H('h.afterPhotos'), photos, 'photos')] : []),
    ]
    return inlineForm(
      detail,
      `move-${to}`,
      fields,
      { text: H(`move.${to}` as 'move.confirmed') },
      async () => {
        const text = comment.value.trim()
        const attachments = await uploadFiles(photos.files)
        if (to === 'confirmed') {
          const patch: Record<string, string | null> = {}
          if (responsible.value.trim() !== (p.responsibleParty ?? '')) patch.responsible_party = responsible.value.trim() || null
          if (due.value !== (p.dueDate ?? '')) patch.due_date = due.value || null
          if (Object.keys(patch).length) await sendJson('PATCH', `/api/hazards/${d.id}`, { ...patch, ...(text ? { comment: text } : {}) })
        }
        const next = (await sendJson('POST', `/api/hazards/${d.id}/transitions`, {
          to,
          ...(text ? { comment: text } : {}),
          ...(attachments.length ? { attachments } : {}),
        })) as HazardDetail
        await afterChange(next)
      },
      ctx.toast,
    )
  }

  function taskForm(d: HazardDetail): HTMLFormElement {
    const p = d.properties
    const what = `${H(`category.${p.category}`, {}, 'zh')}${p.placeName ? ` · ${p.placeName}` : ''}`
    const title = input('text', H('h.taskTitle', { what }, 'zh').slice(0, 200), { maxlength: '200', required: '' })
    const description = textarea(p.description, 3)
    const team = input('text', p.responsibleParty ?? '', { maxlength: '200', required: '' })
    const dueDay = p.dueDate && p.dueDate >= ctx.today ? p.dueDate : addDays(ctx.today, 7)
    const due = input('date', dueDay, { required: '' })
    const area = input('text', '', { pattern: '\\d{6,20}', placeholder: H('h.areaDefault') })
    const comment = textarea('', 2)
    const fields = [
      el('p', 'desk-hint', H('h.raiseHint')),
      field(dt('t.title'), title, 'title'),
      field(dt('t.description'), description, 'description'),
      field(dt('t.team'), team, 'assignee_team'),
      field(dt('t.due'), due, 'due_date'),
      field(dt('t.area'), area, 'area_code'),
      field(dt('t.comment'), comment, 'comment'),
    ]
    const form = inlineForm(
      detail,
      'raise-task',
      fields,
      { text: H('h.raiseTask') },
      async () => {
        const body: Record<string, string | number> = {
          hazard_id: d.id,
          title: title.value.trim(),
          assignee_team: team.value.trim(),
          due_date: due.value,
        }
        if (description.value.trim()) body.description = description.value.trim()
        if (area.value.trim()) body.area_code = area.value.trim()
        if (comment.value.trim()) body.comment = comment.value.trim()
        const task = (await sendJson('POST', '/api/tasks', body)) as Task
        ctx.toast(H('h.taskRaised', { id: task.id }))
        await afterChange((await getJson(`/api/hazards/${d.id}`)) as HazardDetail)
      },
      ctx.toast,
    )
    form.classList.add('desk-dispatch')
    return form
  }

  // --- where a new hazard is: a click on the map, its nearest address and its town -----------
  /** The lng/lat/address inputs of a form, kept in step with clicks on the map. */
  function placeFields(at: [number, number] | null): {
    nodes: Node[]
    lng: HTMLInputElement
    lat: HTMLInputElement
    address: HTMLInputElement
  } {
    const lng = input('number', at ? String(roundCoord(at[0])) : '', { step: 'any', min: '-180', max: '180' })
    const lat = input('number', at ? String(roundCoord(at[1])) : '', { step: 'any', min: '-90', max: '90' })
    const address = input('text', '', { maxlength: '500' })
    const hint = el('p', 'desk-hint desk-place-hint', H('h.where'))
    /** Whether the address text is ours (from the nearest address), so a new click may replace it. */
    let prefilled = false
    address.addEventListener('input', () => (prefilled = false))
    const lookUp = async (x: number, y: number) => {
      try {
        const r = (await getJson(`/api/reverse?lng=${x}&lat=${y}`)) as ReverseResult
        if (lng.value !== String(roundCoord(x)) || lat.value !== String(roundCoord(y))) return
        const text = addressPrefill(r)
        if (text && (prefilled || !address.value.trim())) {
          address.value = text
          prefilled = true
        } else if (!text && prefilled) {
          address.value = ''
          prefilled = false
        }
        const parts = [
          r.town ? H('h.inTown', { name: r.town.name }) : '',
          r.address ? H('h.nearest', { m: Math.round(r.address.distanceM), address: r.address.address }) : '',
        ].filter(Boolean)
        hint.textContent = parts.join(' · ') || H('h.where')
      } catch (err) {
        hint.textContent = refusal(err)
      }
    }
    const setPoint = (x: number, y: number) => {
      lng.value = String(roundCoord(x))
      lat.value = String(roundCoord(y))
      picked = [roundCoord(x), roundCoord(y)]
      renderMap()
      void track(lookUp(x, y))
    }
    onPoint = (x, y) => {
      setPoint(x, y)
      const next = new URLSearchParams(params)
      next.set('lng', lng.value)
      next.set('lat', lat.value)
      go(selectedId, next, true)
    }
    if (at) setPoint(at[0], at[1])
    const pair = el('div', 'desk-field-row')
    pair.append(field(H('h.lng'), lng, 'lng'), field(H('h.lat'), lat, 'lat'))
    return { nodes: [hint, pair, field(H('h.address'), address, 'address')], lng, lat, address }
  }

  function registerForm(at: [number, number] | null): HTMLFormElement {
    const form = el('form', 'desk-inline-form desk-register')
    form.dataset.form = 'register'
    const source = select(sourceOptions(), defaultSource(ctx))
    const category = select(categoryOptions(), 'fire')
    const severity = select(severityOptions(), 'general')
    const description = textarea('', 3)
    description.required = true
    description.maxLength = 4000
    const placeName = input('text', '', { maxlength: '200' })
    const responsible = input('text', '', { maxlength: '200' })
    const due = input('date', '', { min: ctx.today })
    const where = placeFields(at)
    const photos = photoInput()
    const ok = button(H('h.submit'), 'primary', 'confirm-register')
    ok.type = 'submit'
    const cancel = button(dt('desk.cancel'))
    cancel.addEventListener('click', () => go(null, filtersOnly()))
    form.append(
      el('h2', '', H('h.register')),
      ...where.nodes,
      field(H('f.source'), source, 'source'),
      field(H('f.category'), category, 'category'),
      field(H('f.severity'), severity, 'severity'),
      field(H('h.placeName'), placeName, 'place_name'),
      field(H('h.responsible'), responsible, 'responsible_party'),
      field(H('h.due'), due, 'due_date'),
      field(H('h.description'), description, 'description'),
      field(H('h.addPhotos'), photos, 'photos'),
      ok,
      cancel,
    )
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      const body = registerBody({
        source: source.value,
        category: category.value,
        severity: severity.value,
        description: description.value,
        place_name: placeName.value,
        responsible_party: responsible.value,
        due_date: due.value,
        address: where.address.value,
        lng: where.lng.value,
        lat: where.lat.value,
      })
      void track(
        busy(form, async () => {
          try {
            const attachments = await uploadFiles(photos.files)
            const d = (await sendJson('POST', '/api/hazards', attachments.length ? { ...body, attachments } : body)) as HazardDetail
            ctx.toast(H('h.registered', { id: d.id }))
            picked = null
            go(String(d.id), filtersOnly())
            await load()
          } catch (err) {
            ctx.toast(refusal(err), 'error')
          }
        }),
      )
    })
    return form
  }

  /**
   * The enterprise self-check: pick the organisation (a search by name in the caller's areas, each
   * candidate with its standing), check its checklist item by item, and send the check to
   * `POST /api/organisations/{id}/self-checks`, which records it against the duty and registers
   * each failed item as a hazard there.
   */
  function selfCheckForm(initialOrg: string | null): HTMLFormElement {
    const form = el('form', 'desk-inline-form desk-selfcheck')
    form.dataset.form = 'self-check'
    let org: OrganisationProperties | null = null
    /** The time of the check being filled in, kept so that sending it again is the same check. */
    let checkedAt: { key: string; at: string } | null = null
    const orgBox = el('div', 'desk-selfcheck-org')
    const query = input('search', '', { maxlength: '50', placeholder: H('sc.findHint') })
    const find = button(H('sc.find'), 'plain', 'find-org')
    const candidates = el('div', 'desk-selfcheck-candidates')
    candidates.setAttribute('role', 'list')
    const category = select(categoryOptions(), 'fire')
    const day = input('date', ctx.today, { required: '', max: ctx.today })
    const itemsBox = el('fieldset', 'desk-checklist')
    const result = el('div', 'desk-selfcheck-result')
    const restPass = button(H('sc.restPass'), 'plain', 'rest-pass')
    restPass.addEventListener('click', () => {
      for (const row of itemsBox.querySelectorAll<HTMLElement>('[data-item]')) {
        if (!row.querySelector('input[type=radio]:checked')) row.querySelector<HTMLInputElement>('input[value=pass]')!.checked = true
      }
    })
    const renderItems = () => {
      checkedAt = null
      itemsBox.replaceChildren(el('legend', '', `${H('f.category')}：${H(`category.${category.value as HazardCategory}`)}`))
      for (const item of checklistOf(category.value as HazardCategory)) {
        const row = el('div', 'desk-check-item')
        row.dataset.item = item.id
        const text = el('span', 'desk-check-text', `${item.zh}${item.en ? ` · ${item.en}` : ''}`)
        const choices = el('span', 'desk-check-choices')
        for (const v of ['pass', 'fail', 'na'] as const) {
          const label = el('label', 'desk-chip')
          const r = input('radio', v)
          r.name = `item-${item.id}`
          label.append(r, el('span', '', H(`sc.${v}`)))
          choices.append(label)
        }
        const note = input('text', '', { maxlength: '500', placeholder: H('sc.note') })
        note.name = `note-${item.id}`
        row.append(el('span', 'desk-check-severity', H(`severity.${item.severity}`)), text, choices, note)
        itemsBox.append(row)
      }
    }
    category.addEventListener('change', renderItems)
    day.addEventListener('change', () => (checkedAt = null))

    /** The picked organisation, or the search for one. */
    const renderOrg = () => {
      if (!org) {
        const row = el('div', 'desk-field-row')
        row.append(field(H('sc.org'), query, 'org_q'), find)
        orgBox.replaceChildren(row, candidates)
        return
      }
      const card = el('div', 'desk-selfcheck-picked')
      card.dataset.org = String(org.id)
      const change = button(H('sc.change'), 'plain', 'change-org')
      change.addEventListener('click', () => {
        org = null
        checkedAt = null
        result.replaceChildren()
        renderOrg()
        query.focus()
      })
      card.append(
        el('strong', '', org.name),
        el('span', 'desk-row-meta', `${org.typeName}${org.address ? ` · ${org.address}` : ''}`),
        el('span', `desk-due${org.selfCheckState === 'overdue' ? ' is-overdue' : ''}`, selfCheckStandingText(org)),
        change,
      )
      orgBox.replaceChildren(card)
    }
    const pick = (p: OrganisationProperties) => {
      org = p
      checkedAt = null
      result.replaceChildren()
      category.value = p.selfCheckChecklist ?? 'fire'
      renderItems()
      renderOrg()
    }
    const search = async () => {
      const q = query.value.trim()
      if (!q) return void candidates.replaceChildren(el('p', 'desk-hint', H('sc.findHint')))
      try {
        const page = (await getJson(`/api/organisations?q=${encodeURIComponent(q.slice(0, 50))}&limit=20`)) as OrganisationPage
        if (page.features.length === 0) return void candidates.replaceChildren(el('p', 'desk-empty', H('sc.none', { q })))
        candidates.replaceChildren(
          ...page.features.map((f) => {
            const p = f.properties
            const row = el('button', `desk-row desk-row-main${p.selfCheckState === 'overdue' ? ' is-overdue' : ''}`)
            row.type = 'button'
            row.setAttribute('role', 'listitem')
            row.dataset.org = String(p.id)
            row.append(
              el('span', 'desk-row-title', p.name),
              el('span', 'desk-row-meta', `${p.typeName}${p.address ? ` · ${p.address}` : ''}`),
              el('span', `desk-due${p.selfCheckState === 'overdue' ? ' is-overdue' : ''}`, selfCheckStandingText(p)),
            )
            row.addEventListener('click', () => pick(p))
            return row
          }),
        )
      } catch (err) {
        candidates.replaceChildren(el('p', 'desk-error', refusal(err)))
      }
    }
    find.addEventListener('click', () => void track(search()))
    query.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return
      e.preventDefault()
      void track(search())
    })

    renderItems()
    renderOrg()
    if (initialOrg) {
      void track(
        getJson(`/api/organisations/${encodeURIComponent(initialOrg)}`).then(
          (d) => pick((d as OrganisationDetail).properties),
          (err: unknown) => candidates.replaceChildren(el('p', 'desk-error', refusal(err))),
        ),
      )
    }
    const ok = button(H('sc.submit'), 'primary', 'confirm-self-check')
    ok.type = 'submit'
    const cancel = button(dt('desk.cancel'))
    cancel.addEventListener('click', () => go(null, filtersOnly()))
    form.append(
      el('h2', '', H('h.selfCheck')),
      el('p', 'desk-hint', H('sc.intro')),
      orgBox,
      field(H('f.category'), category, 'category'),
      field(H('sc.day'), day, 'day'),
      itemsBox,
      restPass,
      ok,
      cancel,
      result,
    )
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      if (!org) return ctx.toast(H('sc.pickOrg'), 'error')
      const checklist = category.value as HazardCategory
      const list = checklistOf(checklist)
      const answer = (item: ChecklistItem) =>
        form.querySelector<HTMLInputElement>(`input[name="item-${item.id}"]:checked`)?.value as ItemAnswer | undefined
      const unanswered = list.filter((i) => !answer(i))
      if (unanswered.length) return ctx.toast(H('sc.unanswered', { n: unanswered.length }), 'error')
      const key = `${org.id}|${checklist}|${day.value}`
      if (checkedAt?.key !== key) checkedAt = { key, at: selfCheckTime(day.value, ctx.today, new Date()) }
      const body = selfCheckBody(
        checkedAt.at,
        checklist,
        list.map((item) => ({
          item: item.id,
          answer: answer(item)!,
          note: form.querySelector<HTMLInputElement>(`input[name="note-${item.id}"]`)?.value ?? '',
        })),
      )
      if (body.results.length === 0) return ctx.toast(H('sc.allNa'), 'error')
      const id = org.id
      void track(
        busy(form, async () => {
          const after = await submitSelfCheck(id, body, result)
          if (after && org?.id === id) {
            org = after
            renderOrg()
          }
        }),
      )
    })
    return form
  }

  /**
   * Sends the self-check; shows what it registered (linked) and the organisation's standing after
   * it, and answers that organisation (null when refused).
   */
  async function submitSelfCheck(
    id: number,
    body: ReturnType<typeof selfCheckBody>,
    result: HTMLElement,
  ): Promise<OrganisationProperties | null> {
    try {
      const answer = (await sendJson('POST', `/api/organisations/${id}/self-checks`, body)) as SelfCheckAnswer
      const c = answer.selfCheck
      const byHazardId = new Map(answer.organisation.hazards.map((h) => [h.hazardId, h.id]))
      const how = answer.created ? 'created' : 'existing'
      const summary = answer.created
        ? H('sc.recorded', { items: c.items, failed: c.failedItems.length, hazards: c.hazardIds.length })
        : H('sc.again', { items: c.items, failed: c.failedItems.length })
      const words = new Map(checklistOf(c.checklist).map((i) => [i.id, i.zh]))
      const links = c.hazardIds.map((hazardId, i) => {
        const n = byHazardId.get(hazardId)
        const text = `${hazardId} ${words.get(c.failedItems[i] ?? '') ?? ''}`.trim()
        return n === undefined ? el('div', 'desk-hazard-task', text) : hazardLink(n, text, how)
      })
      const standing = el(
        'p',
        'desk-hint desk-selfcheck-standing',
        H('sc.standingNow', { standing: selfCheckStandingText(answer.organisation.properties) }),
      )
      standing.dataset.state = answer.organisation.properties.selfCheckState ?? 'none'
      result.replaceChildren(el('p', 'desk-hint', summary), ...links, standing)
      result.dataset.selfCheck = String(c.id)
      ctx.toast(summary, 'ok')
      await load()
      return answer.organisation.properties
    } catch (err) {
      result.replaceChildren(el('p', 'desk-error', refusal(err)))
      ctx.toast(refusal(err), 'error')
      return null
    }
  }

  const hazardLink = (id: number, text: string, how: 'created' | 'existing') => {
    const a = el('a', 'desk-link', `#${id} ${text}`)
    a.href = deskPath({ page: 'hazards', id: String(id), params: filtersOnly() })
    a.dataset.result = how
    const row = el('div', 'desk-hazard-task')
    row.append(a)
    return row
  }
  // --- start -------------------------------------------------------------------------------
  renderFilters()
  void openMiniMap(
    mapBox,
    () => destroyed,
    (m) => {
      miniMap = m
      m.onPick((id) => {
        if (id !== 'picked') go(id, filtersOnly())
      })
      m.onClickPoint((lng, lat) => {
        if (!canWrite) return
        if (onPoint) return onPoint(lng, lat)
        // A self-check is placed at its organisation: a stray click must not drop a half-filled check.
        if (selectedId === 'self-check') return
        const next = filtersOnly()
        next.set('lng', String(roundCoord(lng)))
        next.set('lat', String(roundCoord(lat)))
        go('new', next)
      })
      renderMap()
    },
  )
  await track(Promise.all([load(), showDetail()]))

  return splitView({
    current: () => ({ params, id: selectedId }),
    set(next) {
      params = next.params
      selectedId = next.id
    },
    filterKey,
    renderFilters,
    load,
    renderList,
    showDetail,
    destroy() {
      destroyed = true
      miniMap?.destroy()
    },
  })
}
