/**
 * Residents and houses (实有人口与房屋), for town officers and police doing the 流动人口 registration
 * work: the residents of the caller's areas filtered by town, residence, 居住登记 state and key-person
 * category, or the houses with their use, group-rental flag, rooms and current residents; a
 * resident's record and a house's residents; a mini map of where they are. Names, phones and ID
 * numbers come masked; a caller with `pii` may ask for one resident's real values (「显示完整信息」),
 * which the server audits as a `people.read` with `unmasked: true`. Revealed values live in the
 * page alone: never in the address, storage or a cache.
 *
 * Addresses: `/desk/people` (residents), `/desk/people?tab=houses`, `/desk/people/{id}` (a resident,
 * by number or person_id), `/desk/people/house-{id}` (a house, by number or house_id).
 */

import {
  type HouseDetail,
  type HouseFeature,
  type HousePage,
  type HouseUse,
  HouseUseSchema,
  type KeyCategory,
  KeyCategorySchema,
  type Registration,
  RegistrationSchema,
  type Residence,
  ResidenceSchema,
  type Resident,
  type ResidentPage,
} from '../../../../server/shared/api.ts'
import { getJson } from '../../api/client.ts'
import { formatNumber } from '../../i18n/i18n.ts'
import type { Lang } from '../../i18n/strings.ts'
import { el, facts, formatTime } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import { miniFeatures, type MiniMap } from '../../ui/minimap.ts'
import type { PageMount } from '../context.ts'
import { busy, button, field, options, refusal, select, townOptions } from '../form.ts'
import { deskPath, pickParams } from '../routes.ts'
import { openMiniMap, showRecord, splitLayout, splitView } from '../split.ts'
import { dt, strings } from '../strings.ts'

