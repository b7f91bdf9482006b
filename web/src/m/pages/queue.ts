/** What waits to be sent, and what the server refused (a conflict is shown, never silently lost). */
import { el, formatTime } from '../../ui/dom.ts'
import type { MPage } from '../app.ts'
import type { QueuedAction } from '../offline/queue.ts'
import { mt } from '../strings.ts'

export const mount: MPage = async (root, _params, app) => {
  const list = el('ul', 'm-list')
  root.append(el('h2', '', mt('queueTitle')), list)
  const draw = (all: QueuedAction[]) => {
    if (all.length === 0) return void list.replaceChildren(el('li', 'm-empty', '—'))
    list.replaceChildren(
      ...all.map((a) => {
        const li = el('li', `m-item m-waiting--${a.state}`)
        li.dataset.state = a.state
        li.append(el('span', 'm-item-title', a.label), el('span', 'm-item-meta', `${mt(`state_${a.state}`)} · ${formatTime(a.createdAt)}`))
        if (a.error) li.append(el('span', 'm-item-error', a.error))
        if (a.state === 'conflict' || a.state === 'failed') {
          const retry = el('button', 'm-btn', mt('retry'))
          retry.type = 'button'
          retry.addEventListener('click', () => void app.queue.retry(a.id))
          const discard = el('button', 'm-btn', mt('discard'))
          discard.type = 'button'
          discard.dataset.action = 'discard'
          discard.addEventListener('click', () => void app.queue.discard(a.id))
          li.append(retry, discard)
        }
        return li
      }),
    )
  }
  draw(await app.queue.list())
  return app.queue.onChange(draw)
}
