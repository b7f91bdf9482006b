/**
 * IoT devices (物联感知), for town staff and the command centre: the smoke detectors, gas alarms, LPG
 * cylinders and e-bike chargers of the caller's areas as a list and on a mini map (alerting ones in
 * red), filtered by alerting (告警中, the default), kind and town; a device's record — kind, name,
 * status, installed, its place, the organisation or house it belongs to (a house linked to its desk
 * page) — and its events as a timeline, newest first, alarms and faults in red, older ones a page at a
 * time. Read only: devices and their events come from imports.
 */

import {
  type DeviceEvent,
  type DeviceEventKind,
  type DeviceEventPage,
  type DeviceFeature,
  type DeviceKind,
  DeviceKindSchema,
  type DevicePage,
  type DeviceStatus,
  type OrganisationDetail,
} from '../../../../server/shared/api.ts'
import { getJson } from '../../api/client.ts'
import type { Lang } from '../../i18n/strings.ts'
import { fullViewLabel } from '../../map/fullview-labels.ts'
import { el, facts, formatTime, swatch } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import { miniFeatures, type MiniMap } from '../../ui/minimap.ts'
import type { PageMount } from '../context.ts'
import { busy, button, field, options, refusal, select, townOptions } from '../form.ts'
import { pagedList } from '../paged.ts'
import { deskPath, pickParams } from '../routes.ts'
import { appendMore, loadList, openMiniMap, showRecord, splitLayout, splitView } from '../split.ts'
import { dt, strings } from '../strings.ts'

const V = strings({
  'v.count': { zh: '{n} 台设备', en: '{n} devices' },
  'v.countMore': { zh: '共 {total} 台设备，已列出 {n} 台', en: '{total} devices, {n} listed' },
  'v.countAlerting': { zh: '{n} 台设备告警中', en: '{n} devices alerting' },
  'v.countAlertingMore': { zh: '共 {total} 台设备告警中，已列出 {n} 台', en: '{total} devices alerting, {n} listed' },
  'v.pick': { zh: '从列表或地图选择一台设备', en: 'Pick a device from the list or the map' },
  'f.alerting': { zh: '告警', en: 'Alerts' },
  'f.kind': { zh: '设备类型', en: 'Kind' },
  'f.town': { zh: '镇街', en: 'Town' },
  'v.alerting': { zh: '告警中', en: 'Alerting' },
  'v.quiet': { zh: '无告警', en: 'Not alerting' },
  'v.allDevices': { zh: '全部设备', en: 'All devices' },
  'v.alertingHint': {
    zh: '24 小时内报警或故障、其后未恢复上线或测试',
    en: 'An alarm or fault in the last 24 hours with no later online or test',
  },
  'v.deviceId': { zh: '设备编号', en: 'Device no.' },
  'v.kind': { zh: '类型', en: 'Kind' },
  'v.name': { zh: '名称', en: 'Name' },
  'v.status': { zh: '状态', en: 'Status' },
  'v.installed': { zh: '安装日期', en: 'Installed' },
  'v.refill': { zh: '充装周期', en: 'Refill every' },
  'v.refillDays': { zh: '{n} 天', en: '{n} days' },
  'v.address': { zh: '地址', en: 'Address' },
  'v.area': { zh: '所在区域', en: 'Area' },
  'v.unplaced': { zh: '未定位', en: 'Not placed' },
  'v.belongs': { zh: '所属', en: 'Belongs to' },
  'v.house': { zh: '房屋 {id}', en: 'House {id}' },
  'v.org': { zh: '单位', en: 'Organisation' },
  'v.orgResponsible': { zh: '负责人 {name}', en: 'Responsible: {name}' },
  'v.none': { zh: '未登记', en: 'None recorded' },
  'v.latest': { zh: '最近事件', en: 'Latest event' },
  'v.noEvent': { zh: '尚无事件', en: 'No events yet' },
  'v.events': { zh: '设备事件', en: 'Events' },
  'v.eventsCount': { zh: '已列出 {n} 条', en: '{n} listed' },
  'v.station': { zh: '充装站 {s}', en: 'Station {s}' },
  'v.value': { zh: '数值 {v}', en: 'Value {v}' },
})