const P = strings({
  'p.tabResidents': { zh: '实有人口', en: 'Residents' },
  'p.tabHouses': { zh: '实有房屋', en: 'Houses' },
  'p.residentCount': { zh: '{n} 人', en: '{n} residents' },
  'p.residentCountMore': { zh: '共 {total} 人，已列出 {n} 人', en: '{total} residents, {n} listed' },
  'p.houseCount': { zh: '{n} 处房屋', en: '{n} houses' },
  'p.houseCountMore': { zh: '共 {total} 处房屋，已列出 {n} 处', en: '{total} houses, {n} listed' },
  'p.pickResident': { zh: '选择一位人员查看详情', en: 'Pick a resident to see their record' },
  'p.pickHouse': { zh: '选择一处房屋查看在住人员', en: 'Pick a house to see who lives there' },
  'f.town': { zh: '镇街', en: 'Town' },
  'f.residence': { zh: '人口类型', en: 'Residence' },
  'f.registration': { zh: '居住登记', en: 'Registration' },
  'f.key': { zh: '重点人员', en: 'Key persons' },
  'f.use': { zh: '房屋用途', en: 'Use' },
  'f.groupRental': { zh: '只看群租房', en: 'Group rentals only' },
  'key.any': { zh: '全部重点人员', en: 'Every key person' },
  'residence.registered': { zh: '户籍', en: 'Registered' },
  'residence.migrant': { zh: '流动', en: 'Migrant' },
  'registration.valid': { zh: '登记有效', en: 'Registered' },
  'registration.expired': { zh: '登记已过期', en: 'Expired' },
  'registration.none': { zh: '未登记', en: 'Not registered' },
  'reg.validUntil': { zh: '居住登记有效，至 {day}', en: 'Registered, until {day}' },
  'reg.valid': { zh: '居住登记有效', en: 'Registered' },
  'reg.expired': { zh: '居住登记已于 {day} 过期', en: 'Registration expired on {day}' },
  'reg.none': { zh: '未办理居住登记', en: 'No residence registration' },
  'reg.registered': { zh: '户籍人口', en: 'Registered here' },
  'use.self_occupied': { zh: '自住', en: 'Owner-occupied' },
  'use.rented': { zh: '出租', en: 'Rented' },
  'use.vacant': { zh: '空置', en: 'Vacant' },
  'use.commercial': { zh: '经营', en: 'Commercial' },
  'use.other': { zh: '其他', en: 'Other' },
  'key.community_correction': { zh: '社区矫正', en: 'Community correction' },
  'key.released_prisoner': { zh: '刑满释放', en: 'Released prisoner' },
  'key.drug': { zh: '吸毒', en: 'Drugs' },
  'key.mental_illness': { zh: '严重精神障碍', en: 'Severe mental illness' },
  'key.petition': { zh: '重点信访', en: 'Petitioner' },
  'key.juvenile': { zh: '重点青少年', en: 'Juvenile' },
  'key.other': { zh: '其他', en: 'Other' },
  'p.name': { zh: '姓名', en: 'Name' },
  'p.idNumber': { zh: '身份证号', en: 'ID number' },
  'p.phone': { zh: '联系电话', en: 'Phone' },
  'p.personId': { zh: '人员编号', en: 'Person no.' },
  'p.registeredOn': { zh: '登记日期', en: 'Registered on' },
  'p.expires': { zh: '有效期至', en: 'Valid until' },
  'p.movedIn': { zh: '入住日期', en: 'Moved in' },
  'p.movedOut': { zh: '迁出日期', en: 'Moved out' },
  'p.living': { zh: '现居住', en: 'Lives there now' },
  'p.notLiving': { zh: '已不在此居住', en: 'No longer lives there' },
  'p.house': { zh: '所住房屋', en: 'House' },
  'p.address': { zh: '地址', en: 'Address' },
  'p.area': { zh: '所在区域', en: 'Area' },
  'p.updated': { zh: '更新时间', en: 'Updated' },
  'p.noAddress': { zh: '（无地址）', en: '(no address)' },
  'p.reveal': { zh: '显示完整信息', en: 'Show full details' },
  'p.revealHint': {
    zh: '完整的姓名、电话和身份证号仅在本页显示，查看将记入审计日志',
    en: 'The full name, phone and ID number are shown on this page only; viewing them is recorded in the audit log',
  },
  'p.revealed': { zh: '正在显示完整信息（已记入审计日志）', en: 'Showing full details (recorded in the audit log)' },
  'p.hide': { zh: '隐藏完整信息', en: 'Hide full details' },
  'p.masked': { zh: '已脱敏', en: 'Masked' },
  'p.export': { zh: '导出 CSV（脱敏）', en: 'Export CSV (masked)' },
  'p.exportHint': {
    zh: '导出本人辖区内符合当前筛选条件的全部人员（已脱敏）',
    en: 'Exports every resident of your areas that matches the filters shown (masked)',
  },
  'h.houseId': { zh: '房屋编号', en: 'House no.' },
  'h.room': { zh: '房间/楼层', en: 'Room / floor' },
  'h.groupRental': { zh: '群租房', en: 'Group rental' },
  'h.rooms': { zh: '房间数', en: 'Rooms' },
  'h.area': { zh: '面积', en: 'Floor area' },
  'h.owner': { zh: '房主', en: 'Owner' },
  'h.ownerPhone': { zh: '房主电话', en: "Owner's phone" },
  'h.residents': { zh: '在住 {n} 人', en: '{n} living there' },
  'h.counts': {
    zh: '在住 {residents} 人：流动 {migrants}，户籍 {registered}，未有效登记的流动人口 {unregistered}，重点人员 {key}',
    en: '{residents} living there: {migrants} migrants, {registered} registered, {unregistered} migrants without a valid registration, {key} key persons',
  },
  'h.currentResidents': { zh: '在住人员', en: 'Living there now' },
  'h.none': { zh: '目前无人居住', en: 'No one lives there now' },
  yes: { zh: '是', en: 'Yes' },
  no: { zh: '否', en: 'No' },
})

/** The two lists of the page. */
export type PeopleTab = 'residents' | 'houses'
const RESIDENT_FILTERS = ['area', 'residence', 'registration', 'key'] as const
const HOUSE_FILTERS = ['area', 'use', 'groupRental'] as const
/** Rows fetched at a time (the API's default page is 100, its most 1000). */
export const PAGE_SIZE = 200

/**
 * The list a page address shows: houses with `tab=houses`, else residents.
 * @example peopleTab(new URLSearchParams('tab=houses')) // 'houses'
 */
export function peopleTab(params: URLSearchParams): PeopleTab {
  return params.get('tab') === 'houses' ? 'houses' : 'residents'
}

/**
 * What a record address names: a house (`house-12`, `house-H-BG-1`) or a resident (`12`, `P-001`).
 * @example peopleRecord('house-12') // { kind: 'house', id: '12' }
 * @example peopleRecord('P-001') // { kind: 'resident', id: 'P-001' }
 */
