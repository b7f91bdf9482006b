/**
 * A task on the phone (任务): what to do, where and by when, why it came back if it did, and the
 * next step — accept, start, or submit with photos (downscaled here), a comment and the phone's
 * position. Steps go through the offline queue: sent at once when online, later when not.
 */
import type { TaskDetail } from '../../../../server/shared/api.ts'
import { el, facts } from '../../ui/dom.ts'
import { gallery } from '../../ui/gallery.ts'
import { track } from '../../ui/idle.ts'
import { timeline, type TimelineEvent } from '../../ui/timeline.ts'
import { getCached, type MPage } from '../app.ts'
import { currentPosition } from '../geo.ts'
import { downscaleImage } from '../offline/downscale.ts'
import { mt } from '../strings.ts'
import { statusText } from './today.ts'

/** The worker's next steps from a status (review — close or return — is the office's, on the desk). */
const NEXT: Record<string, { to: string; label: 'accept' | 'start' | 'submit' }[]> = {
  issued: [{ to: 'accepted', label: 'accept' }],
  accepted: [{ to: 'in_progress', label: 'start' }],
  in_progress: [{ to: 'submitted', label: 'submit' }],
  returned: [{ to: 'in_progress', label: 'start' }],
}

export const mount: MPage = async (root, { id }, app) => {
  const path = `/api/tasks/${encodeURIComponent(id ?? '')}`
  const show = async () => {
    let t: TaskDetail
    let cachedAt: string | null
    try {
      ;({ data: t, cachedAt } = await getCached<TaskDetail>(path))
    } catch (err) {
      // "Not yours" and "none" look the same: the server never tells them apart.
      const notFound = (err as { status?: number }).status === 404
      root.replaceChildren(
        el('p', 'm-error', notFound ? mt('notFound') : `${mt('failed')}: ${err instanceof Error ? err.message : String(err)}`),
      )
      return
    }
    const waiting = (await app.queue.list()).filter((a) => a.path === `${path}/transitions`)
    const back = el('a', 'm-back', `‹ ${mt('back')}`)
    back.href = '/m'
    const head = el('header', 'm-task-head')
    head.dataset.id = String(t.id)
    head.append(el('h2', '', t.title), el('span', `m-chip m-chip--${t.status}`, statusText(t.status)))
    const parts: Node[] = [back, head]
    if (cachedAt) parts.push(el('p', 'm-note', mt('cached', { at: cachedAt.slice(0, 16).replace('T', ' ') })))
    const returned = [...t.history].reverse().find((e) => e.to === 'returned')
    if (t.status === 'returned' && returned?.comment) {
      const why = el('div', 'm-returned')
      why.append(el('strong', '', mt('returnReason')), el('p', '', returned.comment))
      parts.push(why)
    }
    parts.push(
      facts([
        [mt('area'), t.areaName],
        [mt('dueLabel'), `${t.dueDate}${t.overdue ? ` · ${mt('overdueShort')}` : ''}`],
        [mt('assignee'), t.assigneeName ?? t.assigneeTeam],
      ]),
    )
    if (t.description) parts.push(el('p', 'm-text', t.description))
    for (const w of waiting)
      parts.push(el('p', `m-waiting m-waiting--${w.state}`, `${w.label} · ${mt(`state_${w.state}`)}${w.error ? ` · ${w.error}` : ''}`))
    if (waiting.length === 0) for (const step of NEXT[t.status] ?? []) parts.push(stepForm(t, step.to, step.label))
    const history = el('section', 'm-section')
    // Each step with the photos sent with it.
    const photosOf = (e: TimelineEvent) => {
      const mine = t.attachments.filter((a) => a.eventId === e.id)
      return mine.length ? gallery(mine.map((a) => ({ href: a.url, thumb: a.thumbnailUrl, name: a.filename ?? a.id.slice(0, 8) }))) : null
    }
    history.append(el('h3', '', mt('history')), timeline(t.history, statusText, photosOf))
    parts.push(history)
    root.replaceChildren(...parts)
  }

  function stepForm(t: TaskDetail, to: string, label: 'accept' | 'start' | 'submit'): HTMLElement {
    const form = el('form', 'm-form')
    form.dataset.form = to
    const submit = label === 'submit'
    const comment = el('textarea')
    comment.name = 'comment'
    comment.rows = 3
    comment.placeholder = mt('comment')
    const photos = el('input')
    photos.type = 'file'
    photos.name = 'photos'
    photos.accept = 'image/*'
    photos.multiple = true
    photos.setAttribute('capture', 'environment')
    const photoLabel = el('label', 'm-photo-pick')
    photoLabel.append(el('span', '', mt('photos')), photos)
    const picked = el('div', 'm-picked')
    photos.addEventListener('change', () => (picked.textContent = [...(photos.files ?? [])].map((f) => f.name).join('、')))
    const go = el('button', 'm-btn m-btn--primary', mt(label))
    go.type = 'submit'
    go.dataset.action = to
    if (submit) form.append(comment, photoLabel, picked)
    form.append(go)
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      go.disabled = true
      void track(
        (async () => {
          try {
            const position = await currentPosition(5000)
            const files = [...(photos.files ?? [])]
            const shrunk = await Promise.all(
              files.map(async (f) => ({ name: f.name.replace(/\.\w+$/, '.jpg'), type: 'image/jpeg', blob: await downscaleImage(f) })),
            )
            const text = comment.value.trim()
            await app.queue.enqueue({
              method: 'POST',
              path: `${path}/transitions`,
              body: { to, ...(text ? { comment: text } : {}), ...(position ? { position } : {}) },
              photos: submit ? shrunk : [],
              label: `${mt(label)} #${t.id}`,
            })
            // The queue sends at once when it can: settle, then show what the server now says.
            if (app.online()) await app.queue.flush()
            const left = (await app.queue.list()).some((a) => a.path === `${path}/transitions`)
            app.toast(left ? mt('willSend') : mt('sent'))
            await show()
          } catch (err) {
            go.disabled = false
            app.toast(err instanceof Error ? err.message : String(err), 'error')
          }
        })(),
      )
    })
    return form
  }

  await track(show())
  // When the queue sends this task's step (back online), show the new state.
  const stop = app.queue.onChange(() => void track(show()))
  return () => stop()
}