/** The list's alerting filter unless told otherwise: the devices alerting now. */
export const DEFAULT_ALERTING = 'true'
const FILTERS = ['alerting', 'kind', 'area'] as const
/** How many events the timeline reads at a time (加载更多 for the next). */
export const EVENT_PAGE = 50

/** Alerting devices and alarm or fault events: red, as on the map. */
export const ALERT_RED = '#c0392b'
/** The colour of a device that is not alerting, by kind (a retired one is grey). */
export const DEVICE_COLOURS: Readonly<Record<DeviceKind, string>> = {
  smoke_detector: '#1f5fbf',
  gas_alarm: '#7b4fa0',
  gas_cylinder: '#2e8b57',
  ebike_charger: '#1a8a94',
}
const RETIRED_GREY = '#8a8a8a'

/**
 * A device's colour on the map and in the list: red while alerting, grey when retired, else by kind.
 * @example deviceColour({ alerting: true, status: 'active', kind: 'smoke_detector' }) // '#c0392b'
 * @example deviceColour({ alerting: false, status: 'retired', kind: 'gas_alarm' }) // '#8a8a8a'
 */
export function deviceColour(p: { alerting: boolean; status: DeviceStatus; kind: DeviceKind }): string {
  if (p.alerting) return ALERT_RED
  return p.status === 'retired' ? RETIRED_GREY : DEVICE_COLOURS[p.kind]
}

/**
 * Whether an event is an alarm or a fault (shown red in the timeline).
 * @example isAlertEvent('fault') // true
 */
export function isAlertEvent(kind: DeviceEventKind): boolean {
  return kind === 'alarm' || kind === 'fault'
}

/**
 * The API query of the page's filters: alerting devices unless `alerting=all` (or `false`: the quiet ones).
 * @example deviceQuery(new URLSearchParams('kind=gas_alarm&area=330109001')).toString() // 'alerting=true&kind=gas_alarm&area=330109001&limit=500'
 * @example deviceQuery(new URLSearchParams('alerting=all')).toString() // 'limit=500'
 */
export function deviceQuery(params: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams()
  const alerting = params.get('alerting') ?? DEFAULT_ALERTING
  if (alerting === 'true' || alerting === 'false') q.set('alerting', alerting)
  for (const k of ['kind', 'area'] as const) {
    const v = params.get(k)
    if (v) q.set(k, v)
  }
  q.set('limit', '500')
  return q
}

/**
 * The list's head: how many match (the server's count, else the rows loaded), and how many are listed when fewer.
 * @example devicesHeadText(3, 3, true, 'zh') // '3 台设备告警中'
 * @example devicesHeadText(620, 500, false, 'zh') // '共 620 台设备，已列出 500 台'
 */
export function devicesHeadText(total: number, listed: number, alertingOnly: boolean, lang?: Lang): string {
  if (total > listed) return V(alertingOnly ? 'v.countAlertingMore' : 'v.countMore', { total, n: listed }, lang)
  return V(alertingOnly ? 'v.countAlerting' : 'v.count', { n: total }, lang)
}

/**
 * An event in words: its kind (a reading with its value), then its value, station and place when it has them.
 * @example eventText({ kind: 'filling', value: 15, station: '城东充装站', address: null }, 'zh') // '充装 · 数值 15 · 充装站 城东充装站'
 * @example eventText({ kind: 'reading', value: 23, station: null, address: null }, 'zh') // '读数 23'
 */
export function eventText(e: Pick<DeviceEvent, 'kind' | 'value' | 'station' | 'address'>, lang?: Lang): string {
  const kind = fullViewLabel('deviceEvent', e.kind, lang)
  const reading = e.kind === 'reading' && e.value !== null
  return [
    reading ? `${kind} ${e.value}` : kind,
    e.value === null || reading ? '' : V('v.value', { v: e.value }, lang),
    e.station ? V('v.station', { s: e.station }, lang) : '',
    e.address ?? '',
  ]
    .filter(Boolean)
    .join(' · ')
}