export function peopleRecord(id: string | null): { kind: 'house' | 'resident'; id: string } | null {
  if (!id) return null
  if (id.startsWith('house-') && id.length > 'house-'.length) return { kind: 'house', id: id.slice('house-'.length) }
  return { kind: 'resident', id }
}

/**
 * The API query of the residents list (`GET /api/residents`) from the page's own query string:
 * only values the API knows are passed on.
 * @example residentQuery(new URLSearchParams('area=330109001&residence=migrant&registration=expired&key=drug&tab=residents')).toString() // 'area=330109001&residence=migrant&registration=expired&key=drug&limit=200'
 */
export function residentQuery(params: URLSearchParams, cursor: string | null = null): URLSearchParams {
  const q = new URLSearchParams()
  const area = params.get('area')
  if (area) q.set('area', area)
  const residence = params.get('residence')
  if (residence && (ResidenceSchema.options as readonly string[]).includes(residence)) q.set('residence', residence)
  const registration = params.get('registration')
  if (registration && (RegistrationSchema.options as readonly string[]).includes(registration)) q.set('registration', registration)
  const key = params.get('key')
  if (key && (key === 'any' || (KeyCategorySchema.options as readonly string[]).includes(key))) q.set('key', key)
  q.set('limit', String(PAGE_SIZE))
  if (cursor) q.set('cursor', cursor)
  return q
}

/**
 * The API query of the houses list (`GET /api/houses`) from the page's own query string.
 * @example houseQuery(new URLSearchParams('tab=houses&use=rented&groupRental=true')).toString() // 'use=rented&groupRental=true&limit=200'
 */
export function houseQuery(params: URLSearchParams, cursor: string | null = null): URLSearchParams {
  const q = new URLSearchParams()
  const area = params.get('area')
  if (area) q.set('area', area)
  const use = params.get('use')
  if (use && (HouseUseSchema.options as readonly string[]).includes(use)) q.set('use', use)
  if (params.get('groupRental') === 'true') q.set('groupRental', 'true')
  q.set('limit', String(PAGE_SIZE))
  if (cursor) q.set('cursor', cursor)
  return q
}

/**
 * The masked CSV export of the residents the list shows (`GET /api/export/residents.csv` with the
 * list's filters, without paging); never `unmasked`.
 * @example exportHref(new URLSearchParams('area=330109001&residence=migrant&tab=residents')) // '/api/export/residents.csv?area=330109001&residence=migrant'
 */
export function exportHref(params: URLSearchParams): string {
  const q = residentQuery(params)
  q.delete('limit')
  const query = q.toString()
  return `/api/export/residents.csv${query ? `?${query}` : ''}`
}

/**
 * A resident's 居住登记 in words: 户籍 residents need none; a migrant's is valid (until its expiry),
 * expired (on its expiry) or none.
 * @example registrationText({ residence: 'migrant', registration: 'valid', registrationExpires: '2027-01-09' }, 'zh') // '居住登记有效，至 2027-01-09'
 * @example registrationText({ residence: 'migrant', registration: 'expired', registrationExpires: '2025-02-28' }, 'zh') // '居住登记已于 2025-02-28 过期'
 * @example registrationText({ residence: 'registered', registration: 'none', registrationExpires: null }, 'zh') // '户籍人口'
 */
export function registrationText(
  r: { residence: Residence; registration: Registration; registrationExpires: string | null },
  lang?: Lang,
): string {
  if (r.residence === 'registered' && r.registration === 'none') return P('reg.registered', {}, lang)
  if (r.registration === 'valid')
    return r.registrationExpires ? P('reg.validUntil', { day: r.registrationExpires }, lang) : P('reg.valid', {}, lang)
  if (r.registration === 'expired') return P('reg.expired', { day: r.registrationExpires ?? '—' }, lang)
  return P('reg.none', {}, lang)
}

/**
 * A resident's key-person categories in words, or '' for none.
 * @example keyText(['drug', 'petition'], 'zh') // '吸毒、重点信访'
 */
export function keyText(keys: readonly KeyCategory[], lang?: Lang): string {
  return keys.map((k) => P(`key.${k}`, {}, lang)).join(lang === 'en' ? ', ' : '、')
}

/**
 * A house's one-line summary: use, group rental, rooms, residents now.
 * @example houseSummary({ use: 'rented', groupRental: true, rooms: 3, currentResidents: 5 }, 'zh') // '出租 · 群租房 · 3 间 · 在住 5 人'
 */
