/**
 * Disputes and mediation (矛盾纠纷调解), for town and village mediators and the command centre: the
 * cases of the caller's areas as a list and on a mini map, filtered by status (open and in
 * mediation by default), type, level and town; a case's summary, address, parties (masked; shown in
 * full only to callers with `pii` who ask, and audited by the server), linked incidents and its
 * mediation steps as a timeline; and a form for the next step that offers only the steps the
 * case's state allows (the server's own rule, server/disputes/states.ts) and sends it with an
 * Idempotency-Key. Every write goes through the API and its rules.
 */

import {
  type DisputeAction,
  DisputeActionSchema,
  type DisputeDetail,
  type DisputeLevel,
  DisputeLevelSchema,
  type DisputePage,
  type DisputeState,
  type DisputeStatus,
  DisputeStatusSchema,
  DisputeTypeSchema,
  nextDisputeState,
} from '../../../../server/shared/api.ts'
import { shanghaiDay, shanghaiMinute } from '../../../../server/shared/time.ts'
import { ApiError, getJson, sendJson } from '../../api/client.ts'
import type { Lang } from '../../i18n/strings.ts'
import { fullViewLabel } from '../../map/fullview-labels.ts'
import { el, facts, formatTime, swatch } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import { miniFeatures, type MiniMap } from '../../ui/minimap.ts'
import type { PageMount } from '../context.ts'
import { busy, button, field, input, options, refusal, select, textarea, townOptions } from '../form.ts'
import { pagedList } from '../paged.ts'
import { deskPath, pickParams } from '../routes.ts'
import { appendMore, loadList, openMiniMap, showRecord, splitLayout, splitView } from '../split.ts'
import { dt, strings } from '../strings.ts'

const D = strings({
  'd.count': { zh: '{n} 件纠纷', en: '{n} disputes' },
  'd.countMore': { zh: '共 {total} 件纠纷，已列出 {n} 件', en: '{total} disputes, {n} listed' },
  'd.pick': { zh: '从列表或地图选择一件纠纷', en: 'Pick a dispute from the list or the map' },
  'd.open': { zh: '受理及调解中', en: 'Open or mediating' },
  'f.type': { zh: '类型', en: 'Type' },
  'f.level': { zh: '调解层级', en: 'Level' },
  'f.town': { zh: '镇街', en: 'Town' },
  'd.caseId': { zh: '案件编号', en: 'Case no.' },
  'd.reportedAt': { zh: '受理时间', en: 'Reported' },
  'd.outcomeAt': { zh: '办结时间', en: 'Concluded' },
  'd.judicial': { zh: '司法确认', en: 'Judicial confirmation' },
  'd.judicialYes': { zh: '已司法确认', en: 'Confirmed by a court' },
  'd.address': { zh: '地址', en: 'Address' },
  'd.area': { zh: '所在区域', en: 'Area' },
  'd.unplaced': { zh: '未定位', en: 'Not placed' },
  'd.summary': { zh: '纠纷概要', en: 'Summary' },
  'd.parties': { zh: '当事人', en: 'Parties' },
  'd.partiesMasked': { zh: '姓名和电话已脱敏', en: 'Names and phones are masked' },
  'd.partiesRevealed': { zh: '已显示完整信息（已记入审计日志）', en: 'Shown in full (recorded in the audit log)' },
  'd.reveal': { zh: '显示完整信息', en: 'Show in full' },
  'd.hide': { zh: '隐藏完整信息', en: 'Mask again' },
  'd.noParties': { zh: '未登记当事人', en: 'No parties recorded' },
  'd.incidents': { zh: '关联警情', en: 'Linked incidents' },
  'd.steps': { zh: '调解过程', en: 'Mediation steps' },
  'd.noSteps': { zh: '尚无调解记录', en: 'No steps yet' },
  'd.nextStep': { zh: '记录调解步骤', en: 'Record the next step' },
  'd.action': { zh: '步骤', en: 'Step' },
  'd.stepLevel': { zh: '层级', en: 'Level' },
  'd.escalateTo': { zh: '上交至', en: 'Escalate to' },
  'd.at': { zh: '时间', en: 'When' },
  'd.note': { zh: '情况说明', en: 'Note' },
  'd.save': { zh: '记录', en: 'Record' },
  'd.final': { zh: '此案已办结（{status}），不能再调解；可以添加备注', en: 'This case is concluded ({status}); only notes can be added' },
  'd.recorded': { zh: '已记录：{step}（{level}）；案件状态：{status}', en: 'Recorded: {step} ({level}); the case is now {status}' },
  'd.again': {
    zh: '此步骤此前已记录，未重复记录；案件状态：{status}',
    en: 'This step was recorded before, nothing added; the case is {status}',
  },
  'd.refused': { zh: '未记录：{why}', en: 'Not recorded: {why}' },
  'action.registered': { zh: '受理登记', en: 'Registered' },
  'action.mediation': { zh: '调解', en: 'Mediation' },
  'action.escalated': { zh: '上交上级', en: 'Escalated' },
  'action.agreement': { zh: '达成协议', en: 'Agreement' },
  'action.failed': { zh: '调解失败', en: 'Mediation failed' },
  'action.judicial_confirmation': { zh: '司法确认', en: 'Judicial confirmation' },
  'action.withdrawn': { zh: '撤回', en: 'Withdrawn' },
  'action.note': { zh: '备注', en: 'Note' },
  'role.applicant': { zh: '申请人', en: 'Applicant' },
  'role.respondent': { zh: '被申请人', en: 'Respondent' },
  'role.other': { zh: '其他', en: 'Other' },
})

