/**
 * Rectification tasks (整改任务): "mine / my team's / my area's / all"; each task's every legal next
 * step with its comment (a return must say why), due-date changes recorded, overdue ones marked,
 * and the full history as a timeline.
 */
import {
  type Task,
  TASK_COMMENT_REQUIRED,
  TASK_TRANSITIONS,
  type TaskDetail,
  type TaskPage,
  type TaskStatus,
} from '../../../../server/shared/api.ts'
import { uploadFiles } from '../../api/attachments.ts'
import { getJson, sendJson } from '../../api/client.ts'
import { el, facts } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import { timeline, type TimelineEvent } from '../../ui/timeline.ts'
import { assigneeOptions } from '../assignees.ts'
import type { DeskContext, PageMount } from '../context.ts'
import { button, field, inlineForm, input, refusal, select, textarea } from '../form.ts'
import { gallery, photoInput } from '../photos.ts'
import { deskPath } from '../routes.ts'
import { showRecord, splitLayout, splitView } from '../split.ts'
import { dt } from '../strings.ts'

export const TASK_TABS = ['mine', 'team', 'area', 'all'] as const
export type TaskTab = (typeof TASK_TABS)[number]

/**
 * The API query of a tab: mine = assigned to me, team = my team's, area = my areas' (row-level
 * security already limits scoped staff to them; district staff pick an area), all = no filter.
 * @example taskQuery('mine', new URLSearchParams('overdue=true')).toString() // 'assignee=me&overdue=true&sort=due&limit=200'
 */
export function taskQuery(tab: TaskTab, params: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams()
  if (tab === 'mine') q.set('assignee', 'me')
  if (tab === 'team') q.set('team', 'mine')
  const area = params.get('area')
  if (tab === 'area' && area) q.set('area', area)
  const status = params.get('status')
  if (status) q.set('status', status)
  if (params.get('overdue') === 'true') q.set('overdue', 'true')
  q.set('sort', 'due')
  q.set('limit', '200')
  return q
}

/**
 * Overdue first, then the nearest due date, then the newest.
 * @example sortTasks([{ overdue: false, dueDate: '2026-12-01', id: 1 }, { overdue: true, dueDate: '2026-12-09', id: 2 }]).map((t) => t.id) // [2, 1]
 */
export function sortTasks<T extends Pick<Task, 'overdue' | 'dueDate' | 'id'>>(tasks: readonly T[]): T[] {
  return [...tasks].sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueDate.localeCompare(b.dueDate) || b.id - a.id)
}

const statusName = (s: string) => dt(`status.${s}` as 'status.issued')

/** The tab a caller starts on: their own tasks for staff in an area, all of them for the district. */
function defaultTab(ctx: DeskContext): TaskTab {
  return ctx.me.user.role === 'town' || ctx.me.user.role === 'grid' ? 'mine' : 'all'
}