export function houseSummary(
  p: { use: HouseUse; groupRental: boolean; rooms: number | null; currentResidents: number },
  lang?: Lang,
): string {
  return [
    P(`use.${p.use}`, {}, lang),
    p.groupRental ? P('h.groupRental', {}, lang) : '',
    p.rooms === null ? '' : lang === 'en' ? `${p.rooms} rooms` : `${p.rooms} 间`,
    P('h.residents', { n: p.currentResidents }, lang),
  ]
    .filter(Boolean)
    .join(' · ')
}

/** Colours of the mini map: migrants without a valid registration stand out. */
const COLOURS = { alert: '#d4380d', migrant: '#d48806', registered: '#1f5fbf', house: '#1f5fbf', groupRental: '#d4380d' } as const

/**
 * A resident's colour on the mini map: a migrant without a valid registration, or a key person, in red.
 * @example residentColour({ residence: 'migrant', registration: 'expired', keyCategories: [] }) // '#d4380d'
 */
export function residentColour(r: Pick<Resident, 'residence' | 'registration' | 'keyCategories'>): string {
  if (r.keyCategories.length > 0 || (r.residence === 'migrant' && r.registration !== 'valid')) return COLOURS.alert
  return r.residence === 'migrant' ? COLOURS.migrant : COLOURS.registered
}

const areaText = (p: { townCode: string | null; villageCode: string | null; gridCode: string | null }) =>
  [p.townCode, p.villageCode, p.gridCode].filter(Boolean).join(' / ') || '—'