/** The statuses the list shows unless told otherwise: the cases still being worked on. */
export const OPEN_DISPUTES = 'open,mediating'
const FILTERS = ['status', 'type', 'level', 'area'] as const
/** The steps a person records (`registered` comes only with an imported case). */
export const STEP_ACTIONS = DisputeActionSchema.options.filter((a): a is Exclude<DisputeAction, 'registered'> => a !== 'registered')
export type StepAction = (typeof STEP_ACTIONS)[number]

/** The colour of a case on the map: by its status. */
export const DISPUTE_COLOURS: Readonly<Record<DisputeStatus, string>> = {
  open: '#d9822b',
  mediating: '#1f5fbf',
  resolved: '#2e8b57',
  failed: '#c0392b',
  withdrawn: '#8a8a8a',
}

/**
 * The API query of the page's filters: `status` defaults to the open ones (`all`: every status).
 * @example disputeQuery(new URLSearchParams('type=land&area=330109001')).toString() // 'status=open%2Cmediating&type=land&area=330109001&limit=500'
 */
export function disputeQuery(params: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams()
  const status = params.get('status') ?? OPEN_DISPUTES
  if (status && status !== 'all') q.set('status', status)
  for (const k of ['type', 'level', 'area'] as const) {
    const v = params.get(k)
    if (v) q.set(k, v)
  }
  q.set('limit', '500')
  return q
}

/**
 * The levels a case can be escalated to from `level` (every other one), the usual next first
 * (村 → 镇 → 区, and 区 or ODR to the other).
 * @example escalationLevels('village') // ['town', 'district', 'odr']
 */
export function escalationLevels(level: DisputeLevel): DisputeLevel[] {
  const order = DisputeLevelSchema.options
  const next: DisputeLevel = level === 'village' ? 'town' : level === 'town' ? 'district' : level === 'district' ? 'odr' : 'district'
  return [next, ...order.filter((l) => l !== level && l !== next)]
}

/**
 * The steps a case in this state may take, by the server's own rule (`nextDisputeState`): each
 * step is tried on the state, and offered when the rule takes it (an escalation to the usual
 * next level).
 * @example allowedSteps({ status: 'open', level: 'village', judicialConfirmation: false }) // ['mediation', 'escalated', 'withdrawn', 'note']
 * @example allowedSteps({ status: 'resolved', level: 'town', judicialConfirmation: false }) // ['judicial_confirmation', 'note']
 */
export function allowedSteps(state: DisputeState): StepAction[] {
  return STEP_ACTIONS.filter((action) => {
    const level = action === 'escalated' ? escalationLevels(state.level)[0]! : state.level
    try {
      nextDisputeState('-', state, { action, level })
      return true
    } catch {
      return false
    }
  })
}

