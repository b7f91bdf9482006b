/**
 * Today (今日): the worker's open tasks — the overdue first, then the nearest to where they stand —
 * with a count on the tab. New assignments reload it live; offline it shows the last copy.
 */
import type { Task, TaskPage } from '../../../../server/shared/api.ts'
import { getLang } from '../../i18n/i18n.ts'
import { el } from '../../ui/dom.ts'
import { track } from '../../ui/idle.ts'
import { getCached, type MPage } from '../app.ts'
import { currentPosition, distanceText, metresBetween, orderTasks } from '../geo.ts'
import { mt } from '../strings.ts'

const STATUS: Record<string, { zh: string; en: string }> = {
  issued: { zh: '待签收', en: 'To accept' },
  accepted: { zh: '已签收', en: 'Accepted' },
  in_progress: { zh: '整改中', en: 'In progress' },
  submitted: { zh: '待审核', en: 'Submitted' },
  returned: { zh: '已退回', en: 'Returned' },
  closed: { zh: '已销号', en: 'Closed' },
}
/** A task status in words. */
export const statusText = (s: string): string => STATUS[s]?.[getLang()] ?? s

/** Whole days since a day (for "overdue by"). */
const daysSince = (day: string) => Math.max(1, Math.floor((Date.now() - Date.parse(`${day}T00:00:00+08:00`)) / 86_400_000))

export const mount: MPage = async (root, _params, app) => {
  const list = el('ul', 'm-list')
  const note = el('p', 'm-note')
  root.append(note, list)
  let here: [number, number] | null = null

  const draw = (tasks: Task[]) => {
    const open = orderTasks(
      tasks.filter((t) => t.status !== 'closed'),
      here,
    )
    app.setBadge(open.filter((t) => t.status !== 'submitted').length)
    if (open.length === 0) return void list.replaceChildren(el('li', 'm-empty', mt('none')))
    list.replaceChildren(
      ...open.map((t) => {
        const li = el('li', `m-item${t.overdue ? ' is-overdue' : ''}`)
        const a = el('a', 'm-item-link')
        a.href = `/m/task/${t.id}`
        a.dataset.id = String(t.id)
        const d = here ? distanceText(metresBetween(here, [t.lng, t.lat])) : null
        a.append(
          el('span', 'm-item-title', t.title),
          el('span', 'm-item-meta', `${statusText(t.status)} · ${t.areaName}${d ? ` · ${'m' in d ? mt('metres', d) : mt('km', d)}` : ''}`),
          el(
            'span',
            `m-item-due${t.overdue ? ' is-overdue' : ''}`,
            t.overdue ? mt('overdue', { n: daysSince(t.dueDate) }) : mt('due', { day: t.dueDate }),
          ),
        )
        li.append(a)
        return li
      }),
    )
  }

  let tasks: Task[] = []
  const load = async () => {
    try {
      // Row-level security gives a grid worker their grids' tasks, a town officer their town's.
      const got = await getCached<TaskPage>('/api/tasks?sort=due&limit=200&status=issued,accepted,in_progress,submitted,returned')
      tasks = got.data.items
      note.textContent = got.cachedAt ? mt('cached', { at: got.cachedAt.slice(0, 16).replace('T', ' ') }) : ''
      draw(tasks)
    } catch (err) {
      list.replaceChildren(el('li', 'm-error', `${mt('failed')}: ${err instanceof Error ? err.message : String(err)}`))
    }
  }
  await track(load())
  // Nearest first once the phone says where it is (it may take a few seconds, or never).
  void track(
    currentPosition().then((p) => {
      if (!p) return
      here = [p.lng, p.lat]
      draw(tasks)
    }),
  )
  const stops = [app.onLive('task.assigned', () => void track(load())), app.onLive('task', () => void track(load()))]
  return () => stops.forEach((s) => s())
}