/** Opens the residents and houses page. */
export const mount: PageMount = async (root, route, ctx) => {
  const canReveal = ctx.can('pii')
  const towns = await track(townOptions(ctx.me.user.areaCodes))
  const { filters, listHead, list, mapBox, detail, left } = splitLayout(root, { map: true })
  const tabs = el('nav', 'desk-tabs')
  left.prepend(tabs)
  const more = button(dt('desk.more'), 'plain', 'more')
  more.hidden = true

  let params = route.params
  let selectedId = route.id
  let residents: Resident[] = []
  let houses: HouseFeature[] = []
  let next: string | null = null
  /** How many match the filters in the caller's areas (the first page's numberMatched). */
  let total: number | null = null
  let miniMap: MiniMap | null = null
  let needFit = true
  let destroyed = false
  /** The record shown in the detail pane (for the map's marker). */
  let shownAt: { id: string; lng: number; lat: number } | null = null

  const tab = () => peopleTab(params)
  const go = (id: string | null, nextParams: URLSearchParams = params, replace = false) =>
    ctx.navigate(deskPath({ page: 'people', id, params: nextParams }), { replace })
  /** The current tab's filters alone. */
  const filtersOnly = (p: URLSearchParams = params) =>
    peopleTab(p) === 'houses' ? pickParams(p, ['tab', ...HOUSE_FILTERS]) : pickParams(p, RESIDENT_FILTERS)
  const filterKey = (p: URLSearchParams) => filtersOnly(p).toString()

  // --- tabs and filters --------------------------------------------------------------------
  const renderFilters = () => {
    const t = tab()
    tabs.replaceChildren(
      ...(['residents', 'houses'] as const).map((name) => {
        const a = el('a', `desk-tab${name === t ? ' is-active' : ''}`, P(name === 'houses' ? 'p.tabHouses' : 'p.tabResidents'))
        const p = new URLSearchParams()
        if (name === 'houses') p.set('tab', 'houses')
        if (params.get('area')) p.set('area', params.get('area')!)
        a.href = deskPath({ page: 'people', params: p })
        a.dataset.tab = name
        if (name === t) a.setAttribute('aria-current', 'true')
        return a
      }),
    )
    const town = field(P('f.town'), select([['', dt('desk.all')], ...towns], params.get('area') ?? ''), 'area')
    if (t === 'houses') {
      const group = el('input')
      group.type = 'checkbox'
      group.name = 'groupRental'
      group.checked = params.get('groupRental') === 'true'
      const chip = el('label', 'desk-chip')
      chip.append(group, el('span', '', P('f.groupRental')))
      filters.replaceChildren(
        town,
        field(
          P('f.use'),
          select([['', dt('desk.all')], ...options(HouseUseSchema.options, (u) => P(`use.${u}`))], params.get('use') ?? ''),
          'use',
        ),
        chip,
      )
      return
    }
    const tools: Node[] = []
    if (ctx.can('export')) {
      const a = el('a', 'desk-btn desk-btn--plain', P('p.export'))
      a.href = exportHref(params)
      a.title = P('p.exportHint')
      a.dataset.action = 'export'
      a.setAttribute('download', '')
      tools.push(a)
    }
    filters.replaceChildren(
      town,
      field(
        P('f.residence'),
        select([['', dt('desk.all')], ...options(ResidenceSchema.options, (r) => P(`residence.${r}`))], params.get('residence') ?? ''),
        'residence',
      ),
      field(
        P('f.registration'),
        select(
          [['', dt('desk.all')], ...options(RegistrationSchema.options, (r) => P(`registration.${r}`))],
          params.get('registration') ?? '',
        ),
        'registration',
      ),
      field(
        P('f.key'),
        select(
          [['', dt('desk.all')], ['any', P('key.any')], ...options(KeyCategorySchema.options, (k) => P(`key.${k}`))],
          params.get('key') ?? '',
        ),
        'key',
      ),
      ...tools,
    )
  }
  filters.addEventListener('change', (e) => {
    if (!(e.target instanceof HTMLElement) || !e.target.closest('.desk-field, .desk-chip')) return
    const out = new URLSearchParams()
    if (tab() === 'houses') out.set('tab', 'houses')
    for (const name of tab() === 'houses' ? ['area', 'use'] : ['area', 'residence', 'registration', 'key']) {
      const v = (filters.elements.namedItem(name) as HTMLSelectElement | null)?.value ?? ''
      if (v) out.set(name, v)
    }
    if ((filters.elements.namedItem('groupRental') as HTMLInputElement | null)?.checked) out.set('groupRental', 'true')
    go(selectedId, out, true)
  })
  filters.addEventListener('submit', (e) => e.preventDefault())

  // --- list and map ------------------------------------------------------------------------
  const renderMap = () => {
    if (!miniMap) return
    const features =
      tab() === 'houses'
        ? miniFeatures(
            houses,
            {
              id: (h) => `house-${h.id}`,
              geometry: (h) => h.geometry,
              colour: (h) => (h.properties.groupRental ? COLOURS.groupRental : COLOURS.house),
            },
            selectedId,
          )
        : miniFeatures<Resident>(
            residents,
            {
              id: (r) => String(r.id),
              geometry: (r) => (r.lng === null || r.lat === null ? null : { type: 'Point', coordinates: [r.lng, r.lat] }),
              colour: residentColour,
            },
            selectedId,
          )
    if (shownAt && !features.some((f) => f.id === shownAt!.id))
      features.push({
        id: shownAt.id,
        geometry: { type: 'Point', coordinates: [shownAt.lng, shownAt.lat] },
        colour: '#1f5fbf',
        selected: true,
      })
    const fit = needFit && features.length > 0
    miniMap.setFeatures(features, fit)
    if (fit) needFit = false
  }

  const residentRow = (r: Resident, href: string) => {
    const row = el('a', `desk-row desk-row-main${String(r.id) === selectedId ? ' is-selected' : ''}`)
    row.setAttribute('role', 'listitem')
    row.href = href
    row.dataset.id = String(r.id)
    row.dataset.residence = r.residence
    row.dataset.registration = r.registration
    const alert = r.residence === 'migrant' && r.registration !== 'valid'
    row.append(
      el(
        'span',
        'desk-row-title',
        `${r.name ?? '—'} · ${P(`residence.${r.residence}`)}${r.keyCategories.length ? ` · ${keyText(r.keyCategories)}` : ''}`,
      ),
      el('span', 'desk-row-meta', r.address ?? P('p.noAddress')),
      el('span', `desk-due${alert ? ' is-overdue' : ''}`, registrationText(r)),
    )
    return row
  }

  const renderList = () => {
    const t = tab()
    const n = t === 'houses' ? houses.length : residents.length
    const all = total ?? n
    listHead.textContent = P(
      t === 'houses' ? (all > n ? 'p.houseCountMore' : 'p.houseCount') : all > n ? 'p.residentCountMore' : 'p.residentCount',
      { n: all > n ? formatNumber(n) : formatNumber(all), total: formatNumber(all) },
    )
    listHead.dataset.count = String(all)
    listHead.dataset.listed = String(n)
    more.hidden = next === null
    if (n === 0) return void list.replaceChildren(el('p', 'desk-empty', dt('desk.empty')))
    const rows =
      t === 'houses'
        ? houses.map((h) => {
            const p = h.properties
            const id = `house-${h.id}`
            const row = el('a', `desk-row desk-row-main${p.groupRental ? ' is-overdue' : ''}${id === selectedId ? ' is-selected' : ''}`)
            row.setAttribute('role', 'listitem')
            row.href = deskPath({ page: 'people', id, params: filtersOnly() })
            row.dataset.id = id
            row.dataset.residents = String(p.currentResidents)
            row.append(
              el('span', 'desk-row-title', `${p.address ?? p.houseId}${p.room ? ` ${p.room}` : ''}`),
              el('span', 'desk-row-meta', houseSummary(p)),
              el('span', 'desk-due', p.houseId),
            )
            return row
          })
        : residents.map((r) => residentRow(r, deskPath({ page: 'people', id: String(r.id), params: filtersOnly() })))
    list.replaceChildren(...rows, more)
    renderMap()
  }

  /** Which load is the latest: an answer to an earlier one (filters changed meanwhile) is dropped. */
  let loads = 0
  /** Loads the list from the start, or its next page (`append`). */
  async function load(append = false): Promise<void> {
    const mine = ++loads
    if (!append) list.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
    try {
      if (tab() === 'houses') {
        const page = (await getJson(`/api/houses?${houseQuery(params, append ? next : null).toString()}`)) as HousePage
        if (mine !== loads || destroyed) return
        houses = append ? [...houses, ...page.features] : page.features
        residents = []
        next = page.next
        if (!append) total = page.numberMatched ?? null
      } else {
        const page = (await getJson(`/api/residents?${residentQuery(params, append ? next : null).toString()}`)) as ResidentPage
        if (mine !== loads || destroyed) return
        residents = append ? [...residents, ...page.residents] : page.residents
        houses = []
        next = page.next
        if (!append) total = page.numberMatched ?? null
      }
      if (!append) needFit = true
      renderList()
    } catch (err) {
      if (mine === loads) list.replaceChildren(el('p', 'desk-error', `${dt('desk.failed')}: ${refusal(err)}`))
    }
  }
  more.addEventListener('click', () => void track(busy(list, () => load(true))))

  // --- a record ----------------------------------------------------------------------------
  async function showDetail(): Promise<void> {
    const record = peopleRecord(selectedId)
    shownAt = null
    renderMap()
    if (!record) return void detail.replaceChildren(el('p', 'desk-hint', P(tab() === 'houses' ? 'p.pickHouse' : 'p.pickResident')))
    const wanted = selectedId
    const still = () => wanted === selectedId && !destroyed
    if (record.kind === 'house') await showRecord<HouseDetail>(detail, `/api/houses/${encodeURIComponent(record.id)}`, still, renderHouse)
    else await showRecord<Resident>(detail, `/api/residents/${encodeURIComponent(record.id)}`, still, (r) => renderResident(r))
  }

  const placeOn = (id: string, lng: number | null, lat: number | null) => {
    shownAt = lng !== null && lat !== null ? { id, lng, lat } : null
    renderMap()
  }

  /** A resident's record; `r` is masked unless revealed (then it lives in this pane alone). */
  function renderResident(r: Resident): void {
    const head = el('header', 'desk-detail-head')
    head.dataset.id = String(r.id)
    head.append(el('h2', '', `${r.name ?? '—'}`), el('span', `desk-status desk-status--${r.residence}`, P(`residence.${r.residence}`)))
    const personal = (v: string | null) => {
      const span = el('span', r.unmasked ? 'desk-pii is-revealed' : 'desk-pii', v ?? '—')
      span.dataset.pii = r.unmasked ? 'revealed' : 'masked'
      return span
    }
    let house: Node = document.createTextNode('—')
    if (r.house) {
      const a = el('a', 'desk-link', r.house.houseId)
      a.href = deskPath({ page: 'people', id: `house-${r.house.id}`, params: new URLSearchParams('tab=houses') })
      a.dataset.house = String(r.house.id)
      house = a
    }
    const sections: Node[] = [
      head,
      facts([
        [P('p.name'), personal(r.name)],
        [P('p.idNumber'), personal(r.idNumber)],
        [P('p.phone'), personal(r.phone)],
        [P('p.personId'), r.personId],
        [P('f.residence'), P(`residence.${r.residence}`)],
        [P('f.registration'), registrationText(r)],
        [P('p.registeredOn'), r.registeredOn ?? '—'],
        [P('p.expires'), r.registrationExpires ?? '—'],
        [P('p.movedIn'), r.movedIn ?? '—'],
        [P('p.movedOut'), r.movedOut ?? '—'],
        [P('p.living'), r.current ? P('yes') : P('no')],
        [P('f.key'), keyText(r.keyCategories) || '—'],
        [P('p.house'), house],
        [P('p.address'), r.address ?? '—'],
        [P('p.area'), areaText(r)],
        [P('p.updated'), formatTime(r.updatedAt)],
      ]),
    ]
    if (canReveal) {
      const box = el('div', 'desk-actions desk-reveal')
      if (r.unmasked) {
        const hide = button(P('p.hide'), 'plain', 'hide')
        hide.addEventListener('click', () => void track(showDetail()))
        box.append(hide)
        sections.push(el('p', 'desk-hint', P('p.revealed')), box)
      } else {
        const reveal = button(P('p.reveal'), 'primary', 'reveal')
        reveal.title = P('p.revealHint')
        reveal.addEventListener('click', () => void track(revealResident(String(r.id), box)))
        box.append(reveal)
        sections.push(box, el('p', 'desk-hint', P('p.revealHint')))
      }
    }
    detail.replaceChildren(...sections)
    placeOn(String(r.id), r.lng, r.lat)
  }

  /** Asks the server for one resident's real values (audited there); shown here, kept nowhere. */
  async function revealResident(id: string, box: HTMLElement): Promise<void> {
    const wanted = selectedId
    await busy(box, async () => {
      try {
        const r = (await getJson(`/api/residents/${encodeURIComponent(id)}?reveal=true`)) as Resident
        if (wanted === selectedId && !destroyed) renderResident(r)
      } catch (err) {
        ctx.toast(refusal(err), 'error')
      }
    })
  }

  function renderHouse(d: HouseDetail): void {
    const p = d.properties
    const head = el('header', 'desk-detail-head')
    head.dataset.id = `house-${d.id}`
    head.append(el('h2', '', `${p.address ?? p.houseId}${p.room ? ` ${p.room}` : ''}`), el('span', 'desk-status', P(`use.${p.use}`)))
    if (p.groupRental) head.append(el('span', 'desk-due is-overdue', P('h.groupRental')))
    const c = d.counts
    const counts = el(
      'p',
      'desk-hint desk-house-counts',
      P('h.counts', {
        residents: c.residents,
        migrants: c.migrants,
        registered: c.registered,
        unregistered: c.unregisteredMigrants,
        key: c.keyPersons,
      }),
    )
    counts.dataset.residents = String(c.residents)
    const who = el('section', 'desk-section desk-house-residents')
    who.append(el('h3', '', P('h.currentResidents')))
    const rows = el('div', 'desk-list')
    rows.setAttribute('role', 'list')
    if (d.residents.length === 0) rows.append(el('p', 'desk-empty', P('h.none')))
    for (const r of d.residents) rows.append(residentRow(r, deskPath({ page: 'people', id: String(r.id) })))
    who.append(rows)
    detail.replaceChildren(
      head,
      facts([
        [P('h.houseId'), p.houseId],
        [P('f.use'), P(`use.${p.use}`)],
        [P('h.groupRental'), p.groupRental ? P('yes') : P('no')],
        [P('h.room'), p.room ?? '—'],
        [P('h.rooms'), p.rooms === null ? '—' : String(p.rooms)],
        [P('h.area'), p.floorAreaM2 === null ? '—' : `${p.floorAreaM2} m²`],
        [P('h.owner'), p.ownerName ?? '—'],
        [P('h.ownerPhone'), p.ownerPhone ?? '—'],
        [P('p.address'), p.address ?? '—'],
        [P('p.area'), areaText(p)],
        [P('p.updated'), formatTime(p.updatedAt)],
      ]),
      counts,
      who,
    )
    const [lng, lat] = d.geometry?.coordinates ?? [null, null]
    placeOn(`house-${d.id}`, lng ?? null, lat ?? null)
  }

  // --- start -------------------------------------------------------------------------------
  renderFilters()
  void openMiniMap(
    mapBox,
    () => destroyed,
    (m) => {
      miniMap = m
      m.onPick((id) => go(id, filtersOnly()))
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
    filterKey,
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