/**
 * The time a step is sent with: the moment the form was opened when the time was left as shown
 * (so a second note in the same minute is its own step), else the minute typed, in Shanghai time.
 * @example stepTime('2026-12-05T09:30', '2026-12-06T10:00', new Date('2026-12-06T02:00:30Z')) // '2026-12-05T09:30:00+08:00'
 * @example stepTime('2026-12-06T10:00', '2026-12-06T10:00', new Date('2026-12-06T02:00:30Z')) // '2026-12-06T02:00:30.000Z'
 */
export function stepTime(typed: string, shown: string, openedAt: Date): string {
  return typed === shown ? openedAt.toISOString() : `${typed}:00+08:00`
}

/**
 * The value of a `datetime-local` input for an instant, in Shanghai time.
 * @example localInputValue(new Date('2026-12-06T02:00:30Z')) // '2026-12-06T10:00'
 */
export function localInputValue(at: Date): string {
  return shanghaiMinute(at).replace(' ', 'T')
}

/**
 * The `POST /api/disputes/{id}/steps` body: an escalation at the level it goes to, every other
 * step at the case's level; an empty note left out.
 * @example stepBody('mediation', 'village', 'town', '2026-12-06T10:00:00+08:00', ' 双方到场 ') // { at: '2026-12-06T10:00:00+08:00', level: 'village', action: 'mediation', note: '双方到场' }
 */
export function stepBody(
  action: StepAction,
  caseLevel: DisputeLevel,
  escalateTo: DisputeLevel,
  at: string,
  note: string,
): { at: string; level: DisputeLevel; action: StepAction; note?: string } {
  const level = action === 'escalated' ? escalateTo : caseLevel
  return { at, level, action, ...(note.trim() ? { note: note.trim() } : {}) }
}

/**
 * A fresh Idempotency-Key: a random UUID (or 32 random hex digits where the page is not a secure
 * context and `crypto.randomUUID` is missing).
 * @example /^[0-9a-f-]{32,36}$/.test(newIdempotencyKey()) // true
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Whether a failed send should keep its Idempotency-Key for the next try: only when the server's
 * answer is unknown (no answer, or a 5xx it did not keep); an answered request (a 400 or 409,
 * kept by the server for its key) needs a new key once the form changes.
 * @example keepKeyAfter(new TypeError('Failed to fetch')) // true
 */
export function keepKeyAfter(err: unknown): boolean {
  return !(err instanceof ApiError) || err.status >= 500 || err.status === 429
}

const statusName = (s: DisputeStatus, lang?: Lang) => fullViewLabel('disputeStatus', s, lang)
const levelName = (l: DisputeLevel, lang?: Lang) => fullViewLabel('disputeLevel', l, lang)
const typeName = (t: string, lang?: Lang) => fullViewLabel('disputeType', t, lang)
const actionName = (a: DisputeAction, lang?: Lang) => D(`action.${a}`, {}, lang)

/**
 * What the page says after a step was sent: the step, its level and the case's status now.
 * @example stepResultText(true, { action: 'mediation', level: 'village' }, 'mediating', 'zh') // '已记录：调解（村调委会）；案件状态：调解中'
 */
export function stepResultText(
  added: boolean,
  step: { action: DisputeAction; level: DisputeLevel },
  status: DisputeStatus,
  lang?: Lang,
): string {
  return added
    ? D('d.recorded', { step: actionName(step.action, lang), level: levelName(step.level, lang), status: statusName(status, lang) }, lang)
    : D('d.again', { status: statusName(status, lang) }, lang)
}

