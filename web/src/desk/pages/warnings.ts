/**
 * The warnings inbox (预警): the list and the map side by side, filtered by colour, model, area,
 * state and age; a warning's explanation, statistics, nearby incidents, tasks and history; and its
 * actions — acknowledge, dispatch a task (prefilled from the warning), resolve or dismiss with a
 * reason — one at a time or, for the many yellow ones, in bulk.
 */
import type { Geometry } from 'geojson'

import type { IncidentPage, Task, WarningDetail, WarningFeature, WarningPage } from '../../../../server/shared/api.ts'
import { addDays } from '../../../../server/shared/time.ts'
import { getJson, sendJson } from '../../api/client.ts'
import { WARNING_COLOURS, type WarningLevel } from '../../map/legend.ts'
import { el, facts, formatTime, swatch } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import { featureBounds, miniFeatures, type MiniMap } from '../../ui/minimap.ts'
import { timeline } from '../../ui/timeline.ts'
import { assigneeOptions } from '../assignees.ts'
import type { PageMount } from '../context.ts'
import { busy, button, field, inlineForm, input, refusal, select, textarea, townOptions } from '../form.ts'
import { deskPath } from '../routes.ts'
import { openMiniMap, showRecord, splitLayout, splitView } from '../split.ts'
import { dt } from '../strings.ts'

const LEVELS = ['red', 'orange', 'yellow'] as const
const OPEN = 'new,acknowledged,tasked'
const STATUSES = ['new', 'acknowledged', 'tasked', 'resolved', 'expired'] as const
const AGES = ['1', '7', '30', 'old'] as const

/**
 * The API query of the inbox's filters (the page's own query string): `status` defaults to the
 * open states, `age` becomes a `from` (or, for "older than 30 days", a `to`).
 * @example warningQuery(new URLSearchParams('level=red&age=7'), new Date('2026-12-06T00:00:00Z')).toString() // 'status=new%2Cacknowledged%2Ctasked&level=red&from=2026-11-29T00%3A00%3A00.000Z&limit=200'
 */
export function warningQuery(params: URLSearchParams, now: Date): URLSearchParams {
  const q = new URLSearchParams()
  const status = params.get('status') ?? OPEN
  if (status && status !== 'all') q.set('status', status)
  for (const k of ['level', 'model', 'area']) {
    const v = params.get(k)
    if (v) q.set(k, v)
  }
  const age = params.get('age')
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString()
  if (age === 'old') q.set('to', daysAgo(30))
  else if (age && /^\d+$/.test(age)) q.set('from', daysAgo(Number(age)))
  q.set('limit', '200')
  return q
}

/** The warning's colour on the desk. */
const colourOf = (level: string) => WARNING_COLOURS[level as WarningLevel] ?? '#999999'