export const mount: PageMount = async (root, route, ctx) => {
  const canWrite = ctx.can('write')
  const { filters: tools, listHead, list, detail, left } = splitLayout(root, { map: false, filtersInList: true })
  const tabs = el('nav', 'desk-tabs')
  left.prepend(tabs)

  let params = route.params
  let selectedId = route.id
  let items: Task[] = []
  let destroyed = false
  const tabOf = (p: URLSearchParams): TaskTab => {
    const t = p.get('tab')
    return (TASK_TABS as readonly string[]).includes(t ?? '') ? (t as TaskTab) : defaultTab(ctx)
  }

  const renderTools = () => {
    const tab = tabOf(params)
    tabs.replaceChildren(
      ...TASK_TABS.map((t) => {
        const a = el('a', `desk-tab${t === tab ? ' is-active' : ''}`, dt(`t.tab${t[0]!.toUpperCase()}${t.slice(1)}` as 't.tabMine'))
        const next = new URLSearchParams(params)
        next.set('tab', t)
        a.href = deskPath({ page: 'tasks', params: next })
        a.dataset.tab = t
        if (t === tab) a.setAttribute('aria-current', 'true')
        return a
      }),
    )
    const overdue = input('checkbox')
    overdue.checked = params.get('overdue') === 'true'
    overdue.addEventListener('change', () => {
      const next = new URLSearchParams(params)
      if (overdue.checked) next.set('overdue', 'true')
      else next.delete('overdue')
      ctx.navigate(deskPath({ page: 'tasks', id: selectedId, params: next }), { replace: true })
    })
    const label = el('label', 'desk-chip')
    label.append(overdue, el('span', '', dt('t.overdueOnly')))
    tools.replaceChildren(label)
  }

  const renderList = () => {
    listHead.textContent = dt('t.count', { n: items.length })
    if (items.length === 0) return void list.replaceChildren(el('p', 'desk-empty', dt('desk.empty')))
    list.replaceChildren(
      ...items.map((t) => {
        const row = el('a', `desk-row desk-row-main${t.overdue ? ' is-overdue' : ''}${String(t.id) === selectedId ? ' is-selected' : ''}`)
        row.setAttribute('role', 'listitem')
        row.href = deskPath({ page: 'tasks', id: String(t.id), params })
        row.dataset.id = String(t.id)
        row.dataset.status = t.status
        row.append(
          el('span', 'desk-row-title', `#${t.id} ${t.title}`),
          el('span', 'desk-row-meta', `${statusName(t.status)} · ${t.assigneeTeam} · ${t.areaName}`),
          el(
            'span',
            `desk-due${t.overdue ? ' is-overdue' : ''}`,
            t.overdue ? `${dt('t.overdue')} ${t.dueDate}` : dt('t.dueIn', { day: t.dueDate }),
          ),
        )
        return row
      }),
    )
  }

  async function load(): Promise<void> {
    list.replaceChildren(el('p', 'desk-loading', dt('desk.loading')))
    try {
      const page = (await getJson(`/api/tasks?${taskQuery(tabOf(params), params).toString()}`)) as TaskPage
      items = sortTasks(page.items)
      renderList()
    } catch (err) {
      list.replaceChildren(el('p', 'desk-error', `${dt('desk.failed')}: ${refusal(err)}`))
    }
  }

  async function showDetail(): Promise<void> {
    if (!selectedId) return void detail.replaceChildren(el('p', 'desk-hint', dt('t.pick')))
    const id = selectedId
    await showRecord<TaskDetail>(detail, `/api/tasks/${encodeURIComponent(id)}`, () => id === selectedId && !destroyed, renderDetail)
  }

  function renderDetail(t: TaskDetail): void {
    const head = el('header', 'desk-detail-head')
    head.dataset.id = String(t.id)
    head.append(el('h2', '', `#${t.id} ${t.title}`), el('span', `desk-status desk-status--${t.status}`, statusName(t.status)))
    if (t.overdue) head.append(el('span', 'desk-due is-overdue', dt('t.overdue')))
    const origin: Node =
      t.warningId !== null
        ? Object.assign(el('a', 'desk-link', dt('t.fromWarning', { id: t.warningId })), {
            href: deskPath({ page: 'warnings', id: String(t.warningId) }),
          })
        : t.hazardId !== null
          ? Object.assign(el('a', 'desk-link', dt('t.fromHazard', { id: t.hazardId })), {
              href: deskPath({ page: 'hazards', id: String(t.hazardId) }),
            })
          : document.createTextNode('—')
    const sections: Node[] = [
      head,
      facts([
        [dt('t.status'), statusName(t.status)],
        [dt('t.team'), t.assigneeTeam],
        [dt('t.person'), t.assigneeName ?? '—'],
        [dt('f.area'), `${t.areaName} (${t.areaCode})`],
        [dt('t.due'), t.dueDate],
        [dt('t.source'), origin],
      ]),
    ]
    if (t.description) sections.push(el('p', 'desk-explanation', t.description))
    if (canWrite) sections.push(moves(t))
    else sections.push(el('p', 'desk-hint', dt('desk.readOnly')))
    const history = el('section', 'desk-section')
    // Each event shows the photos and files that came with it.
    const photosOf = (e: TimelineEvent) => {
      const mine = t.attachments.filter((a) => a.eventId === e.id)
      return mine.length ? gallery(mine.map((a) => ({ href: a.url, thumb: a.thumbnailUrl, name: a.filename ?? a.id.slice(0, 8) }))) : null
    }
    history.append(el('h3', '', dt('t.history')), timeline(t.history, statusName, photosOf))
    sections.push(history)
    detail.replaceChildren(...sections)
  }

  async function afterChange(next: TaskDetail): Promise<void> {
    renderDetail(next)
    await load()
  }

  function moves(t: TaskDetail): HTMLElement {
    const box = el('div', 'desk-actions')
    for (const to of TASK_TRANSITIONS[t.status]) {
      const b = button(dt(`move.${to}` as 'move.accepted'), to === 'returned' ? 'danger' : 'primary', `move-${to}`)
      b.addEventListener('click', () => box.after(moveForm(t, to)))
      box.append(b)
    }
    if (t.status !== 'closed') {
      const due = button(dt('t.changeDue'), 'plain', 'change-due')
      due.addEventListener('click', () => box.after(dueForm(t)))
      const assign = button(dt('t.reassign'), 'plain', 'reassign')
      assign.addEventListener('click', () => void track(assignForm(t).then((f) => box.after(f))))
      box.append(due, assign)
    }
    return box
  }

  function moveForm(t: TaskDetail, to: TaskStatus): HTMLFormElement {
    const required = TASK_COMMENT_REQUIRED.includes(to)
    const comment = textarea('', 3)
    comment.required = required
    const photos = photoInput()
    const fields = [field(dt(required ? 't.commentRequired' : 't.comment'), comment, 'comment'), field(dt('t.photos'), photos, 'photos')]
    const confirm = { text: dt(`move.${to}` as 'move.accepted'), kind: to === 'returned' ? ('danger' as const) : ('primary' as const) }
    return inlineForm(
      detail,
      `move-${to}`,
      fields,
      confirm,
      async () => {
        const text = comment.value.trim()
        if (required && !text) throw new Error(dt('w.reasonMissing'))
        const attachments = await uploadFiles(photos.files)
        const body = { to, ...(text ? { comment: text } : {}), ...(attachments.length ? { attachments } : {}) }
        await afterChange((await sendJson('POST', `/api/tasks/${t.id}/transitions`, body)) as TaskDetail)
      },
      ctx.toast,
    )
  }

  function dueForm(t: TaskDetail): HTMLFormElement {
    const due = input('date', t.dueDate, { required: '' })
    const comment = textarea('', 2)
    const fields = [field(dt('t.due'), due, 'due_date'), field(dt('t.comment'), comment, 'comment')]
    return inlineForm(
      detail,
      'change-due',
      fields,
      { text: dt('t.changeDueSave') },
      async () => {
        const body = { due_date: due.value, ...(comment.value.trim() ? { comment: comment.value.trim() } : {}) }
        await afterChange((await sendJson('PATCH', `/api/tasks/${t.id}`, body)) as TaskDetail)
      },
      ctx.toast,
    )
  }

  async function assignForm(t: TaskDetail): Promise<HTMLFormElement> {
    const people = await assigneeOptions(t.areaCode)
    const person = select([['', dt('t.nobody')], ...people], t.assigneeUserId ?? '')
    const team = input('text', t.assigneeTeam, { maxlength: '200', required: '' })
    const comment = textarea('', 2)
    const fields = [
      field(dt('t.person'), person, 'assignee_user'),
      field(dt('t.team'), team, 'assignee_team'),
      field(dt('t.comment'), comment, 'comment'),
    ]
    return inlineForm(
      detail,
      'reassign',
      fields,
      { text: dt('t.reassignSave') },
      async () => {
        const body: Record<string, string | null> = {}
        if ((person.value || null) !== t.assigneeUserId) body.assignee_user = person.value || null
        if (team.value.trim() !== t.assigneeTeam) body.assignee_team = team.value.trim()
        if (Object.keys(body).length === 0) return void detail.querySelector('.desk-inline-form')?.remove()
        if (comment.value.trim()) body.comment = comment.value.trim()
        await afterChange((await sendJson('PATCH', `/api/tasks/${t.id}`, body)) as TaskDetail)
      },
      ctx.toast,
    )
  }

  // Tasks given out or moved elsewhere show up without a reload (a second's grace for bursts).
  let pendingReload: ReturnType<typeof setTimeout> | undefined
  const reloadSoon = () => {
    clearTimeout(pendingReload)
    pendingReload = setTimeout(() => void track(load()), 1000)
  }
  const stops = [ctx.onLive('task.assigned', reloadSoon), ctx.onLive('task', reloadSoon)]

  renderTools()
  await track(Promise.all([load(), showDetail()]))

  return splitView({
    current: () => ({ params, id: selectedId }),
    set(next) {
      params = next.params
      selectedId = next.id
    },
    renderFilters: renderTools,
    load,
    renderList,
    showDetail,
    destroy() {
      destroyed = true
      clearTimeout(pendingReload)
      stops.forEach((stop) => stop())
    },
  })
}