/**
 * The desk address of the house a device belongs to (by the house's source id).
 * @example houseLink('H-12') // '/desk/people/house-H-12'
 */
export function houseLink(houseId: string): string {
  return deskPath({ page: 'people', id: `house-${houseId}` })
}

const kindName = (k: DeviceKind, lang?: Lang) => fullViewLabel('deviceKind', k, lang)
const statusName = (s: DeviceStatus, lang?: Lang) => fullViewLabel('deviceStatus', s, lang)

/** Opens the devices page. */
export const mount: PageMount = async (root, route, ctx) => {
  const towns = await track(townOptions(ctx.me.user.areaCodes))
  const { filters, listHead, list, mapBox, detail } = splitLayout(root, { map: true })

  let params = route.params
  let selectedId = route.id
  const rows = pagedList(
    (cursor) => {
      const q = deviceQuery(params)
      if (cursor) q.set('cursor', cursor)
      return getJson(`/api/devices?${q.toString()}`) as Promise<DevicePage>
    },
    (page) => page.features,
  )
  let miniMap: MiniMap | null = null
  let needFit = true
  let destroyed = false

  const filtersOnly = () => pickParams(params, FILTERS)
  const go = (id: string | null, nextParams: URLSearchParams = filtersOnly(), replace = false) =>
    ctx.navigate(deskPath({ page: 'devices', id, params: nextParams }), { replace })
  const alertingOnly = () => deviceQuery(params).get('alerting') === 'true'

  // --- filters -----------------------------------------------------------------------------
  const renderFilters = () => {
    const alerting = select(
      [
        ['true', V('v.alerting')],
        ['false', V('v.quiet')],
        ['all', V('v.allDevices')],
      ],
      params.get('alerting') ?? DEFAULT_ALERTING,
    )
    alerting.title = V('v.alertingHint')
    filters.replaceChildren(
      field(V('f.alerting'), alerting, 'alerting'),
      field(
        V('f.kind'),
        select([['', dt('desk.all')], ...options(DeviceKindSchema.options, (k) => kindName(k))], params.get('kind') ?? ''),
        'kind',
      ),
      field(V('f.town'), select([['', dt('desk.all')], ...towns], params.get('area') ?? ''), 'area'),
    )
  }
  filters.addEventListener('change', () => {
    const out = new URLSearchParams()
    for (const name of FILTERS) {
      const v = (filters.elements.namedItem(name) as HTMLSelectElement | null)?.value ?? ''
      if (v && !(name === 'alerting' && v === DEFAULT_ALERTING)) out.set(name, v)
    }
    go(selectedId, out, true)
  })

  // --- list and map ------------------------------------------------------------------------
  const renderMap = () => {
    if (!miniMap) return
    const features = miniFeatures(
      rows.items,
      { id: (d) => String(d.id), geometry: (d) => d.geometry, colour: (d) => deviceColour(d.properties) },
      selectedId,
    )
    const fit = needFit && features.length > 0
    miniMap.setFeatures(features, fit)
    if (fit) needFit = false
  }

  const renderList = () => {
    const all = rows.total ?? rows.items.length
    listHead.textContent = devicesHeadText(all, rows.items.length, alertingOnly())
    listHead.dataset.count = String(all)
    if (rows.items.length === 0) list.replaceChildren(el('p', 'desk-empty', dt('desk.empty')))
    else {
      list.replaceChildren(
        ...rows.items.map((d) => {
          const p = d.properties
          const row = el(
            'a',
            `desk-row desk-row-main${String(d.id) === selectedId ? ' is-selected' : ''}${p.alerting ? ' desk-device--alerting' : ''}`,
          )
          row.setAttribute('role', 'listitem')
          row.href = deskPath({ page: 'devices', id: String(d.id), params: filtersOnly() })
          row.dataset.id = String(d.id)
          row.dataset.device = p.deviceId
          row.dataset.alerting = String(p.alerting)
          row.dataset.colour = deviceColour(p)
          const latest = p.latestEvent
          row.append(
            swatch(deviceColour(p), 'dot'),
            el('span', 'desk-row-title', `${kindName(p.kind)} · ${p.name ?? p.deviceId}`),
            el(
              'span',
              'desk-row-meta',
              [p.alerting ? V('v.alerting') : '', p.deviceId, statusName(p.status), p.address ?? V('v.unplaced')]
                .filter(Boolean)
                .join(' · '),
            ),
            el(
              'span',
              `desk-due${latest && isAlertEvent(latest.kind) ? ' desk-device-alert' : ''}`,
              latest ? `${fullViewLabel('deviceEvent', latest.kind)} ${formatTime(latest.at)}` : V('v.noEvent'),
            ),
          )
          return row
        }),
      )
      appendMore(list, rows, () => load(true))
    }
    renderMap()
  }

  const load = (more = false): Promise<void> =>
    loadList(list, rows, more, (more) => {
      if (!more) needFit = true
      renderList()
    })

  // --- detail ------------------------------------------------------------------------------
  async function showDetail(): Promise<void> {
    if (!selectedId) return void detail.replaceChildren(el('p', 'desk-hint', V('v.pick')))
    const id = selectedId
    const wanted = () => id === selectedId && !destroyed
    await showRecord<DeviceFeature>(detail, `/api/devices/${encodeURIComponent(id)}`, wanted, (d) => {
      renderDetail(d)
      void track(loadEvents(d, null, wanted))
      if (d.properties.orgId) void track(loadOrganisation(d.properties.orgId, wanted))
    })
  }

  function renderDetail(d: DeviceFeature): void {
    const p = d.properties
    const head = el('header', 'desk-detail-head')
    head.dataset.id = String(d.id)
    head.dataset.alerting = String(p.alerting)
    head.append(swatch(deviceColour(p), 'dot'), el('h2', '', `${kindName(p.kind)} · ${p.name ?? p.deviceId}`))
    if (p.alerting) {
      const badge = el('span', 'desk-status desk-device-alerting', V('v.alerting'))
      badge.title = V('v.alertingHint')
      head.append(badge)
    }
    head.append(el('span', `desk-status desk-status--${p.status}`, statusName(p.status)))
    const where = d.geometry
      ? `${p.address ?? ''}${p.address ? ' · ' : ''}${d.geometry.coordinates.map((c) => c.toFixed(6)).join(', ')}`
      : `${p.address ?? ''} ${V('v.unplaced')}`.trim()
    const latest = p.latestEvent
    const latestText = latest ? `${eventText({ ...latest, station: null, address: null })} · ${formatTime(latest.at)}` : V('v.noEvent')
    detail.replaceChildren(
      head,
      facts([
        [V('v.deviceId'), p.deviceId],
        [V('v.kind'), kindName(p.kind)],
        [V('v.name'), p.name ?? '—'],
        [V('v.status'), statusName(p.status)],
        [V('v.installed'), p.installedAt ?? '—'],
        ...(p.expectedRefillDays === null ? [] : [[V('v.refill'), V('v.refillDays', { n: p.expectedRefillDays })] as const]),
        [V('v.address'), where],
        [V('v.area'), [p.townCode, p.villageCode, p.gridCode].filter(Boolean).join(' / ') || '—'],
        [V('v.belongs'), belongsTo(p)],
        [V('v.latest'), latestText],
      ]),
      eventsSection(),
    )
  }

  /** The house (linked to its desk page) or organisation (its name, filled in once read) a device belongs to. */
  function belongsTo(p: DeviceFeature['properties']): Node {
    const box = el('span', 'desk-device-owner')
    if (p.houseId) {
      const a = el('a', 'desk-device-house', V('v.house', { id: p.houseId }))
      a.href = houseLink(p.houseId)
      a.dataset.house = p.houseId
      box.append(a)
    } else if (p.orgId) {
      const org = el('span', 'desk-device-org', `${V('v.org')} ${p.orgId}`)
      org.dataset.org = p.orgId
      box.append(org)
    } else box.textContent = V('v.none')
    return box
  }

  /** Reads the organisation (in the caller's scope; its responsible person masked) and names it in the record. */
  async function loadOrganisation(orgId: string, wanted: () => boolean): Promise<void> {
    let o: OrganisationDetail
    try {
      o = (await getJson(`/api/organisations/${encodeURIComponent(orgId)}`)) as OrganisationDetail
    } catch {
      // An organisation outside the caller's areas (a 404, as for none) keeps its id only.
      return
    }
    const span = detail.querySelector<HTMLElement>('.desk-device-org')
    if (!wanted() || !span) return
    const q = o.properties
    span.textContent = [
      `${q.name}（${fullViewLabel('orgType', q.type)}）`,
      q.address ?? '',
      q.responsibleName ? V('v.orgResponsible', { name: q.responsibleName }) : '',
    ]
      .filter(Boolean)
      .join(' · ')
  }

  function eventsSection(): HTMLElement {
    const box = el('section', 'desk-section desk-device-events')
    const head = el('h3', '', V('v.events'))
    const ol = el('ol', 'desk-timeline')
    box.append(head, ol, el('p', 'desk-loading', dt('desk.loading')))
    return box
  }

  /** Reads a page of the device's events (newest first) and appends it to the timeline; 加载更多 reads the next. */
  async function loadEvents(d: DeviceFeature, cursor: string | null, wanted: () => boolean): Promise<void> {
    const id = String(d.id)
    const box = detail.querySelector<HTMLElement>('.desk-device-events')
    if (!box) return
    const ol = box.querySelector('ol')!
    const q = new URLSearchParams({ limit: String(EVENT_PAGE) })
    if (cursor) q.set('cursor', cursor)
    let page: DeviceEventPage
    try {
      page = (await getJson(`/api/devices/${encodeURIComponent(id)}/events?${q.toString()}`)) as DeviceEventPage
    } catch (err) {
      if (wanted()) box.querySelector('.desk-loading')?.replaceWith(el('p', 'desk-error', refusal(err)))
      return
    }
    if (!wanted() || !box.isConnected) return
    box.querySelectorAll('.desk-loading, [data-action="more-events"], .desk-device-events-count, .desk-empty').forEach((n) => n.remove())
    for (const e of page.events) {
      const alert = isAlertEvent(e.kind)
      const li = el('li', `desk-event desk-event--${e.kind}${alert ? ' desk-event--alert' : ''}`)
      li.dataset.event = String(e.id)
      li.dataset.kind = e.kind
      li.append(el('time', '', formatTime(e.at)), el('span', 'desk-event-what', eventText(e)))
      ol.append(li)
    }
    const shown = ol.children.length
    if (shown === 0) box.append(el('p', 'desk-empty', V('v.noEvent')))
    else {
      const count = el('p', 'desk-hint desk-device-events-count', V('v.eventsCount', { n: shown }))
      count.dataset.count = String(shown)
      box.append(count)
    }
    if (page.next) {
      const more = button(dt('desk.more'), 'plain', 'more-events')
      const after = page.next
      more.addEventListener('click', () => void track(busy(box, () => loadEvents(d, after, wanted))))
      box.append(more)
    }
  }

  // --- start -------------------------------------------------------------------------------
  renderFilters()
  void openMiniMap(
    mapBox,
    () => destroyed,
    (m) => {
      miniMap = m
      m.onPick((id) => go(id))
      renderMap()
    },
  )
  await track(Promise.all([load(), showDetail()]))

  return splitView({
    current: () => ({ params, id: selectedId }),
    set(nextRoute) {
      params = nextRoute.params
      selectedId = nextRoute.id
    },
    filterKey: (p) => deviceQuery(p).toString(),
    renderFilters,
    load: () => load(),
    renderList,
    showDetail,
    destroy() {
      destroyed = true
      miniMap?.destroy()
    },
  })
}