interface ModelItem {
  id: string
  definition: { name: string }
}
/** Opens the inbox. */
export const mount: PageMount = async (root, route, ctx) => {
  const canWrite = ctx.can('write')
  const [models, towns] = await track(
    Promise.all([
      getJson('/api/models').then((v) => ((v as { items?: ModelItem[] }).items ?? []).map((m) => [m.id, m.definition.name] as const)),
      townOptions(ctx.me.user.areaCodes),
    ]),
  )

  const { filters, listHead, list, mapBox, detail } = splitLayout(root, { map: true })
  const bulk = el('div', 'desk-bulk')
  listHead.after(bulk)

  let params = route.params
  let selectedId = route.id
  let items: WarningFeature[] = []
  const chosen = new Set<number>()
  let miniMap: MiniMap | null = null
  let destroyed = false

  // --- filters -----------------------------------------------------------------------------
  const renderFilters = () => {
    const levelBox = el('fieldset', 'desk-chips')
    levelBox.append(el('legend', '', dt('f.level')))
    const on = new Set((params.get('level') ?? '').split(',').filter(Boolean))
    for (const l of LEVELS) {
      const label = el('label', 'desk-chip')
      const c = input('checkbox', l)
      c.checked = on.has(l)
      c.name = 'level'
      label.append(c, swatch(colourOf(l), 'dot'), el('span', '', dt(`level.${l}`)))
      levelBox.append(label)
    }
    filters.replaceChildren(
      levelBox,
      field(dt('f.model'), select([['', dt('desk.all')], ...models], params.get('model') ?? ''), 'model'),
      field(dt('f.area'), select([['', dt('desk.all')], ...towns], params.get('area') ?? ''), 'area'),
      field(
        dt('f.status'),
        select(
          [[OPEN, dt('f.open')], ['all', dt('desk.all')], ...STATUSES.map((s) => [s, dt(`wstatus.${s}`)] as const)],
          params.get('status') ?? OPEN,
        ),
        'status',
      ),
      field(dt('f.age'), select([['', dt('desk.all')], ...AGES.map((a) => [a, dt(`age.${a}`)] as const)], params.get('age') ?? ''), 'age'),
    )
  }
  filters.addEventListener('change', () => {
    const next = new URLSearchParams()
    const levels = [...filters.querySelectorAll<HTMLInputElement>('input[name=level]:checked')].map((c) => c.value)
    if (levels.length) next.set('level', levels.join(','))
    for (const name of ['model', 'area', 'status', 'age']) {
      const v = (filters.elements.namedItem(name) as HTMLSelectElement | null)?.value ?? ''
      if (v && !(name === 'status' && v === OPEN)) next.set(name, v)
    }
    ctx.navigate(deskPath({ page: 'warnings', id: selectedId, params: next }), { replace: true })
  })

  // --- list --------------------------------------------------------------------------------
  const renderBulk = () => {
    bulk.replaceChildren()
    if (!canWrite) return
    const yellow = items.filter(
      (w) => w.properties.level === 'yellow' && w.properties.status !== 'resolved' && w.properties.status !== 'expired',
    )
    const all = button(dt('w.selectYellow'), 'plain', 'select-yellow')
    all.disabled = yellow.length === 0
    all.addEventListener('click', () => {
      yellow.forEach((w) => chosen.add(w.id))
      renderList()
    })
    bulk.append(all)
    if (chosen.size === 0) return
    const reason = input('text', '', { placeholder: dt('w.reason'), 'aria-label': dt('w.reason') })
    reason.name = 'bulk-reason'
    const ack = button(dt('w.bulkAck'), 'plain', 'bulk-acknowledge')
    const resolve = button(dt('w.bulkResolve'), 'primary', 'bulk-resolve')
    const run = async (to: 'acknowledged' | 'resolved') => {
      const text = reason.value.trim()
      if (to === 'resolved' && text.length < 2) {
        ctx.toast(dt('w.reasonMissing'), 'error')
        reason.focus()
        return
      }
      let ok = 0
      const failed: string[] = []
      // One at a time, in list order: each goes through the warning's own rules.
      for (const id of [...chosen]) {
        try {
          await sendJson('POST', `/api/warnings/${id}/transitions`, to === 'resolved' ? { to, comment: text, reason: text } : { to })
          ok++
          chosen.delete(id)
        } catch (err) {
          failed.push(`#${id}: ${refusal(err)}`)
        }
      }
      ctx.toast(
        dt('w.bulkDone', { ok, failed: failed.length }) + (failed.length ? `\n${failed.join('\n')}` : ''),
        failed.length ? 'error' : 'ok',
      )
      await load()
    }
    ack.addEventListener('click', () => void track(busy(bulk, () => run('acknowledged'))))
    resolve.addEventListener('click', () => void track(busy(bulk, () => run('resolved'))))
    bulk.append(el('span', 'desk-bulk-count', dt('w.selected', { n: chosen.size })), ack, reason, resolve)
  }

  const renderList = () => {
    listHead.textContent = dt('w.count', { n: items.length })
    if (items.length === 0) list.replaceChildren(el('p', 'desk-empty', dt('desk.empty')))
    else
      list.replaceChildren(
        ...items.map((w) => {
          const p = w.properties
          const row = el('div', `desk-row${String(w.id) === selectedId ? ' is-selected' : ''}`)
          row.setAttribute('role', 'listitem')
          row.dataset.id = String(w.id)
          row.dataset.level = p.level
          row.dataset.status = p.status
          if (canWrite) {
            const c = input('checkbox')
            c.checked = chosen.has(w.id)
            c.setAttribute('aria-label', `#${w.id}`)
            c.addEventListener('change', () => {
              if (c.checked) chosen.add(w.id)
              else chosen.delete(w.id)
              renderBulk()
            })
            row.append(c)
          }
          const a = el('a', 'desk-row-main')
          a.href = deskPath({ page: 'warnings', id: String(w.id), params })
          a.append(
            swatch(colourOf(p.level), 'dot'),
            el('span', 'desk-row-title', p.title),
            el('span', 'desk-row-meta', `${p.modelName} · ${dt(`wstatus.${p.status}`)} · ${formatTime(p.lastTriggeredAt)}`),
          )
          row.append(a)
          return row
        }),
      )
    renderBulk()
    miniMap?.setFeatures(
      miniFeatures(
        items,
        { id: (w) => String(w.id), geometry: (w) => w.geometry as Geometry, colour: (w) => colourOf(w.properties.level) },
        selectedId,
      ),
    )
  }

  async function load(): Promise<void> {
    list.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
    try {
      const page = (await getJson(`/api/warnings?${warningQuery(params, new Date()).toString()}`)) as WarningPage
      items = page.features
      for (const id of [...chosen]) if (!items.some((w) => w.id === id)) chosen.delete(id)
      renderList()
    } catch (err) {
      list.replaceChildren(el('p', 'desk-error', `${dt('desk.failed')}: ${refusal(err)}`))
    }
  }

  // --- detail ------------------------------------------------------------------------------
  async function showDetail(): Promise<void> {
    if (!selectedId) {
      detail.replaceChildren(el('p', 'desk-hint', dt('w.pick')))
      return
    }
    const id = selectedId
    await showRecord<WarningDetail>(
      detail,
      `/api/warnings/${encodeURIComponent(id)}`,
      () => id === selectedId && !destroyed,
      (w) => {
        renderDetail(w)
        // From the map's "dispatch" button: the form opens at once.
        if (params.get('do') === 'dispatch') detail.querySelector<HTMLButtonElement>('[data-action="dispatch"]')?.click()
        void track(relatedIncidents(w))
      },
    )
  }

  const incidentsBox = el('section', 'desk-section')
  function renderDetail(w: WarningDetail): void {
    const p = w.properties
    const head = el('header', 'desk-detail-head')
    head.dataset.id = String(w.id)
    head.append(
      swatch(colourOf(p.level), 'dot'),
      el('h2', '', p.title),
      el('span', `desk-status desk-status--${p.status}`, dt(`wstatus.${p.status}`)),
    )
    const sections: Node[] = [
      head,
      facts([
        [dt('f.level'), dt(`level.${p.level}` as 'level.red')],
        [dt('f.model'), `${p.modelName} (v${p.modelVersion})`],
        [dt('f.area'), [p.townCode, p.villageCode, p.gridCode].filter(Boolean).join(' / ') || '—'],
        [dt('w.firstSeen'), formatTime(p.firstTriggeredAt)],
        [dt('w.lastSeen'), formatTime(p.lastTriggeredAt)],
        [dt('w.triggers'), String(p.triggerCount)],
      ]),
    ]
    if (canWrite) sections.push(actions(w))
    else sections.push(el('p', 'desk-hint', dt('desk.readOnly')))
    const explanation = el('section', 'desk-section')
    explanation.append(el('h3', '', dt('w.explanation')), el('p', 'desk-explanation', p.explanation))
    sections.push(explanation)
    const metrics = Object.entries(p.metrics).filter(([, v]) => typeof v !== 'object' || v === null || Array.isArray(v))
    if (metrics.length) {
      const m = el('section', 'desk-section desk-metrics')
      m.append(el('h3', '', dt('w.metrics')), facts(metrics.map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)] as const)))
      sections.push(m)
    }
    incidentsBox.replaceChildren(el('h3', '', dt('w.incidents')), el('p', 'desk-loading', dt('desk.loading')))
    sections.push(incidentsBox)
    const tasks = el('section', 'desk-section desk-warning-tasks')
    tasks.append(el('h3', '', dt('w.tasks')))
    const taskList = w.tasks as Task[]
    if (taskList.length === 0) tasks.append(el('p', 'desk-empty', '—'))
    for (const t of taskList) {
      const a = el('a', 'desk-link', `#${t.id} ${t.title} · ${dt(`status.${t.status}`)} · ${t.assigneeTeam}`)
      a.href = deskPath({ page: 'tasks', id: String(t.id) })
      tasks.append(el('div', '', undefined), a)
    }
    sections.push(tasks)
    const history = el('section', 'desk-section')
    history.append(
      el('h3', '', dt('w.history')),
      timeline(w.history, (s) => dt(`wstatus.${s}` as 'wstatus.new')),
    )
    sections.push(history)
    const onMap = el('a', 'desk-link', dt('desk.openOnMap'))
    onMap.href = `/#s=warning:${w.id}`
    sections.push(onMap)
    detail.replaceChildren(...sections)
  }

  async function relatedIncidents(w: WarningDetail): Promise<void> {
    const b = featureBounds([w.geometry as Geometry])
    if (!b) return void incidentsBox.replaceChildren(el('h3', '', dt('w.incidents')), el('p', 'desk-empty', '—'))
    // A point warning's incidents lie within ~150 m of it; an area warning's inside its box.
    const pad = b[0] === b[2] ? 0.0015 : 0
    const windowDays = typeof w.properties.metrics.windowDays === 'number' ? w.properties.metrics.windowDays : 28
    const to = new Date(w.properties.lastTriggeredAt)
    const from = new Date(`${addDays(to.toISOString().slice(0, 10), -windowDays)}T00:00:00+08:00`)
    const q = new URLSearchParams({
      bbox: [b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad].map((n) => n.toFixed(6)).join(','),
      from: from.toISOString(),
      to: new Date(to.getTime() + 1000).toISOString(),
      limit: '20',
    })
    try {
      const page = (await getJson(`/api/incidents?${q.toString()}`)) as IncidentPage
      const rows = page.features.map((f) =>
        el('li', '', `${formatTime(f.properties.reportedAt)} · ${f.properties.categoryName} · ${f.properties.address ?? '—'}`),
      )
      const ul = el('ul', 'desk-incidents')
      ul.append(...rows)
      incidentsBox.replaceChildren(el('h3', '', dt('w.incidents')), rows.length ? ul : el('p', 'desk-empty', '—'))
    } catch (err) {
      incidentsBox.replaceChildren(el('h3', '', dt('w.incidents')), el('p', 'desk-error', refusal(err)))
    }
  }

  function actions(w: WarningDetail): HTMLElement {
    const p = w.properties
    const box = el('div', 'desk-actions')
    const open = p.status === 'new' || p.status === 'acknowledged' || p.status === 'tasked'
    if (!open) return box
    const transition = async (body: Record<string, string>) => {
      try {
        renderDetail((await sendJson('POST', `/api/warnings/${w.id}/transitions`, body)) as WarningDetail)
        void track(relatedIncidents(w))
        await load()
      } catch (err) {
        ctx.toast(refusal(err), 'error')
      }
    }
    if (p.status === 'new') {
      const ack = button(dt('w.acknowledge'), 'plain', 'acknowledge')
      ack.addEventListener('click', () => void track(busy(box, () => transition({ to: 'acknowledged' }))))
      box.append(ack)
    }
    if (p.status !== 'tasked') {
      const dispatch = button(dt('w.dispatch'), 'primary', 'dispatch')
      dispatch.addEventListener('click', () => box.after(dispatchForm(w)))
      box.append(dispatch)
    }
    for (const kind of ['resolve', 'dismiss'] as const) {
      const b = button(dt(`w.${kind}`), kind === 'dismiss' ? 'danger' : 'plain', kind)
      b.addEventListener('click', () => box.after(reasonForm(kind, transition)))
      box.append(b)
    }
    return box
  }

  function reasonForm(kind: 'resolve' | 'dismiss', transition: (body: Record<string, string>) => Promise<void>): HTMLFormElement {
    const reason = textarea('', 2)
    reason.required = true
    reason.minLength = 2
    const confirm = {
      text: dt(`w.${kind}`),
      kind: kind === 'dismiss' ? ('danger' as const) : ('primary' as const),
      action: `confirm-${kind}`,
    }
    return inlineForm(
      detail,
      kind,
      [field(dt('w.reason'), reason, 'reason')],
      confirm,
      async () => {
        const text = reason.value.trim()
        if (text.length < 2) throw new Error(dt('w.reasonMissing'))
        const comment = kind === 'dismiss' ? `${dt('w.dismissPrefix', {}, 'zh')}${text}` : text
        // `reason` also lets a resolve override a task still open (recorded in the history).
        await transition({ to: 'resolved', comment, reason: comment })
      },
      ctx.toast,
    )
  }

  function dispatchForm(w: WarningDetail): HTMLFormElement {
    const p = w.properties
    const area = p.gridCode ?? p.villageCode ?? p.townCode ?? ''
    const title = input('text', `处置预警：${p.title}`.slice(0, 200), { maxlength: '200', required: '' })
    const description = textarea(p.explanation, 3)
    const areaCode = input('text', area, { pattern: '\\d{6,20}', required: '' })
    const team = input('text', '', { maxlength: '200', placeholder: `${area}…平安办` })
    // Who in the area the task may go to in person (filled in when the list arrives).
    const person = select([['', dt('t.nobody')]], '')
    const people = (code: string) =>
      void track(
        assigneeOptions(code).then(
          (options) => person.replaceChildren(...select([['', dt('t.nobody')], ...options], '').options),
          () => person.replaceChildren(...select([['', dt('t.nobody')]], '').options),
        ),
      )
    people(area)
    areaCode.addEventListener('change', () => people(areaCode.value))
    const due = input('date', addDays(ctx.today, 7), { required: '', min: ctx.today })
    const comment = textarea('', 2)
    const fields = [
      field(dt('t.title'), title, 'title'),
      field(dt('t.description'), description, 'description'),
      field(dt('t.area'), areaCode, 'area_code'),
      field(dt('t.team'), team, 'assignee_team'),
      field(dt('t.person'), person, 'assignee_user'),
      field(dt('t.due'), due, 'due_date'),
      field(dt('t.comment'), comment, 'comment'),
    ]
    const form = inlineForm(
      detail,
      'dispatch',
      fields,
      { text: dt('t.submitDispatch'), action: 'confirm-dispatch' },
      async () => {
        const body: Record<string, string> = {
          title: title.value,
          description: description.value,
          area_code: areaCode.value,
          due_date: due.value,
        }
        if (team.value.trim()) body.assignee_team = team.value.trim()
        if (person.value) body.assignee_user = person.value
        if (comment.value.trim()) body.comment = comment.value.trim()
        const out = (await sendJson('POST', `/api/warnings/${w.id}/tasks`, body)) as { task: Task; warning: WarningDetail }
        ctx.toast(dt('w.dispatched', { id: out.task.id }))
        renderDetail(out.warning)
        void track(relatedIncidents(out.warning))
        await load()
      },
      ctx.toast,
    )
    form.classList.add('desk-dispatch')
    return form
  }

  // --- start -------------------------------------------------------------------------------
  renderFilters()
  void openMiniMap(
    mapBox,
    () => destroyed,
    (m) => {
      miniMap = m
      m.onPick((id) => ctx.navigate(deskPath({ page: 'warnings', id, params })))
      renderList()
    },
  )
  await track(Promise.all([load(), showDetail()]))

  return splitView({
    current: () => ({ params, id: selectedId }),
    set(next) {
      params = next.params
      selectedId = next.id
    },
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