/** Opens the disputes page. */
export const mount: PageMount = async (root, route, ctx) => {
  const canWrite = ctx.can('write')
  const canReveal = ctx.can('pii')
  const towns = await track(townOptions(ctx.me.user.areaCodes))
  const { filters, listHead, list, mapBox, detail } = splitLayout(root, { map: true })

  let params = route.params
  let selectedId = route.id
  const rows = pagedList(
    (cursor) => {
      const q = disputeQuery(params)
      if (cursor) q.set('cursor', cursor)
      return getJson(`/api/disputes?${q.toString()}`) as Promise<DisputePage>
    },
    (page) => page.features,
  )
  let miniMap: MiniMap | null = null
  let needFit = true
  let destroyed = false

  const filtersOnly = () => pickParams(params, FILTERS)
  const go = (id: string | null, nextParams: URLSearchParams = filtersOnly(), replace = false) =>
    ctx.navigate(deskPath({ page: 'disputes', id, params: nextParams }), { replace })

  // --- filters -----------------------------------------------------------------------------
  const renderFilters = () => {
    filters.replaceChildren(
      field(
        dt('f.status'),
        select(
          [[OPEN_DISPUTES, D('d.open')], ['all', dt('desk.all')], ...options(DisputeStatusSchema.options, (s) => statusName(s))],
          params.get('status') ?? OPEN_DISPUTES,
        ),
        'status',
      ),
      field(
        D('f.type'),
        select([['', dt('desk.all')], ...options(DisputeTypeSchema.options, (t) => typeName(t))], params.get('type') ?? ''),
        'type',
      ),
      field(
        D('f.level'),
        select([['', dt('desk.all')], ...options(DisputeLevelSchema.options, (l) => levelName(l))], params.get('level') ?? ''),
        'level',
      ),
      field(D('f.town'), select([['', dt('desk.all')], ...towns], params.get('area') ?? ''), 'area'),
    )
  }
  filters.addEventListener('change', () => {
    const out = new URLSearchParams()
    for (const name of FILTERS) {
      const v = (filters.elements.namedItem(name) as HTMLSelectElement | null)?.value ?? ''
      if (v && !(name === 'status' && v === OPEN_DISPUTES)) out.set(name, v)
    }
    go(selectedId, out, true)
  })

  // --- list and map ------------------------------------------------------------------------
  const renderMap = () => {
    if (!miniMap) return
    const features = miniFeatures(
      rows.items,
      { id: (d) => String(d.id), geometry: (d) => d.geometry, colour: (d) => DISPUTE_COLOURS[d.properties.status] },
      selectedId,
    )
    const fit = needFit && features.length > 0
    miniMap.setFeatures(features, fit)
    if (fit) needFit = false
  }

  const renderList = () => {
    const all = rows.total ?? rows.items.length
    listHead.textContent = all > rows.items.length ? D('d.countMore', { n: rows.items.length, total: all }) : D('d.count', { n: all })
    listHead.dataset.count = String(all)
    if (rows.items.length === 0) list.replaceChildren(el('p', 'desk-empty', dt('desk.empty')))
    else {
      list.replaceChildren(
        ...rows.items.map((d) => {
          const p = d.properties
          const row = el('a', `desk-row desk-row-main${String(d.id) === selectedId ? ' is-selected' : ''}`)
          row.setAttribute('role', 'listitem')
          row.href = deskPath({ page: 'disputes', id: String(d.id), params: filtersOnly() })
          row.dataset.id = String(d.id)
          row.dataset.case = p.caseId
          row.dataset.status = p.status
          row.append(
            swatch(DISPUTE_COLOURS[p.status], 'dot'),
            el('span', 'desk-row-title', `${p.caseId} · ${typeName(p.type)}`),
            el('span', 'desk-row-meta', `${statusName(p.status)} · ${levelName(p.level)} · ${p.address ?? D('d.unplaced')}`),
            el('span', 'desk-due', shanghaiDay(new Date(p.reportedAt))),
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
    if (!selectedId) return void detail.replaceChildren(el('p', 'desk-hint', D('d.pick')))
    const id = selectedId
    await showRecord<DisputeDetail>(
      detail,
      `/api/disputes/${encodeURIComponent(id)}`,
      () => id === selectedId && !destroyed,
      (d) => renderDetail(d, false),
    )
  }

  /** Reads the case again with its parties in full (the server checks `pii` and records the read); kept on the page only. */
  async function reveal(d: DisputeDetail, on: boolean): Promise<void> {
    const id = String(d.id)
    try {
      const full = (await getJson(`/api/disputes/${encodeURIComponent(id)}${on ? '?reveal=true' : ''}`)) as DisputeDetail
      if (id === selectedId && !destroyed) renderDetail(full, on)
    } catch (err) {
      ctx.toast(refusal(err), 'error')
    }
  }

  function renderDetail(d: DisputeDetail, revealed: boolean, result?: HTMLElement): void {
    const p = d.properties
    const head = el('header', 'desk-detail-head')
    head.dataset.id = String(d.id)
    head.dataset.status = p.status
    head.append(
      swatch(DISPUTE_COLOURS[p.status], 'dot'),
      el('h2', '', `${p.caseId} · ${typeName(p.type)}`),
      el('span', `desk-status desk-status--${p.status}`, statusName(p.status)),
    )
    const where = d.geometry
      ? `${p.address ?? ''}${p.address ? ' · ' : ''}${d.geometry.coordinates.map((c) => c.toFixed(6)).join(', ')}`
      : `${p.address ?? ''} ${D('d.unplaced')}`.trim()
    const sections: Node[] = [
      head,
      facts([
        [D('d.caseId'), p.caseId],
        [D('f.type'), typeName(p.type)],
        [dt('f.status'), statusName(p.status)],
        [D('f.level'), levelName(p.level)],
        [D('d.reportedAt'), formatTime(p.reportedAt)],
        ...(p.outcomeAt ? [[D('d.outcomeAt'), formatTime(p.outcomeAt)] as const] : []),
        ...(p.status === 'resolved' ? [[D('d.judicial'), p.judicialConfirmation ? D('d.judicialYes') : '—'] as const] : []),
        [D('d.address'), where],
        [D('d.area'), [p.townCode, p.villageCode, p.gridCode].filter(Boolean).join(' / ') || '—'],
      ]),
    ]
    if (p.summary) {
      const summary = el('section', 'desk-section desk-dispute-summary')
      summary.append(el('h3', '', D('d.summary')), el('p', 'desk-explanation', p.summary))
      sections.push(summary)
    }
    sections.push(partiesSection(d, revealed), incidentsSection(d), stepsSection(d))
    if (result) sections.push(result)
    if (canWrite) sections.push(stepForm(d))
    else sections.push(el('p', 'desk-hint', dt('desk.readOnly')))
    detail.replaceChildren(...sections)
  }

  function partiesSection(d: DisputeDetail, revealed: boolean): HTMLElement {
    const box = el('section', 'desk-section desk-dispute-parties')
    box.dataset.revealed = String(revealed)
    const h = el('h3', '', D('d.parties'))
    box.append(h)
    if (d.parties.length === 0) {
      box.append(el('p', 'desk-empty', D('d.noParties')))
      return box
    }
    const ul = el('ul', 'desk-dispute-party-list')
    for (const party of d.parties) {
      const li = el('li', 'desk-dispute-party')
      li.dataset.party = party.partyId
      li.append(
        el('span', 'desk-dispute-party-role', D(`role.${party.role}`)),
        el('span', 'desk-dispute-party-name', party.name ?? '—'),
        el('span', 'desk-dispute-party-phone', party.phone ?? '—'),
        el('span', 'desk-dispute-party-id', party.partyId),
      )
      ul.append(li)
    }
    box.append(ul, el('p', 'desk-hint', revealed ? D('d.partiesRevealed') : D('d.partiesMasked')))
    // Only callers with `pii` get the button; the full values live in this page's memory only.
    if (canReveal) {
      const b = button(revealed ? D('d.hide') : D('d.reveal'), 'plain', revealed ? 'hide' : 'reveal')
      b.addEventListener('click', () => void track(busy(box, () => reveal(d, !revealed))))
      box.append(b)
    }
    return box
  }

  function incidentsSection(d: DisputeDetail): HTMLElement {
    const box = el('section', 'desk-section desk-dispute-incidents')
    box.append(el('h3', '', D('d.incidents')))
    if (d.incidents.length === 0) box.append(el('p', 'desk-empty', '—'))
    else {
      const ul = el('ul', 'desk-dispute-incident-list')
      for (const i of d.incidents) {
        const li = el('li', '', `${i.incidentId} · ${i.category} · ${formatTime(i.reportedAt)}`)
        li.dataset.incident = i.incidentId
        ul.append(li)
      }
      box.append(ul)
    }
    return box
  }

  function stepsSection(d: DisputeDetail): HTMLElement {
    const box = el('section', 'desk-section desk-dispute-steps')
    box.append(el('h3', '', D('d.steps')))
    if (d.steps.length === 0) {
      box.append(el('p', 'desk-empty', D('d.noSteps')))
      return box
    }
    const ol = el('ol', 'desk-timeline')
    for (const s of d.steps) {
      const li = el('li', `desk-event desk-event--${s.action}`)
      li.dataset.action = s.action
      li.dataset.level = s.level
      li.dataset.step = String(s.id)
      li.append(
        el('time', '', formatTime(s.at)),
        el('span', 'desk-event-actor', s.actor),
        el('span', 'desk-event-what', `${actionName(s.action)} · ${levelName(s.level)}`),
      )
      if (s.note) li.append(el('p', 'desk-event-comment', s.note))
      ol.append(li)
    }
    box.append(ol)
    return box
  }

  function stepForm(d: DisputeDetail): HTMLFormElement {
    const p = d.properties
    const state: DisputeState = { status: p.status, level: p.level, judicialConfirmation: p.judicialConfirmation }
    const offered = allowedSteps(state)
    const form = el('form', 'desk-inline-form desk-dispute-step')
    form.dataset.form = 'dispute-step'
    const openedAt = new Date()
    const shown = localInputValue(openedAt)
    const action = select(
      offered.map((a) => [a, actionName(a)] as const),
      offered[0],
    )
    const escalate = select(escalationLevels(p.level).map((l) => [l, levelName(l)] as const))
    const escalateField = field(D('d.escalateTo'), escalate, 'escalate_to')
    const at = input('datetime-local', shown, { required: '', max: localInputValue(new Date(openedAt.getTime() + 3_600_000)) })
    const note = textarea('', 3)
    note.maxLength = 2000
    const message = el('p', 'desk-dispute-step-message')
    message.setAttribute('role', 'status')
    const save = button(D('d.save'), 'primary', 'record-step')
    save.type = 'submit'
    const showEscalate = () => (escalateField.style.display = action.value === 'escalated' ? '' : 'none')
    action.addEventListener('change', showEscalate)
    showEscalate()
    // One key per step being recorded: a resend of the same request is answered as before.
    let key = newIdempotencyKey()
    form.addEventListener('input', () => {
      key = newIdempotencyKey()
      message.textContent = ''
    })
    form.append(el('h3', '', D('d.nextStep')))
    if (['resolved', 'failed', 'withdrawn'].includes(p.status))
      form.append(el('p', 'desk-hint', D('d.final', { status: statusName(p.status) })))
    form.append(
      field(D('d.action'), action, 'action'),
      escalateField,
      field(D('d.at'), at, 'at'),
      field(D('d.note'), note, 'note'),
      save,
      message,
    )
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      const body = stepBody(
        action.value as StepAction,
        p.level,
        escalate.value as DisputeLevel,
        stepTime(at.value, shown, openedAt),
        note.value,
      )
      void track(
        busy(form, async () => {
          try {
            const out = (await sendJson('POST', `/api/disputes/${d.id}/steps`, body, { 'Idempotency-Key': key })) as DisputeDetail
            // A step sent before (the same time and action) is answered as it stands: nothing added.
            const added = out.steps.length > d.steps.length
            const result = el('p', 'desk-dispute-result', stepResultText(added, body, out.properties.status))
            result.setAttribute('role', 'status')
            result.dataset.status = out.properties.status
            if (String(out.id) === selectedId && !destroyed) renderDetail(out, false, result)
            ctx.toast(result.textContent ?? '')
            await load()
          } catch (err) {
            if (!keepKeyAfter(err)) key = newIdempotencyKey()
            message.textContent = D('d.refused', { why: refusal(err) })
            message.className = 'desk-dispute-step-message desk-error'
            message.setAttribute('role', 'alert')
          }
        }),
      )
    })
    return form
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
    filterKey: (p) => disputeQuery(p).toString(),
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
