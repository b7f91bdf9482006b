/** A record's history as a timeline: when, who, what, and the comment — oldest first, as the API gives it. */
import { el, formatTime } from './dom.ts'

export interface TimelineEvent {
  id?: number
  at: string
  actor: string
  action: string
  from: string | null
  to: string | null
  comment: string | null
}

/**
 * The timeline list; `name` turns a status into words (the API's codes otherwise).
 * @example timeline([{ at: '2026-12-01T02:00:00Z', actor: 'ops', action: 'transition', from: 'issued', to: 'accepted', comment: null }]).children.length // 1
 */
export function timeline(
  events: readonly TimelineEvent[],
  name: (status: string) => string = (s) => s,
  /** What else an event shows (e.g. the photos that came with it). */
  extra: (e: TimelineEvent) => Node | null = () => null,
): HTMLOListElement {
  const ol = el('ol', 'desk-timeline')
  for (const e of events) {
    const li = el('li', `desk-event desk-event--${e.action}`)
    li.dataset.action = e.action
    li.dataset.to = e.to ?? ''
    const what = e.to ? `${e.from ? `${name(e.from)} → ` : ''}${name(e.to)}` : e.action
    li.append(el('time', '', formatTime(e.at)), el('span', 'desk-event-actor', e.actor), el('span', 'desk-event-what', what))
    if (e.comment) li.append(el('p', 'desk-event-comment', e.comment))
    const more = extra(e)
    if (more) li.append(more)
    ol.append(li)
  }
  return ol
}
