/**
 * The grid worker's phone app (/m, 两端发力): today's tasks, a task's steps with photos and GPS,
 * reporting a hazard, the grid on a light map and the village's ranking. Installable and
 * offline-tolerant: the shell is cached by the service worker (pwa.ts) and every action goes
 * through the offline queue (offline/queue.ts) with an Idempotency-Key, so a retry never
 * duplicates. Small by design: no zod, no MapLibre until the map tab opens.
 */
import './m.css'

import type { MeResponse, TaskAssigned } from '../../../server/shared/api.ts'
import { csrfToken } from '../api/csrf.ts'
import { getLang, onLangChange, setLang } from '../i18n/i18n.ts'
import { isMine } from '../live/assigned.ts'
import { openStream } from '../live/stream.ts'
import { el } from '../ui/dom.ts'
import { idle, track } from '../ui/idle.ts'
import { forgetCachedAnswers, getCached, type MApp, type MPage, mRoute } from './app.ts'
import { createQueue, type QueuedAction } from './offline/queue.ts'
import { clearOfflineAnswers, registerServiceWorker } from './pwa.ts'
import { mt } from './strings.ts'

declare global {
  interface Window {
    /** For tests and the benchmark: resolves once the first page has drawn; `idle()` when its work is done. */
    __m?: { ready: Promise<void>; idle(): Promise<void>; queue(): Promise<QueuedAction[]> }
  }
}

const PAGES: Record<ReturnType<typeof mRoute>['page'], () => Promise<{ mount: MPage }>> = {
  today: () => import('./pages/today.ts'),
  task: () => import('./pages/task.ts'),
  report: () => import('./pages/report.ts'),
  grid: () => import('./pages/grid.ts'),
  rank: () => import('./pages/rank.ts'),
  queue: () => import('./pages/queue.ts'),
}
const TABS = ['today', 'report', 'grid', 'rank'] as const

const root = document.getElementById('m-app')!
const bar = el('header', 'm-bar')
const title = el('h1', 'm-title')
const status = el('button', 'm-status')
status.type = 'button'
const lang = el('button', 'm-lang')
lang.type = 'button'
const logout = el('button', 'm-lang')
logout.type = 'button'
logout.dataset.action = 'logout'
bar.append(title, status, lang, logout)
const view = el('main', 'm-view')
const tabs = el('nav', 'm-tabs')
const toasts = el('div', 'm-toasts')
const badge = el('span', 'm-badge')
badge.dataset.badge = 'today'
toasts.setAttribute('role', 'status')
root.append(bar, view, tabs, toasts)

function toast(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const t = el('div', `m-toast m-toast--${kind}`, text)
  toasts.append(t)
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 4000)
}

let resolveQueue: (q: ReturnType<typeof createQueue>) => void = () => {}
const queues = new Promise<ReturnType<typeof createQueue>>((ok) => (resolveQueue = ok))

async function start(): Promise<void> {
  const { data: me } = await getCached<MeResponse>('/api/auth/me')
  const listeners = new Map<string, Set<(data: unknown) => void>>()
  const queue = createQueue()
  resolveQueue(queue)
  const app: MApp = {
    me,
    queue,
    navigate(path) {
      history.pushState(null, '', path)
      void track(route())
    },
    toast,
    onLive(type, fn) {
      const set = listeners.get(type) ?? new Set()
      listeners.set(type, set)
      set.add(fn)
      return () => set.delete(fn)
    },
    online: () => navigator.onLine,
    setBadge(n) {
      badge.textContent = n > 0 ? String(n) : ''
      badge.hidden = n === 0
    },
  }

  // The bar says when the phone is offline, and how many actions wait or were refused.
  let waiting: QueuedAction[] = []
  const renderStatus = () => {
    const refused = waiting.filter((a) => a.state === 'conflict' || a.state === 'failed').length
    const queued = waiting.length - refused
    const parts = [
      ...(navigator.onLine ? [] : [mt('offline')]),
      ...(queued ? [mt('queued', { n: queued })] : []),
      ...(refused ? [mt('conflicts', { n: refused })] : []),
    ]
    status.textContent = parts.join(' · ')
    status.hidden = parts.length === 0
    status.classList.toggle('is-bad', refused > 0 || !navigator.onLine)
  }
  queue.onChange((all) => {
    waiting = all
    renderStatus()
  })
  waiting = await queue.list()
  status.addEventListener('click', () => app.navigate('/m/queue'))
  // Logging out leaves nothing of this worker's data on the phone for the next one to read.
  logout.addEventListener('click', () => {
    void (async () => {
      // Actions still waiting would go out under the next person's login: give them up, knowingly.
      const left = await queue.list()
      if (left.length > 0 && !confirm(mt('logoutDrops', { n: left.length }))) return
      for (const a of left) await queue.discard(a.id)
      await fetch('/api/auth/logout', { method: 'POST', headers: { 'x-csrf-token': csrfToken() } }).catch(() => undefined)
      forgetCachedAnswers()
      await clearOfflineAnswers()
      location.assign('/login?next=%2Fm')
    })()
  })
  window.addEventListener('online', renderStatus)
  window.addEventListener('offline', renderStatus)

  // New assignments while the app is open: a toast (the list and its badge reload themselves).
  openStream({
    onEvent(type, data) {
      if (type === 'task.assigned' && isMine(data as TaskAssigned, me.user)) toast(mt('newTask', { title: (data as TaskAssigned).title }))
      listeners.get(type)?.forEach((fn) => fn(data))
    },
    onState() {},
    onOpen() {},
  })

  let destroy: (() => void) | void = undefined
  let generation = 0
  const renderTabs = (page: string) => {
    tabs.replaceChildren(
      ...TABS.map((t) => {
        const a = el('a', `m-tab${t === page || (page === 'task' && t === 'today') ? ' is-active' : ''}`, mt(`tab.${t}`))
        a.href = t === 'today' ? '/m' : `/m/${t}`
        a.dataset.tab = t
        if (t === 'today') a.append(badge)
        return a
      }),
    )
  }
  async function route(): Promise<void> {
    const r = mRoute(location.pathname)
    const mine = ++generation
    renderTabs(r.page)
    destroy?.()
    destroy = undefined
    view.replaceChildren(el('p', 'm-loading', mt('loading')))
    const mod = await PAGES[r.page]()
    if (mine !== generation) return
    view.replaceChildren()
    view.scrollTop = 0
    destroy = await mod.mount(view, { id: r.id, search: new URLSearchParams(location.search) }, app)
  }
  document.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a')
    if (!a || e.defaultPrevented || a.target) return
    const url = new URL(a.href, location.href)
    if (url.origin !== location.origin || !url.pathname.startsWith('/m')) return
    e.preventDefault()
    app.navigate(url.pathname + url.search)
  })
  window.addEventListener('popstate', () => void track(route()))
  lang.addEventListener('click', () => setLang(getLang() === 'zh' ? 'en' : 'zh'))
  let first = true
  onLangChange((l) => {
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en'
    title.textContent = `${mt('title')} · ${me.user.displayName}`
    lang.textContent = l === 'zh' ? 'EN' : '中'
    logout.textContent = mt('logout')
    renderStatus()
    if (!first) void track(route())
  })
  first = false
  await track(route())
}

const ready = track(
  start().catch((err: unknown) => {
    view.replaceChildren(el('p', 'm-error', `${mt('failed')}: ${err instanceof Error ? err.message : String(err)}`))
  }),
)
window.__m = { ready, idle, queue: async () => (await queues).list() }
void registerServiceWorker()
